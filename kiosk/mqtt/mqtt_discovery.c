/* SPDX-License-Identifier: MIT */
/*
 * Discovery payloads by Home Assistant's current schema (read from its
 * source, homeassistant/components/mqtt/: schemas.py, sensor.py, button.py,
 * select.py, event.py, binary_sensor.py, discovery.py; the rules are cited
 * in tests/mqtt/test_mqtt_discovery.c and docs/schemas/ha/).
 */
#include "mqtt/mqtt_discovery.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/protocol.h"
#include "mqtt/mqtt_payload.h"

const char *const mqtt_discovery_result_statuses[] = {
    /* The controller's command_status names. */
    "ok", "bad_station", "bad_state", "not_screened", "bad_argument", "bad_pin", "pressurised",
    "queue_full", "hardware_unsafe",
    /* The parser's errors. */
    "too_large", "not_json", "not_object", "bad_field", "no_action", "unknown_action",
    "remote_start_refused",
    /* The intake's refusals. */
    "unknown_station", "retained_refused", "expired", "rate_limited", "timeout", NULL};

/* HA templates.  Buttons and the select render a fresh request id and the
 * issue time at each press (HA's MqttCommandTemplate, with now()). */
#define HA_MS "(now().timestamp() * 1000) | int"
#define HA_REQUEST                                                                                 \
	"\"request_id\":\"ha-{{ " HA_MS                                                            \
	" }}-{{ range(1000000) | random }}\",\"issued_ms\":{{ " HA_MS                              \
	" }},\"by\":\"home-assistant\""
static const char button_template[] = "{\"action\":\"{{ value }}\"," HA_REQUEST "}";
static const char service_command_template[] =
    "{% if value == 'In service' %}{\"action\":\"in_service\"{% else %}"
    "{\"action\":\"out_of_service\",\"reason\":\"{{ value[16:] }}\"{% endif %}," HA_REQUEST "}";
static const char service_value_template[] =
    "{% if value_json.state == 'out_of_service' %}"
    "{% set r = value_json.service.reason if value_json.service else '' %}"
    "Out of service: {{ r if r in ['maintenance', 'repair', 'hygiene'] else 'other' }}"
    "{% else %}In service{% endif %}";
static const char *const service_options[] = {"In service",
                                              "Out of service: maintenance",
                                              "Out of service: repair",
                                              "Out of service: hygiene",
                                              "Out of service: other",
                                              NULL};
static const char session_template[] =
    "{% if value_json.type in ['session_started', 'session_completed', 'session_stopped'] %}"
    "{{ {'event_type': value_json.type, 'id': value_json.id, 'program': "
    "value_json.get('program'), 'reason': value_json.get('reason')} | tojson }}{% endif %}";
static const char *const session_types[] = {"session_started", "session_completed",
                                            "session_stopped", NULL};
static const char fault_template[] =
    "{% if value_json.type in ['fault_raised', 'fault_reset'] %}"
    "{{ {'event_type': value_json.type, 'id': value_json.id, 'fault': "
    "value_json.get('fault')} | tojson }}{% endif %}";
static const char *const fault_types[] = {"fault_raised", "fault_reset", NULL};
static const char command_template[] =
    "{{ {'event_type': value_json.status, 'action': value_json.action, 'request_id': "
    "value_json.request_id, 'ok': value_json.ok, 'message': value_json.message} | tojson }}";

enum entity_kind {
	ENT_SENSOR,
	ENT_BINARY,
	ENT_SELECT,
	ENT_BUTTON,
	ENT_EVENT,
};

struct entity {
	enum entity_kind kind;
	const char *component;
	const char *object;
	const char *name;
	const char *state_leaf; /* status, event, cmd/result (station) or status (kiosk) */
	const char *value_template;
	const char *device_class;
	const char *unit;
	const char *state_class;
	const char *icon;
	const char *category;            /* entity_category */
	const char *const *options;      /* enum sensor / select */
	const char *const *event_types;  /* event */
	const char *press;               /* button: the action */
	const char *attributes_template; /* json_attributes_template */
	bool needs_sensor;
};

static const struct entity station_entities[MQTT_DISCOVERY_STATION_ITEMS] = {
    {ENT_SENSOR, "sensor", "state", "State", "status", "{{ value_json.state }}", "enum", NULL, NULL,
     "mdi:state-machine", NULL, NULL, NULL, NULL, "{{ value_json | tojson }}", false},
    {ENT_SENSOR, "sensor", "remaining", "Remaining", "status", "{{ value_json.remaining_s }}",
     "duration", "s", "measurement", NULL, NULL, NULL, NULL, NULL, NULL, false},
    {ENT_SENSOR, "sensor", "pressure", "Pressure", "status", "{{ value_json.pressure_mmhg }}",
     "pressure", "mmHg", "measurement", NULL, NULL, NULL, NULL, NULL, NULL, true},
    {ENT_BINARY, "binary_sensor", "fault", "Fault", "status",
     "{{ 'ON' if value_json.fault != 'none' else 'OFF' }}", "problem", NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, false},
    {ENT_SELECT, "select", "service", "Service", "status", service_value_template, NULL, NULL, NULL,
     "mdi:wrench", NULL, service_options, NULL, NULL, NULL, false},
    {ENT_BUTTON, "button", "stop", "Stop", NULL, NULL, NULL, NULL, NULL, "mdi:stop", NULL, NULL,
     NULL, "stop", NULL, false},
    {ENT_BUTTON, "button", "reset_fault", "Reset fault", NULL, NULL, NULL, NULL, NULL,
     "mdi:restart-alert", NULL, NULL, NULL, "reset_fault", NULL, false},
    {ENT_BUTTON, "button", "cleaned", "Cleaned", NULL, NULL, NULL, NULL, NULL, "mdi:spray-bottle",
     NULL, NULL, NULL, "cleaned", NULL, false},
    {ENT_EVENT, "event", "session", "Session", "event", session_template, NULL, NULL, NULL,
     "mdi:timer-outline", NULL, NULL, session_types, NULL, NULL, false},
    {ENT_EVENT, "event", "fault_event", "Fault event", "event", fault_template, NULL, NULL, NULL,
     "mdi:alert", NULL, NULL, fault_types, NULL, NULL, false},
    {ENT_EVENT, "event", "command", "Command", "cmd/result", command_template, NULL, NULL, NULL,
     "mdi:console", NULL, NULL, mqtt_discovery_result_statuses, NULL, NULL, false},
};

static const struct entity kiosk_entities[MQTT_DISCOVERY_KIOSK_ITEMS] = {
    {ENT_SENSOR, "sensor", "uptime", "Uptime", "status", "{{ value_json.uptime_s }}", "duration",
     "s", "total_increasing", NULL, "diagnostic", NULL, NULL, NULL, NULL, false},
    {ENT_BINARY, "binary_sensor", "broker", "Broker link", "status",
     "{{ 'ON' if value_json.broker.connected else 'OFF' }}", "connectivity", NULL, NULL, NULL,
     "diagnostic", NULL, NULL, NULL, "{{ value_json.broker | tojson }}", false},
    {ENT_SENSOR, "sensor", "outbox", "Outbox depth", "status", "{{ value_json.outbox.depth }}",
     NULL, "events", "measurement", "mdi:tray-full", "diagnostic", NULL, NULL, NULL, NULL, false},
    {ENT_SENSOR, "sensor", "refused", "Refused publishes", "status",
     "{{ value_json.outbox.refused }}", NULL, NULL, "total_increasing", "mdi:cancel", "diagnostic",
     NULL, NULL, NULL, "{{ value_json.outbox | tojson }}", false},
    {ENT_BINARY, "binary_sensor", "deadlines", "Deadlines not guaranteed", "status",
     "{{ 'OFF' if value_json.deadlines_guaranteed else 'ON' }}", "problem", NULL, NULL, NULL,
     "diagnostic", NULL, NULL, NULL, NULL, false},
    {ENT_BINARY, "binary_sensor", "duplicate", "Second kiosk on this site", "status",
     "{{ 'ON' if value_json.duplicate else 'OFF' }}", "problem", NULL, NULL, NULL, "diagnostic",
     NULL, NULL, NULL, "{{ {'duplicate': value_json.duplicate} | tojson }}", false},
    {ENT_BINARY, "binary_sensor", "config", "Configuration problem", "status",
     "{{ 'ON' if value_json.problems else 'OFF' }}", "problem", NULL, NULL, NULL, "diagnostic",
     NULL, NULL, NULL, "{{ {'problems': value_json.problems} | tojson }}", false},
    {ENT_SENSOR, "sensor", "version", "Version", "status", "{{ value_json.version }}", NULL, NULL,
     NULL, "mdi:tag", "diagnostic", NULL, NULL, NULL, NULL, false},
};

/* Entity ids are lower-case [a-z0-9_]: the site's '-' becomes '_'. */
static void slug(char *out, size_t len, const char *in)
{
	size_t i = 0;

	for (; in[i] && i + 1 < len; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	out[i] = '\0';
}

static void add_list(cJSON *o, const char *key, const char *const *items)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);

	for (size_t i = 0; a && items[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
}

static void add_availability(cJSON *o, const char *site, int station)
{
	char topic[MQTT_TOPIC_MAX];
	cJSON *a = cJSON_AddArrayToObject(o, "availability");
	cJSON *item;

	if (!a)
		return;
	item = cJSON_CreateObject();
	mqtt_topic_kiosk(topic, sizeof(topic), site, "availability");
	cJSON_AddStringToObject(item, "topic", topic);
	cJSON_AddItemToArray(a, item);
	if (station >= 0) {
		item = cJSON_CreateObject();
		mqtt_topic_station(topic, sizeof(topic), site, (unsigned int)station,
		                   "availability");
		cJSON_AddStringToObject(item, "topic", topic);
		cJSON_AddItemToArray(a, item);
		/* Both must say online: the kiosk's last will covers every station. */
		cJSON_AddStringToObject(o, "availability_mode", "all");
	}
	cJSON_AddStringToObject(o, "payload_available", "online");
	cJSON_AddStringToObject(o, "payload_not_available", "offline");
}

static void add_device(cJSON *o, const struct mqtt_discovery_site *d, const char *node,
                       const char *name, bool kiosk)
{
	char via[96];
	cJSON *dev = cJSON_AddObjectToObject(o, "device");
	cJSON *org = cJSON_AddObjectToObject(o, "origin");

	if (dev) {
		add_list(dev, "identifiers", (const char *const[]){node, NULL});
		cJSON_AddStringToObject(dev, "name", name);
		cJSON_AddStringToObject(dev, "manufacturer", "recovery-kiosk");
		cJSON_AddStringToObject(dev, "model",
		                        kiosk ? "recovery kiosk controller"
		                              : "compression recovery station");
		cJSON_AddStringToObject(dev, "sw_version", d->version ? d->version : "");
		if (!kiosk) {
			snprintf(via, sizeof(via), "recovery_%s_kiosk", d->site);
			cJSON_AddStringToObject(dev, "via_device", via);
		}
	}
	if (org) {
		cJSON_AddStringToObject(org, "name", "recovery-kiosk");
		cJSON_AddStringToObject(org, "sw_version", d->version ? d->version : "");
	}
}

/* One entity's config.  station < 0: a kiosk entity. */
static int entity_config(const struct mqtt_discovery_site *d, const struct entity *e, int station,
                         const char *node, const char *device_name, char *buf, size_t len)
{
	char topic[MQTT_TOPIC_MAX], uid[160], eid[200], node_slug[96];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	slug(node_slug, sizeof(node_slug), node);
	snprintf(uid, sizeof(uid), "%s_%s", node, e->object);
	snprintf(eid, sizeof(eid), "%s.%s_%s", e->component, node_slug, e->object);
	cJSON_AddStringToObject(o, "name", e->name);
	cJSON_AddStringToObject(o, "unique_id", uid);
	cJSON_AddStringToObject(o, "default_entity_id", eid);
	if (e->state_leaf) {
		if (station >= 0)
			mqtt_topic_station(topic, sizeof(topic), d->site, (unsigned int)station,
			                   e->state_leaf);
		else
			mqtt_topic_kiosk(topic, sizeof(topic), d->site, e->state_leaf);
		cJSON_AddStringToObject(o, "state_topic", topic);
		cJSON_AddStringToObject(o, "value_template", e->value_template);
		if (e->attributes_template) {
			cJSON_AddStringToObject(o, "json_attributes_topic", topic);
			cJSON_AddStringToObject(o, "json_attributes_template",
			                        e->attributes_template);
		}
	}
	if (e->kind == ENT_BUTTON || e->kind == ENT_SELECT) {
		mqtt_topic_station(topic, sizeof(topic), d->site, (unsigned int)station, "cmd");
		cJSON_AddStringToObject(o, "command_topic", topic);
		cJSON_AddStringToObject(o, "command_template",
		                        e->kind == ENT_BUTTON ? button_template
		                                              : service_command_template);
		cJSON_AddBoolToObject(o, "retain", false);
	}
	if (e->press)
		cJSON_AddStringToObject(o, "payload_press", e->press);
	/* Commands and events at QoS 1: a press is delivered, not maybe. */
	cJSON_AddNumberToObject(o, "qos", 1);
	if (e->device_class)
		cJSON_AddStringToObject(o, "device_class", e->device_class);
	if (e->unit)
		cJSON_AddStringToObject(o, "unit_of_measurement", e->unit);
	if (e->state_class)
		cJSON_AddStringToObject(o, "state_class", e->state_class);
	if (e->options)
		add_list(o, "options", e->options);
	if (e->kind == ENT_SENSOR && e->device_class && strcmp(e->device_class, "enum") == 0) {
		const char *states[STATION_STATE_COUNT + 1];
		for (int s = 0; s < STATION_STATE_COUNT; s++)
			states[s] = station_state_name((enum station_state)s);
		states[STATION_STATE_COUNT] = NULL;
		add_list(o, "options", states);
	}
	if (e->event_types)
		add_list(o, "event_types", e->event_types);
	if (e->icon)
		cJSON_AddStringToObject(o, "icon", e->icon);
	if (e->category)
		cJSON_AddStringToObject(o, "entity_category", e->category);
	if (e->unit && strcmp(e->unit, "mmHg") == 0)
		cJSON_AddNumberToObject(o, "suggested_display_precision", 1);
	add_availability(o, d->site, station);
	add_device(o, d, node, device_name, station < 0);
	return mqtt_payload_print(o, buf, len);
}

static int entity_topic(const struct mqtt_discovery_site *d, const struct entity *e,
                        const char *node, char *topic, size_t len)
{
	int n =
	    snprintf(topic, len, "%s/%s/%s/%s/config", d->prefix, e->component, node, e->object);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mqtt_discovery_foreach(const struct mqtt_discovery_site *d,
                           int (*fn)(void *ctx, const char *topic, const char *payload, size_t len),
                           void *ctx)
{
	char topic[256], node[96], name[64], buf[MQTT_DISCOVERY_PAYLOAD_MAX];
	int rc;

	/* node_id must match [a-zA-Z0-9_-]+ (discovery.py TOPIC_MATCHER): the
	 * site's characters, [a-z0-9_-], already do. */
	snprintf(node, sizeof(node), "recovery_%s_kiosk", d->site);
	snprintf(name, sizeof(name), "Recovery kiosk %s", d->site);
	for (size_t k = 0; k < MQTT_DISCOVERY_KIOSK_ITEMS; k++) {
		const struct entity *e = &kiosk_entities[k];
		int n = entity_config(d, e, -1, node, name, buf, sizeof(buf));
		if (n < 0)
			return n;
		rc = entity_topic(d, e, node, topic, sizeof(topic));
		if (rc < 0 || (rc = fn(ctx, topic, buf, (size_t)n)) < 0)
			return rc;
	}
	for (unsigned int i = 0; i < MQTT_STATIONS_MAX; i++) {
		const struct mqtt_discovery_station *st = &d->stations[i];
		snprintf(node, sizeof(node), "recovery_%s_station_%u", d->site, i + 1u);
		for (size_t k = 0; k < MQTT_DISCOVERY_STATION_ITEMS; k++) {
			const struct entity *e = &station_entities[k];
			bool wanted = st->present && (!e->needs_sensor || st->has_sensor);
			int n = 0;
			rc = entity_topic(d, e, node, topic, sizeof(topic));
			if (rc < 0)
				return rc;
			if (wanted) {
				n = entity_config(d, e, (int)i, node,
				                  st->name ? st->name : "Station", buf,
				                  sizeof(buf));
				if (n < 0)
					return n;
			}
			rc = fn(ctx, topic, wanted ? buf : "", wanted ? (size_t)n : 0u);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

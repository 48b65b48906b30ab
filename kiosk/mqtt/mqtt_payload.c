/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_payload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mqtt/mqtt_topic.h"

static const char *phase_name(enum session_phase p)
{
	switch (p) {
	case PHASE_FILL:
		return "fill";
	case PHASE_HOLD:
		return "hold";
	case PHASE_RELEASE:
		return "release";
	case PHASE_REST:
		return "rest";
	case PHASE_NONE:
		break;
	}
	return "none";
}

static double tenth(double v)
{
	if (!isfinite(v))
		return 0.0;
	return round(v * 10.0) / 10.0;
}

/* Prints and frees root. */
static int print(cJSON *root, char *buf, size_t len)
{
	int rc;

	if (!root)
		return -ENOMEM;
	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	/* cJSON wants 5 spare bytes to be sure a number fits. */
	if (len > 5 && cJSON_PrintPreallocated(root, buf, (int)len - 5, 0))
		rc = (int)strlen(buf);
	else
		rc = -ENOSPC;
	cJSON_Delete(root);
	if (rc < 0 && len)
		buf[0] = '\0';
	return rc;
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

int mqtt_payload_station_status(char *buf, size_t len, const struct station_snapshot *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *zones;
	double peak = st->has_sensor ? st->manifold_mmhg : 0.0;
	size_t nz = st->zone_count <= STATION_MAX_ZONES ? st->zone_count : STATION_MAX_ZONES;

	if (!o)
		return -ENOMEM;
	cJSON_AddNumberToObject(o, "station", st->index + 1u);
	cJSON_AddStringToObject(o, "name", st->name);
	cJSON_AddStringToObject(o, "state", station_state_name(st->state));
	cJSON_AddStringToObject(o, "phase", phase_name(st->phase));
	add_string_or_null(o, "program", st->program_index >= 0 ? st->program_id : NULL);
	add_string_or_null(o, "program_name", st->program_index >= 0 ? st->program_name : NULL);
	cJSON_AddNumberToObject(o, "target_mmhg", tenth(st->target_mmhg));
	cJSON_AddNumberToObject(o, "duration_s", st->duration_s);
	cJSON_AddNumberToObject(o, "remaining_s", st->remaining_s);
	cJSON_AddNumberToObject(o, "elapsed_s", st->elapsed_s);
	zones = cJSON_AddArrayToObject(o, "zone_mmhg");
	for (size_t i = 0; zones && i < nz; i++) {
		cJSON_AddItemToArray(zones, cJSON_CreateNumber(tenth(st->zone_mmhg[i])));
		if (st->zone_mmhg[i] > peak)
			peak = st->zone_mmhg[i];
	}
	cJSON_AddNumberToObject(o, "pressure_mmhg", tenth(peak));
	cJSON_AddStringToObject(o, "fault", fault_code_name(st->fault));
	cJSON_AddStringToObject(o, "fault_message",
	                        st->fault == FAULT_NONE ? "" : st->fault_message);
	return print(o, buf, len);
}

int mqtt_payload_kiosk_status(char *buf, size_t len, const struct mqtt_kiosk_info *info)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	cJSON_AddStringToObject(o, "site", info->site);
	cJSON_AddStringToObject(o, "version", info->version ? info->version : "");
	cJSON_AddNumberToObject(o, "uptime_s", (double)info->uptime_s);
	cJSON_AddNumberToObject(o, "stations", info->station_count);
	cJSON_AddStringToObject(o, "backend", info->backend ? info->backend : "");
	return print(o, buf, len);
}

int mqtt_payload_event_id(char *buf, size_t len, const char *site, const char *tag, int64_t row)
{
	int n = snprintf(buf, len, "%s-%s-%lld", site, tag, (long long)row);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

static void iso8601(char *out, size_t len, uint64_t wall_ms)
{
	time_t secs = (time_t)(wall_ms / 1000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(out, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 || n >= len) {
		snprintf(out, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out + n, len - n, ".%03uZ", (unsigned int)(wall_ms % 1000u));
}

int mqtt_payload_event(char *buf, size_t len, const char *id, const struct kiosk_event *ev)
{
	cJSON *o = cJSON_CreateObject();
	char when[40];

	if (!o)
		return -ENOMEM;
	iso8601(when, sizeof(when), ev->wall_ms);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "type", event_kind_name(ev->kind));
	cJSON_AddNumberToObject(o, "station", ev->station + 1u);
	cJSON_AddStringToObject(o, "timestamp", when);
	cJSON_AddNumberToObject(o, "timestamp_ms", (double)ev->wall_ms);
	if (ev->program_id[0]) {
		char program[sizeof(ev->program_id) + 1];
		snprintf(program, sizeof(program), "%.*s", (int)sizeof(ev->program_id),
		         ev->program_id);
		cJSON_AddStringToObject(o, "program", program);
		cJSON_AddNumberToObject(o, "duration_s", ev->duration_s);
		cJSON_AddNumberToObject(o, "elapsed_s", ev->elapsed_s);
		cJSON_AddNumberToObject(o, "target_mmhg", tenth(ev->target_mmhg));
	}
	if (ev->kind == EVENT_SESSION_STOPPED)
		cJSON_AddStringToObject(o, "reason", stop_reason_name(ev->reason));
	if (ev->kind == EVENT_FAULT_RAISED) {
		cJSON_AddStringToObject(o, "fault", fault_code_name(ev->fault));
		cJSON_AddStringToObject(o, "fault_message", fault_code_message(ev->fault));
	}
	return print(o, buf, len);
}

int mqtt_payload_command_result(char *buf, size_t len, const char *request_id, const char *action,
                                bool ok, const char *status, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	add_string_or_null(o, "request_id", request_id);
	add_string_or_null(o, "action", action);
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "message", message ? message : "");
	return print(o, buf, len);
}

/* ---- Home Assistant discovery ---- */

struct discovery_entity {
	const char *component; /* sensor, binary_sensor, button */
	const char *object;
	const char *name;
	const char *value_template;
	const char *unit;
	const char *device_class;
	const char *press_action; /* buttons */
	const char *icon;
};

static const struct discovery_entity entities[MQTT_DISCOVERY_ITEMS] = {
    {"sensor", "state", "State", "{{ value_json.state }}", NULL, NULL, NULL, "mdi:state-machine"},
    {"sensor", "remaining", "Remaining", "{{ value_json.remaining_s }}", "s", "duration", NULL,
     NULL},
    {"sensor", "pressure", "Pressure", "{{ value_json.pressure_mmhg }}", "mmHg", "pressure", NULL,
     NULL},
    {"binary_sensor", "fault", "Fault", "{{ 'ON' if value_json.fault != 'none' else 'OFF' }}", NULL,
     "problem", NULL, NULL},
    {"button", "stop", "Stop", NULL, NULL, NULL, "stop", "mdi:stop"},
    {"button", "reset_fault", "Reset fault", NULL, NULL, NULL, "reset_fault", "mdi:restart-alert"},
    {"button", "cleaned", "Cleaned", NULL, NULL, NULL, "cleaned", "mdi:spray-bottle"},
};

int mqtt_discovery_item(const struct mqtt_discovery_params *p, unsigned int item, char *topic,
                        size_t topic_len, char *buf, size_t len)
{
	const struct discovery_entity *e;
	char node[96], uid[160], t_status[MQTT_TOPIC_MAX], t_avail[MQTT_TOPIC_MAX],
	    t_cmd[MQTT_TOPIC_MAX];
	cJSON *o, *dev, *ids;
	int n;

	if (item >= MQTT_DISCOVERY_ITEMS)
		return -EINVAL;
	e = &entities[item];
	/* node_id must match [a-zA-Z0-9_-]: the site already does. */
	n = snprintf(node, sizeof(node), "recovery_%s_station_%u", p->site, p->index + 1u);
	if (n < 0 || (size_t)n >= sizeof(node))
		return -ENAMETOOLONG;
	snprintf(uid, sizeof(uid), "%s_%s", node, e->object);
	n = snprintf(topic, topic_len, "%s/%s/%s/%s/config", p->prefix, e->component, node,
	             e->object);
	if (n < 0 || (size_t)n >= topic_len)
		return -ENAMETOOLONG;
	if (mqtt_topic_station(t_status, sizeof(t_status), p->site, p->index, "status") < 0 ||
	    mqtt_topic_station(t_cmd, sizeof(t_cmd), p->site, p->index, "cmd") < 0 ||
	    mqtt_topic_site(t_avail, sizeof(t_avail), p->site, "availability") < 0)
		return -ENAMETOOLONG;

	o = cJSON_CreateObject();
	if (!o)
		return -ENOMEM;
	cJSON_AddStringToObject(o, "name", e->name);
	cJSON_AddStringToObject(o, "unique_id", uid);
	cJSON_AddStringToObject(o, "object_id", uid);
	cJSON_AddStringToObject(o, "availability_topic", t_avail);
	cJSON_AddStringToObject(o, "payload_available", "online");
	cJSON_AddStringToObject(o, "payload_not_available", "offline");
	if (e->press_action) {
		char press[96];
		snprintf(press, sizeof(press), "{\"action\":\"%s\",\"request_id\":\"ha-%s\"}",
		         e->press_action, e->press_action);
		cJSON_AddStringToObject(o, "command_topic", t_cmd);
		cJSON_AddStringToObject(o, "payload_press", press);
	} else {
		cJSON_AddStringToObject(o, "state_topic", t_status);
		cJSON_AddStringToObject(o, "value_template", e->value_template);
	}
	if (e->unit)
		cJSON_AddStringToObject(o, "unit_of_measurement", e->unit);
	if (e->device_class)
		cJSON_AddStringToObject(o, "device_class", e->device_class);
	if (e->icon)
		cJSON_AddStringToObject(o, "icon", e->icon);
	dev = cJSON_AddObjectToObject(o, "device");
	if (dev) {
		ids = cJSON_AddArrayToObject(dev, "identifiers");
		if (ids)
			cJSON_AddItemToArray(ids, cJSON_CreateString(node));
		cJSON_AddStringToObject(dev, "name", p->station_name);
		cJSON_AddStringToObject(dev, "manufacturer", "recovery-kiosk");
		cJSON_AddStringToObject(dev, "model", "compression recovery station");
		cJSON_AddStringToObject(dev, "sw_version", p->version ? p->version : "");
		cJSON_AddStringToObject(dev, "suggested_area", p->site);
	}
	return print(o, buf, len);
}

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_discovery.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>

#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"

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
	return mqtt_payload_print(o, buf, len);
}

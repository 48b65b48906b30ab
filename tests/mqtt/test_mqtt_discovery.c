/* SPDX-License-Identifier: MIT */
/*
 * Home Assistant discovery, field by field, against the rules in Home
 * Assistant's own source (home-assistant/core,
 * homeassistant/components/mqtt/):
 *
 *  - discovery.py, TOPIC_MATCHER: <prefix>/<component>/[<node_id>/]<object_id>/config
 *    with node_id and object_id matching [a-zA-Z0-9_-]+; an empty payload
 *    on a config topic removes the entity.
 *  - schemas.py, MQTT_ENTITY_COMMON_SCHEMA: device (MQTT_ENTITY_DEVICE_INFO_SCHEMA,
 *    validate_device_has_at_least_one_identifier: identifiers or connections),
 *    origin (MQTT_ORIGIN_INFO_SCHEMA: name required), availability list
 *    (MQTT_AVAILABILITY_LIST_SCHEMA: each with a topic; availability_mode in
 *    all/any/latest), unique_id, entity_category, icon.
 *  - entity.py: "object_id" is deprecated (2025.10, removed in 2026.4):
 *    "default_entity_id": "<domain>.<object id>" replaces it.
 *  - sensor.py, validate_sensor_state_and_device_class_config: "options" only
 *    with device_class enum, never empty, never with state_class or
 *    unit_of_measurement; state_class from STATE_CLASSES_SCHEMA.
 *  - button.py: command_topic required, command_template rendered with
 *    payload_press at each press, retain false by default, qos (default 0).
 *  - select.py: options required; command_template rendered with the option.
 *  - event.py: event_types required; the rendered value is a JSON object
 *    with event_type among event_types.
 * docs/schemas/ha/ holds the same rules as JSON Schemas, and
 * tests/mqtt/contract.py renders the templates with Jinja2 against a live
 * kiosk.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_discovery.h"

#define MAX_ITEMS 128

struct seen {
	char topic[MAX_ITEMS][256];
	char *payload[MAX_ITEMS];
	size_t count;
};

static int collect(void *ctx, const char *topic, const char *payload, size_t len)
{
	struct seen *s = ctx;

	assert_true(s->count < MAX_ITEMS);
	snprintf(s->topic[s->count], sizeof(s->topic[0]), "%s", topic);
	s->payload[s->count] = len ? strndup(payload, len) : NULL;
	s->count++;
	return 0;
}

static void release(struct seen *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->payload[i]);
}

/* Two stations configured: 1 with a sensor, 2 without; slots 3..8 empty. */
static void discover(struct seen *s)
{
	struct mqtt_discovery_site d = {
	    .prefix = "homeassistant", .site = "city-gym", .version = "1.2.3"};

	d.stations[0] = (struct mqtt_discovery_station){true, "Station 1", true};
	d.stations[1] = (struct mqtt_discovery_station){true, "Station 2", false};
	memset(s, 0, sizeof(*s));
	assert_int_equal(mqtt_discovery_foreach(&d, collect, s), 0);
}

static const char *payload_of(const struct seen *s, const char *topic)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->topic[i], topic) == 0)
			return s->payload[i] ? s->payload[i] : "";
	fail_msg("no discovery topic %s", topic);
	return NULL;
}

static bool id_chars(const char *p, const char *end)
{
	if (p == end)
		return false;
	for (; p < end; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool in_list(const cJSON *list, const char *item)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list) if (cJSON_IsString(e) &&
	                                strcmp(e->valuestring, item) == 0) return true;
	return false;
}

static void test_discovery_topics_match_home_assistants_topic_matcher(void **state)
{
	struct seen s;

	(void)state;
	discover(&s);
	assert_int_equal(s.count, MQTT_DISCOVERY_KIOSK_ITEMS + 8 * MQTT_DISCOVERY_STATION_ITEMS);
	for (size_t i = 0; i < s.count; i++) {
		/* <prefix>/<component>/<node_id>/<object_id>/config */
		const char *t = s.topic[i];
		const char *a = strchr(t, '/'), *b = a ? strchr(a + 1, '/') : NULL,
		           *c = b ? strchr(b + 1, '/') : NULL, *d = c ? strchr(c + 1, '/') : NULL;
		assert_non_null(d);
		assert_string_equal(d, "/config");
		assert_true(id_chars(b + 1, c));
		assert_true(id_chars(c + 1, d));
	}
	release(&s);
}

static void test_discovery_every_entity_has_the_common_fields(void **state)
{
	struct seen s;

	(void)state;
	discover(&s);
	for (size_t i = 0; i < s.count; i++) {
		if (!s.payload[i])
			continue;
		cJSON *o = cJSON_Parse(s.payload[i]);
		assert_non_null(o);
		char component[32];
		sscanf(s.topic[i], "homeassistant/%31[^/]/", component);
		/* entity.py: no object_id, default_entity_id = <domain>.<slug>. */
		assert_null(cJSON_GetObjectItemCaseSensitive(o, "object_id"));
		const char *eid = str(o, "default_entity_id");
		assert_non_null(eid);
		assert_true(strncmp(eid, component, strlen(component)) == 0 &&
		            eid[strlen(component)] == '.');
		for (const char *p = eid + strlen(component) + 1; *p; p++)
			assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			            *p == '_');
		assert_non_null(str(o, "unique_id"));
		assert_non_null(str(o, "name"));
		/* schemas.py: a device has at least one identifier; origin a name. */
		const cJSON *dev = cJSON_GetObjectItemCaseSensitive(o, "device");
		assert_true(
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dev, "identifiers")) >= 1);
		assert_non_null(str(cJSON_GetObjectItemCaseSensitive(o, "origin"), "name"));
		/* Availability list: each entry a topic; a station's needs both. */
		const cJSON *av = cJSON_GetObjectItemCaseSensitive(o, "availability");
		assert_true(cJSON_GetArraySize(av) >= 1);
		const cJSON *e;
		cJSON_ArrayForEach(e, av) assert_non_null(str(e, "topic"));
		if (strstr(s.topic[i], "_station_")) {
			assert_int_equal(cJSON_GetArraySize(av), 2);
			assert_string_equal(str(o, "availability_mode"), "all");
			assert_non_null(str(dev, "via_device"));
		}
		assert_int_equal(cJSON_GetObjectItemCaseSensitive(o, "qos")->valueint, 1);
		cJSON_Delete(o);
	}
	release(&s);
}

static void test_discovery_sensors_follow_the_enum_and_state_class_rules(void **state)
{
	struct seen s;

	(void)state;
	discover(&s);
	cJSON *o = cJSON_Parse(
	    payload_of(&s, "homeassistant/sensor/recovery_city-gym_station_1/state/config"));
	/* sensor.py: options only with device_class enum, no unit nor state_class. */
	assert_string_equal(str(o, "device_class"), "enum");
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(o, "options");
	for (int st = 0; st < STATION_STATE_COUNT; st++)
		assert_true(in_list(options, station_state_name((enum station_state)st)));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "state_class"));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "unit_of_measurement"));
	cJSON_Delete(o);
	static const char *const numbers[] = {
	    "homeassistant/sensor/recovery_city-gym_station_1/remaining/config",
	    "homeassistant/sensor/recovery_city-gym_station_1/pressure/config",
	    "homeassistant/sensor/recovery_city-gym_kiosk/uptime/config",
	    "homeassistant/sensor/recovery_city-gym_kiosk/outbox/config"};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		o = cJSON_Parse(payload_of(&s, numbers[i]));
		assert_non_null(str(o, "state_class"));
		assert_null(cJSON_GetObjectItemCaseSensitive(o, "options"));
		cJSON_Delete(o);
	}
	o = cJSON_Parse(
	    payload_of(&s, "homeassistant/sensor/recovery_city-gym_station_1/pressure/config"));
	assert_string_equal(str(o, "device_class"), "pressure");
	assert_string_equal(str(o, "unit_of_measurement"), "mmHg");
	cJSON_Delete(o);
	/* A station without a sensor has no pressure entity: removed. */
	assert_string_equal(
	    payload_of(&s, "homeassistant/sensor/recovery_city-gym_station_2/pressure/config"), "");
	release(&s);
}

static void test_discovery_buttons_and_select_command_at_qos_1_never_retained(void **state)
{
	struct seen s;
	static const char *const buttons[] = {"stop", "reset_fault", "cleaned"};

	(void)state;
	discover(&s);
	for (size_t i = 0; i < 3; i++) {
		char topic[160];
		snprintf(topic, sizeof(topic),
		         "homeassistant/button/recovery_city-gym_station_2/%s/config", buttons[i]);
		cJSON *o = cJSON_Parse(payload_of(&s, topic));
		/* button.py: command_topic required; the template renders at each
		 * press with payload_press as value. */
		assert_string_equal(str(o, "command_topic"), "recovery/city-gym/station/2/cmd");
		assert_string_equal(str(o, "payload_press"), buttons[i]);
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "retain")));
		const char *tpl = str(o, "command_template");
		assert_non_null(strstr(tpl, "{{ value }}"));
		/* A fresh request id and the issue time at each press. */
		assert_non_null(strstr(tpl, "now()"));
		assert_non_null(strstr(tpl, "random"));
		assert_non_null(strstr(tpl, "issued_ms"));
		cJSON_Delete(o);
	}
	/* select.py: options required; out of service with a reason. */
	cJSON *o = cJSON_Parse(
	    payload_of(&s, "homeassistant/select/recovery_city-gym_station_1/service/config"));
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(o, "options");
	assert_true(in_list(options, "In service"));
	assert_true(in_list(options, "Out of service: repair"));
	assert_string_equal(str(o, "state_topic"), "recovery/city-gym/station/1/status");
	assert_non_null(strstr(str(o, "command_template"), "out_of_service"));
	assert_non_null(strstr(str(o, "command_template"), "in_service"));
	cJSON_Delete(o);
	release(&s);
}

static void test_discovery_events_list_every_type_they_can_fire(void **state)
{
	struct seen s;

	(void)state;
	discover(&s);
	cJSON *o = cJSON_Parse(
	    payload_of(&s, "homeassistant/event/recovery_city-gym_station_1/command/config"));
	/* event.py: event_types required; every status a result can carry. */
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(o, "event_types");
	for (int st = 0; st <= CMD_ERR_HARDWARE; st++)
		if (!in_list(types, command_status_name((enum command_status)st)))
			fail_msg("command status %s is not an event type",
			         command_status_name((enum command_status)st));
	for (int e = 0; e < MQTT_CMD_ERR_COUNT; e++)
		assert_true(in_list(types, mqtt_command_error_name((enum mqtt_command_error)e)));
	assert_string_equal(str(o, "state_topic"), "recovery/city-gym/station/1/cmd/result");
	assert_non_null(strstr(str(o, "value_template"), "event_type"));
	cJSON_Delete(o);
	o = cJSON_Parse(
	    payload_of(&s, "homeassistant/event/recovery_city-gym_station_1/session/config"));
	types = cJSON_GetObjectItemCaseSensitive(o, "event_types");
	assert_true(in_list(types, "session_started") && in_list(types, "session_stopped"));
	assert_string_equal(str(o, "state_topic"), "recovery/city-gym/station/1/event");
	cJSON_Delete(o);
	release(&s);
}

static void test_discovery_removes_every_entity_of_a_station_not_configured(void **state)
{
	struct seen s;

	(void)state;
	discover(&s);
	size_t removed = 0, kiosk = 0;
	for (size_t i = 0; i < s.count; i++) {
		bool slot_free = strstr(s.topic[i], "_station_") &&
		                 !strstr(s.topic[i], "_station_1/") &&
		                 !strstr(s.topic[i], "_station_2/");
		if (slot_free) {
			assert_null(s.payload[i]);
			removed++;
		}
		kiosk += strstr(s.topic[i], "_kiosk/") && s.payload[i];
	}
	assert_int_equal(removed, 6 * MQTT_DISCOVERY_STATION_ITEMS);
	/* The kiosk is a device of its own. */
	assert_int_equal(kiosk, MQTT_DISCOVERY_KIOSK_ITEMS);
	release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_discovery_topics_match_home_assistants_topic_matcher),
	    cmocka_unit_test(test_discovery_every_entity_has_the_common_fields),
	    cmocka_unit_test(test_discovery_sensors_follow_the_enum_and_state_class_rules),
	    cmocka_unit_test(test_discovery_buttons_and_select_command_at_qos_1_never_retained),
	    cmocka_unit_test(test_discovery_events_list_every_type_they_can_fire),
	    cmocka_unit_test(test_discovery_removes_every_entity_of_a_station_not_configured),
	};
	return cmocka_run_group_tests_name("mqtt_discovery", tests, NULL, NULL);
}

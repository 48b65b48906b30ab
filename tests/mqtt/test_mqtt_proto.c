/* SPDX-License-Identifier: MIT */
/* Topic names, the command parser, the rate limit and every JSON payload. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"

/* ---- topics ---- */

static void test_topic_station_uses_index_plus_one(void **state)
{
	char buf[MQTT_TOPIC_MAX];

	(void)state;
	assert_int_equal(mqtt_topic_station(buf, sizeof(buf), "gym1", 0, "status"), 30);
	assert_string_equal(buf, "recovery/gym1/station/1/status");
	mqtt_topic_station(buf, sizeof(buf), "gym1", 7, "cmd/result");
	assert_string_equal(buf, "recovery/gym1/station/8/cmd/result");
	mqtt_topic_kiosk(buf, sizeof(buf), "gym1", "availability");
	assert_string_equal(buf, "recovery/gym1/kiosk/availability");
	assert_int_equal(mqtt_topic_kiosk(buf, 10, "gym1", "availability"), -ENAMETOOLONG);
}

static void test_topic_parse_cmd_accepts_only_known_stations(void **state)
{
	unsigned int idx = 99;

	(void)state;
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/2/cmd", "gym1", 2, &idx), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/3/cmd", "gym1", 2, &idx),
	                 -ENOENT);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/0/cmd", "gym1", 2, &idx),
	                 -ENOENT);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/01/cmd", "gym1", 2, &idx),
	                 -ENOENT);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station//cmd", "gym1", 2, &idx),
	                 -ENOENT);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/x/cmd", "gym1", 2, &idx),
	                 -ENOENT);
	assert_int_equal(
	    mqtt_topic_parse_cmd("recovery/gym1/station/99999999999/cmd", "gym1", 2, &idx),
	    -ENOENT);
	/* Not a station command topic at all. */
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/kiosk/cmd", "gym1", 2, &idx), -EINVAL);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station-1/cmd", "gym1", 2, &idx),
	                 -EINVAL);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym2/station/1/cmd", "gym1", 2, &idx),
	                 -EINVAL);
	assert_int_equal(
	    mqtt_topic_parse_cmd("recovery/gym1/station/1/cmd/result", "gym1", 2, &idx), -EINVAL);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1/station/1/status", "gym1", 2, &idx),
	                 -EINVAL);
	assert_int_equal(mqtt_topic_parse_cmd("recovery/gym1x/station/1/cmd", "gym1", 2, &idx),
	                 -EINVAL);
	assert_int_equal(mqtt_topic_parse_cmd("homeassistant/status", "gym1", 2, &idx), -EINVAL);
	assert_int_equal(idx, 1);
}

/* ---- command parser ---- */

static enum mqtt_command_error parse(const char *s, struct mqtt_command_request *req, char *why,
                                     size_t len)
{
	return mqtt_command_parse(s, strlen(s), req, why, len);
}

static void test_command_parse_accepts_every_staff_action(void **state)
{
	static const struct {
		const char *json;
		enum command_action action;
	} cases[] = {
	    {"{\"action\":\"stop\",\"request_id\":\"r1\"}", CMD_STOP},
	    {"{\"action\":\"reset_fault\",\"request_id\":\"r2\"}", CMD_RESET_FAULT},
	    {"{\"action\":\"cleaned\",\"request_id\":\"r3\"}", CMD_CLEANED},
	    {"{\"action\":\"out_of_service\",\"request_id\":\"r4\"}", CMD_OUT_OF_SERVICE},
	    {" { \"request_id\" : \"r5\" , \"action\" : \"in_service\" } ", CMD_IN_SERVICE},
	};
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].json, &req, why, sizeof(why)), MQTT_CMD_OK);
		assert_int_equal(req.action, cases[i].action);
		char expect[8];
		snprintf(expect, sizeof(expect), "r%zu", i + 1);
		assert_string_equal(req.request_id, expect);
	}
	/* request_id is optional. */
	assert_int_equal(parse("{\"action\":\"stop\"}", &req, why, sizeof(why)), MQTT_CMD_OK);
	assert_string_equal(req.request_id, "");
}

static void test_command_parse_refuses_remote_start_with_a_reason(void **state)
{
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	assert_int_equal(
	    parse("{\"action\":\"start\",\"request_id\":\"s1\"}", &req, why, sizeof(why)),
	    MQTT_CMD_ERR_REMOTE_START);
	assert_non_null(strstr(why, "screening"));
	assert_string_equal(req.request_id, "s1");
	assert_string_equal(mqtt_command_error_name(MQTT_CMD_ERR_REMOTE_START),
	                    "remote_start_refused");
}

static void test_command_parse_rejects_malformed_input_with_a_named_error(void **state)
{
	static const struct {
		const char *json;
		enum mqtt_command_error err;
		const char *why_has;
	} cases[] = {
	    {"stop", MQTT_CMD_ERR_NOT_JSON, "not JSON"},
	    {"{\"action\":\"stop\"", MQTT_CMD_ERR_NOT_JSON, "not JSON"},
	    {"", MQTT_CMD_ERR_NOT_JSON, "not JSON"},
	    {"[\"stop\"]", MQTT_CMD_ERR_NOT_OBJECT, "object"},
	    {"\"stop\"", MQTT_CMD_ERR_NOT_OBJECT, "object"},
	    {"{}", MQTT_CMD_ERR_NO_ACTION, "missing"},
	    {"{\"request_id\":\"x\"}", MQTT_CMD_ERR_NO_ACTION, "missing"},
	    {"{\"action\":1}", MQTT_CMD_ERR_BAD_FIELD, "string"},
	    {"{\"action\":null}", MQTT_CMD_ERR_BAD_FIELD, "string"},
	    {"{\"action\":[\"stop\"]}", MQTT_CMD_ERR_BAD_FIELD, "string"},
	    {"{\"action\":\"stop\",\"request_id\":7}", MQTT_CMD_ERR_BAD_FIELD, "request_id"},
	    {"{\"action\":\"stop\",\"request_id\":\"\"}", MQTT_CMD_ERR_BAD_FIELD, "request_id"},
	    {"{\"action\":\"stop\",\"request_id\":\"tab\\there\"}", MQTT_CMD_ERR_BAD_FIELD,
	     "printable"},
	    {"{\"action\":\"stop\",\"station\":2}", MQTT_CMD_ERR_BAD_FIELD, "unknown key"},
	    {"{\"action\":\"stop\",\"action\":\"cleaned\"}", MQTT_CMD_ERR_BAD_FIELD, "duplicate"},
	    {"{\"action\":\"stop\",\"issued_ms\":\"now\"}", MQTT_CMD_ERR_BAD_FIELD, "milliseconds"},
	    {"{\"action\":\"stop\",\"expires_ms\":-5}", MQTT_CMD_ERR_BAD_FIELD, "milliseconds"},
	    {"{\"action\":\"stop\",\"expires_ms\":1.5}", MQTT_CMD_ERR_BAD_FIELD, "milliseconds"},
	    {"{\"action\":\"stop\",\"reason\":\"repair\"}", MQTT_CMD_ERR_BAD_FIELD,
	     "out_of_service only"},
	    {"{\"action\":\"out_of_service\",\"reason\":\"\"}", MQTT_CMD_ERR_BAD_FIELD, "reason"},
	    {"{\"action\":\"stop\",\"by\":5}", MQTT_CMD_ERR_BAD_FIELD, "by"},
	    {"{\"action\":\"explode\"}", MQTT_CMD_ERR_UNKNOWN_ACTION, "reset_fault"},
	    {"{\"action\":\"STOP\"}", MQTT_CMD_ERR_UNKNOWN_ACTION, "unknown action"},
	    {"{\"action\":\"pause\"}", MQTT_CMD_ERR_UNKNOWN_ACTION, "unknown action"},
	};
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum mqtt_command_error e = parse(cases[i].json, &req, why, sizeof(why));
		if (e != cases[i].err)
			fail_msg("case %zu (%s): got %s", i, cases[i].json,
			         mqtt_command_error_name(e));
		if (!strstr(why, cases[i].why_has))
			fail_msg("case %zu: reason '%s' lacks '%s'", i, why, cases[i].why_has);
	}
}

static void test_command_parse_reads_expiry_reason_and_sender(void **state)
{
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	assert_int_equal(parse("{\"action\":\"out_of_service\",\"request_id\":\"q\","
	                       "\"issued_ms\":1746093600000,\"expires_ms\":1746093630000,"
	                       "\"reason\":\"repair\",\"by\":\"front desk\"}",
	                       &req, why, sizeof(why)),
	                 MQTT_CMD_OK);
	assert_int_equal(req.action, CMD_OUT_OF_SERVICE);
	assert_true(req.issued_ms == 1746093600000ull);
	assert_true(req.expires_ms == 1746093630000ull);
	assert_string_equal(req.note, "repair");
	assert_string_equal(req.by, "front desk");
	/* expires_ms decides when given... */
	assert_false(mqtt_command_expired(&req, 1746093630000ull));
	assert_true(mqtt_command_expired(&req, 1746093630001ull));
	/* ...else issued_ms plus the longest age a command may wait... */
	req.expires_ms = 0;
	assert_false(mqtt_command_expired(&req, 1746093600000ull + MQTT_COMMAND_MAX_AGE_MS));
	assert_true(mqtt_command_expired(&req, 1746093600001ull + MQTT_COMMAND_MAX_AGE_MS));
	/* ...and a command with neither never expires by its payload. */
	req.issued_ms = 0;
	assert_false(mqtt_command_expired(&req, UINT64_MAX / 2));
}

static void test_command_parse_rejects_oversize_and_embedded_nul(void **state)
{
	static char big[MQTT_COMMAND_MAX_BYTES + 2];
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	/* A valid command padded past 4 KiB with spaces is still refused. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"action\":\"stop\"}", 17);
	assert_int_equal(
	    mqtt_command_parse(big, MQTT_COMMAND_MAX_BYTES + 1, &req, why, sizeof(why)),
	    MQTT_CMD_ERR_TOO_LARGE);
	assert_non_null(strstr(why, "4096"));
	assert_int_equal(mqtt_command_parse(big, MQTT_COMMAND_MAX_BYTES, &req, why, sizeof(why)),
	                 MQTT_CMD_OK);

	const char nul[] = "{\"action\":\"stop\"}\0{}";
	assert_int_equal(mqtt_command_parse(nul, sizeof(nul) - 1, &req, why, sizeof(why)),
	                 MQTT_CMD_ERR_NOT_JSON);
	/* Not NUL-terminated: the parser must not read past len. */
	const char unterminated[4] = {'{', '}', '{', '}'};
	assert_int_equal(mqtt_command_parse(unterminated, 2, &req, why, sizeof(why)),
	                 MQTT_CMD_ERR_NO_ACTION);
	assert_int_equal(mqtt_command_parse(NULL, 0, &req, why, sizeof(why)),
	                 MQTT_CMD_ERR_NOT_JSON);
}

static void test_command_parse_echoes_request_id_of_a_bad_command(void **state)
{
	struct mqtt_command_request req;
	char why[200];

	(void)state;
	assert_int_equal(
	    parse("{\"request_id\":\"abc\",\"action\":\"fly\"}", &req, why, sizeof(why)),
	    MQTT_CMD_ERR_UNKNOWN_ACTION);
	assert_string_equal(req.request_id, "abc");
	char long_id[100];
	memset(long_id, 'a', sizeof(long_id));
	long_id[99] = '\0';
	char json[200];
	snprintf(json, sizeof(json), "{\"action\":\"stop\",\"request_id\":\"%s\"}", long_id);
	assert_int_equal(parse(json, &req, why, sizeof(why)), MQTT_CMD_ERR_BAD_FIELD);
	assert_string_equal(req.request_id, "");
}

static void test_rate_limit_passes_burst_then_sustained_rate(void **state)
{
	struct mqtt_rate_limit rl;
	unsigned int passed = 0;

	(void)state;
	mqtt_rate_limit_init(&rl, 10.0, 20.0);
	for (int i = 0; i < 100; i++)
		passed += mqtt_rate_limit_take(&rl, 5000);
	assert_int_equal(passed, 20);
	/* 1 s later: 10 more. */
	passed = 0;
	for (int i = 0; i < 100; i++)
		passed += mqtt_rate_limit_take(&rl, 6000);
	assert_int_equal(passed, 10);
	/* A second of 1000 messages/s passes about 10. */
	passed = 0;
	for (uint64_t t = 6001; t <= 7000; t++)
		passed += mqtt_rate_limit_take(&rl, t);
	assert_in_range(passed, 9, 11);
	/* The clock going backwards does not mint tokens. */
	passed = 0;
	for (int i = 0; i < 50; i++)
		passed += mqtt_rate_limit_take(&rl, 1000);
	assert_in_range(passed, 0, 1);
}

/* ---- payloads ---- */

static cJSON *parse_json(const char *buf, int len)
{
	assert_true(len > 0);
	assert_int_equal(strlen(buf), (size_t)len);
	cJSON *root = cJSON_Parse(buf);
	assert_non_null(root);
	return root;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsString(it));
	return it->valuestring;
}

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsNumber(it));
	return it->valuedouble;
}

static void test_payload_station_status_has_every_field(void **state)
{
	struct station_snapshot st;
	char buf[MQTT_PAYLOAD_MAX];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.index = 1;
	snprintf(st.name, sizeof(st.name), "Station 2");
	st.state = STATION_RUNNING;
	st.phase = PHASE_HOLD;
	st.program_index = 0;
	snprintf(st.program_id, sizeof(st.program_id), "standard");
	snprintf(st.program_name, sizeof(st.program_name), "Standard recovery");
	st.target_mmhg = 50.0;
	st.duration_s = 1200;
	st.remaining_s = 1100;
	st.elapsed_s = 100;
	st.zone_count = 3;
	st.has_sensor = true;
	st.zone_mmhg[0] = 48.24;
	st.zone_mmhg[1] = 44.96;
	st.zone_mmhg[2] = 0.0;
	st.fault = FAULT_NONE;
	snprintf(st.fault_message, sizeof(st.fault_message), "stale text");

	cJSON *o = parse_json(buf, mqtt_payload_station_status(buf, sizeof(buf), &st));
	assert_int_equal((int)num_of(o, "station"), 2);
	assert_string_equal(str_of(o, "name"), "Station 2");
	assert_string_equal(str_of(o, "state"), "running");
	assert_string_equal(str_of(o, "phase"), "hold");
	assert_string_equal(str_of(o, "program"), "standard");
	assert_int_equal((int)num_of(o, "remaining_s"), 1100);
	assert_int_equal((int)num_of(o, "elapsed_s"), 100);
	assert_true(num_of(o, "target_mmhg") == 50.0);
	assert_true(num_of(o, "pressure_mmhg") == 48.2);
	const cJSON *z = cJSON_GetObjectItemCaseSensitive(o, "zone_mmhg");
	assert_int_equal(cJSON_GetArraySize(z), 3);
	assert_true(cJSON_GetArrayItem(z, 1)->valuedouble == 45.0);
	assert_string_equal(str_of(o, "fault"), "none");
	assert_string_equal(str_of(o, "fault_message"), "");
	/* Screening progress never leaves the kiosk. */
	assert_null(strstr(buf, "screening"));
	cJSON_Delete(o);

	st.state = STATION_FAULT;
	st.fault = FAULT_OVERPRESSURE;
	st.program_index = -1;
	snprintf(st.fault_message, sizeof(st.fault_message), "Pressure above the ceiling");
	o = parse_json(buf, mqtt_payload_station_status(buf, sizeof(buf), &st));
	assert_string_equal(str_of(o, "fault"), "overpressure");
	assert_string_equal(str_of(o, "fault_message"), "Pressure above the ceiling");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "program")));
	cJSON_Delete(o);

	assert_int_equal(mqtt_payload_station_status(buf, 40, &st), -ENOSPC);
}

static void test_payload_station_without_sensor_reports_no_pressure(void **state)
{
	struct station_snapshot st;
	char buf[MQTT_PAYLOAD_MAX];

	(void)state;
	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "Station 1");
	st.state = STATION_OUT_OF_SERVICE;
	st.program_index = -1;
	st.zone_count = 4;
	st.has_sensor = false;
	snprintf(st.service_note, sizeof(st.service_note), "repair");
	snprintf(st.service_by, sizeof(st.service_by), "front desk");
	cJSON *o = parse_json(buf, mqtt_payload_station_status(buf, sizeof(buf), &st));
	/* Not 0 mmHg: there is no reading. */
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "pressure_mmhg")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "zone_mmhg")), 0);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "has_sensor")));
	const cJSON *sv = cJSON_GetObjectItemCaseSensitive(o, "service");
	assert_string_equal(str_of(sv, "reason"), "repair");
	assert_string_equal(str_of(sv, "by"), "front desk");
	cJSON_Delete(o);
	st.state = STATION_IDLE;
	o = parse_json(buf, mqtt_payload_station_status(buf, sizeof(buf), &st));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "service")));
	cJSON_Delete(o);
}

static void test_payload_kiosk_status(void **state)
{
	char buf[MQTT_PAYLOAD_MAX];
	const char *problems[] = {"broker refused the subscription to 'x'"};
	struct mqtt_kiosk_info info = {
	    .site = "gym1",
	    .instance = "0a1b2c3d",
	    .host = "pi",
	    .version = "0.1.0",
	    .backend = "simulator",
	    .uptime_s = 42,
	    .station_count = 2,
	    .client_id = "recovery-kiosk-gym1",
	    .connected = true,
	    .outbox_depth = 3,
	    .refused = 2,
	    .refused_topic = "recovery/gym1/station/1/event",
	    .refused_reason = "Not authorized",
	    .problems = problems,
	    .problem_count = 1,
	};

	(void)state;
	cJSON *o = parse_json(buf, mqtt_payload_kiosk_status(buf, sizeof(buf), &info));
	assert_string_equal(str_of(o, "version"), "0.1.0");
	assert_string_equal(str_of(o, "backend"), "simulator");
	assert_string_equal(str_of(o, "instance"), "0a1b2c3d");
	assert_int_equal((int)num_of(o, "uptime_s"), 42);
	assert_int_equal((int)num_of(o, "stations"), 2);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "broker");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "connected")));
	const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "outbox");
	assert_int_equal((int)num_of(ob, "depth"), 3);
	assert_int_equal((int)num_of(ob, "refused"), 2);
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(ob, "last_refused"), "topic"),
	                    "recovery/gym1/station/1/event");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "deadlines_guaranteed")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "problems")), 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "duplicate")));
	cJSON_Delete(o);

	/* The claim carries who this kiosk is, and reads back. */
	char instance[16], host[16];
	assert_true(mqtt_payload_claim(buf, sizeof(buf), &info, 1746093600123ull) > 0);
	assert_int_equal(mqtt_payload_claim_parse(buf, strlen(buf), instance, sizeof(instance),
	                                          host, sizeof(host)),
	                 0);
	assert_string_equal(instance, "0a1b2c3d");
	assert_string_equal(host, "pi");
	assert_int_equal(
	    mqtt_payload_claim_parse("{}", 2, instance, sizeof(instance), host, sizeof(host)),
	    -EINVAL);
}

static void test_payload_event_has_id_timestamp_and_kind_fields(void **state)
{
	struct kiosk_event ev;
	char id[64], buf[MQTT_PAYLOAD_MAX];

	(void)state;
	assert_int_equal(mqtt_payload_event_id(id, sizeof(id), "gym1", "0a1b2c3d", 17), 16);
	assert_string_equal(id, "gym1-0a1b2c3d-17");

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_SESSION_STOPPED;
	ev.station = 0;
	ev.wall_ms = 1746093600123ull; /* 2025-05-01T10:00:00.123Z */
	snprintf(ev.program_id, sizeof(ev.program_id), "standard");
	ev.duration_s = 1200;
	ev.elapsed_s = 300;
	ev.target_mmhg = 50;
	ev.reason = STOP_STAFF;
	cJSON *o = parse_json(buf, mqtt_payload_event(buf, sizeof(buf), id, &ev));
	assert_string_equal(str_of(o, "id"), "gym1-0a1b2c3d-17");
	assert_string_equal(str_of(o, "type"), "session_stopped");
	assert_int_equal((int)num_of(o, "station"), 1);
	assert_string_equal(str_of(o, "timestamp"), "2025-05-01T10:00:00.123Z");
	assert_true(num_of(o, "timestamp_ms") == 1746093600123.0);
	assert_string_equal(str_of(o, "reason"), "staff");
	assert_int_equal((int)num_of(o, "elapsed_s"), 300);
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "fault"));
	cJSON_Delete(o);

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_FAULT_RAISED;
	ev.station = 1;
	ev.fault = FAULT_LEAK;
	o = parse_json(buf, mqtt_payload_event(buf, sizeof(buf), id, &ev));
	assert_string_equal(str_of(o, "type"), "fault_raised");
	assert_string_equal(str_of(o, "fault"), "leak");
	assert_true(strlen(str_of(o, "fault_message")) > 0);
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "program"));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "reason"));
	cJSON_Delete(o);
}

static void test_payload_command_result(void **state)
{
	char buf[MQTT_PAYLOAD_MAX];
	struct mqtt_result r = {"r1", "stop", 2, true, "ok", "done", false};

	(void)state;
	cJSON *o = parse_json(buf, mqtt_payload_command_result(buf, sizeof(buf), &r));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "ok")));
	assert_string_equal(str_of(o, "request_id"), "r1");
	assert_string_equal(str_of(o, "action"), "stop");
	assert_int_equal((int)num_of(o, "station"), 2);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "duplicate")));
	cJSON_Delete(o);
	r = (struct mqtt_result){"", NULL, 0, false, "not_json", "why", true};
	o = parse_json(buf, mqtt_payload_command_result(buf, sizeof(buf), &r));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "ok")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "request_id")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "action")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "station")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "duplicate")));
	assert_string_equal(str_of(o, "status"), "not_json");
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_topic_station_uses_index_plus_one),
	    cmocka_unit_test(test_topic_parse_cmd_accepts_only_known_stations),
	    cmocka_unit_test(test_command_parse_accepts_every_staff_action),
	    cmocka_unit_test(test_command_parse_refuses_remote_start_with_a_reason),
	    cmocka_unit_test(test_command_parse_rejects_malformed_input_with_a_named_error),
	    cmocka_unit_test(test_command_parse_reads_expiry_reason_and_sender),
	    cmocka_unit_test(test_command_parse_rejects_oversize_and_embedded_nul),
	    cmocka_unit_test(test_command_parse_echoes_request_id_of_a_bad_command),
	    cmocka_unit_test(test_rate_limit_passes_burst_then_sustained_rate),
	    cmocka_unit_test(test_payload_station_status_has_every_field),
	    cmocka_unit_test(test_payload_station_without_sensor_reports_no_pressure),
	    cmocka_unit_test(test_payload_kiosk_status),
	    cmocka_unit_test(test_payload_event_has_id_timestamp_and_kind_fields),
	    cmocka_unit_test(test_payload_command_result),
	};
	return cmocka_run_group_tests_name("mqtt_proto", tests, NULL, NULL);
}

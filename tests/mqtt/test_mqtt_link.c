/* SPDX-License-Identifier: MIT */
/*
 * The MQTT link and the event log against a real mosquitto 2.0 (example
 * ACL, password file) on 127.0.0.1, with a fake core
 * (tests/mqtt/fake_controller.c) so the test decides exactly which events
 * and state changes happen (fixture: link_fixture.h).  Every wait has a
 * deadline; nothing sleeps to synchronise.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "config/config.h"
#include "fake_controller.h"
#include "mqtt_test_support.h"
#include "kiosk_side.h"
#include "link_fixture.h"
#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_discovery.h"
#include "mqtt/mqtt_link.h"
#include "store/store.h"

/* Every discovery topic the kiosk publishes (configs and removals). */
#define DISCOVERY_TOPICS (MQTT_DISCOVERY_KIOSK_ITEMS + 8 * MQTT_DISCOVERY_STATION_ITEMS)

static void test_link_announces_availability_status_and_discovery(void **state)
{
	struct fx *f = *state;
	const struct test_msg *m;

	m = wait_msg(f->staff, 0, T "kiosk/availability", "online");
	/* The announce comes first on a connection: nothing of the kiosk's
	 * reaches staff before its availability. */
	for (size_t i = 0; test_client_msg(f->staff, i) != m; i++)
		if (strncmp(test_client_msg(f->staff, i)->topic, T, strlen(T)) == 0)
			fail_msg("%s came before the kiosk's availability",
			         test_client_msg(f->staff, i)->topic);
	m = wait_msg(f->staff, 0, T "kiosk/status", "\"backend\":\"simulator\"");
	assert_non_null(strstr(m->payload, "\"version\":\"9.9.9\""));
	assert_non_null(strstr(m->payload, "\"stations\":2"));
	wait_msg(f->staff, 0, T "station/1/status", "\"state\":\"idle\"");
	m = wait_msg(f->staff, 0, T "station/2/status", "\"name\":\"Station 2\"");
	assert_non_null(strstr(m->payload, "\"zone_mmhg\":[0,0,0,0,0]"));
	wait_msg(f->staff, 0, T "station/1/availability", "online");
	wait_msg(f->staff, 0, T "station/2/availability", "online");
	wait_msg(f->staff, 0, T "kiosk/claim", "\"instance\"");
	assert_true(test_client_wait_count(f->staff, 0, "homeassistant/+/+/+/config", NULL,
	                                   DISCOVERY_TOPICS, 5000));
	assert_true(test_client_wait_count(
	    f->staff, 0, "homeassistant/button/recovery_city-gym_station_2/+/config", "qos", 3,
	    100));
	/* Slots 3..8 are not configured, and these stations have no sensor:
	 * those topics are emptied (removed from Home Assistant). */
	assert_int_equal(
	    test_client_count_matching(f->staff, 0, "homeassistant/+/+/+/config", "qos"),
	    MQTT_DISCOVERY_KIOSK_ITEMS + 2 * (MQTT_DISCOVERY_STATION_ITEMS - 1));
	m = wait_msg(f->staff, 0,
	             "homeassistant/sensor/recovery_city-gym_station_1/pressure/config", NULL);
	assert_int_equal(m->len, 0);
	m = wait_msg(f->staff, 0, "homeassistant/button/recovery_city-gym_station_3/stop/config",
	             NULL);
	assert_int_equal(m->len, 0);
	/* The removed slots lose their retained status and availability too. */
	m = wait_msg(f->staff, 0, T "station/3/availability", NULL);
	assert_int_equal(m->len, 0);
}

static void test_link_status_is_immediate_on_change_and_at_most_1_per_s_while_running(void **state)
{
	struct fx *f = *state;
	const struct test_msg *m;

	wait_msg(f->staff, 0, T "station/1/status", "\"state\":\"idle\"");
	wait_msg(f->staff, 0, T "station/2/status", "\"state\":\"idle\"");
	size_t mark = test_client_count(f->staff);
	uint64_t t0 = test_now_ms();
	fake_controller_set_state(f->ctl, 0, STATION_RUNNING, FAULT_NONE);
	m = wait_msg(f->staff, mark, T "station/1/status", "\"state\":\"running\"");
	assert_in_range(m->at_ms - t0, 0, 500);
	/* The kiosk stamped the running status at or after t0 (the same
	 * monotonic clock), and the next may leave a second after that stamp. */
	uint64_t running_at = t0;

	/* 30 pressure readings at once: they coalesce into one update, sent
	 * once a second has passed since the last status. */
	size_t mark2 = test_client_count(f->staff);
	for (unsigned int i = 1; i <= 30; i++)
		fake_controller_set_pressure(f->ctl, 0, 10.0 + i, 1200 - i);
	m = wait_msg(f->staff, mark2, T "station/1/status", "\"remaining_s\":1170");
	assert_non_null(strstr(m->payload, "\"pressure_mmhg\":40"));
	assert_true(m->at_ms - running_at >= 1000);
	assert_in_range(test_client_count_matching(f->staff, mark2, T "station/1/status", NULL), 1,
	                2);

	/* A fault is a state change: immediate again. */
	size_t mark3 = test_client_count(f->staff);
	t0 = test_now_ms();
	fake_controller_set_state(f->ctl, 0, STATION_FAULT, FAULT_OVERPRESSURE);
	m = wait_msg(f->staff, mark3, T "station/1/status", "\"fault\":\"overpressure\"");
	assert_in_range(m->at_ms - t0, 0, 500);
	assert_non_null(strstr(m->payload, "\"state\":\"fault\""));
	/* Station 2 was never touched after its first status. */
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/2/status", NULL), 0);
}

static void test_link_ignores_sensor_noise_on_a_resting_station(void **state)
{
	struct fx *f = *state;

	wait_msg(f->staff, 0, T "station/2/status", "\"state\":\"idle\"");
	size_t mark = test_client_count(f->staff);
	fake_controller_set_pressure(f->ctl, 1, 0.4, 0);
	fake_controller_set_pressure(f->ctl, 1, -0.3, 0);
	/* Sync point: an event is published after the status decision. */
	struct kiosk_event ev = ev_of(EVENT_CLEANED, 1);
	fake_controller_emit(f->ctl, &ev);
	wait_msg(f->staff, mark, T "station/2/event", "cleaned");
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/2/status", NULL), 0);
	/* A real change (someone squeezed the boot) is reported. */
	fake_controller_set_pressure(f->ctl, 1, 6.0, 0);
	const struct test_msg *m =
	    wait_msg(f->staff, mark, T "station/2/status", "\"pressure_mmhg\":6");
	assert_non_null(strstr(m->payload, "\"state\":\"idle\""));
}

static void test_link_events_have_unique_ids_and_leave_the_outbox_once_acked(void **state)
{
	struct fx *f = *state;
	static const enum event_kind kinds[] = {EVENT_SESSION_STARTED, EVENT_SESSION_COMPLETED,
	                                        EVENT_FAULT_RAISED, EVENT_FAULT_RESET,
	                                        EVENT_CLEANED};
	char ids[20][64];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	size_t mark = test_client_count(f->staff);
	for (unsigned int i = 0; i < 20; i++) {
		struct kiosk_event ev = ev_of(kinds[i % 5], i % 2);
		snprintf(ev.program_id, sizeof(ev.program_id), "prog-%u", i);
		ev.fault = FAULT_LEAK;
		fake_controller_emit(f->ctl, &ev);
	}
	assert_true(test_client_wait_count(f->staff, mark, T "station/+/event", NULL, 20, 5000));
	for (unsigned int i = 0; i < 20; i++) {
		char want[32];
		snprintf(want, sizeof(want), "\"program\":\"prog-%u\"", i);
		const struct test_msg *m = wait_msg(f->staff, mark, T "station/+/event", want);
		assert_false(m->retained);
		assert_non_null(strstr(m->topic, i % 2 ? "/station/2/" : "/station/1/"));
		cJSON *o = cJSON_Parse(m->payload);
		assert_non_null(o);
		assert_string_equal(cJSON_GetObjectItem(o, "type")->valuestring,
		                    event_kind_name(kinds[i % 5]));
		assert_non_null(cJSON_GetObjectItem(o, "timestamp"));
		snprintf(ids[i], sizeof(ids[i]), "%s", cJSON_GetObjectItem(o, "id")->valuestring);
		assert_true(strncmp(ids[i], TEST_SITE "-", strlen(TEST_SITE) + 1) == 0);
		for (unsigned int k = 0; k < i; k++)
			assert_string_not_equal(ids[i], ids[k]);
		cJSON_Delete(o);
	}
	/* Command results are never events; nothing else arrived. */
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/+/event", NULL), 20);
	wait_outbox(f, 0);
}

static void test_link_every_staff_command_reaches_the_core_and_reports_its_result(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *action;
		enum command_action cmd;
		const char *event;
	} cases[] = {
	    {"stop", CMD_STOP, "session_stopped"},
	    {"reset_fault", CMD_RESET_FAULT, "fault_reset"},
	    {"cleaned", CMD_CLEANED, "cleaned"},
	    {"out_of_service", CMD_OUT_OF_SERVICE, "out_of_service"},
	    {"in_service", CMD_IN_SERVICE, "in_service"},
	};
	char payload[128], rid[48];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t mark = test_client_count(f->staff);
		snprintf(rid, sizeof(rid), "\"request_id\":\"req-%s\"", cases[i].action);
		snprintf(payload, sizeof(payload), "{\"action\":\"%s\",\"request_id\":\"req-%s\"}",
		         cases[i].action, cases[i].action);
		assert_int_equal(test_client_publish_str(f->staff, T "station/2/cmd", payload), 0);
		const struct test_msg *m = wait_msg(f->staff, mark, T "station/2/cmd/result", rid);
		assert_non_null(strstr(m->payload, "\"ok\":true"));
		assert_non_null(strstr(m->payload, "\"status\":\"ok\""));
		assert_false(m->retained);
		char type[48];
		snprintf(type, sizeof(type), "\"type\":\"%s\"", cases[i].event);
		wait_msg(f->staff, mark, T "station/2/event", type);

		struct command cmd;
		assert_int_equal(fake_controller_commands(f->ctl), i + 1);
		fake_controller_command(f->ctl, i, &cmd);
		assert_int_equal(cmd.action, cases[i].cmd);
		assert_int_equal(cmd.station, 1);
		assert_int_equal(cmd.source, SOURCE_MQTT);
		char want_id[48];
		snprintf(want_id, sizeof(want_id), "req-%s", cases[i].action);
		assert_string_equal(cmd.request_id, want_id);
	}

	/* The core's refusal comes back as an error result. */
	fake_controller_set_result(f->ctl, CMD_ERR_BAD_STATE);
	size_t mark = test_client_count(f->staff);
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"cleaned\",\"request_id\":\"late\"}");
	const struct test_msg *m = wait_msg(f->staff, mark, T "station/1/cmd/result", "\"late\"");
	assert_non_null(strstr(m->payload, "\"ok\":false"));
	assert_non_null(strstr(m->payload, "\"status\":\"bad_state\""));
}

static void test_link_bad_commands_get_errors_and_never_reach_the_core(void **state)
{
	struct fx *f = *state;
	static char big[5000];
	static const struct {
		const char *topic;
		const char *payload;
		const char *status;
	} cases[] = {
	    {T "station/1/cmd", "stop please", "not_json"},
	    {T "station/1/cmd", "{\"action\":7,\"request_id\":\"b2\"}", "bad_field"},
	    {T "station/1/cmd", "{\"action\":\"self_destruct\",\"request_id\":\"b3\"}",
	     "unknown_action"},
	    {T "station/1/cmd", "{\"action\":\"start\",\"request_id\":\"b4\"}",
	     "remote_start_refused"},
	    {T "station/9/cmd", "{\"action\":\"stop\",\"request_id\":\"b5\"}", "unknown_station"},
	    {T "station/one/cmd", "{\"action\":\"stop\",\"request_id\":\"b6\"}", "unknown_station"},
	    {T "station/1/cmd", "[\"stop\"]", "not_object"},
	    {T "station/1/cmd", "{\"request_id\":\"b8\"}", "no_action"},
	    {T "station/1/cmd", big, "too_large"},
	};

	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "{\"action\":\"stop\"}", 17);
	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char result_topic[128], status[64];
		size_t mark = test_client_count(f->staff);
		snprintf(result_topic, sizeof(result_topic), "%s/result", cases[i].topic);
		snprintf(status, sizeof(status), "\"status\":\"%s\"", cases[i].status);
		assert_int_equal(
		    test_client_publish_str(f->staff, cases[i].topic, cases[i].payload), 0);
		const struct test_msg *m = wait_msg(f->staff, mark, result_topic, status);
		assert_non_null(strstr(m->payload, "\"ok\":false"));
		cJSON *o = cJSON_Parse(m->payload);
		assert_non_null(o);
		assert_true(strlen(cJSON_GetObjectItem(o, "message")->valuestring) > 10);
		cJSON_Delete(o);
	}
	assert_int_equal(fake_controller_commands(f->ctl), 0);
	/* The reporter is still alive and well. */
	size_t mark = test_client_count(f->staff);
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"stop\",\"request_id\":\"fine\"}");
	wait_msg(f->staff, mark, T "station/1/cmd/result", "\"ok\":true");
}

static void test_link_viewer_and_anonymous_cannot_command(void **state)
{
	struct fx *f = *state;
	int rc = 0;

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	assert_null(test_client_connect(f->broker.port, NULL, NULL, &rc));
	assert_int_equal(rc, 5); /* CONNACK: not authorised */
	assert_null(test_client_connect(f->broker.port, "staff", "wrong", &rc));
	assert_int_equal(rc, 5);

	struct test_client *viewer = connect_as(f, "viewer", TEST_PW_VIEWER);
	assert_int_equal(test_client_subscribe(viewer, "recovery/#"), 0);
	/* The viewer sees the stations... */
	wait_msg(viewer, 0, T "station/1/status", "\"state\"");
	/* ...but its commands are dropped by the broker (PUBACK, no delivery). */
	size_t mark = test_client_count(f->staff);
	assert_int_equal(
	    test_client_publish_str(viewer, T "station/1/cmd",
	                            "{\"action\":\"out_of_service\",\"request_id\":\"viewer\"}"),
	    0);
	/* Nor may it fake a status. */
	test_client_publish(viewer, T "station/1/status", "{\"state\":\"hacked\"}", 18, 1, true);
	/* The PUBACKs came first; a staff command after them is a sync point. */
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"in_service\",\"request_id\":\"marker\"}");
	wait_msg(f->staff, mark, T "station/1/cmd/result", "\"marker\"");
	assert_int_equal(fake_controller_commands(f->ctl), 1);
	struct command cmd;
	fake_controller_command(f->ctl, 0, &cmd);
	assert_string_equal(cmd.request_id, "marker");
	assert_int_equal(test_client_count_matching(f->staff, mark, T "#", "viewer"), 0);
	assert_int_equal(test_client_count_matching(f->staff, mark, T "#", "hacked"), 0);
	test_client_destroy(viewer);
}

static void test_link_drops_a_command_flood_and_keeps_serving(void **state)
{
	struct fx *f = *state;
	char payload[96];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	size_t mark = test_client_count(f->staff);
	uint64_t t0 = test_now_ms();
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(payload, sizeof(payload),
		         "{\"action\":\"in_service\",\"request_id\":\"flood-%u\"}", i);
		test_client_publish(f->staff, T "station/1/cmd", payload, (int)strlen(payload), 0,
		                    false);
	}
	/* Keep asking (every 200 ms, up to 5 s) until a command is served again. */
	bool served = false;
	unsigned int asked = 0;
	for (; !served && asked < 25; asked++) {
		char rid[48];
		const struct test_msg *m = NULL;
		snprintf(payload, sizeof(payload),
		         "{\"action\":\"in_service\",\"request_id\":\"after-%u\"}", asked);
		snprintf(rid, sizeof(rid), "\"after-%u\"", asked);
		test_client_publish_str(f->staff, T "station/1/cmd", payload);
		if (test_client_wait(f->staff, mark, T "station/1/cmd/result", rid, 1000, &m) >= 0)
			served = strstr(m->payload, "\"ok\":true") != NULL;
	}
	assert_true(served);
	double elapsed_s = (double)(test_now_ms() - t0) / 1000.0;
	size_t accepted = fake_controller_commands(f->ctl);
	/* Burst of 20, then 10 per second. */
	assert_true(accepted >= 20);
	assert_true((double)accepted <= 20.0 + 10.0 * elapsed_s + 2.0);
	/* Every command was answered: the accepted ones with their result, the
	 * others "rate_limited", and none of those reached the core. */
	size_t sent = 300 + asked;
	/* (Each accepted command waits for its fsync'd commit: a slow disk
	 * stretches this, so the deadline is generous.) */
	assert_true(
	    test_client_wait_count(f->staff, mark, T "station/1/cmd/result", NULL, sent, 15000));
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/1/cmd/result",
	                                            "\"rate_limited\""),
	                 sent - accepted);
}

static void test_link_stop_passes_during_a_command_flood(void **state)
{
	struct fx *f = *state;
	char payload[96];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	size_t mark = test_client_count(f->staff);
	/* Junk and valid commands far above the rate limit empty the bucket... */
	for (unsigned int i = 0; i < 200; i++) {
		if (i % 2)
			snprintf(payload, sizeof(payload), "not json %u", i);
		else
			snprintf(payload, sizeof(payload),
			         "{\"action\":\"cleaned\",\"request_id\":\"junk-%u\"}", i);
		test_client_publish(f->staff, T "station/1/cmd", payload, (int)strlen(payload), 0,
		                    false);
	}
	/* ...and a staff stop still reaches the controller and is answered. */
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"stop\",\"request_id\":\"stop-in-flood\"}");
	assert_true(test_client_wait(f->staff, mark, T "station/1/cmd/result", "stop-in-flood",
	                             15000, NULL) >= 0);
	bool seen = false;
	struct command cmd;
	for (size_t i = 0; i < fake_controller_commands(f->ctl); i++) {
		fake_controller_command(f->ctl, i, &cmd);
		if (cmd.action == CMD_STOP && strcmp(cmd.request_id, "stop-in-flood") == 0)
			seen = true;
	}
	assert_true(seen);
}

static void test_link_broker_restart_loses_no_event(void **state)
{
	struct fx *f = *state;

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	test_broker_kill(&f->broker);
	for (unsigned int i = 0; i < 10; i++) {
		struct kiosk_event ev = ev_of(EVENT_CLEANED, i % 2);
		snprintf(ev.program_id, sizeof(ev.program_id), "outage-%u", i);
		fake_controller_emit(f->ctl, &ev);
	}
	fake_controller_set_state(f->ctl, 1, STATION_OUT_OF_SERVICE, FAULT_NONE);
	wait_outbox(f, 10);
	/* The fresh broker has no session for staff and the events are not
	 * retained: one the kiosk delivers before staff subscribes again goes to
	 * nobody.  The broker refuses the kiosk's events until staff listens,
	 * and the kiosk keeps and retries what is refused. */
	assert_int_equal(test_broker_set_acl(&f->broker, "/station/+/event"), 0);
	assert_int_equal(test_broker_restart(&f->broker), 0);
	test_client_destroy(f->staff);
	f->staff = connect_as(f, "staff", TEST_PW_STAFF);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	assert_int_equal(test_broker_set_acl(&f->broker, NULL), 0);

	assert_true(test_client_wait_count(f->staff, 0, T "station/+/event", "outage-", 10, 20000));
	for (unsigned int i = 0; i < 10; i++) {
		char want[32];
		snprintf(want, sizeof(want), "\"outage-%u\"", i);
		wait_msg(f->staff, 0, T "station/+/event", want);
	}
	/* Status and availability are there again on the fresh broker. */
	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	wait_msg(f->staff, 0, T "station/2/status", "\"state\":\"out_of_service\"");
	wait_outbox(f, 0);
}

static void test_link_restart_resends_events_left_in_the_outbox(void **state)
{
	struct fx *f = *state;
	char err[256];
	struct store_outbox_row rows[8];
	char ids[5][64];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	test_broker_kill(&f->broker);
	for (unsigned int i = 0; i < 5; i++) {
		struct kiosk_event ev = ev_of(EVENT_OUT_OF_SERVICE, 0);
		snprintf(ev.program_id, sizeof(ev.program_id), "kept-%u", i);
		fake_controller_emit(f->ctl, &ev);
	}
	wait_outbox(f, 5);
	/* The kiosk goes away while the broker is down, promptly. */
	uint64_t t0 = test_now_ms();
	kiosk_side_destroy(f->rep);
	f->rep = NULL;
	uint64_t took = test_now_ms() - t0;
	if (took > 1500u)
		fail_msg("reporter_destroy with the broker down took %llu ms",
		         (unsigned long long)took);
	struct store *s = store_open(f->cfg.state_dir, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_outbox_peek(s, 0, rows, 8), 5);
	for (unsigned int i = 0; i < 5; i++)
		snprintf(ids[i], sizeof(ids[i]), "\"id\":\"%s-%s-%lld\"", TEST_SITE, store_tag(s),
		         (long long)rows[i].id);
	store_close(s);

	assert_int_equal(test_broker_restart(&f->broker), 0);
	test_client_destroy(f->staff);
	f->staff = connect_as(f, "staff", TEST_PW_STAFF);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	fake_controller_destroy(f->ctl);
	f->ctl = fake_controller_create(2);
	start_reporter(f);
	for (unsigned int i = 0; i < 5; i++)
		wait_msg(f->staff, 0, T "station/1/event", ids[i]);
	wait_outbox(f, 0);
}

static void test_link_republishes_discovery_when_home_assistant_comes_online(void **state)
{
	struct fx *f = *state;

	assert_true(test_client_wait_count(f->staff, 0, "homeassistant/+/+/+/config", NULL,
	                                   DISCOVERY_TOPICS, 5000));
	size_t mark = test_client_count(f->staff);
	assert_int_equal(test_client_publish_str(f->staff, "homeassistant/status", "online"), 0);
	assert_true(test_client_wait_count(f->staff, mark, "homeassistant/+/+/+/config", NULL,
	                                   DISCOVERY_TOPICS, 5000));
	/* "offline" is not a reason to republish. */
	size_t mark2 = test_client_count(f->staff);
	test_client_publish_str(f->staff, "homeassistant/status", "offline");
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"stop\",\"request_id\":\"sync\"}");
	wait_msg(f->staff, mark2, T "station/1/cmd/result", "sync");
	assert_int_equal(
	    test_client_count_matching(f->staff, mark2, "homeassistant/+/+/+/config", NULL), 0);
}

static void test_link_stop_publishes_offline_and_delivers_last_events(void **state)
{
	struct fx *f = *state;

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	size_t mark = test_client_count(f->staff);
	struct kiosk_event ev = ev_of(EVENT_SESSION_STOPPED, 0);
	ev.reason = STOP_SHUTDOWN;
	fake_controller_emit(f->ctl, &ev);
	kiosk_side_stop(f->rep);
	wait_msg(f->staff, mark, T "station/1/event", "\"reason\":\"shutdown\"");
	const struct test_msg *m = wait_msg(f->staff, mark, T "kiosk/availability", "offline");
	assert_string_equal(m->payload, "offline");
	assert_int_equal(fake_controller_snapshots_out(f->ctl), 0);
	wait_outbox(f, 0);
}

static void test_link_stops_promptly_after_a_long_outage(void **state)
{
	struct fx *f = *state;

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	test_broker_kill(&f->broker);
	/* The scenario, not a synchronisation: let the reconnect back-off grow
	 * past a few seconds (1 + 2 + 4 s) so a stop lands in a long wait. */
	poll(NULL, 0, 3500);
	uint64_t t0 = test_now_ms();
	kiosk_side_stop(f->rep);
	uint64_t took = test_now_ms() - t0;
	if (took > 1500u)
		fail_msg("reporter_stop during an outage took %llu ms", (unsigned long long)took);
}

static void test_link_create_names_a_missing_password_file(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	struct kiosk_config cfg = f->cfg;

	snprintf(cfg.mqtt.password_file, sizeof(cfg.mqtt.password_file), "%s/nope", f->broker.dir);
	assert_null(kiosk_side_start(&cfg, f->ctl, "1", err, sizeof(err)));
	assert_non_null(strstr(err, "/nope"));
	assert_non_null(strstr(err, "password_file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_link_announces_availability_status_and_discovery,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_status_is_immediate_on_change_and_at_most_1_per_s_while_running,
	        link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_ignores_sensor_noise_on_a_resting_station,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_events_have_unique_ids_and_leave_the_outbox_once_acked, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_every_staff_command_reaches_the_core_and_reports_its_result, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_bad_commands_get_errors_and_never_reach_the_core, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_viewer_and_anonymous_cannot_command,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_stop_passes_during_a_command_flood,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_drops_a_command_flood_and_keeps_serving,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_broker_restart_loses_no_event, link_setup,
	                                    link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_restart_resends_events_left_in_the_outbox,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_republishes_discovery_when_home_assistant_comes_online, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_stop_publishes_offline_and_delivers_last_events, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_stops_promptly_after_a_long_outage,
	                                    link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_create_names_a_missing_password_file,
	                                    link_setup, link_teardown),
	};
	return cmocka_run_group_tests_name("mqtt_link", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The MQTT link on the real core: the real controller stepped in virtual time
 * with real station drivers on the simulated GPIO backend and the boot
 * physics model (tests/core/support/sim_rig), a real mosquitto with the
 * example ACL, and a staff client.  Every staff command is exercised on a
 * station in the state where it applies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "mqtt_test_support.h"
#include "kiosk_side.h"
#include "sim_rig.h"
#include "store/store.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

struct fx {
	struct test_broker broker;
	struct sim_rig *rig;
	struct kiosk_side *rep;
	struct test_client *staff;
};

static int setup(void **state)
{
	static const struct sim_station_spec specs[2] = {{5, SENSOR_SIM}, {4, SENSOR_SIM}};
	struct fx *f = calloc(1, sizeof(*f));
	char err[256] = "";
	int rc;

	assert_non_null(f);
	assert_int_equal(test_broker_start(&f->broker, SOURCE_DIR), 0);
	f->rig = sim_rig_new(2, specs);
	struct kiosk_config *cfg = &f->rig->cfg;
	kiosk_side_config(cfg, &f->broker);

	f->staff = test_client_connect(f->broker.port, "staff", TEST_PW_STAFF, &rc);
	assert_non_null(f->staff);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	f->rep = kiosk_side_start(cfg, f->rig->ctl, "0.1.0-test", err, sizeof(err));
	if (!f->rep)
		fail_msg("kiosk_side_start: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	/* The order main uses: the kiosk side removes its listeners from the
	 * controller, then the controller goes. */
	kiosk_side_destroy(f->rep);
	sim_rig_free(f->rig);
	test_client_destroy(f->staff);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

/* Steps the core in virtual time until the message shows up.  Once the
 * virtual budget is spent, the core goes on stepping a tick every 10 real ms
 * for 5 real seconds: a command's answer needs the kiosk side's net thread
 * to post it to the controller first, and the budget passes in tens of real
 * ms, which a loaded machine can take before the post. */
static const struct test_msg *step_until(struct fx *f, size_t from, const char *topic,
                                         const char *contains, uint64_t max_virtual_ms)
{
	const struct test_msg *m = NULL;
	uint64_t end = f->rig->now_ms + max_virtual_ms;

	while (f->rig->now_ms < end) {
		if (test_client_wait(f->staff, from, topic, contains, 1, &m) >= 0)
			return m;
		for (int i = 0; i < 5; i++)
			sim_step(f->rig);
	}
	uint64_t real_end = test_now_ms() + 5000u;
	do {
		if (test_client_wait(f->staff, from, topic, contains, 10, &m) >= 0)
			return m;
		sim_step(f->rig);
	} while (test_now_ms() < real_end);
	fail_msg("no message on %s containing %s", topic, contains ? contains : "(anything)");
	return NULL;
}

static const struct test_msg *command(struct fx *f, unsigned int station, const char *action,
                                      const char *rid)
{
	struct test_command tc;

	assert_int_equal(test_client_send_command(f->staff, station, action, rid, &tc), 0);
	return step_until(f, tc.mark, tc.result_topic, tc.want, 2000);
}

static void expect_ok(const struct test_msg *m)
{
	if (!strstr(m->payload, "\"ok\":true"))
		fail_msg("expected ok, got %s", m->payload);
}

static void test_core_every_staff_command_drives_a_real_station(void **state)
{
	struct fx *f = *state;
	const struct test_msg *m;
	size_t mark;

	step_until(f, 0, T "station/1/status", "\"state\":\"idle\"", 1000);
	step_until(f, 0, T "kiosk/availability", "online", 1000);

	/* A member starts a session at the station (UI commands). */
	mark = test_client_count(f->staff);
	sim_start_session(f->rig, 0, 0, 0);
	m = step_until(f, mark, T "station/1/event", "\"type\":\"session_started\"", 1000);
	assert_non_null(strstr(m->payload, "\"program\":"));
	step_until(f, mark, T "station/1/status", "\"state\":\"running\"", 1000);

	/* Remote start is refused; the running session is untouched. */
	m = command(f, 1, "start", "r-start");
	assert_non_null(strstr(m->payload, "remote_start_refused"));
	assert_int_equal(sim_state(f->rig, 0), STATION_RUNNING);

	/* Pressure shows in the status while it runs (updates at most 1/s of
	 * real time, while virtual time runs faster). */
	double seen_mmhg = 0.0;
	size_t from = test_client_count(f->staff);
	uint64_t end = test_now_ms() + 5000u;
	while (seen_mmhg < 10.0 && test_now_ms() < end) {
		const struct test_msg *st = NULL;
		long at = test_client_wait(f->staff, from, T "station/1/status", NULL, 5, &st);
		if (at >= 0) {
			cJSON *o = cJSON_Parse(st->payload);
			assert_non_null(o);
			seen_mmhg = cJSON_GetObjectItem(o, "pressure_mmhg")->valuedouble;
			cJSON_Delete(o);
			from = (size_t)at + 1u;
		}
		sim_step(f->rig);
	}
	assert_true(seen_mmhg >= 10.0);

	/* stop -> venting -> needs_cleaning, event says staff. */
	mark = test_client_count(f->staff);
	expect_ok(command(f, 1, "stop", "r-stop"));
	m = step_until(f, mark, T "station/1/event", "\"type\":\"session_stopped\"", 1000);
	assert_non_null(strstr(m->payload, "\"reason\":\"staff\""));
	step_until(f, mark, T "station/1/status", "\"state\":\"needs_cleaning\"", 30000);

	/* cleaned -> idle. */
	mark = test_client_count(f->staff);
	expect_ok(command(f, 1, "cleaned", "r-clean"));
	step_until(f, mark, T "station/1/event", "\"type\":\"cleaned\"", 1000);
	step_until(f, mark, T "station/1/status", "\"state\":\"idle\"", 1000);

	/* reset_fault with no fault: an error naming the state, nothing changes. */
	m = command(f, 1, "reset_fault", "r-nofault");
	assert_non_null(strstr(m->payload, "\"ok\":false"));
	assert_non_null(strstr(m->payload, "\"status\":\"bad_state\""));
	assert_int_equal(sim_state(f->rig, 0), STATION_IDLE);

	/* out_of_service / in_service. */
	mark = test_client_count(f->staff);
	expect_ok(command(f, 1, "out_of_service", "r-oos"));
	step_until(f, mark, T "station/1/event", "\"type\":\"out_of_service\"", 1000);
	step_until(f, mark, T "station/1/status", "\"state\":\"out_of_service\"", 1000);
	expect_ok(command(f, 1, "in_service", "r-ins"));
	step_until(f, mark, T "station/1/event", "\"type\":\"in_service\"", 1000);

	/* A leak on station 2 raises a fault; staff reset it once vented. */
	mark = test_client_count(f->staff);
	sim_start_session(f->rig, 1, 0, 0);
	boot_sim_set_disconnected(f->rig->sim[1], true);
	m = step_until(f, mark, T "station/2/event", "\"type\":\"fault_raised\"", 120000);
	assert_non_null(strstr(m->payload, "\"fault\":"));
	m = step_until(f, mark, T "station/2/status", "\"state\":\"fault\"", 1000);
	assert_null(strstr(m->payload, "\"fault\":\"none\""));
	boot_sim_set_disconnected(f->rig->sim[1], false);
	sim_run_ms(f->rig, 10000);
	mark = test_client_count(f->staff);
	expect_ok(command(f, 2, "reset_fault", "r-reset"));
	step_until(f, mark, T "station/2/event", "\"type\":\"fault_reset\"", 1000);
	step_until(f, mark, T "station/2/status", "\"fault\":\"none\"", 1000);

	/* The session log has both sessions with how they ended. */
	kiosk_side_stop(f->rep);
	char err[256];
	struct store *s = store_open(f->rig->cfg.state_dir, err, sizeof(err));
	assert_non_null(s);
	struct store_session rows[4];
	assert_int_equal(store_sessions_recent(s, rows, 4), 2);
	assert_int_equal(rows[0].station, 1);
	assert_string_equal(rows[0].end_reason, "fault");
	assert_int_equal(rows[1].station, 0);
	assert_string_equal(rows[1].end_reason, "staff");
	assert_true(rows[1].program_id[0] != '\0');
	assert_true(rows[1].ended_ms > rows[1].started_ms);
	assert_int_equal(store_outbox_count(s), 0);
	store_close(s);

	/* Every stored event reached the dashboard exactly as the core made it,
	 * and nothing screening-related ever left the kiosk. */
	size_t core_events = 0;
	for (size_t i = 0; i < f->rig->event_count; i++)
		core_events += f->rig->events[i].kind != EVENT_COMMAND_RESULT;
	assert_true(
	    test_client_wait_count(f->staff, 0, T "station/+/event", NULL, core_events, 3000));
	assert_int_equal(test_client_count_matching(f->staff, 0, T "station/+/event", NULL),
	                 core_events);
	assert_int_equal(test_client_count_matching(f->staff, 0, "#", "answer"), 0);
	assert_int_equal(test_client_count_matching(f->staff, 0, "#", "question"), 0);
}

static void test_core_malformed_commands_change_nothing(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
	    "",
	    "{",
	    "{\"action\":\"stop\",\"request_id\":5}",
	    "{\"action\":[]}",
	    "{\"action\":\"stop\",\"x\":1}",
	    "null",
	    "{\"action\":\"out_of_service\",\"action\":\"stop\"}",
	};

	step_until(f, 0, T "station/1/status", "\"state\":\"idle\"", 1000);
	sim_start_session(f->rig, 0, 0, 0);
	step_until(f, 0, T "station/1/status", "\"state\":\"running\"", 1000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t mark = test_client_count(f->staff);
		assert_int_equal(test_client_publish(f->staff, T "station/1/cmd", bad[i],
		                                     (int)strlen(bad[i]), 1, false),
		                 0);
		const struct test_msg *m =
		    step_until(f, mark, T "station/1/cmd/result", "\"ok\":false", 200);
		assert_non_null(m);
		assert_int_equal(sim_state(f->rig, 0), STATION_RUNNING);
	}
	/* The session ran on through all of it. */
	sim_run_ms(f->rig, 2000);
	assert_int_equal(sim_state(f->rig, 0), STATION_RUNNING);
	assert_int_equal(sim_count_events(f->rig, 0, EVENT_SESSION_STOPPED, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_core_every_staff_command_drives_a_real_station,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_core_malformed_commands_change_nothing, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests_name("mqtt_core", tests, NULL, NULL);
}

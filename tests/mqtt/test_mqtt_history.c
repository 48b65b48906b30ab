/* SPDX-License-Identifier: MIT */
/*
 * The session history over MQTT against a real mosquitto (the example ACL
 * and password file): the event log, the MQTT link and the history recorder
 * wired as main.c wires them, on a fake core the test drives.  History
 * queries are answered on the asker's MQTT 5 response topic with its
 * correlation data (staff and viewer), refused with a reason when they must
 * be; usage summaries are retained and sent again only when they change;
 * each finished session's summary reaches the broker, and one that ends
 * while the broker is away waits until it is back.  Every wait has a deadline; nothing sleeps to
 * synchronise.
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
#include "mqtt/mqtt_history.h"
#include "mqtt/mqtt_link.h"
#include "mqtt_test_support.h"
#include "store/event_log.h"
#include "store/history.h"
#include "store/history_recorder.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

struct fx {
	struct test_broker broker;
	struct kiosk_config cfg;
	struct controller *ctl;
	struct event_log *log;
	struct mqtt_link *link;
	struct history_recorder *rec;
	struct test_client *staff;
	unsigned int asked;
};

static void make_config(struct fx *f)
{
	kiosk_config_defaults(&f->cfg);
	snprintf(f->cfg.site, sizeof(f->cfg.site), TEST_SITE);
	snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s/state", f->broker.dir);
	f->cfg.station_count = 2;
	for (unsigned int i = 0; i < 2; i++) {
		f->cfg.stations[i].number = i + 1;
		snprintf(f->cfg.stations[i].name, sizeof(f->cfg.stations[i].name), "Station %u",
		         i + 1);
	}
	struct mqtt_config *m = &f->cfg.mqtt;
	m->enabled = true;
	snprintf(m->host, sizeof(m->host), "127.0.0.1");
	m->port = f->broker.port;
	snprintf(m->username, sizeof(m->username), "kiosk");
	snprintf(m->password_file, sizeof(m->password_file), "%s/kiosk-password", f->broker.dir);
	m->keepalive_s = 10;
	FILE *fp = fopen(m->password_file, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", TEST_PW_KIOSK);
	fclose(fp);
}

/* As kiosk/main.c: log, link, recorder with the link's hooks, attach, start. */
static void start_kiosk_side(struct fx *f)
{
	char err[256] = "";
	struct event_log_params lp = {
	    .state_dir = f->cfg.state_dir, .controller = f->ctl, .config = &f->cfg};
	f->log = event_log_create(&lp, err, sizeof(err));
	if (!f->log)
		fail_msg("event_log_create: %s", err);
	struct mqtt_link_params mp = {
	    .config = &f->cfg, .controller = f->ctl, .log = f->log, .version = "9.9.9"};
	f->link = mqtt_link_create(&mp, err, sizeof(err));
	if (!f->link)
		fail_msg("mqtt_link_create: %s", err);
	struct history_recorder_params hp = {
	    .controller = f->ctl,
	    .state_dir = f->cfg.state_dir,
	    .limits = {.keep_days = 30, .max_kib = 4096, .sample_s = 1},
	    .on_session_end = mqtt_link_history_session_ended,
	    .on_usage_change = mqtt_link_history_usage_changed,
	    .ctx = f->link,
	};
	f->rec = history_recorder_create(&hp, err, sizeof(err));
	if (!f->rec)
		fail_msg("history_recorder_create: %s", err);
	mqtt_link_attach_history(f->link, history_recorder_history(f->rec));
	assert_int_equal(event_log_start(f->log), 0);
	assert_int_equal(mqtt_link_start(f->link), 0);
	assert_int_equal(history_recorder_start(f->rec), 0);
}

static struct test_client *connect_v5(struct fx *f, const char *user, const char *pw)
{
	int rc;
	struct test_client *c = test_client_connect_v5(f->broker.port, user, pw, &rc);

	if (!c)
		fail_msg("cannot connect as %s: %d", user, rc);
	return c;
}

static const struct test_msg *wait_msg(struct test_client *c, size_t from, const char *topic,
                                       const char *contains)
{
	const struct test_msg *m = NULL;

	if (test_client_wait(c, from, topic, contains, 5000, &m) < 0)
		fail_msg("no message on %s containing %s within 5 s", topic,
		         contains ? contains : "(anything)");
	return m;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_broker_start(&f->broker, SOURCE_DIR), 0);
	make_config(f);
	f->ctl = fake_controller_create(2);
	f->staff = connect_v5(f, "staff", TEST_PW_STAFF);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	start_kiosk_side(f);
	/* The kiosk subscribed to kiosk/history before it published usage. */
	wait_msg(f->staff, 0, T "station/2/usage", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	/* main.c's order. */
	event_log_stop(f->log);
	mqtt_link_stop(f->link);
	history_recorder_stop(f->rec);
	mqtt_link_destroy(f->link);
	event_log_destroy(f->log);
	history_recorder_destroy(f->rec);
	test_client_destroy(f->staff);
	fake_controller_destroy(f->ctl);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

static void emit(struct fx *f, enum event_kind kind, unsigned int station, unsigned int elapsed_s,
                 enum stop_reason reason)
{
	struct kiosk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.station = station;
	snprintf(ev.program_id, sizeof(ev.program_id), "standard");
	ev.duration_s = 1200;
	ev.target_mmhg = 50.0;
	ev.elapsed_s = elapsed_s;
	ev.reason = reason;
	if (kind == EVENT_FAULT_RAISED)
		ev.fault = FAULT_LEAK;
	fake_controller_emit(f->ctl, &ev);
}

/* A query on kiosk/history with a response topic of c's own and fresh
 * correlation data; returns the answer (parsed), which carried it. */
static cJSON *ask(struct fx *f, struct test_client *c, const char *payload, bool retain)
{
	char reply[160], corr[32];
	const struct test_msg *m;

	snprintf(reply, sizeof(reply), T "reply/%s/history", test_client_id(c));
	snprintf(corr, sizeof(corr), "corr-%u", ++f->asked);
	assert_int_equal(test_client_subscribe(c, reply), 0);
	size_t from = test_client_count(c);
	assert_int_equal(
	    test_client_request(c, T "kiosk/history", payload, retain, reply, corr, 30), 0);
	m = wait_msg(c, from, reply, "\"ok\"");
	assert_non_null(m->correlation);
	assert_string_equal(m->correlation, corr);
	assert_true(m->has_expiry);
	cJSON *root = cJSON_Parse(m->payload);
	assert_non_null(root);
	return root;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* ---- tests ---- */

static void test_history_query_answers_sessions_usage_and_cleaning_to_staff_and_viewer(void **state)
{
	struct fx *f = *state;

	emit(f, EVENT_SESSION_STARTED, 0, 0, STOP_NONE);
	emit(f, EVENT_SESSION_STOPPED, 0, 90, STOP_STAFF);
	emit(f, EVENT_CLEANED, 0, 0, STOP_NONE);
	wait_msg(f->staff, 0, T "station/1/usage", "\"last_cleaned\":\"");

	cJSON *a = ask(f, f->staff, "{\"request_id\":\"q1\",\"last\":10,\"days\":7}", false);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a, "ok")));
	assert_string_equal(str(a, "request_id"), "q1");
	assert_string_equal(str(a, "site"), TEST_SITE);
	cJSON *sessions = cJSON_GetObjectItem(a, "sessions");
	assert_int_equal(cJSON_GetArraySize(sessions), 1);
	cJSON *s = cJSON_GetArrayItem(sessions, 0);
	assert_int_equal(num(s, "station"), 1);
	assert_int_equal(num(s, "delivered_s"), 90);
	assert_true(num(s, "delivered_min") == 1.5);
	assert_string_equal(str(s, "end"), "stopped");
	assert_string_equal(str(s, "stop_reason"), "staff");
	cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "usage"), 0);
	assert_int_equal(num(u, "sessions"), 1);
	assert_int_equal(num(u, "stopped"), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "last_cleaned")), 1);
	cJSON_Delete(a);

	/* A viewer may ask too, and hears only its own answer. */
	struct test_client *viewer = connect_v5(f, "viewer", TEST_PW_VIEWER);
	a = ask(f, viewer, "{\"request_id\":\"v1\",\"station\":2}", false);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a, "ok")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "sessions")), 0);
	cJSON_Delete(a);
	test_client_destroy(viewer);
}

static void test_history_query_that_cannot_be_done_is_answered_with_the_reason(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *payload;
		bool retain;
		const char *status;
	} cases[] = {
	    {"{\"request_id\":\"r1\",\"last\":5}", true, "retained_refused"},
	    {"{\"request_id\":\"r2\",\"colour\":\"red\"}", false, "bad_field"},
	    {"{\"request_id\":\"r3\",\"station\":9}", false, "bad_field"},
	    {"{\"request_id\":\"r4\",\"days\":0}", false, "bad_field"},
	    {"[1,2]", false, "not_object"},
	    {"{\"request_id\":\"r6\",\"samples\":4242}", false, "unknown_session"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *a = ask(f, f->staff, cases[i].payload, cases[i].retain);
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(a, "ok")));
		assert_string_equal(str(a, "status"), cases[i].status);
		assert_true(strlen(str(a, "message")) > 10);
		if (i < 4)
			assert_true(strlen(str(a, "request_id")) == 2);
		cJSON_Delete(a);
	}
	/* Clear the retained query. */
	assert_int_equal(test_client_publish(f->staff, T "kiosk/history", "", 0, 1, true), 0);
}

static void test_history_query_flood_is_answered_every_time_busy_or_done(void **state)
{
	struct fx *f = *state;
	char reply[160], corr[16];
	const unsigned int n = 40;

	snprintf(reply, sizeof(reply), T "reply/%s/history", test_client_id(f->staff));
	size_t from = test_client_count(f->staff);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(corr, sizeof(corr), "f-%u", i);
		assert_int_equal(test_client_request(f->staff, T "kiosk/history", "{\"days\":366}",
		                                     false, reply, corr, 30),
		                 0);
	}
	if (!test_client_wait_count(f->staff, from, reply, "\"ok\"", n, 10000))
		fail_msg("%zu answers of %u",
		         test_client_count_matching(f->staff, from, reply, NULL), n);
	size_t done = test_client_count_matching(f->staff, from, reply, "\"ok\":true");
	size_t turned = test_client_count_matching(f->staff, from, reply, "\"rate_limited\"") +
	                test_client_count_matching(f->staff, from, reply, "\"busy\"");
	assert_int_equal(done + turned, n);
	assert_true(done >= 1 && turned >= 1);
}

static void test_history_usage_is_retained_and_sent_again_only_when_it_changes(void **state)
{
	struct fx *f = *state;
	const struct test_msg *m;

	m = wait_msg(f->staff, 0, T "station/2/usage", "\"today\"");
	assert_non_null(strstr(m->payload, "\"last_7_days\":{"));
	struct test_client *later = connect_v5(f, "viewer", TEST_PW_VIEWER);
	assert_int_equal(test_client_subscribe(later, T "station/+/usage"), 0);
	assert_true(wait_msg(later, 0, T "station/2/usage", "\"today\"")->retained);
	test_client_destroy(later);
	size_t from = test_client_count(f->staff);
	size_t ones = test_client_count_matching(f->staff, 0, T "station/1/usage", NULL);

	emit(f, EVENT_FAULT_RAISED, 1, 0, STOP_NONE);
	m = wait_msg(f->staff, from, T "station/2/usage", "\"faults\":1");
	/* Something that changes nothing in the counts sends nothing. */
	emit(f, EVENT_OUT_OF_SERVICE, 0, 0, STOP_NONE);
	emit(f, EVENT_IN_SERVICE, 0, 0, STOP_NONE);
	/* Until the history has them, then two more rounds of the history
	 * thread, whose usage publishes go out before its next answer. */
	uint64_t until = test_now_ms() + 5000u;
	for (bool seen = false; !seen && test_now_ms() < until;) {
		cJSON *a = ask(f, f->staff, "{}", false);
		char *text = cJSON_PrintUnformatted(a);
		seen = strstr(text, "\"in_service\"") != NULL;
		cJSON_free(text);
		cJSON_Delete(a);
	}
	cJSON_Delete(ask(f, f->staff, "{}", false));
	cJSON_Delete(ask(f, f->staff, "{}", false));
	assert_int_equal(test_client_count_matching(f->staff, 0, T "station/1/usage", NULL), ones);
}

static int count_pending(void *ctx, const struct history_session *s)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

static int pending_summaries(struct fx *f)
{
	int n = 0;

	assert_int_equal(
	    history_summaries_pending(history_recorder_history(f->rec), 0, 0, count_pending, &n),
	    0);
	return n;
}

/* The summaries still waiting for the broker once there are want of them,
 * or after ms. */
static int pending_summaries_within(struct fx *f, int want, unsigned int ms)
{
	uint64_t until = test_now_ms() + ms;
	int n;

	while ((n = pending_summaries(f)) != want && test_now_ms() < until)
		poll(NULL, 0, 20);
	return n;
}

#define FLOOD_EVENTS 400u
#define FLOOD_SESSIONS 20u

/* pairs times out of service and back on station index 1: events for the
 * outbox, a PUBACK each. */
static void service_flood(struct fx *f, unsigned int pairs)
{
	for (unsigned int k = 0; k < pairs; k++) {
		emit(f, EVENT_OUT_OF_SERVICE, 1, 0, STOP_NONE);
		emit(f, EVENT_IN_SERVICE, 1, 0, STOP_NONE);
	}
}

static void test_history_session_summary_reaches_the_broker_and_waits_across_an_outage(void **state)
{
	struct fx *f = *state;
	const struct test_msg *m;

	emit(f, EVENT_SESSION_STARTED, 1, 0, STOP_NONE);
	emit(f, EVENT_FAULT_RAISED, 1, 0, STOP_NONE);
	emit(f, EVENT_SESSION_STOPPED, 1, 42, STOP_FAULT);
	m = wait_msg(f->staff, 0, T "station/2/summary", "\"end\":\"faulted\"");
	assert_false(m->retained);
	cJSON *s = cJSON_Parse(m->payload);
	assert_string_equal(str(s, "program"), "standard");
	assert_int_equal(num(s, "planned_s"), 1200);
	assert_int_equal(num(s, "delivered_s"), 42);
	assert_int_equal(num(s, "fault_count"), 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "faults"), 0)->valuestring,
	                    "leak");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(s, "peak_mmhg")));
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(s, "mean_mmhg")));
	cJSON_Delete(s);

	/* Marked published once the broker acknowledged it. */
	assert_int_equal(pending_summaries_within(f, 0, 5000u), 0);
	/* The broker goes away; a session ends meanwhile; its summary waits,
	 * and so do many station events in the outbox: back on the link, the
	 * summary's acknowledgement comes amid a flood of theirs, and must not
	 * be lost in it (that would wait for the 30 s time-out). */
	test_broker_kill(&f->broker);
	emit(f, EVENT_SESSION_STARTED, 0, 0, STOP_NONE);
	service_flood(f, FLOOD_EVENTS / 2u);
	emit(f, EVENT_SESSION_COMPLETED, 0, 1200, STOP_COMPLETED);
	assert_int_equal(pending_summaries_within(f, 1, 5000u), 1);
	assert_int_equal(test_broker_restart(&f->broker), 0);
	/* The broker acknowledged it once the link was back. */
	assert_int_equal(pending_summaries_within(f, 0, 15000u), 0);
	/* And the flood was real: the broker took every event. */
	struct mqtt_link_health health;
	uint64_t until = test_now_ms() + 15000u;
	do {
		poll(NULL, 0, 50);
		mqtt_link_health(f->link, &health);
	} while (health.outbox_depth != 0 && test_now_ms() < until);
	assert_int_equal(health.outbox_depth, 0);
}

static void test_history_summaries_of_sessions_ending_together_all_reach_the_broker(void **state)
{
	struct fx *f = *state;

	/* One ends while another's summary waits for its PUBACK. */
	for (unsigned int k = 0; k < 3; k++)
		for (unsigned int st = 0; st < 2; st++) {
			emit(f, EVENT_SESSION_STARTED, st, 0, STOP_NONE);
			emit(f, EVENT_SESSION_COMPLETED, st, 60 + k, STOP_COMPLETED);
		}
	assert_true(
	    test_client_wait_count(f->staff, 0, T "station/+/summary", "\"completed\"", 6, 10000));
	assert_int_equal(pending_summaries_within(f, 0, 5000u), 0);
}

static void test_history_summaries_are_acknowledged_amid_a_flood_of_events(void **state)
{
	struct fx *f = *state;

	/* The outbox's events stream out and back while sessions end: the
	 * broker's acknowledgements of the summaries arrive among hundreds of
	 * the events', and each summary is still noted as published at once,
	 * not after the 30 s time-out sends it again. */
	for (unsigned int k = 0; k < FLOOD_SESSIONS; k++) {
		service_flood(f, FLOOD_EVENTS / FLOOD_SESSIONS / 2u);
		emit(f, EVENT_SESSION_STARTED, 0, 0, STOP_NONE);
		emit(f, EVENT_SESSION_COMPLETED, 0, 60 + k, STOP_COMPLETED);
	}
	assert_true(test_client_wait_count(f->staff, 0, T "station/1/summary", "\"completed\"",
	                                   FLOOD_SESSIONS, 10000));
	assert_int_equal(pending_summaries_within(f, 0, 5000u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_history_query_answers_sessions_usage_and_cleaning_to_staff_and_viewer, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_query_that_cannot_be_done_is_answered_with_the_reason, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_query_flood_is_answered_every_time_busy_or_done, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_usage_is_retained_and_sent_again_only_when_it_changes, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_session_summary_reaches_the_broker_and_waits_across_an_outage, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_summaries_of_sessions_ending_together_all_reach_the_broker, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_summaries_are_acknowledged_amid_a_flood_of_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

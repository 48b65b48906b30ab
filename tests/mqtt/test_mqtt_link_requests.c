/* SPDX-License-Identifier: MIT */
/*
 * The MQTT link's requests, MQTT 5 style, against a real mosquitto with the
 * fake core (link_fixture.h): answers on the response topic with the
 * correlation data, retained and expired commands refused, a command
 * delivered again answered once, and events the broker refuses kept in the
 * outbox and reported until the ACL is fixed.
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

#include "fake_controller.h"
#include "link_fixture.h"
#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_link.h"

static void
test_link_answers_a_v5_request_on_its_response_topic_with_its_correlation_data(void **state)
{
	struct fx *f = *state;
	struct test_client *dash = connect_v5(f);

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	assert_int_equal(test_client_subscribe(dash, T "reply/dash-1"), 0);
	assert_int_equal(test_client_request(dash, T "station/2/cmd",
	                                     "{\"action\":\"stop\",\"request_id\":\"v5-1\"}", false,
	                                     T "reply/dash-1", "corr-42", 0),
	                 0);
	const struct test_msg *m = wait_msg(dash, 0, T "reply/dash-1", "\"v5-1\"");
	assert_non_null(m->correlation);
	assert_string_equal(m->correlation, "corr-42");
	assert_non_null(strstr(m->payload, "\"ok\":true"));
	assert_non_null(strstr(m->payload, "\"station\":2"));
	/* Results expire: nobody needs one from yesterday. */
	assert_true(m->has_expiry);
	/* Observers and 3.1.1 clients see it on cmd/result. */
	wait_msg(f->staff, 0, T "station/2/cmd/result", "\"v5-1\"");
	/* A wildcard is no response topic: the answer goes to cmd/result only. */
	size_t mark = test_client_count(f->staff);
	assert_int_equal(test_client_request(dash, T "station/2/cmd",
	                                     "{\"action\":\"stop\",\"request_id\":\"v5-2\"}", false,
	                                     T "reply/#", "x", 0),
	                 0);
	wait_msg(f->staff, mark, T "station/2/cmd/result", "\"v5-2\"");
	test_client_destroy(dash);
}

static void test_link_refuses_a_retained_command_from_v311_and_v5_clients(void **state)
{
	struct fx *f = *state;
	struct test_client *dash = connect_v5(f);

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	size_t mark = test_client_count(f->staff);
	const char *cmd = "{\"action\":\"out_of_service\",\"request_id\":\"ret-311\"}";
	assert_int_equal(
	    test_client_publish(f->staff, T "station/1/cmd", cmd, (int)strlen(cmd), 1, true), 0);
	const struct test_msg *m = wait_msg(f->staff, mark, T "station/1/cmd/result", "ret-311");
	assert_non_null(strstr(m->payload, "\"status\":\"retained_refused\""));
	assert_int_equal(
	    test_client_request(dash, T "station/2/cmd",
	                        "{\"action\":\"out_of_service\",\"request_id\":\"ret-5\"}", true,
	                        NULL, NULL, 0),
	    0);
	m = wait_msg(f->staff, mark, T "station/2/cmd/result", "ret-5");
	assert_non_null(strstr(m->payload, "\"status\":\"retained_refused\""));
	assert_int_equal(fake_controller_commands(f->ctl), 0);

	/* Reconnecting does not replay them into commands: the kiosk gets them
	 * again only on a new session, and refuses them again. */
	kiosk_side_destroy(f->rep);
	mark = test_client_count(f->staff);
	start_reporter(f);
	wait_msg(f->staff, mark, T "kiosk/availability", "online");
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"stop\",\"request_id\":\"sync\"}");
	wait_msg(f->staff, mark, T "station/1/cmd/result", "sync");
	assert_int_equal(fake_controller_commands(f->ctl), 1);
	/* Clear them, as the refusal says. */
	test_client_publish(f->staff, T "station/1/cmd", "", 0, 1, true);
	test_client_publish(f->staff, T "station/2/cmd", "", 0, 1, true);
	test_client_destroy(dash);
}

static void test_link_answers_a_command_delivered_again_with_its_first_result(void **state)
{
	struct fx *f = *state;
	const char *cmd = "{\"action\":\"out_of_service\",\"request_id\":\"once\"}";

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	assert_int_equal(test_client_publish_str(f->staff, T "station/1/cmd", cmd), 0);
	const struct test_msg *m = wait_msg(f->staff, 0, T "station/1/cmd/result", "\"once\"");
	assert_non_null(strstr(m->payload, "\"duplicate\":false"));
	size_t mark = test_client_count(f->staff);
	assert_int_equal(test_client_publish_str(f->staff, T "station/1/cmd", cmd), 0);
	m = wait_msg(f->staff, mark, T "station/1/cmd/result", "\"once\"");
	assert_non_null(strstr(m->payload, "\"duplicate\":true"));
	assert_non_null(strstr(m->payload, "\"ok\":true"));
	assert_int_equal(fake_controller_commands(f->ctl), 1);
}

static void test_link_refuses_an_expired_command(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	wait_msg(f->staff, 0, T "kiosk/availability", "online");
	snprintf(cmd, sizeof(cmd),
	         "{\"action\":\"stop\",\"request_id\":\"late-1\",\"expires_ms\":%llu}",
	         (unsigned long long)(test_now_wall_ms() - 1));
	assert_int_equal(test_client_publish_str(f->staff, T "station/1/cmd", cmd), 0);
	snprintf(cmd, sizeof(cmd),
	         "{\"action\":\"stop\",\"request_id\":\"late-2\",\"issued_ms\":%llu}",
	         (unsigned long long)(test_now_wall_ms() - MQTT_COMMAND_MAX_AGE_MS - 1000u));
	assert_int_equal(test_client_publish_str(f->staff, T "station/1/cmd", cmd), 0);
	const struct test_msg *m = wait_msg(f->staff, 0, T "station/1/cmd/result", "late-1");
	assert_non_null(strstr(m->payload, "\"status\":\"expired\""));
	m = wait_msg(f->staff, 0, T "station/1/cmd/result", "late-2");
	assert_non_null(strstr(m->payload, "\"status\":\"expired\""));
	assert_int_equal(fake_controller_commands(f->ctl), 0);
}

/* The kiosk's status, parsed: the newest one at index >= from that has
 * contains. */
static cJSON *kiosk_status(struct fx *f, size_t from, const char *contains)
{
	const struct test_msg *m = wait_msg(f->staff, from, T "kiosk/status", contains);
	cJSON *o = cJSON_Parse(m->payload);

	assert_non_null(o);
	return o;
}

/* The first kiosk status from index from that counts at least n refusals.
 * Not "exactly n": the status goes out at most once a second, and under load
 * the outbox's retries (back-off from 1 s) are refused again before it does. */
static cJSON *kiosk_status_refused(struct fx *f, size_t from, double n)
{
	for (size_t i = from;; i++) {
		const struct test_msg *m = NULL;
		long at =
		    test_client_wait(f->staff, i, T "kiosk/status", "\"refused\":", 10000, &m);
		if (at < 0)
			fail_msg("no kiosk status counting %.0f refused publishes within 10 s", n);
		i = (size_t)at;
		cJSON *o = cJSON_Parse(m->payload);
		assert_non_null(o);
		const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "outbox");
		const cJSON *refused = cJSON_GetObjectItemCaseSensitive(ob, "refused");
		if (cJSON_IsNumber(refused) && refused->valuedouble >= n)
			return o;
		cJSON_Delete(o);
	}
}

static void test_link_keeps_every_event_the_broker_refuses_and_says_so(void **state)
{
	struct fx *f = *state;

	wait_msg(f->staff, 0, T "kiosk/status", "\"connected\":true");
	/* The broker's ACL loses the event topic. */
	assert_int_equal(test_broker_set_acl(&f->broker, "/station/+/event"), 0);
	size_t mark = test_client_count(f->staff);
	for (unsigned int i = 0; i < 6; i++) {
		struct kiosk_event ev = ev_of(EVENT_CLEANED, i % 2);
		snprintf(ev.program_id, sizeof(ev.program_id), "denied-%u", i);
		fake_controller_emit(f->ctl, &ev);
	}
	/* The kiosk says so on its status: how many, which topic, why. */
	cJSON *o = kiosk_status_refused(f, mark, 6);
	const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "outbox");
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(ob, "last_refused");
	assert_non_null(
	    strstr(cJSON_GetObjectItemCaseSensitive(last, "topic")->valuestring, "/event"));
	assert_non_null(
	    strstr(cJSON_GetObjectItemCaseSensitive(last, "reason")->valuestring, "authorized"));
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "problems")) >= 1);
	cJSON_Delete(o);
	/* Every one is still in the outbox, none reached anybody. */
	wait_outbox(f, 6);
	/* The staff screen reads the same from the link. */
	struct mqtt_link_health h;
	mqtt_link_health(f->rep->link, &h);
	assert_true(h.client.refused >= 6);
	assert_true(h.client.problem_count >= 1);
	assert_non_null(strstr(h.client.problems[0], "topic write"));
	assert_int_equal(h.outbox_depth, 6);
	assert_string_equal(h.duplicate_instance, "");
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/+/event", NULL), 0);
	o = kiosk_status(f, mark, "\"depth\":6");
	cJSON_Delete(o);

	/* The ACL is fixed: the retries (back-off from 1 s) deliver them all. */
	assert_int_equal(test_broker_set_acl(&f->broker, NULL), 0);
	assert_true(
	    test_client_wait_count(f->staff, mark, T "station/+/event", "denied-", 6, 15000));
	wait_outbox(f, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_link_answers_a_v5_request_on_its_response_topic_with_its_correlation_data,
	        link_setup, link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_refuses_a_retained_command_from_v311_and_v5_clients, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_answers_a_command_delivered_again_with_its_first_result, link_setup,
	        link_teardown),
	    cmocka_unit_test_setup_teardown(test_link_refuses_an_expired_command, link_setup,
	                                    link_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_keeps_every_event_the_broker_refuses_and_says_so, link_setup,
	        link_teardown),
	};
	return cmocka_run_group_tests_name("mqtt_link_requests", tests, NULL, NULL);
}

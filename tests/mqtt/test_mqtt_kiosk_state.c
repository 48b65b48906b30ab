/* SPDX-License-Identifier: MIT */
/*
 * End to end, what outlives a kiosk process: the real recovery-kiosk binary
 * (--sim --headless) against a real mosquitto with the example ACL.  Out of
 * service survives kill -9, commands sent while the kiosk is down run once
 * when it is back (or are answered "expired"), a second kiosk on the site
 * is reported by both, a station taken out of kiosk.conf leaves Home
 * Assistant, and --check-config --mqtt names what the ACL refuses.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kiosk_proc.h"
#include "mqtt_test_support.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

struct fx {
	struct test_broker broker;
	struct kiosk_proc k;
	struct kiosk_proc other; /* a second kiosk, when a test starts one */
	struct test_client *staff;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int rc;

	assert_non_null(f);
	assert_int_equal(test_broker_start(&f->broker, SOURCE_DIR), 0);
	kiosk_proc_config(&f->k, &f->broker, NULL);
	f->staff = test_client_connect_v5(f->broker.port, "staff", TEST_PW_STAFF, &rc);
	assert_non_null(f->staff);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->k.pid > 0)
		kiosk_proc_kill9(&f->k);
	if (f->other.pid > 0)
		kiosk_proc_kill9(&f->other);
	test_client_destroy(f->staff);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

static const struct test_msg *wait_msg(struct fx *f, size_t from, const char *topic,
                                       const char *contains)
{
	return kiosk_proc_wait(&f->k, f->staff, from, topic, contains);
}

/* Starts the kiosk and waits until it is online with its subscriptions. */
static void start_kiosk(struct fx *f)
{
	size_t mark = test_client_count(f->staff);

	kiosk_proc_start(&f->k);
	const struct test_msg *online = wait_msg(f, mark, T "kiosk/availability", "online");
	/* Its status comes last of what it says on connecting, after its
	 * availability (the same publisher thread). */
	size_t from = mark;
	while (test_client_msg(f->staff, from) != online)
		from++;
	wait_msg(f, from, T "kiosk/status", "\"connected\":true");
}

static void test_kiosk_out_of_service_survives_kill9(void **state)
{
	struct fx *f = *state;

	start_kiosk(f);
	size_t mark = test_client_count(f->staff);
	assert_int_equal(
	    test_client_request(f->staff, T "station/2/cmd",
	                        "{\"action\":\"out_of_service\",\"request_id\":\"oos-1\","
	                        "\"reason\":\"repair\",\"by\":\"front desk\"}",
	                        false, NULL, NULL, 0),
	    0);
	const struct test_msg *m = wait_msg(f, mark, T "station/2/cmd/result", "\"oos-1\"");
	assert_non_null(strstr(m->payload, "\"ok\":true"));
	/* The answer came after the state was on disk: kill at once. */
	kiosk_proc_kill9(&f->k);
	mark = test_client_count(f->staff);
	start_kiosk(f);
	m = wait_msg(f, mark, T "station/2/status", "\"state\"");
	if (!strstr(m->payload, "\"state\":\"out_of_service\""))
		fail_msg("station 2 came back as %s", m->payload);
	assert_non_null(strstr(m->payload, "\"reason\":\"repair\""));
	assert_non_null(strstr(m->payload, "\"by\":\"front desk\""));
	/* Still locked: a member cannot use it, staff can take it back. */
	assert_int_equal(test_client_request(f->staff, T "station/2/cmd",
	                                     "{\"action\":\"in_service\",\"request_id\":\"oos-2\"}",
	                                     false, NULL, NULL, 0),
	                 0);
	m = wait_msg(f, mark, T "station/2/cmd/result", "\"oos-2\"");
	assert_non_null(strstr(m->payload, "\"ok\":true"));
	wait_msg(f, mark, T "station/2/status", "\"state\":\"idle\"");
}

static void test_kiosk_runs_a_command_sent_while_it_was_down_once_or_answers_expired(void **state)
{
	struct fx *f = *state;
	char payload[200];

	start_kiosk(f);
	kiosk_proc_kill9(&f->k);
	size_t mark = test_client_count(f->staff);
	/* The broker keeps the kiosk's session: these wait for it. */
	assert_int_equal(
	    test_client_request(f->staff, T "station/1/cmd",
	                        "{\"action\":\"out_of_service\",\"request_id\":\"away-1\"}", false,
	                        NULL, NULL, 0),
	    0);
	uint64_t expires = test_now_wall_ms() + 300u;
	snprintf(payload, sizeof(payload),
	         "{\"action\":\"out_of_service\",\"request_id\":\"away-2\",\"expires_ms\":%llu}",
	         (unsigned long long)expires);
	assert_int_equal(
	    test_client_request(f->staff, T "station/3/cmd", payload, false, NULL, NULL, 0), 0);
	/* The scenario, not a synchronisation: the kiosk comes back after the
	 * second command's expiry. */
	while (test_now_wall_ms() <= expires)
		poll(NULL, 0, 20);
	start_kiosk(f);
	const struct test_msg *m = wait_msg(f, mark, T "station/1/cmd/result", "\"away-1\"");
	assert_non_null(strstr(m->payload, "\"ok\":true"));
	m = wait_msg(f, mark, T "station/3/cmd/result", "\"away-2\"");
	assert_non_null(strstr(m->payload, "\"status\":\"expired\""));
	wait_msg(f, mark, T "station/1/status", "\"state\":\"out_of_service\"");
	/* Once: one event for the first, none for the expired one. */
	wait_msg(f, mark, T "station/1/event", "\"type\":\"out_of_service\"");
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/1/cmd/result", NULL),
	                 1);
	assert_int_equal(test_client_count_matching(f->staff, mark, T "station/3/event", NULL), 0);
}

static void test_kiosk_second_kiosk_on_the_site_is_reported_by_both(void **state)
{
	struct fx *f = *state;
	const struct kiosk_conf_opts other = {.name = "other"};

	start_kiosk(f);
	size_t mark = test_client_count(f->staff);
	kiosk_proc_config(&f->other, &f->broker, &other);
	kiosk_proc_start(&f->other);
	/* The newcomer reads the first one's retained claim... */
	const struct test_msg *m = wait_msg(f, mark, T "kiosk/status", "\"duplicate\":{");
	assert_non_null(strstr(m->payload, "\"instance\""));
	/* ...and both say so in their logs: the first saw the newcomer's claim
	 * or lost its session to it (the same client id). */
	uint64_t until = test_now_ms() + 8000u;
	while (test_now_ms() < until && !(kiosk_proc_log_has(&f->k, "second kiosk") &&
	                                  kiosk_proc_log_has(&f->other, "second kiosk")))
		poll(NULL, 0, 50);
	if (!kiosk_proc_log_has(&f->k, "second kiosk") ||
	    !kiosk_proc_log_has(&f->other, "second kiosk")) {
		kiosk_proc_dump_log(&f->k);
		kiosk_proc_dump_log(&f->other);
		fail_msg("both kiosks must log the second kiosk");
	}
}

/* Every discovery config retained at the broker now, by a fresh client:
 * the retained messages come at subscribe time, before the marker the same
 * client publishes after subscribing. */
static struct test_client *retained_discovery(struct fx *f)
{
	int rc;
	struct test_client *c = test_client_connect(f->broker.port, "staff", TEST_PW_STAFF, &rc);

	assert_non_null(c);
	assert_int_equal(test_client_subscribe(c, "homeassistant/#"), 0);
	assert_int_equal(test_client_publish_str(c, "homeassistant/status", "marker"), 0);
	assert_true(test_client_wait(c, 0, "homeassistant/status", "marker", 5000, NULL) >= 0);
	return c;
}

static void test_kiosk_station_removed_from_the_config_leaves_home_assistant(void **state)
{
	struct fx *f = *state;
	const char *station4 = "homeassistant/+/recovery_" TEST_SITE "_station_4/+/config";

	start_kiosk(f);
	/* Four stations: station 4 (no sensor) has every entity but pressure. */
	struct test_client *c = retained_discovery(f);
	assert_true(test_client_count_matching(c, 0, station4, "unique_id") >= 10);
	assert_int_equal(test_client_count_matching(c, 0,
	                                            "homeassistant/sensor/recovery_" TEST_SITE
	                                            "_station_4/pressure/config",
	                                            NULL),
	                 0);
	test_client_destroy(c);
	assert_true(kiosk_proc_stop(&f->k));

	/* [station.4] leaves kiosk.conf. */
	const struct kiosk_conf_opts three = {.drop_station = 4};
	kiosk_proc_config(&f->k, &f->broker, &three);
	size_t mark = test_client_count(f->staff);
	start_kiosk(f);
	/* The clears of station 4 come from two threads: status and
	 * availability before the kiosk's status, usage from the history
	 * thread whenever it sees the new connection.  Wait for all three, or
	 * a client subscribing now gets the old usage and then its clear. */
	static const char *const leaves[] = {"status", "availability", "usage"};
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		char topic[96];
		snprintf(topic, sizeof(topic), T "station/4/%s", leaves[i]);
		const struct test_msg *m = NULL;
		long at = (long)mark - 1;
		do
			at = test_client_wait(f->staff, (size_t)(at + 1), topic, NULL, 8000, &m);
		while (at >= 0 && m->len != 0);
		if (at < 0) {
			kiosk_proc_dump_log(&f->k);
			fail_msg("the kiosk did not clear %s", topic);
		}
	}
	c = retained_discovery(f);
	assert_true(test_client_count_matching(
	                c, 0, "homeassistant/+/recovery_" TEST_SITE "_station_3/+/config",
	                "unique_id") >= 10);
	assert_int_equal(test_client_count_matching(c, 0, station4, NULL), 0);
	test_client_destroy(c);
	/* Its retained status and availability are gone too. */
	int rc;
	c = test_client_connect(f->broker.port, "staff", TEST_PW_STAFF, &rc);
	assert_non_null(c);
	assert_int_equal(test_client_subscribe(c, T "station/#"), 0);
	assert_int_equal(test_client_subscribe(c, "homeassistant/status"), 0);
	assert_int_equal(test_client_publish_str(c, "homeassistant/status", "marker2"), 0);
	assert_true(test_client_wait(c, 0, "homeassistant/status", "marker2", 5000, NULL) >= 0);
	assert_true(test_client_count_matching(c, 0, T "station/3/status", NULL) >= 1);
	assert_int_equal(test_client_count_matching(c, 0, T "station/4/#", NULL), 0);
	test_client_destroy(c);
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *in = fopen(path, "r");
	size_t n;

	assert_non_null(in);
	n = fread(buf, 1, len - 1, in);
	buf[n] = '\0';
	fclose(in);
}

static void test_kiosk_check_config_mqtt_names_what_the_acl_refuses(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = {"--check-config", "--mqtt", "--sim", NULL};
	char out[256], text[16384];

	snprintf(out, sizeof(out), "%s/check.txt", f->broker.dir);
	/* The site the example ACL names: everything allowed. */
	int rc = kiosk_proc_run(&f->k, args, out);
	read_file(out, text, sizeof(text));
	if (rc != 0)
		fail_msg("--check-config --mqtt exited %d:\n%s", rc, text);
	assert_non_null(strstr(text, "OK, everything allowed"));
	assert_non_null(strstr(text, "write recovery/" TEST_SITE "/station/4/event: allowed"));
	assert_non_null(
	    strstr(text, "read  recovery/" TEST_SITE "/station/+/cmd: subscription accepted"));
	assert_non_null(strstr(text, "read  recovery/" TEST_SITE
	                             "/kiosk/claim: allowed (the probe came back)"));

	/* A site the ACL does not know: every topic refused, with the fix. */
	const struct kiosk_conf_opts wrong = {.site = "other-gym", .name = "wrong"};
	struct kiosk_proc w;
	kiosk_proc_config(&w, &f->broker, &wrong);
	rc = kiosk_proc_run(&w, args, out);
	read_file(out, text, sizeof(text));
	if (rc != 78)
		fail_msg("--check-config --mqtt on a wrong site exited %d:\n%s", rc, text);
	assert_non_null(strstr(text, "write recovery/other-gym/station/1/event: DENIED"));
	assert_non_null(strstr(
	    text, "add \"topic write recovery/other-gym/station/1/event\" under \"user kiosk\""));
	/* mosquitto accepts any subscription: what it does not deliver shows on
	 * the claim, which the check writes and reads back. */
	assert_non_null(strstr(text, "read  recovery/other-gym/kiosk/claim: NOT DELIVERED"));
	assert_non_null(strstr(text, "topic read recovery/other-gym/station/+/cmd"));

	/* A wrong password is named as such. */
	char pw[192];
	snprintf(pw, sizeof(pw), "%s/kiosk-password", f->broker.dir);
	FILE *fp = fopen(pw, "w");
	assert_non_null(fp);
	fputs("wrong\n", fp);
	fclose(fp);
	rc = kiosk_proc_run(&f->k, args, out);
	read_file(out, text, sizeof(text));
	assert_int_equal(rc, 78);
	assert_non_null(strstr(text, "refused the connection"));
	assert_non_null(strstr(text, "password_file"));
}

static void test_kiosk_with_a_site_the_acl_denies_logs_each_refusal_with_the_fix(void **state)
{
	struct fx *f = *state;

	/* The broker denies everything the kiosk of "other-gym" writes and
	 * reads; its status is refused too, so the log says it. */
	const struct kiosk_conf_opts wrong = {.site = "other-gym"};
	kiosk_proc_config(&f->k, &f->broker, &wrong);
	kiosk_proc_start(&f->k);
	uint64_t until = test_now_ms() + 12000u;
	while (test_now_ms() < until &&
	       !(kiosk_proc_log_has(&f->k, "does not receive its own claim") &&
	         kiosk_proc_log_has(&f->k, "refused a publish to 'recovery/other-gym/")))
		poll(NULL, 0, 50);
	if (!kiosk_proc_log_has(&f->k, "topic read recovery/other-gym/station/+/cmd") ||
	    !kiosk_proc_log_has(&f->k, "grant 'topic write recovery/other-gym/station/1/status' to "
	                               "user 'kiosk'")) {
		kiosk_proc_dump_log(&f->k);
		fail_msg("the kiosk must log each refusal with the ACL line that fixes it");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kiosk_out_of_service_survives_kill9, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kiosk_runs_a_command_sent_while_it_was_down_once_or_answers_expired, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(test_kiosk_second_kiosk_on_the_site_is_reported_by_both,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kiosk_station_removed_from_the_config_leaves_home_assistant, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kiosk_check_config_mqtt_names_what_the_acl_refuses,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kiosk_with_a_site_the_acl_denies_logs_each_refusal_with_the_fix, setup,
	        teardown),
	};
	return cmocka_run_group_tests_name("mqtt_kiosk_state", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The reporter over TLS: the example broker config's TLS listener (with a
 * CA and server certificate made by openssl for the test) and the kiosk's
 * [mqtt] tls = true + ca_file.  A kiosk that cannot verify the broker must
 * not talk to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "fake_controller.h"
#include "mqtt_test_support.h"
#include "kiosk_side.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

struct fx {
	struct test_broker broker;
	struct kiosk_config cfg;
	struct controller *ctl;
	struct test_client *staff;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int rc;

	assert_non_null(f);
	assert_int_equal(test_broker_start_tls(&f->broker, SOURCE_DIR), 0);
	kiosk_config_defaults(&f->cfg);
	snprintf(f->cfg.site, sizeof(f->cfg.site), TEST_SITE);
	snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s/state", f->broker.dir);
	f->cfg.station_count = 1;
	snprintf(f->cfg.stations[0].name, sizeof(f->cfg.stations[0].name), "Station 1");
	struct mqtt_config *m = &f->cfg.mqtt;
	m->enabled = true;
	snprintf(m->host, sizeof(m->host), "localhost");
	m->port = f->broker.tls_port;
	m->tls = true;
	snprintf(m->username, sizeof(m->username), "kiosk");
	snprintf(m->password_file, sizeof(m->password_file), "%s/kiosk-password", f->broker.dir);
	m->keepalive_s = 10;
	FILE *fp = fopen(m->password_file, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", TEST_PW_KIOSK);
	fclose(fp);
	f->ctl = fake_controller_create(1);
	f->staff = test_client_connect(f->broker.port, "staff", TEST_PW_STAFF, &rc);
	assert_non_null(f->staff);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	test_client_destroy(f->staff);
	fake_controller_destroy(f->ctl);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

static struct kiosk_side *start(struct fx *f, const char *ca)
{
	char err[256] = "";

	snprintf(f->cfg.mqtt.ca_file, sizeof(f->cfg.mqtt.ca_file), "%s/%s", f->broker.dir, ca);
	struct kiosk_side *r = kiosk_side_start(&f->cfg, f->ctl, "1", err, sizeof(err));
	if (!r)
		fail_msg("kiosk_side_start: %s", err);
	return r;
}

static void test_tls_kiosk_verifies_the_broker_and_publishes(void **state)
{
	struct fx *f = *state;
	struct kiosk_side *r = start(f, "ca.crt");

	assert_true(test_client_wait(f->staff, 0, T "kiosk/availability", "online", 8000, NULL) >=
	            0);
	struct kiosk_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_OUT_OF_SERVICE;
	fake_controller_emit(f->ctl, &ev);
	assert_true(
	    test_client_wait(f->staff, 0, T "station/1/event", "out_of_service", 5000, NULL) >= 0);
	/* Commands come back over the TLS connection too. */
	size_t mark = test_client_count(f->staff);
	test_client_publish_str(f->staff, T "station/1/cmd",
	                        "{\"action\":\"in_service\",\"request_id\":\"tls\"}");
	assert_true(
	    test_client_wait(f->staff, mark, T "station/1/cmd/result", "\"tls\"", 5000, NULL) >= 0);
	kiosk_side_destroy(r);
}

static void test_tls_kiosk_refuses_a_broker_it_cannot_verify(void **state)
{
	struct fx *f = *state;
	struct kiosk_side *r = start(f, "other-ca.crt");

	/* Wait long enough for a connection and its first retry. */
	assert_true(test_client_wait(f->staff, 0, T "kiosk/availability", "online", 2500, NULL) <
	            0);
	assert_int_equal(test_client_count_matching(f->staff, 0, T "#", NULL), 0);
	uint64_t t0 = test_now_ms();
	kiosk_side_destroy(r);
	assert_true(test_now_ms() - t0 < 4000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tls_kiosk_verifies_the_broker_and_publishes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_tls_kiosk_refuses_a_broker_it_cannot_verify, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests_name("mqtt_tls", tests, NULL, NULL);
}

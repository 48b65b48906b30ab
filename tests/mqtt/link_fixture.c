/* SPDX-License-Identifier: MIT */
#include "link_fixture.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_controller.h"
#include "store/event_log.h"
#include "store/store.h"

static void make_config(struct fx *f)
{
	char pw[160];

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
	snprintf(m->discovery_prefix, sizeof(m->discovery_prefix), "homeassistant");
	snprintf(pw, sizeof(pw), "%s\n", TEST_PW_KIOSK);
	FILE *fp = fopen(m->password_file, "w");
	assert_non_null(fp);
	fputs(pw, fp);
	fclose(fp);
}

void start_reporter(struct fx *f)
{
	char err[256] = "";

	f->rep = kiosk_side_start(&f->cfg, f->ctl, "9.9.9", err, sizeof(err));
	if (!f->rep)
		fail_msg("kiosk_side_start: %s", err);
}

struct test_client *connect_as(struct fx *f, const char *user, const char *pw)
{
	int rc;
	struct test_client *c = test_client_connect(f->broker.port, user, pw, &rc);

	if (!c)
		fail_msg("cannot connect as %s: %d", user ? user : "anonymous", rc);
	return c;
}

int link_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_broker_start(&f->broker, SOURCE_DIR), 0);
	make_config(f);
	f->ctl = fake_controller_create(2);
	f->staff = connect_as(f, "staff", TEST_PW_STAFF);
	assert_int_equal(test_client_subscribe(f->staff, "recovery/#"), 0);
	assert_int_equal(test_client_subscribe(f->staff, "homeassistant/#"), 0);
	start_reporter(f);
	*state = f;
	return 0;
}

int link_teardown(void **state)
{
	struct fx *f = *state;

	kiosk_side_destroy(f->rep);
	test_client_destroy(f->staff);
	fake_controller_destroy(f->ctl);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

const struct test_msg *wait_msg(struct test_client *c, size_t from, const char *topic,
                                const char *contains)
{
	const struct test_msg *m = NULL;

	if (test_client_wait(c, from, topic, contains, 5000, &m) < 0)
		fail_msg("no message on %s containing %s within 5 s", topic,
		         contains ? contains : "(anything)");
	return m;
}

struct kiosk_event ev_of(enum event_kind kind, unsigned int station)
{
	struct kiosk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.station = station;
	return ev;
}

/* Polls the database (a real condition) until the outbox holds want rows,
 * on the store's own read-only connection beside the kiosk side's (not
 * store_open: that is the kiosk's open, which marks open sessions
 * interrupted and takes the write lock under the running kiosk side). */
void wait_outbox(struct fx *f, int64_t want)
{
	char err[256];
	struct store *s = store_open_reader(event_log_store(f->rep->log), err, sizeof(err));
	uint64_t until = test_now_ms() + 5000u;
	int64_t n;

	if (!s)
		fail_msg("%s", err);
	while ((n = store_outbox_count(s)) != want && test_now_ms() < until)
		poll(NULL, 0, 20);
	store_close(s);
	assert_int_equal(n, want);
}

/* ---- tests ---- */

struct test_client *connect_v5(struct fx *f)
{
	int rc;
	struct test_client *c = test_client_connect_v5(f->broker.port, "staff", TEST_PW_STAFF, &rc);

	if (!c)
		fail_msg("cannot connect with MQTT 5: %d", rc);
	return c;
}

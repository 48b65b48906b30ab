/* SPDX-License-Identifier: MIT */
/*
 * The event log (store thread) on the real controller: the controller
 * stepped in virtual time with simulated station hardware
 * (tests/core/support/sim_rig), a real SQLite database in a temporary
 * folder.  Waits are on the log's own persisted cursor, never on sleeps.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_rig.h"
#include "store/event_log.h"
#include "store/store.h"

struct fx {
	char dir[64];
	struct sim_rig *rig;
	struct event_log *log;
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	static const struct sim_station_spec specs[2] = {{5, SENSOR_SIM}, {4, SENSOR_NONE}};
	struct fx *f = calloc(1, sizeof(*f));
	char err[256] = "";

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/kiosk-log-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->rig = sim_rig_new(2, specs);
	snprintf(f->rig->cfg.state_dir, sizeof(f->rig->cfg.state_dir), "%s/state", f->dir);
	struct event_log_params p = {.state_dir = f->rig->cfg.state_dir, .controller = f->rig->ctl};
	f->log = event_log_create(&p, err, sizeof(err));
	if (!f->log)
		fail_msg("event_log_create: %s", err);
	assert_int_equal(event_log_start(f->log), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	event_log_destroy(f->log);
	sim_rig_free(f->rig);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* The seq of the last event the rig collected. */
static uint64_t last_seq(const struct sim_rig *r)
{
	assert_true(r->event_count > 0);
	return r->events[r->event_count - 1].seq;
}

static void test_event_log_commits_what_the_controller_emits_and_moves_its_cursor(void **state)
{
	struct fx *f = *state;

	sim_submit(f->rig, &(struct command){.action = CMD_OUT_OF_SERVICE, .station = 1});
	sim_step(f->rig);
	sim_submit(f->rig, &(struct command){.action = CMD_IN_SERVICE, .station = 1});
	sim_step(f->rig);
	assert_int_equal(event_log_wait_persisted(f->log, last_seq(f->rig), 5000), 0);

	struct store_outbox_row rows[8];
	int n = store_outbox_peek(event_log_store(f->log), 0, rows, 8);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].event.kind, EVENT_OUT_OF_SERVICE);
	assert_int_equal(rows[0].event.station, 1);
	assert_int_equal(rows[1].event.kind, EVENT_IN_SERVICE);
	assert_int_equal(event_log_lost(f->log), 0);
}

static void test_event_log_wait_times_out_for_an_event_not_yet_emitted(void **state)
{
	struct fx *f = *state;

	assert_int_equal(event_log_wait_persisted(f->log, 1000000, 50), -ETIMEDOUT);
}

static unsigned int watched;
static void count_watch(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&watched, 1, __ATOMIC_SEQ_CST);
}

static void test_event_log_destroyed_leaves_the_controller_running_without_it(void **state)
{
	struct fx *f = *state;

	watched = 0;
	event_log_watch(f->log, count_watch, NULL);
	sim_submit(f->rig, &(struct command){.action = CMD_OUT_OF_SERVICE, .station = 0});
	sim_step(f->rig);
	assert_int_equal(event_log_wait_persisted(f->log, last_seq(f->rig), 5000), 0);
	assert_true(__atomic_load_n(&watched, __ATOMIC_SEQ_CST) >= 1);

	/* The log detaches on its own: the controller goes on stepping and
	 * emitting, and never calls into the freed log. */
	event_log_destroy(f->log);
	f->log = NULL;
	sim_submit(f->rig, &(struct command){.action = CMD_IN_SERVICE, .station = 0});
	sim_run_ms(f->rig, 200);
	assert_int_equal(sim_last_result(f->rig, 0, CMD_IN_SERVICE), CMD_OK);
	/* A second log on the same database takes over where the first stopped. */
	char err[256];
	struct event_log_params p = {.state_dir = f->rig->cfg.state_dir, .controller = f->rig->ctl};
	f->log = event_log_create(&p, err, sizeof(err));
	assert_non_null(f->log);
	assert_int_equal(event_log_start(f->log), 0);
	assert_int_equal(event_log_wait_persisted(f->log, last_seq(f->rig), 5000), 0);
}

static void test_event_log_removes_delivered_events_with_the_next_batch(void **state)
{
	struct fx *f = *state;
	char err[256];
	struct store_stats before, after;
	struct store_outbox_row rows[8];

	/* A log that lets removals wait for the next batch. */
	event_log_destroy(f->log);
	struct event_log_params p = {.state_dir = f->rig->cfg.state_dir,
	                             .controller = f->rig->ctl,
	                             .delivered_delay_ms = 60000};
	f->log = event_log_create(&p, err, sizeof(err));
	assert_non_null(f->log);
	assert_int_equal(event_log_start(f->log), 0);
	struct store *s = event_log_store(f->log);

	sim_submit(f->rig, &(struct command){.action = CMD_OUT_OF_SERVICE, .station = 1});
	sim_step(f->rig);
	assert_int_equal(event_log_wait_persisted(f->log, last_seq(f->rig), 5000), 0);
	assert_int_equal(store_outbox_peek(s, 0, rows, 8), 1);
	event_log_delivered(f->log, &rows[0].id, 1);
	/* Delivered: nothing waits for the broker, the row waits for a commit. */
	assert_int_equal(event_log_outbox_depth(f->log), 0);
	assert_int_equal(store_outbox_count(s), 1);

	/* The next event's commit takes the removal along: one transaction. */
	store_get_stats(s, &before);
	sim_submit(f->rig, &(struct command){.action = CMD_IN_SERVICE, .station = 1});
	sim_step(f->rig);
	assert_int_equal(event_log_wait_persisted(f->log, last_seq(f->rig), 5000), 0);
	store_get_stats(s, &after);
	assert_true(after.transactions - before.transactions == 1);
	assert_int_equal(store_outbox_count(s), 1);
	assert_int_equal(store_outbox_peek(s, 0, rows, 8), 1);
	assert_int_equal(rows[0].event.kind, EVENT_IN_SERVICE);

	/* Stopping commits what still waits. */
	event_log_delivered(f->log, &rows[0].id, 1);
	event_log_stop(f->log);
	assert_int_equal(store_outbox_count(s), 0);
	/* After the stop a delivery is removed at once. */
	assert_int_equal(event_log_outbox_depth(f->log), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_event_log_commits_what_the_controller_emits_and_moves_its_cursor, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_event_log_wait_times_out_for_an_event_not_yet_emitted, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_event_log_destroyed_leaves_the_controller_running_without_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_event_log_removes_delivered_events_with_the_next_batch, setup, teardown),
	};
	return cmocka_run_group_tests_name("event_log", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The SQLite store: outbox, history and session log on a real database in a
 * temporary folder. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char state_dir[128];
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
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/kiosk-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	/* Two levels that do not exist yet: store_open must create them. */
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/var/state", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct kiosk_event make_event(enum event_kind kind, unsigned int station, uint64_t wall_ms)
{
	struct kiosk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.station = station;
	ev.wall_ms = wall_ms;
	snprintf(ev.program_id, sizeof(ev.program_id), "standard");
	ev.duration_s = 1200;
	ev.target_mmhg = 50.0;
	return ev;
}

static struct store *open_ok(struct fixture *f)
{
	char err[256] = "";
	struct store *s = store_open(f->state_dir, err, sizeof(err));

	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

static void test_store_open_creates_state_dir_and_tag(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->state_dir, STORE_DB_NAME);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(strlen(store_tag(s)), STORE_TAG_LEN);
	char tag[STORE_TAG_LEN + 1];
	memcpy(tag, store_tag(s), sizeof(tag));
	store_close(s);

	/* The tag belongs to the database, not to the process. */
	s = open_ok(f);
	assert_string_equal(store_tag(s), tag);
	store_close(s);
}

static void test_store_open_names_the_folder_when_it_cannot_create_it(void **state)
{
	struct fixture *f = *state;
	char blocker[128], bad[192], err[256] = "";

	snprintf(blocker, sizeof(blocker), "%s/file", f->dir);
	FILE *fp = fopen(blocker, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(bad, sizeof(bad), "%s/sub", blocker);
	assert_null(store_open(bad, err, sizeof(err)));
	assert_non_null(strstr(err, bad));
	assert_non_null(strstr(err, "state_dir"));
	assert_null(store_open("", err, sizeof(err)));
	assert_non_null(strstr(err, "state_dir"));
}

static void test_store_append_then_peek_round_trips_fields_in_order(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	struct kiosk_event ev[3] = {
	    make_event(EVENT_SESSION_STARTED, 1, 1000),
	    make_event(EVENT_SESSION_STOPPED, 1, 61000),
	    make_event(EVENT_FAULT_RAISED, 0, 62000),
	};
	struct store_outbox_row rows[8];

	ev[1].reason = STOP_STAFF;
	ev[1].elapsed_s = 60;
	ev[2].fault = FAULT_LEAK;
	ev[2].program_id[0] = '\0';
	assert_int_equal(store_events_append(s, ev, 3), 0);
	assert_int_equal(store_outbox_count(s), 3);

	int n = store_outbox_peek(s, 0, rows, 8);
	assert_int_equal(n, 3);
	assert_true(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
	assert_int_equal(rows[0].event.kind, EVENT_SESSION_STARTED);
	assert_int_equal(rows[0].event.station, 1);
	assert_int_equal(rows[0].event.wall_ms, 1000);
	assert_string_equal(rows[0].event.program_id, "standard");
	assert_int_equal(rows[0].event.duration_s, 1200);
	assert_true(rows[0].event.target_mmhg == 50.0);
	assert_int_equal(rows[1].event.reason, STOP_STAFF);
	assert_int_equal(rows[1].event.elapsed_s, 60);
	assert_int_equal(rows[2].event.fault, FAULT_LEAK);
	assert_string_equal(rows[2].event.program_id, "");

	/* Peek after an id skips what is already in flight. */
	n = store_outbox_peek(s, rows[0].id, rows, 1);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].event.kind, EVENT_SESSION_STOPPED);
	store_close(s);
}

static void test_store_command_results_are_not_stored(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	struct kiosk_event ev[2] = {
	    make_event(EVENT_COMMAND_RESULT, 0, 5),
	    make_event(EVENT_CLEANED, 0, 6),
	};
	struct store_outbox_row rows[4];

	assert_int_equal(store_events_append(s, ev, 2), 0);
	assert_int_equal(store_outbox_peek(s, 0, rows, 4), 1);
	assert_int_equal(rows[0].event.kind, EVENT_CLEANED);
	store_close(s);
}

static void test_store_delete_removes_only_that_event_and_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	struct kiosk_event ev[3] = {
	    make_event(EVENT_OUT_OF_SERVICE, 0, 1),
	    make_event(EVENT_IN_SERVICE, 0, 2),
	    make_event(EVENT_CLEANED, 0, 3),
	};
	struct store_outbox_row rows[4];

	assert_int_equal(store_events_append(s, ev, 3), 0);
	assert_int_equal(store_outbox_peek(s, 0, rows, 4), 3);
	int64_t kept1 = rows[0].id, kept2 = rows[2].id;
	assert_int_equal(store_outbox_delete(s, rows[1].id), 0);
	assert_int_equal(store_outbox_delete(s, rows[1].id), 0); /* twice is fine */
	/* Delivered or not, every event stays in the history. */
	int64_t ids[8];
	assert_int_equal(store_history_ids(s, 0, ids, 8), 3);
	assert_int_equal(ids[1], rows[1].id);
	assert_int_equal(store_history_ids(s, rows[1].id, ids, 8), 1);
	store_close(s);

	s = open_ok(f);
	assert_int_equal(store_outbox_count(s), 2);
	assert_int_equal(store_outbox_peek(s, 0, rows, 4), 2);
	assert_int_equal(rows[0].id, kept1);
	assert_int_equal(rows[1].id, kept2);
	/* Ids are never reused, even after the newest row was acked. */
	assert_int_equal(store_outbox_delete(s, kept2), 0);
	struct kiosk_event more = make_event(EVENT_CLEANED, 0, 4);
	assert_int_equal(store_events_append(s, &more, 1), 0);
	assert_int_equal(store_outbox_peek(s, kept1, rows, 4), 1);
	assert_true(rows[0].id > kept2);
	store_close(s);
}

static void test_store_sessions_log_start_and_end_with_reason(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	struct kiosk_event ev[4] = {
	    make_event(EVENT_SESSION_STARTED, 0, 10000),
	    make_event(EVENT_SESSION_STARTED, 1, 20000),
	    make_event(EVENT_SESSION_COMPLETED, 0, 1210000),
	    make_event(EVENT_SESSION_STOPPED, 1, 320000),
	};
	struct store_session rows[4];

	ev[2].elapsed_s = 1200;
	ev[3].elapsed_s = 300;
	ev[3].reason = STOP_MEMBER;
	assert_int_equal(store_events_append(s, ev, 2), 0);
	assert_int_equal(store_events_append(s, ev + 2, 2), 0);

	assert_int_equal(store_sessions_recent(s, rows, 4), 2);
	/* Newest first: station 1's session was opened second. */
	assert_int_equal(rows[0].station, 1);
	assert_int_equal(rows[0].started_ms, 20000);
	assert_int_equal(rows[0].ended_ms, 320000);
	assert_int_equal(rows[0].elapsed_s, 300);
	assert_string_equal(rows[0].end_reason, "member");
	assert_int_equal(rows[1].station, 0);
	assert_int_equal(rows[1].ended_ms, 1210000);
	assert_string_equal(rows[1].end_reason, "completed");
	assert_string_equal(rows[1].program_id, "standard");
	store_close(s);
}

static void test_store_session_left_open_is_marked_interrupted_on_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f);
	struct kiosk_event start = make_event(EVENT_SESSION_STARTED, 0, 1000);
	struct store_session rows[2];

	assert_int_equal(store_events_append(s, &start, 1), 0);
	assert_int_equal(store_sessions_recent(s, rows, 2), 1);
	assert_string_equal(rows[0].end_reason, "");
	store_close(s);

	s = open_ok(f);
	assert_int_equal(store_sessions_recent(s, rows, 2), 1);
	assert_string_equal(rows[0].end_reason, "interrupted");
	/* A stop in the new run does not close the old, interrupted row. */
	struct kiosk_event stop = make_event(EVENT_SESSION_STOPPED, 0, 5000);
	stop.elapsed_s = 2;
	stop.reason = STOP_STAFF;
	assert_int_equal(store_events_append(s, &stop, 1), 0);
	assert_int_equal(store_sessions_recent(s, rows, 2), 2);
	assert_string_equal(rows[0].end_reason, "staff");
	assert_int_equal(rows[0].started_ms, 3000);
	assert_string_equal(rows[1].end_reason, "interrupted");
	store_close(s);
}

/* A child commits events and is killed with SIGKILL right after: every
 * committed event must be in the outbox when the database is reopened. */
static void test_store_committed_events_survive_sigkill(void **state)
{
	struct fixture *f = *state;
	int pipefd[2];

	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct store *s = store_open(f->state_dir, err, sizeof(err));
		if (!s)
			_exit(2);
		for (unsigned int i = 0; i < 50; i++) {
			struct kiosk_event ev = make_event(EVENT_CLEANED, i % 2, 1000 + i);
			if (store_events_append(s, &ev, 1) < 0)
				_exit(3);
		}
		char done = 'x';
		if (write(pipefd[1], &done, 1) != 1)
			_exit(4);
		raise(SIGKILL);
		_exit(5);
	}
	close(pipefd[1]);
	char c;
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	struct store *s = open_ok(f);
	struct store_outbox_row rows[64];
	assert_int_equal(store_outbox_count(s), 50);
	assert_int_equal(store_outbox_peek(s, 0, rows, 64), 50);
	for (unsigned int i = 0; i < 50; i++)
		assert_int_equal(rows[i].event.wall_ms, 1000 + i);
	store_close(s);
}

static void test_store_service_state_follows_the_station_number_across_reopen(void **state)
{
	struct fixture *f = *state;
	struct kiosk_config cfg;
	struct station_service sv[3];

	memset(&cfg, 0, sizeof(cfg));
	cfg.station_count = 3;
	cfg.stations[0].number = 1;
	cfg.stations[1].number = 4;
	cfg.stations[2].number = 7;
	struct store *s = open_ok(f);
	store_set_stations(s, &cfg);
	struct kiosk_event ev[4] = {
	    make_event(EVENT_OUT_OF_SERVICE, 1, 1000), make_event(EVENT_SESSION_STARTED, 2, 1001),
	    make_event(EVENT_FAULT_RAISED, 0, 1002), make_event(EVENT_CLEANED, 0, 1003)};
	snprintf(ev[0].note, sizeof(ev[0].note), "repair");
	snprintf(ev[0].by, sizeof(ev[0].by), "front desk");
	ev[2].fault = FAULT_OVERPRESSURE;
	assert_int_equal(store_events_append(s, ev, 4), 0);
	store_close(s);

	/* [station.4] is now the first station, [station.1] is gone: the
	 * state goes with the number, not the position. */
	cfg.station_count = 3;
	cfg.stations[0].number = 4;
	cfg.stations[1].number = 7;
	cfg.stations[2].number = 9;
	s = open_ok(f);
	store_set_stations(s, &cfg);
	assert_int_equal(store_service_load(s, sv, 3), 0);
	assert_true(sv[0].out_of_service);
	assert_string_equal(sv[0].note, "repair");
	assert_string_equal(sv[0].by, "front desk");
	assert_false(sv[0].needs_cleaning);
	assert_true(sv[1].needs_cleaning);
	assert_false(sv[1].out_of_service);
	assert_int_equal(sv[2].fault, FAULT_NONE);
	assert_false(sv[2].out_of_service || sv[2].needs_cleaning);

	/* Back in service clears it; a fault is kept until its reset. */
	struct kiosk_event more[3] = {make_event(EVENT_IN_SERVICE, 0, 2000),
	                              make_event(EVENT_FAULT_RAISED, 1, 2001),
	                              make_event(EVENT_CLEANED, 1, 2002)};
	more[1].fault = FAULT_LEAK;
	assert_int_equal(store_events_append(s, more, 3), 0);
	assert_int_equal(store_service_load(s, sv, 3), 0);
	assert_false(sv[0].out_of_service);
	assert_string_equal(sv[0].note, "");
	assert_int_equal(sv[1].fault, FAULT_LEAK);
	assert_false(sv[1].needs_cleaning);
	store_close(s);
}

static void test_store_keeps_mqtt_command_results_by_request_id(void **state)
{
	struct fixture *f = *state;
	struct store_command kept;
	struct kiosk_event ev[3];

	for (size_t i = 0; i < 3; i++) {
		ev[i] = make_event(EVENT_COMMAND_RESULT, 1, 5000 + i);
		ev[i].action = CMD_OUT_OF_SERVICE;
		ev[i].status = i == 1 ? CMD_ERR_BAD_STATE : CMD_OK;
	}
	ev[0].source = SOURCE_MQTT;
	snprintf(ev[0].request_id, sizeof(ev[0].request_id), "dash-1");
	ev[1].source = SOURCE_MQTT;
	snprintf(ev[1].request_id, sizeof(ev[1].request_id), "dash-2");
	ev[2].source = SOURCE_UI; /* the screen's commands are not kept */
	snprintf(ev[2].request_id, sizeof(ev[2].request_id), "ui-1");
	struct store *s = open_ok(f);
	assert_int_equal(store_events_append(s, ev, 3), 0);
	assert_int_equal(store_command_lookup(s, "dash-1", &kept), 1);
	assert_int_equal(kept.station, 1);
	assert_int_equal(kept.action, CMD_OUT_OF_SERVICE);
	assert_int_equal(kept.status, CMD_OK);
	assert_true(kept.wall_ms == 5000);
	assert_int_equal(store_command_lookup(s, "dash-2", &kept), 1);
	assert_int_equal(kept.status, CMD_ERR_BAD_STATE);
	assert_int_equal(store_command_lookup(s, "ui-1", &kept), 0);
	assert_int_equal(store_command_lookup(s, "never", &kept), 0);
	/* Results are not events: nothing for the broker. */
	assert_int_equal(store_outbox_count(s), 0);
	store_close(s);
}

static void test_store_prune_drops_old_rows_but_never_an_undelivered_event(void **state)
{
	struct fixture *f = *state;
	const uint64_t day = 24ull * 3600u * 1000u;
	const uint64_t now = 2000ull * day;
	struct store_session rows[4];
	struct store_stats st;

	struct kiosk_event ev[5] = {
	    make_event(EVENT_SESSION_STARTED, 0, now - 900 * day),
	    make_event(EVENT_SESSION_COMPLETED, 0, now - 900 * day + 1000),
	    make_event(EVENT_CLEANED, 0, now - 500 * day),
	    make_event(EVENT_CLEANED, 0, now - day),
	    make_event(EVENT_COMMAND_RESULT, 0, now - 3 * day),
	};
	ev[4].source = SOURCE_MQTT;
	snprintf(ev[4].request_id, sizeof(ev[4].request_id), "old");
	struct store *s = open_ok(f);
	assert_int_equal(store_events_append(s, ev, 5), 0);
	struct store_outbox_row out[8];
	assert_int_equal(store_outbox_peek(s, 0, out, 8), 4);
	/* Delivered: the first two and the third; the fourth still waits. */
	int64_t delivered[3] = {out[0].id, out[1].id, out[2].id};
	assert_int_equal(store_outbox_delete_many(s, delivered, 3), 0);
	/* An undelivered event, older than any limit. */
	struct kiosk_event ancient = make_event(EVENT_CLEANED, 1, now - 1000 * day);
	assert_int_equal(store_events_append(s, &ancient, 1), 0);

	/* A second session, recent: the old one may go (a table's newest row
	 * always stays, so no id is ever used twice). */
	struct kiosk_event recent = make_event(EVENT_SESSION_STARTED, 1, now - day);
	assert_int_equal(store_events_append(s, &recent, 1), 0);
	int64_t newest = store_outbox_peek(s, 0, out, 8) > 0 ? out[2].id : 0;
	assert_int_equal(store_outbox_delete(s, newest), 0);

	int64_t pruned = store_prune(s, now);
	/* 3 delivered events past 400 days, 1 session past 800, 1 command past
	 * 48 h. */
	assert_int_equal(pruned, 5);
	int64_t ids[8];
	assert_int_equal(store_history_ids(s, 0, ids, 8), 3);
	assert_int_equal(store_outbox_count(s), 2);
	assert_int_equal(store_sessions_recent(s, rows, 4), 1);
	assert_true(rows[0].started_ms == now - day);
	struct store_command kept;
	assert_int_equal(store_command_lookup(s, "old", &kept), 0);
	store_get_stats(s, &st);
	assert_true(st.pruned == 5);
	assert_true(st.outbox_dropped == 0);
	/* Nothing left to prune. */
	assert_int_equal(store_prune(s, now), 0);
	store_close(s);
}

static void test_store_checkpoint_truncates_the_wal(void **state)
{
	struct fixture *f = *state;
	struct kiosk_event ev[64];

	for (size_t i = 0; i < 64; i++)
		ev[i] = make_event(EVENT_CLEANED, (unsigned int)(i % 2), 1000 + i);
	struct store *s = open_ok(f);
	for (size_t k = 0; k < 10; k++)
		assert_int_equal(store_events_append(s, ev, 64), 0);
	assert_true(store_file_bytes(s, true) > 0);
	assert_int_equal(store_checkpoint(s), 0);
	assert_int_equal(store_file_bytes(s, true), 0);
	assert_true(store_file_bytes(s, false) > 0);
	/* And the events are all there. */
	assert_int_equal(store_outbox_count(s), 640);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_store_open_creates_state_dir_and_tag, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_open_names_the_folder_when_it_cannot_create_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_append_then_peek_round_trips_fields_in_order,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_command_results_are_not_stored, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_delete_removes_only_that_event_and_survives_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_sessions_log_start_and_end_with_reason,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_session_left_open_is_marked_interrupted_on_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_committed_events_survive_sigkill, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_service_state_follows_the_station_number_across_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_keeps_mqtt_command_results_by_request_id,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_prune_drops_old_rows_but_never_an_undelivered_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_checkpoint_truncates_the_wal, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}

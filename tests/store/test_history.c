/* SPDX-License-Identifier: MIT */
/* The session history: summaries, pressure series, usage per station and
 * day, retention by age and size, and the --report CSV/JSON, on a real
 * SQLite database in a temporary folder.  TZ is UTC so days are fixed. */
#define _GNU_SOURCE /* nftw, memmem */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "store/history.h"
#include "store/history_report.h"

/* 2026-11-25T08:00:00Z */
#define DAY1_8AM 1795593600000ull
#define HOUR_MS 3600000ull
#define DAY_MS (24ull * HOUR_MS)

struct fixture {
	char dir[64];
	char state_dir[128];
	struct history *h;
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static struct history *open_with(struct fixture *f, const struct history_limits *lim)
{
	char err[256] = "";
	struct history *h = history_open(f->state_dir, lim, false, err, sizeof(err));

	if (!h)
		fail_msg("history_open: %s", err);
	return h;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(f->dir, sizeof(f->dir), "/tmp/kiosk-history-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/state", f->dir);
	f->h = open_with(f, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	history_close(f->h);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct kiosk_event ev_at(enum event_kind kind, unsigned int station, uint64_t wall_ms)
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

static void record(struct history *h, struct kiosk_event ev)
{
	assert_int_equal(history_record_events(h, &ev, 1), 0);
}

/* A snapshot with station index running and zone z at base + z. */
static void running_snapshot(struct history *h, unsigned int index, double base, uint64_t wall_ms)
{
	struct kiosk_snapshot snap;

	memset(&snap, 0, sizeof(snap));
	snap.station_count = index + 1u;
	for (size_t i = 0; i < snap.station_count; i++)
		snap.stations[i].state = STATION_IDLE;
	struct station_snapshot *st = &snap.stations[index];
	st->state = STATION_RUNNING;
	st->zone_count = 3;
	for (size_t z = 0; z < 3; z++)
		st->zone_mmhg[z] = base + (double)z;
	assert_int_equal(history_record_snapshot(h, &snap, wall_ms), 0);
}

/* A whole session on station index: start at t, readings every second
 * (base 40 then 50 alternating), ended by end_kind/reason after secs. */
static void run_session(struct history *h, unsigned int index, uint64_t t, unsigned int secs,
                        enum event_kind end_kind, enum stop_reason reason)
{
	record(h, ev_at(EVENT_SESSION_STARTED, index, t));
	for (unsigned int s = 0; s < secs; s++)
		running_snapshot(h, index, s % 2 ? 50.0 : 40.0, t + s * 1000ull);
	struct kiosk_event end = ev_at(end_kind, index, t + secs * 1000ull);
	end.elapsed_s = secs;
	end.reason = reason;
	record(h, end);
}

struct collect {
	struct history_session s[32];
	size_t n;
};

static int collect_one(void *ctx, const struct history_session *s)
{
	struct collect *c = ctx;

	if (c->n < 32)
		c->s[c->n++] = *s;
	return 0;
}

static struct collect all_sessions(struct history *h)
{
	struct collect c = {0};
	struct history_query q = {0};

	assert_int_equal(history_sessions(h, &q, collect_one, &c), 0);
	return c;
}

static void test_history_completed_session_keeps_times_peak_mean_and_series(void **state)
{
	struct fixture *f = *state;
	struct history_sample pts[64];

	run_session(f->h, 1, DAY1_8AM, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);

	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	const struct history_session *s = &c.s[0];
	assert_int_equal(s->station, 2); /* 1-based */
	assert_string_equal(s->program_id, "standard");
	assert_int_equal(s->started_ms, DAY1_8AM);
	assert_int_equal(s->ended_ms, DAY1_8AM + 20000u);
	assert_int_equal(s->planned_s, 1200);
	assert_int_equal(s->delivered_s, 20);
	assert_int_equal(s->end, HISTORY_END_COMPLETED);
	assert_string_equal(s->stop_reason, "");
	assert_int_equal(s->zone_count, 3);
	for (unsigned int z = 0; z < 3; z++) {
		assert_true(s->peak_mmhg[z] > 50.0 + z - 0.05 && s->peak_mmhg[z] < 50.0 + z + 0.05);
		assert_true(s->mean_mmhg[z] > 45.0 + z - 0.05 && s->mean_mmhg[z] < 45.0 + z + 0.05);
	}
	/* sample_s 5 over 20 s of readings: points at 0, 5, 10, 15. */
	assert_int_equal(s->samples, 4);
	int n = history_session_samples(f->h, s->id, pts, 64);
	assert_int_equal(n, 4);
	assert_int_equal(pts[0].t_s, 0);
	assert_int_equal(pts[3].t_s, 15);
	assert_true(pts[1].zone_mmhg[2] > 51.95 && pts[1].zone_mmhg[2] < 52.05);
}

static void test_history_endings_are_completed_stopped_faulted(void **state)
{
	struct fixture *f = *state;

	run_session(f->h, 0, DAY1_8AM, 4, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 0, DAY1_8AM + HOUR_MS, 4, EVENT_SESSION_STOPPED, STOP_STAFF);
	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM + 2 * HOUR_MS));
	struct kiosk_event fault = ev_at(EVENT_FAULT_RAISED, 0, DAY1_8AM + 2 * HOUR_MS + 3000);
	fault.fault = FAULT_LEAK;
	record(f->h, fault);
	struct kiosk_event stop = ev_at(EVENT_SESSION_STOPPED, 0, DAY1_8AM + 2 * HOUR_MS + 3000);
	stop.reason = STOP_FAULT;
	stop.elapsed_s = 3;
	record(f->h, stop);

	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.s[0].end, HISTORY_END_COMPLETED);
	assert_int_equal(c.s[1].end, HISTORY_END_STOPPED);
	assert_string_equal(c.s[1].stop_reason, "staff");
	assert_int_equal(c.s[1].fault_count, 0);
	assert_int_equal(c.s[2].end, HISTORY_END_FAULTED);
	assert_int_equal(c.s[2].fault_count, 1);
	assert_string_equal(c.s[2].faults, "leak");
}

static void test_history_fault_reported_right_after_its_stop_is_the_sessions_fault(void **state)
{
	struct fixture *f = *state;

	/* The core's order: the fault stop, then the fault, in one tick. */
	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM));
	struct kiosk_event stop = ev_at(EVENT_SESSION_STOPPED, 0, DAY1_8AM + 9000);
	stop.reason = STOP_FAULT;
	stop.elapsed_s = 9;
	struct kiosk_event fault = ev_at(EVENT_FAULT_RAISED, 0, DAY1_8AM + 9000);
	fault.fault = FAULT_LEAK;
	struct kiosk_event both[2] = {stop, fault};
	assert_int_equal(history_record_events(f->h, both, 2), 0);
	/* A later fault with no session belongs to no session. */
	fault.wall_ms += HOUR_MS;
	fault.fault = FAULT_SENSOR;
	record(f->h, fault);

	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].end, HISTORY_END_FAULTED);
	assert_int_equal(c.s[0].fault_count, 1);
	assert_string_equal(c.s[0].faults, "leak");
}

static void test_history_symptom_stop_is_stored_as_a_member_stop_only(void **state)
{
	struct fixture *f = *state;
	char path[256], buf[65536];

	run_session(f->h, 0, DAY1_8AM, 3, EVENT_SESSION_STOPPED, STOP_SYMPTOM);
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.s[0].stop_reason, "member");

	/* Nothing in the files says why the member stopped. */
	history_close(f->h);
	f->h = NULL;
	const char *files[] = {"history.db", "history.db-wal"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->state_dir, files[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		size_t n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		assert_null(memmem(buf, n, "symptom", 7));
		assert_null(memmem(buf, n, "tingl", 5));
	}
	f->h = open_with(f, NULL);
}

static void test_history_usage_counts_sessions_minutes_and_faults_per_station_and_day(void **state)
{
	struct fixture *f = *state;
	struct history_usage_day d[16];

	/* Day 1: station 1 completed 600 s + stopped 300 s; station 2 faulted. */
	run_session(f->h, 0, DAY1_8AM, 2, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	struct kiosk_event end;
	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM + HOUR_MS));
	end = ev_at(EVENT_SESSION_STOPPED, 0, DAY1_8AM + HOUR_MS + 300000);
	end.elapsed_s = 300;
	end.reason = STOP_MEMBER;
	record(f->h, end);
	record(f->h, ev_at(EVENT_SESSION_STARTED, 1, DAY1_8AM + 2 * HOUR_MS));
	struct kiosk_event fault = ev_at(EVENT_FAULT_RAISED, 1, DAY1_8AM + 2 * HOUR_MS + 1000);
	fault.fault = FAULT_SENSOR;
	record(f->h, fault);
	end = ev_at(EVENT_SESSION_STOPPED, 1, DAY1_8AM + 2 * HOUR_MS + 1000);
	end.reason = STOP_FAULT;
	end.elapsed_s = 60;
	record(f->h, end);
	/* Day 2: a fault on station 1 with no session, and one session. */
	fault = ev_at(EVENT_FAULT_RAISED, 0, DAY1_8AM + DAY_MS);
	fault.fault = FAULT_STOP_BUTTON;
	record(f->h, fault);
	record(f->h, ev_at(EVENT_SESSION_STARTED, 1, DAY1_8AM + DAY_MS + HOUR_MS));
	end = ev_at(EVENT_SESSION_COMPLETED, 1, DAY1_8AM + DAY_MS + 2 * HOUR_MS);
	end.elapsed_s = 1200;
	record(f->h, end);

	int n = history_usage(f->h, 0, 0, d, 16);
	assert_int_equal(n, 4);
	assert_string_equal(d[0].day, "2026-11-25");
	assert_int_equal(d[0].station, 1);
	assert_int_equal(d[0].sessions, 2);
	assert_true(d[0].minutes > 5.03 && d[0].minutes < 5.04); /* 302 s */
	assert_int_equal(d[0].completed, 1);
	assert_int_equal(d[0].stopped, 1);
	assert_int_equal(d[0].faulted, 0);
	assert_int_equal(d[1].station, 2);
	assert_int_equal(d[1].faulted, 1);
	assert_int_equal(d[1].faults, 1);
	assert_string_equal(d[2].day, "2026-11-26");
	assert_int_equal(d[2].station, 1);
	assert_int_equal(d[2].sessions, 0);
	assert_int_equal(d[2].faults, 1);
	assert_int_equal(d[3].station, 2);
	assert_int_equal(d[3].completed, 1);
	assert_true(d[3].minutes > 19.99 && d[3].minutes < 20.01);

	/* One station only, from day 2. */
	n = history_usage(f->h, DAY1_8AM + DAY_MS - HOUR_MS, 2, d, 16);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].day, "2026-11-26");
	assert_int_equal(d[0].station, 2);
}

static void test_history_last_cleaned_is_the_newest_cleaning_of_that_station(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(history_last_cleaned(f->h, 1), 0);
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM));
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM + HOUR_MS));
	record(f->h, ev_at(EVENT_CLEANED, 1, DAY1_8AM + 2 * HOUR_MS));
	assert_int_equal(history_last_cleaned(f->h, 1), (int64_t)(DAY1_8AM + HOUR_MS));
	assert_int_equal(history_last_cleaned(f->h, 2), (int64_t)(DAY1_8AM + 2 * HOUR_MS));
	assert_int_equal(history_last_cleaned(f->h, 3), 0);
}

static void test_history_reopen_closes_an_open_session_as_interrupted(void **state)
{
	struct fixture *f = *state;

	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM));
	for (unsigned int s = 0; s <= 12; s++)
		running_snapshot(f->h, 0, 30.0, DAY1_8AM + s * 1000ull);
	/* The kiosk dies: the handle is dropped without an end event. */
	history_close(f->h);
	f->h = open_with(f, NULL);

	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].end, HISTORY_END_INTERRUPTED);
	assert_int_equal(c.s[0].delivered_s, 10); /* up to the last plot point */
	assert_int_equal(c.s[0].ended_ms, DAY1_8AM + 10000u);
	assert_true(c.s[0].peak_mmhg[0] > 29.9);
}

static void test_history_retention_by_age_deletes_old_sessions_and_events(void **state)
{
	struct fixture *f = *state;
	struct history_pruned p;
	struct history_limits lim = {.keep_days = 30, .max_kib = 65536, .sample_s = 5};

	history_close(f->h);
	f->h = open_with(f, &lim);
	run_session(f->h, 0, DAY1_8AM, 10, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM + 20000));
	run_session(f->h, 0, DAY1_8AM + 20 * DAY_MS, 10, EVENT_SESSION_COMPLETED, STOP_COMPLETED);

	assert_int_equal(history_enforce_retention(f->h, DAY1_8AM + 40 * DAY_MS, &p), 0);
	assert_int_equal(p.sessions, 1);
	assert_int_equal(p.events, 1);
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].started_ms, DAY1_8AM + 20 * DAY_MS);
	assert_int_equal(history_last_cleaned(f->h, 1), 0);
	struct history_sample pts[8];
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 8), 2);
}

static void test_history_retention_by_size_drops_series_first_then_oldest_sessions(void **state)
{
	struct fixture *f = *state;
	struct history_pruned p;
	struct history_limits lim = {.keep_days = 3650, .max_kib = 65536, .sample_s = 1};

	history_close(f->h);
	f->h = open_with(f, &lim);
	/* 40 sessions of 10 minutes with a point a second (deflated, as the
	 * rows are, a few hundred KB); then a limit of half of that. */
	for (unsigned int i = 0; i < 40; i++)
		run_session(f->h, i % 4, DAY1_8AM + i * HOUR_MS, 600, EVENT_SESSION_COMPLETED,
		            STOP_COMPLETED);
	int64_t full = history_used_bytes(f->h);
	assert_true(full > 64 * 1024);
	history_close(f->h);
	lim.max_kib = (unsigned int)(full / 2 / 1024);
	f->h = open_with(f, &lim);

	assert_int_equal(history_enforce_retention(f->h, DAY1_8AM + 41 * HOUR_MS, &p), 0);
	assert_true(history_used_bytes(f->h) <= (int64_t)lim.max_kib * 1024);
	assert_true(p.series > 0);
	/* Summaries are cheap: every one is still there, the newest keep their plot. */
	assert_int_equal(p.sessions, 0);
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 32); /* collect keeps 32: there are 40 */
	struct history_usage_day d[8];
	assert_int_equal(history_usage(f->h, 0, 1, d, 8), 2);
	assert_int_equal(d[0].sessions + d[1].sessions, 10);
	struct history_query newest = {.limit = 1, .newest_first = true};
	struct collect last = {0};
	assert_int_equal(history_sessions(f->h, &newest, collect_one, &last), 0);
	assert_true(last.s[0].samples > 0);
	assert_int_equal(c.s[0].samples, 0);

	/* A limit below what even the summaries need: every closed session
	 * goes, and the call still succeeds. */
	history_close(f->h);
	lim.max_kib = 1;
	f->h = open_with(f, &lim);
	assert_int_equal(history_enforce_retention(f->h, DAY1_8AM + 41 * HOUR_MS, &p), 0);
	assert_int_equal(p.sessions, 40);
	assert_int_equal(all_sessions(f->h).n, 0);
}

static void test_history_report_csv_has_one_row_per_session_since_the_date(void **state)
{
	struct fixture *f = *state;
	char line[512];
	FILE *out;
	char *text = NULL;
	size_t len = 0;

	run_session(f->h, 0, DAY1_8AM, 4, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 2, DAY1_8AM + DAY_MS, 95, EVENT_SESSION_STOPPED, STOP_MEMBER);
	uint64_t since;
	assert_int_equal(history_report_parse_date("2026-11-26", &since), 0);
	assert_int_equal(since, DAY1_8AM + DAY_MS - 8 * HOUR_MS);
	assert_int_equal(history_report_parse_date("2026-02-31", &since), -EINVAL);
	assert_int_equal(history_report_parse_date("yesterday", &since), -EINVAL);

	out = open_memstream(&text, &len);
	assert_int_equal(history_report_write(f->h, "city-gym", since, HISTORY_REPORT_CSV, out), 0);
	fclose(out);
	snprintf(line, sizeof(line),
	         "%s\n2,3,standard,2026-11-26T08:00:00Z,2026-11-26T08:01:35Z,20.0,1.6,stopped,"
	         "member,3,50.0;51.0;52.0,44.9;45.9;46.9,0,\n",
	         HISTORY_REPORT_CSV_HEADER);
	assert_string_equal(text, line);
	free(text);
}

static void test_history_report_json_has_sessions_usage_and_last_cleaned(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	run_session(f->h, 0, DAY1_8AM, 4, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM + 60000));
	out = open_memstream(&text, &len);
	assert_int_equal(history_report_write(f->h, "city-gym", 0, HISTORY_REPORT_JSON, out), 0);
	fclose(out);

	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	assert_string_equal(cJSON_GetObjectItem(root, "site")->valuestring, "city-gym");
	cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "sessions"), 0);
	assert_non_null(s);
	assert_int_equal(cJSON_GetObjectItem(s, "station")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(s, "end")->valuestring, "completed");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "peak_mmhg")), 3);
	cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "usage"), 0);
	assert_int_equal(cJSON_GetObjectItem(u, "completed")->valueint, 1);
	cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "last_cleaned"), 0);
	assert_string_equal(cJSON_GetObjectItem(c, "at")->valuestring, "2026-11-25T08:01:00Z");
	cJSON_Delete(root);
	free(text);
}

static void test_history_report_run_names_the_fix_for_bad_input(void **state)
{
	struct fixture *f = *state;
	char err[256];
	char missing[200];

	assert_int_equal(
	    history_report_run(f->state_dir, "x", "2026-13-01", NULL, stdout, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "YYYY-MM-DD"));
	assert_int_equal(
	    history_report_run(f->state_dir, "x", NULL, "xml", stdout, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "csv or json"));
	snprintf(missing, sizeof(missing), "%s/nowhere", f->dir);
	assert_int_equal(history_report_run(missing, "x", NULL, NULL, stdout, err, sizeof(err)),
	                 -ENOENT);
	assert_non_null(strstr(err, "state_dir"));
}

static int count_pending(void *ctx, const struct history_session *s)
{
	struct collect *c = ctx;

	return collect_one(c, s);
}

static int count_n(void *ctx, const struct history_session *s)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

static struct collect pending(struct history *h, uint64_t since_ms)
{
	struct collect c = {0};

	assert_int_equal(history_summaries_pending(h, since_ms, 16, count_pending, &c), 0);
	return c;
}

static void test_history_summaries_wait_until_published_even_across_a_reopen(void **state)
{
	struct fixture *f = *state;

	run_session(f->h, 0, DAY1_8AM, 3, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 1, DAY1_8AM + HOUR_MS, 3, EVENT_SESSION_STOPPED, STOP_STAFF);
	record(f->h, ev_at(EVENT_SESSION_STARTED, 2, DAY1_8AM + 2 * HOUR_MS)); /* still open */

	struct collect c = pending(f->h, 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.s[0].station, 1); /* oldest first */
	assert_int_equal(c.s[1].end, HISTORY_END_STOPPED);
	assert_int_equal(history_summary_published(f->h, c.s[0].id), 0);
	int64_t second = c.s[1].id;

	history_close(f->h);
	f->h = open_with(f, NULL);
	/* The open session was closed "interrupted" at the reopen: its summary
	 * is due as well. */
	c = pending(f->h, 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.s[0].id, second);
	assert_int_equal(c.s[1].end, HISTORY_END_INTERRUPTED);
}

static void test_history_summaries_ended_before_since_or_long_ago_are_left_out(void **state)
{
	struct fixture *f = *state;
	struct kiosk_event ev[2];
	int n = 0;

	run_session(f->h, 0, DAY1_8AM, 3, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 0, DAY1_8AM + DAY_MS, 3, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	struct collect c = pending(f->h, DAY1_8AM + HOUR_MS);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].started_ms, DAY1_8AM + DAY_MS);
	/* Only the newest 4096 sessions are looked at. */
	for (unsigned int i = 0; i < 4096; i++) {
		ev[0] = ev_at(EVENT_SESSION_STARTED, 1, DAY1_8AM + 2 * DAY_MS + i * 1000ull);
		ev[1] =
		    ev_at(EVENT_SESSION_COMPLETED, 1, DAY1_8AM + 2 * DAY_MS + i * 1000ull + 500);
		assert_int_equal(history_record_events(f->h, ev, 2), 0);
	}
	assert_int_equal(history_summaries_pending(f->h, 0, 0, count_n, &n), 0);
	assert_int_equal(n, 4096);
}

static void test_history_made_before_summaries_counts_its_sessions_published(void **state)
{
	struct fixture *f = *state;
	char path[256];
	sqlite3 *db;

	run_session(f->h, 0, DAY1_8AM, 3, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	history_close(f->h);
	/* The schema as it was before summaries were published. */
	snprintf(path, sizeof(path), "%s/history.db", f->state_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "ALTER TABLE sessions DROP COLUMN published;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	f->h = open_with(f, NULL);
	assert_int_equal(pending(f->h, 0).n, 0);
	run_session(f->h, 0, DAY1_8AM + HOUR_MS, 3, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	assert_int_equal(pending(f->h, 0).n, 1);
	assert_int_equal(all_sessions(f->h).n, 2);
}

static cJSON *period(cJSON *o, const char *key, const char *field)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(o, key), field);
}

static void test_history_usage_summary_counts_today_and_the_last_7_days(void **state)
{
	struct fixture *f = *state;
	cJSON *o = cJSON_CreateObject();

	run_session(f->h, 0, DAY1_8AM - 8 * DAY_MS, 60, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 0, DAY1_8AM, 120, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 0, DAY1_8AM + 3 * DAY_MS, 90, EVENT_SESSION_STOPPED, STOP_STAFF);
	run_session(f->h, 1, DAY1_8AM + 3 * DAY_MS, 30, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	struct kiosk_event fault = ev_at(EVENT_FAULT_RAISED, 0, DAY1_8AM + 3 * DAY_MS + HOUR_MS);
	fault.fault = FAULT_LEAK;
	record(f->h, fault);
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM + 3 * DAY_MS + 2 * HOUR_MS));

	assert_int_equal(
	    history_report_usage_summary(f->h, 1, DAY1_8AM + 3 * DAY_MS + 3 * HOUR_MS, o), 0);
	assert_int_equal(cJSON_GetObjectItem(o, "station")->valueint, 1);
	assert_string_equal(period(o, "today", "from")->valuestring, "2026-11-28");
	assert_int_equal(period(o, "today", "sessions")->valueint, 1);
	assert_true(period(o, "today", "minutes")->valuedouble == 1.5);
	assert_int_equal(period(o, "today", "stopped")->valueint, 1);
	assert_int_equal(period(o, "today", "faults")->valueint, 1);
	assert_string_equal(period(o, "last_7_days", "from")->valuestring, "2026-11-22");
	assert_string_equal(period(o, "last_7_days", "to")->valuestring, "2026-11-28");
	assert_int_equal(period(o, "last_7_days", "sessions")->valueint, 2); /* not 8 days ago */
	assert_true(period(o, "last_7_days", "minutes")->valuedouble == 3.5);
	assert_int_equal(period(o, "last_7_days", "completed")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(o, "last_cleaned")->valuestring,
	                    "2026-11-28T10:00:00Z");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	assert_int_equal(history_report_usage_summary(f->h, 3, DAY1_8AM, o), 0);
	assert_int_equal(period(o, "last_7_days", "sessions")->valueint, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "last_cleaned")));
	cJSON_Delete(o);
}

static void test_history_report_json_bounds_keep_one_station_newest_first(void **state)
{
	struct fixture *f = *state;
	cJSON *root = cJSON_CreateObject();
	struct history_report_bounds b = {
	    .since_ms = DAY1_8AM, .station = 1, .sessions_max = 2, .newest_first = true};

	for (unsigned int i = 0; i < 4; i++)
		run_session(f->h, i % 2, DAY1_8AM + i * HOUR_MS, 3, EVENT_SESSION_COMPLETED,
		            STOP_COMPLETED);
	record(f->h, ev_at(EVENT_CLEANED, 0, DAY1_8AM + 5 * HOUR_MS));
	record(f->h, ev_at(EVENT_CLEANED, 1, DAY1_8AM + 5 * HOUR_MS));

	assert_int_equal(history_report_add_json(f->h, root, &b), 0);
	cJSON *sessions = cJSON_GetObjectItem(root, "sessions");
	assert_int_equal(cJSON_GetArraySize(sessions), 2);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sessions, 0), "session")->valueint,
	                 3);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sessions, 1), "session")->valueint,
	                 1);
	cJSON *usage = cJSON_GetObjectItem(root, "usage");
	assert_int_equal(cJSON_GetArraySize(usage), 1);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(usage, 0), "sessions")->valueint,
	                 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "station_events")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "last_cleaned")), 1);
	cJSON_Delete(root);
}

static int64_t scalar(struct fixture *f, const char *sql)
{
	char path[192];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	snprintf(path, sizeof(path), "%s/history.db", f->state_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* An SD card pays per page a commit touches: a long session's points go to
 * disk a batch per row, and every one of them reads back in order, with
 * its tenths, a negative reading too. */
static void test_history_long_session_keeps_every_point_in_few_rows(void **state)
{
	struct fixture *f = *state;
	const unsigned int secs = 2000; /* 400 points at sample_s 5 */

	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM));
	for (unsigned int t = 0; t < secs; t++)
		running_snapshot(f->h, 0,
		                 t == 400 ? -1.25
		                 : t % 2  ? 50.04
		                          : 40.0,
		                 DAY1_8AM + t * 1000ull);
	struct kiosk_event end = ev_at(EVENT_SESSION_COMPLETED, 0, DAY1_8AM + secs * 1000ull);
	end.elapsed_s = secs;
	end.reason = STOP_COMPLETED;
	record(f->h, end);

	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].samples, 400);
	/* 180 points a row: 3 rows, not 400. */
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM samples"), 3);
	static struct history_sample pts[450];
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 450), 400);
	for (unsigned int i = 0; i < 400; i++) {
		double base = i * 5 == 400 ? -1.25 : (i * 5) % 2 ? 50.04 : 40.0;
		assert_int_equal(pts[i].t_s, i * 5);
		for (unsigned int z = 0; z < 3; z++)
			assert_true(fabs(pts[i].zone_mmhg[z] - (base + z)) < 0.051);
	}
	/* Fewer asked for than there are: the first ones, exactly as many. */
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 7), 7);
	assert_int_equal(pts[6].t_s, 30);
}

/* A history written before the packed rows (one point a row, as text)
 * reads the same, beside packed rows of the same session. */
static void test_history_reads_points_stored_one_per_row_as_text(void **state)
{
	struct fixture *f = *state;

	run_session(f->h, 0, DAY1_8AM, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	char sql[200];
	snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO samples (session_id, t_s, zones) VALUES (%lld, 100, '60.5,61.0,62.5'),"
	    " (%lld, 105, '-0.4,0.0,1.2') RETURNING 0",
	    (long long)c.s[0].id, (long long)c.s[0].id);
	assert_int_equal(scalar(f, sql), 0);
	struct history_sample pts[16];
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 16), 6);
	assert_int_equal(pts[3].t_s, 15);
	assert_int_equal(pts[4].t_s, 100);
	assert_true(fabs(pts[4].zone_mmhg[2] - 62.5) < 1e-9);
	assert_int_equal(pts[5].t_s, 105);
	assert_true(fabs(pts[5].zone_mmhg[0] + 0.4) < 1e-9);
}

/* Runs a script of statements on the history file, beside the kiosk's
 * connection or without it. */
static void exec_on_file(struct fixture *f, const char *sql)
{
	char path[192];
	sqlite3 *db = NULL;
	char *msg = NULL;

	snprintf(path, sizeof(path), "%s/history.db", f->state_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* A history from before the rowid table kept its plot rows WITHOUT ROWID
 * (an overflow page a row): a reopen moves them over, and every point,
 * text, plain and deflated, reads the same; a flush at the same time
 * replaces its row, as before. */
static void test_history_reopen_moves_plot_rows_kept_without_rowid(void **state)
{
	struct fixture *f = *state;

	run_session(f->h, 0, DAY1_8AM, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 1);
	history_close(f->h);
	f->h = NULL;
	char sql[1024];
	/* Rebuilt the old way: the points this history wrote (deflated), one
	 * plain packed row (format 1: 45 s and 50 s, zones 40.0/41.0/42.0 then
	 * 50.0/51.0/52.0) and a text row. */
	snprintf(sql, sizeof(sql),
	         "BEGIN; DROP INDEX samples_session;"
	         " CREATE TABLE old (session_id INTEGER NOT NULL, t_s INTEGER NOT NULL,"
	         " zones TEXT NOT NULL, PRIMARY KEY (session_id, t_s)) WITHOUT ROWID;"
	         " INSERT INTO old SELECT session_id, t_s, zones FROM samples;"
	         " INSERT INTO old VALUES (%lld, 50, X'0103050090019A01A4010000F401FE010802'),"
	         " (%lld, 60, '60.5,61.0,62.5');"
	         " DROP TABLE samples; ALTER TABLE old RENAME TO samples; COMMIT;",
	         (long long)c.s[0].id, (long long)c.s[0].id);
	exec_on_file(f, sql);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'samples'"
	                           " AND sql LIKE '%WITHOUT ROWID%'"),
	                 1);

	f->h = open_with(f, NULL);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'samples'"
	                           " AND sql LIKE '%WITHOUT ROWID%'"),
	                 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
	                           " AND name = 'samples_session'"),
	                 1);
	struct history_sample pts[16];
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 16), 7);
	assert_int_equal(pts[3].t_s, 15);
	assert_true(fabs(pts[3].zone_mmhg[2] - 52.0) < 1e-9);
	assert_int_equal(pts[4].t_s, 45);
	assert_true(fabs(pts[4].zone_mmhg[1] - 41.0) < 1e-9);
	assert_int_equal(pts[5].t_s, 50);
	assert_true(fabs(pts[5].zone_mmhg[2] - 52.0) < 1e-9);
	assert_int_equal(pts[6].t_s, 60);
	assert_true(fabs(pts[6].zone_mmhg[0] - 60.5) < 1e-9);
	/* The unique index still makes a row at the same time a replacement. */
	snprintf(sql, sizeof(sql),
	         "INSERT OR REPLACE INTO samples (session_id, t_s, zones)"
	         " VALUES (%lld, 60, '70.0,71.0,72.0')",
	         (long long)c.s[0].id);
	exec_on_file(f, sql);
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 16), 7);
	assert_true(fabs(pts[6].zone_mmhg[0] - 70.0) < 1e-9);
}

/* A history made with 1 KB pages (before 512-byte ones) is rebuilt with
 * 512-byte pages when the kiosk opens it, keeping every row and WAL mode;
 * while another process holds it open, it opens as it is and the next
 * start rebuilds it. */
static void test_history_reopen_rebuilds_larger_pages_as_512_bytes(void **state)
{
	struct fixture *f = *state;

	run_session(f->h, 0, DAY1_8AM, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	run_session(f->h, 1, DAY1_8AM + HOUR_MS, 20, EVENT_SESSION_STOPPED, STOP_STAFF);
	assert_int_equal(scalar(f, "PRAGMA page_size"), 512);
	history_close(f->h);
	f->h = NULL;
	exec_on_file(f, "PRAGMA journal_mode=DELETE; PRAGMA page_size=1024; VACUUM;"
	                " PRAGMA journal_mode=WAL;");
	assert_int_equal(scalar(f, "PRAGMA page_size"), 1024);

	/* Another reader keeps it from leaving WAL mode: opened as it is. */
	char path[192];
	sqlite3 *reader = NULL;
	sqlite3_stmt *st = NULL;
	snprintf(path, sizeof(path), "%s/history.db", f->state_dir);
	assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(reader, "SELECT id FROM sessions", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW); /* a read transaction stays open */
	f->h = open_with(f, NULL);
	assert_int_equal(all_sessions(f->h).n, 2);
	sqlite3_finalize(st);
	sqlite3_close(reader);
	assert_int_equal(scalar(f, "PRAGMA page_size"), 1024);
	history_close(f->h);

	f->h = open_with(f, NULL);
	assert_int_equal(scalar(f, "PRAGMA page_size"), 512);
	char mode[16] = "";
	assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(reader, "PRAGMA journal_mode", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(reader);
	assert_string_equal(mode, "wal");
	struct collect c = all_sessions(f->h);
	assert_int_equal(c.n, 2);
	struct history_sample pts[8];
	assert_int_equal(history_session_samples(f->h, c.s[0].id, pts, 8), 4);
	/* And it goes on recording. */
	run_session(f->h, 2, DAY1_8AM + 2 * HOUR_MS, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 3);
}

/* An SD card pays per commit: while a session runs, a start or a cleaning
 * waits for the next commit (already visible to every read through the
 * kiosk's own handle), which a session's end makes at once and time makes
 * at the latest after the plot points' window; with nothing running
 * nothing waits. */
static void test_history_start_and_cleaning_wait_for_the_next_commit(void **state)
{
	struct fixture *f = *state;
	/* HISTORY_TXN_WINDOW_MS, 5 minutes: shorter than a flush's 180 plot
	 * points at the default sample_s, so time, not a flush, commits here. */
	const uint64_t window_ms = 5u * 60u * 1000u;

	/* Nothing running: the cleaning is on disk at once. */
	record(f->h, ev_at(EVENT_CLEANED, 2, DAY1_8AM - 60000));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM station_events"), 1);

	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM));
	running_snapshot(f->h, 0, 40.0, DAY1_8AM + 1000);
	record(f->h, ev_at(EVENT_CLEANED, 1, DAY1_8AM + 2000));
	assert_int_equal(all_sessions(f->h).n, 1);
	assert_int_equal(history_last_cleaned(f->h, 2), DAY1_8AM + 2000);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM station_events"), 1);

	/* Just short of the window: still waiting; at it: on disk (the
	 * recorder asks every round). */
	running_snapshot(f->h, 0, 40.0, DAY1_8AM + window_ms - 1000);
	assert_int_equal(history_commit_due(f->h, DAY1_8AM + window_ms - 1000), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 0);
	running_snapshot(f->h, 0, 40.0, DAY1_8AM + window_ms);
	assert_int_equal(history_commit_due(f->h, DAY1_8AM + window_ms), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM station_events"), 2);

	/* A second start waits; the first session's end takes it along. */
	record(f->h, ev_at(EVENT_SESSION_STARTED, 1, DAY1_8AM + window_ms + 1000));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 1);
	struct kiosk_event end = ev_at(EVENT_SESSION_COMPLETED, 0, DAY1_8AM + window_ms + 2000);
	end.elapsed_s = (unsigned int)(window_ms / 1000u) + 2u;
	end.reason = STOP_COMPLETED;
	record(f->h, end);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 2);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions WHERE ended_ms IS NOT NULL"), 1);
}

/* A batch of events that fails is undone alone: the start that waited
 * before it stays, and the batch can be sent again.  When SQLite drops the
 * whole transaction (here a trigger's RAISE(ROLLBACK), as a full disk
 * would), the session whose start lived only in it is forgotten, and its
 * end logs it whole: no row id is used twice, no row is written twice. */
static void test_history_failed_batch_keeps_what_waited_and_a_lost_transaction_no_ids(void **state)
{
	struct fixture *f = *state;
	struct kiosk_event ev;

	exec_on_file(f, "CREATE TRIGGER fail_station_5 BEFORE INSERT ON station_events"
	                " WHEN NEW.station = 5 BEGIN SELECT RAISE(ABORT, 'test'); END;"
	                "CREATE TRIGGER lose_station_6 BEFORE INSERT ON station_events"
	                " WHEN NEW.station = 6 BEGIN SELECT RAISE(ROLLBACK, 'test'); END;");
	record(f->h, ev_at(EVENT_SESSION_STARTED, 0, DAY1_8AM));
	ev = ev_at(EVENT_CLEANED, 4, DAY1_8AM + 1000);
	assert_int_equal(history_record_events(f->h, &ev, 1), -EIO);
	assert_int_equal(all_sessions(f->h).n, 1);
	record(f->h, ev_at(EVENT_CLEANED, 1, DAY1_8AM + 2000));
	struct kiosk_event end = ev_at(EVENT_SESSION_COMPLETED, 0, DAY1_8AM + 60000);
	end.elapsed_s = 60;
	end.reason = STOP_COMPLETED;
	record(f->h, end);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions WHERE ended_ms IS NOT NULL"), 1);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM station_events"), 1);

	/* Station 2's start waits; station 6's cleaning loses the whole
	 * transaction. */
	record(f->h, ev_at(EVENT_SESSION_STARTED, 1, DAY1_8AM + 100000));
	ev = ev_at(EVENT_CLEANED, 5, DAY1_8AM + 101000);
	assert_int_equal(history_record_events(f->h, &ev, 1), -EIO);
	assert_int_equal(all_sessions(f->h).n, 1);
	/* The next session takes the id the lost start had; the lost one's end
	 * logs it whole, under an id of its own. */
	record(f->h, ev_at(EVENT_SESSION_STARTED, 2, DAY1_8AM + 102000));
	end = ev_at(EVENT_SESSION_COMPLETED, 1, DAY1_8AM + 160000);
	end.elapsed_s = 60;
	end.reason = STOP_COMPLETED;
	record(f->h, end);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 3);
	assert_int_equal(scalar(f, "SELECT COUNT(DISTINCT id) FROM sessions"), 3);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions WHERE station = 2 AND"
	                           " ended_ms IS NOT NULL AND delivered_s = 60"),
	                 1);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions WHERE station = 3 AND"
	                           " ended_ms IS NULL"),
	                 1);
}

static void test_history_samples_json_lists_points_in_time_order(void **state)
{
	struct fixture *f = *state;
	cJSON *root = cJSON_CreateObject();

	run_session(f->h, 1, DAY1_8AM, 20, EVENT_SESSION_COMPLETED, STOP_COMPLETED);
	assert_int_equal(history_report_samples_json(f->h, root, "samples", 1, 3), 0);
	cJSON *o = cJSON_GetObjectItem(root, "samples");
	assert_int_equal(cJSON_GetObjectItem(o, "station")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(o, "zones")->valueint, 3);
	cJSON *pts = cJSON_GetObjectItem(o, "points");
	assert_int_equal(cJSON_GetArraySize(pts), 3);
	cJSON *p1 = cJSON_GetArrayItem(pts, 1);
	assert_int_equal(cJSON_GetArraySize(p1), 4);
	assert_int_equal(cJSON_GetArrayItem(p1, 0)->valueint, 5);
	assert_true(cJSON_GetArrayItem(p1, 3)->valuedouble == 52.0);
	assert_int_equal(history_report_samples_json(f->h, root, "other", 99, 3), -ENOENT);
	cJSON_Delete(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_history_completed_session_keeps_times_peak_mean_and_series, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_endings_are_completed_stopped_faulted,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_fault_reported_right_after_its_stop_is_the_sessions_fault, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_symptom_stop_is_stored_as_a_member_stop_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_usage_counts_sessions_minutes_and_faults_per_station_and_day, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_last_cleaned_is_the_newest_cleaning_of_that_station, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_reopen_closes_an_open_session_as_interrupted, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_retention_by_age_deletes_old_sessions_and_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_retention_by_size_drops_series_first_then_oldest_sessions, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_report_csv_has_one_row_per_session_since_the_date, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_report_json_has_sessions_usage_and_last_cleaned, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_report_run_names_the_fix_for_bad_input,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_summaries_wait_until_published_even_across_a_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_summaries_ended_before_since_or_long_ago_are_left_out, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_made_before_summaries_counts_its_sessions_published, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_usage_summary_counts_today_and_the_last_7_days, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_report_json_bounds_keep_one_station_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_samples_json_lists_points_in_time_order,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_long_session_keeps_every_point_in_few_rows,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_reads_points_stored_one_per_row_as_text,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_reopen_moves_plot_rows_kept_without_rowid,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_reopen_rebuilds_larger_pages_as_512_bytes,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_start_and_cleaning_wait_for_the_next_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_failed_batch_keeps_what_waited_and_a_lost_transaction_no_ids, setup,
	        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

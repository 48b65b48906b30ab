/* SPDX-License-Identifier: MIT */
/*
 * bench_soak: hours of continuous sessions on 8 stations of 6 zones, in
 * virtual time, with the kiosk's real pieces: the real controller stepped by
 * controller_step() on a fake clock (the boot physics model follows the same
 * clock), the real event log and history (SQLite on disk) and the MQTT link
 * to a real mosquitto on 127.0.0.1 (bench_kiosk.h, wired as main.c), and a viewer client counting
 * the events the broker delivers.  Every station starts a new session as soon as the last one is
 * vented and cleaned; one session in eight is stopped by its member part-way.  Virtual time runs as
 * fast as the CPU allows (or at
 * --speed times real time); the store and the MQTT link run in real time on
 * their own threads, as in the kiosk.
 *
 * The history takes its plot points as the kiosk's recorder would in real
 * time: the benchmark reads the snapshot into it every
 * HISTORY_RECORDER_READ_MS of virtual time (the recorder's own thread, on
 * the real clock, would see a point a minute at this speed).
 *
 * Printed every --every virtual minutes, from this process's /proc:
 * resident memory, open fds, threads, database and WAL size, and the bytes
 * written per session over the interval: what SQLite handed the file system
 * (counted by a wrapping VFS, sqlite_bytes.c: exact, page by page, the
 * figure the target is judged on), /proc/self/io's write_bytes (what reached
 * the block layer; a page dirtied again before write-back counts once, so in
 * virtual time it reads low) and wchar (every write(2), sockets too).  The
 * summary gives RSS after warm-up against the end, its slope, and bytes per
 * session.
 *
 *   bench_soak [--hours H] [--sessions N] [--every MIN] [--speed X] [--dir DIR]
 *              [--no-history] [--turnaround S]
 *
 * --hours    virtual hours to run (default 48, or no limit with --sessions)
 * --sessions stop after N sessions have ended (a 5-minute smoke run: 300)
 * --every    virtual minutes between lines (default 60)
 * --speed    at most X virtual seconds per real second (default: no limit)
 * --dir      the kiosk's state_dir (default: a folder beside the broker's
 *            in /tmp); put it on the file system being judged
 * --turnaround  virtual seconds from a session's end to the station's
 *            cleaning, and again to the next member's start (default 0:
 *            all at once); a gym's 60-120 s puts each of the three events
 *            into a commit of its own, as in real time
 * --no-history  without the history recorder (and so without history
 *            answers, usage and session summaries over MQTT), to measure
 *            what they cost (tests/bench/bench_history.sh)
 * Targets: flat RSS after warm-up; under 16 KB written per session.
 * Build without sanitizers for meaningful figures.
 */
#include <errno.h>
#include <mosquitto.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_kiosk.h"
#include "bench_support.h"
#include "config/config.h"
#include "core/controller.h"
#include "core/program.h"
#include "core/screening.h"
#include "mqtt_test_support.h"
#include "store/event_log.h"
#include "sqlite_bytes.h"
#include "store/history.h"
#include "store/history_recorder.h"
#include "store/store.h"

/* Without --speed the run goes about 2000-3000 times real time: the event
 * log's delivered delay (5 minutes, on the real clock) is taken as 5
 * minutes of virtual time at 2000x, so the removal of a delivered event
 * waits for a later batch about as long as in a gym, not a week of virtual
 * time. */
#define SOAK_UNLIMITED_SCALE 2000.0
#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define STATIONS 8u
#define ZONES 6u
#define STEPS_PER_S (1000u / CONTROLLER_TICK_MS)
#define MAX_ROWS 4096u
#define EVENTS_BATCH 256u

/* The fake clock: the controller's monotonic and wall clocks both advance
 * with virtual time. */
struct vclock {
	uint64_t now_ms;
	uint64_t wall0_ms;
};

static uint64_t v_now(void *ctx)
{
	return ((const struct vclock *)ctx)->now_ms;
}

static uint64_t v_wall(void *ctx)
{
	const struct vclock *c = ctx;

	return c->wall0_ms + c->now_ms;
}

/* Counts the events the broker delivers (libmosquitto's own thread). */
struct viewer {
	struct mosquitto *m;
	atomic_ulong events;
	atomic_bool subscribed;
};

static void viewer_on_connect(struct mosquitto *m, void *ctx, int rc)
{
	(void)ctx;
	if (rc == 0)
		mosquitto_subscribe(m, NULL, "recovery/#", 1);
}

static void viewer_on_subscribe(struct mosquitto *m, void *ctx, int mid, int n, const int *qos)
{
	struct viewer *v = ctx;

	(void)m;
	(void)mid;
	(void)n;
	(void)qos;
	atomic_store(&v->subscribed, true);
}

static void viewer_on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
	struct viewer *v = ctx;
	size_t len = strlen(msg->topic);

	(void)m;
	if (len > 6 && strcmp(msg->topic + len - 6, "/event") == 0 && !msg->retain)
		atomic_fetch_add(&v->events, 1ul);
}

static int viewer_start(struct viewer *v, unsigned int port)
{
	atomic_init(&v->events, 0ul);
	atomic_init(&v->subscribed, false);
	mosquitto_lib_init();
	v->m = mosquitto_new("bench-soak-viewer", true, v);
	if (v->m == NULL)
		return -ENOMEM;
	mosquitto_username_pw_set(v->m, "viewer", TEST_PW_VIEWER);
	mosquitto_connect_callback_set(v->m, viewer_on_connect);
	mosquitto_subscribe_callback_set(v->m, viewer_on_subscribe);
	mosquitto_message_callback_set(v->m, viewer_on_message);
	if (mosquitto_connect(v->m, "127.0.0.1", (int)port, 30) != MOSQ_ERR_SUCCESS ||
	    mosquitto_loop_start(v->m) != MOSQ_ERR_SUCCESS)
		return -EIO;
	for (int i = 0; i < 500 && !atomic_load(&v->subscribed); i++)
		usleep(10000);
	return atomic_load(&v->subscribed) ? 0 : -ETIMEDOUT;
}

static void viewer_stop(struct viewer *v)
{
	if (v->m == NULL)
		return;
	mosquitto_disconnect(v->m);
	mosquitto_loop_stop(v->m, false);
	mosquitto_destroy(v->m);
	v->m = NULL;
	mosquitto_lib_cleanup();
}

/* One line of the table. */
struct row {
	double vhours;
	double real_s;
	unsigned long sessions;
	long rss_kb, fds, threads;
	long long db_kb, wal_kb, hist_kb, hist_wal_kb;
	uint64_t write_bytes, wchar;
	struct sqlite_bytes sq;
	unsigned long stored, delivered;
};

struct soak {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct bench_hw hw;
	struct vclock clock;
	struct controller *ctl;
	struct bench_kiosk kiosk;
	struct station_service restore[KIOSK_MAX_STATIONS];
	struct test_broker broker;
	bool broker_up;
	struct viewer viewer;
	uint64_t cursor;
	unsigned long sessions, stopped, faults, stored, lost;
	unsigned int program[STATIONS];
	uint64_t stop_at_ms[STATIONS]; /* a member stop due, 0 = none */
	uint64_t turnaround_ms;
	uint64_t next_at_ms[STATIONS]; /* its cleaning or next start due, 0 = not yet set */
	unsigned int seed;
	bool history;
	double time_scale; /* virtual seconds per real second, for the event log's delay */
	char db[512], wal[520], hist[512], hist_wal[520];
	struct row rows[MAX_ROWS];
	size_t nrows;
};

static void submit(struct soak *s, enum command_action a, unsigned int station,
                   unsigned int question, bool yes, unsigned int program)
{
	struct command c;

	memset(&c, 0, sizeof(c));
	c.action = a;
	c.source = SOURCE_UI;
	c.station = station;
	c.question = question;
	c.yes = yes;
	c.program_index = program;
	(void)controller_submit(s->ctl, &c);
}

static void start_session(struct soak *s, unsigned int i, enum station_state st)
{
	unsigned int p = s->program[i] = (s->program[i] + 1u) % (unsigned int)s->programs.count;

	if (st == STATION_NEEDS_CLEANING)
		submit(s, CMD_CLEANED, i, 0, false, 0);
	submit(s, CMD_SELECT_PROGRAM, i, 0, false, p);
	submit(s, CMD_BEGIN_SCREENING, i, 0, false, 0);
	for (unsigned int q = 0; q < s->screening.count; q++)
		submit(s, CMD_ANSWER, i, q, s->screening.items[q].cls == SCREENING_ACKNOWLEDGE, 0);
	submit(s, CMD_START, i, 0, false, 0);
	/* One member in eight stops part-way, 1-15 minutes in. */
	s->stop_at_ms[i] = 0;
	if (rand_r(&s->seed) % 8 == 0)
		s->stop_at_ms[i] =
		    s->clock.now_ms + 60000u + (uint64_t)(rand_r(&s->seed) % 840) * 1000u;
}

/* Once a virtual second: count what ended, restart what is free. */
static void tend(struct soak *s)
{
	struct kiosk_event ev[EVENTS_BATCH];
	const struct kiosk_snapshot *snap;
	uint64_t lost = 0;
	size_t n;

	do {
		n = controller_events_read(s->ctl, &s->cursor, ev, EVENTS_BATCH, &lost);
		s->lost += lost;
		for (size_t k = 0; k < n; k++) {
			if (ev[k].kind != EVENT_COMMAND_RESULT)
				s->stored++;
			if (ev[k].kind == EVENT_SESSION_COMPLETED ||
			    ev[k].kind == EVENT_SESSION_STOPPED)
				s->sessions++;
			if (ev[k].kind == EVENT_SESSION_STOPPED)
				s->stopped++;
		}
	} while (n == EVENTS_BATCH);

	snap = controller_snapshot_acquire(s->ctl);
	for (unsigned int i = 0; i < STATIONS; i++) {
		enum station_state st = snap->stations[i].state;

		if (st == STATION_IDLE || st == STATION_NEEDS_CLEANING) {
			if (!s->turnaround_ms) {
				start_session(s, i, st);
			} else if (s->next_at_ms[i] == 0) {
				s->next_at_ms[i] = s->clock.now_ms + s->turnaround_ms;
			} else if (s->clock.now_ms >= s->next_at_ms[i]) {
				s->next_at_ms[i] = 0;
				if (st == STATION_NEEDS_CLEANING)
					submit(s, CMD_CLEANED, i, 0, false, 0);
				else
					start_session(s, i, st);
			}
		} else if (st == STATION_FAULT) {
			fprintf(stderr, "bench_soak: station %u faulted (%s); resetting it\n",
			        i + 1, fault_code_name(snap->stations[i].fault));
			s->faults++;
			submit(s, CMD_RESET_FAULT, i, 0, false, 0);
		} else if (st == STATION_RUNNING && s->stop_at_ms[i] != 0 &&
		           s->clock.now_ms >= s->stop_at_ms[i]) {
			submit(s, CMD_STOP, i, 0, false, 0);
			s->stop_at_ms[i] = 0;
		}
	}
	controller_snapshot_release(s->ctl, snap);
}

static long long file_kb(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size / 1024 : 0;
}

static void take_row(struct soak *s, struct row *r, uint64_t real0_ns)
{
	memset(r, 0, sizeof(*r));
	r->vhours = (double)s->clock.now_ms / 3.6e6;
	r->real_s = (double)(bench_now_ns() - real0_ns) / 1e9;
	r->sessions = s->sessions;
	r->rss_kb = bench_proc_rss_kb(0);
	r->fds = bench_proc_fds(0);
	r->threads = bench_proc_threads(0);
	r->db_kb = file_kb(s->db);
	r->wal_kb = file_kb(s->wal);
	r->hist_kb = file_kb(s->hist);
	r->hist_wal_kb = file_kb(s->hist_wal);
	bench_proc_io(0, &r->write_bytes, &r->wchar);
	sqlite_bytes_read(&r->sq);
	r->stored = s->stored;
	r->delivered = atomic_load(&s->viewer.events);
}

static uint64_t sq_total(const struct sqlite_bytes *b)
{
	return b->db + b->wal + b->journal;
}

static void print_row(const struct row *r, const struct row *prev)
{
	unsigned long ds = prev ? r->sessions - prev->sessions : 0;
	double sps =
	    ds ? (double)(sq_total(&r->sq) - sq_total(&prev->sq)) / (double)ds / 1024.0 : 0;
	double wps = ds ? (double)(r->write_bytes - prev->write_bytes) / (double)ds / 1024.0 : 0;
	double cps = ds ? (double)(r->wchar - prev->wchar) / (double)ds / 1024.0 : 0;

	printf("%7.2f %8.1f %8lu %8ld %5ld %5ld %8lld %8lld %8lld %8lld %10.1f %11.1f %10.1f "
	       "%13.1f %8lu/%-8lu\n",
	       r->vhours, r->real_s, r->sessions, r->rss_kb, r->fds, r->threads, r->db_kb,
	       r->wal_kb, r->hist_kb, r->hist_wal_kb, (double)r->write_bytes / 1048576.0, sps, wps,
	       cps, r->delivered, r->stored);
	fflush(stdout);
}

/* Least-squares slope of RSS (KB) against sessions over rows [from, n). */
static double rss_slope(const struct row *rows, size_t from, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = (double)(n - from);

	if (n - from < 2)
		return 0.0;
	for (size_t i = from; i < n; i++) {
		double x = (double)rows[i].sessions, y = (double)rows[i].rss_kb;

		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	if (k * sxx - sx * sx == 0.0)
		return 0.0;
	return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void summary(struct soak *s)
{
	const struct row *r = s->rows;
	size_t n = s->nrows, warm = n / 5 > 0 ? n / 5 : 1, k = 0;
	double per[MAX_ROWS], mean, p50, p99, maxv;
	long rss_max = 0, fd_min = r[0].fds, fd_max = 0, th_min = r[0].threads, th_max = 0;
	long long wal_max = 0, db_max = 0, hist_max = 0, hist_wal_max = 0;

	if (n < 3) {
		printf("too short for a summary: run more virtual hours or sessions\n");
		return;
	}
	for (size_t i = 1; i < n; i++) {
		unsigned long ds = r[i].sessions - r[i - 1].sessions;

		/* An interval of a session or two (the last) says little. */
		if (i > warm && ds >= 4)
			per[k++] = (double)(r[i].write_bytes - r[i - 1].write_bytes) / (double)ds;
	}
	for (size_t i = 0; i < n; i++) {
		rss_max = r[i].rss_kb > rss_max ? r[i].rss_kb : rss_max;
		fd_min = r[i].fds < fd_min ? r[i].fds : fd_min;
		fd_max = r[i].fds > fd_max ? r[i].fds : fd_max;
		th_min = r[i].threads < th_min ? r[i].threads : th_min;
		th_max = r[i].threads > th_max ? r[i].threads : th_max;
		wal_max = r[i].wal_kb > wal_max ? r[i].wal_kb : wal_max;
		db_max = r[i].db_kb > db_max ? r[i].db_kb : db_max;
		hist_max = r[i].hist_kb > hist_max ? r[i].hist_kb : hist_max;
		hist_wal_max = r[i].hist_wal_kb > hist_wal_max ? r[i].hist_wal_kb : hist_wal_max;
	}
	mean = r[n - 1].sessions > r[warm].sessions
	           ? (double)(r[n - 1].write_bytes - r[warm].write_bytes) /
	                 (double)(r[n - 1].sessions - r[warm].sessions)
	           : 0.0;
	bench_sort(per, k);
	p50 = bench_percentile(per, k, 0.5);
	p99 = bench_percentile(per, k, 0.99);
	maxv = k ? per[k - 1] : 0.0;

	printf("\nsummary over %.1f virtual hours (%.0f s real, %.0fx), %lu sessions "
	       "(%lu stopped by the member), %lu faults\n",
	       r[n - 1].vhours, r[n - 1].real_s,
	       r[n - 1].real_s > 0 ? r[n - 1].vhours * 3600.0 / r[n - 1].real_s : 0.0, s->sessions,
	       s->stopped, s->faults);
	printf("RSS: %ld KB after warm-up (%.1f h, %lu sessions), %ld KB at the end, max %ld KB; "
	       "end/warm-up %.3f; slope %.2f KB per 100 sessions after warm-up, %.2f over the "
	       "last half\n",
	       r[warm].rss_kb, r[warm].vhours, r[warm].sessions, r[n - 1].rss_kb, rss_max,
	       r[warm].rss_kb > 0 ? (double)r[n - 1].rss_kb / (double)r[warm].rss_kb : 0.0,
	       100.0 * rss_slope(r, warm, n), 100.0 * rss_slope(r, n / 2, n));
	{
		const struct row *a = &r[warm], *b = &r[n - 1];
		double ns = b->sessions > a->sessions ? (double)(b->sessions - a->sessions) : 1.0;
		double sq = (double)(sq_total(&b->sq) - sq_total(&a->sq)) / ns;
		printf("written per session after warm-up by SQLite (exact): %.1f KB (database "
		       "files %.1f, WALs %.1f, journals %.1f; %.1f syncs); mean/target(16 KB) %.2f "
		       "%s\n",
		       sq / 1024.0, (double)(b->sq.db - a->sq.db) / ns / 1024.0,
		       (double)(b->sq.wal - a->sq.wal) / ns / 1024.0,
		       (double)(b->sq.journal - a->sq.journal) / ns / 1024.0,
		       (double)(b->sq.syncs - a->sq.syncs) / ns, sq / 1024.0 / 16.0,
		       sq < 16.0 * 1024.0 ? "met" : "MISSED");
		printf("  of which %s and its WAL %.1f KB (%.1f syncs), %s and its WAL %.1f KB\n",
		       HISTORY_DB_NAME, (double)(b->sq.named - a->sq.named) / ns / 1024.0,
		       (double)(b->sq.named_syncs - a->sq.named_syncs) / ns, STORE_DB_NAME,
		       (double)(sq_total(&b->sq) - b->sq.named - sq_total(&a->sq) + a->sq.named) /
		           ns / 1024.0);
	}
	printf("written per session after warm-up (write_bytes, reads low in virtual time): "
	       "mean %.1f KB; per interval p50 %.1f / p99 %.1f / max %.1f KB\n",
	       mean / 1024.0, p50 / 1024.0, p99 / 1024.0, maxv / 1024.0);
	printf("%s max %lld KB, its WAL max %lld KB (end %lld KB); %s max %lld KB, its WAL max "
	       "%lld KB (end %lld KB)\nfds %ld-%ld; threads %ld-%ld\n",
	       STORE_DB_NAME, db_max, wal_max, r[n - 1].wal_kb, HISTORY_DB_NAME, hist_max,
	       hist_wal_max, r[n - 1].hist_wal_kb, fd_min, fd_max, th_min, th_max);
	printf("events: %lu stored by the controller's reader, %lu delivered by the broker to "
	       "a viewer, %lu lost from the controller's ring by this benchmark's reader\n",
	       s->stored, r[n - 1].delivered, s->lost);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	printf("cpu: user %.2f s, system %.2f s over %.0f s real (%.2f%% of one core); "
	       "history %s: kiosk-history thread %.2f s, mqtt-history thread %.2f s; "
	       "max RSS %ld KB\n",
	       user, sys, r[n - 1].real_s,
	       r[n - 1].real_s > 0 ? 100.0 * (user + sys) / r[n - 1].real_s : 0.0,
	       s->history ? "on" : "off", bench_thread_cpu_s("kiosk-history"),
	       bench_thread_cpu_s("mqtt-history"), ru.ru_maxrss);
}

static int parse_args(int argc, char **argv, double *hours, unsigned long *sessions,
                      unsigned int *every, double *speed, const char **dir, bool *history,
                      double *turnaround_s)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		double x = 0;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--no-history") == 0) {
			*history = false;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "bench_soak: '%s' needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--dir") == 0) {
			*dir = v;
			continue;
		}
		x = strtod(v, &end);
		if (end == v || *end != '\0' || x <= 0) {
			fprintf(stderr,
			        "bench_soak: '%s %s': the value must be a positive number\n", a, v);
			return -1;
		}
		if (strcmp(a, "--hours") == 0)
			*hours = x;
		else if (strcmp(a, "--sessions") == 0)
			*sessions = (unsigned long)x;
		else if (strcmp(a, "--every") == 0 && x >= 1)
			*every = (unsigned int)x;
		else if (strcmp(a, "--speed") == 0)
			*speed = x;
		else if (strcmp(a, "--turnaround") == 0)
			*turnaround_s = x;
		else {
			fprintf(stderr, "bench_soak: unknown option %s\n", a);
			return -1;
		}
	}
	return 0;
}

static int build(struct soak *s, const char *dir)
{
	struct controller_params cp;
	char err[512] = "";

	bench_config_stations(&s->cfg, STATIONS, ZONES, false);
	if (test_broker_start(&s->broker, SOURCE_DIR) < 0) {
		fprintf(stderr, "bench_soak: cannot start mosquitto\n");
		return -EIO;
	}
	s->broker_up = true;
	if (bench_config_mqtt(&s->cfg, &s->broker) < 0)
		return -EIO;
	if (dir != NULL)
		snprintf(s->cfg.state_dir, sizeof(s->cfg.state_dir), "%s", dir);
	snprintf(s->db, sizeof(s->db), "%s/%s", s->cfg.state_dir, STORE_DB_NAME);
	snprintf(s->wal, sizeof(s->wal), "%s-wal", s->db);
	snprintf(s->hist, sizeof(s->hist), "%s/%s", s->cfg.state_dir, HISTORY_DB_NAME);
	snprintf(s->hist_wal, sizeof(s->hist_wal), "%s-wal", s->hist);
	if (bench_load_assets(&s->cfg, &s->programs, &s->screening, err, sizeof(err)) < 0 ||
	    bench_hw_build(&s->hw, &s->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_soak: %s\n", err);
		return -EINVAL;
	}
	s->clock.now_ms = 1000;
	s->clock.wall0_ms = (uint64_t)time(NULL) * 1000u;
	if (event_log_load_service(&s->cfg, s->restore, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_soak: %s\n", err);
		return -EIO;
	}
	memset(&cp, 0, sizeof(cp));
	cp.restore = s->restore;
	cp.config = &s->cfg;
	cp.programs = &s->programs;
	cp.screening = &s->screening;
	cp.hw = s->hw.hw;
	cp.clock = (struct controller_clock){.now_ms = v_now, .wall_ms = v_wall, .ctx = &s->clock};
	s->ctl = controller_create(&cp);
	if (s->ctl == NULL) {
		perror("bench_soak: controller_create");
		return -EIO;
	}
	if (bench_kiosk_create_with(&s->kiosk, &s->cfg, s->ctl, v_wall, &s->clock, s->history,
	                            s->time_scale, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_soak: %s\n", err);
		return -EIO;
	}
	if (viewer_start(&s->viewer, s->broker.port) < 0) {
		fprintf(stderr, "bench_soak: the viewer could not subscribe\n");
		return -EIO;
	}
	return bench_kiosk_start(&s->kiosk);
}

static void teardown(struct soak *s)
{
	bench_kiosk_teardown(&s->kiosk, s->ctl);
	s->ctl = NULL;
	viewer_stop(&s->viewer);
	bench_hw_free(&s->hw);
	if (s->broker_up)
		test_broker_cleanup(&s->broker);
}

/* Give the store and the broker up to 10 s to catch up with what was
 * emitted, so the last row counts every session's writes. */
static void drain(struct soak *s)
{
	for (int i = 0; i < 1000 && atomic_load(&s->viewer.events) < s->stored; i++)
		usleep(10000);
}

/* The recorder's snapshot read, at its period in virtual time (its thread
 * reads too, on the real clock; a point closer than sample_s to the last is
 * not kept, so the two never double a point). */
static void sample_history(struct soak *s)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(s->ctl);

	if (!snap)
		return;
	(void)history_record_snapshot(history_recorder_history(s->kiosk.history), snap,
	                              v_wall(&s->clock));
	controller_snapshot_release(s->ctl, snap);
}

/* The plot points the history kept per ended session, against the
 * session's length over sample_s: proof that it sampled in virtual time. */
static void print_points(const struct soak *s)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	if (!s->history || sqlite3_open_v2(s->hist, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT COUNT(*), SUM(samples), SUM(delivered_s) FROM sessions"
	                       " WHERE ended_ms IS NOT NULL",
	                       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
		double n = (double)sqlite3_column_int64(st, 0);
		double points = (double)sqlite3_column_int64(st, 1) / n;
		double expected = (double)sqlite3_column_int64(st, 2) / n /
		                  (double)(s->cfg.history.sample_s ? s->cfg.history.sample_s : 1);
		printf("history: %.0f sessions, %.1f plot points each (%.1f expected from their "
		       "length and sample_s)\n",
		       n, points, expected);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(int argc, char **argv)
{
	static struct soak s;
	double hours = 0.0, speed = 0.0;
	unsigned long max_sessions = 0;
	unsigned int every_min = 60;
	const char *dir = NULL;
	uint64_t real0, end_ms, next_row_ms, step = 0;
	int rc;

	s.history = true;
	double turnaround_s = 0;
	rc = parse_args(argc, argv, &hours, &max_sessions, &every_min, &speed, &dir, &s.history,
	                &turnaround_s);
	s.turnaround_ms = (uint64_t)(turnaround_s * 1000.0);
	s.time_scale = speed > 0 ? speed : SOAK_UNLIMITED_SCALE;
	if (rc != 0) {
		printf("usage: %s [--hours H] [--sessions N] [--every MIN] [--speed X] [--dir DIR] "
		       "[--no-history] [--turnaround S]\n",
		       argv[0]);
		return rc > 0 ? 0 : 2;
	}
	if (hours == 0.0)
		hours = max_sessions ? 1e6 : 48.0;
	signal(SIGPIPE, SIG_IGN);
	s.seed = 15;
	if (sqlite_bytes_install(HISTORY_DB_NAME) < 0) {
		fprintf(stderr, "bench_soak: SQLite refused the counting VFS\n");
		return 1;
	}
	if (build(&s, dir) < 0) {
		teardown(&s);
		return 1;
	}
	printf("bench_soak: %u stations x %u zones, continuous sessions until ", STATIONS, ZONES);
	if (max_sessions)
		printf("%lu sessions, ", max_sessions);
	if (hours < 1e6)
		printf("%.1f virtual h, ", hours);
	printf("a line every %u virtual min; turnaround %.0f s; state_dir %s; load average %.2f\n",
	       every_min, turnaround_s, s.cfg.state_dir, bench_loadavg());
	printf("%7s %8s %8s %8s %5s %5s %8s %8s %8s %8s %10s %11s %10s %13s %17s\n", "virt h",
	       "real s", "sessions", "RSS KB", "fds", "thr", "log KB", "log WAL", "hist KB",
	       "hist WAL", "written MB", "sql KB/sess", "wr KB/sess", "wchar KB/sess",
	       "events deliv/sent");
	real0 = bench_now_ns();
	end_ms = s.clock.now_ms + (uint64_t)(hours * 3.6e6);
	next_row_ms = s.clock.now_ms;
	while (s.clock.now_ms < end_ms && (max_sessions == 0 || s.sessions < max_sessions)) {
		if (s.clock.now_ms >= next_row_ms && s.nrows < MAX_ROWS) {
			take_row(&s, &s.rows[s.nrows], real0);
			print_row(&s.rows[s.nrows], s.nrows ? &s.rows[s.nrows - 1] : NULL);
			s.nrows++;
			next_row_ms += (uint64_t)every_min * 60000u;
		}
		s.clock.now_ms += CONTROLLER_TICK_MS;
		controller_step(s.ctl, s.clock.now_ms);
		if (s.history && step % (HISTORY_RECORDER_READ_MS / CONTROLLER_TICK_MS) == 0)
			sample_history(&s);
		if (++step % STEPS_PER_S == 0) {
			tend(&s);
			if (speed > 0) {
				uint64_t due = real0 + (uint64_t)((double)step * 1e9 /
				                                  (double)STEPS_PER_S / speed);
				struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
				                      .tv_nsec = (long)(due % 1000000000ull)};

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
		}
	}
	tend(&s);
	drain(&s);
	if (s.nrows < MAX_ROWS) {
		take_row(&s, &s.rows[s.nrows], real0);
		print_row(&s.rows[s.nrows], s.nrows ? &s.rows[s.nrows - 1] : NULL);
		s.nrows++;
	}
	summary(&s);
	print_points(&s);
	teardown(&s);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * bench_history_query: what one MQTT history answer and one usage summary
 * cost the kiosk's history thread on a full history.db: a busy club's year
 * (8 stations, 24 sessions a day each, a cleaning after every session, a
 * fault a day) written through history_record_events() as the recorder
 * writes it, then each query mqtt_history.c makes, timed over many runs:
 *   - the dashboard's History view: {"last": 500, "days": 7};
 *   - the largest answer: {"last": 500, "days": 366};
 *   - one session's plot of 60 minutes at one point a second;
 *   - one station's usage summary (today, 7 days, last cleaned), which the
 *     kiosk recomputes after every session start, end, fault and cleaning.
 * Each figure is the JSON built and printed, as the history thread does
 * before it publishes; the size is the payload's.
 *
 *   bench_history_query [--days D] [--per-day N] [--runs R] [--dir DIR]
 *
 * Build without sanitizers for meaningful figures.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_support.h"
#include "mqtt/mqtt_history.h"
#include "mqtt/mqtt_history_query.h"
#include "store/history.h"
#include "store/history_report.h"

#define STATIONS 8u
#define ZONES 6u
#define DAY_MS 86400000ull
#define BATCH 2048u

struct batch {
	struct kiosk_event ev[BATCH];
	size_t n;
};

static int flush(struct history *h, struct batch *b)
{
	int rc = b->n ? history_record_events(h, b->ev, b->n) : 0;

	b->n = 0;
	return rc;
}

static int add(struct history *h, struct batch *b, enum event_kind kind, unsigned int station,
               uint64_t wall_ms, unsigned int elapsed_s)
{
	struct kiosk_event *e = &b->ev[b->n++];

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->station = station;
	e->wall_ms = wall_ms;
	snprintf(e->program_id, sizeof(e->program_id), "standard");
	e->duration_s = 1500;
	e->target_mmhg = 50.0;
	e->elapsed_s = elapsed_s;
	e->reason = kind == EVENT_SESSION_STOPPED ? STOP_MEMBER : STOP_COMPLETED;
	e->fault = FAULT_LEAK;
	return b->n == BATCH ? flush(h, b) : 0;
}

/* The year, oldest day first, ending now; the last session of station 1
 * gets a 60-minute plot at one point a second. */
static int fill(struct history *h, unsigned int days, unsigned int per_day, uint64_t now_ms)
{
	static struct batch b;
	uint64_t day0 = now_ms - (uint64_t)days * DAY_MS;

	for (unsigned int d = 0; d < days; d++) {
		for (unsigned int st = 0; st < STATIONS; st++) {
			for (unsigned int k = 0; k < per_day; k++) {
				uint64_t t = day0 + d * DAY_MS + (uint64_t)k * (DAY_MS / per_day) +
				             st * 60000ull;
				unsigned int secs = 1200u + (k % 5u) * 60u;
				if (add(h, &b, EVENT_SESSION_STARTED, st, t, 0) < 0 ||
				    add(h, &b,
				        k % 8u ? EVENT_SESSION_COMPLETED : EVENT_SESSION_STOPPED,
				        st, t + secs * 1000ull, secs) < 0 ||
				    add(h, &b, EVENT_CLEANED, st, t + secs * 1000ull + 60000ull,
				        0) < 0)
					return -EIO;
			}
			if (add(h, &b, EVENT_FAULT_RAISED, st, day0 + d * DAY_MS + 3600000ull, 0) <
			        0 ||
			    add(h, &b, EVENT_FAULT_RESET, st, day0 + d * DAY_MS + 3660000ull, 0) <
			        0)
				return -EIO;
		}
	}
	if (flush(h, &b) < 0)
		return -EIO;
	/* The plot: one reading a second for an hour, as the recorder samples. */
	uint64_t t = now_ms - 2 * 3600000ull;
	if (add(h, &b, EVENT_SESSION_STARTED, 0, t, 0) < 0 || flush(h, &b) < 0)
		return -EIO;
	struct kiosk_snapshot *snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	snap->station_count = STATIONS;
	snap->stations[0].state = STATION_RUNNING;
	snap->stations[0].zone_count = ZONES;
	for (unsigned int s = 0; s <= 3600; s++) {
		for (unsigned int z = 0; z < ZONES; z++)
			snap->stations[0].zone_mmhg[z] = 30.0 + (double)((s + z * 7u) % 25u);
		if (history_record_snapshot(h, snap, t + s * 1000ull) < 0) {
			free(snap);
			return -EIO;
		}
	}
	free(snap);
	return add(h, &b, EVENT_SESSION_COMPLETED, 0, t + 3600000ull, 3600) < 0 ? -EIO
	                                                                        : flush(h, &b);
}

/* Wall time and this thread's CPU time of each run: on a shared machine
 * the CPU time is the cost, the wall time what a dashboard waits. */
struct timing {
	double ms[1024];
	double cpu_ms[1024];
	size_t n;
	size_t bytes;
	uint64_t wall0, cpu0;
};

static uint64_t cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void begin(struct timing *t)
{
	t->wall0 = bench_now_ns();
	t->cpu0 = cpu_now_ns();
}

static void end(struct timing *t)
{
	t->cpu_ms[t->n] = (double)(cpu_now_ns() - t->cpu0) / 1e6;
	t->ms[t->n++] = (double)(bench_now_ns() - t->wall0) / 1e6;
}

static void report(const char *what, struct timing *t)
{
	struct bench_dist c = bench_dist_of(t->cpu_ms, t->n);
	struct bench_dist w = bench_dist_of(t->ms, t->n);

	printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %zu |\n", what, c.n, c.p50, c.p99, w.p50,
	       w.max, t->bytes);
}

/* As mqtt_history.c answers {"last": last, "days": days}. */
static int answer(struct history *h, unsigned int last, unsigned int days, uint64_t now_ms,
                  size_t *bytes)
{
	cJSON *root = cJSON_CreateObject();
	struct history_report_bounds b = {
	    .since_ms = history_report_local_midnight(now_ms, (int)days - 1),
	    .sessions_max = last,
	    .newest_first = true,
	    .usage_max = (size_t)days * STATIONS,
	    .events_max = MQTT_HISTORY_EVENTS_MAX,
	};
	int rc = root ? history_report_add_json(h, root, &b) : -ENOMEM;
	char *text = rc == 0 ? cJSON_PrintUnformatted(root) : NULL;

	*bytes = text ? strlen(text) : 0;
	cJSON_free(text);
	cJSON_Delete(root);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int days = 365, per_day = 24, runs = 50;
	char dir[256] = "", err[256];
	struct timing *t = calloc(1, sizeof(*t));
	struct timespec ts;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--days") == 0)
			days = (unsigned int)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--per-day") == 0)
			per_day = (unsigned int)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (unsigned int)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--dir") == 0)
			snprintf(dir, sizeof(dir), "%s", argv[i + 1]);
	}
	if (!t || days < 1 || per_day < 1 || runs < 1 || runs > 1024) {
		fprintf(stderr,
		        "usage: %s [--days D] [--per-day N] [--runs R (1-1024)] [--dir DIR]\n",
		        argv[0]);
		return 2;
	}
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/bench-history-XXXXXX");
		if (!mkdtemp(dir))
			return 1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t now_ms = (uint64_t)ts.tv_sec * 1000u;
	/* Retention left wide open: the figures are for a full year. */
	struct history_limits lim = {.keep_days = days + 30, .max_kib = 1u << 20, .sample_s = 1};
	struct history *h = history_open(dir, &lim, false, err, sizeof(err));
	if (!h) {
		fprintf(stderr, "bench_history_query: %s\n", err);
		return 1;
	}
	uint64_t t0 = bench_now_ns();
	if (fill(h, days, per_day, now_ms) < 0) {
		fprintf(stderr, "bench_history_query: cannot write the history\n");
		return 1;
	}
	printf("bench_history_query: %u days x %u stations x %u sessions a day (%u sessions, "
	       "%u station events), written in %.1f s; history.db %.1f MB of data in %s; "
	       "load average %.2f\n\n",
	       days, STATIONS, per_day, days * STATIONS * per_day + 1,
	       days * STATIONS * (per_day + 2), (double)(bench_now_ns() - t0) / 1e9,
	       (double)history_used_bytes(h) / 1048576.0, dir, bench_loadavg());
	printf("| query (as the history thread answers it) | runs | CPU p50 ms | CPU p99 ms | "
	       "wall p50 ms | wall max ms | bytes |\n|---|---|---|---|---|---|---|\n");

	static const struct {
		const char *what;
		unsigned int last, days;
	} queries[] = {
	    {"`{\"last\": 500, \"days\": 7}` (the History view)", 500, 7},
	    {"`{\"last\": 50}` (the defaults)", MQTT_HISTORY_LAST_DEFAULT,
	     MQTT_HISTORY_DAYS_DEFAULT},
	    {"`{\"last\": 500, \"days\": 366}` (the largest)", 500, 366},
	};
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		t->n = 0;
		for (unsigned int r = 0; r < runs; r++) {
			begin(t);
			if (answer(h, queries[q].last, queries[q].days, now_ms, &t->bytes) < 0) {
				fprintf(stderr, "bench_history_query: a query failed\n");
				return 1;
			}
			end(t);
		}
		report(queries[q].what, t);
	}

	/* The plot of the hour-long session: the newest one. */
	t->n = 0;
	for (unsigned int r = 0; r < runs; r++) {
		begin(t);
		cJSON *root = cJSON_CreateObject();
		int64_t id = (int64_t)days * STATIONS * per_day + 1;
		if (history_report_samples_json(h, root, "samples", id, MQTT_HISTORY_POINTS_MAX) <
		    0) {
			fprintf(stderr, "bench_history_query: no plot for session %lld\n",
			        (long long)id);
			return 1;
		}
		char *text = cJSON_PrintUnformatted(root);
		t->bytes = text ? strlen(text) : 0;
		cJSON_free(text);
		cJSON_Delete(root);
		end(t);
	}
	report("`{\"samples\": id}`, 60 min at 1 point/s", t);

	t->n = 0;
	for (unsigned int r = 0; r < runs; r++) {
		begin(t);
		cJSON *o = cJSON_CreateObject();
		if (history_report_usage_summary(h, 1u + r % STATIONS, now_ms, o) < 0) {
			fprintf(stderr, "bench_history_query: a usage summary failed\n");
			return 1;
		}
		char *text = cJSON_PrintUnformatted(o);
		t->bytes = text ? strlen(text) : 0;
		cJSON_free(text);
		cJSON_Delete(o);
		end(t);
	}
	report("one station's usage summary (`station/<n>/usage`)", t);
	history_close(h);
	free(t);
	return 0;
}

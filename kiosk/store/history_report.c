/* SPDX-License-Identifier: MIT */
#include "store/history_report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_USAGE_MAX 4096u
#define REPORT_EVENTS_MAX 20000u

int history_report_parse_date(const char *text, uint64_t *out_ms)
{
	struct tm tm = {0};
	int y, m, d;
	char tail;

	if (!text || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(text) != 10)
		return -EINVAL;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	/* mktime normalises 2026-02-31 to March: refuse it. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -EINVAL;
	*out_ms = (uint64_t)t * 1000u;
	return 0;
}

void history_report_iso8601(char *out, size_t len, uint64_t wall_ms)
{
	time_t secs = (time_t)(wall_ms / 1000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

/* Seconds as minutes with one decimal, rounded half up, without floating
 * point text (the dashboard does the same sum). */
static void minutes_text(char *out, size_t len, unsigned int secs)
{
	unsigned long tenths = ((unsigned long)secs * 10u + 30u) / 60u;

	snprintf(out, len, "%lu.%lu", tenths / 10u, tenths % 10u);
}

static double minutes_value(unsigned int secs)
{
	return (double)(((unsigned long)secs * 10u + 30u) / 60u) / 10.0;
}

static void zones_field(char *out, size_t len, const double *v, unsigned int n)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < n && used < len; i++) {
		long t = lround(v[i] * 10.0);
		long a = labs(t);
		int w = snprintf(out + used, len - used, "%s%s%ld.%ld", i ? ";" : "",
		                 t < 0 ? "-" : "", a / 10, a % 10);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* RFC 4180: quoted only when it holds a comma, quote or line end. */
static int csv_field(char *out, size_t len, const char *v)
{
	if (!strpbrk(v, ",\"\r\n"))
		return snprintf(out, len, "%s", v);
	size_t o = 0;
	if (o < len)
		out[o++] = '"';
	for (const char *p = v; *p && o + 2 < len; p++) {
		if (*p == '"')
			out[o++] = '"';
		out[o++] = *p;
	}
	if (o + 1 < len)
		out[o++] = '"';
	if (o < len)
		out[o] = '\0';
	return (int)o;
}

int history_report_session_csv(char *buf, size_t len, const struct history_session *s)
{
	char started[32], ended[32] = "", planned[16], delivered[16], peak[96], mean[96];
	char program[80], faults[sizeof(s->faults)];
	int n;

	history_report_iso8601(started, sizeof(started), s->started_ms);
	if (s->ended_ms)
		history_report_iso8601(ended, sizeof(ended), s->ended_ms);
	minutes_text(planned, sizeof(planned), s->planned_s);
	minutes_text(delivered, sizeof(delivered), s->delivered_s);
	zones_field(peak, sizeof(peak), s->peak_mmhg, s->zone_count);
	zones_field(mean, sizeof(mean), s->mean_mmhg, s->zone_count);
	csv_field(program, sizeof(program), s->program_id);
	snprintf(faults, sizeof(faults), "%s", s->faults);
	for (char *p = faults; *p; p++)
		if (*p == ',')
			*p = ';';
	n = snprintf(buf, len, "%lld,%u,%s,%s,%s,%s,%s,%s,%s,%u,%s,%s,%u,%s", (long long)s->id,
	             s->station, program, started, ended, planned, delivered,
	             history_end_name(s->end), s->stop_reason, s->zone_count, peak, mean,
	             s->fault_count, faults);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

static cJSON *number_array(const double *v, unsigned int n)
{
	cJSON *a = cJSON_CreateArray();

	for (unsigned int i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(round(v[i] * 10.0) / 10.0));
	return a;
}

int history_report_session_json(cJSON *parent, const char *key, const struct history_session *s)
{
	cJSON *o = cJSON_CreateObject();
	char when[32];

	if (!o)
		return -ENOMEM;
	cJSON_AddNumberToObject(o, "session", (double)s->id);
	cJSON_AddNumberToObject(o, "station", s->station);
	cJSON_AddStringToObject(o, "program", s->program_id);
	history_report_iso8601(when, sizeof(when), s->started_ms);
	cJSON_AddStringToObject(o, "started", when);
	cJSON_AddNumberToObject(o, "started_ms", (double)s->started_ms);
	if (s->ended_ms) {
		history_report_iso8601(when, sizeof(when), s->ended_ms);
		cJSON_AddStringToObject(o, "ended", when);
		cJSON_AddNumberToObject(o, "ended_ms", (double)s->ended_ms);
	} else {
		cJSON_AddNullToObject(o, "ended");
		cJSON_AddNullToObject(o, "ended_ms");
	}
	cJSON_AddNumberToObject(o, "planned_s", s->planned_s);
	cJSON_AddNumberToObject(o, "delivered_s", s->delivered_s);
	cJSON_AddNumberToObject(o, "planned_min", minutes_value(s->planned_s));
	cJSON_AddNumberToObject(o, "delivered_min", minutes_value(s->delivered_s));
	cJSON_AddStringToObject(o, "end", history_end_name(s->end));
	cJSON_AddStringToObject(o, "stop_reason", s->stop_reason);
	cJSON_AddNumberToObject(o, "zones", s->zone_count);
	cJSON_AddItemToObject(o, "peak_mmhg", number_array(s->peak_mmhg, s->zone_count));
	cJSON_AddItemToObject(o, "mean_mmhg", number_array(s->mean_mmhg, s->zone_count));
	cJSON_AddNumberToObject(o, "fault_count", s->fault_count);
	cJSON *faults = cJSON_AddArrayToObject(o, "faults");
	for (const char *p = s->faults; faults && *p;) {
		size_t n = strcspn(p, ",");
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		cJSON_AddItemToArray(faults, cJSON_CreateString(name));
		p += n + (p[n] ? 1 : 0);
	}
	cJSON_AddNumberToObject(o, "samples", s->samples);
	if (key)
		cJSON_AddItemToObject(parent, key, o);
	else
		cJSON_AddItemToArray(parent, o);
	return 0;
}

struct csv_walk {
	FILE *out;
	int err;
};

static int csv_row(void *ctx, const struct history_session *s)
{
	struct csv_walk *w = ctx;
	char line[512];

	if (history_report_session_csv(line, sizeof(line), s) < 0 ||
	    fprintf(w->out, "%s\n", line) < 0) {
		w->err = -ENOSPC;
		return 1;
	}
	return 0;
}

static int json_row(void *ctx, const struct history_session *s)
{
	return history_report_session_json(ctx, NULL, s) < 0 ? 1 : 0;
}

static cJSON *usage_day_json(const struct history_usage_day *d)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "day", d->day);
	cJSON_AddNumberToObject(o, "station", d->station);
	cJSON_AddNumberToObject(o, "sessions", d->sessions);
	cJSON_AddNumberToObject(o, "minutes", round(d->minutes * 10.0) / 10.0);
	cJSON_AddNumberToObject(o, "completed", d->completed);
	cJSON_AddNumberToObject(o, "stopped", d->stopped);
	cJSON_AddNumberToObject(o, "faulted", d->faulted);
	cJSON_AddNumberToObject(o, "interrupted", d->interrupted);
	cJSON_AddNumberToObject(o, "faults", d->faults);
	return o;
}

static int add_usage(struct history *h, cJSON *root, const struct history_report_bounds *b)
{
	size_t max = b->usage_max ? b->usage_max : REPORT_USAGE_MAX;
	struct history_usage_day *days = calloc(max, sizeof(*days));
	cJSON *arr = cJSON_AddArrayToObject(root, "usage");
	int n;

	if (!days || !arr) {
		free(days);
		return -ENOMEM;
	}
	n = history_usage(h, b->since_ms, b->station, days, max);
	for (int i = 0; i < n; i++) {
		cJSON *o = usage_day_json(&days[i]);
		if (!o)
			break;
		cJSON_AddItemToArray(arr, o);
	}
	free(days);
	return n < 0 ? -EIO : 0;
}

static int add_station_events(struct history *h, cJSON *root, const struct history_report_bounds *b)
{
	size_t max = b->events_max ? b->events_max : REPORT_EVENTS_MAX;
	struct history_station_event *ev = calloc(max, sizeof(*ev));
	cJSON *arr = cJSON_AddArrayToObject(root, "station_events");
	cJSON *last = cJSON_AddArrayToObject(root, "last_cleaned");
	unsigned int seen = 0; /* stations with a cleaning, as bits */
	char when[32];
	int n;

	if (!ev || !arr || !last) {
		free(ev);
		return -ENOMEM;
	}
	n = history_station_events(h, b->since_ms, EVENT_KIND_COUNT, ev, max);
	for (int i = 0; i < n; i++) {
		if (b->station && ev[i].station != b->station)
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		history_report_iso8601(when, sizeof(when), ev[i].wall_ms);
		cJSON_AddStringToObject(o, "at", when);
		cJSON_AddNumberToObject(o, "at_ms", (double)ev[i].wall_ms);
		cJSON_AddNumberToObject(o, "station", ev[i].station);
		cJSON_AddStringToObject(o, "type", event_kind_name(ev[i].kind));
		if (ev[i].kind == EVENT_FAULT_RAISED)
			cJSON_AddStringToObject(o, "fault", fault_code_name(ev[i].fault));
		cJSON_AddItemToArray(arr, o);
		if (ev[i].kind == EVENT_CLEANED && ev[i].station < 32u)
			seen |= 1u << ev[i].station;
	}
	free(ev);
	if (n < 0)
		return -EIO;
	/* Last cleaned per station over all time, not only since. */
	for (unsigned int st = 1; st <= HISTORY_STATIONS_MAX; st++) {
		if (b->station && st != b->station)
			continue;
		int64_t at = history_last_cleaned(h, st);
		if (at <= 0 && !(seen & (1u << st)))
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return -ENOMEM;
		history_report_iso8601(when, sizeof(when), (uint64_t)at);
		cJSON_AddNumberToObject(o, "station", st);
		cJSON_AddStringToObject(o, "at", when);
		cJSON_AddNumberToObject(o, "at_ms", (double)at);
		cJSON_AddItemToArray(last, o);
	}
	return 0;
}

int history_report_add_json(struct history *h, cJSON *root, const struct history_report_bounds *b)
{
	struct history_query q = {
	    .since_ms = b->since_ms,
	    .station = b->station,
	    .limit = b->sessions_max,
	    .newest_first = b->newest_first,
	};
	char when[32];
	int rc;

	history_report_iso8601(when, sizeof(when), b->since_ms);
	cJSON_AddStringToObject(root, "since", when);
	cJSON *sessions = cJSON_AddArrayToObject(root, "sessions");
	if (!sessions)
		return -ENOMEM;
	rc = history_sessions(h, &q, json_row, sessions);
	if (rc > 0)
		rc = -ENOMEM;
	if (rc == 0)
		rc = add_usage(h, root, b);
	if (rc == 0)
		rc = add_station_events(h, root, b);
	return rc;
}

static int write_json(struct history *h, const char *site, uint64_t since_ms, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	struct history_report_bounds b = {.since_ms = since_ms};
	int rc;

	if (!root)
		return -ENOMEM;
	cJSON_AddStringToObject(root, "site", site ? site : "");
	rc = history_report_add_json(h, root, &b);
	if (rc == 0) {
		char *text = cJSON_Print(root);
		if (!text) {
			rc = -ENOMEM;
			goto out;
		}
		if (fprintf(out, "%s\n", text) < 0)
			rc = -ENOSPC;
		cJSON_free(text);
	}
out:
	cJSON_Delete(root);
	return rc;
}

int history_report_samples_json(struct history *h, cJSON *parent, const char *key, int64_t id,
                                size_t max_points)
{
	struct history_session s;
	struct history_sample *pts;
	int rc = history_session_get(h, id, &s);

	if (rc < 0)
		return rc;
	pts = calloc(max_points ? max_points : 1, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	int n = history_session_samples(h, id, pts, max_points);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = o ? cJSON_AddArrayToObject(o, "points") : NULL;
	if (n < 0 || !arr) {
		cJSON_Delete(o);
		free(pts);
		return n < 0 ? -EIO : -ENOMEM;
	}
	cJSON_AddNumberToObject(o, "session", (double)s.id);
	cJSON_AddNumberToObject(o, "station", s.station);
	cJSON_AddNumberToObject(o, "zones", s.zone_count);
	for (int i = 0; i < n; i++) {
		double row[1 + HISTORY_ZONES_MAX];
		row[0] = pts[i].t_s;
		for (unsigned int z = 0; z < s.zone_count; z++)
			row[1 + z] = round(pts[i].zone_mmhg[z] * 10.0) / 10.0;
		cJSON_AddItemToArray(arr, cJSON_CreateDoubleArray(row, (int)(1 + s.zone_count)));
	}
	free(pts);
	cJSON_AddItemToObject(parent, key, o);
	return 0;
}

uint64_t history_report_local_midnight(uint64_t wall_ms, int days_back)
{
	time_t t = (time_t)(wall_ms / 1000u);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return wall_ms;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? wall_ms : (uint64_t)t * 1000u;
}

void history_report_local_day(char *out, size_t len, uint64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000u);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(out, len, "%Y-%m-%d", &tm) == 0)
		snprintf(out, len, "1970-01-01");
}

/* The sum of days into one object named key. */
static void add_period(cJSON *root, const char *key, const char *from, const char *to,
                       const struct history_usage_day *days, int n, const char *only_day)
{
	struct history_usage_day sum = {0};
	cJSON *o = cJSON_AddObjectToObject(root, key);

	if (!o)
		return;
	for (int i = 0; i < n; i++) {
		if (only_day && strcmp(days[i].day, only_day) != 0)
			continue;
		sum.sessions += days[i].sessions;
		sum.minutes += days[i].minutes;
		sum.completed += days[i].completed;
		sum.stopped += days[i].stopped;
		sum.faulted += days[i].faulted;
		sum.interrupted += days[i].interrupted;
		sum.faults += days[i].faults;
	}
	cJSON_AddStringToObject(o, "from", from);
	cJSON_AddStringToObject(o, "to", to);
	cJSON_AddNumberToObject(o, "sessions", sum.sessions);
	cJSON_AddNumberToObject(o, "minutes", round(sum.minutes * 10.0) / 10.0);
	cJSON_AddNumberToObject(o, "completed", sum.completed);
	cJSON_AddNumberToObject(o, "stopped", sum.stopped);
	cJSON_AddNumberToObject(o, "faulted", sum.faulted);
	cJSON_AddNumberToObject(o, "interrupted", sum.interrupted);
	cJSON_AddNumberToObject(o, "faults", sum.faults);
}

int history_report_usage_summary(struct history *h, unsigned int station, uint64_t now_wall_ms,
                                 cJSON *out)
{
	struct history_usage_day days[HISTORY_REPORT_WEEK_DAYS];
	char today[11], first[11], when[32];
	uint64_t week_ms = history_report_local_midnight(now_wall_ms, HISTORY_REPORT_WEEK_DAYS - 1);
	int n = history_usage(h, week_ms, station, days, HISTORY_REPORT_WEEK_DAYS);
	int64_t cleaned = history_last_cleaned(h, station);

	if (n < 0 || cleaned < 0)
		return -EIO;
	history_report_local_day(today, sizeof(today), now_wall_ms);
	history_report_local_day(first, sizeof(first), week_ms);
	cJSON_AddNumberToObject(out, "station", station);
	add_period(out, "today", today, today, days, n, today);
	add_period(out, "last_7_days", first, today, days, n, NULL);
	if (cleaned > 0) {
		history_report_iso8601(when, sizeof(when), (uint64_t)cleaned);
		cJSON_AddStringToObject(out, "last_cleaned", when);
		cJSON_AddNumberToObject(out, "last_cleaned_ms", (double)cleaned);
	} else {
		cJSON_AddNullToObject(out, "last_cleaned");
		cJSON_AddNullToObject(out, "last_cleaned_ms");
	}
	return 0;
}

int history_report_write(struct history *h, const char *site, uint64_t since_ms,
                         enum history_report_format format, FILE *out)
{
	int rc;

	if (format == HISTORY_REPORT_JSON)
		rc = write_json(h, site, since_ms, out);
	else {
		struct csv_walk w = {.out = out};
		struct history_query q = {.since_ms = since_ms};
		if (fprintf(out, "%s\n", HISTORY_REPORT_CSV_HEADER) < 0)
			return -ENOSPC;
		rc = history_sessions(h, &q, csv_row, &w);
		if (rc > 0)
			rc = w.err;
	}
	if (rc == 0 && fflush(out) != 0)
		rc = -ENOSPC;
	return rc;
}

int history_report_run(const char *state_dir, const char *site, const char *since,
                       const char *format, FILE *out, char *err, size_t err_len)
{
	enum history_report_format fmt = HISTORY_REPORT_CSV;
	uint64_t since_ms = 0;
	struct history *h;
	int rc;

	if (format && strcmp(format, "json") == 0) {
		fmt = HISTORY_REPORT_JSON;
	} else if (format && strcmp(format, "csv") != 0) {
		snprintf(err, err_len, "--format '%s' is not known; use csv or json", format);
		return -EINVAL;
	}
	if (since && history_report_parse_date(since, &since_ms) < 0) {
		snprintf(err, err_len,
		         "--since '%s' is not a date; write YYYY-MM-DD, e.g. 2026-11-01", since);
		return -EINVAL;
	}
	h = history_open(state_dir, NULL, true, err, err_len);
	if (!h)
		return errno == ENOENT ? -ENOENT : -EIO;
	rc = history_report_write(h, site, since_ms, fmt, out);
	if (rc == -EIO)
		snprintf(err, err_len, "cannot read the history in '%s'; check the file's owner",
		         state_dir);
	else if (rc < 0)
		snprintf(err, err_len, "cannot write the report: %s", strerror(-rc));
	history_close(h);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The session history in the forms people read it: CSV and JSON for
 * `recovery-kiosk --report`, and the JSON of one session that the MQTT
 * history answers and the session summary events carry, so the dashboard's
 * CSV export and --report agree column for column.
 *
 * CSV (one row per session, oldest first, RFC 4180, "\n" line ends):
 *   session,station,program,started,ended,planned_min,delivered_min,end,
 *   stop_reason,zones,peak_mmhg,mean_mmhg,fault_count,faults
 * started/ended are UTC ISO 8601 ("2026-11-25T17:04:05Z", ended empty while
 * running), minutes have one decimal, per-zone pressures are mmHg foot zone
 * first joined by ';', faults are fault codes joined by ';'.
 *
 * Threading: any thread (the history handle serialises).
 */
#ifndef KIOSK_STORE_HISTORY_REPORT_H
#define KIOSK_STORE_HISTORY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/history.h"

struct cJSON;

enum history_report_format { HISTORY_REPORT_CSV, HISTORY_REPORT_JSON };

#define HISTORY_REPORT_CSV_HEADER                                                                  \
	"session,station,program,started,ended,planned_min,delivered_min,end,stop_reason,zones,"   \
	"peak_mmhg,mean_mmhg,fault_count,faults"

/* "YYYY-MM-DD" as the start of that day in the kiosk's local time (TZ), in
 * ms since the epoch.  0, or -EINVAL when it is not a valid date. */
int history_report_parse_date(const char *text, uint64_t *out_ms);

/* Writes the sessions started at or after since_ms (CSV), or sessions,
 * per-day usage, station events and last cleaning per station (JSON).
 * site goes into the JSON.  0, -EIO (database) or -ENOSPC (write failed). */
int history_report_write(struct history *h, const char *site, uint64_t since_ms,
                         enum history_report_format format, FILE *out);

/* What a JSON report holds: sessions started at or after since_ms (of one
 * station, or every station when 0), at most sessions_max of them (0 = all),
 * newest or oldest first; usage per station and day (at most usage_max rows,
 * 0 = the report's own cap); station events (at most events_max, likewise);
 * last cleaned per station over all time. */
struct history_report_bounds {
	uint64_t since_ms;
	unsigned int station;
	size_t sessions_max;
	bool newest_first;
	size_t usage_max;
	size_t events_max;
};

/* Adds "since", "sessions", "usage", "station_events" and "last_cleaned" to
 * root, the fields of `--report --format json`.  0, -ENOMEM or -EIO. */
int history_report_add_json(struct history *h, struct cJSON *root,
                            const struct history_report_bounds *b);

/* Session id's plot under key of parent: {"session", "station", "zones",
 * "points": [[t_s, zone 1 mmHg, ...], ...]}, at most max_points points, in
 * time order.  0, -ENOENT (no such session), -ENOMEM or -EIO. */
int history_report_samples_json(struct history *h, struct cJSON *parent, const char *key,
                                int64_t id, size_t max_points);

/* The days a usage summary covers: today and the 6 days before it. */
#define HISTORY_REPORT_WEEK_DAYS 7

/* One station's usage summary into out (an object): "station", "today" and
 * "last_7_days" (each {"from", "to", "sessions", "minutes", "completed",
 * "stopped", "faulted", "interrupted", "faults"}; days are the kiosk's local
 * days, sessions counts those started, one still running included),
 * "last_cleaned" and "last_cleaned_ms" (null when never).  0 or -EIO. */
int history_report_usage_summary(struct history *h, unsigned int station, uint64_t now_wall_ms,
                                 struct cJSON *out);

/* Local midnight (TZ) days_back days before the day of wall_ms, in ms since
 * the epoch; -1 gives the next midnight. */
uint64_t history_report_local_midnight(uint64_t wall_ms, int days_back);
/* "YYYY-MM-DD", the kiosk's local day of wall_ms. */
void history_report_local_day(char *out, size_t len, uint64_t wall_ms);

/* One session as a JSON object (the fields of the CSV, numbers as numbers,
 * pressures as arrays), added to parent under key (NULL: parent is an
 * array).  0 or -ENOMEM. */
int history_report_session_json(struct cJSON *parent, const char *key,
                                const struct history_session *s);

/* One CSV row for a session, without the line end, into buf.  Length, or
 * -ENOSPC. */
int history_report_session_csv(char *buf, size_t len, const struct history_session *s);

/* `recovery-kiosk --report`: opens <state_dir>/history.db read-only and
 * writes the report to out.  since is "YYYY-MM-DD" or NULL (everything),
 * format "csv", "json" or NULL (csv).  0; -EINVAL for a bad since or format
 * (usage), -ENOENT/-EIO when there is no readable history, with a message
 * naming the fix in err. */
int history_report_run(const char *state_dir, const char *site, const char *since,
                       const char *format, FILE *out, char *err, size_t err_len);

/* "2026-11-25T17:04:05Z" */
void history_report_iso8601(char *out, size_t len, uint64_t wall_ms);

#endif

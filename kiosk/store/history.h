/* SPDX-License-Identifier: MIT */
/*
 * Session history and usage for staff and managers, <state_dir>/history.db:
 *   - one summary per session: station, program, planned and delivered time,
 *     how it ended, peak and mean pressure per zone, the faults it met;
 *   - a low-rate pressure series per session (one point every sample_s while
 *     it runs) for a plot.  Sampled by the kiosk, never tied to a person:
 *     no member identity, no screening answer is ever written here;
 *   - station events staff care about (faults, fault resets, cleaned, out of
 *     service and back) for "faults over time" and "last cleaned".
 * Usage (per station and per day: sessions, minutes, completed / stopped /
 * faulted) is computed from the summaries.  Days are the kiosk's local days
 * (TZ); every timestamp is ms since the epoch (UTC).
 *
 * Retention is enforced: summaries and station events older than keep_days
 * are deleted, and while the database holds more than max_kib of data the
 * oldest pressure series go first, then the oldest summaries, so the SD card
 * never fills.  Freed pages are reused, so the file stops growing.
 *
 * The database is its own file, apart from the event outbox, so history
 * writes (synchronous=NORMAL in WAL: a power cut may lose the last seconds,
 * never corrupts) never wait on or for an undelivered event.
 *
 * Threading: every function may be called from any thread; calls are
 * serialised by a mutex inside the handle.  They block on disk I/O, so never
 * call them on the control or UI thread (history_recorder owns a thread).
 */
#ifndef KIOSK_STORE_HISTORY_H
#define KIOSK_STORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define HISTORY_DB_NAME "history.db"
#define HISTORY_STATIONS_MAX 8u /* as struct kiosk_snapshot */
#define HISTORY_ZONES_MAX 8u
#define HISTORY_FAULTS_MAX 4u /* distinct fault codes kept per session */

#define HISTORY_DEFAULT_KEEP_DAYS 365u
#define HISTORY_DEFAULT_MAX_KIB (64u * 1024u)
#define HISTORY_DEFAULT_SAMPLE_S 5u

struct history_limits {
	unsigned int keep_days; /* summaries and station events older are deleted (>= 1) */
	unsigned int max_kib;   /* data kept in the file stays under this (>= 256) */
	unsigned int sample_s;  /* pressure plot period while a session runs (>= 1) */
};

struct history;

/* Opens or creates <state_dir>/history.db (the folder must exist unless
 * read_only is false, then it is created, mode 0750).  read_only opens an
 * existing file for --report and never writes.  Sessions a previous run left
 * open are closed as "interrupted".  NULL + errno, with a message naming the
 * file and the fix in err. */
struct history *history_open(const char *state_dir, const struct history_limits *lim,
                             bool read_only, char *err, size_t err_len);
void history_close(struct history *h); /* NULL ok; closes open sessions "interrupted" */

/* ---- feeding (the recorder thread) ---- */

/* Session start opens a summary, session end closes it (with its series),
 * fault / fault reset / cleaned / out of service / in service go into the
 * station events, a fault is also attached to the station's open session.
 * Other kinds are ignored.  While a session runs, what does not end one
 * waits in the history's open transaction (history_commit_due).  0 or
 * -EIO. */
int history_record_events(struct history *h, const struct kiosk_event *ev, size_t n);

/* Folds one snapshot into the open sessions' peak and mean per zone (every
 * call while the station runs counts as one reading), and appends a plot
 * point when sample_s has passed since the last one.  wall_ms is the time of
 * the snapshot (CLOCK_REALTIME ms).  0 or -EIO. */
int history_record_snapshot(struct history *h, const struct kiosk_snapshot *snap, uint64_t wall_ms);

/* Commits what waits in the history's open transaction once it is older
 * than its window (history_private.h); the recorder calls it every round,
 * so nothing waits longer whatever else happens.  0 or -EIO. */
int history_commit_due(struct history *h, uint64_t wall_ms);

/* True while any station has an open session (the recorder samples then). */
bool history_any_open(struct history *h);

struct history_pruned {
	unsigned int sessions; /* summaries deleted */
	unsigned int series;   /* pressure series deleted */
	unsigned int events;   /* station events deleted */
};
/* Deletes by age (now_wall_ms - keep_days) and by size (max_kib), as the
 * header comment says.  out may be NULL.  0 or -EIO. */
int history_enforce_retention(struct history *h, uint64_t now_wall_ms, struct history_pruned *out);

/* Bytes of data in the file (pages in use x page size). */
int64_t history_used_bytes(struct history *h);

/* ---- queries (any thread) ---- */

enum history_end {
	HISTORY_END_RUNNING, /* still open */
	HISTORY_END_COMPLETED,
	HISTORY_END_STOPPED, /* member, staff, symptom, button, pause limit, shutdown */
	HISTORY_END_FAULTED,
	HISTORY_END_INTERRUPTED, /* the kiosk went away mid-session */
	HISTORY_END_COUNT
};
const char *history_end_name(enum history_end e); /* "completed", ... */

struct history_session {
	int64_t id;
	unsigned int station; /* 1-based, as staff and MQTT number stations */
	char program_id[32];
	uint64_t started_ms; /* wall clock */
	uint64_t ended_ms;   /* 0 while open */
	unsigned int planned_s;
	unsigned int delivered_s;
	enum history_end end;
	char stop_reason[16]; /* stop_reason_name() for stopped/faulted, else "" */
	unsigned int zone_count;
	double peak_mmhg[HISTORY_ZONES_MAX];
	double mean_mmhg[HISTORY_ZONES_MAX];
	unsigned int fault_count; /* faults raised during the session */
	char faults[64];          /* distinct fault_code_name()s, comma separated */
	unsigned int samples;     /* plot points kept (0 once retention dropped them) */
};

struct history_query {
	uint64_t since_ms;    /* sessions started at or after; 0 = all */
	unsigned int station; /* 1-based; 0 = every station */
	size_t limit;         /* 0 = no limit */
	bool newest_first;    /* else oldest first */
};

/* Calls fn for each session matching q; a non-zero return from fn stops the
 * walk and is returned.  0, fn's value, or -EIO.  fn runs under the
 * handle's lock: it must not call into the history. */
int history_sessions(struct history *h, const struct history_query *q,
                     int (*fn)(void *ctx, const struct history_session *s), void *ctx);

/* One session by id: 0, -ENOENT or -EIO. */
int history_session_get(struct history *h, int64_t id, struct history_session *out);

struct history_sample {
	uint32_t t_s; /* seconds since the session started */
	double zone_mmhg[HISTORY_ZONES_MAX];
};
/* The session's plot points in time order, up to max.  Count, or -EIO. */
int history_session_samples(struct history *h, int64_t id, struct history_sample *out, size_t max);

struct history_usage_day {
	char day[11]; /* "YYYY-MM-DD", the kiosk's local day */
	unsigned int station;
	unsigned int sessions;
	double minutes; /* delivered */
	unsigned int completed;
	unsigned int stopped;
	unsigned int faulted;
	unsigned int interrupted;
	unsigned int faults; /* faults raised that day (in or out of a session) */
};
/* Per station and day for sessions started at or after since_ms (station 0 =
 * every station), oldest day first, up to max.  Count, or -EIO. */
int history_usage(struct history *h, uint64_t since_ms, unsigned int station,
                  struct history_usage_day *out, size_t max);

struct history_station_event {
	uint64_t wall_ms;
	unsigned int station; /* 1-based */
	enum event_kind kind; /* FAULT_RAISED, FAULT_RESET, CLEANED, OUT/IN_SERVICE */
	enum fault_code fault;
};
/* Station events at or after since_ms, oldest first, up to max (kind
 * EVENT_KIND_COUNT = every kind).  Count, or -EIO. */
int history_station_events(struct history *h, uint64_t since_ms, enum event_kind kind,
                           struct history_station_event *out, size_t max);

/* Wall ms of the station's last "cleaned", or 0 when never.  -EIO on error. */
int64_t history_last_cleaned(struct history *h, unsigned int station);

/* ---- session summaries to publish (the MQTT link) ----
 * Every closed session has a summary to publish once; the history keeps
 * which ones the broker has, so a summary waits across a broker outage and
 * a restart.  A history made before this existed counts its sessions as
 * published. */

/* Calls fn, oldest first and up to limit (0 = no limit), for each closed
 * session among the newest 4096 whose summary is not marked published and
 * that ended at or after since_ms (older ones are given up).  A non-zero
 * return from fn stops the walk and is returned.  fn runs under the handle's
 * lock: it must not call into the history.  0, fn's value, -EROFS or
 * -EIO. */
int history_summaries_pending(struct history *h, uint64_t since_ms, size_t limit,
                              int (*fn)(void *ctx, const struct history_session *s), void *ctx);
/* The broker has session id's summary.  Noted at once (it is not pending
 * any more) and written with the recorder's next commit or at close, so a
 * kiosk killed before then sends a few summaries again.  0, -EROFS or
 * -EIO. */
int history_summary_published(struct history *h, int64_t id);

#endif

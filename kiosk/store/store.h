/* SPDX-License-Identifier: MIT */
/*
 * The kiosk's SQLite database, <state_dir>/recovery-kiosk.db:
 *   - events:   every station event the controller emitted (never a screening
 *               answer: the core's events carry none), kept as history;
 *   - outbox:   the ids of events not yet acknowledged by the broker;
 *   - sessions: one row per session (program, start, end, planned and actual
 *               duration, target, how it ended) for staff history;
 *   - service:  per station ([station.N] number) what outlives a restart:
 *               out of service (reason, who), fault lock, needs cleaning;
 *   - commands: the results of recent MQTT commands by request id, so a
 *               command the broker delivers again is answered, not redone.
 *
 * The database runs in WAL mode with synchronous=FULL, so an event that
 * store_events_append() returned 0 for survives a kill -9 or a power cut.
 * A random instance tag, made when the database is created, goes into every
 * event id so ids stay unique even if the file is deleted and made anew.
 *
 * Writes an SD card can live with: one transaction per batch (events,
 * sessions, service state and command results together), outbox deletions
 * grouped, 512-byte pages on a new database, the WAL bounded
 * (journal_size_limit, truncated by store_checkpoint() when idle), every
 * table pruned by age and size (store_prune()).
 *
 * Threading: every function may be called from any thread; calls are
 * serialised by a mutex inside the handle.  Calls block on disk I/O, so never
 * call them from the control or UI thread.
 */
#ifndef KIOSK_STORE_STORE_H
#define KIOSK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define STORE_DB_NAME "recovery-kiosk.db"
#define STORE_TAG_LEN 8u /* hex characters */
/* What store_prune() keeps.  An event still in the outbox outlives the
 * history limits; the outbox itself is capped (the oldest undelivered events
 * go first, counted in store_stats.outbox_dropped). */
#define STORE_EVENT_LOG_KEEP 50000u
#define STORE_EVENT_MAX_AGE_DAYS 400u
#define STORE_OUTBOX_KEEP 100000u
#define STORE_SESSIONS_KEEP 100000u
#define STORE_SESSION_MAX_AGE_DAYS 800u
#define STORE_COMMANDS_KEEP 2000u
#define STORE_COMMAND_MAX_AGE_H 48u
#define STORE_WAL_LIMIT_BYTES 1048576 /* journal_size_limit */
/* Each connection's page cache, in KiB as SQLite takes it (negative): the
 * database grows until retention prunes it, the kiosk's memory must not. */
#define STORE_CACHE_KIB "-256"
/* Above this the idle upkeep copies the WAL into the database and truncates
 * it; below, the WAL waits (a checkpoint writes every page it touched). */
#define STORE_WAL_CHECKPOINT_BYTES (256 * 1024)

struct kiosk_config;

struct store;

/* Creates state_dir (and its parents, mode 0750) if missing, opens or creates
 * the database and its schema, and closes sessions a previous run left open
 * (reason "interrupted").  NULL + errno, with a message naming the file and
 * the fix in err. */
struct store *store_open(const char *state_dir, char *err, size_t err_len);
void store_close(struct store *s); /* NULL ok */

/* The database's instance tag: STORE_TAG_LEN lower-case hex characters. */
const char *store_tag(const struct store *s);

/* The last SQLite error message, for a log line.  Same thread as the failing
 * call; valid until the next call. */
const char *store_errmsg(struct store *s);

/* Writes n events in one transaction: each goes into the event history and
 * the outbox, and session start/end events open/close a sessions row.
 * EVENT_COMMAND_RESULT events are skipped.  0, or -EIO (nothing written). */
int store_events_append(struct store *s, const struct kiosk_event *ev, size_t n);
/* The same, and in the same transaction removes nd delivered events from
 * the outbox (one commit, one flush, instead of two). */
int store_events_append_delivered(struct store *s, const struct kiosk_event *ev, size_t n,
                                  const int64_t *delivered, size_t nd);

struct store_outbox_row {
	int64_t id;               /* event id (rowid): part of the published id */
	struct kiosk_event event; /* seq is 0: controller seqs do not survive a restart */
};

/* Up to max outbox rows with id > after_id, oldest first.  Count, or -EIO. */
int store_outbox_peek(struct store *s, int64_t after_id, struct store_outbox_row *out, size_t max);

/* Removes an event from the outbox (it stays in the history).  0, or -EIO.
 * Removing an id that is not there is not an error. */
int store_outbox_delete(struct store *s, int64_t id);
/* The same for n ids in one transaction. */
int store_outbox_delete_many(struct store *s, const int64_t *ids, size_t n);

/* How many events wait in the outbox.  Count, or -EIO. */
int64_t store_outbox_count(struct store *s);

/* Ids of the events in the history with id > after_id, oldest first, up to
 * max (history keeps the newest STORE_EVENT_LOG_KEEP).  Count, or -EIO. */
int store_history_ids(struct store *s, int64_t after_id, int64_t *ids, size_t max);

struct store_session {
	int64_t id;
	unsigned int station; /* index 0.. */
	char program_id[32];
	uint64_t started_ms;     /* wall clock, ms since epoch */
	uint64_t ended_ms;       /* 0 while open */
	unsigned int duration_s; /* planned */
	unsigned int elapsed_s;  /* actually run */
	double target_mmhg;
	char end_reason[24]; /* "completed", "member", "staff", "fault", "interrupted", "" while
	                        open */
};

/* The newest sessions first, up to max.  Count, or -EIO. */
int store_sessions_recent(struct store *s, struct store_session *out, size_t max);

/* The [station.N] numbers of the configured stations, so the service state
 * follows a station when others are added or removed.  Without it station
 * index i is number i + 1. */
void store_set_stations(struct store *s, const struct kiosk_config *cfg);

/* The kept service state of station indexes 0..count-1 (all clear for a
 * station never seen).  0, or -EIO. */
int store_service_load(struct store *s, struct station_service *out, size_t count);

/* An MQTT command's result kept by request id (from EVENT_COMMAND_RESULT
 * with SOURCE_MQTT and a request id, in the same transaction as the events
 * the command caused). */
struct store_command {
	unsigned int station; /* index */
	enum command_action action;
	enum command_status status;
	uint64_t wall_ms;
};
/* 1 and *out when request_id is kept, 0 when not, -EIO. */
int store_command_lookup(struct store *s, const char *request_id, struct store_command *out);
/* A second, read-only connection to writer's database, for lookups that
 * must not wait behind the writer's commit and fsync (WAL readers never
 * do): store_command_lookup on it sees what is committed.  Closed with
 * store_close.  NULL + errno, with err filled. */
struct store *store_open_reader(const struct store *writer, char *err, size_t err_len);

/* Deletes what the limits above no longer keep (now_wall_ms: ms since the
 * epoch).  Rows deleted, or -EIO. */
int64_t store_prune(struct store *s, uint64_t now_wall_ms);
/* Copies the WAL into the database and truncates it.  0, or -EBUSY when a
 * reader held it, -EIO. */
int store_checkpoint(struct store *s);

struct store_stats {
	uint64_t transactions;   /* committed by this handle */
	uint64_t outbox_dropped; /* undelivered events pruned past STORE_OUTBOX_KEEP */
	uint64_t pruned;         /* rows pruned in all */
	uint64_t checkpoints;
};
void store_get_stats(struct store *s, struct store_stats *out);
/* Bytes of the database file and of its WAL now, for benchmarks.  -errno. */
int64_t store_file_bytes(struct store *s, bool wal);

#endif

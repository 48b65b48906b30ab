/* SPDX-License-Identifier: MIT */
/*
 * The kiosk's SQLite database, <state_dir>/recovery-kiosk.db:
 *   - events:   every station event the controller emitted (never a screening
 *               answer: the core's events carry none), kept as history;
 *   - outbox:   the ids of events not yet acknowledged by the broker;
 *   - sessions: one row per session (program, start, end, planned and actual
 *               duration, target, how it ended) for staff history.
 *
 * The database runs in WAL mode with synchronous=FULL, so an event that
 * store_events_append() returned 0 for survives a kill -9 or a power cut.
 * A random instance tag, made when the database is created, goes into every
 * event id so ids stay unique even if the file is deleted and made anew.
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
#define STORE_TAG_LEN 8u            /* hex characters */
#define STORE_EVENT_LOG_KEEP 50000u /* older history rows are pruned */

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

struct store_outbox_row {
	int64_t id;               /* event id (rowid): part of the published id */
	struct kiosk_event event; /* seq is 0: controller seqs do not survive a restart */
};

/* Up to max outbox rows with id > after_id, oldest first.  Count, or -EIO. */
int store_outbox_peek(struct store *s, int64_t after_id, struct store_outbox_row *out, size_t max);

/* Removes an event from the outbox (it stays in the history).  0, or -EIO.
 * Removing an id that is not there is not an error. */
int store_outbox_delete(struct store *s, int64_t id);

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

#endif

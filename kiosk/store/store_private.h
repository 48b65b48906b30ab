/* SPDX-License-Identifier: MIT */
/*
 * Inside the store: the handle shared by the files of kiosk/store/ that
 * speak SQL (store.c: schema, events, outbox; store_keep.c: service state,
 * command results, pruning and checkpoints).  Every access holds s->lock.
 * Not part of the contract; nothing outside kiosk/store/ includes it.
 */
#ifndef KIOSK_STORE_STORE_PRIVATE_H
#define KIOSK_STORE_STORE_PRIVATE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/settings.h"
#include "store/store.h"

struct store {
	sqlite3 *db;
	pthread_mutex_t lock;
	char tag[STORE_TAG_LEN + 1];
	char path[512];
	/* [station.N] number of each station index; index + 1 until set. */
	unsigned int numbers[KIOSK_MAX_STATIONS];
	sqlite3_stmt *ins_event;
	sqlite3_stmt *ins_outbox;
	sqlite3_stmt *ins_session;
	sqlite3_stmt *close_session;
	sqlite3_stmt *peek;
	sqlite3_stmt *del_outbox;
	sqlite3_stmt *service[EVENT_KIND_COUNT]; /* store_keep.c, per event kind */
	sqlite3_stmt *put_command;
	unsigned int appends_since_prune;
	struct store_stats stats;
};

/* One statement without results, on s->db.  0 or -EIO. */
int store_exec(struct store *s, const char *sql);
/* sqlite3_step to SQLITE_DONE, then reset and clear bindings.  0 or -EIO. */
int store_step_done(sqlite3_stmt *st);

/* store_keep.c, inside store_events_append's transaction: the service
 * state and MQTT command results an event changes.  0 or -EIO. */
int store_keep_event(struct store *s, const struct kiosk_event *ev);
/* store_keep.c: prepares its statements.  0 or -EIO. */
int store_keep_prepare(struct store *s);
void store_keep_finalize(struct store *s);

#endif

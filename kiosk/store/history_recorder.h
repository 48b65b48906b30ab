/* SPDX-License-Identifier: MIT */
/*
 * The history recorder: one thread that walks the controller's event stream
 * with its own cursor and reads its snapshots while a session runs, and
 * writes session summaries, pressure series and station events into
 * history.db (store/history.h).  It also enforces the retention limits at
 * start and every hour.
 *
 * While no session runs it sleeps until the controller signals a change (one
 * of the controller's listeners; when none is free it looks every second).
 * While a session runs it reads the snapshot HISTORY_RECORDER_READ_MS apart
 * for the peak and mean, and keeps a plot point every sample_s.
 *
 * Threading: create/start/stop/destroy from one thread (main).  Its listener
 * only writes to an eventfd, so it never blocks the control thread.  The
 * callbacks run on the recorder thread and must not block.
 */
#ifndef KIOSK_STORE_HISTORY_RECORDER_H
#define KIOSK_STORE_HISTORY_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "store/history.h"

#define HISTORY_RECORDER_READ_MS 250u
#define HISTORY_RECORDER_RETENTION_MS 3600000u

struct controller;
struct history_recorder;

struct history_recorder_params {
	struct controller *controller;
	const char *state_dir;
	struct history_limits limits;
	/* Wall clock ms for plot points; NULL = CLOCK_REALTIME (tests with a
	 * virtual controller clock pass the same clock here). */
	uint64_t (*wall_ms)(void *ctx);
	void *clock_ctx;
	/* After a session's summary is written (it ended). */
	void (*on_session_end)(void *ctx, const struct history_session *s);
	/* After anything that changes usage was written (a session started or
	 * ended, a fault, a reset, a cleaning, out of service and back). */
	void (*on_usage_change)(void *ctx, unsigned int station);
	void *ctx;
};

/* Opens the history and registers the controller listener, so call it before
 * controller_start.  NULL + errno with the reason in err. */
struct history_recorder *history_recorder_create(const struct history_recorder_params *p, char *err,
                                                 size_t err_len);
/* 0 or -errno. */
int history_recorder_start(struct history_recorder *r);
/* Records what the controller still has, then stops the thread.  Call it
 * after controller_stop so the last session's end is written.  Idempotent. */
void history_recorder_stop(struct history_recorder *r);
/* After controller_destroy (the listener may be called until then).  NULL ok. */
void history_recorder_destroy(struct history_recorder *r);

/* The history, for queries from any thread; owned by the recorder. */
struct history *history_recorder_history(struct history_recorder *r);

#endif

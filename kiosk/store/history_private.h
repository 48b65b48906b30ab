/* SPDX-License-Identifier: MIT */
/*
 * Inside the history: the handle shared by history.c (open, feeding,
 * retention) and history_query.c (reads, and the summaries still to
 * publish).  Every access to db and open[] holds lock.  Not part of the
 * contract; nothing outside kiosk/store/ includes it.
 */
#ifndef KIOSK_STORE_HISTORY_PRIVATE_H
#define KIOSK_STORE_HISTORY_PRIVATE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/history.h"

/* Plot points wait in memory and go to disk a minute's worth (at the
 * default sample_s) in one transaction, and at the session's end: an SD card
 * pays for commits, not for rows. */
#define HISTORY_POINTS_PER_COMMIT 12u

struct pending_point {
	int64_t t_s;
	char zones[96];
};

/* What the recorder knows about a station's open session between events. */
struct open_session {
	int64_t id; /* 0 = none */
	uint64_t started_ms;
	uint64_t last_point_ms; /* 0 = no plot point yet */
	unsigned int zone_count;
	double peak[HISTORY_ZONES_MAX];
	double sum[HISTORY_ZONES_MAX];
	uint64_t readings;
	unsigned int fault_count;
	unsigned int samples;
	char faults[64];
	struct pending_point pending[HISTORY_POINTS_PER_COMMIT];
	unsigned int pending_count;
};

/* The station's last closed session while it may still get the fault that
 * ended it: the core reports a fault stop before the fault itself, in the
 * same tick. */
#define HISTORY_FAULT_AFTER_STOP_MS 2000u
struct closed_session {
	int64_t id; /* 0 = none waiting */
	uint64_t ended_ms;
};

#define HISTORY_PUBLISHED_PENDING_MAX 64u

struct history {
	sqlite3 *db;
	pthread_mutex_t lock;
	struct history_limits lim;
	bool read_only;
	char path[512];
	struct open_session open[HISTORY_STATIONS_MAX];
	struct closed_session faulted[HISTORY_STATIONS_MAX];
	/* Summaries the broker has, noted in the recorder's next commit (no
	 * commit of their own: an SD card pays per commit). */
	int64_t published[HISTORY_PUBLISHED_PENDING_MAX];
	size_t published_count;
};

/* Runs one statement with int64 parameters ?1..?n to completion.  0 or
 * -EIO.  Caller holds h->lock. */
int history_exec(struct history *h, const char *sql, int n, const int64_t *args);
/* Runs sql with int64 parameters ?1..?n and returns the first column of its
 * first row (0 when there is none or it is NULL), or -EIO.  Caller holds
 * h->lock. */
int64_t history_scalar(struct history *h, const char *sql, int n, const int64_t *args);
/* Writes the published marks waiting in memory; inside the caller's
 * transaction, lock held.  0 or -EIO. */
int history_flush_published(struct history *h);

#endif

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

/* Plot points wait in memory and go to disk fifteen minutes' worth (at the
 * default sample_s) in one transaction, every station's together, and at
 * the session's end: an SD card pays for the pages a commit touches, not for
 * rows (bench_soak: 337 KB written per session at a minute's worth each,
 * one station per commit, on 4 KB pages; five minutes' worth on 512-byte
 * pages wrote 4 rows a session, 14.3 KB, fifteen minutes' worth 2, 10.0
 * KB).  A kill -9 or power cut loses at most these points of a running
 * session's plot, and what its statistics gained since (it closes as
 * interrupted with its delivered time, peaks and means as of its last
 * flush: none in its first fifteen minutes); never an ended session's
 * summary or an event (the event log has every session's start and end). */
#define HISTORY_POINTS_PER_COMMIT 180u

struct pending_point {
	int64_t t_s;
	int16_t tenths[HISTORY_ZONES_MAX]; /* mmHg x 10 */
};

/* A flush's points are one row of samples: t_s is the last point's (so
 * MAX(t_s) is still the session's last point) and zones a BLOB: byte 0 the
 * format, byte 1 the zone count n, then the points, in time order, each a
 * little-endian uint16, seconds before t_s, and n little-endian int16,
 * mmHg x 10.  Format 1 holds the points as they are; format 2 (written
 * since) holds them deflated by zlib, a third of their size (bench_soak:
 * 4.1 KB a session plain, 1.5 KB deflated; every byte of a row is written
 * twice, to the WAL and by the checkpoint).  A TEXT zones ("40.1,38.0") is
 * one point, as histories from before the BLOB rows hold them. */
#define HISTORY_SERIES_PLAIN 1u
#define HISTORY_SERIES_DEFLATED 2u
#define HISTORY_SERIES_HEADER 2u
#define HISTORY_SERIES_POINT_BYTES(n) (2u + 2u * (n))
/* The most points a row may hold, whatever it was written with. */
#define HISTORY_SERIES_POINTS_MAX 256u
_Static_assert(HISTORY_POINTS_PER_COMMIT <= HISTORY_SERIES_POINTS_MAX,
               "a flush holds more points than a row may");

static inline void history_series_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xffu);
	p[1] = (uint8_t)(v >> 8);
}

static inline uint16_t history_series_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

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
	bool uncommitted; /* its row is in the open transaction only */
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

/* What the in-memory side was when a savepoint began, to put back when it
 * is rolled back (savepoints here never nest). */
struct memory_undo {
	struct open_session open[HISTORY_STATIONS_MAX];
	struct closed_session faulted[HISTORY_STATIONS_MAX];
};

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
	/* The write transaction kept open while a session runs (see
	 * history_txn_begin); txn_since_ms is the wall time it began. */
	bool txn_open;
	uint64_t txn_since_ms;
	struct memory_undo undo;
};

/* The history writes through one transaction that stays open while any
 * session runs: a session's start, a cleaning, a fault reset and the like
 * wait in it (its own connection, so every read here already sees them)
 * and go to disk with the next commit that must happen anyway, the plot
 * points' flush or a session's end, or HISTORY_TXN_WINDOW_MS after the
 * first of them at the latest (the recorder asks every round,
 * history_commit_due).  An SD card pays per page a commit touches
 * (bench_soak --turnaround 90: 1.6 KB a session).  A session's end and a
 * fault are committed at once, with whatever waited.  A kill -9 or a power
 * cut loses at most that window of history.db, never the event log's
 * record.
 *
 * Each batch of events, each flush and each retention pass runs in a
 * savepoint of its own: one that fails is undone alone, in the file and in
 * memory (open[], faulted[]), and what waited before it stays.  When the
 * whole transaction is lost (its COMMIT fails, or SQLite rolls it back on
 * a full disk), the sessions whose rows were only in it are forgotten (their
 * end logs them whole, as a session older than the history) and nothing
 * keeps a row id SQLite may give out again.  Caller holds h->lock. */
#define HISTORY_TXN_WINDOW_MS 300000u
int history_txn_begin(struct history *h, uint64_t wall_ms);
/* Commits what waits (and the published marks); on failure rolls it back.
 * 0 (also with nothing open) or -EIO. */
int history_txn_commit(struct history *h);
/* Drops what waits. */
void history_txn_abort(struct history *h);

/* Runs one statement with int64 parameters ?1..?n to completion.  0 or
 * -EIO.  Caller holds h->lock. */
int history_exec(struct history *h, const char *sql, int n, const int64_t *args);
/* Runs sql with int64 parameters ?1..?n and returns the first column of its
 * first row (0 when there is none or it is NULL), or -EIO.  Caller holds
 * h->lock. */
int64_t history_scalar(struct history *h, const char *sql, int n, const int64_t *args);
/* Writes the published marks waiting in memory; inside the caller's
 * transaction, lock held; they are forgotten once it commits.  0 or
 * -EIO. */
int history_flush_published(struct history *h);

#endif

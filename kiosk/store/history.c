/* SPDX-License-Identifier: MIT */
#include "store/history.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "store/history_private.h"
#include "store/history_sql.h"

static const char *const end_names[HISTORY_END_COUNT] = {
    [HISTORY_END_RUNNING] = "running",         [HISTORY_END_COMPLETED] = "completed",
    [HISTORY_END_STOPPED] = "stopped",         [HISTORY_END_FAULTED] = "faulted",
    [HISTORY_END_INTERRUPTED] = "interrupted",
};

const char *history_end_name(enum history_end e)
{
	return (unsigned int)e < HISTORY_END_COUNT ? end_names[e] : "unknown";
}

static int mkdir_parents(const char *dir)
{
	char buf[512];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int flush_points(struct history *h, struct open_session *o);

static int exec_sql(struct history *h, const char *sql)
{
	return sqlite3_exec(h->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

int history_exec(struct history *h, const char *sql, int n, const int64_t *args)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

int64_t history_scalar(struct history *h, const char *sql, int n, const int64_t *args)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -EIO;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		v = 0;
	sqlite3_finalize(st);
	return v;
}

/* Pressures as "40.1,38.0,..." in tenths, by integer arithmetic: the text
 * never depends on the process's LC_NUMERIC. */
static void zones_text(char *out, size_t len, const double *v, unsigned int n)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < n && used < len; i++) {
		double x = isfinite(v[i]) ? v[i] : 0.0;
		long t = lround(x * 10.0);
		long a = labs(t);
		int w = snprintf(out + used, len - used, "%s%s%ld.%ld", i ? "," : "",
		                 t < 0 ? "-" : "", a / 10, a % 10);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int history_txn_begin(struct history *h, uint64_t wall_ms)
{
	if (h->txn_open)
		return 0;
	if (exec_sql(h, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	h->txn_open = true;
	h->txn_since_ms = wall_ms;
	return 0;
}

/* The open transaction is gone without its commit: forget every row id
 * that lived only in it (SQLite may hand the same ids out again). */
static void txn_forget(struct history *h)
{
	for (size_t i = 0; i < HISTORY_STATIONS_MAX; i++) {
		if (h->open[i].uncommitted)
			memset(&h->open[i], 0, sizeof(h->open[i]));
		h->faulted[i].id = 0;
	}
	h->txn_open = false;
}

void history_txn_abort(struct history *h)
{
	if (h->txn_open)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	txn_forget(h);
}

/* After a failed statement: SQLite rolls the whole transaction back by
 * itself on some errors (a full disk, I/O, out of memory). */
static void txn_check(struct history *h)
{
	if (h->txn_open && sqlite3_get_autocommit(h->db))
		txn_forget(h);
}

int history_txn_commit(struct history *h)
{
	if (!h->txn_open)
		return 0;
	if (history_flush_published(h) < 0 || exec_sql(h, "COMMIT") < 0) {
		history_txn_abort(h);
		return -EIO;
	}
	h->txn_open = false;
	h->published_count = 0;
	for (size_t i = 0; i < HISTORY_STATIONS_MAX; i++)
		h->open[i].uncommitted = false;
	return 0;
}

/* Starts savepoint name (inside the open transaction, begun if need be)
 * and keeps the in-memory side in h->undo.  0 or -EIO. */
static int step_begin(struct history *h, const char *name, uint64_t wall_ms)
{
	char sql[64];

	if (history_txn_begin(h, wall_ms) < 0)
		return -EIO;
	snprintf(sql, sizeof(sql), "SAVEPOINT %s", name);
	if (exec_sql(h, sql) < 0) {
		txn_check(h);
		return -EIO;
	}
	memcpy(h->undo.open, h->open, sizeof(h->undo.open));
	memcpy(h->undo.faulted, h->faulted, sizeof(h->undo.faulted));
	return 0;
}

/* Ends savepoint name: kept when rc is 0, else undone in the file and in
 * memory.  Returns rc, or -EIO when the release itself fails. */
static int step_end(struct history *h, const char *name, int rc)
{
	char sql[96];

	if (rc == 0) {
		snprintf(sql, sizeof(sql), "RELEASE %s", name);
		if (exec_sql(h, sql) == 0)
			return 0;
		rc = -EIO;
	}
	snprintf(sql, sizeof(sql), "ROLLBACK TO %s; RELEASE %s", name, name);
	sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	memcpy(h->open, h->undo.open, sizeof(h->open));
	memcpy(h->faulted, h->undo.faulted, sizeof(h->faulted));
	txn_check(h);
	return rc;
}

int history_commit_due(struct history *h, uint64_t wall_ms)
{
	int rc = 0;

	if (h->read_only)
		return 0;
	pthread_mutex_lock(&h->lock);
	/* HISTORY_TXN_WINDOW_MS old, or the clock went back. */
	if (h->txn_open &&
	    (wall_ms < h->txn_since_ms || wall_ms - h->txn_since_ms >= HISTORY_TXN_WINDOW_MS))
		rc = history_txn_commit(h);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

static bool any_open_locked(const struct history *h)
{
	for (size_t i = 0; i < HISTORY_STATIONS_MAX; i++)
		if (h->open[i].id)
			return true;
	return false;
}

static int close_interrupted(struct history *h)
{
	/* delivered: up to the session's last plot point. */
	const int64_t end[1] = {HISTORY_END_INTERRUPTED};

	return history_exec(h,
	                    "UPDATE sessions SET end_kind = ?1,"
	                    " delivered_s = IFNULL((SELECT MAX(t_s) FROM samples"
	                    " WHERE session_id = sessions.id), 0),"
	                    " ended_ms = started_ms + 1000 * IFNULL((SELECT MAX(t_s) FROM samples"
	                    " WHERE session_id = sessions.id), 0) WHERE ended_ms IS NULL",
	                    1, end);
}

static int samples_to_rowid(struct history *h)
{
	int64_t old = history_scalar(h, HISTORY_SQL_SAMPLES_WITHOUT_ROWID, 0, NULL);

	if (old <= 0)
		return old < 0 ? -EIO : 0;
	if (history_txn_begin(h, 0) < 0)
		return -EIO;
	if (exec_sql(h, HISTORY_SQL_SAMPLES_TO_ROWID) < 0) {
		history_txn_abort(h);
		return -EIO;
	}
	return history_txn_commit(h);
}

/* The WAL checkpoints at HISTORY_WAL_BYTES, in the file's own pages
 * (larger ones when it could not be rebuilt). */
static int wal_checkpoint_size(struct history *h)
{
	int64_t size = history_scalar(h, "PRAGMA page_size", 0, NULL);
	char sql[64];

	if (size <= 0)
		return -EIO;
	snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint=%lld;",
	         (long long)(HISTORY_WAL_BYTES / size));
	return exec_sql(h, sql);
}

/* A history made with larger pages is rebuilt with HISTORY_PAGE_SIZE ones,
 * once, when it is small enough to be done in seconds at start-up.  It
 * holds the file's lock from leaving WAL mode until it is back in it, so no
 * other process can read in between or keep it from going back; a kill in
 * the middle leaves a rollback journal the next open plays back (still the
 * old pages).  Not fatal: when it cannot be done now (another process
 * reading, no room for the copy), the history works as it is and the next
 * start tries again. */
static int smaller_pages(struct history *h)
{
	int64_t size = history_scalar(h, "PRAGMA page_size", 0, NULL);
	int64_t pages = history_scalar(h, "PRAGMA page_count", 0, NULL);

	if (size <= 0 || pages < 0)
		return -EIO;
	if (size == HISTORY_PAGE_SIZE)
		return 0;
	if (size * pages > HISTORY_REBUILD_MAX_BYTES) {
		fprintf(stderr,
		        "<5>history: '%s' has %lld-byte pages, which write more to the card than "
		        "%d-byte ones, and is too big (%lld KB) to rebuild at start-up; to rebuild "
		        "it, stop the kiosk and run: sqlite3 '%s' '" HISTORY_SQL_PAGE_SIZE
		        " PRAGMA journal_mode=WAL;'\n",
		        h->path, (long long)size, HISTORY_PAGE_SIZE,
		        (long long)(size * pages / 1024), h->path);
		return 0;
	}
	int rc = exec_sql(h, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;"
	                     " PRAGMA synchronous=FULL;");
	if (rc == 0)
		rc = exec_sql(h, HISTORY_SQL_PAGE_SIZE);
	if (rc < 0)
		fprintf(stderr,
		        "<5>history: cannot rebuild '%s' with %d-byte pages (%s); it keeps its "
		        "%lld-byte pages for now, which write more to the card; the next start "
		        "tries again, and needs no other process reading the history and twice "
		        "the file's size free\n",
		        h->path, HISTORY_PAGE_SIZE, sqlite3_errmsg(h->db), (long long)size);
	/* Back to WAL, rebuilt or not: the lock is still held while the
	 * journal mode changes (locking_mode=NORMAL lets it go at the end of
	 * that statement; set after WAL mode it would be ignored), so nobody
	 * else can read the file in between or keep it from going back. */
	if (exec_sql(h, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;") < 0)
		fprintf(stderr,
		        "<4>history: '%s' cannot go back to WAL mode (%s); it works as it is, "
		        "and the next start tries again\n",
		        h->path, sqlite3_errmsg(h->db));
	if (exec_sql(h, "PRAGMA synchronous=NORMAL;") < 0 ||
	    history_scalar(h, "SELECT COUNT(*) FROM sqlite_master", 0, NULL) < 0)
		return -EIO;
	return 0;
}

static int migrate(struct history *h)
{
	int64_t has = history_scalar(h, HISTORY_SQL_HAS_PUBLISHED, 0, NULL);

	if (has < 0 || (has == 0 && exec_sql(h, HISTORY_SQL_ADD_PUBLISHED) < 0))
		return -EIO;
	if (samples_to_rowid(h) < 0 || exec_sql(h, HISTORY_SQL_SAMPLES_INDEX) < 0 ||
	    exec_sql(h, HISTORY_SQL_PUBLISHED_INDEX) < 0)
		return -EIO;
	if (smaller_pages(h) < 0)
		return -EIO;
	return wal_checkpoint_size(h);
}

struct history *history_open(const char *state_dir, const struct history_limits *lim,
                             bool read_only, char *err, size_t err_len)
{
	struct history *h;
	int rc = -EIO;

	if (!state_dir || !*state_dir) {
		snprintf(err, err_len, "history: state_dir is empty; set state_dir in kiosk.conf");
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, err_len, "history: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->read_only = read_only;
	h->lim = lim ? *lim
	             : (struct history_limits){HISTORY_DEFAULT_KEEP_DAYS, HISTORY_DEFAULT_MAX_KIB,
	                                       HISTORY_DEFAULT_SAMPLE_S};
	if (h->lim.sample_s == 0)
		h->lim.sample_s = 1;
	if (!read_only) {
		rc = mkdir_parents(state_dir);
		if (rc < 0) {
			snprintf(err, err_len,
			         "history: cannot create state_dir '%s': %s; create it writable by "
			         "the kiosk user",
			         state_dir, strerror(-rc));
			goto err_free;
		}
	}
	if ((size_t)snprintf(h->path, sizeof(h->path), "%s/%s", state_dir, HISTORY_DB_NAME) >=
	    sizeof(h->path)) {
		snprintf(err, err_len, "history: state_dir '%s' is too long; use a shorter path",
		         state_dir);
		rc = -ENAMETOOLONG;
		goto err_free;
	}
	if (read_only) {
		struct stat sb;
		if (stat(h->path, &sb) < 0) {
			rc = -errno;
			snprintf(err, err_len,
			         "history: no history at '%s' (%s); check state_dir in kiosk.conf "
			         "and that the kiosk has run",
			         h->path, strerror(-rc));
			goto err_free;
		}
	}
	int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(h->path, &h->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, err_len,
		         "history: cannot open '%s': %s; check the folder's owner and free space",
		         h->path, h->db ? sqlite3_errmsg(h->db) : "out of memory");
		rc = -EIO;
		goto err_db;
	}
	sqlite3_busy_timeout(h->db, 2000);
	/* A bounded page cache: the file grows for a year, the kiosk's memory
	 * must not (bench_soak: RSS crept while SQLite's default 2 MB filled). */
	sqlite3_exec(h->db, "PRAGMA cache_size=" HISTORY_CACHE_KIB, NULL, NULL, NULL);
	if (!read_only &&
	    (exec_sql(h, HISTORY_PRAGMAS) < 0 || exec_sql(h, history_schema_sql) < 0 ||
	     migrate(h) < 0 || close_interrupted(h) < 0)) {
		snprintf(err, err_len,
		         "history: cannot set up '%s': %s; move the file away if it is not a kiosk "
		         "history",
		         h->path, sqlite3_errmsg(h->db));
		rc = -EIO;
		goto err_db;
	}
	if (read_only && history_scalar(h, "SELECT COUNT(*) FROM sessions", 0, NULL) < 0) {
		if (sqlite3_extended_errcode(h->db) == SQLITE_READONLY_ROLLBACK)
			snprintf(err, err_len,
			         "history: '%s' was left mid-change by a kiosk that stopped "
			         "abruptly; start the kiosk (it finishes or undoes the change), "
			         "then ask again",
			         h->path);
		else
			snprintf(err, err_len, "history: '%s' is not a kiosk history (%s)", h->path,
			         sqlite3_errmsg(h->db));
		rc = -EIO;
		goto err_db;
	}
	return h;

err_db:
	sqlite3_close(h->db);
err_free:
	pthread_mutex_destroy(&h->lock);
	free(h);
	errno = -rc;
	return NULL;
}

void history_close(struct history *h)
{
	if (!h)
		return;
	if (!h->read_only) {
		/* What waits, and the plot points still in memory; a kill -9
		 * loses at most HISTORY_POINTS_PER_COMMIT of them, never a
		 * summary. */
		if (history_txn_begin(h, 0) == 0) {
			int rc = 0;
			for (size_t i = 0; i < HISTORY_STATIONS_MAX && rc == 0; i++)
				if (h->open[i].id)
					rc = flush_points(h, &h->open[i]);
			if (rc < 0)
				history_txn_abort(h);
			else
				history_txn_commit(h);
		}
		close_interrupted(h);
	}
	sqlite3_close(h->db);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* ---- feeding ---- */

static int write_stats(struct history *h, const struct open_session *o)
{
	double mean[HISTORY_ZONES_MAX] = {0};
	char peak_t[96], mean_t[96];
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	for (unsigned int z = 0; z < o->zone_count; z++)
		mean[z] = o->readings ? o->sum[z] / (double)o->readings : 0.0;
	zones_text(peak_t, sizeof(peak_t), o->peak, o->zone_count);
	zones_text(mean_t, sizeof(mean_t), mean, o->zone_count);
	if (sqlite3_prepare_v2(h->db,
	                       "UPDATE sessions SET zone_count=?, peak=?, mean=?, fault_count=?,"
	                       " faults=?, samples=? WHERE id=?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int(st, 1, (int)o->zone_count);
	sqlite3_bind_text(st, 2, peak_t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mean_t, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)o->fault_count);
	sqlite3_bind_text(st, 5, o->faults, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)o->samples);
	sqlite3_bind_int64(st, 7, o->id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* Writes the points waiting in memory, as one deflated row
 * (history_private.h), and the running statistics; inside the caller's
 * transaction. */
static int flush_points(struct history *h, struct open_session *o)
{
	uint8_t plain[HISTORY_POINTS_PER_COMMIT * HISTORY_SERIES_POINT_BYTES(HISTORY_ZONES_MAX)];
	/* zlib's worst case (compressBound) is the input plus 13 bytes at
	 * this size. */
	uint8_t blob[HISTORY_SERIES_HEADER + sizeof(plain) + 64u];
	sqlite3_stmt *q = NULL;
	unsigned int n = o->pending_count, nz = o->zone_count;
	size_t len = 0;
	int rc = -EIO;

	if (n == 0)
		return 0;
	int64_t last = o->pending[n - 1].t_s;
	for (unsigned int i = 0; i < n; i++) {
		int64_t back = last - o->pending[i].t_s;
		history_series_put_u16(plain + len, (uint16_t)(back < 0            ? 0
		                                               : back > UINT16_MAX ? UINT16_MAX
		                                                                   : back));
		len += 2;
		for (unsigned int z = 0; z < nz; z++, len += 2)
			history_series_put_u16(plain + len, (uint16_t)o->pending[i].tenths[z]);
	}
	uLongf packed = sizeof(blob) - HISTORY_SERIES_HEADER;
	if (compress2(blob + HISTORY_SERIES_HEADER, &packed, plain, len, Z_BEST_COMPRESSION) !=
	    Z_OK)
		return -EIO;
	blob[0] = HISTORY_SERIES_DEFLATED;
	blob[1] = (uint8_t)nz;
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT OR REPLACE INTO samples (session_id, t_s, zones)"
	                       " VALUES (?,?,?)",
	                       -1, &q, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(q, 1, o->id);
	sqlite3_bind_int64(q, 2, last);
	sqlite3_bind_blob(q, 3, blob, (int)(HISTORY_SERIES_HEADER + packed), SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(q);
	o->pending_count = 0;
	/* Keeps the summary current, so a kiosk that dies mid-session still
	 * leaves its peak and mean up to the last flush. */
	return rc == 0 ? write_stats(h, o) : rc;
}

/* mmHg x 10 as an int16, clamped; not a number reads 0. */
static int16_t tenths_of(double v)
{
	double t = isfinite(v) ? round(v * 10.0) : 0.0;

	return (int16_t)(t < INT16_MIN ? INT16_MIN : t > INT16_MAX ? INT16_MAX : t);
}

/* Keeps one plot point in memory; true when the batch is full.  A batch
 * still full (its commit failed: the disk is full or gone) takes no more
 * points until a commit empties it. */
static bool add_point(struct open_session *o, const struct station_snapshot *st, uint64_t wall_ms)
{
	if (o->pending_count >= HISTORY_POINTS_PER_COMMIT)
		return true;
	struct pending_point *p = &o->pending[o->pending_count++];

	for (unsigned int z = 0; z < HISTORY_ZONES_MAX; z++)
		p->tenths[z] = z < o->zone_count ? tenths_of(st->zone_mmhg[z]) : 0;
	p->t_s = (int64_t)(wall_ms > o->started_ms ? (wall_ms - o->started_ms) / 1000u : 0);
	o->samples++;
	o->last_point_ms = wall_ms;
	return o->pending_count == HISTORY_POINTS_PER_COMMIT;
}

static int64_t insert_session(struct history *h, const struct kiosk_event *ev, uint64_t started_ms)
{
	sqlite3_stmt *st = NULL;
	int64_t id = -EIO;
	char program[sizeof(ev->program_id) + 1];

	snprintf(program, sizeof(program), "%.*s", (int)sizeof(ev->program_id), ev->program_id);
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT INTO sessions (station, program_id, started_ms, planned_s,"
	                       " published) VALUES (?,?,?,?,0)",
	                       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int(st, 1, (int)ev->station + 1);
	sqlite3_bind_text(st, 2, program, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)started_ms);
	sqlite3_bind_int(st, 4, (int)ev->duration_s);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(h->db);
	sqlite3_finalize(st);
	return id;
}

static void add_fault(struct open_session *o, enum fault_code f)
{
	const char *name = fault_code_name(f);
	size_t len = strlen(o->faults);
	const char *p = o->faults;

	o->fault_count++;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n == strlen(name) && strncmp(p, name, n) == 0)
			return;
		p = p[n] ? p + n + 1 : NULL;
	}
	snprintf(o->faults + len, sizeof(o->faults) - len, "%s%s", len ? "," : "", name);
}

static int close_session(struct history *h, const struct kiosk_event *ev)
{
	struct open_session *o = &h->open[ev->station];
	enum history_end end = HISTORY_END_STOPPED;
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (ev->kind == EVENT_SESSION_COMPLETED)
		end = HISTORY_END_COMPLETED;
	else if (ev->reason == STOP_FAULT)
		end = HISTORY_END_FAULTED;
	if (!o->id) {
		/* The start predates this history: log the session as a whole. */
		uint64_t run_ms = (uint64_t)ev->elapsed_s * 1000u;
		int64_t id = insert_session(h, ev, ev->wall_ms > run_ms ? ev->wall_ms - run_ms : 0);
		if (id < 0)
			return -EIO;
		memset(o, 0, sizeof(*o));
		o->id = id;
	}
	if (flush_points(h, o) < 0 || write_stats(h, o) < 0)
		return -EIO;
	if (sqlite3_prepare_v2(h->db,
	                       "UPDATE sessions SET ended_ms=?, delivered_s=?, end_kind=?,"
	                       " stop_reason=? WHERE id=?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_int(st, 2, (int)ev->elapsed_s);
	sqlite3_bind_int(st, 3, (int)end);
	sqlite3_bind_text(st, 4, end == HISTORY_END_COMPLETED ? "" : stop_reason_name(ev->reason),
	                  -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, o->id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	h->faulted[ev->station] = (struct closed_session){
	    .id = end == HISTORY_END_FAULTED && o->fault_count == 0 ? o->id : 0,
	    .ended_ms = ev->wall_ms};
	memset(o, 0, sizeof(*o));
	return rc;
}

/* A fault raised as (or right after) its session ended for it. */
static int attach_fault(struct history *h, int64_t id, enum fault_code f)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (sqlite3_prepare_v2(
	        h->db,
	        "UPDATE sessions SET fault_count = fault_count + 1,"
	        " faults = CASE WHEN faults = '' THEN ?1 ELSE faults || ',' || ?1 END"
	        " WHERE id = ?2",
	        -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, fault_code_name(f), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

static int insert_station_event(struct history *h, const struct kiosk_event *ev)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (sqlite3_prepare_v2(
	        h->db,
	        "INSERT INTO station_events (wall_ms, station, kind, kind_name, fault)"
	        " VALUES (?,?,?,?,?)",
	        -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_int(st, 2, (int)ev->station + 1);
	sqlite3_bind_int(st, 3, (int)ev->kind);
	sqlite3_bind_text(st, 4, event_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->kind == EVENT_FAULT_RAISED ? fault_code_name(ev->fault) : "",
	                  -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

static int record_one(struct history *h, const struct kiosk_event *ev)
{
	struct open_session *o;

	if (ev->station >= HISTORY_STATIONS_MAX)
		return 0;
	o = &h->open[ev->station];
	switch (ev->kind) {
	case EVENT_SESSION_STARTED: {
		h->faulted[ev->station].id = 0;
		if (o->id) {
			/* A start without an end: the end event was lost. */
			struct kiosk_event end = *ev;
			end.kind = EVENT_SESSION_STOPPED;
			end.reason = STOP_NONE;
			end.elapsed_s = (unsigned int)((ev->wall_ms - o->started_ms) / 1000u);
			if (close_session(h, &end) < 0)
				return -EIO;
		}
		int64_t id = insert_session(h, ev, ev->wall_ms);
		if (id < 0)
			return -EIO;
		memset(o, 0, sizeof(*o));
		o->id = id;
		o->started_ms = ev->wall_ms;
		o->uncommitted = true;
		return 0;
	}
	case EVENT_SESSION_COMPLETED:
	case EVENT_SESSION_STOPPED:
		return close_session(h, ev);
	case EVENT_FAULT_RAISED: {
		struct closed_session *c = &h->faulted[ev->station];
		if (o->id) {
			add_fault(o, ev->fault);
		} else if (c->id && ev->wall_ms <= c->ended_ms + HISTORY_FAULT_AFTER_STOP_MS) {
			if (attach_fault(h, c->id, ev->fault) < 0)
				return -EIO;
		}
		c->id = 0;
		return insert_station_event(h, ev);
	}
	case EVENT_FAULT_RESET:
	case EVENT_CLEANED:
	case EVENT_OUT_OF_SERVICE:
	case EVENT_IN_SERVICE:
		return insert_station_event(h, ev);
	default:
		return 0;
	}
}

/* Whether a batch must reach the disk now: a session's end (its summary is
 * published from here), a fault (it may belong to the session just ended),
 * or nothing running whose flush would take it. */
static bool commit_now(const struct history *h, const struct kiosk_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == EVENT_SESSION_COMPLETED || ev[i].kind == EVENT_SESSION_STOPPED ||
		    ev[i].kind == EVENT_FAULT_RAISED)
			return true;
	return !any_open_locked(h);
}

int history_record_events(struct history *h, const struct kiosk_event *ev, size_t n)
{
	int rc;

	if (h->read_only)
		return -EROFS;
	if (n == 0)
		return 0;
	pthread_mutex_lock(&h->lock);
	/* A batch that fails is undone alone; what waited before it stays. */
	rc = step_begin(h, "batch", ev[0].wall_ms);
	if (rc == 0) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = record_one(h, &ev[i]);
		rc = step_end(h, "batch", rc);
	}
	if (rc == 0 && commit_now(h, ev, n))
		rc = history_txn_commit(h);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int history_record_snapshot(struct history *h, const struct kiosk_snapshot *snap, uint64_t wall_ms)
{
	int rc = 0;
	bool full = false;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < snap->station_count && i < HISTORY_STATIONS_MAX; i++) {
		const struct station_snapshot *st = &snap->stations[i];
		struct open_session *o = &h->open[i];
		if (!o->id || st->state != STATION_RUNNING)
			continue;
		unsigned int nz =
		    (unsigned int)(st->zone_count < HISTORY_ZONES_MAX ? st->zone_count
		                                                      : HISTORY_ZONES_MAX);
		if (nz > o->zone_count)
			o->zone_count = nz;
		for (unsigned int z = 0; z < nz; z++) {
			double v = isfinite(st->zone_mmhg[z]) ? st->zone_mmhg[z] : 0.0;
			if (v > o->peak[z])
				o->peak[z] = v;
			o->sum[z] += v;
		}
		o->readings++;
		if (o->last_point_ms && wall_ms < o->last_point_ms + h->lim.sample_s * 1000ull)
			continue;
		full = add_point(o, st, wall_ms) || full;
	}
	/* One station's batch is full: every station's points go in the same
	 * transaction, so the stations share their commits, and so does what
	 * waited. */
	if (full) {
		rc = step_begin(h, "flush", wall_ms);
		if (rc == 0) {
			for (size_t i = 0; i < HISTORY_STATIONS_MAX && rc == 0; i++)
				if (h->open[i].id)
					rc = flush_points(h, &h->open[i]);
			rc = step_end(h, "flush", rc);
		}
		if (rc == 0)
			rc = history_txn_commit(h);
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

bool history_any_open(struct history *h)
{
	pthread_mutex_lock(&h->lock);
	bool any = any_open_locked(h);
	pthread_mutex_unlock(&h->lock);
	return any;
}

/* ---- retention ---- */

static int64_t used_bytes_locked(struct history *h)
{
	int64_t pages = history_scalar(h, "PRAGMA page_count", 0, NULL);
	int64_t free_pages = history_scalar(h, "PRAGMA freelist_count", 0, NULL);
	int64_t size = history_scalar(h, "PRAGMA page_size", 0, NULL);

	if (pages < 0 || free_pages < 0 || size < 0)
		return -EIO;
	return (pages - free_pages) * size;
}

int64_t history_used_bytes(struct history *h)
{
	pthread_mutex_lock(&h->lock);
	int64_t n = used_bytes_locked(h);
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* The oldest closed sessions' series first, then the oldest closed
 * summaries, then the oldest station events, a batch at a time.  1 when it
 * dropped something, 0 when nothing is left to drop, -EIO. */
static int shrink_once(struct history *h, struct history_pruned *p)
{
	static const int64_t batch[1] = {HISTORY_SQL_PRUNE_BATCH};
	int64_t n =
	    history_scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_SERIES_VICTIMS ")", 1, batch);

	if (n > 0) {
		if (history_exec(
		        h,
		        "DELETE FROM samples WHERE session_id IN (" HISTORY_SQL_SERIES_VICTIMS ")",
		        1, batch) < 0 ||
		    history_exec(
		        h,
		        "UPDATE sessions SET samples = 0 WHERE id IN (" HISTORY_SQL_SERIES_VICTIMS
		        ")",
		        1, batch) < 0)
			return -EIO;
		p->series += (unsigned int)n;
		return 1;
	}
	n = history_scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_SESSION_VICTIMS ")", 1, batch);
	if (n > 0) {
		if (history_exec(
		        h, "DELETE FROM sessions WHERE id IN (" HISTORY_SQL_SESSION_VICTIMS ")", 1,
		        batch) < 0)
			return -EIO;
		p->sessions += (unsigned int)n;
		return 1;
	}
	n = history_scalar(h, "SELECT COUNT(*) FROM (SELECT id FROM station_events LIMIT ?1)", 1,
	                   batch);
	if (n > 0) {
		if (history_exec(
		        h,
		        "DELETE FROM station_events WHERE id IN (SELECT id FROM station_events"
		        " ORDER BY id LIMIT ?1)",
		        1, batch) < 0)
			return -EIO;
		p->events += (unsigned int)n;
		return 1;
	}
	return n < 0 ? -EIO : 0;
}

int history_enforce_retention(struct history *h, uint64_t now_wall_ms, struct history_pruned *out)
{
	struct history_pruned p = {0};
	int rc = 0;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	uint64_t keep_ms = (uint64_t)h->lim.keep_days * 86400000ull;
	int64_t cutoff[1] = {(int64_t)(now_wall_ms > keep_ms ? now_wall_ms - keep_ms : 0)};
	/* What waits goes with it; a pass that fails is undone alone. */
	if (step_begin(h, "retention", now_wall_ms) < 0) {
		rc = -EIO;
		goto out;
	}
	int64_t n =
	    history_scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_OLD_SESSIONS ")", 1, cutoff);
	int64_t e =
	    history_scalar(h, "SELECT COUNT(*) FROM station_events WHERE wall_ms < ?1", 1, cutoff);
	if (n < 0 || e < 0 ||
	    history_exec(h,
	                 "DELETE FROM samples WHERE session_id IN (" HISTORY_SQL_OLD_SESSIONS ")",
	                 1, cutoff) < 0 ||
	    history_exec(h, "DELETE FROM sessions WHERE id IN (" HISTORY_SQL_OLD_SESSIONS ")", 1,
	                 cutoff) < 0 ||
	    history_exec(h, "DELETE FROM station_events WHERE wall_ms < ?1", 1, cutoff) < 0) {
		rc = -EIO;
		goto rollback;
	}
	p.sessions += (unsigned int)n;
	p.events += (unsigned int)e;
	/* Each round frees pages into the free list; the loop ends when the
	 * data fits or nothing closed is left to drop. */
	int64_t limit = (int64_t)h->lim.max_kib * 1024;
	for (unsigned int round = 0; round < 100000u; round++) {
		int64_t used = used_bytes_locked(h);
		if (used < 0) {
			rc = -EIO;
			goto rollback;
		}
		if (used <= limit)
			break;
		int more = shrink_once(h, &p);
		if (more < 0) {
			rc = -EIO;
			goto rollback;
		}
		if (more == 0)
			break;
	}
	rc = step_end(h, "retention", 0);
	if (rc == 0)
		rc = history_txn_commit(h);
	goto out;
rollback:
	step_end(h, "retention", -EIO);
	p = (struct history_pruned){0};
out:
	pthread_mutex_unlock(&h->lock);
	if (out)
		*out = p;
	return rc;
}

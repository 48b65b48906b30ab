/* SPDX-License-Identifier: MIT */
#include "store/history.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/history_sql.h"

/* What the recorder knows about a station's open session between events. */
/* Plot points wait in memory and go to disk a minute's worth (at the
 * default sample_s) in one transaction, and at the session's end: an SD card
 * pays for commits, not for rows. */
#define HISTORY_POINTS_PER_COMMIT 12u

struct pending_point {
	int64_t t_s;
	char zones[96];
};

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

struct history {
	sqlite3 *db;
	pthread_mutex_t lock;
	struct history_limits lim;
	bool read_only;
	char path[512];
	struct open_session open[HISTORY_STATIONS_MAX];
};

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

/* Runs one statement with int64 parameters ?1..?n to completion. */
static int run(struct history *h, const char *sql, int n, const int64_t *args)
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

static int64_t scalar(struct history *h, const char *sql, int n, const int64_t *args)
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

static unsigned int zones_parse(const char *text, double *out, unsigned int max)
{
	unsigned int n = 0;
	const char *p = text;

	while (p && *p && n < max) {
		char *end;
		double v = strtod(p, &end); /* the text is always '.' decimal; see zones_text */
		if (end == p)
			break;
		out[n++] = v;
		p = *end == ',' ? end + 1 : NULL;
	}
	return n;
}

static int close_interrupted(struct history *h)
{
	/* delivered: up to the session's last plot point. */
	const int64_t end[1] = {HISTORY_END_INTERRUPTED};

	return run(h,
	           "UPDATE sessions SET end_kind = ?1,"
	           " delivered_s = IFNULL((SELECT MAX(t_s) FROM samples"
	           " WHERE session_id = sessions.id), 0),"
	           " ended_ms = started_ms + 1000 * IFNULL((SELECT MAX(t_s) FROM samples"
	           " WHERE session_id = sessions.id), 0) WHERE ended_ms IS NULL",
	           1, end);
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
	if (!read_only && (exec_sql(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") < 0 ||
	                   exec_sql(h, history_schema_sql) < 0 || close_interrupted(h) < 0)) {
		snprintf(err, err_len,
		         "history: cannot set up '%s': %s; move the file away if it is not a kiosk "
		         "history",
		         h->path, sqlite3_errmsg(h->db));
		rc = -EIO;
		goto err_db;
	}
	if (read_only && scalar(h, "SELECT COUNT(*) FROM sessions", 0, NULL) < 0) {
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
		/* The plot points still in memory; a kill -9 loses at most
		 * HISTORY_POINTS_PER_COMMIT of them, never a summary. */
		if (exec_sql(h, "BEGIN IMMEDIATE") == 0) {
			int rc = 0;
			for (size_t i = 0; i < HISTORY_STATIONS_MAX && rc == 0; i++)
				if (h->open[i].id)
					rc = flush_points(h, &h->open[i]);
			if (rc < 0 || exec_sql(h, "COMMIT") < 0)
				sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
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

/* Writes the points waiting in memory and the running statistics; inside
 * the caller's transaction. */
static int flush_points(struct history *h, struct open_session *o)
{
	sqlite3_stmt *q = NULL;
	int rc = 0;

	if (o->pending_count == 0)
		return 0;
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT OR REPLACE INTO samples (session_id, t_s, zones)"
	                       " VALUES (?,?,?)",
	                       -1, &q, NULL) != SQLITE_OK)
		return -EIO;
	for (unsigned int i = 0; i < o->pending_count && rc == 0; i++) {
		sqlite3_bind_int64(q, 1, o->id);
		sqlite3_bind_int64(q, 2, o->pending[i].t_s);
		sqlite3_bind_text(q, 3, o->pending[i].zones, -1, SQLITE_STATIC);
		rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -EIO;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	o->pending_count = 0;
	/* Keeps the summary current, so a kiosk that dies mid-session still
	 * leaves its peak and mean up to the last flush. */
	return rc == 0 ? write_stats(h, o) : rc;
}

/* Keeps one plot point in memory; true when the batch is full. */
static bool add_point(struct open_session *o, const struct station_snapshot *st, uint64_t wall_ms)
{
	struct pending_point *p = &o->pending[o->pending_count++];

	zones_text(p->zones, sizeof(p->zones), st->zone_mmhg, o->zone_count);
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
	                       "INSERT INTO sessions (station, program_id, started_ms, planned_s)"
	                       " VALUES (?,?,?,?)",
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
	memset(o, 0, sizeof(*o));
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
		return 0;
	}
	case EVENT_SESSION_COMPLETED:
	case EVENT_SESSION_STOPPED:
		return close_session(h, ev);
	case EVENT_FAULT_RAISED:
		if (o->id)
			add_fault(o, ev->fault);
		return insert_station_event(h, ev);
	case EVENT_FAULT_RESET:
	case EVENT_CLEANED:
	case EVENT_OUT_OF_SERVICE:
	case EVENT_IN_SERVICE:
		return insert_station_event(h, ev);
	default:
		return 0;
	}
}

int history_record_events(struct history *h, const struct kiosk_event *ev, size_t n)
{
	int rc = 0;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	if (exec_sql(h, "BEGIN IMMEDIATE") < 0) {
		rc = -EIO;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = record_one(h, &ev[i]);
	if (rc == 0 && exec_sql(h, "COMMIT") < 0)
		rc = -EIO;
	if (rc < 0)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int history_record_snapshot(struct history *h, const struct kiosk_snapshot *snap, uint64_t wall_ms)
{
	int rc = 0;
	bool began = false;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < snap->station_count && i < HISTORY_STATIONS_MAX && rc == 0; i++) {
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
		if (!add_point(o, st, wall_ms))
			continue;
		if (!began) {
			if (exec_sql(h, "BEGIN IMMEDIATE") < 0) {
				rc = -EIO;
				break;
			}
			began = true;
		}
		rc = flush_points(h, o);
	}
	if (began) {
		if (rc == 0 && exec_sql(h, "COMMIT") < 0)
			rc = -EIO;
		if (rc < 0)
			sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

bool history_any_open(struct history *h)
{
	bool any = false;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < HISTORY_STATIONS_MAX; i++)
		any = any || h->open[i].id != 0;
	pthread_mutex_unlock(&h->lock);
	return any;
}

/* ---- retention ---- */

static int64_t used_bytes_locked(struct history *h)
{
	int64_t pages = scalar(h, "PRAGMA page_count", 0, NULL);
	int64_t free_pages = scalar(h, "PRAGMA freelist_count", 0, NULL);
	int64_t size = scalar(h, "PRAGMA page_size", 0, NULL);

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
	int64_t n = scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_SERIES_VICTIMS ")", 1, batch);

	if (n > 0) {
		if (run(h,
		        "DELETE FROM samples WHERE session_id IN (" HISTORY_SQL_SERIES_VICTIMS ")",
		        1, batch) < 0 ||
		    run(h,
		        "UPDATE sessions SET samples = 0 WHERE id IN (" HISTORY_SQL_SERIES_VICTIMS
		        ")",
		        1, batch) < 0)
			return -EIO;
		p->series += (unsigned int)n;
		return 1;
	}
	n = scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_SESSION_VICTIMS ")", 1, batch);
	if (n > 0) {
		if (run(h, "DELETE FROM sessions WHERE id IN (" HISTORY_SQL_SESSION_VICTIMS ")", 1,
		        batch) < 0)
			return -EIO;
		p->sessions += (unsigned int)n;
		return 1;
	}
	n = scalar(h, "SELECT COUNT(*) FROM (SELECT id FROM station_events LIMIT ?1)", 1, batch);
	if (n > 0) {
		if (run(h,
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
	if (exec_sql(h, "BEGIN IMMEDIATE") < 0) {
		rc = -EIO;
		goto out;
	}
	int64_t n = scalar(h, "SELECT COUNT(*) FROM (" HISTORY_SQL_OLD_SESSIONS ")", 1, cutoff);
	int64_t e = scalar(h, "SELECT COUNT(*) FROM station_events WHERE wall_ms < ?1", 1, cutoff);
	if (n < 0 || e < 0 ||
	    run(h, "DELETE FROM samples WHERE session_id IN (" HISTORY_SQL_OLD_SESSIONS ")", 1,
	        cutoff) < 0 ||
	    run(h, "DELETE FROM sessions WHERE id IN (" HISTORY_SQL_OLD_SESSIONS ")", 1, cutoff) <
	        0 ||
	    run(h, "DELETE FROM station_events WHERE wall_ms < ?1", 1, cutoff) < 0) {
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
	if (exec_sql(h, "COMMIT") < 0) {
		rc = -EIO;
		goto rollback;
	}
	goto out;
rollback:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pthread_mutex_unlock(&h->lock);
	if (out)
		*out = p;
	return rc;
}

/* ---- queries ---- */

static void column_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

static void read_session_row(sqlite3_stmt *st, struct history_session *s)
{
	char text[128];

	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	s->station = (unsigned int)sqlite3_column_int(st, 1);
	column_text(st, 2, s->program_id, sizeof(s->program_id));
	s->started_ms = (uint64_t)sqlite3_column_int64(st, 3);
	s->ended_ms = (uint64_t)sqlite3_column_int64(st, 4);
	s->planned_s = (unsigned int)sqlite3_column_int(st, 5);
	s->delivered_s = (unsigned int)sqlite3_column_int(st, 6);
	int end = sqlite3_column_int(st, 7);
	s->end = end >= 0 && end < HISTORY_END_COUNT ? (enum history_end)end : HISTORY_END_RUNNING;
	column_text(st, 8, s->stop_reason, sizeof(s->stop_reason));
	s->zone_count = (unsigned int)sqlite3_column_int(st, 9);
	if (s->zone_count > HISTORY_ZONES_MAX)
		s->zone_count = HISTORY_ZONES_MAX;
	column_text(st, 10, text, sizeof(text));
	zones_parse(text, s->peak_mmhg, s->zone_count);
	column_text(st, 11, text, sizeof(text));
	zones_parse(text, s->mean_mmhg, s->zone_count);
	s->fault_count = (unsigned int)sqlite3_column_int(st, 12);
	column_text(st, 13, s->faults, sizeof(s->faults));
	s->samples = (unsigned int)sqlite3_column_int(st, 14);
}

int history_sessions(struct history *h, const struct history_query *q,
                     int (*fn)(void *ctx, const struct history_session *s), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct history_session s;
	int rc = 0;
	int step;

	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db,
	                       q->newest_first ? HISTORY_SQL_SESSIONS " ORDER BY id DESC LIMIT ?3"
	                                       : HISTORY_SQL_SESSIONS " ORDER BY id LIMIT ?3",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)q->since_ms);
	sqlite3_bind_int(st, 2, (int)q->station);
	sqlite3_bind_int64(st, 3, q->limit ? (sqlite3_int64)q->limit : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_session_row(st, &s);
		rc = fn(ctx, &s);
		if (rc)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = -EIO;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int history_session_get(struct history *h, int64_t id, struct history_session *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db, HISTORY_SQL_SESSION_BY_ID, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			read_session_row(st, out);
			rc = 0;
		} else if (step == SQLITE_DONE) {
			rc = -ENOENT;
		}
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int history_session_samples(struct history *h, int64_t id, struct history_sample *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int step = SQLITE_ERROR;

	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT t_s, zones FROM samples WHERE session_id=? ORDER BY t_s"
	                       " LIMIT ?",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		while ((size_t)count < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
			struct history_sample *p = &out[count++];
			char text[128];
			memset(p, 0, sizeof(*p));
			p->t_s = (uint32_t)sqlite3_column_int64(st, 0);
			column_text(st, 1, text, sizeof(text));
			zones_parse(text, p->zone_mmhg, HISTORY_ZONES_MAX);
		}
		if ((size_t)count == max)
			step = SQLITE_DONE;
	}
	if (step != SQLITE_DONE)
		count = -EIO;
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return count;
}

int history_usage(struct history *h, uint64_t since_ms, unsigned int station,
                  struct history_usage_day *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int step = SQLITE_ERROR;

	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db, HISTORY_SQL_USAGE, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since_ms);
		sqlite3_bind_int(st, 2, (int)station);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
		while ((size_t)count < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
			struct history_usage_day *d = &out[count++];
			memset(d, 0, sizeof(*d));
			column_text(st, 0, d->day, sizeof(d->day));
			d->station = (unsigned int)sqlite3_column_int(st, 1);
			d->sessions = (unsigned int)sqlite3_column_int(st, 2);
			d->minutes = (double)sqlite3_column_int64(st, 3) / 60.0;
			d->completed = (unsigned int)sqlite3_column_int(st, 4);
			d->stopped = (unsigned int)sqlite3_column_int(st, 5);
			d->faulted = (unsigned int)sqlite3_column_int(st, 6);
			d->interrupted = (unsigned int)sqlite3_column_int(st, 7);
			d->faults = (unsigned int)sqlite3_column_int(st, 8);
		}
		if ((size_t)count == max)
			step = SQLITE_DONE;
	}
	if (step != SQLITE_DONE)
		count = -EIO;
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return count;
}

int history_station_events(struct history *h, uint64_t since_ms, enum event_kind kind,
                           struct history_station_event *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int step = SQLITE_ERROR;

	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(
	        h->db,
	        "SELECT wall_ms, station, kind, fault FROM station_events"
	        " WHERE wall_ms >= ?1 AND (?2 < 0 OR kind = ?2) ORDER BY id LIMIT ?3",
	        -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since_ms);
		sqlite3_bind_int(st, 2, kind >= EVENT_KIND_COUNT ? -1 : (int)kind);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
		while ((size_t)count < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
			struct history_station_event *e = &out[count++];
			char fault[32];
			memset(e, 0, sizeof(*e));
			e->wall_ms = (uint64_t)sqlite3_column_int64(st, 0);
			e->station = (unsigned int)sqlite3_column_int(st, 1);
			e->kind = (enum event_kind)sqlite3_column_int(st, 2);
			column_text(st, 3, fault, sizeof(fault));
			for (int f = 0; f < FAULT_CODE_COUNT; f++)
				if (strcmp(fault, fault_code_name((enum fault_code)f)) == 0)
					e->fault = (enum fault_code)f;
		}
		if ((size_t)count == max)
			step = SQLITE_DONE;
	}
	if (step != SQLITE_DONE)
		count = -EIO;
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return count;
}

int64_t history_last_cleaned(struct history *h, unsigned int station)
{
	const int64_t args[2] = {(int64_t)station, EVENT_CLEANED};

	pthread_mutex_lock(&h->lock);
	int64_t v = scalar(
	    h, "SELECT MAX(wall_ms) FROM station_events WHERE station=?1 AND kind=?2", 2, args);
	pthread_mutex_unlock(&h->lock);
	return v;
}

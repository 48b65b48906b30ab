/* SPDX-License-Identifier: MIT */
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "store/store_private.h"

#define STORE_STR_(x) #x
#define STORE_STR(x) STORE_STR_(x)

/* Ids are plain rowids (max + 1), not AUTOINCREMENT: its sqlite_sequence
 * page would be one more page written per commit.  An id is never used
 * twice because store_prune() never deletes a table's newest row.  A
 * database made before keeps its AUTOINCREMENT tables; the partial index
 * on open sessions is gone (the newest rows are read backwards instead). */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY,"
    " kind INTEGER NOT NULL, kind_name TEXT NOT NULL,"
    " station INTEGER NOT NULL, wall_ms INTEGER NOT NULL,"
    " program_id TEXT NOT NULL, duration_s INTEGER NOT NULL, elapsed_s INTEGER NOT NULL,"
    " target_mmhg REAL NOT NULL, reason INTEGER NOT NULL, fault INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox (event_id INTEGER PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS sessions ("
    " id INTEGER PRIMARY KEY,"
    " station INTEGER NOT NULL, program_id TEXT NOT NULL,"
    " started_ms INTEGER NOT NULL, ended_ms INTEGER,"
    " duration_s INTEGER NOT NULL, elapsed_s INTEGER NOT NULL DEFAULT 0,"
    " target_mmhg REAL NOT NULL, end_reason TEXT);"
    "DROP INDEX IF EXISTS sessions_open;"
    "CREATE TABLE IF NOT EXISTS service ("
    " number INTEGER PRIMARY KEY, out_of_service INTEGER NOT NULL DEFAULT 0,"
    " note TEXT NOT NULL DEFAULT '', by TEXT NOT NULL DEFAULT '',"
    " fault INTEGER NOT NULL DEFAULT 0, needs_cleaning INTEGER NOT NULL DEFAULT 0,"
    " wall_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS commands ("
    " request_id TEXT PRIMARY KEY, station INTEGER NOT NULL, action INTEGER NOT NULL,"
    " status INTEGER NOT NULL, wall_ms INTEGER NOT NULL) WITHOUT ROWID;";

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

int store_exec(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int load_or_make_tag(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='tag'", -1, &st, NULL) !=
	    SQLITE_OK)
		return -EIO;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		if (v && strlen((const char *)v) == STORE_TAG_LEN) {
			memcpy(s->tag, v, STORE_TAG_LEN + 1);
			rc = 0;
			goto out;
		}
	} else if (step != SQLITE_DONE) {
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	uint8_t raw[STORE_TAG_LEN / 2];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -EIO;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(s->tag + 2 * i, 3, "%02x", raw[i]);
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('tag', ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, s->tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
out:
	sqlite3_finalize(st);
	return rc;
}

static int prepare_all(struct store *s)
{
	const struct {
		sqlite3_stmt **st;
		const char *sql;
	} list[] = {
	    {&s->ins_event,
	     "INSERT INTO events (kind, kind_name, station, wall_ms, program_id, duration_s,"
	     " elapsed_s, target_mmhg, reason, fault) VALUES (?,?,?,?,?,?,?,?,?,?)"},
	    {&s->ins_outbox, "INSERT INTO outbox (event_id) VALUES (?)"},
	    {&s->ins_session,
	     "INSERT INTO sessions (station, program_id, started_ms, ended_ms, duration_s,"
	     " elapsed_s, target_mmhg, end_reason) VALUES (?,?,?,?,?,?,?,?)"},
	    {&s->close_session,
	     "UPDATE sessions SET ended_ms=?, elapsed_s=?, end_reason=? WHERE id ="
	     " (SELECT id FROM sessions WHERE station=? AND ended_ms IS NULL AND end_reason "
	     "IS NULL ORDER BY id DESC LIMIT 1)"},
	    {&s->peek,
	     "SELECT e.id, e.kind, e.station, e.wall_ms, e.program_id, e.duration_s, e.elapsed_s,"
	     " e.target_mmhg, e.reason, e.fault FROM outbox o JOIN events e ON e.id = o.event_id"
	     " WHERE o.event_id > ? ORDER BY o.event_id LIMIT ?"},
	    {&s->del_outbox, "DELETE FROM outbox WHERE event_id=?"},
	};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (sqlite3_prepare_v3(s->db, list[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
		                       list[i].st, NULL) != SQLITE_OK)
			return -EIO;
	return store_keep_prepare(s);
}

static void finalize_all(struct store *s)
{
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_outbox);
	sqlite3_finalize(s->ins_session);
	sqlite3_finalize(s->close_session);
	sqlite3_finalize(s->peek);
	sqlite3_finalize(s->del_outbox);
	store_keep_finalize(s);
}

struct store *store_open(const char *state_dir, char *err, size_t err_len)
{
	struct store *s;
	int rc;

	if (!state_dir || !*state_dir) {
		snprintf(err, err_len, "store: state_dir is empty; set state_dir in kiosk.conf");
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, err_len, "store: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	rc = mkdir_parents(state_dir);
	if (rc < 0) {
		snprintf(
		    err, err_len,
		    "store: cannot create state_dir '%s': %s; create it writable by the kiosk user",
		    state_dir, strerror(-rc));
		goto err_free;
	}
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s/%s", state_dir, STORE_DB_NAME) >=
	    sizeof(s->path)) {
		snprintf(err, err_len, "store: state_dir '%s' is too long; use a shorter path",
		         state_dir);
		rc = -ENAMETOOLONG;
		goto err_free;
	}
	if (sqlite3_open_v2(s->path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, err_len,
		         "store: cannot open '%s': %s; check the folder's owner and free space",
		         s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		rc = -EIO;
		goto err_db;
	}
	sqlite3_busy_timeout(s->db, 2000);
	for (size_t i = 0; i < KIOSK_MAX_STATIONS; i++)
		s->numbers[i] = (unsigned int)i + 1u;
	/* Small pages: a commit writes whole pages to the WAL, and one batch
	 * touches a few rows in a few tables.  Takes effect on a new file only
	 * (before WAL mode is set).  WAL + FULL: a committed event survives
	 * kill -9 and power loss; the WAL is cut back to its limit after each
	 * checkpoint. */
	if (store_exec(s, "PRAGMA page_size=512;") < 0 ||
	    store_exec(s,
	               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	               " PRAGMA journal_size_limit=" STORE_STR(STORE_WAL_LIMIT_BYTES) ";") < 0 ||
	    store_exec(s, "PRAGMA cache_size=" STORE_CACHE_KIB ";") < 0 ||
	    store_exec(s, schema_sql) < 0 || load_or_make_tag(s) < 0 || prepare_all(s) < 0 ||
	    store_exec(s, "UPDATE sessions SET end_reason='interrupted' WHERE ended_ms IS NULL AND "
	                  "end_reason IS NULL") < 0) {
		snprintf(err, err_len,
		         "store: cannot set up '%s': %s; move the file away if it is not a kiosk "
		         "database",
		         s->path, sqlite3_errmsg(s->db));
		rc = -EIO;
		goto err_stmts;
	}
	return s;

err_stmts:
	finalize_all(s);
err_db:
	sqlite3_close(s->db);
err_free:
	pthread_mutex_destroy(&s->lock);
	free(s);
	errno = -rc;
	return NULL;
}

struct store *store_open_reader(const struct store *writer, char *err, size_t err_len)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, err_len, "store: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	memcpy(s->path, writer->path, sizeof(s->path));
	memcpy(s->tag, writer->tag, sizeof(s->tag));
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, err_len, "store: cannot open '%s' to read: %s", s->path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		pthread_mutex_destroy(&s->lock);
		free(s);
		errno = EIO;
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 200);
	sqlite3_exec(s->db, "PRAGMA cache_size=" STORE_CACHE_KIB, NULL, NULL, NULL);
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	finalize_all(s);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *store_tag(const struct store *s)
{
	return s->tag;
}

const char *store_errmsg(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

int store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static const char *end_reason(const struct kiosk_event *ev)
{
	if (ev->kind == EVENT_SESSION_COMPLETED)
		return "completed";
	return stop_reason_name(ev->reason);
}

static int append_session(struct store *s, const struct kiosk_event *ev)
{
	if (ev->kind == EVENT_SESSION_STARTED) {
		sqlite3_stmt *st = s->ins_session;
		sqlite3_bind_int(st, 1, (int)ev->station);
		sqlite3_bind_text(st, 2, ev->program_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)ev->wall_ms);
		sqlite3_bind_null(st, 4);
		sqlite3_bind_int(st, 5, (int)ev->duration_s);
		sqlite3_bind_int(st, 6, 0);
		sqlite3_bind_double(st, 7, ev->target_mmhg);
		sqlite3_bind_null(st, 8);
		return store_step_done(st);
	}
	if (ev->kind != EVENT_SESSION_COMPLETED && ev->kind != EVENT_SESSION_STOPPED)
		return 0;

	sqlite3_stmt *up = s->close_session;
	sqlite3_bind_int64(up, 1, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_int(up, 2, (int)ev->elapsed_s);
	sqlite3_bind_text(up, 3, end_reason(ev), -1, SQLITE_STATIC);
	sqlite3_bind_int(up, 4, (int)ev->station);
	if (store_step_done(up) < 0)
		return -EIO;
	if (sqlite3_changes(s->db) > 0)
		return 0;
	/* No open row (the start predates this database): log the whole session. */
	sqlite3_stmt *st = s->ins_session;
	uint64_t run_ms = (uint64_t)ev->elapsed_s * 1000u;
	sqlite3_bind_int(st, 1, (int)ev->station);
	sqlite3_bind_text(st, 2, ev->program_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(ev->wall_ms > run_ms ? ev->wall_ms - run_ms : 0));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_int(st, 5, (int)ev->duration_s);
	sqlite3_bind_int(st, 6, (int)ev->elapsed_s);
	sqlite3_bind_double(st, 7, ev->target_mmhg);
	sqlite3_bind_text(st, 8, end_reason(ev), -1, SQLITE_STATIC);
	return store_step_done(st);
}

static int append_one(struct store *s, const struct kiosk_event *ev)
{
	sqlite3_stmt *st = s->ins_event;

	sqlite3_bind_int(st, 1, (int)ev->kind);
	sqlite3_bind_text(st, 2, event_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)ev->station);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_text(st, 5, ev->program_id,
	                  (int)strnlen(ev->program_id, sizeof(ev->program_id)), SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, (int)ev->duration_s);
	sqlite3_bind_int(st, 7, (int)ev->elapsed_s);
	sqlite3_bind_double(st, 8, ev->target_mmhg);
	sqlite3_bind_int(st, 9, (int)ev->reason);
	sqlite3_bind_int(st, 10, (int)ev->fault);
	if (store_step_done(st) < 0)
		return -EIO;
	sqlite3_bind_int64(s->ins_outbox, 1, sqlite3_last_insert_rowid(s->db));
	if (store_step_done(s->ins_outbox) < 0)
		return -EIO;
	return append_session(s, ev);
}

int store_events_append(struct store *s, const struct kiosk_event *ev, size_t n)
{
	return store_events_append_delivered(s, ev, n, NULL, 0);
}

int store_events_append_delivered(struct store *s, const struct kiosk_event *ev, size_t n,
                                  const int64_t *delivered, size_t nd)
{
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (store_exec(s, "BEGIN IMMEDIATE") < 0) {
		rc = -EIO;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (ev[i].kind >= EVENT_KIND_COUNT)
			continue;
		if (ev[i].kind != EVENT_COMMAND_RESULT)
			rc = append_one(s, &ev[i]);
		if (rc == 0)
			rc = store_keep_event(s, &ev[i]);
	}
	for (size_t i = 0; i < nd && rc == 0; i++) {
		sqlite3_bind_int64(s->del_outbox, 1, delivered[i]);
		rc = store_step_done(s->del_outbox);
	}
	if (rc == 0 && store_exec(s, "COMMIT") < 0)
		rc = -EIO;
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	s->stats.transactions++;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void column_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

int store_outbox_peek(struct store *s, int64_t after_id, struct store_outbox_row *out, size_t max)
{
	int count = 0;
	int rc;
	sqlite3_stmt *st = s->peek;

	pthread_mutex_lock(&s->lock);
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && (size_t)count < max) {
		struct store_outbox_row *row = &out[count++];
		struct kiosk_event *ev = &row->event;
		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		ev->kind = (enum event_kind)sqlite3_column_int(st, 1);
		ev->station = (unsigned int)sqlite3_column_int(st, 2);
		ev->wall_ms = (uint64_t)sqlite3_column_int64(st, 3);
		column_text(st, 4, ev->program_id, sizeof(ev->program_id));
		ev->duration_s = (unsigned int)sqlite3_column_int(st, 5);
		ev->elapsed_s = (unsigned int)sqlite3_column_int(st, 6);
		ev->target_mmhg = sqlite3_column_double(st, 7);
		ev->reason = (enum stop_reason)sqlite3_column_int(st, 8);
		ev->fault = (enum fault_code)sqlite3_column_int(st, 9);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		count = -EIO;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&s->lock);
	return count;
}

int store_outbox_delete(struct store *s, int64_t id)
{
	return store_outbox_delete_many(s, &id, 1);
}

int store_outbox_delete_many(struct store *s, const int64_t *ids, size_t n)
{
	int rc = 0;

	if (n == 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (n > 1 && store_exec(s, "BEGIN IMMEDIATE") < 0) {
		rc = -EIO;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_int64(s->del_outbox, 1, ids[i]);
		rc = store_step_done(s->del_outbox);
	}
	if (n > 1) {
		if (rc == 0 && store_exec(s, "COMMIT") < 0)
			rc = -EIO;
		if (rc < 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (rc == 0)
		s->stats.transactions++;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int64_t count_query(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -EIO;

	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return n;
}

int64_t store_outbox_count(struct store *s)
{
	return count_query(s, "SELECT COUNT(*) FROM outbox");
}

int store_history_ids(struct store *s, int64_t after_id, int64_t *ids, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int rc = SQLITE_ERROR;

	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?", -1,
	                       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, after_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && (size_t)count < max)
			ids[count++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		count = -EIO;
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return count;
}

int store_sessions_recent(struct store *s, struct store_session *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int rc;

	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT id, station, program_id, started_ms, ended_ms, duration_s, elapsed_s,"
	        " target_mmhg, end_reason FROM sessions ORDER BY id DESC LIMIT ?",
	        -1, &st, NULL) != SQLITE_OK) {
		count = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && (size_t)count < max) {
		struct store_session *row = &out[count++];
		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		row->station = (unsigned int)sqlite3_column_int(st, 1);
		column_text(st, 2, row->program_id, sizeof(row->program_id));
		row->started_ms = (uint64_t)sqlite3_column_int64(st, 3);
		row->ended_ms = (uint64_t)sqlite3_column_int64(st, 4);
		row->duration_s = (unsigned int)sqlite3_column_int(st, 5);
		row->elapsed_s = (unsigned int)sqlite3_column_int(st, 6);
		row->target_mmhg = sqlite3_column_double(st, 7);
		column_text(st, 8, row->end_reason, sizeof(row->end_reason));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		count = -EIO;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return count;
}

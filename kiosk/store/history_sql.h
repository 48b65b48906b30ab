/* SPDX-License-Identifier: MIT */
/*
 * The SQL of history.c (its schema and its longer queries), kept apart so the
 * C reads as the logic.  Included by history.c and history_query.c only.
 *
 * end_kind holds enum history_end; station is 1-based; peak and mean are
 * "40.1,38.0,..." (mmHg, foot zone first); a row of samples is a flush's
 * plot points packed (history_private.h), or one point as text in
 * histories from before that.
 */
#ifndef KIOSK_STORE_HISTORY_SQL_H
#define KIOSK_STORE_HISTORY_SQL_H

/* Before the schema: 512-byte pages, SQLite's smallest (a new file only;
 * an older file is rebuilt once, HISTORY_SQL_PAGE_SIZE), because a commit
 * writes every page it touches whole, to the WAL and again at the
 * checkpoint, and most of a commit's pages are a leaf with one changed row
 * (bench_soak: 1 KB pages wrote 17 KB a session, these about 10).  The WAL
 * checkpoints at HISTORY_WAL_BYTES whatever the file's page size (2000
 * pages of 512 bytes, SQLite's default 1000 of 1 KB) and is cut back to
 * 1 MB after, so it never grows past that on the card. */
#define HISTORY_PAGE_SIZE 512
#define HISTORY_WAL_BYTES 1024000
/* Rebuilt at start-up only up to this size: a few seconds on an SD card. */
#define HISTORY_REBUILD_MAX_BYTES (16 * 1048576)
#define HISTORY_STR_(x) #x
#define HISTORY_STR(x) HISTORY_STR_(x)
/* clang-format off */
#define HISTORY_PRAGMAS                                                                            \
	"PRAGMA page_size=" HISTORY_STR(HISTORY_PAGE_SIZE) ";"                                      \
	" PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=1048576;"
/* clang-format on */
/* Rebuilds a history made with larger pages with HISTORY_PAGE_SIZE ones:
 * SQLite changes an existing file's page size only in a VACUUM outside WAL
 * mode.  Needs twice the file's size free, once (VACUUM's copy in the
 * temporary folder and the rollback journal beside the file). */
#define HISTORY_SQL_PAGE_SIZE                                                                      \
	"PRAGMA journal_mode=DELETE; PRAGMA page_size=" HISTORY_STR(HISTORY_PAGE_SIZE) "; VACUUM;"

/* Its page cache, in KiB as SQLite takes it (negative). */
#define HISTORY_CACHE_KIB "-512"

static const char history_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS sessions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " station INTEGER NOT NULL, program_id TEXT NOT NULL,"
    " started_ms INTEGER NOT NULL, ended_ms INTEGER,"
    " planned_s INTEGER NOT NULL, delivered_s INTEGER NOT NULL DEFAULT 0,"
    " end_kind INTEGER NOT NULL DEFAULT 0, stop_reason TEXT NOT NULL DEFAULT '',"
    " zone_count INTEGER NOT NULL DEFAULT 0,"
    " peak TEXT NOT NULL DEFAULT '', mean TEXT NOT NULL DEFAULT '',"
    " fault_count INTEGER NOT NULL DEFAULT 0, faults TEXT NOT NULL DEFAULT '',"
    " samples INTEGER NOT NULL DEFAULT 0, published INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS sessions_started ON sessions (started_ms);"
    "CREATE TABLE IF NOT EXISTS samples ("
    " session_id INTEGER NOT NULL, t_s INTEGER NOT NULL, zones BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS station_events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " wall_ms INTEGER NOT NULL, station INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, kind_name TEXT NOT NULL, fault TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS station_events_time ON station_events (wall_ms);"
    /* Last cleaned per station without reading every event (a usage
     * summary after every session, each history answer). */
    "CREATE INDEX IF NOT EXISTS station_events_station ON station_events (station, kind, wall_ms);";

/* A history from before summaries were published: its sessions count as
 * published (an upgrade does not send a year of summaries at once).  No
 * index on published: the summaries waiting are among the newest sessions
 * (HISTORY_SQL_UNPUBLISHED looks at the last HISTORY_UNPUBLISHED_WINDOW by
 * id), and an index would cost a page written per session twice. */
#define HISTORY_SQL_HAS_PUBLISHED                                                                  \
	"SELECT COUNT(*) FROM pragma_table_info('sessions') WHERE name = 'published'"
#define HISTORY_SQL_ADD_PUBLISHED                                                                  \
	"ALTER TABLE sessions ADD COLUMN published INTEGER NOT NULL DEFAULT 1"
#define HISTORY_SQL_PUBLISHED_INDEX "DROP INDEX IF EXISTS sessions_unpublished"
#define HISTORY_UNPUBLISHED_WINDOW 4096

/* Plot rows in a rowid table, one (session, time) each by a unique index.
 * Histories from before kept them WITHOUT ROWID, keyed by (session_id,
 * t_s): there a row over 231 bytes (a flush's deflated points, at 1 KB
 * pages) took an overflow page of its own, and the stations' interleaved
 * keys split pages half empty (bench_soak: 418 pages for 116 KB of rows).
 * The migration copies them once, in one transaction. */
#define HISTORY_SQL_SAMPLES_WITHOUT_ROWID                                                          \
	"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'samples'"             \
	" AND sql LIKE '%WITHOUT ROWID%'"
#define HISTORY_SQL_SAMPLES_TO_ROWID                                                               \
	"CREATE TABLE samples_rows (session_id INTEGER NOT NULL, t_s INTEGER NOT NULL,"            \
	" zones BLOB NOT NULL);"                                                                   \
	"INSERT INTO samples_rows (session_id, t_s, zones)"                                        \
	" SELECT session_id, t_s, zones FROM samples ORDER BY session_id, t_s;"                    \
	"DROP TABLE samples;"                                                                      \
	"ALTER TABLE samples_rows RENAME TO samples;" HISTORY_SQL_SAMPLES_INDEX
#define HISTORY_SQL_SAMPLES_INDEX                                                                  \
	"CREATE UNIQUE INDEX IF NOT EXISTS samples_session ON samples (session_id, t_s);"

#define HISTORY_SQL_COLUMNS                                                                        \
	"SELECT id, station, program_id, started_ms, IFNULL(ended_ms, 0), planned_s,"              \
	" delivered_s, end_kind, stop_reason, zone_count, peak, mean, fault_count, faults,"        \
	" samples FROM sessions"

/* ?1 since_ms, ?2 station (0 = all); the caller appends ORDER BY and LIMIT ?3. */
#define HISTORY_SQL_SESSIONS                                                                       \
	HISTORY_SQL_COLUMNS " WHERE started_ms >= ?1 AND (?2 = 0 OR station = ?2)"
#define HISTORY_SQL_SESSION_BY_ID HISTORY_SQL_COLUMNS " WHERE id = ?1"
/* Closed, summary not yet published, among the newest sessions: ?1 ended
 * since, ?2 limit, ?3 the window. */
#define HISTORY_SQL_UNPUBLISHED                                                                    \
	HISTORY_SQL_COLUMNS " WHERE id > (SELECT IFNULL(MAX(id), 0) FROM sessions) - ?3"           \
	                    " AND published = 0 AND ended_ms IS NOT NULL AND ended_ms >= ?1"       \
	                    " ORDER BY id LIMIT ?2"

/* Rows dropped per round while the file is over its size limit. */
#define HISTORY_SQL_PRUNE_BATCH 16

/* ?1 = batch.  Only closed sessions are ever dropped. */
#define HISTORY_SQL_SERIES_VICTIMS                                                                 \
	"SELECT id FROM sessions WHERE ended_ms IS NOT NULL AND samples > 0 ORDER BY id LIMIT ?1"
#define HISTORY_SQL_SESSION_VICTIMS                                                                \
	"SELECT id FROM sessions WHERE ended_ms IS NOT NULL ORDER BY id LIMIT ?1"

/* ?1 = cutoff wall ms. */
#define HISTORY_SQL_OLD_SESSIONS                                                                   \
	"SELECT id FROM sessions WHERE ended_ms IS NOT NULL AND started_ms < ?1"

/* Per kiosk-local day and station: sessions, delivered seconds, endings and
 * faults raised that day.  ?1 since_ms, ?2 station (0 = all), ?3 limit. */
#define HISTORY_SQL_USAGE                                                                          \
	"WITH s AS (SELECT date(started_ms / 1000, 'unixepoch', 'localtime') AS day, station,"     \
	"   delivered_s, end_kind FROM sessions"                                                   \
	"   WHERE started_ms >= ?1 AND (?2 = 0 OR station = ?2)),"                                 \
	" f AS (SELECT date(wall_ms / 1000, 'unixepoch', 'localtime') AS day, station"             \
	"   FROM station_events WHERE kind_name = 'fault_raised' AND wall_ms >= ?1"                \
	"   AND (?2 = 0 OR station = ?2)),"                                                        \
	" k AS (SELECT day, station FROM s UNION SELECT day, station FROM f)"                      \
	" SELECT k.day, k.station, IFNULL(a.n, 0), IFNULL(a.secs, 0), IFNULL(a.c, 0),"             \
	"  IFNULL(a.st, 0), IFNULL(a.fa, 0), IFNULL(a.i, 0), IFNULL(b.n, 0)"                       \
	" FROM k LEFT JOIN (SELECT day, station, COUNT(*) AS n, SUM(delivered_s) AS secs,"         \
	"   SUM(end_kind = 1) AS c, SUM(end_kind = 2) AS st, SUM(end_kind = 3) AS fa,"             \
	"   SUM(end_kind = 4) AS i FROM s GROUP BY day, station) a USING (day, station)"           \
	" LEFT JOIN (SELECT day, station, COUNT(*) AS n FROM f GROUP BY day, station) b"           \
	"   USING (day, station)"                                                                  \
	" ORDER BY k.day, k.station LIMIT ?3"

#endif

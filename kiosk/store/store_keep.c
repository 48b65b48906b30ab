/* SPDX-License-Identifier: MIT */
/* What the store keeps besides the event log: per-station service state,
 * recent MQTT command results, and the upkeep (pruning, checkpoints). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_private.h"

#define MS_PER_DAY (24ull * 3600ull * 1000ull)
#define MS_PER_HOUR (3600ull * 1000ull)

/* Service columns each event kind changes (an UPSERT per event that
 * matters, in the batch's transaction). */
static const char *const service_sql[EVENT_KIND_COUNT] = {
    [EVENT_SESSION_STARTED] = "INSERT INTO service (number, needs_cleaning, wall_ms) VALUES "
                              "(?1, 1, ?2) ON CONFLICT(number) DO UPDATE SET needs_cleaning=1,"
                              " wall_ms=?2",
    [EVENT_CLEANED] = "INSERT INTO service (number, needs_cleaning, wall_ms) VALUES (?1, 0, ?2)"
                      " ON CONFLICT(number) DO UPDATE SET needs_cleaning=0, wall_ms=?2",
    /* A fault ends out of service too: the core leaves it for FAULT. */
    [EVENT_FAULT_RAISED] = "INSERT INTO service (number, fault, wall_ms) VALUES (?1, ?3, ?2)"
                           " ON CONFLICT(number) DO UPDATE SET fault=?3, out_of_service=0,"
                           " wall_ms=?2",
    [EVENT_FAULT_RESET] = "INSERT INTO service (number, fault, wall_ms) VALUES (?1, 0, ?2)"
                          " ON CONFLICT(number) DO UPDATE SET fault=0, wall_ms=?2",
    [EVENT_OUT_OF_SERVICE] =
        "INSERT INTO service (number, out_of_service, note, by, wall_ms) VALUES"
        " (?1, 1, ?4, ?5, ?2) ON CONFLICT(number) DO UPDATE SET out_of_service=1, note=?4,"
        " by=?5, wall_ms=?2",
    [EVENT_IN_SERVICE] = "INSERT INTO service (number, out_of_service, wall_ms) VALUES"
                         " (?1, 0, ?2) ON CONFLICT(number) DO UPDATE SET out_of_service=0,"
                         " note='', by='', wall_ms=?2",
};

int store_keep_prepare(struct store *s)
{
	for (size_t k = 0; k < EVENT_KIND_COUNT; k++)
		if (service_sql[k] &&
		    sqlite3_prepare_v3(s->db, service_sql[k], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->service[k], NULL) != SQLITE_OK)
			return -EIO;
	if (sqlite3_prepare_v3(
	        s->db,
	        "INSERT OR REPLACE INTO commands (request_id, station, action, status,"
	        " wall_ms) VALUES (?,?,?,?,?)",
	        -1, SQLITE_PREPARE_PERSISTENT, &s->put_command, NULL) != SQLITE_OK)
		return -EIO;
	return 0;
}

void store_keep_finalize(struct store *s)
{
	sqlite3_finalize(s->put_command);
	s->put_command = NULL;
	for (size_t k = 0; k < EVENT_KIND_COUNT; k++) {
		sqlite3_finalize(s->service[k]);
		s->service[k] = NULL;
	}
}

static unsigned int number_of(const struct store *s, unsigned int index)
{
	return index < KIOSK_MAX_STATIONS ? s->numbers[index] : index + 1u;
}

static size_t text_len(const char *text, size_t cap)
{
	return strnlen(text, cap);
}

int store_keep_event(struct store *s, const struct kiosk_event *ev)
{
	if (ev->kind == EVENT_COMMAND_RESULT) {
		if (ev->source != SOURCE_MQTT || !ev->request_id[0])
			return 0;
		sqlite3_stmt *st = s->put_command;
		sqlite3_bind_text(st, 1, ev->request_id,
		                  (int)text_len(ev->request_id, sizeof(ev->request_id)),
		                  SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, (int)ev->station);
		sqlite3_bind_int(st, 3, (int)ev->action);
		sqlite3_bind_int(st, 4, (int)ev->status);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)ev->wall_ms);
		return store_step_done(st);
	}
	sqlite3_stmt *st = s->service[ev->kind];
	if (!st)
		return 0;
	sqlite3_bind_int(st, 1, (int)number_of(s, ev->station));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->wall_ms);
	sqlite3_bind_int(st, 3, (int)ev->fault);
	sqlite3_bind_text(st, 4, ev->note, (int)text_len(ev->note, sizeof(ev->note)),
	                  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ev->by, (int)text_len(ev->by, sizeof(ev->by)), SQLITE_TRANSIENT);
	return store_step_done(st);
}

void store_set_stations(struct store *s, const struct kiosk_config *cfg)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < KIOSK_MAX_STATIONS; i++)
		s->numbers[i] = i < cfg->station_count ? cfg->stations[i].number : 0u;
	pthread_mutex_unlock(&s->lock);
}

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

int store_service_load(struct store *s, struct station_service *out, size_t count)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	memset(out, 0, count * sizeof(*out));
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT out_of_service, note, by, fault, needs_cleaning FROM service"
	                       " WHERE number=?",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	for (size_t i = 0; i < count && i < KIOSK_MAX_STATIONS && rc == 0; i++) {
		sqlite3_bind_int(st, 1, (int)s->numbers[i]);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			out[i].out_of_service = sqlite3_column_int(st, 0) != 0;
			copy_text(st, 1, out[i].note, sizeof(out[i].note));
			copy_text(st, 2, out[i].by, sizeof(out[i].by));
			int fault = sqlite3_column_int(st, 3);
			out[i].fault = fault > 0 && fault < FAULT_CODE_COUNT
			                   ? (enum fault_code)fault
			                   : FAULT_NONE;
			out[i].needs_cleaning = sqlite3_column_int(st, 4) != 0;
		} else if (step != SQLITE_DONE) {
			rc = -EIO;
		}
		sqlite3_reset(st);
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int store_command_lookup(struct store *s, const char *request_id, struct store_command *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT station, action, status, wall_ms FROM commands WHERE"
	                       " request_id=?",
	                       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->station = (unsigned int)sqlite3_column_int(st, 0);
		out->action = (enum command_action)sqlite3_column_int(st, 1);
		out->status = (enum command_status)sqlite3_column_int(st, 2);
		out->wall_ms = (uint64_t)sqlite3_column_int64(st, 3);
		rc = 1;
	} else if (step == SQLITE_DONE) {
		rc = 0;
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Runs one DELETE with up to two integer parameters; rows deleted or -EIO. */
static int64_t delete_rows(struct store *s, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -EIO;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return n;
}

int64_t store_prune(struct store *s, uint64_t now_wall_ms)
{
	int64_t total = 0, n;
	int64_t events_before = (int64_t)(now_wall_ms - STORE_EVENT_MAX_AGE_DAYS * MS_PER_DAY);
	int64_t sessions_before = (int64_t)(now_wall_ms - STORE_SESSION_MAX_AGE_DAYS * MS_PER_DAY);
	int64_t commands_before = (int64_t)(now_wall_ms - STORE_COMMAND_MAX_AGE_H * MS_PER_HOUR);

	pthread_mutex_lock(&s->lock);
	if (store_exec(s, "BEGIN IMMEDIATE") < 0) {
		pthread_mutex_unlock(&s->lock);
		return -EIO;
	}
	/* The outbox first: past its cap the oldest undelivered events go. */
	n = delete_rows(
	    s, "DELETE FROM outbox WHERE event_id <= (SELECT MAX(event_id) FROM outbox) - ?1",
	    STORE_OUTBOX_KEEP, 0);
	if (n < 0)
		goto fail;
	s->stats.outbox_dropped += (uint64_t)n;
	total += n;
	/* History by count and age, never what still waits for the broker. */
	/* The newest row of each table stays: it keeps the next id new. */
	n = delete_rows(s,
	                "DELETE FROM events WHERE (id <= (SELECT MAX(id) FROM events) - ?1 OR"
	                " wall_ms < ?2) AND id NOT IN (SELECT event_id FROM outbox)"
	                " AND id < (SELECT MAX(id) FROM events)",
	                STORE_EVENT_LOG_KEEP, events_before);
	if (n < 0)
		goto fail;
	total += n;
	n = delete_rows(s,
	                "DELETE FROM sessions WHERE (id <= (SELECT MAX(id) FROM sessions) - ?1 OR"
	                " started_ms < ?2) AND id < (SELECT MAX(id) FROM sessions)",
	                STORE_SESSIONS_KEEP, sessions_before);
	if (n < 0)
		goto fail;
	total += n;
	n = delete_rows(
	    s,
	    "DELETE FROM commands WHERE wall_ms < ?2 OR request_id IN (SELECT request_id"
	    " FROM commands ORDER BY wall_ms DESC LIMIT -1 OFFSET ?1)",
	    STORE_COMMANDS_KEEP, commands_before);
	if (n < 0)
		goto fail;
	total += n;
	if (store_exec(s, "COMMIT") < 0)
		goto fail;
	s->stats.transactions++;
	s->stats.pruned += (uint64_t)total;
	pthread_mutex_unlock(&s->lock);
	return total;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&s->lock);
	return -EIO;
}

int store_checkpoint(struct store *s)
{
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc == SQLITE_OK)
		s->stats.checkpoints++;
	pthread_mutex_unlock(&s->lock);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return -EBUSY;
	return rc == SQLITE_OK ? 0 : -EIO;
}

void store_get_stats(struct store *s, struct store_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

int64_t store_file_bytes(struct store *s, bool wal)
{
	char path[sizeof(s->path) + 8];
	struct stat sb;

	snprintf(path, sizeof(path), "%s%s", s->path, wal ? "-wal" : "");
	if (stat(path, &sb) < 0)
		return errno == ENOENT ? 0 : -errno;
	return (int64_t)sb.st_size;
}

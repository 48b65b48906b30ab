/* SPDX-License-Identifier: MIT */
/* Reads of the history (any thread, under the handle's lock). */
#include <errno.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "store/history.h"
#include "store/history_private.h"
#include "store/history_sql.h"

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

/* One row of samples into out (history_private.h): a TEXT row is one point,
 * a BLOB row a flush's points.  Points added, or -EIO for a row that is
 * neither. */
static int read_series_row(sqlite3_stmt *st, struct history_sample *out, size_t room)
{
	int64_t t_s = sqlite3_column_int64(st, 0);

	if (room == 0)
		return 0;
	if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
		char text[128];
		memset(out, 0, sizeof(*out));
		out->t_s = (uint32_t)t_s;
		column_text(st, 1, text, sizeof(text));
		zones_parse(text, out->zone_mmhg, HISTORY_ZONES_MAX);
		return 1;
	}
	const uint8_t *b = sqlite3_column_blob(st, 1);
	size_t len = (size_t)sqlite3_column_bytes(st, 1);
	uint8_t plain[HISTORY_SERIES_POINTS_MAX * HISTORY_SERIES_POINT_BYTES(HISTORY_ZONES_MAX)];
	const uint8_t *p;
	if (!b || len < HISTORY_SERIES_HEADER || b[1] > HISTORY_ZONES_MAX)
		return -EIO;
	if (b[0] == HISTORY_SERIES_PLAIN) {
		p = b + HISTORY_SERIES_HEADER;
		len -= HISTORY_SERIES_HEADER;
	} else if (b[0] == HISTORY_SERIES_DEFLATED) {
		uLongf out_len = sizeof(plain);
		if (uncompress(plain, &out_len, b + HISTORY_SERIES_HEADER,
		               (uLong)(len - HISTORY_SERIES_HEADER)) != Z_OK)
			return -EIO;
		p = plain;
		len = out_len;
	} else {
		return -EIO;
	}
	unsigned int nz = b[1];
	size_t step = HISTORY_SERIES_POINT_BYTES(nz);
	if (len % step != 0)
		return -EIO;
	size_t n = len / step;
	size_t i;
	for (i = 0; i < n && i < room; i++, p += step) {
		memset(&out[i], 0, sizeof(out[i]));
		int64_t t = t_s - history_series_get_u16(p);
		out[i].t_s = (uint32_t)(t < 0 ? 0 : t);
		for (unsigned int z = 0; z < nz; z++)
			out[i].zone_mmhg[z] =
			    (double)(int16_t)history_series_get_u16(p + 2 + 2 * z) / 10.0;
	}
	return (int)i;
}

int history_session_samples(struct history *h, int64_t id, struct history_sample *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int count = 0;
	int step = SQLITE_ERROR;

	pthread_mutex_lock(&h->lock);
	/* A row holds one point or more: at most max rows are needed. */
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT t_s, zones FROM samples WHERE session_id=? ORDER BY t_s"
	                       " LIMIT ?",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		while ((size_t)count < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
			int got = read_series_row(st, out + count, max - (size_t)count);
			if (got < 0) {
				step = SQLITE_CORRUPT;
				break;
			}
			count += got;
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
	int64_t v = history_scalar(
	    h, "SELECT MAX(wall_ms) FROM station_events WHERE station=?1 AND kind=?2", 2, args);
	pthread_mutex_unlock(&h->lock);
	return v;
}

int history_flush_published(struct history *h)
{
	int rc = 0;

	for (size_t i = 0; i < h->published_count && rc == 0; i++)
		rc = history_exec(h, "UPDATE sessions SET published = 1 WHERE id = ?1", 1,
		                  &h->published[i]);
	return rc;
}

static bool noted_published(const struct history *h, int64_t id)
{
	for (size_t i = 0; i < h->published_count; i++)
		if (h->published[i] == id)
			return true;
	return false;
}

int history_summaries_pending(struct history *h, uint64_t since_ms, size_t limit,
                              int (*fn)(void *ctx, const struct history_session *s), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct history_session s;
	int rc = 0;
	int step;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db, HISTORY_SQL_UNPUBLISHED, -1, &st, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since_ms);
	/* Noted but not yet written ones are skipped, so ask for as many
	 * more. */
	sqlite3_bind_int64(st, 2,
	                   limit ? (sqlite3_int64)(limit + h->published_count) : (sqlite3_int64)-1);
	sqlite3_bind_int64(st, 3, HISTORY_UNPUBLISHED_WINDOW);
	size_t given = 0;
	while ((!limit || given < limit) && (step = sqlite3_step(st)) == SQLITE_ROW) {
		read_session_row(st, &s);
		if (noted_published(h, s.id))
			continue;
		given++;
		rc = fn(ctx, &s);
		if (rc)
			goto out;
	}
	if (limit && given == limit)
		step = SQLITE_DONE;
	if (step != SQLITE_DONE)
		rc = -EIO;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int history_summary_published(struct history *h, int64_t id)
{
	int rc = 0;

	if (h->read_only)
		return -EROFS;
	pthread_mutex_lock(&h->lock);
	if (h->published_count == HISTORY_PUBLISHED_PENDING_MAX) {
		/* Nothing else committed for a while: a commit of their own,
		 * with whatever waits. */
		rc = history_txn_begin(h, 0);
		if (rc == 0)
			rc = history_txn_commit(h);
	}
	if (rc == 0 && !noted_published(h, id))
		h->published[h->published_count++] = id;
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* Snapshots and events for the other threads; see bulletin.h. */
#include "core/bulletin.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* Readers may hold snapshots; with four buffers the writer finds a free one
 * unless three readers each hold a different old snapshot. */
#define BULLETIN_SNAP_BUFS 4u

struct snap_buf {
	struct kiosk_snapshot snap;
	unsigned int refs;
};

struct bulletin {
	pthread_mutex_t slock;
	struct snap_buf bufs[BULLETIN_SNAP_BUFS];
	struct snap_buf *current;
	uint64_t snap_seq;

	pthread_mutex_t elock;
	struct kiosk_event ring[BULLETIN_EVENT_RING];
	uint64_t next_seq;
};

struct bulletin *bulletin_create(void)
{
	struct bulletin *b = calloc(1, sizeof(*b));
	pthread_mutexattr_t ma;

	if (b == NULL)
		return NULL;
	/* Priority inheritance: a reader preempted while holding a lock must
	 * not hold up a real-time control thread behind it. */
	pthread_mutexattr_init(&ma);
	(void)pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&b->slock, &ma);
	pthread_mutex_init(&b->elock, &ma);
	pthread_mutexattr_destroy(&ma);
	b->current = &b->bufs[0];
	b->next_seq = 1;
	return b;
}

void bulletin_destroy(struct bulletin *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->elock);
	pthread_mutex_destroy(&b->slock);
	free(b);
}

bool bulletin_publish(struct bulletin *b, const struct kiosk_snapshot *snap)
{
	struct snap_buf *buf = NULL;

	pthread_mutex_lock(&b->slock);
	for (size_t i = 0; i < BULLETIN_SNAP_BUFS; i++) {
		if (&b->bufs[i] != b->current && b->bufs[i].refs == 0) {
			buf = &b->bufs[i];
			break;
		}
	}
	pthread_mutex_unlock(&b->slock);
	if (buf == NULL)
		return false;
	/* No reader can reach buf until it becomes current. */
	buf->snap = *snap;
	buf->snap.seq = ++b->snap_seq;
	pthread_mutex_lock(&b->slock);
	b->current = buf;
	pthread_mutex_unlock(&b->slock);
	return true;
}

const struct kiosk_snapshot *bulletin_acquire(struct bulletin *b)
{
	struct snap_buf *buf;

	pthread_mutex_lock(&b->slock);
	buf = b->current;
	buf->refs++;
	pthread_mutex_unlock(&b->slock);
	return &buf->snap;
}

void bulletin_release(struct bulletin *b, const struct kiosk_snapshot *snap)
{
	if (b == NULL || snap == NULL)
		return;
	pthread_mutex_lock(&b->slock);
	for (size_t i = 0; i < BULLETIN_SNAP_BUFS; i++) {
		if (&b->bufs[i].snap == snap && b->bufs[i].refs > 0) {
			b->bufs[i].refs--;
			break;
		}
	}
	pthread_mutex_unlock(&b->slock);
}

void bulletin_post(struct bulletin *b, const struct kiosk_event *ev)
{
	pthread_mutex_lock(&b->elock);
	b->ring[b->next_seq % BULLETIN_EVENT_RING] = *ev;
	b->ring[b->next_seq % BULLETIN_EVENT_RING].seq = b->next_seq;
	b->next_seq++;
	pthread_mutex_unlock(&b->elock);
}

size_t bulletin_read(struct bulletin *b, uint64_t *cursor, struct kiosk_event *out, size_t max,
                     uint64_t *lost)
{
	uint64_t oldest, start, count;
	uint64_t missed = 0;

	pthread_mutex_lock(&b->elock);
	oldest = b->next_seq > BULLETIN_EVENT_RING ? b->next_seq - BULLETIN_EVENT_RING : 1u;
	start = *cursor;
	if (start < oldest) {
		missed = oldest - (start == 0 ? 1u : start);
		start = oldest;
	}
	count = start < b->next_seq ? b->next_seq - start : 0u;
	if (count > max)
		count = max;
	for (uint64_t i = 0; i < count; i++)
		out[i] = b->ring[(start + i) % BULLETIN_EVENT_RING];
	*cursor = start + count;
	pthread_mutex_unlock(&b->elock);
	if (lost != NULL)
		*lost = missed;
	return (size_t)count;
}

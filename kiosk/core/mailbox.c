/* SPDX-License-Identifier: MIT */
/* The controller's mailbox; see mailbox.h. */
#include "core/mailbox.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct ring {
	struct mailbox_item *items;
	size_t len;
	size_t head;
	size_t count;
};

struct folded_stop {
	bool pending;
	unsigned int count;
	uint64_t seq; /* of the first stop folded in: its place in the order */
	enum command_action action;
	enum command_source source;
};

struct mailbox {
	pthread_mutex_t lock;
	struct ring queue; /* ordinary commands */
	struct ring stops; /* CMD_STOP and CMD_SYMPTOM_STOP */
	struct folded_stop folded[MAILBOX_STATIONS_MAX];
	uint64_t next_seq;
	/* Written under lock; read without it so a full queue refuses a flood
	 * without contending for the lock. */
	_Atomic size_t waiting;  /* everything */
	_Atomic size_t ordinary; /* the ordinary queue */
	int efd;
};

static bool is_stop(const struct command *cmd)
{
	return cmd->action == CMD_STOP || cmd->action == CMD_SYMPTOM_STOP;
}

static int ring_init(struct ring *r, size_t len)
{
	r->items = calloc(len, sizeof(*r->items));
	r->len = len;
	return r->items != NULL ? 0 : -ENOMEM;
}

static void ring_free(struct ring *r)
{
	if (r->items != NULL)
		explicit_bzero(r->items, r->len * sizeof(*r->items));
	free(r->items);
}

static void ring_push(struct ring *r, const struct mailbox_item *it)
{
	r->items[(r->head + r->count) % r->len] = *it;
	r->count++;
}

static const struct mailbox_item *ring_peek(const struct ring *r)
{
	return r->count > 0 ? &r->items[r->head] : NULL;
}

static void ring_pop(struct ring *r, struct mailbox_item *out)
{
	*out = r->items[r->head];
	explicit_bzero(&r->items[r->head], sizeof(r->items[r->head]));
	r->head = (r->head + 1u) % r->len;
	r->count--;
}

struct mailbox *mailbox_create(size_t len)
{
	struct mailbox *mb;
	pthread_mutexattr_t ma;
	int err = ENOMEM;

	if (len == 0) {
		errno = EINVAL;
		return NULL;
	}
	mb = calloc(1, sizeof(*mb));
	if (mb == NULL)
		goto fail;
	if (ring_init(&mb->queue, len) < 0 || ring_init(&mb->stops, MAILBOX_STOP_LANE) < 0)
		goto fail_rings;
	mb->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (mb->efd < 0) {
		err = errno;
		goto fail_rings;
	}
	/* Priority inheritance: a poster preempted inside the lock must not
	 * hold up a real-time control thread behind it. */
	pthread_mutexattr_init(&ma);
	(void)pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&mb->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	mb->next_seq = 1;
	return mb;

fail_rings:
	ring_free(&mb->stops);
	ring_free(&mb->queue);
	free(mb);
fail:
	errno = err;
	return NULL;
}

void mailbox_destroy(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	close(mb->efd);
	pthread_mutex_destroy(&mb->lock);
	ring_free(&mb->stops);
	ring_free(&mb->queue);
	free(mb);
}

void mailbox_wake(struct mailbox *mb)
{
	uint64_t one = 1;

	/* Fails only when the counter would overflow: it is readable then. */
	(void)!write(mb->efd, &one, sizeof(one));
}

void mailbox_ack(struct mailbox *mb)
{
	uint64_t v;

	(void)!read(mb->efd, &v, sizeof(v));
}

int mailbox_fd(const struct mailbox *mb)
{
	return mb->efd;
}

size_t mailbox_count(struct mailbox *mb)
{
	return atomic_load_explicit(&mb->waiting, memory_order_relaxed);
}

/* Fold a stop into its station's flag (the stop lane is full).  Locked. */
static void fold_stop(struct mailbox *mb, const struct command *cmd)
{
	struct folded_stop *f = &mb->folded[cmd->station];

	/* A symptom stop is never folded into a plain one. */
	if (!f->pending || cmd->action == CMD_SYMPTOM_STOP) {
		f->action = cmd->action;
		f->source = cmd->source;
	}
	if (!f->pending) {
		atomic_fetch_add_explicit(&mb->waiting, 1u, memory_order_relaxed);
		f->seq = mb->next_seq++;
	}
	f->pending = true;
	f->count++;
}

int mailbox_post(struct mailbox *mb, const struct mailbox_item *item)
{
	bool stop = is_stop(&item->cmd);
	struct ring *r = stop ? &mb->stops : &mb->queue;
	int ret = 0;

	if (!stop && atomic_load_explicit(&mb->ordinary, memory_order_relaxed) >= mb->queue.len)
		return -EAGAIN; /* cheap refusal under a flood, without the lock */
	pthread_mutex_lock(&mb->lock);
	if (r->count < r->len) {
		struct mailbox_item it = *item;

		it.seq = mb->next_seq++;
		ring_push(r, &it);
		explicit_bzero(&it, sizeof(it));
		atomic_fetch_add_explicit(&mb->waiting, 1u, memory_order_relaxed);
		if (!stop)
			atomic_fetch_add_explicit(&mb->ordinary, 1u, memory_order_relaxed);
	} else if (stop && item->cmd.station < MAILBOX_STATIONS_MAX) {
		fold_stop(mb, &item->cmd);
	} else {
		ret = -EAGAIN;
	}
	pthread_mutex_unlock(&mb->lock);
	if (ret == 0)
		mailbox_wake(mb);
	return ret;
}

/* The pending folded stop with the lowest seq, or NULL.  Locked. */
static struct folded_stop *oldest_folded(struct mailbox *mb, unsigned int *station)
{
	struct folded_stop *best = NULL;

	for (unsigned int i = 0; i < MAILBOX_STATIONS_MAX; i++) {
		struct folded_stop *f = &mb->folded[i];

		if (f->pending && (best == NULL || f->seq < best->seq)) {
			best = f;
			*station = i;
		}
	}
	return best;
}

static void take_folded(struct folded_stop *f, unsigned int station, struct mailbox_item *out)
{
	memset(out, 0, sizeof(*out));
	out->cmd.action = f->action;
	out->cmd.source = f->source;
	out->cmd.station = station;
	out->seq = f->seq;
	out->folded = f->count - 1u;
	*f = (struct folded_stop){0};
}

size_t mailbox_take(struct mailbox *mb, struct mailbox_item *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&mb->lock);
	while (n < max) {
		const struct mailbox_item *q = ring_peek(&mb->queue);
		const struct mailbox_item *s = ring_peek(&mb->stops);
		unsigned int station = 0;
		struct folded_stop *f = oldest_folded(mb, &station);
		uint64_t qs = q != NULL ? q->seq : UINT64_MAX;
		uint64_t ss = s != NULL ? s->seq : UINT64_MAX;
		uint64_t fs = f != NULL ? f->seq : UINT64_MAX;

		if (q == NULL && s == NULL && f == NULL)
			break;
		if (fs < qs && fs < ss) {
			take_folded(f, station, &out[n++]);
		} else if (ss < qs) {
			ring_pop(&mb->stops, &out[n++]);
		} else {
			ring_pop(&mb->queue, &out[n++]);
			atomic_fetch_sub_explicit(&mb->ordinary, 1u, memory_order_relaxed);
		}
	}
	atomic_fetch_sub_explicit(&mb->waiting, n, memory_order_relaxed);
	pthread_mutex_unlock(&mb->lock);
	return n;
}

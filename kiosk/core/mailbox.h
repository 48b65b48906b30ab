/* SPDX-License-Identifier: MIT */
/*
 * The controller's mailbox: a bounded queue of commands from any thread to
 * the control thread, with an eventfd that is readable while commands wait,
 * so the control thread can sleep in one ppoll on it beside its timer and
 * the stop buttons.
 *
 * A member's stop is never refused for a full queue: CMD_STOP and
 * CMD_SYMPTOM_STOP travel in a stop lane of their own (MAILBOX_STOP_LANE
 * entries) that other commands cannot fill, and when even that lane is full
 * (a flood of stops) a further stop is folded into a per-station flag that
 * mailbox_take() hands out as one stop without a request id, counting the
 * stops folded into it (each still gets its result).  Commands are
 * taken in the order they were posted, stops included, so a stop never
 * overtakes the Select it was meant to cancel.
 *
 * Threading: mailbox_post() from any thread; mailbox_take(), mailbox_ack()
 * from the one consumer.  Never blocks beyond one short mutex.
 */
#ifndef KIOSK_CORE_MAILBOX_H
#define KIOSK_CORE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define MAILBOX_STOP_LANE 64u
#define MAILBOX_STATIONS_MAX 8u

struct mailbox_item {
	struct command cmd;  /* the PIN is never in here: see pin_ok */
	bool pin_ok;         /* CMD_STAFF_APPROVE: verdict taken on the posting thread */
	uint64_t seq;        /* order of posting (filled by mailbox_post) */
	unsigned int folded; /* further stops folded into this one (no request ids) */
};

struct mailbox;

/* A mailbox taking len ordinary commands; NULL + errno. */
struct mailbox *mailbox_create(size_t len);
void mailbox_destroy(struct mailbox *mb); /* wipes what is left; NULL ok */

/* Queue item (its seq is assigned here).  0, or -EAGAIN when the ordinary
 * queue is full; a stop for a station < MAILBOX_STATIONS_MAX always gives 0.
 * Any thread. */
int mailbox_post(struct mailbox *mb, const struct mailbox_item *item);

/* Take up to max items in the order they were posted (a folded stop takes
 * the place of the first stop folded into it).  Consumer. */
size_t mailbox_take(struct mailbox *mb, struct mailbox_item *out, size_t max);

/* Items waiting (ordinary + stop lane + folded stops).  Any thread. */
size_t mailbox_count(struct mailbox *mb);

/* Readable (POLLIN) after a post until mailbox_ack(). */
int mailbox_fd(const struct mailbox *mb);
/* Clear the readiness.  Call before mailbox_take(), so a post racing with
 * the take leaves the fd readable.  Consumer. */
void mailbox_ack(struct mailbox *mb);
/* Make the fd readable without a command (e.g. to ask the consumer to
 * stop).  Any thread. */
void mailbox_wake(struct mailbox *mb);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * What the control thread publishes for the other threads: the latest
 * immutable snapshot (a few reference-counted buffers, so a reader never
 * waits for the writer and the writer never copies under a reader) and the
 * event stream (a ring every reader walks with its own cursor).
 *
 * Threading: bulletin_publish() and bulletin_post() from the one writer
 * (the control thread, or the caller of controller_step()); the readers from
 * any thread.  Each lock is held only to move a pointer, a count or one
 * event.
 */
#ifndef KIOSK_CORE_BULLETIN_H
#define KIOSK_CORE_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define BULLETIN_EVENT_RING 4096u

struct bulletin;

/* NULL + errno.  The first snapshot is all zeros until a publish. */
struct bulletin *bulletin_create(void);
void bulletin_destroy(struct bulletin *b); /* NULL ok */

/* Make snap (seq filled in here) the current snapshot.  False when every
 * spare buffer is held by a reader (try again later).  Writer. */
bool bulletin_publish(struct bulletin *b, const struct kiosk_snapshot *snap);
const struct kiosk_snapshot *bulletin_acquire(struct bulletin *b);
void bulletin_release(struct bulletin *b, const struct kiosk_snapshot *snap);

/* Append ev with the next seq (the first is 1).  Writer. */
void bulletin_post(struct bulletin *b, const struct kiosk_event *ev);
/* Copy events with seq >= *cursor into out (up to max), advance *cursor,
 * return the count; *lost (may be NULL) is how many the reader missed for
 * falling more than BULLETIN_EVENT_RING behind.  Any thread. */
size_t bulletin_read(struct bulletin *b, uint64_t *cursor, struct kiosk_event *out, size_t max,
                     uint64_t *lost);

#endif

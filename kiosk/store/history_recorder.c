/* SPDX-License-Identifier: MIT */
#include "store/history_recorder.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "core/controller.h"

#define RECORDER_BATCH 128u
#define RECORDER_POLL_MS 1000 /* without a listener */

struct history_recorder {
	struct history_recorder_params p;
	struct history *h;
	int efd;
	bool have_listener;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	uint64_t cursor;
	uint64_t retention_due_ms; /* monotonic */
	bool failing;
	struct kiosk_event batch[RECORDER_BATCH];
};

/* One write per line so lines from threads do not interleave. */
static void log_line(int priority, const char *what)
{
	fprintf(stderr, "<%d>history: %s\n", priority, what);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t wall_now(const struct history_recorder *r)
{
	struct timespec ts;

	if (r->p.wall_ms)
		return r->p.wall_ms(r->p.clock_ctx);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Control thread: must not block. */
static void on_change(void *ctx)
{
	struct history_recorder *r = ctx;
	uint64_t one = 1;

	if (write(r->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the reader wakes anyway. */
	}
}

static bool changes_usage(enum event_kind k)
{
	return k == EVENT_SESSION_STARTED || k == EVENT_SESSION_COMPLETED ||
	       k == EVENT_SESSION_STOPPED || k == EVENT_FAULT_RAISED || k == EVENT_FAULT_RESET ||
	       k == EVENT_CLEANED || k == EVENT_OUT_OF_SERVICE || k == EVENT_IN_SERVICE;
}

static int notify_end(void *ctx, const struct history_session *s)
{
	struct history_recorder *r = ctx;

	r->p.on_session_end(r->p.ctx, s);
	return 1; /* one is enough */
}

static void tell(struct history_recorder *r, const struct kiosk_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct kiosk_event *e = &ev[i];
		if (!changes_usage(e->kind))
			continue;
		if (r->p.on_session_end &&
		    (e->kind == EVENT_SESSION_COMPLETED || e->kind == EVENT_SESSION_STOPPED)) {
			struct history_query q = {
			    .station = e->station + 1u, .limit = 1, .newest_first = true};
			history_sessions(r->h, &q, notify_end, r);
		}
		if (r->p.on_usage_change)
			r->p.on_usage_change(r->p.ctx, e->station + 1u);
	}
}

/* Everything the controller has; a batch that fails to commit is read again
 * from the ring on the next round (the cursor moves only on success). */
static int drain_events(struct history_recorder *r)
{
	for (;;) {
		uint64_t cursor = r->cursor;
		uint64_t lost = 0;
		size_t n = controller_events_read(r->p.controller, &cursor, r->batch,
		                                  RECORDER_BATCH, &lost);
		if (lost)
			log_line(4, "fell behind the controller; some sessions are missing");
		if (n == 0)
			return 0;
		if (history_record_events(r->h, r->batch, n) < 0)
			return -EIO;
		r->cursor = cursor;
		tell(r, r->batch, n);
	}
}

static int read_snapshot(struct history_recorder *r)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(r->p.controller);
	int rc;

	if (!snap)
		return 0;
	rc = history_record_snapshot(r->h, snap, wall_now(r));
	controller_snapshot_release(r->p.controller, snap);
	return rc;
}

static void retention(struct history_recorder *r, uint64_t now)
{
	struct history_pruned p;
	char what[200];

	if (now < r->retention_due_ms)
		return;
	r->retention_due_ms = now + HISTORY_RECORDER_RETENTION_MS;
	if (history_enforce_retention(r->h, wall_now(r), &p) < 0) {
		log_line(3, "cannot apply the retention limits; retrying in an hour");
		return;
	}
	if (p.sessions || p.series || p.events) {
		snprintf(what, sizeof(what),
		         "retention removed %u session(s), %u pressure series and %u station "
		         "event(s)",
		         p.sessions, p.series, p.events);
		log_line(6, what);
	}
}

static void round_once(struct history_recorder *r)
{
	int rc = drain_events(r);

	if (rc == 0)
		rc = read_snapshot(r);
	/* Whatever else failed: what waits in the history's transaction goes
	 * to disk within its window. */
	if (history_commit_due(r->h, wall_now(r)) < 0)
		rc = -EIO;
	if (rc < 0 && !r->failing)
		log_line(3, "cannot write the session history; retrying (check free space in "
		            "state_dir)");
	else if (rc == 0 && r->failing)
		log_line(5, "session history writes work again");
	r->failing = rc < 0;
	retention(r, mono_ms());
}

static void *recorder_main(void *arg)
{
	struct history_recorder *r = arg;
	uint64_t v;

	/* Named for top -H, journald and the benchmarks' per-thread CPU. */
	prctl(PR_SET_NAME, "kiosk-history", 0, 0, 0);
	while (!atomic_load(&r->stop)) {
		round_once(r);
		if (atomic_load(&r->stop))
			break;
		if (history_any_open(r->h) || r->failing) {
			/* Sampling: the snapshot changes every tick while a session
			 * runs, so the listener is not waited on here. */
			poll(NULL, 0, (int)HISTORY_RECORDER_READ_MS);
		} else {
			uint64_t now = mono_ms();
			uint64_t wait = r->retention_due_ms > now ? r->retention_due_ms - now : 0;
			if (!r->have_listener && wait > RECORDER_POLL_MS)
				wait = RECORDER_POLL_MS;
			struct pollfd pfd = {.fd = r->efd, .events = POLLIN};
			poll(&pfd, 1, (int)wait);
		}
		if (read(r->efd, &v, sizeof(v)) < 0) {
			/* EAGAIN: nothing pending. */
		}
	}
	return NULL;
}

struct history_recorder *history_recorder_create(const struct history_recorder_params *p, char *err,
                                                 size_t err_len)
{
	struct history_recorder *r;
	int rc;

	if (!p || !p->controller) {
		snprintf(err, err_len, "history: a controller is required");
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_len, "history: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->p = *p;
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		rc = -errno;
		snprintf(err, err_len, "history: eventfd: %s", strerror(-rc));
		goto err_free;
	}
	r->h = history_open(p->state_dir, &p->limits, false, err, err_len);
	if (!r->h) {
		rc = -errno;
		goto err_fd;
	}
	/* Last: a listener cannot be removed again. */
	r->have_listener = controller_add_listener(p->controller, on_change, r) == 0;
	return r;

err_fd:
	close(r->efd);
err_free:
	free(r);
	errno = -rc;
	return NULL;
}

int history_recorder_start(struct history_recorder *r)
{
	int rc;

	if (r->started)
		return -EALREADY;
	atomic_store(&r->stop, false);
	rc = -pthread_create(&r->thread, NULL, recorder_main, r);
	if (rc == 0)
		r->started = true;
	return rc;
}

void history_recorder_stop(struct history_recorder *r)
{
	if (!r || !r->started)
		return;
	atomic_store(&r->stop, true);
	on_change(r);
	pthread_join(r->thread, NULL);
	r->started = false;
	/* The last events (the shutdown stop of a running session). */
	if (drain_events(r) < 0)
		log_line(3, "cannot write the last sessions at exit");
}

void history_recorder_destroy(struct history_recorder *r)
{
	if (!r)
		return;
	history_recorder_stop(r);
	history_close(r->h);
	close(r->efd);
	free(r);
}

struct history *history_recorder_history(struct history_recorder *r)
{
	return r->h;
}

/* SPDX-License-Identifier: MIT */
/* The store thread: controller events -> SQLite, one transaction per batch. */
#include "store/event_log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/settings.h"
#include "core/controller.h"
#include "store/store.h"

#define EVENT_LOG_BATCH 256u
#define EVENT_LOG_RETRY_MS 1000
/* After this long with nothing new to write, the WAL is checkpointed and
 * truncated, and the tables are pruned if due. */
#define EVENT_LOG_IDLE_MS 30000
#define EVENT_LOG_PRUNE_EVERY 1000u   /* events */
#define EVENT_LOG_DELIVERED_MAX 1024u /* removals waiting; more are committed at once */
#define EVENT_LOG_PRUNE_MS (3600u * 1000u)

/* sd-daemon priorities: journald reads "<N>" at the start of a stderr line. */
enum { LOG_ERR_ = 3, LOG_NOTICE_ = 5 };

struct event_log {
	struct controller *ctl;
	struct store *store;
	int efd; /* woken by the controller listener */
	pthread_t thread;
	atomic_bool started;
	atomic_bool stop;
	bool listening;
	_Atomic uint64_t lost;

	/* The persisted cursor, its waiters and the watcher. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t persisted;
	void (*watch_fn)(void *ctx);
	void *watch_ctx;
	/* Delivered events waiting to leave the outbox. */
	int64_t delivered[EVENT_LOG_DELIVERED_MAX];
	size_t delivered_count;
	uint64_t delivered_since_ms; /* CLOCK_MONOTONIC of the oldest */
	unsigned int delivered_delay_ms;

	/* Store thread only: upkeep. */
	bool dirty;         /* written since the last checkpoint */
	size_t since_prune; /* events appended since the last prune */
	uint64_t pruned_ms; /* CLOCK_MONOTONIC of the last prune */
};

static void log_line(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so lines from threads do not interleave. */
	fprintf(stderr, "<%d>store: %s\n", priority, line);
}

static void wake(int efd)
{
	uint64_t one = 1;

	/* Non-blocking eventfd: this never stalls the control thread. */
	if (write(efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the reader is woken anyway. */
	}
}

static void drain(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending. */
	}
}

/* Control thread: must not block. */
static void on_controller_change(void *ctx)
{
	struct event_log *el = ctx;

	wake(el->efd);
}

static void set_persisted(struct event_log *el, uint64_t cursor)
{
	pthread_mutex_lock(&el->lock);
	el->persisted = cursor;
	pthread_cond_broadcast(&el->cond);
	/* Under the lock, so a watcher cleared is never called afterwards. */
	if (el->watch_fn)
		el->watch_fn(el->watch_ctx);
	pthread_mutex_unlock(&el->lock);
}

static uint64_t mono_now_ms(void);

/* Takes the delivered events waiting; *out has room for EVENT_LOG_DELIVERED_MAX. */
static size_t take_delivered(struct event_log *el, int64_t *out)
{
	pthread_mutex_lock(&el->lock);
	size_t n = el->delivered_count;
	memcpy(out, el->delivered, n * sizeof(out[0]));
	el->delivered_count = 0;
	pthread_mutex_unlock(&el->lock);
	return n;
}

/* Puts them back after a failed commit (newer ones may have come). */
static void give_back_delivered(struct event_log *el, const int64_t *ids, size_t n)
{
	pthread_mutex_lock(&el->lock);
	size_t room = EVENT_LOG_DELIVERED_MAX - el->delivered_count;
	n = n < room ? n : room;
	memmove(el->delivered + n, el->delivered, el->delivered_count * sizeof(ids[0]));
	memcpy(el->delivered, ids, n * sizeof(ids[0]));
	el->delivered_count += n;
	pthread_mutex_unlock(&el->lock);
}

/* ms until the waiting removals are due (0: now), or -1 when none wait. */
static int delivered_due_ms(struct event_log *el)
{
	pthread_mutex_lock(&el->lock);
	int due = -1;
	if (el->delivered_count) {
		uint64_t age = mono_now_ms() - el->delivered_since_ms;
		due = age >= el->delivered_delay_ms ? 0 : (int)(el->delivered_delay_ms - age);
		if (el->delivered_count >= EVENT_LOG_DELIVERED_MAX)
			due = 0;
	}
	pthread_mutex_unlock(&el->lock);
	return due;
}

/* Removes the waiting delivered events on their own commit. */
static int flush_delivered(struct event_log *el, int64_t *ids)
{
	size_t n = take_delivered(el, ids);

	if (n && store_outbox_delete_many(el->store, ids, n) < 0) {
		give_back_delivered(el, ids, n);
		return -EIO;
	}
	el->dirty = el->dirty || n;
	return 0;
}

/* Reads everything the controller has, commits it (with the delivered
 * events' removal), and only then moves the persisted cursor. */
static int drain_controller(struct event_log *el, uint64_t *cursor, struct kiosk_event *batch,
                            size_t *pending, int64_t *ids)
{
	for (;;) {
		if (*pending == 0) {
			uint64_t lost = 0;
			*pending =
			    controller_events_read(el->ctl, cursor, batch, EVENT_LOG_BATCH, &lost);
			if (lost) {
				atomic_fetch_add(&el->lost, lost);
				log_line(LOG_ERR_,
				         "fell %llu events behind the controller; they are lost",
				         (unsigned long long)lost);
			}
			if (*pending == 0)
				return 0;
		}
		size_t nd = take_delivered(el, ids);
		if (store_events_append_delivered(el->store, batch, *pending, ids, nd) < 0) {
			give_back_delivered(el, ids, nd);
			return -EIO; /* keep the batch; retry later */
		}
		el->since_prune += *pending;
		el->dirty = true;
		*pending = 0;
		set_persisted(el, *cursor);
	}
}

static uint64_t wall_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t mono_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Upkeep when the log is quiet: prune when due; truncate the WAL once it
 * has grown (every checkpoint writes the pages it copies). */
static void upkeep(struct event_log *el)
{
	uint64_t now = mono_now_ms();

	if (el->since_prune >= EVENT_LOG_PRUNE_EVERY || now - el->pruned_ms >= EVENT_LOG_PRUNE_MS) {
		if (store_prune(el->store, wall_now_ms()) < 0)
			log_line(LOG_ERR_, "cannot prune the database: %s",
			         store_errmsg(el->store));
		el->since_prune = 0;
		el->pruned_ms = now;
	}
	if (store_file_bytes(el->store, true) < STORE_WAL_CHECKPOINT_BYTES ||
	    store_checkpoint(el->store) == 0)
		el->dirty = false;
}

static void *thread_main(void *arg)
{
	struct event_log *el = arg;
	struct kiosk_event *batch = calloc(EVENT_LOG_BATCH, sizeof(*batch));
	int64_t *ids = calloc(EVENT_LOG_DELIVERED_MAX, sizeof(*ids));
	uint64_t cursor = 0;
	size_t pending = 0;
	bool failing = false;

	if (!batch || !ids) {
		log_line(LOG_ERR_, "out of memory; events are not logged");
		free(batch);
		free(ids);
		return NULL;
	}
	for (;;) {
		bool stopping = atomic_load(&el->stop);
		int rc = drain_controller(el, &cursor, batch, &pending, ids);
		if (rc == 0 && (stopping || delivered_due_ms(el) == 0))
			rc = flush_delivered(el, ids);
		if (rc < 0 && !failing)
			log_line(LOG_ERR_,
			         "cannot write events to the database: %s; retrying every second",
			         store_errmsg(el->store));
		else if (rc == 0 && failing)
			log_line(LOG_NOTICE_, "database writes work again");
		failing = rc < 0;
		if (stopping)
			break;
		/* Event-driven: asleep until the controller has news; one bounded
		 * wait after writes for the idle upkeep. */
		struct pollfd pfd = {.fd = el->efd, .events = POLLIN};
		int timeout = failing ? EVENT_LOG_RETRY_MS : el->dirty ? EVENT_LOG_IDLE_MS : -1;
		int due = delivered_due_ms(el);
		if (!failing && due >= 0 && (timeout < 0 || due < timeout))
			timeout = due;
		if (poll(&pfd, 1, timeout) == 0 && !failing && delivered_due_ms(el) < 0)
			upkeep(el);
		drain(el->efd);
	}
	if (!failing && el->dirty)
		upkeep(el);
	free(batch);
	free(ids);
	return NULL;
}

struct event_log *event_log_create(const struct event_log_params *p, char *err, size_t err_len)
{
	struct event_log *el;
	pthread_condattr_t ca;
	int rc;

	if (!p || !p->state_dir || !p->controller) {
		snprintf(err, err_len, "event log: state_dir and controller are required");
		errno = EINVAL;
		return NULL;
	}
	el = calloc(1, sizeof(*el));
	if (!el) {
		snprintf(err, err_len, "event log: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	el->ctl = p->controller;
	el->delivered_delay_ms = p->delivered_delay_ms;
	pthread_mutex_init(&el->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&el->cond, &ca);
	pthread_condattr_destroy(&ca);
	el->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (el->efd < 0) {
		rc = -errno;
		snprintf(err, err_len, "event log: eventfd: %s", strerror(-rc));
		goto err_free;
	}
	el->store = store_open(p->state_dir, err, err_len);
	if (!el->store) {
		rc = -errno;
		goto err_efd;
	}
	if (p->config)
		store_set_stations(el->store, p->config);
	el->pruned_ms = mono_now_ms();
	rc = controller_add_listener(el->ctl, on_controller_change, el);
	if (rc < 0) {
		snprintf(err, err_len, "event log: cannot listen to the controller: %s",
		         strerror(-rc));
		goto err_store;
	}
	el->listening = true;
	return el;

err_store:
	store_close(el->store);
err_efd:
	close(el->efd);
err_free:
	pthread_cond_destroy(&el->cond);
	pthread_mutex_destroy(&el->lock);
	free(el);
	errno = rc < 0 ? -rc : EIO;
	return NULL;
}

int event_log_start(struct event_log *el)
{
	int rc;

	if (el->started)
		return -EALREADY;
	atomic_store(&el->stop, false);
	rc = -pthread_create(&el->thread, NULL, thread_main, el);
	if (rc < 0) {
		log_line(LOG_ERR_, "cannot start the store thread: %s", strerror(-rc));
		return rc;
	}
	el->started = true;
	return 0;
}

void event_log_stop(struct event_log *el)
{
	if (!el || !atomic_load(&el->started))
		return;
	/* From now on a delivery is removed on its caller's thread; the store
	 * thread's last round removes those queued before.  Under the lock, as
	 * event_log_delivered() reads it: a delivery cannot be queued after
	 * the last round has taken the queue. */
	pthread_mutex_lock(&el->lock);
	atomic_store(&el->started, false);
	pthread_mutex_unlock(&el->lock);
	atomic_store(&el->stop, true);
	wake(el->efd);
	pthread_join(el->thread, NULL);
}

void event_log_destroy(struct event_log *el)
{
	if (!el)
		return;
	event_log_stop(el);
	if (el->listening)
		controller_remove_listener(el->ctl, on_controller_change, el);
	store_close(el->store);
	close(el->efd);
	pthread_cond_destroy(&el->cond);
	pthread_mutex_destroy(&el->lock);
	free(el);
}

struct store *event_log_store(struct event_log *el)
{
	return el->store;
}

uint64_t event_log_persisted(struct event_log *el)
{
	pthread_mutex_lock(&el->lock);
	uint64_t v = el->persisted;
	pthread_mutex_unlock(&el->lock);
	return v;
}

int event_log_wait_persisted(struct event_log *el, uint64_t seq, unsigned int timeout_ms)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(timeout_ms / 1000u);
	until.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&el->lock);
	while (el->persisted <= seq && rc == 0)
		rc = pthread_cond_timedwait(&el->cond, &el->lock, &until);
	rc = el->persisted > seq ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&el->lock);
	return rc;
}

void event_log_watch(struct event_log *el, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&el->lock);
	el->watch_fn = fn;
	el->watch_ctx = ctx;
	pthread_mutex_unlock(&el->lock);
}

void event_log_delivered(struct event_log *el, const int64_t *ids, size_t n)
{
	pthread_mutex_lock(&el->lock);
	/* No store thread (stopped, or not started yet): on the caller's. */
	if (!atomic_load(&el->started)) {
		pthread_mutex_unlock(&el->lock);
		if (n && store_outbox_delete_many(el->store, ids, n) < 0)
			log_line(LOG_ERR_, "cannot remove delivered events from the outbox: %s",
			         store_errmsg(el->store));
		return;
	}
	if (el->delivered_count == 0)
		el->delivered_since_ms = mono_now_ms();
	for (size_t i = 0; i < n && el->delivered_count < EVENT_LOG_DELIVERED_MAX; i++)
		el->delivered[el->delivered_count++] = ids[i];
	/* Beyond the list an event stays in the outbox and is sent again later
	 * (under its id): a duplicate, never a loss. */
	pthread_mutex_unlock(&el->lock);
	/* The store thread sets its timer by the oldest waiting removal. */
	if (n)
		wake(el->efd);
}

int64_t event_log_outbox_depth(struct event_log *el)
{
	int64_t n = store_outbox_count(el->store);

	if (n < 0)
		return n;
	pthread_mutex_lock(&el->lock);
	n -= (int64_t)el->delivered_count;
	pthread_mutex_unlock(&el->lock);
	return n < 0 ? 0 : n;
}

uint64_t event_log_lost(struct event_log *el)
{
	return atomic_load(&el->lost);
}

int event_log_load_service(const struct kiosk_config *config, struct station_service *out,
                           char *err, size_t err_len)
{
	struct store *s = store_open(config->state_dir, err, err_len);
	int rc;

	if (!s)
		return -errno;
	store_set_stations(s, config);
	rc = store_service_load(s, out, config->station_count);
	if (rc < 0)
		snprintf(err, err_len,
		         "store: cannot read the stations' service state from '%s/%s': %s",
		         config->state_dir, STORE_DB_NAME, store_errmsg(s));
	store_close(s);
	return rc;
}

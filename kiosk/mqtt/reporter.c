/* SPDX-License-Identifier: MIT */
/* Lifecycle and the store thread: controller events -> SQLite (history,
 * sessions, outbox) in one transaction per batch. */
#include "mqtt/reporter.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/controller.h"
#include "mqtt/reporter_private.h"
#include "store/store.h"

#define STORE_BATCH 256u
#define STORE_RETRY_MS 1000

void reporter_log(int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so lines from threads do not interleave. */
	fprintf(stderr, "<%d>reporter: %s\n", priority, line);
}

uint64_t reporter_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void reporter_wake(int efd)
{
	uint64_t one = 1;

	/* Non-blocking eventfd: this never stalls the control thread. */
	if (write(efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the reader is woken anyway. */
	}
}

static void drain_efd(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending. */
	}
}

/* Control thread: must not block. */
static void on_controller_change(void *ctx)
{
	struct reporter *r = ctx;

	reporter_wake(r->store_efd);
	if (r->mosq)
		reporter_wake(r->mqtt_efd);
}

/* Reads everything the controller has, commits it, and only then moves the
 * persisted cursor: a command result is published after its event is safe. */
static int store_drain(struct reporter *r, uint64_t *cursor, struct kiosk_event *batch,
                       size_t *pending)
{
	for (;;) {
		if (*pending == 0) {
			uint64_t lost = 0;
			*pending =
			    controller_events_read(r->ctl, cursor, batch, STORE_BATCH, &lost);
			if (lost) {
				atomic_fetch_add(&r->events_lost, lost);
				reporter_log(
				    REPORTER_LOG_ERR,
				    "store fell %llu events behind the controller; they are lost",
				    (unsigned long long)lost);
			}
			if (*pending == 0)
				return 0;
		}
		if (store_events_append(r->store, batch, *pending) < 0)
			return -EIO; /* keep the batch; retry later */
		*pending = 0;
		atomic_store(&r->persisted_cursor, *cursor);
		if (r->mosq)
			reporter_wake(r->mqtt_efd);
	}
}

static void *store_thread_main(void *arg)
{
	struct reporter *r = arg;
	struct kiosk_event *batch = calloc(STORE_BATCH, sizeof(*batch));
	uint64_t cursor = 0;
	size_t pending = 0;
	bool failing = false;

	if (!batch) {
		reporter_log(REPORTER_LOG_ERR,
		             "store thread: out of memory; events are not logged");
		return NULL;
	}
	for (;;) {
		bool stopping = atomic_load(&r->stop_store);
		int rc = store_drain(r, &cursor, batch, &pending);
		if (rc < 0 && !failing)
			reporter_log(
			    REPORTER_LOG_ERR,
			    "cannot write events to the database: %s; retrying every second",
			    store_errmsg(r->store));
		else if (rc == 0 && failing)
			reporter_log(REPORTER_LOG_NOTICE, "database writes work again");
		failing = rc < 0;
		if (stopping)
			break;
		struct pollfd pfd = {.fd = r->store_efd, .events = POLLIN};
		poll(&pfd, 1, failing ? STORE_RETRY_MS : -1);
		drain_efd(r->store_efd);
	}
	free(batch);
	return NULL;
}

struct reporter *reporter_create(const struct reporter_params *p, char *err, size_t err_len)
{
	struct reporter *r;
	int rc;

	if (!p || !p->config || !p->controller) {
		snprintf(err, err_len, "reporter: config and controller are required");
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_len, "reporter: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->cfg = p->config;
	r->ctl = p->controller;
	snprintf(r->version, sizeof(r->version), "%s", p->version ? p->version : "unknown");
	snprintf(r->backend, sizeof(r->backend), "%s", p->backend ? p->backend : "unknown");
	r->start_ms = reporter_now_ms();
	r->store_efd = -1;
	r->mqtt_efd = -1;
	r->net_efd = -1;
	pthread_mutex_init(&r->lock, NULL);

	r->store_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->mqtt_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->store_efd < 0 || r->mqtt_efd < 0) {
		rc = -errno;
		snprintf(err, err_len, "reporter: eventfd: %s", strerror(-rc));
		goto err_fds;
	}
	r->store = store_open(r->cfg->state_dir, err, err_len);
	if (!r->store) {
		rc = -errno;
		goto err_fds;
	}
	if (r->cfg->mqtt.enabled) {
		rc = reporter_mqtt_create(r, err, err_len);
		if (rc < 0)
			goto err_store;
	}
	/* Last: the listener cannot be removed again. */
	rc = controller_add_listener(r->ctl, on_controller_change, r);
	if (rc < 0) {
		snprintf(err, err_len, "reporter: cannot listen to the controller: %s",
		         strerror(-rc));
		goto err_mqtt;
	}
	return r;

err_mqtt:
	reporter_mqtt_destroy(r);
err_store:
	store_close(r->store);
err_fds:
	if (r->store_efd >= 0)
		close(r->store_efd);
	if (r->mqtt_efd >= 0)
		close(r->mqtt_efd);
	pthread_mutex_destroy(&r->lock);
	free(r);
	errno = rc < 0 ? -rc : EIO;
	return NULL;
}

int reporter_start(struct reporter *r)
{
	int rc;

	if (r->store_started)
		return -EALREADY;
	rc = -pthread_create(&r->store_thread, NULL, store_thread_main, r);
	if (rc < 0) {
		reporter_log(REPORTER_LOG_ERR, "cannot start the store thread: %s", strerror(-rc));
		return rc;
	}
	r->store_started = true;
	if (r->mosq) {
		rc = reporter_mqtt_start(r);
		if (rc < 0) {
			reporter_stop(r);
			return rc;
		}
	}
	return 0;
}

void reporter_stop(struct reporter *r)
{
	if (!r)
		return;
	/* Store first: its final drain commits the last events (e.g. the
	 * shutdown stop), which the MQTT flush then tries to deliver. */
	if (r->store_started) {
		atomic_store(&r->stop_store, true);
		reporter_wake(r->store_efd);
		pthread_join(r->store_thread, NULL);
		r->store_started = false;
	}
	if (r->mosq)
		reporter_mqtt_stop(r);
}

void reporter_destroy(struct reporter *r)
{
	if (!r)
		return;
	reporter_stop(r);
	reporter_mqtt_destroy(r);
	store_close(r->store);
	close(r->store_efd);
	close(r->mqtt_efd);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

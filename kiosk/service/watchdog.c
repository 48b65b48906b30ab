/* SPDX-License-Identifier: MIT */
#include "service/watchdog.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

/* No tick recorded yet: the thread never pings before the control loop ran. */
#define NO_TICK UINT64_MAX

struct watchdog {
	_Atomic uint64_t last_tick_ms;
	_Atomic uint64_t pings;
	bool enabled;
	uint64_t interval_us; /* WatchdogSec */
	uint64_t (*now_ms)(void *ctx);
	void *clock_ctx;

	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	bool stop;           /* under lock */
	bool running;        /* main thread only */
	pthread_t thread;
};

static uint64_t monotonic_ms(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct watchdog *watchdog_create_with(const struct watchdog_params *params)
{
	struct watchdog *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	atomic_init(&w->last_tick_ms, NO_TICK);
	atomic_init(&w->pings, 0);
	w->now_ms = monotonic_ms;
	if (params && params->now_ms) {
		w->now_ms = params->now_ms;
		w->clock_ctx = params->clock_ctx;
	}

	if (params && params->override_interval) {
		w->interval_us = params->interval_us;
	} else {
		/* > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is us. */
		uint64_t usec = 0;
		if (sd_watchdog_enabled(0, &usec) > 0)
			w->interval_us = usec;
	}
	/* Below 2 ms the half-interval rounds to nothing: treat as disabled. */
	w->enabled = w->interval_us >= 2000u;

	pthread_condattr_t attr;
	int rc = pthread_condattr_init(&attr);
	if (rc)
		goto err_free;
	rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (rc)
		goto err_attr;
	rc = pthread_cond_init(&w->cond, &attr);
	if (rc)
		goto err_attr;
	rc = pthread_mutex_init(&w->lock, NULL);
	if (rc)
		goto err_cond;
	pthread_condattr_destroy(&attr);
	return w;

err_cond:
	pthread_cond_destroy(&w->cond);
err_attr:
	pthread_condattr_destroy(&attr);
err_free:
	free(w);
	errno = rc;
	return NULL;
}

struct watchdog *watchdog_create(void)
{
	return watchdog_create_with(NULL);
}

void watchdog_tick(void *ctx, uint64_t now_ms)
{
	struct watchdog *w = ctx;
	if (w)
		atomic_store_explicit(&w->last_tick_ms, now_ms, memory_order_release);
}

bool watchdog_enabled(const struct watchdog *w)
{
	return w && w->enabled;
}

uint64_t watchdog_pings(const struct watchdog *w)
{
	return w ? atomic_load(&w->pings) : 0;
}

static void timespec_add_us(struct timespec *ts, uint64_t us)
{
	uint64_t nsec = (uint64_t)ts->tv_nsec + (us % 1000000u) * 1000u;
	ts->tv_sec += (time_t)(us / 1000000u + nsec / 1000000000u);
	ts->tv_nsec = (long)(nsec % 1000000000u);
}

/* Fresh = the control loop ticked within the last half interval: a loop
 * stalled for longer than that misses this ping, and by the next one systemd
 * has seen a full WatchdogSec without WATCHDOG=1. */
static bool tick_is_fresh(struct watchdog *w, uint64_t *age_ms)
{
	uint64_t last = atomic_load_explicit(&w->last_tick_ms, memory_order_acquire);
	if (last == NO_TICK) {
		*age_ms = UINT64_MAX;
		return false;
	}
	uint64_t now = w->now_ms(w->clock_ctx);
	*age_ms = now > last ? now - last : 0;
	return *age_ms * 1000u <= w->interval_us / 2u;
}

static void *watchdog_thread(void *arg)
{
	struct watchdog *w = arg;
	uint64_t period_us = w->interval_us / 2u;
	bool stalled = false;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		timespec_add_us(&next, period_us);
		int rc = 0;
		while (!w->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&w->cond, &w->lock, &next);
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->lock);

		uint64_t age_ms;
		if (tick_is_fresh(w, &age_ms)) {
			if (sd_notify(0, "WATCHDOG=1") > 0)
				atomic_fetch_add(&w->pings, 1);
			if (stalled)
				fprintf(stderr, SD_NOTICE "watchdog: control loop ticking again\n");
			stalled = false;
		} else if (!stalled && age_ms != UINT64_MAX) {
			/* Logged once per stall; systemd does the rest. */
			fprintf(stderr,
			        SD_ERR
			        "watchdog: control loop has not ticked for %" PRIu64
			        " ms; withholding WATCHDOG=1 so systemd restarts the kiosk\n",
			        age_ms);
			stalled = true;
		}
		/* A late wake-up must not fire a burst of pings. */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec ||
		    (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec))
			next = now;
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int watchdog_start(struct watchdog *w)
{
	if (!w)
		return -EINVAL;
	if (!w->enabled || w->running)
		return 0;
	pthread_mutex_lock(&w->lock);
	w->stop = false;
	pthread_mutex_unlock(&w->lock);
	int rc = pthread_create(&w->thread, NULL, watchdog_thread, w);
	if (rc)
		return -rc;
	w->running = true;
	return 0;
}

static void watchdog_join(struct watchdog *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = false;
}

/* STATUS= text must be one line: newlines would start a new assignment. */
static void copy_status(char *dst, size_t len, const char *status)
{
	size_t i = 0;
	for (; status[i] && i + 1 < len; i++)
		dst[i] = (status[i] == '\n' || status[i] == '\r') ? ' ' : status[i];
	dst[i] = '\0';
}

void watchdog_ready(struct watchdog *w, const char *status)
{
	(void)w;
	if (status) {
		char line[256];
		copy_status(line, sizeof(line), status);
		sd_notifyf(0, "READY=1\nSTATUS=%s", line);
	} else {
		sd_notify(0, "READY=1");
	}
}

void watchdog_status(struct watchdog *w, const char *status)
{
	(void)w;
	if (!status)
		return;
	char line[256];
	copy_status(line, sizeof(line), status);
	sd_notifyf(0, "STATUS=%s", line);
}

void watchdog_stopping(struct watchdog *w)
{
	sd_notify(0, "STOPPING=1\nSTATUS=Stopping; outputs going to the safe state");
	if (w)
		watchdog_join(w);
}

void watchdog_destroy(struct watchdog *w)
{
	if (!w)
		return;
	watchdog_join(w);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

/* SPDX-License-Identifier: MIT */
/*
 * The systemd watchdog and service notifications (sd_notify).
 *
 * The control thread never does I/O for the watchdog: its on_tick callback
 * (controller_params.on_tick = watchdog_tick, on_tick_ctx = the watchdog)
 * only stores the tick time in an atomic.  A small watchdog thread wakes every
 * WatchdogSec/2 and sends WATCHDOG=1 only while that last tick is fresh
 * (younger than WatchdogSec/2), so a stalled control loop stops the pings and
 * systemd kills and restarts the kiosk; ExecStopPost= then drives the safe
 * state.
 *
 * Not under systemd (no NOTIFY_SOCKET) or without WatchdogSec=: the object is
 * still created and every call is a cheap no-op, so main needs no branches.
 *
 * Threading: create/start/ready/stopping/destroy from the main thread;
 * watchdog_tick from the control thread (lock-free, no I/O, no allocation).
 */
#ifndef KIOSK_SERVICE_WATCHDOG_H
#define KIOSK_SERVICE_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

struct watchdog;

/* Reads NOTIFY_SOCKET / WATCHDOG_USEC / WATCHDOG_PID via sd_watchdog_enabled.
 * NULL + errno only on allocation failure. */
struct watchdog *watchdog_create(void);

/* Test and tuning hooks: the clock the freshness check uses (monotonic ms,
 * the same clock the controller passes to on_tick; NULL = CLOCK_MONOTONIC),
 * and an explicit interval overriding WATCHDOG_USEC (0 = disabled).  Call
 * before watchdog_start. */
struct watchdog_params {
	uint64_t (*now_ms)(void *ctx);
	void *clock_ctx;
	bool override_interval;
	uint64_t interval_us; /* full WatchdogSec in microseconds */
};
struct watchdog *watchdog_create_with(const struct watchdog_params *params);

/* controller_params.on_tick: records now_ms (monotonic ms) atomically. */
void watchdog_tick(void *ctx, uint64_t now_ms);

/* Starts the ping thread when the watchdog is enabled; 0 (also when
 * disabled: nothing to do) or negative errno. */
int watchdog_start(struct watchdog *w);

/* READY=1 plus STATUS=<status>.  Call once every output is in the safe state
 * and the UI is up.  status may be NULL. */
void watchdog_ready(struct watchdog *w, const char *status);

/* STATUS=<status> only. */
void watchdog_status(struct watchdog *w, const char *status);

/* STOPPING=1, and stops the ping thread. */
void watchdog_stopping(struct watchdog *w);

/* Stops the thread if running and frees.  NULL is a no-op. */
void watchdog_destroy(struct watchdog *w);

/* True when systemd asked for a watchdog (or an override set one). */
bool watchdog_enabled(const struct watchdog *w);

/* Pings sent so far (diagnostics, tests). */
uint64_t watchdog_pings(const struct watchdog *w);

#endif

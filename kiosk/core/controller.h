/* SPDX-License-Identifier: MIT */
/*
 * The controller: the one control thread that owns every station's hardware.
 * It ticks at a fixed period on CLOCK_MONOTONIC with absolute deadlines,
 * reads pressures and stop buttons, runs each station's state machine and
 * the safety supervisor, writes outputs, then publishes an immutable
 * snapshot.  Between ticks it sleeps in one ppoll() on an absolute timerfd,
 * the mailbox's eventfd and every station's stop-button edge fd, so a
 * command or a button edge acts the moment it arrives, not at the next tick.
 *
 * Rate: CONTROLLER_TICK_MS while any station is busy (a session, a vent, a
 * check, an output not at its de-energised level); CONTROLLER_IDLE_TICK_MS
 * while every station is quiet (station_quiet(): vented, verified, every
 * output de-energised), which docs/SAFETY.md justifies.  A command or a
 * button that makes a station busy brings the fast rate back at once.
 *
 * Other threads talk to it only through:
 *   - controller_submit()          commands in (non-blocking, bounded queue;
 *                                  a stop is never refused, see mailbox.h)
 *   - controller_snapshot_acquire() the latest immutable snapshot (refcounted)
 *   - controller_events_read()     the event stream (a ring every reader walks
 *                                  with its own cursor)
 *   - listeners                    called on the control thread after each
 *                                  snapshot change or event; must not block
 *                                  (e.g. SDL_PushEvent, write to an eventfd).
 */
#ifndef KIOSK_CORE_CONTROLLER_H
#define KIOSK_CORE_CONTROLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/settings.h"
#include "core/protocol.h"
#include "core/program.h"
#include "core/screening.h"

#define CONTROLLER_TICK_MS 20u
#define CONTROLLER_IDLE_TICK_MS 200u
#define CONTROLLER_EVENT_RING 4096u

struct controller;
struct station_hw;

struct controller_clock {
	/* Monotonic ms; NULL = CLOCK_MONOTONIC.  Tests pass a fake. */
	uint64_t (*now_ms)(void *ctx);
	/* Wall clock ms since epoch for event stamps; NULL = CLOCK_REALTIME. */
	uint64_t (*wall_ms)(void *ctx);
	void *ctx;
};

struct controller_params {
	const struct kiosk_config *config;
	const struct program_set *programs;
	const struct screening_set *screening;
	struct station_hw *
	    *hw; /* config->station_count of them; the controller does not own them */
	struct controller_clock clock;
	/* Called on the control thread whenever it advances, so an external
	 * watchdog (sd_notify WATCHDOG=1) is fed only while it really ticks. */
	void (*on_tick)(void *ctx, uint64_t now_ms);
	void *on_tick_ctx;
	/* 1..99 asks for SCHED_FIFO at this priority for the control
	 * thread only (needs CAP_SYS_NICE or an RLIMIT_RTPRIO, e.g. systemd
	 * LimitRTPRIO=); when refused the thread runs with normal scheduling and
	 * controller_stats.realtime stays false.  0 = normal scheduling. */
	int realtime_priority;
	/* config->station_count service states to start from (fault lock
	 * first, then out of service, then needs cleaning), or NULL for every
	 * station idle. */
	const struct station_service *restore;
};

/* Builds the controller and drives every station to the safe state.
 * NULL + errno on failure. */
struct controller *controller_create(const struct controller_params *params);
/* Stops the thread if running, drives the safe state, frees.  NULL ok.
 * Never calls a listener (their contexts may already be gone). */
void controller_destroy(struct controller *c);

/* Start / stop the control thread.  stop drives the safe state before it
 * returns.  Any thread. */
int controller_start(struct controller *c);
void controller_stop(struct controller *c);
/* The same without calling any listener: for exit paths (an atexit safety
 * net) where the listeners' owners may already be gone. */
void controller_stop_silently(struct controller *c);

/* Advance every station by one tick at now_ms, processing queued commands
 * first.  Used by the thread and, with virtual time, by tests; never call it
 * while the thread runs. */
void controller_step(struct controller *c, uint64_t now_ms);

/* Queue a command; never blocks.  0, or -EAGAIN when the queue is full
 * (never for CMD_STOP or CMD_SYMPTOM_STOP), or -EINVAL for a malformed
 * command.  The result arrives as an
 * EVENT_COMMAND_RESULT on the event stream.  Any thread. */
int controller_submit(struct controller *c, const struct command *cmd);

/* The latest snapshot; release it when done.  Any thread. */
const struct kiosk_snapshot *controller_snapshot_acquire(struct controller *c);
void controller_snapshot_release(struct controller *c, const struct kiosk_snapshot *snap);

/* Copy events with seq >= *cursor into out (up to max), advance *cursor, and
 * return the count.  If the reader fell more than CONTROLLER_EVENT_RING behind,
 * *lost is set to how many it missed.  Any thread. */
size_t controller_events_read(struct controller *c, uint64_t *cursor, struct kiosk_event *out,
                              size_t max, uint64_t *lost);

/* Register a change listener.  Up to 4.  0, -EINVAL, -ENOSPC.  Any thread. */
int controller_add_listener(struct controller *c, void (*fn)(void *ctx), void *ctx);
/* Remove the listener registered with this fn and ctx; once it returns, fn
 * is never called with ctx again (a call in progress has finished).  Must
 * not be called from inside a listener.  0 or -ENOENT.  Any thread. */
int controller_remove_listener(struct controller *c, void (*fn)(void *ctx), void *ctx);

/* Tick lateness/CPU statistics for benchmarks. */
struct controller_stats {
	uint64_t ticks;
	uint64_t late_ticks_over_2ms;
	double last_tick_cpu_us;
	/* The last tick's lateness (start after its deadline) and the worst
	 * seen, the CPU time of every tick summed (CLOCK_THREAD_CPUTIME_ID
	 * around the tick's work), commands processed and refused for a full
	 * queue, and snapshots published. */
	double last_lateness_us;
	double max_lateness_us;
	double max_tick_cpu_us;
	double total_tick_cpu_us;
	uint64_t commands;
	uint64_t queue_full;
	uint64_t snapshots;
	bool realtime; /* the control thread got SCHED_FIFO */
	/* The control thread's whole CPU time since it started
	 * (CLOCK_THREAD_CPUTIME_ID: waits, commands, buttons, ticks, listeners),
	 * as read at the end of the last tick; divide by ticks for the whole
	 * cost per tick. */
	double thread_cpu_us;
	uint64_t wakeups;        /* returns from the wait */
	uint64_t button_wakeups; /* of which for a stop-button edge */
	bool idle_rate;          /* the last tick ran at the idle rate */
};
void controller_get_stats(struct controller *c, struct controller_stats *out);

#endif

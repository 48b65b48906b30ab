/* SPDX-License-Identifier: MIT */
/*
 * The real control thread on the real clock, for the controller's timing
 * tests: one station (4 zones, simulated sensor, from fixture_config) on the
 * simulated GPIO, with fixture_programs() and fixture_screening().
 */
#ifndef TESTS_CORE_THREAD_RIG_H
#define TESTS_CORE_THREAD_RIG_H

#include <pthread.h>
#include <stdint.h>

#include "config/config.h"
#include "core/controller.h"
#include "drivers/gpio.h"
#include "core/program.h"
#include "core/screening.h"
#include "drivers/sim/sim_hw.h"
#include "drivers/station_hw.h"

struct thread_rig {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct sim_hw *simhw; /* the simulated hardware (drivers/sim/sim_hw.h) */
	struct gpio *gpio;    /* sim_hw_gpio(simhw) */
	struct station_hw *hw[1];
	struct controller *ctl; /* created, not started */
};

/* on_tick(on_tick_ctx, now_ms) runs on the control thread after every tick.
 * Heap-allocated; asserts on the way. */
struct thread_rig *thread_rig_new(void (*on_tick)(void *ctx, uint64_t now_ms), void *on_tick_ctx);
/* The same with a stop circuit on gpiochip0 line THREAD_RIG_BUTTON_LINE
 * (pull-down, 20 ms debounce; 1 = pressed).  The simulated GPIO belongs to
 * the control thread once it runs: press it from on_tick or a listener. */
#define THREAD_RIG_BUTTON_LINE 22
struct thread_rig *thread_rig_new_with_button(void (*on_tick)(void *ctx, uint64_t now_ms),
                                              void *on_tick_ctx);
/* Destroys the controller (stopping its thread), then the station and the
 * GPIO.  NULL is a no-op. */
void thread_rig_free(struct thread_rig *r);

/* Before controller_start(): select FIXTURE_GRADIENT, pass the screening
 * and start a session on station 0 (controller_step on the real clock,
 * paced at the tick period, through the seal check to the first fill), so
 * the thread runs at its fast rate (CONTROLLER_TICK_MS) from its first tick,
 * as it does whenever a station is busy. */
void thread_rig_start_session(struct thread_rig *r);

/* The machine's own scheduling noise, measured in the same run: a thread
 * that sleeps to absolute CLOCK_MONOTONIC deadlines every period_ms, as the
 * control thread does, and records how late it wakes.  Timing tests run one
 * beside the controller and allow the controller what any thread suffered
 * on the machine at that moment, so a loaded machine cannot fail them while
 * a slow controller still does. */
struct timing_probe {
	pthread_t thread;
	volatile int stop; /* written before join; read by the probe */
	pthread_mutex_t lock;
	unsigned int period_ms;
	unsigned int wakes;
	unsigned int late_over_10ms; /* wakes more than 10 ms after their deadline */
	double max_late_us;
	double sum_late_us; /* over every wake: the drift the machine caused */
};
void timing_probe_start(struct timing_probe *p, unsigned int period_ms);
/* Stops and joins; the figures are final afterwards. */
void timing_probe_stop(struct timing_probe *p);

/* The calling thread's kernel id, and the time a thread of this process has
 * spent runnable but waiting for a CPU (the second field of
 * /proc/self/task/<tid>/schedstat), in ns; 0 when the kernel does not say.
 * A tick that is late while its thread waited for a CPU is the machine's
 * doing; a tick late without that wait is the controller's. */
int thread_self_tid(void);
uint64_t thread_runqueue_wait_ns(int tid);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);
/* pthread_cond_init() on CLOCK_MONOTONIC, so timed waits take mono_ns()
 * deadlines. */
void thread_cond_init_monotonic(pthread_cond_t *cond);

#endif

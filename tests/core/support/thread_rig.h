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
/* Destroys the controller (stopping its thread), then the station and the
 * GPIO.  NULL is a no-op. */
void thread_rig_free(struct thread_rig *r);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);
/* pthread_cond_init() on CLOCK_MONOTONIC, so timed waits take mono_ns()
 * deadlines. */
void thread_cond_init_monotonic(pthread_cond_t *cond);

#endif

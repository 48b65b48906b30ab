/* SPDX-License-Identifier: MIT */
/*
 * `recovery-kiosk --self-test` for installers: with the boots on, for each
 * station and each zone valve, pulse the pump into that zone briefly, hold
 * (pump off, exhaust closed, zone open to the manifold sensor), then vent,
 * and report per zone whether the pressure rose, held and fell as expected.
 * The sensor sits on the manifold, so every zone pressure is read with the
 * exhaust closed and only that zone open to the manifold (a "probe"); while
 * venting, the manifold reads far below the zone behind its valve.
 * A zone that does not rise is reported as not connected (or a dead pump or
 * valve), one that loses pressure while held as leaking, one that does not
 * fall as stuck.  Stations without a sensor are pulsed for the installer to
 * watch and reported as "not measured".
 *
 * Every station is returned to the safe state after each zone and at the
 * end, on success and on failure.
 *
 * Threading: a blocking routine for a process that runs nothing else (run it
 * with the service stopped).
 */
#ifndef KIOSK_SERVICE_SELF_TEST_H
#define KIOSK_SERVICE_SELF_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "core/settings.h"
#include "drivers/gpio.h"
#include "drivers/pressure_sensor.h"

/* Thresholds and timing.  self_test_params_default fills sensible values. */
struct self_test_params {
	uint64_t (*now_ms)(void *ctx);            /* monotonic ms; NULL = CLOCK_MONOTONIC */
	void (*sleep_ms)(void *ctx, uint64_t ms); /* NULL = clock_nanosleep */
	void *ctx;
	unsigned int poll_ms;         /* sensor poll period (20) */
	unsigned int pulse_max_ms;    /* longest pump pulse per zone (8000) */
	double rise_target_mmhg;      /* pulse stops once reached (20; capped under the ceiling) */
	double rise_min_mmhg;         /* rise below this = leak/not connected (10) */
	unsigned int hold_settle_ms;  /* manifold and zone equalise before the hold (300) */
	unsigned int hold_ms;         /* hold measured over this (2000) */
	double hold_max_drop_mmhg;    /* a larger drop while held = leak (3) */
	unsigned int vent_max_ms;     /* longest wait for the fall (5000) */
	unsigned int vent_slice_ms;   /* vent this long between two probes (250) */
	unsigned int probe_settle_ms; /* exhaust closed, zone open: equalise before reading (150) */
	double fall_below_mmhg;       /* must fall under this (3) */
	unsigned int no_sensor_pulse_ms; /* open-loop pulse (1000) */
	unsigned int settle_ms;          /* vent before the first zone (1000) */
	/* Where the stations' sensors come from (station_hw_create_with);
	 * NULL = the hardware sensors. */
	const struct pressure_sensor_factory *sensors;
	/* Non-NULL: once it reads non-zero (a stop signal), the station under
	 * test is driven to the safe state at once, the report says so and the
	 * process exits 130: a stop never waits for a pulse to end. */
	const volatile sig_atomic_t *stop;
};
void self_test_params_default(struct self_test_params *p);

#define SELF_TEST_PASS 0
#define SELF_TEST_NOT_MEASURED 1

enum self_test_zone_result {
	SELF_TEST_ZONE_OK,
	SELF_TEST_ZONE_NO_RISE, /* boot not connected, big leak, pump or valve dead */
	SELF_TEST_ZONE_LEAK,    /* rose but lost pressure while held */
	SELF_TEST_ZONE_NO_FALL, /* stuck inflated: exhaust or zone valve not venting */
	SELF_TEST_ZONE_SENSOR_ERROR,
	SELF_TEST_ZONE_NOT_MEASURED, /* no sensor: pulsed, not judged */
	SELF_TEST_ZONE_HW_ERROR,     /* a GPIO write failed */
};
const char *self_test_zone_result_name(enum self_test_zone_result r);

/* SELF_TEST_PASS (0) when every zone of every station was measured and
 * rose, held and fell; SELF_TEST_NOT_MEASURED when nothing failed but a
 * station without a sensor was only pulsed (its zones are for the installer
 * to watch, never a pass); -EIO when any zone failed, or another negative
 * errno (e.g. lines busy because the service is running).  The report names
 * zone 1 (foot) to zone N (thigh).  Uses defaults;
 * sim_sensors: NULL on real hardware; in --sim mode the simulator's sensor
 * factory (drivers/sim/sim_hw.h, gpio its GPIO backend), and then a virtual
 * clock is used.  report may be NULL. */
int self_test_run(const struct kiosk_config *cfg, struct gpio *gpio,
                  const struct pressure_sensor_factory *sim_sensors,
                  const volatile sig_atomic_t *stop, FILE *report);

/* The same with explicit timing and clock (tests use a fake clock). */
int self_test_run_with(const struct kiosk_config *cfg, struct gpio *gpio,
                       const struct self_test_params *params, FILE *report);

#endif

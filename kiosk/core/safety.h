/* SPDX-License-Identifier: MIT */
/*
 * The safety supervisor of one station.  It watches only two things: the
 * pressure reading of this tick and the outputs the hardware is driving now
 * (applied at the end of the previous tick or by the last command).  It does
 * not know the program, the phase or the state machine, so a bug in the
 * session logic cannot switch it off.  The station runs it first in every
 * tick and vents in the same tick when it reports a fault.
 *
 * Checks (limits from struct kiosk_limits):
 *   - reading > min(ceiling_mmhg, KIOSK_COMPILED_CEILING_MMHG)  -> OVERPRESSURE
 *   - PRESSURE_ERROR, outside [sensor_min, sensor_max], no fresh conversion
 *     for sensor_stuck_ms, or identical raw counts for sensor_stuck_ms while
 *     the pump runs                                              -> SENSOR
 *   - the same fill (pump on, exhaust shut, same zones open) longer than
 *     max_fill_ms, or without any rise for SAFETY_NO_RISE_MS      -> LEAK
 *   - a rise of at least SAFETY_RISE_MIN_MMHG faster than
 *     max_rise_mmhg_per_s while the pump runs                     -> BLOCKED_HOSE
 *   - still above residual_mmhg vent_ms after venting began       -> STUCK_INFLATED
 *   - pump on continuously longer than pump_max_on_ms             -> PUMP_RUNTIME
 * Stations without a sensor (PRESSURE_ABSENT) get the pump run-time check
 * only; their fills are timed.
 *
 * Plain struct embedded in struct station; the control thread owns it.
 */
#ifndef KIOSK_CORE_SAFETY_H
#define KIOSK_CORE_SAFETY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/settings.h"
#include "core/protocol.h"

/* A rise smaller than this is never called a blocked hose: it keeps the
 * pressure step when the pump starts against a valve, and sensor noise, from
 * tripping the rate check. */
#define SAFETY_RISE_MIN_MMHG 10.0
/* The rate check looks back this far for the lowest reading of the fill. */
#define SAFETY_RISE_WINDOW_MS 1000u
/* A fill whose smoothed pressure has not risen by SAFETY_NO_RISE_MMHG after
 * SAFETY_NO_RISE_MS goes nowhere: a boot that is not connected (or a sensor
 * that does not see the manifold; the two look the same from here, and both
 * mean the pump is blowing blind).  Reported as FAULT_LEAK long before
 * max_fill_ms, so a blind pump never runs for the whole fill time. */
#define SAFETY_NO_RISE_MMHG 2.0
#define SAFETY_NO_RISE_MS 3000u
/* Weight of a new reading in the smoothed fill pressure. */
#define SAFETY_SMOOTHING 0.2

#define SAFETY_RISE_SAMPLES 64u

struct safety_sample {
	uint64_t t_ms;
	double mmhg;
};

struct safety {
	bool has_sensor;
	/* pump */
	bool pump_was_on;
	uint64_t pump_on_since_ms;
	/* fill: pump on, exhaust shut, the same zones open */
	bool filling;
	uint8_t fill_zones;
	uint64_t fill_since_ms;
	double fill_smooth_mmhg; /* exponential average over the fill */
	double fill_smooth_min_mmhg;
	bool fill_seen;
	struct safety_sample rise[SAFETY_RISE_SAMPLES];
	unsigned int rise_head;
	unsigned int rise_count;
	/* vent: exhaust open, pump off */
	bool venting;
	uint64_t vent_since_ms;
	/* sensor freshness */
	uint64_t last_fresh_ms;
	bool raw_seen;
	int32_t last_raw;
	uint64_t raw_same_since_ms;
	/* last fresh pressure, for reset decisions */
	bool have_pressure;
	double last_mmhg;
};

/* Start supervising at now_ms with the given outputs driven. */
void safety_init(struct safety *s, bool has_sensor, uint64_t now_ms,
                 const struct station_outputs *outputs);

/* Check one tick.  outputs are the outputs the hardware drives now (before
 * this tick's decision).  Returns FAULT_NONE or the first fault found. */
enum fault_code safety_check(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                             const struct pressure_reading *reading,
                             const struct station_outputs *outputs);

/* Tell the supervisor the outputs changed outside a tick (a command). */
void safety_outputs_changed(struct safety *s, uint64_t now_ms,
                            const struct station_outputs *outputs);

/* The ceiling actually enforced: min(limits->ceiling_mmhg, compiled). */
double safety_ceiling_mmhg(const struct kiosk_limits *limits);

/* True when the last fresh reading is above residual_mmhg (false without a
 * sensor or before the first reading). */
bool safety_pressurised(const struct safety *s, const struct kiosk_limits *limits);

#endif

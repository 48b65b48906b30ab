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

/* ---- compiled bounds ------------------------------------------------------
 * Every safety-relevant setting has a bound compiled in here.  The loaders
 * (kiosk/config/) refuse a value beyond it with file, line and the limit
 * (safety_bound_find() gives the limit and the reason by key name); the core
 * also clamps every value it reads through the safety_*() rule functions
 * below, so a loader bug cannot pass one either.  Where a figure comes from
 * the physics it is the boot model of drivers/sim/boot_sim.h at its worst
 * boot (SAFETY_WORST_ZONE_*), with the 12 L/min pump class it models. */

/* Pressures (mmHg). */
#define SAFETY_CEILING_MAX_MMHG KIOSK_COMPILED_CEILING_MMHG
#define SAFETY_CEILING_MIN_MMHG 20.0
/* "Vented": above this a limb is still squeezed (venous pressure in a
 * resting leg is 10-15 mmHg; a boot under 10 mmHg occludes nothing). */
#define SAFETY_RESIDUAL_MAX_MMHG 10.0
#define SAFETY_RESIDUAL_MIN_MMHG 1.0
/* Open to air, a sensor reading further than this from 0 is wrong (offset
 * drift, a cracked die), never a new zero. */
#define SAFETY_ZERO_TOLERANCE_MMHG 4.0
/* Sensor range: a reading below sensor_min or above sensor_max is a broken
 * sensor.  The manifold cannot go below ambient, and the pump class stalls
 * at 300 mmHg, so nothing real reads outside [-30, 400]. */
#define SAFETY_SENSOR_MIN_LOWEST_MMHG (-30.0)
#define SAFETY_SENSOR_MIN_HIGHEST_MMHG 0.0
#define SAFETY_SENSOR_MAX_HIGHEST_MMHG 400.0
/* A rise faster than max_rise_mmhg_per_s is a blocked hose.  The worst boot
 * fills at under 40 mmHg/s, a kinked hose at ~1300 mmHg/s: a limit above
 * SAFETY_MAX_RISE_HIGHEST would switch the check off. */
#define SAFETY_MAX_RISE_LOWEST_MMHG_PER_S 10.0
#define SAFETY_MAX_RISE_HIGHEST_MMHG_PER_S 500.0
/* Control and safety sensor may differ by this much (noise, a conversion
 * taken 100 ms apart during a fill) for SAFETY_DISAGREE_MS at most. */
#define SAFETY_DISAGREE_DEFAULT_MMHG 8.0
#define SAFETY_DISAGREE_MAX_MMHG 15.0
#define SAFETY_DISAGREE_MS 300u

/* Times (ms). */
/* A stale reading while the pump runs stops the pump within this time,
 * whatever sensor_stuck_ms says: at the worst boot's fastest rise
 * (~40 mmHg/s) the pump adds at most ~12 mmHg blind.  HX710B at 10 Hz
 * converts every 100 ms, so two missed conversions and a tick fit. */
#define SAFETY_STALE_PUMPING_MS 300u
/* Identical raw readings while the pressure must change (pump on or
 * venting) for sensor_stuck_ms: a frozen sensor.  Bound so a frozen sensor
 * is caught well before a blind fill could reach the ceiling. */
#define SAFETY_SENSOR_STUCK_MIN_MS 100u
#define SAFETY_SENSOR_STUCK_MAX_MS 2000u
/* Per-zone fill time before a leak fault. */
#define SAFETY_MAX_FILL_MIN_MS 1000u
#define SAFETY_MAX_FILL_MAX_MS 30000u
/* Release time: long enough for six zones at the ceiling to vent through
 * the exhaust (the model: ~3 s), short enough to find a stuck boot fast. */
#define SAFETY_VENT_MIN_MS 500u
#define SAFETY_VENT_MAX_MS 10000u
/* Continuous pump run-time. */
#define SAFETY_PUMP_MAX_ON_MIN_MS 1000u
#define SAFETY_PUMP_MAX_ON_MAX_MS 60000u
/* Time under pressure: a session runs at most its chosen duration plus this
 * warm-up allowance (the session clock starts when the first cycle reaches
 * pressure, or when the allowance is used up, whichever comes first). */
#define SAFETY_WARMUP_ALLOWANCE_MS (120u * 1000u)

/* Stations without a sensor (open loop).  The worst boot the model allows
 * (a half-size chamber: 50 mL + 5 mL/mmHg for both legs) reaches 60 mmHg in
 * 1.88 s and the 100 mmHg ceiling in 3.59 s at 12 L/min; one open-loop fill
 * is capped at 1.8 s so it stays far below the ceiling.  A sensorless
 * station cannot see an exhaust that does not open (air would add up cycle
 * after cycle), so the loaders accept sensor = none only with a relief valve
 * acknowledged in the station's config, rated at or below the ceiling. */
#define SAFETY_WORST_ZONE_VOLUME_ML 50.0
#define SAFETY_WORST_ZONE_COMPLIANCE_ML_PER_MMHG 5.0
#define SAFETY_OPEN_LOOP_FILL_MIN_MS 200u
#define SAFETY_OPEN_LOOP_FILL_MAX_MS 1800u
/* A sensorless station vents at least this long (six zones at the
 * open-loop peak through one exhaust), whatever vent_ms says. */
#define SAFETY_OPEN_LOOP_VENT_MIN_MS 4000u

/* One bound by the key that sets it ("residual_mmhg", "open_loop_fill_ms",
 * ...), for the loaders' messages. */
struct safety_bound {
	const char *key;
	double min;
	double max;
	const char *why; /* plain words, for "...; the compiled limit is X: <why>" */
};
/* The bound for key, or NULL when the key is not safety-relevant. */
const struct safety_bound *safety_bound_find(const char *key);
/* True when value lies within the bound for key (or key has none). */
bool safety_bound_ok(const char *key, double value);

/* Rule functions: the value the core enforces, clamped to the bounds. */
double safety_residual_mmhg(const struct kiosk_limits *limits);
unsigned int safety_sensor_stuck_ms(const struct kiosk_limits *limits);
unsigned int safety_max_fill_ms(const struct kiosk_limits *limits);
unsigned int safety_vent_ms(const struct kiosk_limits *limits);
unsigned int safety_pump_max_on_ms(const struct kiosk_limits *limits);
double safety_max_rise_mmhg_per_s(const struct kiosk_limits *limits);
double safety_sensor_min_mmhg(const struct kiosk_limits *limits);
double safety_sensor_max_mmhg(const struct kiosk_limits *limits);
/* open_loop_fill_ms clamped to [SAFETY_OPEN_LOOP_FILL_MIN_MS, MAX]. */
unsigned int safety_open_loop_fill_ms(unsigned int configured_ms);

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

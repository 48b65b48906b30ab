/* SPDX-License-Identifier: MIT */
/*
 * The safety supervisor of one station.  It watches only its inputs: the
 * readings of this tick (the control sensor, the independent safety sensor
 * when fitted, the pump-sense line when wired) and the outputs the hardware
 * is driving now (applied at the end of the previous tick or by the last
 * command).  It does not know the program, the phase or the state machine,
 * so a bug in the session logic cannot switch it off.  The station runs it
 * first in every tick and vents in the same tick when it reports a fault.
 *
 * Checks, in this order (time-based ones never wait for a fresh reading):
 *   - pump on continuously longer than pump_max_on_ms        -> PUMP_RUNTIME
 *   - pump sense reads running while the pump is off         -> PUMP_RELAY
 *   - PRESSURE_ERROR / ABSENT, or a reading outside
 *     [sensor_min, sensor_max]                               -> SENSOR
 *   - no fresh conversion for SAFETY_STALE_PUMPING_MS while the
 *     pump runs (whatever the config), or for sensor_stuck_ms -> SENSOR_STALE
 *   - identical raw counts for sensor_stuck_ms while the
 *     pressure must change (pump on, or venting above residual) -> SENSOR_FROZEN
 *   - a reading below -SAFETY_ZERO_TOLERANCE_MMHG (the manifold
 *     never goes below the air), or further than the tolerance
 *     from zero while open to the air                         -> SENSOR_ZERO
 *   - safety sensor: error, stale, out of range              -> SAFETY_SENSOR
 *     above the ceiling                                      -> OVERPRESSURE
 *     further than the disagreement limit from the control
 *     sensor for SAFETY_DISAGREE_MS                          -> SENSOR_DISAGREE
 *   - a rise of at least SAFETY_RISE_MIN_MMHG faster than
 *     max_rise_mmhg_per_s while filling (measured from the
 *     reading before the fill, so one slow conversion cannot
 *     hide it)                                               -> BLOCKED_HOSE
 *   - reading > min(ceiling_mmhg, compiled), or above
 *     SAFETY_SEALED_MANIFOLD_MAX_MMHG during a puff into the
 *     shut manifold                                          -> OVERPRESSURE
 *   - the same fill longer than max_fill_ms, or without any
 *     rise for SAFETY_NO_RISE_MS                             -> LEAK
 *   - a single-zone fill that needs far more pump time than
 *     the zone's learned fills (or rises far faster)         -> FILL_IMPLAUSIBLE
 *   - pressure rising with the pump off and the exhaust shut -> PUMP_RELAY
 *   - still above residual well after venting began          -> STUCK_INFLATED
 * Stations without a sensor get the pump checks (and the safety sensor's,
 * when one is fitted); their fills are timed and capped (open loop).
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
/* Two readings this close in time are compared. */
#define SAFETY_PAIR_MS 40u

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
/* Time under pressure: a session keeps the boots under pressure at most its
 * chosen duration plus this allowance, whatever the commands: the session
 * clock starts when the first cycle reaches pressure, or when the allowance
 * less SAFETY_VENT_MAX_MS (room for the final vent) is used up, whichever
 * comes first; a pause stops the clock only once its vent is verified. */
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

/* ---- supervisor constants ------------------------------------------------ */

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
/* The ceiling protects the zones.  While the pump runs into the manifold
 * with every zone valve shut (the seal check's puff), and for the first two
 * conversions after, no zone shares it, so its own limit is this: one late
 * tick of pump into the small manifold (~30 mmHg per 20 ms) is no fault; a
 * pump that keeps running is the relay check's. */
#define SAFETY_SEALED_MANIFOLD_MAX_MMHG 250.0
/* Open to the air this long, the manifold reads zero (zones read down drain
 * through their valves within a second or two). */
#define SAFETY_ZERO_SETTLE_MS 3000u
/* Pump off, exhaust shut, the same valves for this long (with a zone open:
 * it equalises with the manifold within ~150 ms; with none, two fresh
 * conversions are enough): the pressure is flat.  A rise of
 * SAFETY_RELAY_RISE_MMHG above the lowest reading since then means air is
 * still coming in: the pump runs though it is off. */
#define SAFETY_RELAY_SETTLE_MS 150u
/* Weight of a new reading in the smoothed pressure the relay and zero
 * checks judge (a converter's noise averages out, a steady rise or offset
 * does not). */
#define SAFETY_SLOW_SMOOTHING 0.1
#define SAFETY_RELAY_RISE_MMHG 4.0
/* A pump sense that reads running this long after the pump was switched
 * off: the relay is welded (a motor coasts for a few ms, a relay releases in
 * ~10 ms). */
#define SAFETY_RELAY_SENSE_MS 60u
/* The station's backstop for a boot that does not vent, beyond the vent
 * sequence's own vent_ms (vent.h), which names the cause first. */
#define SAFETY_STUCK_BACKSTOP_MS 1000u

/* Fill plausibility (safety_fill.c).  Each zone's first SAFETY_LEARN_FILLS
 * single-zone fills of a session teach the station how fast its boots fill
 * (r0 of dP/dt = r0 (1 - P/Ps) / (1 + P/Pc), the pump's falling flow and the
 * sleeve's growing volume, Ps and Pc from the physics model).  A later fill
 * of that zone whose reading needs more than SAFETY_FILL_TIME_FACTOR times
 * the learned pump time plus SAFETY_FILL_TIME_MARGIN_MS (a sensor reading
 * low: gain or offset drift; another valve open: air going elsewhere), or
 * rises more than SAFETY_FILL_FAST_FACTOR times faster, is implausible. */
#define SAFETY_LEARN_FILLS 2u
#define SAFETY_LEARN_MIN_RISE_MMHG 8.0
#define SAFETY_LEARN_MIN_MS 300u
#define SAFETY_FILL_SETTLE_MS 150u
#define SAFETY_FILL_TIME_FACTOR 1.3
#define SAFETY_FILL_TIME_MARGIN_MS 500u
#define SAFETY_FILL_FAST_FACTOR 2.5
#define SAFETY_FILL_SHAPE_STALL_MMHG 300.0
#define SAFETY_FILL_SHAPE_SLEEVE_MMHG 385.0

struct safety_sample {
	uint64_t t_ms;
	double mmhg;
};

/* What one station learned about its boots this session (safety_fill.c). */
struct safety_fill {
	double r0[STATION_MAX_ZONES]; /* mean of the learning fills, in model units */
	unsigned int learned[STATION_MAX_ZONES];
	/* the fill in progress: one zone open, pump on, exhaust shut */
	bool active;
	int zone;
	uint64_t since_ms;
	bool have_p0;
	double p0_mmhg;
	uint64_t p0_ms;
	double last_mmhg;
	uint64_t last_ms;
};

struct safety {
	bool has_sensor;
	bool has_safety_sensor;
	/* pump */
	bool pump_was_on;
	uint64_t pump_on_since_ms;
	uint64_t pump_off_since_ms;
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
	struct safety_fill plaus;
	/* vent: exhaust open, pump off */
	bool venting;
	uint64_t vent_since_ms;
	/* open to the air (the station says every open zone is vented) */
	bool open_air;
	uint64_t open_air_since_ms;
	double open_air_ema_mmhg; /* smoothed: an offset is steady, noise is not */
	/* pump off, exhaust shut, the same valves: the relay check */
	bool sealed;
	uint8_t sealed_zones;
	uint64_t sealed_since_ms;
	unsigned int sealed_fresh; /* fresh readings since */
	double sealed_ema_mmhg;    /* smoothed, so noise is no rise */
	double sealed_base_mmhg;   /* the reading the check settled on */
	bool sealed_min_seen;
	double sealed_min_mmhg;
	/* control sensor freshness */
	uint64_t last_fresh_ms;
	bool raw_seen;
	int32_t last_raw;
	uint64_t raw_same_since_ms;
	/* last fresh pressure, and smoothed */
	bool have_pressure;
	double last_mmhg;
	double smooth_mmhg;
	/* safety sensor */
	uint64_t safety_fresh_ms;
	bool have_safety;
	double safety_mmhg;
	bool disagreeing;
	uint64_t disagree_since_ms;
};

/* What the supervisor reads in one tick. */
struct safety_inputs {
	struct pressure_reading pressure; /* control sensor */
	struct pressure_reading safety;   /* safety sensor, PRESSURE_ABSENT without */
	int pump_sense;                   /* -1 not wired, 0 stopped, 1 running */
	/* Exhaust open, pump off and every open zone verified vented by the
	 * station: the manifold must read zero. */
	bool open_to_air;
};

/* Start supervising at now_ms with the given outputs driven. */
void safety_init(struct safety *s, bool has_sensor, bool has_safety_sensor, uint64_t now_ms,
                 const struct station_outputs *outputs);

/* Check one tick.  outputs are the outputs the hardware drives now (before
 * this tick's decision).  Returns FAULT_NONE or the first fault found. */
enum fault_code safety_check(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                             const struct safety_inputs *in, const struct station_outputs *outputs);

/* Tell the supervisor the outputs changed outside a tick (a command). */
void safety_outputs_changed(struct safety *s, uint64_t now_ms,
                            const struct station_outputs *outputs);

/* A new session: forget what was learned about the last member's boots. */
void safety_session_begin(struct safety *s);

/* The ceiling actually enforced: min(limits->ceiling_mmhg, compiled). */
double safety_ceiling_mmhg(const struct kiosk_limits *limits);

/* True when the last fresh reading is above the residual (false without a
 * sensor or before the first reading). */
bool safety_pressurised(const struct safety *s, const struct kiosk_limits *limits);

/* True when the control sensor gave a fresh reading within
 * SAFETY_STALE_PUMPING_MS and none of its faults is standing: a vent can be
 * judged on it. */
bool safety_sensor_usable(const struct safety *s, uint64_t now_ms);

/* ---- fill plausibility (safety_fill.c) ---------------------------------- */
void safety_fill_reset(struct safety_fill *f);
/* Follow the outputs (a single-zone fill starts or ends; an ending fill may
 * teach its zone). */
void safety_fill_track(struct safety_fill *f, uint64_t now_ms, const struct station_outputs *o);
/* A fresh reading during the fill: FAULT_FILL_IMPLAUSIBLE or FAULT_NONE. */
enum fault_code safety_fill_check(struct safety_fill *f, uint64_t now_ms, double mmhg);
/* Pump time the learned model gives zone for a rise from p0 to p (ms), or
 * -1 when the zone has not learned yet (tests, diagnostics). */
double safety_fill_expected_ms(const struct safety_fill *f, int zone, double p0_mmhg,
                               double p_mmhg);

#endif

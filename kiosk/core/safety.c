/* SPDX-License-Identifier: MIT */
/* The per-station safety supervisor; see safety.h for the contract. */
#include "core/safety.h"

#include <math.h>
#include <string.h>

static bool outputs_filling(const struct station_outputs *o)
{
	return o->pump_on && !o->exhaust_open && o->zones_open != 0;
}

static bool outputs_venting(const struct station_outputs *o)
{
	return o->exhaust_open && !o->pump_on;
}

static bool outputs_sealed(const struct station_outputs *o)
{
	return !o->exhaust_open && !o->pump_on;
}

/* Follow the outputs: restart the timers whose condition began now. */
static void safety_track(struct safety *s, uint64_t now_ms, const struct station_outputs *o)
{
	bool filling = outputs_filling(o);
	bool venting = outputs_venting(o);
	bool sealed = outputs_sealed(o);

	if (o->pump_on && !s->pump_was_on) {
		s->pump_on_since_ms = now_ms;
		/* Frozen-sensor time counts only while the pressure must move. */
		s->raw_same_since_ms = now_ms;
	}
	if (!o->pump_on && s->pump_was_on)
		s->pump_off_since_ms = now_ms;
	s->pump_was_on = o->pump_on;

	if (filling && (!s->filling || s->fill_zones != o->zones_open)) {
		s->fill_since_ms = now_ms;
		s->fill_zones = o->zones_open;
		s->fill_seen = false;
		/* The rise window keeps the last reading before the fill, so a
		 * blocked hose that jumps past the ceiling between two slow
		 * conversions is still seen as the rise it is. */
		s->rise_count = 0;
		s->rise_head = 0;
		if (s->have_pressure) {
			s->rise[0] =
			    (struct safety_sample){.t_ms = s->last_fresh_ms, .mmhg = s->last_mmhg};
			s->rise_head = 1;
			s->rise_count = 1;
		}
	}
	s->filling = filling;
	safety_fill_track(&s->plaus, now_ms, o);

	if (venting && !s->venting) {
		s->vent_since_ms = now_ms;
		s->raw_same_since_ms = now_ms;
	}
	s->venting = venting;

	if (sealed && (!s->sealed || s->sealed_zones != o->zones_open)) {
		s->sealed_since_ms = now_ms;
		s->sealed_zones = o->zones_open;
		s->sealed_fresh = 0;
		s->sealed_min_seen = false;
		s->sealed_base_mmhg = s->last_mmhg;
	}
	s->sealed = sealed;
}

void safety_init(struct safety *s, bool has_sensor, bool has_safety_sensor, uint64_t now_ms,
                 const struct station_outputs *outputs)
{
	memset(s, 0, sizeof(*s));
	s->has_sensor = has_sensor;
	s->has_safety_sensor = has_safety_sensor;
	s->last_fresh_ms = now_ms;
	s->safety_fresh_ms = now_ms;
	safety_fill_reset(&s->plaus);
	safety_track(s, now_ms, outputs);
}

void safety_outputs_changed(struct safety *s, uint64_t now_ms,
                            const struct station_outputs *outputs)
{
	safety_track(s, now_ms, outputs);
}

void safety_session_begin(struct safety *s)
{
	safety_fill_reset(&s->plaus);
}

bool safety_pressurised(const struct safety *s, const struct kiosk_limits *limits)
{
	return s->has_sensor && s->have_pressure && s->last_mmhg > safety_residual_mmhg(limits);
}

bool safety_sensor_usable(const struct safety *s, uint64_t now_ms)
{
	return s->has_sensor && s->have_pressure &&
	       now_ms - s->last_fresh_ms <= SAFETY_STALE_PUMPING_MS;
}

/* A rise of at least SAFETY_RISE_MIN_MMHG from the lowest reading in the
 * window, faster than the limit.  Measuring from the window's minimum rather
 * than between neighbours ignores noise; requiring a minimum rise ignores the
 * small step when the pump starts pushing through a valve. */
static bool rise_too_fast(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                          double mmhg)
{
	double limit = safety_max_rise_mmhg_per_s(limits);
	bool fault = false;

	for (unsigned int i = 0; i < s->rise_count; i++) {
		unsigned int idx =
		    (s->rise_head + SAFETY_RISE_SAMPLES - 1u - i) % SAFETY_RISE_SAMPLES;
		const struct safety_sample *p = &s->rise[idx];
		uint64_t dt_ms = now_ms - p->t_ms;
		double rise = mmhg - p->mmhg;

		if (dt_ms > SAFETY_RISE_WINDOW_MS)
			break;
		if (dt_ms == 0 || rise < SAFETY_RISE_MIN_MMHG)
			continue;
		if (rise * 1000.0 / (double)dt_ms > limit) {
			fault = true;
			break;
		}
	}
	s->rise[s->rise_head] = (struct safety_sample){.t_ms = now_ms, .mmhg = mmhg};
	s->rise_head = (s->rise_head + 1u) % SAFETY_RISE_SAMPLES;
	if (s->rise_count < SAFETY_RISE_SAMPLES)
		s->rise_count++;
	return fault;
}

/* The control sensor's own health.  Runs before anything that could return
 * early, so a stale reading always stops the pump within the fixed time. */
static enum fault_code check_sensor(struct safety *s, const struct kiosk_limits *limits,
                                    uint64_t now_ms, const struct pressure_reading *r,
                                    const struct station_outputs *o)
{
	uint64_t age;

	switch (r->status) {
	case PRESSURE_ERROR:
	case PRESSURE_ABSENT: /* configured with a sensor that reports none */
		return FAULT_SENSOR;
	case PRESSURE_STALE:
		age = now_ms - s->last_fresh_ms;
		if ((o->pump_on && age >= SAFETY_STALE_PUMPING_MS) ||
		    age >= safety_sensor_stuck_ms(limits))
			return FAULT_SENSOR_STALE;
		return FAULT_NONE;
	case PRESSURE_OK:
		break;
	}
	if (!(r->mmhg >= safety_sensor_min_mmhg(limits) &&
	      r->mmhg <= safety_sensor_max_mmhg(limits)))
		return FAULT_SENSOR;
	/* The manifold never goes below the air around it (smoothed: noise
	 * dips, an offset stays). */
	s->smooth_mmhg = s->have_pressure
	                     ? s->smooth_mmhg + SAFETY_SLOW_SMOOTHING * (r->mmhg - s->smooth_mmhg)
	                     : r->mmhg;
	if (s->smooth_mmhg < -SAFETY_ZERO_TOLERANCE_MMHG)
		return FAULT_SENSOR_ZERO;
	s->last_fresh_ms = now_ms;
	s->have_pressure = true;
	s->last_mmhg = r->mmhg;
	if (!s->raw_seen || r->raw != s->last_raw) {
		s->raw_seen = true;
		s->last_raw = r->raw;
		s->raw_same_since_ms = now_ms;
		return FAULT_NONE;
	}
	/* The same counts while the pressure must move: pumping, or venting
	 * from above the residual.  A real converter's noise never repeats
	 * for long. */
	if ((o->pump_on || (s->venting && r->mmhg > safety_residual_mmhg(limits))) &&
	    now_ms - s->raw_same_since_ms >= safety_sensor_stuck_ms(limits))
		return FAULT_SENSOR_FROZEN;
	return FAULT_NONE;
}

/* The protection channel: read by nobody else, checked against the ceiling
 * on its own and against the control channel. */
static enum fault_code check_safety_sensor(struct safety *s, const struct kiosk_limits *limits,
                                           uint64_t now_ms, const struct safety_inputs *in,
                                           const struct station_outputs *o)
{
	const struct pressure_reading *r = &in->safety;
	uint64_t age;

	if (!s->has_safety_sensor)
		return FAULT_NONE;
	switch (r->status) {
	case PRESSURE_ERROR:
	case PRESSURE_ABSENT:
		return FAULT_SAFETY_SENSOR;
	case PRESSURE_STALE:
		age = now_ms - s->safety_fresh_ms;
		if ((o->pump_on && age >= SAFETY_STALE_PUMPING_MS) ||
		    age >= safety_sensor_stuck_ms(limits))
			return FAULT_SAFETY_SENSOR;
		return FAULT_NONE;
	case PRESSURE_OK:
		break;
	}
	if (!(r->mmhg >= safety_sensor_min_mmhg(limits) &&
	      r->mmhg <= safety_sensor_max_mmhg(limits)) ||
	    r->mmhg < -SAFETY_ZERO_TOLERANCE_MMHG)
		return FAULT_SAFETY_SENSOR;
	s->safety_fresh_ms = now_ms;
	s->have_safety = true;
	s->safety_mmhg = r->mmhg;
	if (r->mmhg > safety_ceiling_mmhg(limits))
		return FAULT_OVERPRESSURE;
	/* Compare only readings taken close together: two converters 100 ms
	 * apart differ by a fill's rise in that time. */
	if (s->has_sensor && s->have_pressure && now_ms - s->last_fresh_ms <= SAFETY_PAIR_MS) {
		if (fabs(r->mmhg - s->last_mmhg) > SAFETY_DISAGREE_DEFAULT_MMHG) {
			if (!s->disagreeing) {
				s->disagreeing = true;
				s->disagree_since_ms = now_ms;
			}
			if (now_ms - s->disagree_since_ms >= SAFETY_DISAGREE_MS)
				return FAULT_SENSOR_DISAGREE;
		} else {
			s->disagreeing = false;
		}
	}
	return FAULT_NONE;
}

static enum fault_code check_fill(struct safety *s, const struct kiosk_limits *limits,
                                  uint64_t now_ms, double mmhg)
{
	if (!s->fill_seen) {
		s->fill_seen = true;
		s->fill_smooth_mmhg = mmhg;
		s->fill_smooth_min_mmhg = mmhg;
	}
	s->fill_smooth_mmhg += SAFETY_SMOOTHING * (mmhg - s->fill_smooth_mmhg);
	if (s->fill_smooth_mmhg < s->fill_smooth_min_mmhg)
		s->fill_smooth_min_mmhg = s->fill_smooth_mmhg;
	(void)limits;
	if (now_ms - s->fill_since_ms >= SAFETY_NO_RISE_MS &&
	    s->fill_smooth_mmhg - s->fill_smooth_min_mmhg < SAFETY_NO_RISE_MMHG)
		return FAULT_LEAK;
	return safety_fill_check(&s->plaus, now_ms, mmhg);
}

/* Pump off, exhaust shut, the same valves: nothing may bring air in. */
static enum fault_code check_relay(struct safety *s, uint64_t now_ms, double mmhg)
{
	double ema;

	if (!s->sealed)
		return FAULT_NONE;
	s->sealed_fresh++;
	/* The first conversions may predate the change (an HX710B), and with
	 * a zone open it first equalises with the manifold. */
	if (s->sealed_fresh <= 2u ||
	    (s->sealed_zones != 0 && now_ms - s->sealed_since_ms < SAFETY_RELAY_SETTLE_MS)) {
		s->sealed_ema_mmhg = mmhg;
		s->sealed_base_mmhg = mmhg;
		return FAULT_NONE;
	}
	s->sealed_ema_mmhg += SAFETY_SLOW_SMOOTHING * (mmhg - s->sealed_ema_mmhg);
	ema = s->sealed_ema_mmhg;
	if (!s->sealed_min_seen || ema < s->sealed_min_mmhg) {
		s->sealed_min_seen = true;
		s->sealed_min_mmhg = ema;
	}
	if (ema - s->sealed_min_mmhg > SAFETY_RELAY_RISE_MMHG)
		return FAULT_PUMP_RELAY;
	return FAULT_NONE;
}

static enum fault_code check_zero(struct safety *s, uint64_t now_ms, bool open_to_air, double mmhg)
{
	if (!open_to_air) {
		s->open_air = false;
		return FAULT_NONE;
	}
	if (!s->open_air) {
		s->open_air = true;
		s->open_air_since_ms = now_ms;
		s->open_air_ema_mmhg = mmhg;
	}
	s->open_air_ema_mmhg += SAFETY_SLOW_SMOOTHING * (mmhg - s->open_air_ema_mmhg);
	if (now_ms - s->open_air_since_ms >= SAFETY_ZERO_SETTLE_MS &&
	    fabs(s->open_air_ema_mmhg) > SAFETY_ZERO_TOLERANCE_MMHG)
		return FAULT_SENSOR_ZERO;
	return FAULT_NONE;
}

/* Every zone valve shut and the pump running into the manifold, or just
 * stopped (its first conversions after): the manifold's own limit applies,
 * since no zone shares it (the seal check's puff, one tick long or one late
 * tick longer). */
static bool puff_settling(const struct safety *s, const struct station_outputs *o)
{
	if (o->zones_open != 0 || o->exhaust_open)
		return false;
	return o->pump_on || (s->sealed && s->sealed_fresh <= 2u);
}

/* Checks on the clock alone: they hold whether or not this tick brought a
 * fresh reading. */
static enum fault_code check_time(struct safety *s, const struct kiosk_limits *limits,
                                  uint64_t now_ms)
{
	if (s->filling && now_ms - s->fill_since_ms > safety_max_fill_ms(limits))
		return FAULT_LEAK;
	if (s->venting && s->have_pressure && s->last_mmhg > safety_residual_mmhg(limits) &&
	    now_ms - s->vent_since_ms >= safety_vent_ms(limits) + SAFETY_STUCK_BACKSTOP_MS)
		return FAULT_STUCK_INFLATED;
	return FAULT_NONE;
}

enum fault_code safety_check(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                             const struct safety_inputs *in, const struct station_outputs *o)
{
	const struct pressure_reading *r = &in->pressure;
	enum fault_code f;

	safety_track(s, now_ms, o);

	if (o->pump_on && now_ms - s->pump_on_since_ms > safety_pump_max_on_ms(limits))
		return FAULT_PUMP_RUNTIME;
	if (in->pump_sense == 1 && !o->pump_on &&
	    now_ms - s->pump_off_since_ms >= SAFETY_RELAY_SENSE_MS)
		return FAULT_PUMP_RELAY;
	f = check_safety_sensor(s, limits, now_ms, in, o);
	if (f != FAULT_NONE)
		return f;
	if (!s->has_sensor)
		return FAULT_NONE;

	f = check_sensor(s, limits, now_ms, r, o);
	if (f == FAULT_NONE)
		f = check_time(s, limits, now_ms);
	if (f != FAULT_NONE || r->status != PRESSURE_OK)
		return f;

	/* A fresh reading.  A blocked hose overshoots the ceiling within a
	 * tick or two: name the cause rather than the symptom.  Both vent at
	 * once. */
	if (s->filling && rise_too_fast(s, limits, now_ms, r->mmhg))
		return FAULT_BLOCKED_HOSE;
	/* With the pump off and the exhaust shut a rise has one cause, the
	 * pump: named as such even when it has already passed the ceiling. */
	f = check_relay(s, now_ms, r->mmhg);
	if (f != FAULT_NONE)
		return f;
	if (r->mmhg >
	    (puff_settling(s, o) ? SAFETY_SEALED_MANIFOLD_MAX_MMHG : safety_ceiling_mmhg(limits)))
		return s->sealed && s->sealed_fresh > 1u && r->mmhg > s->sealed_base_mmhg
		           ? FAULT_PUMP_RELAY
		           : FAULT_OVERPRESSURE;
	if (s->filling) {
		f = check_fill(s, limits, now_ms, r->mmhg);
		if (f != FAULT_NONE)
			return f;
	}
	return check_zero(s, now_ms, in->open_to_air, r->mmhg);
}

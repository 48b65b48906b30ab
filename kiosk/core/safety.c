/* SPDX-License-Identifier: MIT */
/* The per-station safety supervisor; see safety.h for the contract. */
#include "core/safety.h"

#include <string.h>

static bool outputs_filling(const struct station_outputs *o)
{
	return o->pump_on && !o->exhaust_open && o->zones_open != 0;
}

static bool outputs_venting(const struct station_outputs *o)
{
	return o->exhaust_open && !o->pump_on;
}

/* Follow the outputs: restart the timers whose condition began now. */
static void safety_track(struct safety *s, uint64_t now_ms, const struct station_outputs *o)
{
	bool filling = outputs_filling(o);
	bool venting = outputs_venting(o);

	if (o->pump_on && !s->pump_was_on) {
		s->pump_on_since_ms = now_ms;
		/* Frozen-sensor time counts only while the pump runs. */
		s->raw_same_since_ms = now_ms;
	}
	s->pump_was_on = o->pump_on;

	if (filling && (!s->filling || s->fill_zones != o->zones_open)) {
		s->fill_since_ms = now_ms;
		s->fill_zones = o->zones_open;
		s->fill_seen = false;
		s->rise_count = 0;
		s->rise_head = 0;
	}
	s->filling = filling;

	if (venting && !s->venting)
		s->vent_since_ms = now_ms;
	s->venting = venting;
}

void safety_init(struct safety *s, bool has_sensor, uint64_t now_ms,
                 const struct station_outputs *outputs)
{
	memset(s, 0, sizeof(*s));
	s->has_sensor = has_sensor;
	s->last_fresh_ms = now_ms;
	safety_track(s, now_ms, outputs);
}

void safety_outputs_changed(struct safety *s, uint64_t now_ms,
                            const struct station_outputs *outputs)
{
	safety_track(s, now_ms, outputs);
}

bool safety_pressurised(const struct safety *s, const struct kiosk_limits *limits)
{
	return s->has_sensor && s->have_pressure && s->last_mmhg > limits->residual_mmhg;
}

/* A rise of at least SAFETY_RISE_MIN_MMHG from the lowest reading in the
 * window, faster than the limit.  Measuring from the window's minimum rather
 * than between neighbours ignores noise; requiring a minimum rise ignores the
 * small step when the pump starts pushing through a valve. */
static bool rise_too_fast(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                          double mmhg)
{
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
		if (rise * 1000.0 / (double)dt_ms > limits->max_rise_mmhg_per_s) {
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

static enum fault_code check_sensor(struct safety *s, const struct kiosk_limits *limits,
                                    uint64_t now_ms, const struct pressure_reading *r,
                                    const struct station_outputs *o)
{
	switch (r->status) {
	case PRESSURE_ERROR:
		return FAULT_SENSOR;
	case PRESSURE_ABSENT:
		/* A station configured with a sensor that reports none. */
		return FAULT_SENSOR;
	case PRESSURE_STALE:
		if (now_ms - s->last_fresh_ms >= limits->sensor_stuck_ms)
			return FAULT_SENSOR;
		return FAULT_NONE;
	case PRESSURE_OK:
		break;
	}
	if (!(r->mmhg >= limits->sensor_min_mmhg && r->mmhg <= limits->sensor_max_mmhg))
		return FAULT_SENSOR;
	s->last_fresh_ms = now_ms;
	s->have_pressure = true;
	s->last_mmhg = r->mmhg;
	if (!s->raw_seen || r->raw != s->last_raw) {
		s->raw_seen = true;
		s->last_raw = r->raw;
		s->raw_same_since_ms = now_ms;
	} else if (o->pump_on && now_ms - s->raw_same_since_ms >= limits->sensor_stuck_ms) {
		return FAULT_SENSOR;
	}
	return FAULT_NONE;
}

enum fault_code safety_check(struct safety *s, const struct kiosk_limits *limits, uint64_t now_ms,
                             const struct pressure_reading *r, const struct station_outputs *o)
{
	enum fault_code f;

	safety_track(s, now_ms, o);

	if (o->pump_on && now_ms - s->pump_on_since_ms > limits->pump_max_on_ms)
		return FAULT_PUMP_RUNTIME;
	if (!s->has_sensor)
		return FAULT_NONE;

	f = check_sensor(s, limits, now_ms, r, o);
	if (f != FAULT_NONE)
		return f;
	/* A stale reading holds the last conversion, checked already. */
	if (r->status != PRESSURE_OK)
		return FAULT_NONE;

	/* A blocked hose overshoots the ceiling within a tick or two: name the
	 * cause rather than the symptom.  Both vent at once. */
	if (s->filling && rise_too_fast(s, limits, now_ms, r->mmhg))
		return FAULT_BLOCKED_HOSE;
	if (r->mmhg > safety_ceiling_mmhg(limits))
		return FAULT_OVERPRESSURE;

	if (s->filling) {
		if (!s->fill_seen) {
			s->fill_seen = true;
			s->fill_smooth_mmhg = r->mmhg;
			s->fill_smooth_min_mmhg = r->mmhg;
		}
		s->fill_smooth_mmhg += SAFETY_SMOOTHING * (r->mmhg - s->fill_smooth_mmhg);
		if (s->fill_smooth_mmhg < s->fill_smooth_min_mmhg)
			s->fill_smooth_min_mmhg = s->fill_smooth_mmhg;
		if (now_ms - s->fill_since_ms > limits->max_fill_ms)
			return FAULT_LEAK;
		if (now_ms - s->fill_since_ms >= SAFETY_NO_RISE_MS &&
		    s->fill_smooth_mmhg - s->fill_smooth_min_mmhg < SAFETY_NO_RISE_MMHG)
			return FAULT_LEAK;
	}

	if (s->venting && now_ms - s->vent_since_ms >= limits->vent_ms &&
	    r->mmhg > limits->residual_mmhg)
		return FAULT_STUCK_INFLATED;

	return FAULT_NONE;
}

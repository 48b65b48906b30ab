/* SPDX-License-Identifier: MIT */
/* The compression engine of one running session; see session.h. */
#include "core/session.h"

#include <errno.h>
#include <string.h>

/* Transitions chained within one step at most (e.g. rest_ms = 0). */
#define SESSION_MAX_CHAIN 8

/* The valve bit of zone, or 0 for no zone (-1) or one past the station: a
 * shift by a negative count is undefined, so it is never done. */
static uint8_t zone_bit(const struct session *s, int zone)
{
	if (zone < 0 || zone >= (int)s->p.zone_count)
		return 0;
	return (uint8_t)(1u << (unsigned int)zone);
}

static int next_zone(const struct session *s, int from)
{
	for (int k = from + 1; k < (int)s->p.zone_count; k++) {
		if (s->used_mask & zone_bit(s, k))
			return k;
	}
	return -1;
}

static int last_zone(const struct session *s)
{
	int last = -1;

	for (int k = next_zone(s, -1); k >= 0; k = next_zone(s, k))
		last = k;
	return last;
}

static void enter(struct session *s, enum session_phase phase, int zone, uint64_t now_ms)
{
	s->phase = phase;
	s->zone = zone;
	s->transitions++;
	s->phase_since_ms = now_ms;
	switch (phase) {
	case PHASE_FILL:
		/* No zone to fill: the pump never runs against shut valves. */
		s->out = (struct station_outputs){.pump_on = zone_bit(s, zone) != 0,
		                                  .exhaust_open = false,
		                                  .zones_open = zone_bit(s, zone)};
		break;
	case PHASE_HOLD:
		s->out = (struct station_outputs){.pump_on = false, .exhaust_open = false};
		break;
	case PHASE_RELEASE:
	case PHASE_REST:
		/* A skipped zone (an injury) stays shut: not even the puff of
		 * air that passes through the manifold on the way out. */
		s->out = (struct station_outputs){
		    .pump_on = false, .exhaust_open = true, .zones_open = s->used_mask};
		break;
	case PHASE_NONE:
		s->out = station_outputs_safe(s->p.zone_count);
		break;
	}
}

int session_begin(struct session *s, const struct session_params *p, uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	s->p = *p;
	if (p->program == NULL || p->zone_count == 0 || p->zone_count > STATION_MAX_ZONES)
		return -EINVAL;
	for (size_t k = 0; k < p->zone_count; k++) {
		double t = 0.0;

		if (!((p->program->skip_mask | p->extra_skip_mask) & (1u << k)))
			t = program_zone_target(p->program, k, p->zone_count, p->foot_target_mmhg,
			                        p->max_zone_mmhg);
		if (t > 0.0 && p->boost_zone == k + 1u)
			t += p->boost_mmhg;
		if (t > p->max_zone_mmhg)
			t = p->max_zone_mmhg;
		if (t > 0.0) {
			s->target_mmhg[k] = t;
			s->used_mask |= (uint8_t)(1u << k);
		}
	}
	if (s->used_mask == 0)
		return -EINVAL;
	enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
	return 0;
}

double session_zone_target(const struct session *s, size_t zone)
{
	double t;

	if (zone >= s->p.zone_count)
		return 0.0;
	t = s->target_mmhg[zone];
	if (s->cycle < s->p.program->warmup_cycles && s->p.program->warmup_factor > 0.0 &&
	    s->p.program->warmup_factor < 1.0)
		t *= s->p.program->warmup_factor;
	return t;
}

int session_active_zone(const struct session *s)
{
	if (s->phase == PHASE_FILL)
		return s->zone;
	if (s->phase == PHASE_HOLD && s->p.program->pattern == PATTERN_SEQUENTIAL_PULSE)
		return s->zone;
	return -1;
}

void session_restart_cycle(struct session *s, uint64_t now_ms)
{
	enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
}

static bool fill_done(const struct session *s, uint64_t now_ms, bool fresh, double mmhg)
{
	if (s->p.has_sensor)
		return fresh && mmhg >= session_zone_target(s, (size_t)s->zone);
	return now_ms - s->phase_since_ms >= s->p.open_loop_fill_ms;
}

static bool release_done(const struct session *s, uint64_t now_ms, bool fresh, double mmhg)
{
	if (s->p.has_sensor)
		return fresh && mmhg <= s->p.residual_mmhg;
	return now_ms - s->phase_since_ms >= s->p.vent_ms;
}

bool session_step(struct session *s, uint64_t now_ms, bool fresh, double mmhg)
{
	bool sequential = s->p.program->pattern == PATTERN_SEQUENTIAL_PULSE;
	bool reached = false;

	for (int i = 0; i < SESSION_MAX_CHAIN; i++) {
		unsigned int before = s->transitions;
		int next;

		switch (s->phase) {
		case PHASE_FILL:
			if (!fill_done(s, now_ms, fresh, mmhg))
				break;
			if (s->cycle == 0 && s->zone == last_zone(s) && !s->first_cycle_reached) {
				s->first_cycle_reached = true;
				reached = true;
			}
			next = sequential ? -1 : next_zone(s, s->zone);
			if (next >= 0)
				enter(s, PHASE_FILL, next, now_ms);
			else
				enter(s, PHASE_HOLD, s->zone, now_ms);
			break;
		case PHASE_HOLD:
			if (now_ms - s->phase_since_ms >= s->p.program->hold_ms)
				enter(s, PHASE_RELEASE, s->zone, now_ms);
			break;
		case PHASE_RELEASE:
			if (!release_done(s, now_ms, fresh, mmhg))
				break;
			next = sequential ? next_zone(s, s->zone) : -1;
			if (next >= 0)
				enter(s, PHASE_FILL, next, now_ms);
			else
				enter(s, PHASE_REST, -1, now_ms);
			break;
		case PHASE_REST:
			if (now_ms - s->phase_since_ms >= s->p.program->rest_ms) {
				s->cycle++;
				enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
			}
			break;
		case PHASE_NONE:
			break;
		}
		if (s->transitions == before)
			break;
		/* The reading was taken with the old outputs: it says nothing
		 * about the phase just entered. */
		fresh = false;
	}
	return reached;
}

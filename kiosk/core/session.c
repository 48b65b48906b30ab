/* SPDX-License-Identifier: MIT */
/* The compression engine of one running session; see session.h. */
#include "core/session.h"

#include <errno.h>
#include <string.h>

#include "core/vent.h"

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

static uint8_t all_zones(const struct session *s)
{
	return (uint8_t)((1u << s->p.zone_count) - 1u);
}

static void begin_release(struct session *s, uint64_t now_ms)
{
	bool sequential = s->p.program->pattern == PATTERN_SEQUENTIAL_PULSE;
	uint8_t verify = sequential ? zone_bit(s, s->zone) : s->used_mask;
	struct vent_plan plan = {
	    .zone_count = s->p.zone_count,
	    /* Only the zones that had air: an empty zone open to the manifold
	     * would take some of it, and a skipped zone (an injury) must not
	     * get even that puff. */
	    .open_mask = (uint8_t)(s->used_mask & s->aired),
	    .shut_mask = (uint8_t)(all_zones(s) & ~(s->used_mask & s->aired)),
	    .verify_mask = verify,
	    .pulse_mask = (uint8_t)(verify & s->aired),
	    .final = false,
	    .trust_sensor = s->p.has_sensor,
	    .vent_ms = s->p.vent_ms,
	    .timed_ms = s->p.timed_vent_ms,
	    .residual_mmhg = s->p.residual_mmhg,
	};

	vent_begin(&s->vent, &plan, now_ms);
	s->out = s->vent.out;
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
		s->aired |= zone_bit(s, zone);
		break;
	case PHASE_HOLD:
		s->out = (struct station_outputs){.pump_on = false, .exhaust_open = false};
		break;
	case PHASE_RELEASE:
		begin_release(s, now_ms);
		break;
	case PHASE_REST:
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
	s->sealing = false;
	enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
}

static bool fill_done(const struct session *s, uint64_t now_ms, bool fresh, double mmhg)
{
	if (s->p.has_sensor)
		return fresh && mmhg >= session_zone_target(s, (size_t)s->zone);
	return now_ms - s->phase_since_ms >= s->p.open_loop_fill_ms;
}

void session_mark_verified(struct session *s, uint8_t zones)
{
	s->aired &= (uint8_t)~zones;
}

const struct vent *session_release(const struct session *s)
{
	return s->phase == PHASE_RELEASE || s->sealing ? &s->vent : NULL;
}

/* The release: the vent sequence decides when it is done. */
static bool step_release(struct session *s, uint64_t now_ms, const struct pressure_reading *r,
                         struct session_result *res)
{
	switch (vent_step(&s->vent, now_ms, r)) {
	case VENT_BUSY:
		s->out = s->vent.out;
		return false;
	case VENT_FAULT:
		s->out = s->vent.out;
		res->fault = s->vent.fault;
		res->fault_zone = s->vent.fault_zone;
		return false;
	case VENT_DONE:
		break;
	}
	s->aired &= (uint8_t)~s->vent.verified;
	return true;
}

void session_step(struct session *s, uint64_t now_ms, const struct pressure_reading *r,
                  struct session_result *res)
{
	bool sequential = s->p.program->pattern == PATTERN_SEQUENTIAL_PULSE;
	bool fresh = s->p.has_sensor && r != NULL && r->status == PRESSURE_OK;
	double mmhg = fresh ? r->mmhg : 0.0;

	*res = (struct session_result){.fault = FAULT_NONE, .fault_zone = -1};
	for (int i = 0; i < SESSION_MAX_CHAIN; i++) {
		unsigned int before = s->transitions;
		int next;

		switch (s->phase) {
		case PHASE_FILL:
			if (!fill_done(s, now_ms, fresh, mmhg))
				break;
			if (s->cycle == 0 && s->zone == last_zone(s) && !s->first_cycle_reached) {
				s->first_cycle_reached = true;
				res->reached = true;
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
			/* The vent has its own steps: never chained into, so a
			 * puff lasts a whole tick. */
			if (i > 0 || !step_release(s, now_ms, fresh ? r : NULL, res))
				break;
			next = sequential ? next_zone(s, s->zone) : -1;
			if (next >= 0)
				enter(s, PHASE_FILL, next, now_ms);
			else
				enter(s, PHASE_REST, -1, now_ms);
			break;
		case PHASE_REST:
			if (s->sealing) {
				/* Every valve must still close before the next
				 * cycle's air: a valve that stuck open in this
				 * one is found before a skipped zone gets more. */
				enum vent_status vs = vent_step(&s->vent, now_ms, fresh ? r : NULL);

				s->out = s->vent.out;
				if (vs == VENT_FAULT) {
					res->fault = s->vent.fault;
					break;
				}
				if (vs == VENT_BUSY)
					break;
				s->sealing = false;
				s->cycle++;
				enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
				break;
			}
			if (now_ms - s->phase_since_ms >= s->p.program->rest_ms) {
				if (s->p.has_sensor && i == 0) {
					s->sealing = true;
					vent_begin_seal_check(&s->vent, s->p.zone_count, now_ms);
					s->out = s->vent.out;
					break;
				}
				if (s->p.has_sensor)
					break; /* the seal check starts on its own tick */
				s->cycle++;
				enter(s, PHASE_FILL, next_zone(s, -1), now_ms);
			}
			break;
		case PHASE_NONE:
			break;
		}
		if (s->transitions == before || res->fault != FAULT_NONE)
			break;
		/* The reading was taken with the old outputs: it says nothing
		 * about the phase just entered. */
		fresh = false;
	}
}

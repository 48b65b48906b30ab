/* SPDX-License-Identifier: MIT */
/* Vent and verify; see vent.h. */
#include "core/vent.h"

#include <string.h>

enum vent_step {
	STEP_VENT,
	STEP_FLUSH, /* the read zones to the exhaust again, down to near zero */
	STEP_OPEN,
	STEP_READ,  /* the zone alone, before any puff: its own pressure */
	STEP_PUFF,  /* one tick of air into it */
	STEP_CHECK, /* read again: did it take the air? */
	STEP_TIMED,
	STEP_SEAL_READ,  /* every valve shut: the manifold's own pressure */
	STEP_SEAL_PUFF,  /* one tick of pump into it */
	STEP_SEAL_CHECK, /* did it stay? */
	STEP_DONE,
	STEP_FAILED,
};

static uint8_t all_zones(const struct vent *v)
{
	return (uint8_t)((1u << v->p.zone_count) - 1u);
}

static void set_outputs(struct vent *v, bool pump, bool exhaust, uint8_t zones)
{
	v->out = (struct station_outputs){.pump_on = pump,
	                                  .exhaust_open = exhaust,
	                                  .zones_open = (uint8_t)(zones & all_zones(v))};
}

static int lowest_zone(uint8_t mask)
{
	for (int k = 0; k < STATION_MAX_ZONES; k++) {
		if (mask & (1u << (unsigned int)k))
			return k;
	}
	return -1;
}

static void enter(struct vent *v, enum vent_step step, uint64_t now_ms)
{
	v->step = step;
	v->step_ms = now_ms;
	v->fresh = 0;
	switch (step) {
	case STEP_VENT:
	case STEP_TIMED:
		v->have_start = false;
		v->peak_mmhg = 0.0;
		v->flat_count = 0;
		v->raw_changed = false;
		set_outputs(v, false, true, v->p.open_mask);
		break;
	case STEP_FLUSH:
		set_outputs(v, false, true, v->aired_mask);
		break;
	case STEP_OPEN:
		set_outputs(v, false, true, v->p.open_mask | v->p.shut_mask);
		break;
	case STEP_PUFF:
		set_outputs(v, true, false, (uint8_t)(1u << (unsigned int)v->zone));
		break;
	case STEP_READ:
	case STEP_CHECK:
		set_outputs(v, false, false, (uint8_t)(1u << (unsigned int)v->zone));
		break;
	case STEP_SEAL_READ:
	case STEP_SEAL_CHECK:
		set_outputs(v, false, false, 0);
		break;
	case STEP_SEAL_PUFF:
		set_outputs(v, true, false, 0);
		break;
	case STEP_DONE:
		if (v->p.final)
			set_outputs(v, false, true, all_zones(v));
		else
			set_outputs(v, false, true, v->p.open_mask);
		break;
	case STEP_FAILED:
		set_outputs(v, false, true, v->p.open_mask);
		break;
	}
}

static void fail(struct vent *v, enum fault_code fault, int zone, uint64_t now_ms)
{
	v->fault = fault;
	v->fault_zone = zone;
	enter(v, STEP_FAILED, now_ms);
}

/* The next zone to read; after the zones that had air, a final plan opens
 * the shut ones (the manifold and every read zone are down by then, so no
 * air reaches them) and reads those too. */
static void next_zone(struct vent *v, uint64_t now_ms)
{
	v->zone = lowest_zone(v->todo);
	if (v->zone < 0) {
		if (v->p.final && !v->flushed && v->aired_mask != 0)
			enter(v, STEP_FLUSH, now_ms);
		else if (v->p.final && !v->shut_opened && v->p.shut_mask != 0)
			enter(v, STEP_OPEN, now_ms);
		else
			enter(v, STEP_DONE, now_ms);
		return;
	}
	v->todo &= (uint8_t) ~(1u << (unsigned int)v->zone);
	enter(v, STEP_READ, now_ms);
}

/* The manifold is down: read the zones that may hold air. */
static void vented(struct vent *v, uint64_t now_ms)
{
	uint8_t later = v->shut_opened ? 0 : v->p.shut_mask;

	v->todo = (uint8_t)(v->p.verify_mask & all_zones(v) & ~v->verified & ~later);
	next_zone(v, now_ms);
}

/* The shut zones are open: read them. */
static void opened(struct vent *v, uint64_t now_ms)
{
	v->shut_opened = true;
	v->todo = (uint8_t)(v->p.verify_mask & all_zones(v) & ~v->verified);
	next_zone(v, now_ms);
}

void vent_begin(struct vent *v, const struct vent_plan *plan, uint64_t now_ms)
{
	memset(v, 0, sizeof(*v));
	v->p = *plan;
	if (v->p.zone_count > STATION_MAX_ZONES)
		v->p.zone_count = STATION_MAX_ZONES;
	v->zone = -1;
	v->fault_zone = -1;
	/* A zone is never both opened to vent and kept shut. */
	v->p.shut_mask &= (uint8_t)~v->p.open_mask;
	v->first_vent_ms = now_ms;
	v->aired_mask = v->p.open_mask;
	/* Nothing that may hold air: straight to every valve open. */
	if (v->p.open_mask == 0 && v->p.final)
		enter(v, v->p.trust_sensor ? STEP_OPEN : STEP_DONE, now_ms);
	else
		enter(v, v->p.trust_sensor ? STEP_VENT : STEP_TIMED, now_ms);
}

void vent_begin_seal_check(struct vent *v, size_t zone_count, uint64_t now_ms)
{
	memset(v, 0, sizeof(*v));
	v->p.zone_count = zone_count > STATION_MAX_ZONES ? STATION_MAX_ZONES : zone_count;
	v->p.trust_sensor = true;
	v->zone = -1;
	v->fault_zone = -1;
	v->first_vent_ms = now_ms;
	enter(v, STEP_SEAL_READ, now_ms);
}

/* The seal check's reads: two fresh conversions each, so neither predates
 * the valves it judges. */
static void step_seal(struct vent *v, uint64_t now_ms, const struct pressure_reading *r, bool fresh)
{
	if (!fresh || v->fresh < VENT_FRESH_READINGS)
		return;
	if (v->step == STEP_SEAL_READ) {
		v->pre_mmhg = r->mmhg;
		v->first_raw = r->raw;
		enter(v, STEP_SEAL_PUFF, now_ms);
		return;
	}
	if (r->mmhg - v->pre_mmhg < VENT_SEAL_MIN_RISE_MMHG) {
		/* The very same counts after a puff: the converter, not the
		 * valves. */
		fail(v, r->raw == v->first_raw ? FAULT_SENSOR_FROZEN : FAULT_MANIFOLD_LEAK, -1,
		     now_ms);
		return;
	}
	enter(v, STEP_DONE, now_ms);
}

int vent_reading_zone(const struct vent *v)
{
	return v->step == STEP_PUFF || v->step == STEP_READ || v->step == STEP_CHECK ? v->zone : -1;
}

bool vent_puffing(const struct vent *v)
{
	return v->step == STEP_PUFF;
}

/* Why a vent did not get down to the residual in vent_ms, by what the
 * readings did with the exhaust open. */
static enum fault_code vent_failure(const struct vent *v)
{
	if (v->flat_count >= VENT_FLAT_READINGS && !v->raw_changed)
		return FAULT_SENSOR_FROZEN;
	if (v->have_start && v->flat_max <= v->peak_mmhg * VENT_EXHAUST_HELD &&
	    v->flat_count >= VENT_FLAT_READINGS && v->flat_max - v->flat_min <= VENT_FLAT_MMHG)
		return FAULT_SENSOR_ZERO; /* fell, then flat above zero: the sensor */
	return FAULT_STUCK_INFLATED;
}

/* Follow the vent's readings: where it started, whether it is flat. */
static void watch_vent(struct vent *v, const struct pressure_reading *r)
{
	if (r->mmhg > v->peak_mmhg)
		v->peak_mmhg = r->mmhg;
	if (!v->have_start) {
		v->have_start = true;
		v->start_mmhg = r->mmhg;
		v->first_raw = r->raw;
		v->flat_min = v->flat_max = r->mmhg;
		v->flat_count = 1;
		return;
	}
	if (r->raw != v->first_raw)
		v->raw_changed = true;
	if (r->mmhg < v->flat_min)
		v->flat_min = r->mmhg;
	if (r->mmhg > v->flat_max)
		v->flat_max = r->mmhg;
	if (v->flat_max - v->flat_min > VENT_FLAT_MMHG) {
		/* Still moving: the flat window starts again here. */
		v->flat_min = v->flat_max = r->mmhg;
		v->flat_count = 1;
		v->raw_changed = false;
		v->first_raw = r->raw;
		return;
	}
	v->flat_count++;
}

static void step_vent(struct vent *v, uint64_t now_ms, const struct pressure_reading *r, bool fresh)
{
	if (fresh) {
		watch_vent(v, r);
		/* Down: well under the residual, or under it and no longer
		 * falling (a zone drains through its valve, so the manifold
		 * reads below the zone until both are near zero). */
		if (v->fresh >= VENT_FRESH_READINGS &&
		    now_ms - v->step_ms >= (v->revents > 0 ? VENT_REVENT_MIN_MS : VENT_MIN_MS) &&
		    r->mmhg <= v->p.residual_mmhg &&
		    (r->mmhg <= v->p.residual_mmhg * VENT_DOWN_FRACTION ||
		     v->flat_count >= VENT_FLAT_DOWN)) {
			vented(v, now_ms);
			return;
		}
		/* A reading that has not fallen from its peak: no air is
		 * leaving. */
		if (now_ms - v->step_ms >= VENT_EXHAUST_CHECK_MS &&
		    v->peak_mmhg > 2.0 * v->p.residual_mmhg &&
		    r->mmhg > v->peak_mmhg * VENT_EXHAUST_HELD && v->raw_changed) {
			fail(v, FAULT_EXHAUST_STUCK, -1, now_ms);
			return;
		}
	}
	if (now_ms - v->step_ms >= v->p.vent_ms)
		fail(v, vent_failure(v), -1, now_ms);
}

/* The zone alone on the sensor: its own pressure.  Above the residual its
 * valve works (the air shows) but it has not vented yet: vent again, up to
 * VENT_MAX_REVENTS times. */
static void step_read(struct vent *v, uint64_t now_ms, const struct pressure_reading *r, bool fresh)
{
	int k = v->zone;
	uint8_t bit = (uint8_t)(1u << (unsigned int)k);

	if (!fresh || v->fresh < VENT_FRESH_READINGS)
		return;
	if (!v->first_read_done && now_ms - v->step_ms < VENT_FIRST_READ_MS)
		return;
	v->first_read_done = true;
	v->zone_mmhg[k] = r->mmhg;
	v->measured |= bit;
	/* Verified only with room for the converter's noise: the truth is
	 * then under the residual, not just the reading. */
	if (r->mmhg > v->p.residual_mmhg - VENT_VERIFY_MARGIN_MMHG) {
		if (now_ms - v->first_vent_ms >= 2u * (uint64_t)v->p.vent_ms) {
			fail(v, FAULT_STUCK_INFLATED, k, now_ms);
			return;
		}
		/* This zone alone to the exhaust: the manifold then follows it
		 * down instead of reading the empty zones beside it. */
		v->p.open_mask = (uint8_t)(bit & ~v->p.shut_mask);
		v->revents++;
		enter(v, STEP_VENT, now_ms);
		return;
	}
	if (v->p.pulse_mask & bit) {
		v->pre_mmhg = r->mmhg;
		enter(v, STEP_PUFF, now_ms);
		return;
	}
	v->verified |= bit;
	next_zone(v, now_ms);
}

/* After the puff: a valve that opens let it into the zone (well under a
 * millimetre); one that does not left it in the manifold. */
static void step_check(struct vent *v, uint64_t now_ms, const struct pressure_reading *r,
                       bool fresh)
{
	int k = v->zone;

	if (!fresh || v->fresh < VENT_FRESH_READINGS)
		return;
	if (r->mmhg - v->pre_mmhg > VENT_PUFF_CLOSED_RISE_MMHG) {
		fail(v, FAULT_ZONE_STUCK_CLOSED, k, now_ms);
		return;
	}
	v->zone_mmhg[k] = r->mmhg;
	v->verified |= (uint8_t)(1u << (unsigned int)k);
	next_zone(v, now_ms);
}

/* The zones read down are let out further, for a fixed time, before the
 * shut ones open: they drain through their valves while the manifold
 * already reads zero, and whatever they still hold would spread into a
 * skipped zone opened at once.  Never a fault: they are verified already. */
static void step_flush(struct vent *v, uint64_t now_ms)
{
	if (now_ms - v->step_ms < VENT_FLUSH_MS)
		return;
	v->flushed = true;
	next_zone(v, now_ms);
}

enum vent_status vent_step(struct vent *v, uint64_t now_ms, const struct pressure_reading *r)
{
	bool fresh = r != NULL && r->status == PRESSURE_OK;

	if (fresh) {
		v->fresh++;
		v->last_mmhg = r->mmhg;
	}
	switch ((enum vent_step)v->step) {
	case STEP_VENT:
		step_vent(v, now_ms, r, fresh);
		break;
	case STEP_FLUSH:
		step_flush(v, now_ms);
		break;
	case STEP_OPEN:
		if (fresh && v->fresh >= 1u)
			opened(v, now_ms);
		else if (now_ms - v->step_ms >= v->p.vent_ms)
			fail(v, vent_failure(v), -1, now_ms);
		break;
	case STEP_READ:
		step_read(v, now_ms, r, fresh);
		break;
	case STEP_PUFF:
		/* One tick of air, then read again. */
		enter(v, STEP_CHECK, now_ms);
		break;
	case STEP_CHECK:
		step_check(v, now_ms, r, fresh);
		break;
	case STEP_TIMED:
		if (now_ms - v->step_ms >= v->p.timed_ms)
			enter(v, STEP_DONE, now_ms);
		break;
	case STEP_SEAL_READ:
	case STEP_SEAL_CHECK:
		/* No conversion at all: the supervisor's staleness check. */
		step_seal(v, now_ms, r, fresh);
		break;
	case STEP_SEAL_PUFF:
		enter(v, STEP_SEAL_CHECK, now_ms);
		break;
	case STEP_DONE:
		return VENT_DONE;
	case STEP_FAILED:
		return VENT_FAULT;
	}
	if (v->step == STEP_DONE)
		return VENT_DONE;
	return v->step == STEP_FAILED ? VENT_FAULT : VENT_BUSY;
}

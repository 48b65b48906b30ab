/* SPDX-License-Identifier: MIT */
/*
 * Fill plausibility: what a station learns about its boots in the first
 * fills of a session, and the check of every later fill against it; see
 * safety.h.
 *
 * Model: one zone filling through its valve from the pump rises as
 * dP/dt = r0 (1 - P/Ps) / (1 + P/Pc): the pump's flow falls towards its
 * stall pressure Ps, and the sleeve's capacitance grows with P (Pc is
 * (V0/c + P_atm) / 2 for a chamber of V0 + c P).  Integrated:
 * t(p0 -> p) = (F(p) - F(p0)) / r0 with
 * F(x) = -Ps (1 + Ps/Pc) ln(1 - x/Ps) - (Ps/Pc) x.  r0 is the one number a
 * fill teaches; the shape stays the physics model's.
 */
#include <math.h>
#include <string.h>

#include "core/safety.h"

#define PS SAFETY_FILL_SHAPE_STALL_MMHG
#define PC SAFETY_FILL_SHAPE_SLEEVE_MMHG

static double shape(double x)
{
	if (x > PS - 1.0)
		x = PS - 1.0;
	if (x < 0.0)
		x = 0.0;
	return -PS * (1.0 + PS / PC) * log(1.0 - x / PS) - (PS / PC) * x;
}

static int single_zone(uint8_t zones)
{
	if (zones == 0 || (zones & (zones - 1u)) != 0)
		return -1;
	for (int k = 0; k < STATION_MAX_ZONES; k++) {
		if (zones & (1u << (unsigned int)k))
			return k;
	}
	return -1;
}

void safety_fill_reset(struct safety_fill *f)
{
	memset(f, 0, sizeof(*f));
	f->zone = -1;
}

/* The fill that just ended teaches its zone, while the zone is learning. */
static void learn(struct safety_fill *f)
{
	double rise, t_s, r0;
	int k = f->zone;

	if (k < 0 || !f->have_p0 || f->learned[k] >= SAFETY_LEARN_FILLS)
		return;
	rise = f->last_mmhg - f->p0_mmhg;
	if (rise < SAFETY_LEARN_MIN_RISE_MMHG || f->last_ms - f->p0_ms < SAFETY_LEARN_MIN_MS)
		return;
	t_s = (double)(f->last_ms - f->p0_ms) / 1000.0;
	r0 = (shape(f->last_mmhg) - shape(f->p0_mmhg)) / t_s;
	f->r0[k] = (f->r0[k] * f->learned[k] + r0) / (f->learned[k] + 1u);
	f->learned[k]++;
}

void safety_fill_track(struct safety_fill *f, uint64_t now_ms, const struct station_outputs *o)
{
	int zone = o->pump_on && !o->exhaust_open ? single_zone(o->zones_open) : -1;

	if (f->active && zone == f->zone)
		return;
	if (f->active)
		learn(f);
	f->active = zone >= 0;
	f->zone = zone;
	f->since_ms = now_ms;
	f->have_p0 = false;
}

double safety_fill_expected_ms(const struct safety_fill *f, int zone, double p0_mmhg, double p_mmhg)
{
	if (zone < 0 || zone >= STATION_MAX_ZONES || f->learned[zone] < SAFETY_LEARN_FILLS ||
	    !(f->r0[zone] > 0.0))
		return -1.0;
	return (shape(p_mmhg) - shape(p0_mmhg)) / f->r0[zone] * 1000.0;
}

enum fault_code safety_fill_check(struct safety_fill *f, uint64_t now_ms, double mmhg)
{
	double expected_ms, took_ms;

	if (!f->active)
		return FAULT_NONE;
	/* The first readings of a fill show the valve equalising with the
	 * manifold (or a conversion from before the valve opened). */
	if (!f->have_p0) {
		if (now_ms - f->since_ms < SAFETY_FILL_SETTLE_MS)
			return FAULT_NONE;
		f->have_p0 = true;
		f->p0_mmhg = mmhg;
		f->p0_ms = now_ms;
	}
	f->last_mmhg = mmhg;
	f->last_ms = now_ms;
	if (f->learned[f->zone] < SAFETY_LEARN_FILLS)
		return FAULT_NONE; /* still learning */
	expected_ms = safety_fill_expected_ms(f, f->zone, f->p0_mmhg, mmhg);
	if (expected_ms < 0.0)
		expected_ms = 0.0; /* below where the fill began */
	took_ms = (double)(now_ms - f->p0_ms);
	/* Far more pump time than this zone ever needed for this rise: the
	 * air is going somewhere the sensor does not see, or the sensor reads
	 * low.  Far less: the sensor reads high or the zone is not taking air. */
	if (took_ms > SAFETY_FILL_TIME_FACTOR * expected_ms + SAFETY_FILL_TIME_MARGIN_MS)
		return FAULT_FILL_IMPLAUSIBLE;
	if (mmhg - f->p0_mmhg >= SAFETY_LEARN_MIN_RISE_MMHG &&
	    took_ms * SAFETY_FILL_FAST_FACTOR + SAFETY_FILL_TIME_MARGIN_MS < expected_ms)
		return FAULT_FILL_IMPLAUSIBLE;
	return FAULT_NONE;
}

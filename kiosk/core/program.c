/* SPDX-License-Identifier: MIT */
#include "core/program.h"

#include <string.h>

const struct program *program_set_find(const struct program_set *set, const char *id)
{
	if (!set || !id)
		return NULL;
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i].id, id) == 0)
			return &set->items[i];
	return NULL;
}

double program_zone_target(const struct program *p, size_t zone, size_t zone_count,
                           double foot_target_mmhg, double ceiling_mmhg)
{
	double t, cap = ceiling_mmhg;

	if (!p || zone >= zone_count || zone >= STATION_MAX_ZONES || !(foot_target_mmhg > 0))
		return 0.0;
	if (p->skip_mask & (1u << zone))
		return 0.0;
	/* 5-10 mmHg less per zone up the leg, but a long sleeve's thigh still
	 * gets real pressure: never below half the foot target. */
	t = foot_target_mmhg - p->gradient_mmhg * (double)zone;
	if (t < foot_target_mmhg / 2.0)
		t = foot_target_mmhg / 2.0;
	if (p->boost_zone == zone + 1)
		t += p->boost_mmhg;
	if (!(cap <= KIOSK_COMPILED_CEILING_MMHG))
		cap = KIOSK_COMPILED_CEILING_MMHG;
	if (t > cap)
		t = cap;
	return t;
}

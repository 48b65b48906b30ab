/* SPDX-License-Identifier: MIT */
/* The compiled bounds of every safety-relevant setting; see safety.h. */
#include <string.h>

#include "core/safety.h"

/* clang-format off */
static const struct safety_bound bounds[] = {
	{"ceiling_mmhg", SAFETY_CEILING_MIN_MMHG, SAFETY_CEILING_MAX_MMHG,
	 "no program or staff setting may pass the compiled ceiling"},
	{"residual_mmhg", SAFETY_RESIDUAL_MIN_MMHG, SAFETY_RESIDUAL_MAX_MMHG,
	 "above 10 mmHg a boot still squeezes the leg, so it would count as vented while "
	 "it is not"},
	{"sensor_min_mmhg", SAFETY_SENSOR_MIN_LOWEST_MMHG, SAFETY_SENSOR_MIN_HIGHEST_MMHG,
	 "the manifold never goes below the air around it; a lower limit hides an offset "
	 "drift"},
	{"sensor_max_mmhg", SAFETY_CEILING_MIN_MMHG, SAFETY_SENSOR_MAX_HIGHEST_MMHG,
	 "the pump stalls near 300 mmHg; a higher limit hides a broken sensor"},
	{"max_rise_mmhg_per_s", SAFETY_MAX_RISE_LOWEST_MMHG_PER_S,
	 SAFETY_MAX_RISE_HIGHEST_MMHG_PER_S,
	 "a kinked hose rises ~1300 mmHg/s; a higher limit switches the blocked-hose check off"},
	{"sensor_stuck_ms", SAFETY_SENSOR_STUCK_MIN_MS, SAFETY_SENSOR_STUCK_MAX_MS,
	 "a frozen sensor must be found before a blind fill can reach the ceiling"},
	{"max_fill_ms", SAFETY_MAX_FILL_MIN_MS, SAFETY_MAX_FILL_MAX_MS,
	 "a fill that takes longer is a leak or a sensor that does not see the boot"},
	{"vent_ms", SAFETY_VENT_MIN_MS, SAFETY_VENT_MAX_MS,
	 "six zones at the ceiling vent in about 3 s; a boot still inflated after 10 s is "
	 "stuck"},
	{"pump_max_on_ms", SAFETY_PUMP_MAX_ON_MIN_MS, SAFETY_PUMP_MAX_ON_MAX_MS,
	 "no fill needs the pump for a minute without a break"},
	{"open_loop_fill_ms", SAFETY_OPEN_LOOP_FILL_MIN_MS, SAFETY_OPEN_LOOP_FILL_MAX_MS,
	 "without a sensor the smallest boot reaches 60 mmHg in 1.9 s at 12 L/min"},
	{"safety_disagree_mmhg", 1.0, SAFETY_DISAGREE_MAX_MMHG,
	 "two sensors on one manifold that differ by more are not both right"},
};
/* clang-format on */

const struct safety_bound *safety_bound_find(const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (strcmp(bounds[i].key, key) == 0)
			return &bounds[i];
	}
	return NULL;
}

bool safety_bound_ok(const char *key, double value)
{
	const struct safety_bound *b = safety_bound_find(key);

	return b == NULL || (value >= b->min && value <= b->max);
}

static double clamp_d(double v, double lo, double hi)
{
	if (!(v >= lo)) /* NaN too */
		return lo;
	return v > hi ? hi : v;
}

static unsigned int clamp_u(unsigned int v, unsigned int lo, unsigned int hi)
{
	if (v < lo)
		return lo;
	return v > hi ? hi : v;
}

double safety_ceiling_mmhg(const struct kiosk_limits *limits)
{
	double c = limits->ceiling_mmhg;

	if (!(c > 0.0) || c > SAFETY_CEILING_MAX_MMHG)
		c = SAFETY_CEILING_MAX_MMHG;
	return c;
}

double safety_residual_mmhg(const struct kiosk_limits *limits)
{
	return clamp_d(limits->residual_mmhg, SAFETY_RESIDUAL_MIN_MMHG, SAFETY_RESIDUAL_MAX_MMHG);
}

unsigned int safety_sensor_stuck_ms(const struct kiosk_limits *limits)
{
	return clamp_u(limits->sensor_stuck_ms, SAFETY_SENSOR_STUCK_MIN_MS,
	               SAFETY_SENSOR_STUCK_MAX_MS);
}

unsigned int safety_max_fill_ms(const struct kiosk_limits *limits)
{
	return clamp_u(limits->max_fill_ms, SAFETY_MAX_FILL_MIN_MS, SAFETY_MAX_FILL_MAX_MS);
}

unsigned int safety_vent_ms(const struct kiosk_limits *limits)
{
	return clamp_u(limits->vent_ms, SAFETY_VENT_MIN_MS, SAFETY_VENT_MAX_MS);
}

unsigned int safety_pump_max_on_ms(const struct kiosk_limits *limits)
{
	return clamp_u(limits->pump_max_on_ms, SAFETY_PUMP_MAX_ON_MIN_MS,
	               SAFETY_PUMP_MAX_ON_MAX_MS);
}

double safety_max_rise_mmhg_per_s(const struct kiosk_limits *limits)
{
	return clamp_d(limits->max_rise_mmhg_per_s, SAFETY_MAX_RISE_LOWEST_MMHG_PER_S,
	               SAFETY_MAX_RISE_HIGHEST_MMHG_PER_S);
}

double safety_sensor_min_mmhg(const struct kiosk_limits *limits)
{
	return clamp_d(limits->sensor_min_mmhg, SAFETY_SENSOR_MIN_LOWEST_MMHG,
	               SAFETY_SENSOR_MIN_HIGHEST_MMHG);
}

double safety_sensor_max_mmhg(const struct kiosk_limits *limits)
{
	return clamp_d(limits->sensor_max_mmhg, safety_ceiling_mmhg(limits),
	               SAFETY_SENSOR_MAX_HIGHEST_MMHG);
}

unsigned int safety_open_loop_fill_ms(unsigned int configured_ms)
{
	return clamp_u(configured_ms, SAFETY_OPEN_LOOP_FILL_MIN_MS, SAFETY_OPEN_LOOP_FILL_MAX_MS);
}

/* SPDX-License-Identifier: MIT */
/* "Vented" on the physics model's truth; see vent_check.h. */
#include "vent_check.h"

bool sim_venting(const struct sim_rig *r, size_t i)
{
	const struct station_pins *pins = &r->cfg.stations[i].pins;

	if (sim_pin_level(r, &pins->pump) != 0 || sim_pin_level(r, &pins->exhaust) != 0)
		return false;
	for (size_t k = 0; k < pins->zone_count; k++) {
		if (boot_sim_zone_mmhg(r->sim[i], k) > r->cfg.limits.residual_mmhg &&
		    sim_pin_level(r, &pins->zones[k]) != 0)
			return false;
	}
	return true;
}

bool outputs_venting(const struct station_outputs *o, const struct boot_sim *sim,
                     double residual_mmhg)
{
	if (o->pump_on || !o->exhaust_open)
		return false;
	for (size_t k = 0; k < boot_sim_zone_count(sim); k++) {
		if (boot_sim_zone_mmhg(sim, k) > residual_mmhg && !(o->zones_open & (1u << k)))
			return false;
	}
	return true;
}

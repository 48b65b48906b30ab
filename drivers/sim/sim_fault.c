/* SPDX-License-Identifier: MIT */
#include "drivers/sim/sim_fault.h"

#include <errno.h>
#include <string.h>

static const char *const names[SIM_FAULT_COUNT] = {
    [SIM_FAULT_NONE] = "none",
    [SIM_FAULT_LEAK] = "leak",
    [SIM_FAULT_DISCONNECTED] = "disconnected",
    [SIM_FAULT_BLOCKED] = "blocked",
};

int sim_fault_parse(const char *name, enum sim_fault *out)
{
	for (int f = 0; name && f < SIM_FAULT_COUNT; f++) {
		if (strcmp(name, names[f]) == 0) {
			*out = (enum sim_fault)f;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sim_fault_name(enum sim_fault f)
{
	return (unsigned int)f < SIM_FAULT_COUNT ? names[f] : "unknown";
}

const char *sim_fault_choices(void)
{
	return "leak, disconnected or blocked";
}

void sim_fault_apply(struct boot_sim *sim, enum sim_fault f)
{
	switch (f) {
	case SIM_FAULT_LEAK:
		for (size_t z = 0; z < boot_sim_zone_count(sim); z++)
			boot_sim_set_leak(sim, z, SIM_FAULT_LEAK_LPM);
		break;
	case SIM_FAULT_DISCONNECTED:
		boot_sim_set_disconnected(sim, true);
		break;
	case SIM_FAULT_BLOCKED:
		boot_sim_set_blocked(sim, true);
		break;
	default:
		break;
	}
}

/* SPDX-License-Identifier: MIT */
/* The simulated hardware of a whole kiosk; see sim_hw.h. */
#include "drivers/sim/sim_hw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_sensor.h"

struct sim_hw {
	struct gpio *gpio;
	struct pressure_sensor_factory sensors;
	struct boot_sim *boots[SIM_HW_MAX_STATIONS];
	size_t count;
};

struct sim_hw *sim_hw_create(void)
{
	struct sim_hw *sim = calloc(1, sizeof(*sim));

	if (!sim)
		goto err;
	sim->gpio = gpio_sim_create();
	if (!sim->gpio)
		goto err_free;
	sim->sensors = sim_sensor_factory(sim->gpio);
	return sim;

err_free:
	free(sim);
err:
	errno = ENOMEM;
	return NULL;
}

int sim_hw_add_station(struct sim_hw *sim, const struct station_pins *pins,
                       const struct boot_sim_params *params, char *err, size_t err_len)
{
	struct boot_sim *b;
	char scratch[128];

	if (!err || !err_len) {
		err = scratch;
		err_len = sizeof(scratch);
	}
	err[0] = '\0';
	if (!sim || !pins) {
		snprintf(err, err_len, "simulator: no station to add (internal error)");
		return -EINVAL;
	}
	if (sim->count == SIM_HW_MAX_STATIONS) {
		snprintf(err, err_len, "simulator: at most %d stations", SIM_HW_MAX_STATIONS);
		return -ENOSPC;
	}
	b = boot_sim_create(sim->gpio, pins, params);
	if (!b) {
		int e = errno;

		snprintf(err, err_len, "simulator: cannot model station %zu: %s%s", sim->count + 1,
		         strerror(e),
		         e == EEXIST ? " (its pump line is another station's pump)" : "");
		return -e;
	}
	sim->boots[sim->count] = b;
	return (int)sim->count++;
}

struct gpio *sim_hw_gpio(struct sim_hw *sim)
{
	return sim ? sim->gpio : NULL;
}

const struct pressure_sensor_factory *sim_hw_sensors(const struct sim_hw *sim)
{
	return sim ? &sim->sensors : NULL;
}

struct boot_sim *sim_hw_boot(struct sim_hw *sim, size_t station)
{
	return sim && station < sim->count ? sim->boots[station] : NULL;
}

size_t sim_hw_station_count(const struct sim_hw *sim)
{
	return sim ? sim->count : 0;
}

void sim_hw_destroy(struct sim_hw *sim)
{
	if (!sim)
		return;
	for (size_t i = sim->count; i-- > 0;)
		boot_sim_destroy(sim->boots[i]);
	gpio_destroy(sim->gpio);
	free(sim);
}

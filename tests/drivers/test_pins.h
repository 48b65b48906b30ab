/* SPDX-License-Identifier: MIT */
/* Shared fixtures for the driver tests: a 6-zone station on gpiochip0. */
#ifndef TESTS_DRIVERS_TEST_PINS_H
#define TESTS_DRIVERS_TEST_PINS_H

#include <stdio.h>
#include <string.h>

#include "drivers/station_hw.h"

static inline void test_pin(struct gpio_pin *pin, const char *chip, unsigned int offset,
                            bool active_low)
{
	snprintf(pin->chip, sizeof(pin->chip), "%s", chip);
	pin->offset = offset;
	pin->active_low = active_low;
}

/* pump 5, exhaust 6, zones 17 27 22 23 24 25, sensor as given (HX710B on
 * clk 13 / data 19, calibrated 0.0001 mmHg per count around 8000 counts),
 * no stop button. */
static inline struct station_pins test_station_pins(size_t zones, enum sensor_kind sensor)
{
	static const unsigned int zone_lines[STATION_MAX_ZONES] = {17, 27, 22, 23, 24, 25, 26, 16};
	struct station_pins p;

	memset(&p, 0, sizeof(p));
	test_pin(&p.pump, "gpiochip0", 5, false);
	test_pin(&p.exhaust, "gpiochip0", 6, false);
	p.zone_count = zones;
	for (size_t k = 0; k < zones; k++)
		test_pin(&p.zones[k], "gpiochip0", zone_lines[k], false);
	p.sensor = sensor;
	test_pin(&p.sensor_clock, "gpiochip0", 13, false);
	test_pin(&p.sensor_data, "gpiochip0", 19, false);
	p.sensor_offset_counts = 8000;
	p.sensor_mmhg_per_count = 0.0001;
	p.sensor_extra_pulses = 1;
	return p;
}

#endif

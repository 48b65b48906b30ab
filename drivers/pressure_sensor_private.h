/* SPDX-License-Identifier: MIT */
/*
 * For pressure-sensor implementations only: the base struct every sensor
 * embeds as its FIRST member, so pressure_sensor.c can dispatch through the
 * ops pointer without knowing the implementation.  Nothing outside drivers/
 * includes this file.
 */
#ifndef DRIVERS_PRESSURE_SENSOR_PRIVATE_H
#define DRIVERS_PRESSURE_SENSOR_PRIVATE_H

#include "drivers/pressure_sensor.h"

struct pressure_sensor {
	const struct pressure_sensor_ops *ops;
};

#endif

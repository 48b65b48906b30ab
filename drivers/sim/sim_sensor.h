/* SPDX-License-Identifier: MIT */
/*
 * The simulator's pressure sensors (pressure_sensor.h) for stations whose
 * boot physics model (boot_sim.h) is registered on a simulated GPIO backend.
 * Every sensor advances its station's model to the read's now_ms first, so
 * the physics follows the control loop's clock (virtual time in tests, the
 * monotonic clock in --sim), whatever the kind:
 *   - SENSOR_SIM reads the model's channel directly (boot_sim_read_sensor_
 *     channel), with that channel's faults;
 *   - SENSOR_HX710B is the real HX710B driver (hx710b.h) on the emulated
 *     chip's lines, with the power-down guard off (an emulated chip has no
 *     60 us limit, and a loaded test machine would trip it);
 *   - SENSOR_NONE reads PRESSURE_ABSENT (and still carries the physics).
 *
 * Threading: like the gpio it reads, one thread.
 */
#ifndef DRIVERS_SIM_SIM_SENSOR_H
#define DRIVERS_SIM_SIM_SENSOR_H

#include "drivers/gpio.h"
#include "drivers/pressure_sensor.h"

/* The factory for stations on sim_gpio (a gpio_sim).  It refuses (EINVAL,
 * with a message naming the station and the fix) a station with no model
 * registered on its pump line: build the model first (boot_sim_create, or
 * sim_hw_add_station).  The factory holds no state; it is valid while
 * sim_gpio is. */
struct pressure_sensor_factory sim_sensor_factory(struct gpio *sim_gpio);

#endif

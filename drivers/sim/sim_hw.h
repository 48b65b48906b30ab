/* SPDX-License-Identifier: MIT */
/*
 * The simulated hardware of a whole kiosk, assembled in one place: one
 * simulated GPIO backend (gpio_sim.h), one boot physics model per station
 * (boot_sim.h, with its HX710B emulators, stop switch and pump sense) and the
 * simulator's sensor factory (sim_sensor.h).  kiosk/main.c builds it in
 * --sim mode and builds every station_hw on it exactly as on a Pi:
 *
 *   struct sim_hw *sim = sim_hw_create();
 *   for each station: sim_hw_add_station(sim, &pins, NULL, err, len);
 *   hw = station_hw_create_with(sim_hw_gpio(sim), sim_hw_sensors(sim), name, &pins, ...);
 *   ...
 *   station_hw_destroy(hw) for each;  sim_hw_destroy(sim);
 *
 * Tests reach each model's truth and fault backdoors with sim_hw_boot().
 *
 * Threading: the thread that uses the stations (the control thread), except
 * boot_sim_press_stop_button(), which any thread may call.
 */
#ifndef DRIVERS_SIM_SIM_HW_H
#define DRIVERS_SIM_SIM_HW_H

#include <stddef.h>

#include "drivers/gpio.h"
#include "drivers/pressure_sensor.h"
#include "drivers/sim/boot_sim.h"
#include "drivers/station_hw.h"

#define SIM_HW_MAX_STATIONS 16

struct sim_hw;

/* An empty simulated kiosk.  NULL + errno (ENOMEM). */
struct sim_hw *sim_hw_create(void);

/* Model one more station on pins (params NULL = defaults; give params with
 * their own seed for noise that differs between stations).  Returns the station's index
 * (0, 1, ... in call order), or a negative errno with a message in err:
 * -EINVAL (bad pins or params), -EEXIST (a model on that pump line already),
 * -ENOSPC (more than SIM_HW_MAX_STATIONS), -ENOMEM. */
int sim_hw_add_station(struct sim_hw *sim, const struct station_pins *pins,
                       const struct boot_sim_params *params, char *err, size_t err_len);

/* The simulated GPIO backend, owned by sim (do not gpio_destroy() it). */
struct gpio *sim_hw_gpio(struct sim_hw *sim);
/* The sensor factory for station_hw_create_with(); valid while sim is. */
const struct pressure_sensor_factory *sim_hw_sensors(const struct sim_hw *sim);
/* Station i's model (NULL past the last), for truth and fault backdoors. */
struct boot_sim *sim_hw_boot(struct sim_hw *sim, size_t station);
size_t sim_hw_station_count(const struct sim_hw *sim);

/* Destroys the models, then the GPIO backend.  Destroy every station_hw
 * built on it first.  NULL ok. */
void sim_hw_destroy(struct sim_hw *sim);

#endif

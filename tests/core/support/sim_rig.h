/* SPDX-License-Identifier: MIT */
/*
 * Whole-station simulations for the control-core tests: the real controller
 * (stepped in virtual time, or its thread), real station_hw drivers on the
 * simulated GPIO backend and the boot physics model (boot_sim), with the
 * programs and screening questions shipped in assets/.
 */
#ifndef TESTS_CORE_SIM_RIG_H
#define TESTS_CORE_SIM_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/sim/boot_sim.h"
#include "config/config.h"
#include "core/controller.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
#include "core/protocol.h"
#include "core/program.h"
#include "core/screening.h"
#include "drivers/station_hw.h"

#define SIM_TICK_MS CONTROLLER_TICK_MS
#define SIM_EVENTS_MAX 8192

struct sim_station_spec {
	size_t zones;
	enum sensor_kind sensor; /* SENSOR_SIM, SENSOR_HX710B or SENSOR_NONE */
};

struct sim_rig {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct sim_hw *simhw; /* the simulated kiosk: gpio, models, sensors */
	struct gpio *gpio;    /* sim_hw_gpio(simhw) */
	struct station_hw *hw[KIOSK_MAX_STATIONS];
	struct boot_sim *sim[KIOSK_MAX_STATIONS]; /* sim_hw_boot(simhw, i) */
	struct controller *ctl;
	uint64_t now_ms;
	uint64_t cursor;
	struct kiosk_event events[SIM_EVENTS_MAX];
	size_t event_count;
};

/* Stations on chips gpiochip<i> (pump 0, exhaust 1, zones 2.., HX710B clock
 * 20 / data 21), limits from kiosk_config_defaults(), programs
 * and questions from assets/.  The hardware is drivers/sim/sim_hw.h, built
 * the way kiosk/main.c builds it in --sim.  Heap-allocated; sim_rig_free()
 * tears down in order. */
struct sim_rig *sim_rig_new(size_t n, const struct sim_station_spec *specs);
/* Like sim_rig_new, with a hook to change the config before the hardware
 * and controller are built. */
struct sim_rig *sim_rig_new_with(size_t n, const struct sim_station_spec *specs,
                                 void (*tweak)(struct kiosk_config *cfg));
void sim_rig_free(struct sim_rig *r);

/* One controller_step 20 ms later; events are collected. */
void sim_step(struct sim_rig *r);
void sim_run_ms(struct sim_rig *r, uint64_t ms);
/* Collect events published so far (also done by sim_step). */
void sim_collect(struct sim_rig *r);

/* Snapshot of one station (copied out of a refcounted snapshot). */
void sim_station(struct sim_rig *r, size_t station, struct station_snapshot *out);
enum station_state sim_state(struct sim_rig *r, size_t station);

/* Index of the program with this id in assets/programs.conf; fails the
 * test when there is none. */
size_t sim_program(const struct sim_rig *r, const char *id);

/* A tweak for sim_rig_new_with(): station 0 gets a stop circuit on gpiochip0
 * line SIM_STOP_BUTTON_LINE (pull-down, 20 ms debounce); the circuit is
 * closed at 0, so driving the line to 1 opens it. */
#define SIM_STOP_BUTTON_LINE 22
void sim_with_stop_button(struct kiosk_config *cfg);

/* For tweaks: station (index i, pins on gpiochip<i>) gets a safety sensor
 * of kind (SENSOR_SIM; or SENSOR_HX710B on clock 24 / data 25, calibrated
 * differently from the control channel: -50000 counts at 0, 0.0002 mmHg per
 * count), or a pump sense input on line 23 (pull-down, 1 = running). */
void sim_pins_add_safety_sensor(struct station_pins *pins, size_t station, enum sensor_kind kind);
void sim_pins_add_pump_sense(struct station_pins *pins, size_t station);
/* Ready-made tweaks: every station gets a SENSOR_SIM safety sensor, an
 * HX710B safety sensor, or a pump sense input. */
void sim_with_safety_sensor(struct kiosk_config *cfg);
void sim_with_safety_hx710b(struct kiosk_config *cfg);
void sim_with_pump_sense(struct kiosk_config *cfg);

/* Submit a command (SOURCE_UI unless set) and assert it is queued. */
void sim_submit(struct sim_rig *r, const struct command *cmd);
struct command sim_cmd(enum command_action action, size_t station);
/* The result of the last command result event for station/action. */
enum command_status sim_last_result(const struct sim_rig *r, size_t station,
                                    enum command_action action);

/* Select the program (duration_s 0 = default), answer every question as a
 * healthy member would (No; Yes to acknowledgements), Start, step once and
 * assert the station runs. */
void sim_start_session(struct sim_rig *r, size_t station, size_t program, unsigned int duration_s);

size_t sim_count_events(const struct sim_rig *r, size_t station, enum event_kind kind,
                        const struct kiosk_event **last);

/* True when every output pin of the station is de-energised (the safe
 * state), read from the simulated lines. */
bool sim_outputs_safe(const struct sim_rig *r, size_t station);
/* Electrical level a pin is driven to, or -1. */
int sim_pin_level(const struct sim_rig *r, const struct gpio_pin *pin);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * One station's hardware: a pump, an exhaust valve, 1..STATION_MAX_ZONES zone
 * valves listed foot to thigh, a manifold pressure sensor (control channel,
 * optional), an independent safety pressure sensor (optional), a pump sense
 * input (optional) and a stop button (optional).  Built on the GPIO seam
 * (gpio.h) and the pressure-sensor seam (pressure_sensor.h); it never knows
 * whether the lines and sensors are real or simulated.
 *
 * Plumbing and energised levels (what the installer wires, DESIGN.md and
 * docs/INSTALL.md): the pump runs when energised; the exhaust valve and every
 * zone valve are 2/2-way NORMALLY OPEN valves, i.e. CLOSED when energised.
 * A zone valve sits between the shared manifold and that zone's chambers
 * (left and right boot, plumbed together); the exhaust valve vents the
 * manifold to air.  So:
 *   - the safe state, every output de-energised, is pump off, exhaust open,
 *     every zone open to the manifold: every chamber vents THROUGH the
 *     manifold and the exhaust;
 *   - a de-energised zone valve does not vent its zone to air on its own: it
 *     joins the zone to the manifold.  While full zones vent, the manifold
 *     is above zero for a moment and an opened empty zone (for instance one
 *     the member skipped) takes some of their air.  Keeping a zone out of
 *     that means keeping its valve energised (closed) until the manifold is
 *     down, then opening it (a sequence for the core);
 *   - a de-energised (or unpowered) station vents every zone, with no
 *     software running: crash, reboot, power cut and --safe-state;
 *   - 3/2-way zone valves that vent each chamber directly to air when
 *     unpowered (DOMAIN.md) would need another plumbing and output mapping;
 *     this driver does not support them.
 *
 * Reading a zone: the pressure sensors sit on the manifold, which sees a zone
 * only while that zone's valve is open and the exhaust is closed.  With
 * every other zone closed and the pump off (station_outputs_probe()), the
 * manifold settles to that zone's pressure within about 150 ms (the zone's
 * volume is several times the manifold's, so the probe lowers the zone by a
 * percent or so:
 * a boot's compliance dwarfs the manifold's volume).  A zone whose valve is stuck closed cannot be
 * read at all: a probe of it reads the manifold's own pressure (about 0 after a vent). That
 * sequence is the core's; this driver only applies outputs and reads.
 *
 * Threading: owned by the control thread after creation.
 */
#ifndef DRIVERS_STATION_HW_H
#define DRIVERS_STATION_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gpio.h"
#include "drivers/pressure_sensor.h"
#include "drivers/station_outputs.h"

struct gpio_pin {
	char chip[64]; /* name, path or label */
	unsigned int offset;
	bool active_low;
};

struct station_pins {
	struct gpio_pin pump;
	struct gpio_pin exhaust;
	struct gpio_pin zones[STATION_MAX_ZONES]; /* foot first */
	size_t zone_count;
	/* Control channel: the manifold sensor the fill steers by. */
	enum sensor_kind sensor;
	struct gpio_pin sensor_clock; /* HX710B PD_SCK, output */
	struct gpio_pin sensor_data;  /* HX710B DOUT, input */
	double sensor_offset_counts;  /* raw reading at 0 mmHg */
	double sensor_mmhg_per_count;
	unsigned int
	    sensor_extra_pulses; /* HX710B pulses after the 24 data bits: 1 = differential
	                          * input at 10 Hz (0 means 1), 3 = differential at 40 Hz */
	bool has_stop_button;
	struct gpio_pin stop_button; /* input; logical 1 = pressed.  An NC switch to ground with a
	                              * pull-up reads 1 when pressed or broken: no active_low. */
	enum gpio_bias stop_button_bias;
	unsigned int stop_button_debounce_ms;
	/* Safety channel: a second, independent sensor on the manifold (its
	 * own chip on its own two lines), read only by the safety supervisor.
	 * SENSOR_NONE (the zero value) when not fitted.  Same fields and
	 * meaning as the control channel's. */
	enum sensor_kind safety_sensor;
	struct gpio_pin safety_clock;
	struct gpio_pin safety_data;
	double safety_offset_counts;
	double safety_mmhg_per_count;
	unsigned int safety_extra_pulses;
	/* Pump sense: an input that reads logical 1 while the pump really runs
	 * (a relay's auxiliary contact, or a current-sense comparator on the
	 * pump supply).  Lets the supervisor see a welded relay at once. */
	bool has_pump_sense;
	struct gpio_pin pump_sense;
	enum gpio_bias pump_sense_bias;
};

struct station_hw;

/* Request every line of one station (consumer "recovery-kiosk"; outputs at
 * their de-energised level from the request on), then build its pressure
 * channels with sensors: the control channel from the pins' sensor fields,
 * the safety channel from the safety_* fields (each factory call sees the
 * kind, SENSOR_NONE included).  sensors NULL means
 * pressure_sensor_factory_hardware.  Returns NULL and sets errno on failure
 * with a message in err naming the station, the line or sensor and the fix;
 * nothing stays requested then. */
struct station_hw *station_hw_create_with(struct gpio *gpio,
                                          const struct pressure_sensor_factory *sensors,
                                          const char *station_name, const struct station_pins *pins,
                                          char *err, size_t err_len);
/* The same with the hardware sensors (a simulated station needs the
 * simulator's factory: drivers/sim/sim_hw.h). */
struct station_hw *station_hw_create(struct gpio *gpio, const char *station_name,
                                     const struct station_pins *pins, char *err, size_t err_len);
void station_hw_destroy(struct station_hw *hw); /* drives the safe state first; NULL ok */

/* Drive outputs in one call.  0 or negative errno. */
int station_hw_apply(struct station_hw *hw, const struct station_outputs *out);

/* Drive every output to its de-energised level.  Tries every line even when
 * one fails; returns 0 only when all of them took, else the first negative
 * errno.  Never fails half-way silently. */
int station_hw_safe(struct station_hw *hw);

/* Outputs as last applied (what the lines should read). */
struct station_outputs station_hw_outputs(const struct station_hw *hw);

/* Read the control channel (the manifold sensor).  now_ms is the control
 * loop's CLOCK_MONOTONIC time in ms (a simulated plant advances its physics
 * to it).  PRESSURE_ABSENT without a sensor.  0 or the sensor's negative
 * errno (status ERROR then). */
int station_hw_read_pressure(struct station_hw *hw, uint64_t now_ms, struct pressure_reading *out);

/* Read the safety channel: the independent second sensor, for the safety
 * supervisor only.  PRESSURE_ABSENT when the station has none.  Same
 * statuses and returns as station_hw_read_pressure(); reading it never
 * changes what the control channel reads. */
int station_hw_read_safety_pressure(struct station_hw *hw, uint64_t now_ms,
                                    struct pressure_reading *out);
bool station_hw_has_safety_sensor(const struct station_hw *hw);

/* Pump sense: *running is true while the pump really runs, whatever it was
 * commanded.  0; -ENODEV when the station has no pump_sense line; another
 * negative errno when the line read failed (*running untouched). */
int station_hw_read_pump_sense(struct station_hw *hw, bool *running);

/* Stop button.  station_hw_button_fd(): a pollable file descriptor (POLLIN)
 * that becomes readable when an edge of the stop button is queued (the
 * libgpiod request's edge-event fd on a Pi, an eventfd in the simulator), or
 * -1 without a button.  It stays readable until station_hw_button_pressed()
 * has consumed the queued edges, so a control thread that polls it must call
 * station_hw_button_pressed() when it wakes.
 * station_hw_button_pressed(): whether the button was pressed since the last
 * call or is held now.  A press counts on its leading edge (no delay); the
 * debounce (stop_button_debounce_ms) only settles the release. */
int station_hw_button_fd(struct station_hw *hw);
bool station_hw_button_pressed(struct station_hw *hw, uint64_t now_ms);

size_t station_hw_zone_count(const struct station_hw *hw);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * One station's hardware: a pump, an exhaust valve, 1..STATION_MAX_ZONES zone
 * valves listed foot to thigh, an optional manifold pressure sensor and an
 * optional stop button.  Built on the GPIO seam (gpio.h).
 *
 * Energised levels (what the installer wires, see DESIGN.md): the pump runs
 * when energised; the exhaust valve and every zone valve are normally open,
 * i.e. CLOSED when energised.  So the safe state, every output de-energised,
 * is: pump off, exhaust open, every zone open to the manifold -> boots vent.
 *
 * Threading: owned by the control thread after creation.
 */
#ifndef DRIVERS_STATION_HW_H
#define DRIVERS_STATION_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gpio.h"
#include "drivers/station_outputs.h"

enum sensor_kind {
	SENSOR_NONE,   /* open loop on configured fill times */
	SENSOR_HX710B, /* 24-bit ADC bit-banged over clock (out) + data (in) */
	SENSOR_SIM,    /* reads the boot physics model directly (simulation) */
};

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
};

enum pressure_status {
	PRESSURE_OK,     /* a fresh reading in mmHg */
	PRESSURE_STALE,  /* no new conversion since the last read; mmhg holds the last one */
	PRESSURE_ABSENT, /* station has no sensor */
	PRESSURE_ERROR,  /* read failed or out of the ADC's range */
};

struct pressure_reading {
	enum pressure_status status;
	double mmhg;
	int32_t raw; /* ADC counts, for diagnostics and frozen-sensor checks */
};

struct station_hw;

/* Request every line of one station (consumer "recovery-kiosk") and drive the
 * safe state at once.  Returns NULL and sets errno on failure with a message
 * in err naming the station, the line and the fix.
 * On the simulated backend (gpio_sim.h) the station's boot physics model
 * (boot_sim.h) is used when one is registered on its pump line, else one with
 * default parameters is created and owned by the station_hw;
 * station_hw_read_pressure() advances it to now_ms. */
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

/* Read the manifold pressure.  now_ms is the control loop's monotonic clock,
 * which the simulator uses to advance its physics. */
int station_hw_read_pressure(struct station_hw *hw, uint64_t now_ms, struct pressure_reading *out);

/* Stop button: fd to poll (or -1), and whether it was pressed since the last
 * call or is held now.  A press counts on its leading edge (no delay); the
 * debounce (stop_button_debounce_ms) only settles the release. */
int station_hw_button_fd(struct station_hw *hw);
bool station_hw_button_pressed(struct station_hw *hw, uint64_t now_ms);

size_t station_hw_zone_count(const struct station_hw *hw);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The pressure-sensor seam: every pressure reading a station takes goes
 * through a struct pressure_sensor_ops.  Implementations: the HX710B ADC
 * (hx710b.h: hx710b_sensor_create), the absent sensor of a station with
 * `sensor = none` (pressure_sensor_absent_create), and the simulator's
 * sensors (drivers/sim/sim_sensor.h), which read the boot physics model.
 *
 * A station has two channels (enum pressure_channel): the CONTROL channel
 * (the manifold sensor the fill steers by) and an optional, independent
 * SAFETY channel that only the safety supervisor reads.  Each channel is its
 * own sensor object, built by a factory (struct pressure_sensor_factory) that
 * whoever assembles the hardware hands to station_hw_create_with(): the
 * hardware factory on a Pi, the simulator's factory in --sim and in tests.
 * The factory decides everything that differs between a real chip and a
 * model (for the HX710B: whether a word read across a long clock-high phase
 * is dropped), so nothing above it asks "is this the simulator".
 *
 * Threading: a sensor belongs to the thread that reads its station (the
 * control thread) once created.
 */
#ifndef DRIVERS_PRESSURE_SENSOR_H
#define DRIVERS_PRESSURE_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gpio.h"

enum sensor_kind {
	SENSOR_NONE,   /* no sensor: reads PRESSURE_ABSENT (open loop on fill times) */
	SENSOR_HX710B, /* 24-bit ADC bit-banged over clock (out) + data (in) */
	SENSOR_SIM,    /* reads the boot physics model directly (simulation only) */
};

enum pressure_status {
	PRESSURE_OK,     /* a fresh reading in mmHg */
	PRESSURE_STALE,  /* no new conversion since the last read; mmhg holds the last one */
	PRESSURE_ABSENT, /* the channel has no sensor */
	PRESSURE_ERROR,  /* read failed or out of the ADC's range */
};

struct pressure_reading {
	enum pressure_status status;
	double mmhg;
	int32_t raw; /* ADC counts, for diagnostics and frozen-sensor checks */
};

/* The two pressure channels of a station. */
enum pressure_channel {
	PRESSURE_CHANNEL_CONTROL, /* the manifold sensor the controller fills by */
	PRESSURE_CHANNEL_SAFETY,  /* an independent second sensor for the supervisor only */
};

struct pressure_sensor; /* one channel's sensor; opaque */

struct pressure_sensor_ops {
	/* Never blocks.  now_ms is the control loop's CLOCK_MONOTONIC time in
	 * ms (a model advances its physics to it; a chip ignores it).  Fills
	 * out (status says fresh, stale, absent or error) and returns 0, or a
	 * negative errno when a line failed (out->status is PRESSURE_ERROR). */
	int (*read)(struct pressure_sensor *sensor, uint64_t now_ms, struct pressure_reading *out);
	void (*destroy)(struct pressure_sensor *sensor);
	const char *name; /* "HX710B", "simulated", "none" */
};

/* Dispatchers; sensor NULL reads PRESSURE_ABSENT, destroy(NULL) does nothing. */
int pressure_sensor_read(struct pressure_sensor *sensor, uint64_t now_ms,
                         struct pressure_reading *out);
void pressure_sensor_destroy(struct pressure_sensor *sensor);
const char *pressure_sensor_name(const struct pressure_sensor *sensor);

/* The sensor of a channel with kind SENSOR_NONE: every read is
 * PRESSURE_ABSENT.  NULL + errno (ENOMEM). */
struct pressure_sensor *pressure_sensor_absent_create(void);

struct station_pins; /* drivers/station_hw.h */

/* What a factory is asked to check and build: one channel of one station.
 * For check, req is NULL (no line is requested yet).  For create, the
 * station_hw has requested every line of the station (outputs at their safe
 * level); an HX710B's clock and data lines are lines clock_index and
 * data_index of req, which outlives the sensor. */
struct pressure_sensor_spec {
	const char *station; /* for messages: "Station 1" */
	enum pressure_channel channel;
	enum sensor_kind kind;
	const struct station_pins *pins; /* the whole station (a model finds itself by it) */
	struct gpio_request *req;
	size_t clock_index;   /* HX710B PD_SCK in req */
	size_t data_index;    /* HX710B DOUT in req */
	double offset_counts; /* HX710B calibration: raw at 0 mmHg */
	double mmhg_per_count;
	unsigned int extra_pulses; /* HX710B pulses after the 24 data bits (1..3, 0 means 1) */
};

/* Builds one channel's sensor.  Every kind is asked for, SENSOR_NONE
 * included (a factory may return pressure_sensor_absent_create() or a sensor
 * of its own that reads PRESSURE_ABSENT).
 *   check: before any line of the station is requested, 0 or a negative
 *     errno with a message in err naming the station, the channel, the
 *     setting and the fix (an unsupported kind, a missing calibration).
 *     NULL = nothing to check.
 *   create: NULL and errno on failure, with a message in err. */
struct pressure_sensor_factory {
	int (*check)(void *ctx, const struct pressure_sensor_spec *spec, char *err, size_t err_len);
	struct pressure_sensor *(*create)(void *ctx, const struct pressure_sensor_spec *spec,
	                                  char *err, size_t err_len);
	void *ctx;
};

/* The HX710B calibration check every factory that builds HX710B sensors
 * uses in its check: 0, or -EINVAL with a message naming the station, the
 * channel and the setting to fix (the config keys sensor_mmhg_per_count
 * and sensor_offset for the control channel, safety_mmhg_per_count and
 * safety_offset for the safety channel). */
int pressure_sensor_check_hx710b(const struct pressure_sensor_spec *spec, char *err,
                                 size_t err_len);

/* Real hardware: SENSOR_HX710B is the HX710B driver with the chip's
 * power-down guard on (a word read across a clock-high phase longer than
 * 50 us is dropped as stale), SENSOR_NONE is absent, SENSOR_SIM is refused
 * with "needs --sim".  station_hw_create() uses it. */
extern const struct pressure_sensor_factory pressure_sensor_factory_hardware;

/* Every channel absent, whatever its kind: for code that only drives the
 * outputs (--safe-state needs only the pin map, so a miscalibrated, dead or
 * simulated sensor never keeps a station from being de-energised). */
extern const struct pressure_sensor_factory pressure_sensor_factory_absent;

/* The channel's name for messages: "pressure sensor" or "safety sensor". */
const char *pressure_channel_name(enum pressure_channel channel);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * HX710B 24-bit ADC (bridge pressure sensors) bit-banged over two lines of
 * one GPIO request: PD_SCK (output, idle low) and DOUT (input).
 *
 * Protocol (HX710B datasheet): DOUT low means a conversion is ready.  24
 * clock pulses shift the result out MSB first, two's complement; 1 to 3 more
 * pulses pull DOUT high again and choose the NEXT conversion:
 *   1 extra (25 total): differential input, 10 Hz (the default)
 *   2 extra (26 total): DVDD-AVDD, 40 Hz (not a pressure)
 *   3 extra (27 total): differential input, 40 Hz
 * Holding PD_SCK high for more than 60 us powers the chip down, so a read
 * must not be preempted for long: it runs on the control thread, and costs 1
 * line read when no conversion is ready, or 24 reads + 2 * (24 + extra)
 * writes when one is.
 *
 * Threading: the control thread, like the request it uses.
 */
#ifndef DRIVERS_HX710B_H
#define DRIVERS_HX710B_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/gpio.h"
#include "drivers/pressure_sensor.h"

#define HX710B_RAW_MAX 0x7FFFFF    /* positive saturation */
#define HX710B_RAW_MIN (-0x800000) /* negative saturation */

struct hx710b_config {
	double offset_counts;      /* raw reading at 0 mmHg */
	double mmhg_per_count;     /* must not be 0 */
	unsigned int extra_pulses; /* 1..3 after the 24 data bits; 0 means 1 */
	/* A real chip powers down when PD_SCK stays high > 60 us, so a word
	 * read across a longer high phase (the thread was preempted) is
	 * dropped as STALE.  0 = no timing check.  Chosen by whoever builds
	 * the sensor: the hardware factory (pressure_sensor.h) sets 50000,
	 * the simulator's leaves 0 (an emulated chip has no such limit, and a
	 * sanitizer build on a loaded machine would trip it). */
	unsigned int clock_high_max_ns;
};

struct hx710b;

/* The ADC on lines clock_index (output) and data_index (input) of req, which
 * the caller owns and must keep until hx710b_destroy().  NULL + errno
 * (EINVAL for a bad config, ENOMEM). */
struct hx710b *hx710b_create(struct gpio_request *req, size_t clock_index, size_t data_index,
                             const struct hx710b_config *cfg);
void hx710b_destroy(struct hx710b *dev); /* NULL ok */

/* Never blocks.  out->status: PRESSURE_OK with a new reading; PRESSURE_STALE
 * when no conversion is ready (mmhg/raw hold the last good one);
 * PRESSURE_ERROR when the code is saturated (0x7FFFFF or 0x800000: the
 * sensor is out of range or disconnected) or a line failed.
 * Returns 0, or the negative errno of a failed line (status ERROR then). */
int hx710b_read(struct hx710b *dev, struct pressure_reading *out);

/* The same chip as a pressure_sensor (one channel of a station): read()
 * is hx710b_read(), now_ms unused; destroy() frees the driver, not req.
 * NULL + errno as hx710b_create(). */
struct pressure_sensor *hx710b_sensor_create(struct gpio_request *req, size_t clock_index,
                                             size_t data_index, const struct hx710b_config *cfg);

/* Two's complement 24-bit code to int32_t. */
int32_t hx710b_sign_extend(uint32_t code24);

/* mmHg for a raw code under cfg's calibration: (raw - offset) * mmhg_per_count. */
double hx710b_raw_to_mmhg(const struct hx710b_config *cfg, int32_t raw);

#endif

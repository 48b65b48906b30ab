/* SPDX-License-Identifier: MIT */
/* The pressure-sensor seam, the absent sensor and the hardware factories;
 * see pressure_sensor.h. */
#include "drivers/pressure_sensor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/hx710b.h"
#include "drivers/pressure_sensor_private.h"

/* A real HX710B powers down after 60 us of PD_SCK high: 50 us leaves margin. */
#define HX710B_CLOCK_HIGH_MAX_NS 50000u

int pressure_sensor_read(struct pressure_sensor *sensor, uint64_t now_ms,
                         struct pressure_reading *out)
{
	if (!out)
		return -EINVAL;
	if (!sensor) {
		*out = (struct pressure_reading){.status = PRESSURE_ABSENT};
		return 0;
	}
	return sensor->ops->read(sensor, now_ms, out);
}

void pressure_sensor_destroy(struct pressure_sensor *sensor)
{
	if (sensor)
		sensor->ops->destroy(sensor);
}

const char *pressure_sensor_name(const struct pressure_sensor *sensor)
{
	return sensor ? sensor->ops->name : "none";
}

const char *pressure_channel_name(enum pressure_channel channel)
{
	return channel == PRESSURE_CHANNEL_SAFETY ? "safety sensor" : "pressure sensor";
}

/* ---- the absent sensor ---------------------------------------------------- */

static int absent_read(struct pressure_sensor *sensor, uint64_t now_ms,
                       struct pressure_reading *out)
{
	(void)sensor;
	(void)now_ms;
	*out = (struct pressure_reading){.status = PRESSURE_ABSENT};
	return 0;
}

static void absent_destroy(struct pressure_sensor *sensor)
{
	free(sensor);
}

static const struct pressure_sensor_ops absent_ops = {
    .read = absent_read,
    .destroy = absent_destroy,
    .name = "none",
};

struct pressure_sensor *pressure_sensor_absent_create(void)
{
	struct pressure_sensor *s = calloc(1, sizeof(*s));

	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->ops = &absent_ops;
	return s;
}

/* ---- factories ------------------------------------------------------------ */

int pressure_sensor_check_hx710b(const struct pressure_sensor_spec *spec, char *err, size_t err_len)
{
	const char *prefix = spec->channel == PRESSURE_CHANNEL_SAFETY ? "safety" : "sensor";

	if (spec->kind != SENSOR_HX710B)
		return 0;
	if (spec->mmhg_per_count == 0) {
		snprintf(err, err_len,
		         "%s: the HX710B %s has no calibration; set %s_mmhg_per_count "
		         "(and %s_offset) from a calibration against a gauge",
		         spec->station, pressure_channel_name(spec->channel), prefix, prefix);
		return -EINVAL;
	}
	if (spec->extra_pulses > 3) {
		snprintf(err, err_len,
		         "%s: the HX710B %s takes %u extra pulses; the chip takes 1 (10 Hz) "
		         "to 3 (40 Hz)",
		         spec->station, pressure_channel_name(spec->channel), spec->extra_pulses);
		return -EINVAL;
	}
	return 0;
}

static struct pressure_sensor *absent_or_fail(const struct pressure_sensor_spec *spec, char *err,
                                              size_t err_len)
{
	struct pressure_sensor *s = pressure_sensor_absent_create();

	if (!s)
		snprintf(err, err_len, "%s: out of memory building the %s", spec->station,
		         pressure_channel_name(spec->channel));
	return s;
}

static int hardware_check(void *ctx, const struct pressure_sensor_spec *spec, char *err,
                          size_t err_len)
{
	(void)ctx;
	if (spec->kind == SENSOR_SIM) {
		snprintf(err, err_len,
		         "%s: the %s is \"sim\", which needs the simulated hardware; run with "
		         "--sim, or configure the real sensor (hx710b) or none",
		         spec->station, pressure_channel_name(spec->channel));
		return -EINVAL;
	}
	return pressure_sensor_check_hx710b(spec, err, err_len);
}

static struct pressure_sensor *hardware_create(void *ctx, const struct pressure_sensor_spec *spec,
                                               char *err, size_t err_len)
{
	struct pressure_sensor *s;
	struct hx710b_config hc;
	int e;

	e = -hardware_check(ctx, spec, err, err_len);
	if (e)
		goto err;
	if (spec->kind != SENSOR_HX710B)
		return absent_or_fail(spec, err, err_len);
	hc = (struct hx710b_config){
	    .offset_counts = spec->offset_counts,
	    .mmhg_per_count = spec->mmhg_per_count,
	    .extra_pulses = spec->extra_pulses,
	    .clock_high_max_ns = HX710B_CLOCK_HIGH_MAX_NS,
	};
	s = hx710b_sensor_create(spec->req, spec->clock_index, spec->data_index, &hc);
	if (s)
		return s;
	e = errno;
	snprintf(err, err_len, "%s: cannot set up the HX710B %s: %s", spec->station,
	         pressure_channel_name(spec->channel), strerror(e));
err:
	errno = e;
	return NULL;
}

static struct pressure_sensor *
absent_factory_create(void *ctx, const struct pressure_sensor_spec *spec, char *err, size_t err_len)
{
	(void)ctx;
	return absent_or_fail(spec, err, err_len);
}

const struct pressure_sensor_factory pressure_sensor_factory_hardware = {
    .check = hardware_check,
    .create = hardware_create,
    .ctx = NULL,
};

const struct pressure_sensor_factory pressure_sensor_factory_absent = {
    .check = NULL,
    .create = absent_factory_create,
    .ctx = NULL,
};

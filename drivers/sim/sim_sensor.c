/* SPDX-License-Identifier: MIT */
/* The simulator's pressure sensors; see sim_sensor.h. */
#include "drivers/sim/sim_sensor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/hx710b.h"
#include "drivers/pressure_sensor_private.h"
#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"

/* One channel of a simulated station: the model to advance, and what reads. */
struct sim_sensor {
	struct pressure_sensor base; /* first: pressure_sensor.c dispatches through it */
	struct boot_sim *model;
	enum sensor_kind kind;
	enum boot_sim_sensor channel;
	struct pressure_sensor *chip; /* SENSOR_HX710B: the real driver on emulated lines */
};

static int sim_sensor_read(struct pressure_sensor *sensor, uint64_t now_ms,
                           struct pressure_reading *out)
{
	struct sim_sensor *s = (struct sim_sensor *)(void *)sensor;

	boot_sim_advance(s->model, now_ms);
	switch (s->kind) {
	case SENSOR_SIM:
		return boot_sim_read_sensor_channel(s->model, s->channel, out);
	case SENSOR_HX710B:
		return pressure_sensor_read(s->chip, now_ms, out);
	case SENSOR_NONE:
	default:
		*out = (struct pressure_reading){.status = PRESSURE_ABSENT};
		return 0;
	}
}

static void sim_sensor_destroy(struct pressure_sensor *sensor)
{
	struct sim_sensor *s = (struct sim_sensor *)(void *)sensor;

	pressure_sensor_destroy(s->chip);
	free(s);
}

static const struct pressure_sensor_ops sim_sensor_ops = {
    .read = sim_sensor_read,
    .destroy = sim_sensor_destroy,
    .name = "simulated",
};

static int sim_check(void *ctx, const struct pressure_sensor_spec *spec, char *err, size_t err_len)
{
	if (!boot_sim_find(ctx, spec->pins)) {
		snprintf(err, err_len,
		         "%s: no simulated boot on this station's pump line; build the simulator "
		         "(sim_hw_add_station or boot_sim_create) before the station",
		         spec->station);
		return -EINVAL;
	}
	return pressure_sensor_check_hx710b(spec, err, err_len);
}

static struct pressure_sensor *sim_create(void *ctx, const struct pressure_sensor_spec *spec,
                                          char *err, size_t err_len)
{
	struct sim_sensor *s;
	int e;

	e = -sim_check(ctx, spec, err, err_len);
	if (e)
		goto err;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, err_len, "%s: out of memory", spec->station);
		e = ENOMEM;
		goto err;
	}
	s->base.ops = &sim_sensor_ops;
	s->model = boot_sim_find(ctx, spec->pins);
	s->kind = spec->kind;
	s->channel = spec->channel == PRESSURE_CHANNEL_SAFETY ? BOOT_SIM_SENSOR_SAFETY
	                                                      : BOOT_SIM_SENSOR_CONTROL;
	if (spec->kind == SENSOR_HX710B) {
		struct hx710b_config hc = {
		    .offset_counts = spec->offset_counts,
		    .mmhg_per_count = spec->mmhg_per_count,
		    .extra_pulses = spec->extra_pulses,
		    .clock_high_max_ns = 0, /* an emulated chip never powers down */
		};

		s->chip = hx710b_sensor_create(spec->req, spec->clock_index, spec->data_index, &hc);
		if (!s->chip) {
			e = errno;
			snprintf(err, err_len, "%s: cannot set up the HX710B %s: %s", spec->station,
			         pressure_channel_name(spec->channel), strerror(e));
			goto err_free;
		}
	}
	return &s->base;

err_free:
	free(s);
err:
	errno = e;
	return NULL;
}

struct pressure_sensor_factory sim_sensor_factory(struct gpio *sim_gpio)
{
	return (struct pressure_sensor_factory){
	    .check = sim_check, .create = sim_create, .ctx = sim_gpio};
}

/* SPDX-License-Identifier: MIT */
/* HX710B driver; see hx710b.h. */
#include "drivers/hx710b.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "drivers/pressure_sensor_private.h"

struct hx710b {
	struct gpio_request *req;
	size_t clk;
	size_t data;
	struct hx710b_config cfg;
	struct pressure_reading last;
};

int32_t hx710b_sign_extend(uint32_t code24)
{
	code24 &= 0xFFFFFFu;
	if (code24 & 0x800000u)
		return (int32_t)code24 - 0x1000000;
	return (int32_t)code24;
}

double hx710b_raw_to_mmhg(const struct hx710b_config *cfg, int32_t raw)
{
	return ((double)raw - cfg->offset_counts) * cfg->mmhg_per_count;
}

struct hx710b *hx710b_create(struct gpio_request *req, size_t clock_index, size_t data_index,
                             const struct hx710b_config *cfg)
{
	struct hx710b *dev;

	if (!req || !cfg || cfg->mmhg_per_count == 0 || cfg->extra_pulses > 3 ||
	    clock_index == data_index) {
		errno = EINVAL;
		return NULL;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		errno = ENOMEM;
		return NULL;
	}
	dev->req = req;
	dev->clk = clock_index;
	dev->data = data_index;
	dev->cfg = *cfg;
	if (dev->cfg.extra_pulses == 0)
		dev->cfg.extra_pulses = 1;
	dev->last.status = PRESSURE_STALE;
	return dev;
}

void hx710b_destroy(struct hx710b *dev)
{
	free(dev);
}

static int fail(struct hx710b *dev, struct pressure_reading *out, int ret)
{
	/* Leave the clock low whatever happened: high for > 60 us powers down. */
	(void)gpio_request_set(dev->req, dev->clk, 0);
	*out = dev->last;
	out->status = PRESSURE_ERROR;
	return ret;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int hx710b_read(struct hx710b *dev, struct pressure_reading *out)
{
	uint64_t high_ns, longest_high_ns = 0;
	uint32_t code = 0;
	int32_t raw;
	int bit;
	int ret;

	ret = gpio_request_get(dev->req, dev->data, &bit);
	if (ret)
		return fail(dev, out, ret);
	if (bit) {
		*out = dev->last;
		out->status = PRESSURE_STALE;
		return 0;
	}
	bool timed = dev->cfg.clock_high_max_ns != 0;

	for (int i = 0; i < 24; i++) {
		high_ns = timed ? mono_ns() : 0;
		ret = gpio_request_set(dev->req, dev->clk, 1);
		if (!ret)
			ret = gpio_request_get(dev->req, dev->data, &bit);
		if (!ret)
			ret = gpio_request_set(dev->req, dev->clk, 0);
		if (ret)
			return fail(dev, out, ret);
		high_ns = timed ? mono_ns() - high_ns : 0;
		if (high_ns > longest_high_ns)
			longest_high_ns = high_ns;
		code = (code << 1) | (bit ? 1u : 0u);
	}
	for (unsigned int i = 0; i < dev->cfg.extra_pulses; i++) {
		ret = gpio_request_set(dev->req, dev->clk, 1);
		if (!ret)
			ret = gpio_request_set(dev->req, dev->clk, 0);
		if (ret)
			return fail(dev, out, ret);
	}
	/* The 25th pulse pulls DOUT high; low here means the word was not a
	 * conversion (a wiring fault or another chip on the line). */
	ret = gpio_request_get(dev->req, dev->data, &bit);
	if (ret)
		return fail(dev, out, ret);
	if (!bit)
		return fail(dev, out, 0);
	if (timed && longest_high_ns > dev->cfg.clock_high_max_ns) {
		/* Preempted mid-word: the chip may have powered down.  Drop the
		 * word; the next conversion comes 25-100 ms later. */
		*out = dev->last;
		out->status = PRESSURE_STALE;
		return 0;
	}
	raw = hx710b_sign_extend(code);
	if (raw == HX710B_RAW_MAX || raw == HX710B_RAW_MIN) {
		out->status = PRESSURE_ERROR;
		out->raw = raw;
		out->mmhg = dev->last.mmhg;
		return 0;
	}
	dev->last.status = PRESSURE_OK;
	dev->last.raw = raw;
	dev->last.mmhg = hx710b_raw_to_mmhg(&dev->cfg, raw);
	*out = dev->last;
	return 0;
}

/* ---- as a pressure_sensor -------------------------------------------------- */

struct hx710b_sensor {
	struct pressure_sensor base; /* first: pressure_sensor.c dispatches through it */
	struct hx710b *dev;
};

static int hx_sensor_read(struct pressure_sensor *sensor, uint64_t now_ms,
                          struct pressure_reading *out)
{
	(void)now_ms;
	return hx710b_read(((struct hx710b_sensor *)(void *)sensor)->dev, out);
}

static void hx_sensor_destroy(struct pressure_sensor *sensor)
{
	struct hx710b_sensor *s = (struct hx710b_sensor *)(void *)sensor;

	hx710b_destroy(s->dev);
	free(s);
}

static const struct pressure_sensor_ops hx_sensor_ops = {
    .read = hx_sensor_read,
    .destroy = hx_sensor_destroy,
    .name = "HX710B",
};

struct pressure_sensor *hx710b_sensor_create(struct gpio_request *req, size_t clock_index,
                                             size_t data_index, const struct hx710b_config *cfg)
{
	struct hx710b_sensor *s;
	int e;

	s = calloc(1, sizeof(*s));
	if (!s) {
		e = ENOMEM;
		goto err;
	}
	s->dev = hx710b_create(req, clock_index, data_index, cfg);
	if (!s->dev) {
		e = errno;
		goto err_free;
	}
	s->base.ops = &hx_sensor_ops;
	return &s->base;

err_free:
	free(s);
err:
	errno = e;
	return NULL;
}

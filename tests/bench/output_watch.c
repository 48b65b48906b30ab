/* SPDX-License-Identifier: MIT */
/* Stamps of a station's output writes; see output_watch.h. */
#include "output_watch.h"

#include <errno.h>

#include "bench_support.h"
#include "drivers/sim/gpio_sim.h"

/* Control thread (and the main thread before start / after stop). */
static void on_line(void *ctx, struct gpio_sim_line *line, int electrical)
{
	struct output_line_watch *lw = ctx;
	struct output_watch *w = lw->w;
	unsigned int bit = 1u << lw->bit;
	unsigned int old;

	(void)line;
	if (electrical) {
		atomic_fetch_or(&w->energised, bit);
		return;
	}
	old = atomic_fetch_and(&w->energised, ~bit);
	/* The first of each since the watch was armed: the vent's later
	 * puffs turn pump and exhaust on and off again. */
	uint64_t armed = atomic_load(&w->armed_ns);
	if (old == bit && atomic_load(&w->safe_ns) < armed)
		atomic_store(&w->safe_ns, bench_now_ns());
	/* Bits 0 and 1: the pump stops and the exhaust opens. */
	if ((old & 3u) != 0 && (old & 3u & ~bit) == 0 && atomic_load(&w->acts_ns) < armed)
		atomic_store(&w->acts_ns, bench_now_ns());
}

/* Line k of the station (pump, exhaust, zones foot first), or NULL. */
static struct gpio_sim_line *output_line(struct gpio *gpio, const struct station_pins *p, size_t k)
{
	const struct gpio_pin *pin = k == 0 ? &p->pump : k == 1 ? &p->exhaust : &p->zones[k - 2];

	return gpio_sim_line_get(gpio, pin->chip, pin->offset);
}

int output_watch_start(struct output_watch *w, struct gpio *gpio, const struct station_pins *pins)
{
	atomic_init(&w->energised, 0u);
	atomic_init(&w->safe_ns, 0u);
	atomic_init(&w->acts_ns, 0u);
	atomic_init(&w->armed_ns, 0u);
	w->nlines = 2u + pins->zone_count;
	for (unsigned int k = 0; k < w->nlines; k++) {
		struct gpio_sim_line *l = output_line(gpio, pins, k);

		if (l == NULL)
			return errno ? -errno : -ENODEV;
		w->lines[k] = (struct output_line_watch){.w = w, .bit = k};
		if (gpio_sim_line_driven(l) > 0)
			atomic_fetch_or(&w->energised, 1u << k);
		gpio_sim_line_set_hook(l, on_line, &w->lines[k]);
	}
	return 0;
}

void output_watch_stop(struct output_watch *w, struct gpio *gpio, const struct station_pins *pins)
{
	for (size_t k = 0; gpio != NULL && k < w->nlines; k++) {
		struct gpio_sim_line *l = output_line(gpio, pins, k);

		if (l != NULL)
			gpio_sim_line_set_hook(l, NULL, NULL);
	}
	w->nlines = 0;
}

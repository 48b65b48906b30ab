/* SPDX-License-Identifier: MIT */
/*
 * Time stamps of a station's outputs as the control thread writes them: a
 * hook on each output line of the simulated GPIO backend
 * (gpio_sim_line_set_hook) keeps which lines are energised and stamps
 * CLOCK_MONOTONIC at the write that
 *   - leaves every output line de-energised (safe_ns), and
 *   - leaves the pump off and the exhaust open (acts_ns),
 * the first of each after the time in armed_ns.
 * The stations' lines must be active-high (electrical 0 = de-energised), as
 * bench_config_stations() makes them.  The simulator's boot model hooks no
 * output line unless a station has a pump-sense input, so none is taken
 * from it.
 *
 * Threading: watch/unwatch on the benchmark's main thread while the control
 * thread is not running; the stamps are written on the control thread and
 * read from any thread.
 */
#ifndef TESTS_BENCH_OUTPUT_WATCH_H
#define TESTS_BENCH_OUTPUT_WATCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/station_hw.h"

#define OUTPUT_WATCH_LINES (2u + STATION_MAX_ZONES)

struct gpio;
struct output_watch;

struct output_line_watch {
	struct output_watch *w;
	unsigned int bit;
};

struct output_watch {
	atomic_uint energised;        /* bit per line: 0 pump, 1 exhaust, 2.. zones */
	atomic_uint_fast64_t safe_ns; /* when the last energised line went to 0 */
	atomic_uint_fast64_t acts_ns; /* when pump and exhaust were both off */
	/* Set before the stop: each stamp above is then taken once, at the
	 * first such write after it. */
	atomic_uint_fast64_t armed_ns;
	struct output_line_watch lines[OUTPUT_WATCH_LINES];
	size_t nlines;
};

/* Hook every output line of the station on pins.  0 or -errno. */
int output_watch_start(struct output_watch *w, struct gpio *sim_gpio,
                       const struct station_pins *pins);
/* Remove the hooks.  Safe on a watch that never started. */
void output_watch_stop(struct output_watch *w, struct gpio *sim_gpio,
                       const struct station_pins *pins);

#endif

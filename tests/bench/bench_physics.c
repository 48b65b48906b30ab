/* SPDX-License-Identifier: MIT */
/*
 * bench_physics: what the simulator's boot physics model costs per station
 * per 20 ms tick (8 stations x 6 zones, pump running, two zones open), as the
 * thread's CPU time so other processes on a shared machine do not count.
 * Prints the median of ROUNDS rounds; the control loop has 50 us for all 8.
 *
 *   bench_physics [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "drivers/sim/sim_hw.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

#define TICK_MS 20u
#define STATIONS 8u

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 15;
	struct sim_hw *sim = sim_hw_create();
	struct gpio *gpio = sim_hw_gpio(sim);
	struct station_hw *hw[STATIONS];
	struct pressure_reading rd;
	double ns[64];
	char err[256];
	const int ticks = 3000;

	if (rounds < 1 || rounds > 64 || !sim) {
		fprintf(stderr, "usage: bench_physics [ROUNDS 1..64]\n");
		return 64;
	}
	for (unsigned int s = 0; s < STATIONS; s++) {
		struct station_pins p = test_station_pins(6, SENSOR_SIM);
		char chip[16];
		snprintf(chip, sizeof(chip), "gpiochip%u", s + 4);
		test_pin(&p.pump, chip, 5, false);
		test_pin(&p.exhaust, chip, 6, false);
		for (size_t k = 0; k < 6; k++)
			test_pin(&p.zones[k], chip, 17 + (unsigned int)k, false);
		hw[s] = sim_hw_add_station(sim, &p, NULL, err, sizeof(err)) < 0
		            ? NULL
		            : station_hw_create_with(gpio, sim_hw_sensors(sim), "bench", &p, err,
		                                     sizeof(err));
		if (!hw[s]) {
			fprintf(stderr, "bench_physics: %s\n", err);
			return 1;
		}
		struct station_outputs o = {
		    .pump_on = true, .exhaust_open = false, .zones_open = 0x3};
		station_hw_apply(hw[s], &o);
		station_hw_read_pressure(hw[s], 0, &rd);
	}
	uint64_t t_ms = 0;
	for (int r = 0; r < rounds; r++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		for (int t = 1; t <= ticks; t++) {
			t_ms += TICK_MS;
			for (unsigned int s = 0; s < STATIONS; s++)
				station_hw_read_pressure(hw[s], t_ms, &rd);
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		ns[r] =
		    ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
		    (ticks * (double)STATIONS);
	}
	qsort(ns, (size_t)rounds, sizeof(ns[0]), cmp_double);
	printf("boot physics + simulated sensor read: median %.0f ns, min %.0f ns, max %.0f ns "
	       "per station per 20 ms tick over %d rounds of %d ticks\n",
	       ns[rounds / 2], ns[0], ns[rounds - 1], rounds, ticks);
	for (unsigned int s = 0; s < STATIONS; s++)
		station_hw_destroy(hw[s]);
	sim_hw_destroy(sim);
	return 0;
}

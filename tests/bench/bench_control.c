/* SPDX-License-Identifier: MIT */
/*
 * bench_control: the real control thread driving 8 simulated stations of 6
 * zones each (simulated GPIO + boot physics model) through compression
 * sessions in real time, measuring every tick:
 *   - lateness: how long after its absolute CLOCK_MONOTONIC deadline the tick
 *     started (p50 / p99 / max);
 *   - CPU: CLOCK_THREAD_CPUTIME_ID around the tick's work (read 8 sensors,
 *     run 8 state machines and the safety supervisor, write outputs, build
 *     the snapshot), which includes advancing the physics model;
 *   - and beside it the control thread's whole CPU per tick: its
 *     CLOCK_THREAD_CPUTIME_ID over the run divided by the ticks (the wait,
 *     wake-ups, commands and listeners included).
 * Targets: p99 lateness < 2 ms, < 50 us CPU per tick for 8 stations.
 *
 *   bench_control [SECONDS] [--hx710b] [--rt]
 *
 * SECONDS defaults to 60.  --hx710b reads every sensor through the HX710B
 * driver bit-banging the emulated ADC instead of the direct sim sensor.
 * --rt asks for SCHED_FIFO priority 50 for the control thread (as the
 * service may; needs CAP_SYS_NICE) and says whether it got it.
 * Build without sanitizers for meaningful figures:
 *   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release && \
 *   cmake --build build-bench -j2 --target bench_control && \
 *   ./build-bench/tests/bench/bench_control 60
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/sim/boot_sim.h"
#include "config/config.h"
#include "config/program_load.h"
#include "config/screening_load.h"
#include "core/controller.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
#include "core/program.h"
#include "core/screening.h"
#include "drivers/station_hw.h"

#define BENCH_STATIONS 8u
#define BENCH_ZONES 6u

struct sample {
	float lateness_us;
	float cpu_us;
};

struct bench {
	struct sample *samples;
	size_t cap;
	size_t count; /* written by the control thread only */
	struct controller *ctl;
};

static void on_tick(void *ctx, uint64_t now_ms)
{
	struct bench *b = ctx;
	struct controller_stats st;

	(void)now_ms;
	/* Runs on the control thread right after the tick's work. */
	controller_get_stats(b->ctl, &st);
	if (b->count < b->cap) {
		b->samples[b->count].lateness_us = (float)st.last_lateness_us;
		b->samples[b->count].cpu_us = (float)st.last_tick_cpu_us;
		b->count++;
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static float percentile(float *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0.0f;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

static void config_stations(struct kiosk_config *cfg, bool hx710b)
{
	kiosk_config_defaults(cfg);
	cfg->station_count = BENCH_STATIONS;
	for (size_t i = 0; i < BENCH_STATIONS; i++) {
		struct station_config *s = &cfg->stations[i];
		struct station_pins *p = &s->pins;

		s->number = (unsigned int)i + 1u;
		snprintf(s->name, sizeof(s->name), "Station %zu", i + 1u);
		snprintf(p->pump.chip, sizeof(p->pump.chip), "gpiochip%zu", i);
		p->pump.offset = 0;
		snprintf(p->exhaust.chip, sizeof(p->exhaust.chip), "gpiochip%zu", i);
		p->exhaust.offset = 1;
		p->zone_count = BENCH_ZONES;
		for (size_t k = 0; k < BENCH_ZONES; k++) {
			snprintf(p->zones[k].chip, sizeof(p->zones[k].chip), "gpiochip%zu", i);
			p->zones[k].offset = 2u + (unsigned int)k;
		}
		p->sensor = hx710b ? SENSOR_HX710B : SENSOR_SIM;
		if (hx710b) {
			snprintf(p->sensor_clock.chip, sizeof(p->sensor_clock.chip), "gpiochip%zu",
			         i);
			p->sensor_clock.offset = 20;
			snprintf(p->sensor_data.chip, sizeof(p->sensor_data.chip), "gpiochip%zu",
			         i);
			p->sensor_data.offset = 21;
			p->sensor_offset_counts = 120000.0;
			p->sensor_mmhg_per_count = 0.0001;
		}
	}
}

static int submit(struct controller *ctl, enum command_action action, unsigned int station,
                  unsigned int question, bool yes, unsigned int program)
{
	struct command c;

	memset(&c, 0, sizeof(c));
	c.action = action;
	c.source = SOURCE_UI;
	c.station = station;
	c.question = question;
	c.yes = yes;
	c.program_index = program;
	return controller_submit(ctl, &c);
}

/* Select a program, answer the screening as a healthy member, start. */
static void start_session(struct controller *ctl, const struct screening_set *scr,
                          unsigned int station, unsigned int program, bool after_session)
{
	if (after_session)
		submit(ctl, CMD_CLEANED, station, 0, false, 0);
	submit(ctl, CMD_SELECT_PROGRAM, station, 0, false, program);
	submit(ctl, CMD_BEGIN_SCREENING, station, 0, false, 0);
	for (unsigned int q = 0; q < scr->count; q++)
		submit(ctl, CMD_ANSWER, station, q, scr->items[q].cls == SCREENING_ACKNOWLEDGE, 0);
	submit(ctl, CMD_START, station, 0, false, 0);
}

static void summary(const char *what, float *v, size_t n)
{
	double sum = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(v[0]), cmp_float);
	printf("%-22s mean %8.1f  p50 %8.1f  p99 %8.1f  max %8.1f  (us)\n", what,
	       n ? sum / (double)n : 0.0, (double)percentile(v, n, 0.50),
	       (double)percentile(v, n, 0.99), n ? (double)v[n - 1] : 0.0);
}

int main(int argc, char **argv)
{
	static struct kiosk_config cfg;
	static struct program_set programs;
	static struct screening_set screening;
	struct station_hw *hw[BENCH_STATIONS] = {0};
	struct controller_params params;
	struct controller_stats st;
	struct bench b;
	struct sim_hw *sim = NULL;
	struct gpio *gpio = NULL;
	struct timespec next, t_start, t_end;
	double proc_cpu_s = 0.0;
	float *lat = NULL, *cpu = NULL;
	unsigned int seconds = 60;
	bool hx710b = false;
	bool rt = false;
	char err[512] = "";
	int ret = 1;

	memset(&b, 0, sizeof(b));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hx710b") == 0) {
			hx710b = true;
		} else if (strcmp(argv[i], "--rt") == 0) {
			rt = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s [SECONDS] [--hx710b] [--rt]\n", argv[0]);
			return 0;
		} else {
			char *end = NULL;
			unsigned long v = strtoul(argv[i], &end, 10);

			if (end == argv[i] || *end != '\0' || v == 0 || v > 86400) {
				fprintf(stderr,
				        "%s: '%s' is not a number of seconds (1..86400); "
				        "usage: %s [SECONDS] [--hx710b] [--rt]\n",
				        argv[0], argv[i], argv[0]);
				return 2;
			}
			seconds = (unsigned int)v;
		}
	}

	config_stations(&cfg, hx710b);
	if (program_set_load(&programs, KIOSK_SOURCE_ASSETS "/programs.conf", &cfg.limits, err,
	                     sizeof(err)) < 0 ||
	    screening_set_load(&screening, KIOSK_SOURCE_ASSETS "/screening.conf", err,
	                       sizeof(err)) < 0) {
		fprintf(stderr, "bench_control: %s\n", err);
		return 1;
	}
	sim = sim_hw_create();
	if (sim == NULL) {
		perror("sim_hw_create");
		return 1;
	}
	gpio = sim_hw_gpio(sim);
	for (size_t i = 0; i < BENCH_STATIONS; i++) {
		if (sim_hw_add_station(sim, &cfg.stations[i].pins, NULL, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_control: %s\n", err);
			goto out;
		}
	}
	for (size_t i = 0; i < BENCH_STATIONS; i++) {
		hw[i] = station_hw_create_with(gpio, sim_hw_sensors(sim), cfg.stations[i].name,
		                               &cfg.stations[i].pins, err, sizeof(err));
		if (hw[i] == NULL) {
			fprintf(stderr, "bench_control: %s\n", err);
			goto out;
		}
	}

	b.cap = (size_t)seconds * (1000u / CONTROLLER_TICK_MS) + 1000u;
	b.samples = calloc(b.cap, sizeof(b.samples[0]));
	lat = calloc(b.cap, sizeof(float));
	cpu = calloc(b.cap, sizeof(float));
	if (b.samples == NULL || lat == NULL || cpu == NULL) {
		perror("calloc");
		goto out;
	}
	memset(&params, 0, sizeof(params));
	params.config = &cfg;
	params.programs = &programs;
	params.screening = &screening;
	params.hw = hw;
	params.on_tick = on_tick;
	params.on_tick_ctx = &b;
	params.realtime_priority = rt ? 50 : 0;
	b.ctl = controller_create(&params);
	if (b.ctl == NULL) {
		perror("controller_create");
		goto out;
	}
	if (controller_start(b.ctl) < 0) {
		fprintf(stderr, "bench_control: cannot start the control thread\n");
		goto out_ctl;
	}
	for (unsigned int i = 0; i < BENCH_STATIONS; i++)
		start_session(b.ctl, &screening, i, i % (unsigned int)programs.count, false);

	printf("bench_control: %u stations x %u zones, %s sensors, %u s, tick %u ms%s\n",
	       BENCH_STATIONS, BENCH_ZONES, hx710b ? "HX710B (emulated ADC)" : "simulated", seconds,
	       CONTROLLER_TICK_MS, rt ? ", SCHED_FIFO requested" : "");
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	{
		struct timespec c0;

		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
		proc_cpu_s = -(double)c0.tv_sec - (double)c0.tv_nsec / 1e9;
	}
	next = t_start;
	/* Once a second: restart any station whose session has ended. */
	for (unsigned int s = 0; s < seconds; s++) {
		const struct kiosk_snapshot *snap;

		next.tv_sec += 1;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		snap = controller_snapshot_acquire(b.ctl);
		for (unsigned int i = 0; i < snap->station_count; i++) {
			if (snap->stations[i].state == STATION_NEEDS_CLEANING)
				start_session(b.ctl, &screening, i,
				              (i + s) % (unsigned int)programs.count, true);
			else if (snap->stations[i].state == STATION_FAULT)
				fprintf(stderr, "station %u faulted: %s\n", i + 1,
				        fault_code_name(snap->stations[i].fault));
		}
		controller_snapshot_release(b.ctl, snap);
	}
	controller_stop(b.ctl);
	clock_gettime(CLOCK_MONOTONIC, &t_end);
	{
		struct timespec c1;

		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		proc_cpu_s += (double)c1.tv_sec + (double)c1.tv_nsec / 1e9;
	}

	controller_get_stats(b.ctl, &st);
	for (size_t i = 0; i < b.count; i++) {
		lat[i] = b.samples[i].lateness_us;
		cpu[i] = b.samples[i].cpu_us;
	}
	printf("ticks %zu in %.1f s, late > 2 ms: %llu (%.3f%%), commands %llu, snapshots %llu\n",
	       b.count,
	       (double)(t_end.tv_sec - t_start.tv_sec) +
	           (double)(t_end.tv_nsec - t_start.tv_nsec) / 1e9,
	       (unsigned long long)st.late_ticks_over_2ms,
	       b.count ? 100.0 * (double)st.late_ticks_over_2ms / (double)b.count : 0.0,
	       (unsigned long long)st.commands, (unsigned long long)st.snapshots);
	if (rt)
		printf("control thread SCHED_FIFO: %s\n", st.realtime ? "yes" : "refused");
	{
		size_t worst = 0;

		for (size_t i = 1; i < b.count; i++) {
			if (lat[i] > lat[worst])
				worst = i;
		}
		if (b.count > 0)
			printf("latest tick: #%zu, %.0f us late\n", worst, (double)lat[worst]);
	}
	summary("tick lateness", lat, b.count);
	summary("tick CPU (8 stations)", cpu, b.count);
	/* The whole thread, not only the timed section: waits, wake-ups,
	 * commands, listeners and the on_tick hook included. */
	printf("control thread CPU per tick (CLOCK_THREAD_CPUTIME_ID over the run / ticks): "
	       "%.1f us over %llu ticks (%llu wake-ups; timed section mean %.1f us)\n",
	       st.ticks ? st.thread_cpu_us / (double)st.ticks : 0.0, (unsigned long long)st.ticks,
	       (unsigned long long)st.wakeups,
	       st.ticks ? st.total_tick_cpu_us / (double)st.ticks : 0.0);
	printf("process CPU %.2f s over the run (%.2f%% of one core)\n", proc_cpu_s,
	       100.0 * proc_cpu_s / (double)seconds);
	ret = 0;
out_ctl:
	controller_destroy(b.ctl);
out:
	for (size_t i = 0; i < BENCH_STATIONS; i++)
		station_hw_destroy(hw[i]);
	sim_hw_destroy(sim);
	free(b.samples);
	free(lat);
	free(cpu);
	return ret;
}

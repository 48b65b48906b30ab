/* SPDX-License-Identifier: MIT */
/* The real control thread for timing tests; see thread_rig.h. */
#include "thread_rig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "drivers/sim/sim_hw.h"

static struct thread_rig *rig_build(void (*on_tick)(void *ctx, uint64_t now_ms), void *on_tick_ctx,
                                    bool button)
{
	struct thread_rig *r = calloc(1, sizeof(*r));
	struct controller_params p;
	char err[256] = "";

	assert_non_null(r);
	fixture_config(&r->cfg, 1, 4, true);
	if (button) {
		struct station_pins *pins = &r->cfg.stations[0].pins;

		pins->has_stop_button = true;
		snprintf(pins->stop_button.chip, sizeof(pins->stop_button.chip), "gpiochip0");
		pins->stop_button.offset = THREAD_RIG_BUTTON_LINE;
		pins->stop_button_bias = GPIO_BIAS_PULL_DOWN;
		pins->stop_button_debounce_ms = 20;
	}
	fixture_programs(&r->programs);
	fixture_screening(&r->screening);
	r->simhw = sim_hw_create();
	assert_non_null(r->simhw);
	r->gpio = sim_hw_gpio(r->simhw);
	if (sim_hw_add_station(r->simhw, &r->cfg.stations[0].pins, NULL, err, sizeof(err)) < 0)
		fail_msg("sim_hw_add_station: %s", err);
	r->hw[0] = station_hw_create_with(r->gpio, sim_hw_sensors(r->simhw), "Station 1",
	                                  &r->cfg.stations[0].pins, err, sizeof(err));
	if (r->hw[0] == NULL)
		fail_msg("station_hw_create_with: %s", err);
	memset(&p, 0, sizeof(p));
	p.config = &r->cfg;
	p.programs = &r->programs;
	p.screening = &r->screening;
	p.hw = r->hw;
	p.on_tick = on_tick;
	p.on_tick_ctx = on_tick_ctx;
	r->ctl = controller_create(&p);
	assert_non_null(r->ctl);
	return r;
}

struct thread_rig *thread_rig_new(void (*on_tick)(void *ctx, uint64_t now_ms), void *on_tick_ctx)
{
	return rig_build(on_tick, on_tick_ctx, false);
}

struct thread_rig *thread_rig_new_with_button(void (*on_tick)(void *ctx, uint64_t now_ms),
                                              void *on_tick_ctx)
{
	return rig_build(on_tick, on_tick_ctx, true);
}

void thread_rig_free(struct thread_rig *r)
{
	if (r == NULL)
		return;
	controller_destroy(r->ctl);
	station_hw_destroy(r->hw[0]);
	sim_hw_destroy(r->simhw);
	free(r);
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void thread_cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

void thread_rig_start_session(struct thread_rig *r)
{
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);
	uint64_t deadline;

	c.program_index = FIXTURE_GRADIENT;
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	c = fixture_cmd(CMD_BEGIN_SCREENING);
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	for (unsigned int q = 0; q < r->screening.count; q++) {
		c = fixture_cmd(CMD_ANSWER);
		c.question = q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		assert_int_equal(controller_submit(r->ctl, &c), 0);
	}
	c = fixture_cmd(CMD_START);
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	/* Ticks exactly a period apart (the physics follows the time each tick
	 * is given), paced so the real clock is never behind them: a loaded
	 * machine's late wake-up must not become a longer pump run in the
	 * seal check.  Through the seal check to the first fill (4 ticks). */
	deadline = mono_ns();
	uint64_t t0_ms = deadline / 1000000u;
	for (int i = 0; i < 50; i++) {
		struct timespec ts;
		struct station_outputs o;

		controller_step(r->ctl, t0_ms + (uint64_t)i * CONTROLLER_TICK_MS);
		o = station_hw_outputs(r->hw[0]);
		if (o.pump_on && o.zones_open != 0)
			return;
		deadline += (uint64_t)CONTROLLER_TICK_MS * 1000000u;
		ts.tv_sec = (time_t)(deadline / 1000000000u);
		ts.tv_nsec = (long)(deadline % 1000000000u);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
			;
	}
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(r->ctl);
	const char *state = snap ? station_state_name(snap->stations[0].state) : "?";
	const char *fault = snap ? fault_code_name(snap->stations[0].fault) : "?";
	controller_snapshot_release(r->ctl, snap);
	fail_msg("the session did not reach its first fill: station 1 is %s, fault %s", state,
	         fault);
}

static void *probe_main(void *arg)
{
	struct timing_probe *p = arg;
	uint64_t period = (uint64_t)p->period_ms * 1000000ull;
	uint64_t deadline = mono_ns() + period;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000ull),
		                      .tv_nsec = (long)(deadline % 1000000000ull)};
		uint64_t late;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
			;
		late = mono_ns() - deadline;
		pthread_mutex_lock(&p->lock);
		p->wakes++;
		if ((double)late / 1000.0 > p->max_late_us)
			p->max_late_us = (double)late / 1000.0;
		p->sum_late_us += (double)late / 1000.0;
		if (late > 10000000ull)
			p->late_over_10ms++;
		pthread_mutex_unlock(&p->lock);
		deadline += period;
		if (deadline < mono_ns())
			deadline = mono_ns() + period; /* like the controller: drop, never race */
	}
	return NULL;
}

void timing_probe_start(struct timing_probe *p, unsigned int period_ms)
{
	memset(p, 0, sizeof(*p));
	p->period_ms = period_ms;
	pthread_mutex_init(&p->lock, NULL);
	assert_int_equal(pthread_create(&p->thread, NULL, probe_main, p), 0);
}

void timing_probe_stop(struct timing_probe *p)
{
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	print_message(
	    "machine noise (probe at %u ms): %u wakes, worst %.0f us late, %u over 10 ms\n",
	    p->period_ms, p->wakes, p->max_late_us, p->late_over_10ms);
}

int thread_self_tid(void)
{
	return (int)syscall(SYS_gettid);
}

uint64_t thread_runqueue_wait_ns(int tid)
{
	char path[64];
	unsigned long long run_ns = 0, wait_ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &run_ns, &wait_ns) != 2)
		wait_ns = 0;
	fclose(f);
	return wait_ns;
}

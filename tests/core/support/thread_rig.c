/* SPDX-License-Identifier: MIT */
/* The real control thread for timing tests; see thread_rig.h. */
#include "thread_rig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "drivers/sim/sim_hw.h"

struct thread_rig *thread_rig_new(void (*on_tick)(void *ctx, uint64_t now_ms), void *on_tick_ctx)
{
	struct thread_rig *r = calloc(1, sizeof(*r));
	struct controller_params p;
	char err[256] = "";

	assert_non_null(r);
	fixture_config(&r->cfg, 1, 4, true);
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

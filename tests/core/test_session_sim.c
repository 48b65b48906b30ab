/* SPDX-License-Identifier: MIT */
/*
 * A whole session of every program in assets/programs.conf, in virtual time,
 * through the real controller and drivers on the boot physics model: one
 * station of 6 zones with a direct simulated sensor and one of 5 zones with
 * the HX710B driver bit-banging the emulated ADC at 10 Hz, side by side.
 * Shows: zones fill foot to thigh, each zone settles within 3 mmHg of its
 * target, the session ends within one tick of its duration, and no pressure
 * anywhere ever passes the ceiling.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "sim_rig.h"

#define SETTLE_TOLERANCE_MMHG 3.0

struct tracker {
	int filling;      /* zone filling last tick, -1 = none */
	int last_fill;    /* last zone filled this cycle */
	bool cycle_reset; /* a rest since the last fill: next is the foot */
	double fill_target;
	int check_zone; /* closed last tick: check it settled */
	double check_target;
	unsigned int fills[STATION_MAX_ZONES];
	double worst_error;
	double low_error;  /* most under the target (negative) */
	double high_error; /* most over */
	double max_mmhg;
	bool clock_seen;
	uint64_t clock_start_ms;
	uint64_t venting_ms;
	uint8_t used_mask;
	int first_zone;
};

static const struct sim_station_spec specs[2] = {
    {.zones = 6, .sensor = SENSOR_SIM},
    {.zones = 5, .sensor = SENSOR_HX710B},
};

static void tracker_init(struct tracker *t, const struct program *p, size_t zones)
{
	memset(t, 0, sizeof(*t));
	t->filling = -1;
	t->last_fill = -1;
	t->cycle_reset = true;
	t->check_zone = -1;
	t->first_zone = -1;
	for (size_t k = 0; k < zones; k++) {
		if (program_zone_target(p, k, zones, p->target_mmhg, 100.0) > 0.0) {
			t->used_mask |= (uint8_t)(1u << k);
			if (t->first_zone < 0)
				t->first_zone = (int)k;
		}
	}
}

static int filling_zone(const struct station_outputs *o)
{
	int zone = -1;

	if (!o->pump_on || o->exhaust_open)
		return -1;
	for (int k = 0; k < STATION_MAX_ZONES; k++) {
		if (o->zones_open & (1u << k)) {
			assert_int_equal(zone, -1); /* one zone fills at a time */
			zone = k;
		}
	}
	return zone;
}

static void track(struct sim_rig *r, size_t i, struct tracker *t)
{
	struct station_snapshot s;
	struct station_outputs o = station_hw_outputs(r->hw[i]);
	double ceiling = r->cfg.limits.ceiling_mmhg;
	int f;

	sim_station(r, i, &s);
	/* A fill, not the one-tick puff that proves a released zone's valve
	 * opens (PHASE_RELEASE). */
	f = s.phase == PHASE_FILL ? filling_zone(&o) : -1;
	if (s.state == STATION_FAULT)
		fail_msg("station %zu faulted: %s", i, fault_code_name(s.fault));

	/* Nothing anywhere above the ceiling, ever (truth, not the sensor). */
	for (size_t k = 0; k < specs[i].zones; k++) {
		double p = boot_sim_zone_mmhg(r->sim[i], k);

		assert_true(p <= ceiling);
		if (p > t->max_mmhg)
			t->max_mmhg = p;
		/* A skipped zone gets no air while the program runs (the safe
		 * state after it opens every valve, and may pass a puff). */
		if (!(t->used_mask & (1u << k)) && s.state == STATION_RUNNING)
			assert_true(p <= r->cfg.limits.residual_mmhg);
	}
	assert_true(boot_sim_manifold_mmhg(r->sim[i]) <= ceiling);

	/* A zone closed one tick ago has settled: within 3 mmHg of its target. */
	if (t->check_zone >= 0) {
		double p = boot_sim_zone_mmhg(r->sim[i], (size_t)t->check_zone);
		double err = fabs(p - t->check_target);

		if (err > SETTLE_TOLERANCE_MMHG)
			fail_msg("station %zu zone %d settled at %.2f, target %.2f", i,
			         t->check_zone, p, t->check_target);
		if (err > t->worst_error)
			t->worst_error = err;
		if (p - t->check_target < t->low_error)
			t->low_error = p - t->check_target;
		if (p - t->check_target > t->high_error)
			t->high_error = p - t->check_target;
		t->check_zone = -1;
	}
	if (f != t->filling) {
		if (t->filling >= 0 && s.state == STATION_RUNNING) {
			t->check_zone = t->filling;
			t->check_target = t->fill_target;
		}
		if (f >= 0) {
			/* Foot to thigh: the first used zone after a rest, then up. */
			assert_true(t->used_mask & (1u << f));
			if (t->cycle_reset)
				assert_int_equal(f, t->first_zone);
			else
				assert_true(f > t->last_fill);
			t->last_fill = f;
			t->cycle_reset = false;
			t->fills[f]++;
			t->fill_target = s.zone_target_mmhg[f];
			assert_true(t->fill_target > 0.0);
		}
		t->filling = f;
	}
	if (s.phase == PHASE_REST)
		t->cycle_reset = true;
	if (s.clock_started && !t->clock_seen) {
		t->clock_seen = true;
		t->clock_start_ms = r->now_ms;
	}
	if (s.state == STATION_VENTING && t->venting_ms == 0)
		t->venting_ms = r->now_ms;
}

static void test_session_sim_program(void **state)
{
	size_t idx = *(const size_t *)*state;
	struct sim_rig *r = sim_rig_new(2, specs);
	struct tracker t[2];
	const struct program *p;
	unsigned int duration_s;
	uint64_t limit;

	if (idx >= r->programs.count) {
		sim_rig_free(r);
		skip();
	}
	p = &r->programs.items[idx];
	duration_s = p->duration_min_s;
	for (size_t i = 0; i < 2; i++) {
		tracker_init(&t[i], p, specs[i].zones);
		sim_start_session(r, i, idx, duration_s);
	}
	limit = r->now_ms + (uint64_t)duration_s * 1000u + 10u * 60u * 1000u;
	while ((sim_state(r, 0) != STATION_NEEDS_CLEANING ||
	        sim_state(r, 1) != STATION_NEEDS_CLEANING) &&
	       r->now_ms < limit) {
		sim_step(r);
		track(r, 0, &t[0]);
		track(r, 1, &t[1]);
	}
	for (size_t i = 0; i < 2; i++) {
		const struct kiosk_event *ev = NULL;
		uint64_t ran;

		assert_int_equal(sim_state(r, i), STATION_NEEDS_CLEANING);
		assert_true(t[i].clock_seen);
		ran = t[i].venting_ms - t[i].clock_start_ms;
		print_message(
		    "%-22s station %zu (%zu zones, %s): clock after first cycle, ran "
		    "%llu ms of %u s, settled %+.2f..%+.2f mmHg of target, peak %.1f mmHg\n",
		    p->id, i, specs[i].zones,
		    specs[i].sensor == SENSOR_SIM ? "sim sensor" : "hx710b",
		    (unsigned long long)ran, duration_s, t[i].low_error, t[i].high_error,
		    t[i].max_mmhg);
		assert_true(ran >= (uint64_t)duration_s * 1000u);
		assert_true(ran <= (uint64_t)duration_s * 1000u + SIM_TICK_MS);
		for (size_t k = 0; k < specs[i].zones; k++) {
			if (t[i].used_mask & (1u << k))
				assert_true(t[i].fills[k] >= 2);
			else
				assert_int_equal(t[i].fills[k], 0);
		}
		assert_int_equal(sim_count_events(r, i, EVENT_SESSION_COMPLETED, &ev), 1);
		assert_int_equal(ev->elapsed_s, duration_s);
		assert_int_equal(ev->reason, STOP_COMPLETED);
		assert_string_equal(ev->program_id, p->id);
		assert_int_equal(sim_count_events(r, i, EVENT_FAULT_RAISED, NULL), 0);
		assert_true(sim_outputs_safe(r, i));

		{
			struct command c = sim_cmd(CMD_CLEANED, i);

			sim_submit(r, &c);
		}
	}
	sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_IDLE);
	assert_int_equal(sim_state(r, 1), STATION_IDLE);
	sim_rig_free(r);
}

static size_t program_index[PROGRAM_MAX];
static char test_names[PROGRAM_MAX][48];

int main(void)
{
	struct CMUnitTest tests[PROGRAM_MAX];

	for (size_t i = 0; i < PROGRAM_MAX; i++) {
		program_index[i] = i;
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_session_sim_program,
		                                                        &program_index[i]);
		snprintf(test_names[i], sizeof(test_names[i]), "test_session_sim_program_%zu", i);
		tests[i].name = test_names[i];
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Safety supervisor: one test per fault, each showing the vent in the tick
 * the fault is seen and the station locked until a staff reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "core/safety.h"
#include "core/vent.h"

#define TICK_MS 20u

static bool outputs_safe(const struct station_outputs *o, size_t zones)
{
	struct station_outputs safe = station_outputs_safe(zones);

	return o->pump_on == safe.pump_on && o->exhaust_open == safe.exhaust_open &&
	       o->zones_open == safe.zones_open;
}

/* Venting now: pump off, exhaust open, and every zone that holds air (the
 * model's truth) open to it.  A zone without air may stay shut: a skipped
 * zone does until the manifold is down. */
static bool venting(const struct rig *r)
{
	const struct station_outputs *o = &r->out;

	if (o->pump_on || !o->exhaust_open)
		return false;
	for (size_t k = 0; k < r->model.zone_count; k++) {
		if (r->model.zone_mmhg[k] > r->cfg.limits.residual_mmhg &&
		    !(o->zones_open & (1u << k)))
			return false;
	}
	return true;
}

/* Tick until the station faults; returns the time of that tick.  The
 * outputs the station returned in that very tick must already vent. */
static uint64_t tick_until_fault(struct rig *r, uint64_t max_ms)
{
	uint64_t end = r->now_ms + max_ms;

	while (station_state(r->st) != STATION_FAULT) {
		assert_true(r->now_ms < end);
		rig_tick(r);
	}
	assert_true(venting(r));
	return r->now_ms;
}

/* The fault is raised with its code and message, the session (if any) is
 * reported stopped by a fault, and the station stays locked, venting, every
 * output de-energised within the longest (timed) vent. */
static void expect_locked_fault(struct rig *r, enum fault_code code, bool had_session)
{
	const struct kiosk_event *ev = NULL;
	struct station_snapshot s;

	assert_int_equal(station_state(r->st), STATION_FAULT);
	station_snapshot(r->st, r->now_ms, &s);
	assert_int_equal(s.fault, code);
	assert_string_equal(s.fault_message, fault_code_message(code));
	assert_true(strlen(s.fault_message) > 20);
	assert_int_equal(recorder_count(&r->rec, EVENT_FAULT_RAISED, &ev), 1);
	assert_int_equal(ev->fault, code);
	ev = NULL;
	recorder_count(&r->rec, EVENT_SESSION_STOPPED, &ev);
	if (had_session) {
		assert_non_null(ev);
		assert_int_equal(ev->reason, STOP_FAULT);
		assert_int_equal(ev->fault, code);
		assert_int_equal(s.last_stop, STOP_FAULT);
	} else {
		assert_true(ev == NULL || ev->reason != STOP_FAULT);
	}
	/* Locked: nothing but a reset (or a touch) is accepted. */
	assert_int_equal(rig_do(r, CMD_SELECT_PROGRAM), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_RESUME), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_CLEANED), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_IN_SERVICE), CMD_ERR_BAD_STATE);
	for (unsigned int i = 0; i * TICK_MS < SAFETY_OPEN_LOOP_VENT_MIN_MS + 2000u; i++) {
		rig_tick(r);
		assert_int_equal(station_state(r->st), STATION_FAULT);
		assert_true(venting(r));
		if (i * TICK_MS > SAFETY_OPEN_LOOP_VENT_MIN_MS + TICK_MS)
			assert_true(outputs_safe(&r->out, r->model.zone_count));
	}
	assert_int_equal(recorder_count(&r->rec, EVENT_FAULT_RAISED, NULL), 1);
}

/* Reset by staff: every zone is verified first (VENTING); then, when a
 * member wore the boots since the last cleaning, the station goes on to
 * NEEDS_CLEANING, never straight to IDLE. */
static void reset_ok(struct rig *r, bool boots_used)
{
	const struct kiosk_event *ev = NULL;
	struct station_snapshot s;

	assert_int_equal(rig_do(r, CMD_RESET_FAULT), CMD_OK);
	assert_int_equal(recorder_count(&r->rec, EVENT_FAULT_RESET, &ev), 1);
	assert_true(ev->fault != FAULT_NONE);
	assert_true(
	    rig_run_until_state(r, boots_used ? STATION_NEEDS_CLEANING : STATION_IDLE, 5000));
	station_snapshot(r->st, r->now_ms, &s);
	/* Verified on the sensor; without one, vented for a fixed time. */
	assert_true(s.zones_verified == s.has_sensor);
	for (size_t k = 0; k < r->model.zone_count; k++)
		assert_true(r->model.zone_mmhg[k] <= r->cfg.limits.residual_mmhg);
	if (boots_used)
		assert_int_equal(rig_do(r, CMD_CLEANED), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	/* After a reset a session needs a fresh screening. */
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
}

static void test_safety_overpressure_vents_and_locks(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t t;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	/* In the rest, the boots open to the exhaust: something squeezes
	 * them (with the pump off and the exhaust shut a rise would be the
	 * relay's, see test_hazard_welded_relay_is_named_and_never_freed). */
	while (station_state(r->st) == STATION_RUNNING) {
		struct station_snapshot s;

		station_snapshot(r->st, r->now_ms, &s);
		if (s.phase == PHASE_REST)
			break;
		rig_tick(r);
	}
	assert_true(r->out.exhaust_open);
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_OK, .mmhg = 100.5, .raw = 1005};
	t = r->now_ms;
	assert_int_equal(tick_until_fault(r, 1000), t + TICK_MS);
	expect_locked_fault(r, FAULT_OVERPRESSURE, true);
	/* Still above residual: the reset is refused. */
	assert_int_equal(rig_do(r, CMD_RESET_FAULT), CMD_ERR_PRESSURISED);
	r->forced.mmhg = 1.0;
	rig_tick(r);
	reset_ok(r, true);
	rig_free(r);
}

static void test_safety_overpressure_uses_compiled_ceiling(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	r->cfg.limits.ceiling_mmhg = 500.0; /* a config cannot raise the compiled one */
	r->force_reading = true;
	r->forced = (struct pressure_reading){
	    .status = PRESSURE_OK, .mmhg = KIOSK_COMPILED_CEILING_MMHG + 0.5, .raw = 1};
	tick_until_fault(r, TICK_MS);
	expect_locked_fault(r, FAULT_OVERPRESSURE, false);
	rig_free(r);
}

static void test_safety_slow_fill_is_leak(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t t0, t;

	(void)state;
	r->model.fill_rate_mmhg_per_s = 1.0; /* rises, never reaches 40 in time */
	rig_start(r, FIXTURE_PULSE);
	t0 = r->now_ms;
	t = tick_until_fault(r, 20000);
	assert_true(t > t0 + r->cfg.limits.max_fill_ms);
	assert_true(t <= t0 + r->cfg.limits.max_fill_ms + 2 * TICK_MS);
	expect_locked_fault(r, FAULT_LEAK, true);
	r->model.zone_mmhg[0] = 0.0;
	rig_tick(r);
	reset_ok(r, true);
	rig_free(r);
}

static void test_safety_disconnected_boot_is_leak(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t t0, t;

	(void)state;
	r->model.disconnected = true;
	r->model.noise_mmhg = 0.3; /* a live sensor reading nothing */
	rig_start(r, FIXTURE_GRADIENT);
	t0 = r->now_ms;
	t = tick_until_fault(r, 5000);
	/* A pump blowing nowhere is caught long before max_fill_ms. */
	assert_true(t >= t0 + SAFETY_NO_RISE_MS);
	assert_true(t <= t0 + SAFETY_NO_RISE_MS + 2 * TICK_MS);
	expect_locked_fault(r, FAULT_LEAK, true);
	rig_free(r);
}

static void test_safety_blocked_hose(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_snapshot s;

	(void)state;
	r->model.blocked = true;
	rig_start(r, FIXTURE_PULSE);
	tick_until_fault(r, 200);
	expect_locked_fault(r, FAULT_BLOCKED_HOSE, true);
	station_snapshot(r->st, r->now_ms, &s);
	assert_true(s.manifold_mmhg < r->cfg.limits.ceiling_mmhg);
	rig_free(r);
}

static void test_safety_noise_does_not_trip(void **state)
{
	struct rig *r = rig_new(6, true);

	(void)state;
	r->model.noise_mmhg = 0.8; /* +/-0.8 alternating: 80 mmHg/s tick to tick */
	rig_start(r, FIXTURE_GRADIENT);
	r->cfg.limits.max_rise_mmhg_per_s = 40.0;
	rig_run_ms(r, 5u * 60u * 1000u);
	assert_int_equal(station_state(r->st), STATION_RUNNING);
	assert_int_equal(recorder_count(&r->rec, EVENT_FAULT_RAISED, NULL), 0);
	rig_free(r);
}

static void test_safety_boots_that_do_not_vent_are_named_and_locked(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t stopped, t;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	while (!r->out.pump_on || r->out.zones_open != 4)
		rig_tick(r);
	r->model.stuck_closed = true;
	r->model.noise_mmhg = 0.3; /* a live converter, not a frozen one */
	assert_int_equal(rig_do(r, CMD_STOP), CMD_OK);
	stopped = r->now_ms;
	t = tick_until_fault(r, 5000);
	/* Named for what was seen: the reading does not fall with the
	 * exhaust open. */
	assert_true(t >= stopped + VENT_EXHAUST_CHECK_MS);
	assert_true(t <= stopped + VENT_EXHAUST_CHECK_MS + 2 * TICK_MS);
	assert_true(r->out.exhaust_open);
	expect_locked_fault(r, FAULT_EXHAUST_STUCK, false);
	assert_int_equal(rig_do(r, CMD_RESET_FAULT), CMD_ERR_PRESSURISED);
	r->model.stuck_closed = false;
	rig_run_ms(r, 2000);
	reset_ok(r, true);
	rig_free(r);
}

static void test_safety_sensor_out_of_range(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	rig_run_ms(r, 500);
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_OK, .mmhg = -45.0, .raw = -4};
	tick_until_fault(r, TICK_MS);
	expect_locked_fault(r, FAULT_SENSOR, true);
	rig_free(r);

	r = rig_new(4, true);
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_OK, .mmhg = 350.0, .raw = 35};
	tick_until_fault(r, TICK_MS);
	expect_locked_fault(r, FAULT_SENSOR, false);
	rig_free(r);
}

static void test_safety_sensor_read_error(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	rig_run_ms(r, 500);
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_ERROR};
	tick_until_fault(r, TICK_MS);
	expect_locked_fault(r, FAULT_SENSOR, true);
	rig_free(r);
}

static void test_safety_sensor_frozen_while_pumping(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t t0, t;

	(void)state;
	/* Frozen while idle is no fault: nothing should change then. */
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_OK, .mmhg = 0.4, .raw = 4};
	rig_run_ms(r, 5000);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	rig_to_ready(r, FIXTURE_GRADIENT);
	assert_int_equal(rig_do(r, CMD_START), CMD_OK);
	t0 = r->now_ms;
	/* Found by the seal check, before any zone gets air: the very same
	 * counts after a puff into the shut manifold. */
	t = tick_until_fault(r, 3000);
	assert_true(t <= t0 + 10 * TICK_MS);
	for (size_t k = 0; k < 4; k++)
		assert_true(r->model.zone_mmhg[k] == 0.0);
	expect_locked_fault(r, FAULT_SENSOR_FROZEN, true);
	rig_free(r);
}

static void test_safety_sensor_dead_no_conversion(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t t0, t;

	(void)state;
	rig_run_ms(r, 200);
	r->force_reading = true;
	r->forced = (struct pressure_reading){.status = PRESSURE_STALE, .mmhg = 0.1, .raw = 1};
	t0 = r->now_ms;
	t = tick_until_fault(r, 3000);
	assert_true(t >= t0 + r->cfg.limits.sensor_stuck_ms - TICK_MS);
	assert_true(t <= t0 + r->cfg.limits.sensor_stuck_ms + TICK_MS);
	expect_locked_fault(r, FAULT_SENSOR_STALE, false);
	rig_free(r);
}

static void test_safety_pump_runtime(void **state)
{
	struct rig *r = rig_new(3, false); /* open loop: only the run-time check guards */
	uint64_t t0, t;

	(void)state;
	/* 3 zones x the compiled 1.8 s cap of an open-loop fill (3 s asked) */
	r->cfg.limits.pump_max_on_ms = 5000;
	rig_start(r, FIXTURE_GRADIENT);
	t0 = r->now_ms;
	t = tick_until_fault(r, 6000);
	assert_true(t > t0 + 5000);
	assert_true(t <= t0 + 5000 + TICK_MS);
	expect_locked_fault(r, FAULT_PUMP_RUNTIME, true);
	reset_ok(r, true);
	rig_free(r);
}

static void test_safety_hardware_failure(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_outputs o;

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	rig_run_ms(r, 400);
	station_hardware_failed(r->st, r->now_ms, &r->sink);
	station_current_outputs(r->st, &o);
	r->out = o;
	assert_true(venting(r));
	expect_locked_fault(r, FAULT_HARDWARE, true);
	reset_ok(r, true);
	rig_free(r);
}

static void test_safety_fault_during_screening_wipes(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_snapshot s;

	(void)state;
	rig_to_ready(r, FIXTURE_PULSE);
	station_raise_fault(r->st, FAULT_STOP_BUTTON, r->now_ms, &r->sink);
	expect_locked_fault(r, FAULT_STOP_BUTTON, false);
	reset_ok(r, false);
	station_snapshot(r->st, r->now_ms, &s);
	assert_int_equal(s.screening_index, 0);
	assert_int_equal(s.fault, FAULT_NONE);
	assert_string_equal(s.fault_message, "");
	rig_free(r);
}

/* The supervisor on its own: it judges outputs and readings, nothing else. */
static void test_safety_supervisor_is_independent(void **state)
{
	struct kiosk_config cfg;
	struct safety s;
	struct station_outputs pumping = {.pump_on = true, .exhaust_open = false, .zones_open = 1};
	struct safety_inputs in = {.pressure = {.status = PRESSURE_OK, .mmhg = 20.0},
	                           .safety = {.status = PRESSURE_ABSENT},
	                           .pump_sense = -1};
	struct pressure_reading *r = &in.pressure;
	uint64_t t = 0;
	enum fault_code f = FAULT_NONE;

	(void)state;
	fixture_config(&cfg, 1, 4, true);
	cfg.limits.max_fill_ms = 100000;
	safety_init(&s, true, false, t, &pumping);
	while (f == FAULT_NONE && t < 60000) {
		t += TICK_MS;
		r->mmhg += 0.05;
		r->raw++;
		f = safety_check(&s, &cfg.limits, t, &in, &pumping);
	}
	assert_int_equal(f, FAULT_PUMP_RUNTIME);
	assert_true(t > cfg.limits.pump_max_on_ms && t <= cfg.limits.pump_max_on_ms + TICK_MS);
	assert_true(safety_ceiling_mmhg(&cfg.limits) == 100.0);
	cfg.limits.ceiling_mmhg = 1000.0;
	assert_true(safety_ceiling_mmhg(&cfg.limits) == KIOSK_COMPILED_CEILING_MMHG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_safety_overpressure_vents_and_locks),
	    cmocka_unit_test(test_safety_overpressure_uses_compiled_ceiling),
	    cmocka_unit_test(test_safety_slow_fill_is_leak),
	    cmocka_unit_test(test_safety_disconnected_boot_is_leak),
	    cmocka_unit_test(test_safety_blocked_hose),
	    cmocka_unit_test(test_safety_noise_does_not_trip),
	    cmocka_unit_test(test_safety_boots_that_do_not_vent_are_named_and_locked),
	    cmocka_unit_test(test_safety_sensor_out_of_range),
	    cmocka_unit_test(test_safety_sensor_read_error),
	    cmocka_unit_test(test_safety_sensor_frozen_while_pumping),
	    cmocka_unit_test(test_safety_sensor_dead_no_conversion),
	    cmocka_unit_test(test_safety_pump_runtime),
	    cmocka_unit_test(test_safety_hardware_failure),
	    cmocka_unit_test(test_safety_fault_during_screening_wipes),
	    cmocka_unit_test(test_safety_supervisor_is_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

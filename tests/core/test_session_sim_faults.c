/* SPDX-License-Identifier: MIT */
/*
 * One test per fault on the boot physics model, through the real controller
 * and drivers in virtual time: the fault is injected with the simulator's
 * backdoors, every output pin is de-energised in the very tick the fault is
 * seen, and the station stays locked until a staff reset.  Also: stop and
 * the stop button vent at once, the pause limit ends a session.
 */
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
#include "sim_rig.h"
#include "vent_check.h"

static const struct sim_station_spec sim6 = {.zones = 6, .sensor = SENSOR_SIM};
static const struct sim_station_spec hx5 = {.zones = 5, .sensor = SENSOR_HX710B};

/* Step until the station faults; in that same tick it must already vent.
 * Returns the tick's time. */
static uint64_t step_until_fault(struct sim_rig *r, uint64_t max_ms)
{
	uint64_t end = r->now_ms + max_ms;

	while (sim_state(r, 0) != STATION_FAULT) {
		if (r->now_ms >= end)
			fail_msg("no fault within %llu ms", (unsigned long long)max_ms);
		/* Until then the station is not vented by a fault. */
		sim_step(r);
	}
	assert_true(sim_venting(r, 0));
	return r->now_ms;
}

static void expect_locked(struct sim_rig *r, enum fault_code code, bool had_session)
{
	struct station_snapshot s;
	const struct kiosk_event *ev = NULL;
	struct command c;

	sim_station(r, 0, &s);
	assert_int_equal(s.state, STATION_FAULT);
	assert_int_equal(s.fault, code);
	assert_string_equal(s.fault_message, fault_code_message(code));
	assert_int_equal(sim_count_events(r, 0, EVENT_FAULT_RAISED, &ev), 1);
	assert_int_equal(ev->fault, code);
	ev = NULL;
	sim_count_events(r, 0, EVENT_SESSION_STOPPED, &ev);
	if (had_session) {
		assert_non_null(ev);
		assert_int_equal(ev->reason, STOP_FAULT);
	}
	/* Locked: a new member cannot begin, staff cannot just resume. */
	c = sim_cmd(CMD_SELECT_PROGRAM, 0);
	sim_submit(r, &c);
	c = sim_cmd(CMD_START, 0);
	sim_submit(r, &c);
	c = sim_cmd(CMD_CLEANED, 0);
	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_SELECT_PROGRAM), CMD_ERR_BAD_STATE);
	assert_int_equal(sim_last_result(r, 0, CMD_START), CMD_ERR_BAD_STATE);
	assert_int_equal(sim_last_result(r, 0, CMD_CLEANED), CMD_ERR_BAD_STATE);
	/* Venting all along; within the longest (timed) vent every output is
	 * de-energised and stays so. */
	for (int i = 0; i < 250; i++) {
		sim_step(r);
		assert_int_equal(sim_state(r, 0), STATION_FAULT);
		assert_true(sim_venting(r, 0));
		if ((uint64_t)i * SIM_TICK_MS > SAFETY_OPEN_LOOP_VENT_MIN_MS + SIM_TICK_MS)
			assert_true(sim_outputs_safe(r, 0));
	}
}

/* Run until the station leaves VENTING (its verification) for want, within
 * max_ms; then every zone reads at or below the residual in truth, and the
 * snapshot says so. */
static void expect_verified_to(struct sim_rig *r, enum station_state want, uint64_t max_ms)
{
	uint64_t end = r->now_ms + max_ms;
	struct station_snapshot s;

	while (sim_state(r, 0) == STATION_VENTING) {
		assert_true(r->now_ms < end);
		sim_step(r);
	}
	sim_station(r, 0, &s);
	assert_int_equal(s.state, want);
	assert_true(s.zones_verified);
	for (size_t k = 0; k < s.zone_count; k++)
		assert_true(boot_sim_zone_mmhg(r->sim[0], k) <= r->cfg.limits.residual_mmhg);
	assert_true(sim_outputs_safe(r, 0));
}

/* A staff reset over MQTT.  When it works the station verifies every zone
 * first (VENTING); then a station whose boots were worn since the last
 * cleaning waits for cleaning; otherwise it is idle. */
static void reset_and_expect(struct sim_rig *r, enum command_status want, bool boots_used)
{
	struct command c = sim_cmd(CMD_RESET_FAULT, 0);

	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_RESET_FAULT), want);
	if (want != CMD_OK) {
		assert_int_equal(sim_state(r, 0), STATION_FAULT);
		return;
	}
	expect_verified_to(r, boots_used ? STATION_NEEDS_CLEANING : STATION_IDLE, 5000);
	if (boots_used) {
		c = sim_cmd(CMD_CLEANED, 0);
		sim_submit(r, &c);
		sim_step(r);
		assert_int_equal(sim_state(r, 0), STATION_IDLE);
	}
}

/* The way out after a sensor that cannot be trusted: the reset is taken,
 * the station goes out of service (never free), and staff bring it back
 * with IN_SERVICE once the sensor is repaired, which verifies every zone. */
static void reset_out_of_service(struct sim_rig *r)
{
	struct command c = sim_cmd(CMD_RESET_FAULT, 0);

	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_RESET_FAULT), CMD_OK);
	assert_int_equal(sim_state(r, 0), STATION_OUT_OF_SERVICE);
	assert_true(sim_outputs_safe(r, 0));
}

/* Step through the seal check to the first fill: the pump into a zone.
 * Returns the time of the tick that began it. */
static uint64_t step_to_first_fill(struct sim_rig *r)
{
	const struct station_pins *pins = &r->cfg.stations[0].pins;

	for (int i = 0; i < 50; i++) {
		struct station_outputs o = station_hw_outputs(r->hw[0]);

		if (o.pump_on && o.zones_open != 0 && sim_pin_level(r, &pins->pump) == 1)
			return r->now_ms;
		sim_step(r);
	}
	fail_msg("no fill after the seal check");
	return 0;
}

static void wait_phase(struct sim_rig *r, enum session_phase phase, uint64_t max_ms)
{
	uint64_t end = r->now_ms + max_ms;
	struct station_snapshot s;

	do {
		assert_true(r->now_ms < end);
		sim_step(r);
		sim_station(r, 0, &s);
		assert_int_equal(s.state, STATION_RUNNING);
	} while (s.phase != phase);
}

static void test_sim_overpressure_vents_and_locks(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	uint64_t injected;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	wait_phase(r, PHASE_REST, 120000);
	/* The reading jumps above the ceiling while the boots rest open to
	 * the exhaust (with every valve shut a rise is the relay's; a jump
	 * while filling, a kink's).  Vented and locked in that tick. */
	boot_sim_sensor_set_offset_mmhg(r->sim[0], BOOT_SIM_SENSOR_CONTROL, 104.0);
	injected = r->now_ms;
	assert_true(step_until_fault(r, 200) <= injected + SIM_TICK_MS);
	expect_locked(r, FAULT_OVERPRESSURE, true);
	boot_sim_sensor_set_offset_mmhg(r->sim[0], BOOT_SIM_SENSOR_CONTROL, 0.0);
	sim_step(r);
	reset_and_expect(r, CMD_OK, true);
	sim_rig_free(r);
}

static void test_sim_leak_times_out(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	uint64_t t0, t;
	struct station_snapshot s;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	/* A torn calf chamber: more air out than the pump can push in. */
	boot_sim_set_leak(r->sim[0], 1, 25.0);
	do {
		sim_step(r);
		sim_station(r, 0, &s);
	} while (s.active_zone != 1);
	t0 = r->now_ms - SIM_TICK_MS; /* the fill began in the tick before */
	t = step_until_fault(r, 20000);
	assert_true(t >= t0 + r->cfg.limits.max_fill_ms);
	assert_true(t <= t0 + r->cfg.limits.max_fill_ms + 2 * SIM_TICK_MS);
	expect_locked(r, FAULT_LEAK, true);
	reset_and_expect(r, CMD_OK, true);
	sim_rig_free(r);
}

static void test_sim_disconnected_boot_is_leak(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &hx5);
	uint64_t t0, t;

	(void)state;
	boot_sim_set_disconnected(r->sim[0], true);
	sim_start_session(r, 0, sim_program(r, "gentle"), 0);
	t0 = r->now_ms;
	t = step_until_fault(r, 10000);
	/* Caught by the no-rise check, long before max_fill_ms. */
	assert_true(t < t0 + SAFETY_NO_RISE_MS + 500);
	expect_locked(r, FAULT_LEAK, true);
	sim_rig_free(r);
}

/* SAFETY.md H1: a kinked hose is named for what it is, not "overpressure",
 * with either converter (the HX710B converts only every 100 ms). */
static void test_sim_blocked_hose(void **state)
{
	const struct sim_station_spec *spec[2] = {&sim6, &hx5};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct sim_rig *r = sim_rig_new(1, spec[i]);
		uint64_t t0, t;
		double worst = 0.0;

		sim_start_session(r, 0, sim_program(r, "pre_run"), 0);
		sim_run_ms(r, 500);
		wait_phase(r, PHASE_FILL, 20000);
		boot_sim_set_blocked(r->sim[0], true);
		t0 = r->now_ms;
		while (sim_state(r, 0) != STATION_FAULT) {
			assert_true(r->now_ms < t0 + 1000);
			sim_step(r);
			for (size_t k = 0; k < spec[i]->zones; k++) {
				if (boot_sim_zone_mmhg(r->sim[0], k) > worst)
					worst = boot_sim_zone_mmhg(r->sim[0], k);
			}
		}
		t = r->now_ms;
		assert_true(sim_venting(r, 0));
		/* Within a tick (a conversion for the HX710B) and two... */
		assert_true(t <= t0 + (spec[i]->sensor == SENSOR_HX710B ? 220u : 2u * SIM_TICK_MS));
		/* ...and no zone got near the ceiling: the kink cut them off. */
		assert_true(worst < r->cfg.limits.ceiling_mmhg);
		expect_locked(r, FAULT_BLOCKED_HOSE, true);
		sim_rig_free(r);
	}
}

/* SAFETY.md H6: an exhaust that does not open is found by what it does (the
 * reading does not fall with the exhaust open) and named; the boots stay
 * locked, and a reset is refused while they read pressurised. */
static void test_sim_exhaust_stuck_closed_is_named_and_locks(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	uint64_t stopped, t;
	struct command c;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	wait_phase(r, PHASE_HOLD, 60000);
	boot_sim_set_stuck_valve(r->sim[0], BOOT_SIM_EXHAUST, BOOT_SIM_VALVE_STUCK_CLOSED);
	c = sim_cmd(CMD_STOP, 0);
	sim_submit(r, &c);
	sim_step(r);
	stopped = r->now_ms;
	assert_int_equal(sim_state(r, 0), STATION_VENTING);
	t = step_until_fault(r, 10000);
	assert_true(t >= stopped + VENT_EXHAUST_CHECK_MS - SIM_TICK_MS);
	assert_true(t <= stopped + VENT_EXHAUST_CHECK_MS + 2u * SIM_TICK_MS);
	assert_int_equal(sim_pin_level(r, &r->cfg.stations[0].pins.exhaust), 0); /* open */
	expect_locked(r, FAULT_EXHAUST_STUCK, false);
	/* Staff cannot clear it while the boots are still pressurised. */
	reset_and_expect(r, CMD_ERR_PRESSURISED, true);
	boot_sim_set_stuck_valve(r->sim[0], BOOT_SIM_EXHAUST, BOOT_SIM_VALVE_WORKS);
	sim_run_ms(r, 3000);
	reset_and_expect(r, CMD_OK, true);
	sim_rig_free(r);
}

static void test_sim_sensor_dead(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	uint64_t t0;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 1000);
	boot_sim_set_sensor_dead(r->sim[0], true);
	t0 = r->now_ms;
	assert_true(step_until_fault(r, 200) <= t0 + SIM_TICK_MS);
	expect_locked(r, FAULT_SENSOR, true);
	sim_rig_free(r);

	/* An HX710B that never converts again: stale, then a fault. */
	r = sim_rig_new(1, &hx5);
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 1000);
	boot_sim_set_sensor_dead(r->sim[0], true);
	t0 = r->now_ms;
	/* The pump runs: stopped within the fixed staleness time. */
	assert_true(step_until_fault(r, 3000) <= t0 + SAFETY_STALE_PUMPING_MS + SIM_TICK_MS);
	expect_locked(r, FAULT_SENSOR_STALE, true);
	/* The way out: the reset is taken, the station is never free. */
	reset_out_of_service(r);
	sim_rig_free(r);
}

static void test_sim_sensor_frozen(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &hx5);
	uint64_t t0, t;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 300);
	boot_sim_set_sensor_stuck(r->sim[0], true);
	t0 = r->now_ms;
	t = step_until_fault(r, 3000);
	assert_true(t <= t0 + r->cfg.limits.sensor_stuck_ms + 200);
	expect_locked(r, FAULT_SENSOR_FROZEN, true);
	reset_out_of_service(r);
	sim_rig_free(r);
}

static void test_sim_sensor_out_of_range(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	uint64_t t0;

	(void)state;
	sim_run_ms(r, 200);
	boot_sim_set_sensor_bias_mmhg(r->sim[0], 400.0);
	t0 = r->now_ms;
	assert_true(step_until_fault(r, 200) <= t0 + SIM_TICK_MS);
	expect_locked(r, FAULT_SENSOR, false);
	/* Fixed: the staff reset works. */
	boot_sim_set_sensor_bias_mmhg(r->sim[0], 0.0);
	sim_step(r);
	reset_and_expect(r, CMD_OK, false);
	sim_run_ms(r, 1000);
	assert_int_equal(sim_state(r, 0), STATION_IDLE);
	sim_rig_free(r);
}

static void short_pump_limit(struct kiosk_config *cfg)
{
	cfg->limits.pump_max_on_ms = 6000;
}

static void test_sim_pump_runtime(void **state)
{
	struct sim_rig *r = sim_rig_new_with(1, &sim6, short_pump_limit);
	uint64_t t0, t;

	(void)state;
	/* Gradient hold runs the pump through all six fills without a break. */
	sim_start_session(r, 0, sim_program(r, "deep"), 0);
	t0 = step_to_first_fill(r);
	t = step_until_fault(r, 30000);
	assert_true(t > t0 + 6000);
	assert_true(t <= t0 + 6000 + 2 * SIM_TICK_MS);
	expect_locked(r, FAULT_PUMP_RUNTIME, true);
	sim_rig_free(r);
}

static void test_sim_hardware_write_failure(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	const struct station_pins *pins = &r->cfg.stations[0].pins;
	struct station_snapshot s;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	do {
		sim_step(r);
		sim_station(r, 0, &s);
	} while (s.active_zone != 2);
	/* Zone 3's valve driver dies: the next change of outputs fails. */
	assert_int_equal(gpio_sim_set_write_error(r->gpio, pins->zones[3].chip,
	                                          pins->zones[3].offset, 5 /* EIO */),
	                 0);
	while (sim_state(r, 0) != STATION_FAULT) {
		struct station_outputs o = station_hw_outputs(r->hw[0]);

		assert_true(r->now_ms < 200000);
		assert_true(o.pump_on);
		sim_step(r);
	}
	/* Everything that can still be driven is de-energised in that tick:
	 * pump off, exhaust open. */
	assert_int_equal(sim_pin_level(r, &pins->pump), 0);
	assert_int_equal(sim_pin_level(r, &pins->exhaust), 0);
	sim_station(r, 0, &s);
	assert_int_equal(s.fault, FAULT_HARDWARE);
	assert_int_equal(
	    gpio_sim_set_write_error(r->gpio, pins->zones[3].chip, pins->zones[3].offset, 0), 0);
	expect_locked(r, FAULT_HARDWARE, true);
	sim_rig_free(r);
}

/* The pump's driver dies while the pump runs: the station faults, but the
 * pump line keeps its energised level.  A staff reset must not free the
 * station while the safe state has not taken; once the line can be written
 * again the next tick drives it off and the reset works. */
static void test_sim_reset_refused_while_safe_state_fails(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	const struct station_pins *pins = &r->cfg.stations[0].pins;
	struct station_snapshot s;
	const struct kiosk_event *ev = NULL;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	step_to_first_fill(r);
	assert_int_equal(sim_pin_level(r, &pins->pump), 1);
	assert_int_equal(
	    gpio_sim_set_write_error(r->gpio, pins->pump.chip, pins->pump.offset, 5 /* EIO */), 0);
	/* The next change of outputs fails; the station faults... */
	while (sim_state(r, 0) != STATION_FAULT) {
		assert_true(r->now_ms < 200000);
		sim_step(r);
	}
	sim_station(r, 0, &s);
	assert_int_equal(s.fault, FAULT_HARDWARE);
	/* ...but the pump cannot be switched off. */
	assert_int_equal(sim_pin_level(r, &pins->pump), 1);
	assert_int_equal(sim_pin_level(r, &pins->exhaust), 0);

	/* Long after the vent time, a reset is still refused, from the kiosk
	 * and over MQTT, with a status that says why. */
	sim_run_ms(r, r->cfg.limits.vent_ms + 2000);
	reset_and_expect(r, CMD_ERR_HARDWARE, true);
	assert_int_equal(sim_pin_level(r, &pins->pump), 1);
	{
		struct command c = sim_cmd(CMD_RESET_FAULT, 0);

		sim_submit(r, &c);
		sim_step(r);
		assert_int_equal(sim_last_result(r, 0, CMD_RESET_FAULT), CMD_ERR_HARDWARE);
		assert_int_equal(sim_state(r, 0), STATION_FAULT);
	}
	assert_int_equal(sim_count_events(r, 0, EVENT_FAULT_RESET, NULL), 0);
	assert_string_equal(command_status_name(CMD_ERR_HARDWARE), "hardware_unsafe");
	assert_non_null(strstr(command_status_message(CMD_ERR_HARDWARE), "wiring"));

	/* The wiring is fixed: the next tick takes the safe state... */
	assert_int_equal(gpio_sim_set_write_error(r->gpio, pins->pump.chip, pins->pump.offset, 0),
	                 0);
	sim_step(r);
	assert_true(sim_outputs_safe(r, 0));
	assert_int_equal(sim_state(r, 0), STATION_FAULT);
	/* ...and once the boots are down the reset is accepted. */
	sim_run_ms(r, r->cfg.limits.vent_ms);
	reset_and_expect(r, CMD_OK, true);
	assert_true(sim_outputs_safe(r, 0));
	assert_int_equal(sim_count_events(r, 0, EVENT_FAULT_RESET, &ev), 1);
	assert_int_equal(ev->fault, FAULT_HARDWARE);
	sim_rig_free(r);
}

static void test_sim_stop_vents_in_the_same_step(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	struct command c;
	const struct kiosk_event *ev = NULL;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 2000);
	assert_false(sim_outputs_safe(r, 0));
	c = sim_cmd(CMD_STOP, 0);
	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_true(sim_venting(r, 0));
	assert_int_equal(sim_state(r, 0), STATION_VENTING);
	assert_int_equal(sim_count_events(r, 0, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_STAFF);
	/* Free only once every zone was read down and flushed. */
	sim_run_ms(r, r->cfg.limits.vent_ms + VENT_FLUSH_MS);
	assert_int_equal(sim_state(r, 0), STATION_NEEDS_CLEANING);
	for (size_t k = 0; k < 6; k++)
		assert_true(boot_sim_zone_mmhg(r->sim[0], k) < r->cfg.limits.residual_mmhg);
	sim_rig_free(r);
}

static void test_sim_pause_limit(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim6);
	struct command c;
	const struct kiosk_event *ev = NULL;
	uint64_t paused;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "gentle"), 0);
	sim_run_ms(r, 4000);
	c = sim_cmd(CMD_PAUSE, 0);
	sim_submit(r, &c);
	sim_step(r);
	paused = r->now_ms;
	assert_int_equal(sim_state(r, 0), STATION_PAUSED);
	assert_true(sim_venting(r, 0));
	while (sim_state(r, 0) == STATION_PAUSED)
		sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_VENTING);
	assert_true(r->now_ms - paused >= r->cfg.limits.max_pause_s * 1000u);
	assert_true(r->now_ms - paused <= r->cfg.limits.max_pause_s * 1000u + SIM_TICK_MS);
	assert_int_equal(sim_count_events(r, 0, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_PAUSE_LIMIT);
	sim_rig_free(r);
}

static void test_sim_stop_button(void **state)
{
	struct sim_rig *r = sim_rig_new_with(1, &sim6, sim_with_stop_button);
	const struct kiosk_event *ev = NULL;

	(void)state;
	sim_run_ms(r, 1200);
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 2000);
	assert_int_equal(gpio_sim_set_input(r->gpio, "gpiochip0", SIM_STOP_BUTTON_LINE, 1), 0);
	sim_step(r);
	sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_VENTING);
	assert_true(sim_venting(r, 0));
	assert_int_equal(sim_count_events(r, 0, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_BUTTON);
	sim_rig_free(r);

	/* Pressed from the start: an open normally-closed circuit. */
	r = sim_rig_new_with(1, &sim6, sim_with_stop_button);
	assert_int_equal(gpio_sim_set_input(r->gpio, "gpiochip0", SIM_STOP_BUTTON_LINE, 1), 0);
	step_until_fault(r, 200);
	expect_locked(r, FAULT_STOP_BUTTON, false);
	/* A reset while the circuit is still open is refused... */
	reset_and_expect(r, CMD_ERR_BAD_STATE, false);
	sim_run_ms(r, 200);
	assert_int_equal(sim_state(r, 0), STATION_FAULT);
	/* ...and works once the wiring is fixed. */
	assert_int_equal(gpio_sim_set_input(r->gpio, "gpiochip0", SIM_STOP_BUTTON_LINE, 0), 0);
	sim_run_ms(r, 100);
	reset_and_expect(r, CMD_OK, false);
	sim_rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sim_overpressure_vents_and_locks),
	    cmocka_unit_test(test_sim_leak_times_out),
	    cmocka_unit_test(test_sim_disconnected_boot_is_leak),
	    cmocka_unit_test(test_sim_blocked_hose),
	    cmocka_unit_test(test_sim_exhaust_stuck_closed_is_named_and_locks),
	    cmocka_unit_test(test_sim_sensor_dead),
	    cmocka_unit_test(test_sim_sensor_frozen),
	    cmocka_unit_test(test_sim_sensor_out_of_range),
	    cmocka_unit_test(test_sim_pump_runtime),
	    cmocka_unit_test(test_sim_hardware_write_failure),
	    cmocka_unit_test(test_sim_reset_refused_while_safe_state_fails),
	    cmocka_unit_test(test_sim_stop_vents_in_the_same_step),
	    cmocka_unit_test(test_sim_pause_limit),
	    cmocka_unit_test(test_sim_stop_button),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

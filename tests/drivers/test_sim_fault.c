/* SPDX-License-Identifier: MIT */
/*
 * The faults kiosk.conf can give a simulated boot from the start
 * (sim_fault = ..., drivers/sim/sim_fault.h), on a station built as
 * kiosk/main.c builds it in --sim: the names, and that each one changes the
 * physics the way the fault it stands for does (the truth, not a reading).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/sim/sim_fault.h"
#include "drivers/sim/sim_hw.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

#define TICK_MS 20u

struct rig {
	struct sim_hw *simhw;
	struct boot_sim *sim;
	struct station_hw *hw;
	uint64_t now_ms;
};

static void rig_init(struct rig *r, enum sim_fault fault)
{
	struct station_pins pins = test_station_pins(4, SENSOR_SIM);
	char err[256] = "";
	struct pressure_reading p;

	memset(r, 0, sizeof(*r));
	r->simhw = sim_hw_create();
	assert_non_null(r->simhw);
	assert_int_equal(sim_hw_add_station(r->simhw, &pins, NULL, err, sizeof(err)), 0);
	r->sim = sim_hw_boot(r->simhw, 0);
	sim_fault_apply(r->sim, fault);
	r->hw = station_hw_create_with(sim_hw_gpio(r->simhw), sim_hw_sensors(r->simhw), "station 1",
	                               &pins, err, sizeof(err));
	if (!r->hw)
		fail_msg("station_hw_create_with: %s", err);
	r->now_ms = 1000;
	assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &p), 0);
}

static void rig_free(struct rig *r)
{
	station_hw_destroy(r->hw);
	sim_hw_destroy(r->simhw);
}

/* Pump on into zone 0 for ms; the highest true zone-0 pressure. */
static double fill_zone0(struct rig *r, uint64_t ms)
{
	struct station_outputs o = {.pump_on = true, .exhaust_open = false, .zones_open = 0x1};
	struct pressure_reading p;
	double peak = 0.0;

	assert_int_equal(station_hw_apply(r->hw, &o), 0);
	for (uint64_t t = 0; t < ms; t += TICK_MS) {
		r->now_ms += TICK_MS;
		assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &p), 0);
		double z = boot_sim_zone_mmhg(r->sim, 0);
		peak = z > peak ? z : peak;
	}
	return peak;
}

static void test_sim_fault_names_parse_and_unknown_ones_are_refused(void **state)
{
	enum sim_fault f = SIM_FAULT_COUNT;

	(void)state;
	for (int i = 0; i < SIM_FAULT_COUNT; i++) {
		assert_int_equal(sim_fault_parse(sim_fault_name((enum sim_fault)i), &f), 0);
		assert_int_equal(f, i);
	}
	assert_int_equal(sim_fault_parse("gremlins", &f), -EINVAL);
	assert_int_equal(sim_fault_parse("", &f), -EINVAL);
	assert_int_equal(sim_fault_parse(NULL, &f), -EINVAL);
	assert_non_null(strstr(sim_fault_choices(), "leak"));
}

static void test_sim_fault_none_fills_a_zone_past_50_mmhg_in_5_s(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, SIM_FAULT_NONE);
	assert_true(fill_zone0(&r, 5000) > 50.0);
	rig_free(&r);
}

static void test_sim_fault_leak_keeps_a_zone_below_50_mmhg_for_15_s(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, SIM_FAULT_LEAK);
	double peak = fill_zone0(&r, 15000);
	assert_true(peak < 50.0);
	assert_true(peak > 5.0); /* it fills, only not enough */
	rig_free(&r);
}

static void test_sim_fault_disconnected_boot_never_fills(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, SIM_FAULT_DISCONNECTED);
	assert_true(fill_zone0(&r, 5000) < 2.0);
	rig_free(&r);
}

static void test_sim_fault_blocked_hose_climbs_the_manifold_and_not_the_zone(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, SIM_FAULT_BLOCKED);
	double zone = fill_zone0(&r, 200);
	assert_true(boot_sim_manifold_mmhg(r.sim) > 100.0);
	assert_true(zone < 2.0);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sim_fault_names_parse_and_unknown_ones_are_refused),
	    cmocka_unit_test(test_sim_fault_none_fills_a_zone_past_50_mmhg_in_5_s),
	    cmocka_unit_test(test_sim_fault_leak_keeps_a_zone_below_50_mmhg_for_15_s),
	    cmocka_unit_test(test_sim_fault_disconnected_boot_never_fills),
	    cmocka_unit_test(test_sim_fault_blocked_hose_climbs_the_manifold_and_not_the_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The simulator's single-fault backdoors, on a station built the way
 * kiosk/main.c builds it in --sim (sim_hw + station_hw_create_with): each
 * sensor fault shows on the channel it was injected on and on no other, the
 * truth keeps reporting the real pressures, pump and valve faults change the
 * physics, and the probe outputs read one zone through the manifold.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

#define TICK_MS 20u

struct rig {
	struct sim_hw *simhw;
	struct boot_sim *sim;
	struct station_hw *hw;
	struct station_pins pins;
	uint64_t now_ms;
	struct pressure_reading control;
	struct pressure_reading safety;
};

/* 4 zones; control channel as given; a safety channel as given (an HX710B
 * on lines 20/21 with its own calibration); a pump sense input on line 12. */
static struct rig *rig_new(enum sensor_kind control, enum sensor_kind safety)
{
	struct rig *r = test_calloc(1, sizeof(*r));
	char err[256] = "";

	r->pins = test_station_pins(4, control);
	r->pins.safety_sensor = safety;
	test_pin(&r->pins.safety_clock, "gpiochip0", 20, false);
	test_pin(&r->pins.safety_data, "gpiochip0", 21, false);
	r->pins.safety_offset_counts = -300000;
	r->pins.safety_mmhg_per_count = 0.0005;
	r->pins.has_pump_sense = true;
	test_pin(&r->pins.pump_sense, "gpiochip0", 12, false);
	r->pins.pump_sense_bias = GPIO_BIAS_PULL_DOWN;
	r->simhw = sim_hw_create();
	assert_non_null(r->simhw);
	assert_int_equal(sim_hw_add_station(r->simhw, &r->pins, NULL, err, sizeof(err)), 0);
	r->sim = sim_hw_boot(r->simhw, 0);
	r->hw = station_hw_create_with(sim_hw_gpio(r->simhw), sim_hw_sensors(r->simhw), "station 1",
	                               &r->pins, err, sizeof(err));
	if (!r->hw)
		fail_msg("station_hw_create_with: %s", err);
	r->now_ms = 1000;
	assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &r->control), 0);
	return r;
}

static void rig_free(struct rig *r)
{
	station_hw_destroy(r->hw);
	sim_hw_destroy(r->simhw);
	test_free(r);
}

static int teardown(void **state)
{
	rig_free(*state);
	return 0;
}

static int setup_sim_sim(void **state)
{
	*state = rig_new(SENSOR_SIM, SENSOR_SIM);
	return 0;
}

static int setup_hx_hx(void **state)
{
	*state = rig_new(SENSOR_HX710B, SENSOR_HX710B);
	return 0;
}

/* One control-loop tick: both channels read at the same time. */
static void tick(struct rig *r)
{
	r->now_ms += TICK_MS;
	assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &r->control), 0);
	assert_int_equal(station_hw_read_safety_pressure(r->hw, r->now_ms, &r->safety), 0);
}

static void run_ms(struct rig *r, uint64_t ms)
{
	for (uint64_t t = 0; t < ms; t += TICK_MS)
		tick(r);
}

static void apply(struct rig *r, bool pump, bool exhaust_open, uint8_t zones)
{
	struct station_outputs o = {
	    .pump_on = pump, .exhaust_open = exhaust_open, .zones_open = zones};

	assert_int_equal(station_hw_apply(r->hw, &o), 0);
}

/* Fill zone 0 until the truth reaches mmhg, then hold. */
static void fill_to(struct rig *r, double mmhg)
{
	apply(r, true, false, 0x1);
	for (int i = 0; i < 1000 && boot_sim_manifold_mmhg(r->sim) < mmhg; i++)
		tick(r);
	assert_true(boot_sim_manifold_mmhg(r->sim) >= mmhg);
	apply(r, false, false, 0x1);
	run_ms(r, 200);
}

static void test_sim_sensor_gain_error_reads_a_fraction_of_the_truth(void **state)
{
	struct rig *r = *state;

	boot_sim_sensor_set_gain(r->sim, BOOT_SIM_SENSOR_CONTROL, 0.6);
	fill_to(r, 50.0);
	assert_int_equal(r->control.status, PRESSURE_OK);
	assert_true(fabs(r->control.mmhg - 0.6 * boot_sim_manifold_mmhg(r->sim)) < 1.5);
	assert_true(fabs(r->safety.mmhg - boot_sim_manifold_mmhg(r->sim)) < 1.5);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) > 49.0); /* the truth is the truth */
}

static void test_sim_sensor_offset_drift_shifts_every_reading(void **state)
{
	struct rig *r = *state;

	boot_sim_sensor_set_offset_mmhg(r->sim, BOOT_SIM_SENSOR_SAFETY, -19.0);
	run_ms(r, 100);
	assert_true(fabs(r->safety.mmhg + 19.0) < 1.5);
	assert_true(fabs(r->control.mmhg) < 1.5);
	fill_to(r, 40.0);
	assert_true(fabs(r->safety.mmhg - (boot_sim_manifold_mmhg(r->sim) - 19.0)) < 1.5);
	assert_true(fabs(r->control.mmhg - boot_sim_manifold_mmhg(r->sim)) < 1.5);
}

static double spread(struct boot_sim *sim, enum boot_sim_sensor ch, int n)
{
	struct pressure_reading rd;
	double sum = 0, sq = 0;

	for (int i = 0; i < n; i++) {
		assert_int_equal(boot_sim_read_sensor_channel(sim, ch, &rd), 0);
		sum += rd.mmhg;
		sq += rd.mmhg * rd.mmhg;
	}
	sum /= n;
	return sqrt(sq / n - sum * sum);
}

static void test_sim_sensor_noise_widens_one_channel_only(void **state)
{
	struct rig *r = *state;
	double loud, quiet;

	boot_sim_set_manifold_mmhg(r->sim, 30.0);
	boot_sim_sensor_set_noise_mmhg(r->sim, BOOT_SIM_SENSOR_CONTROL, 5.0);
	loud = spread(r->sim, BOOT_SIM_SENSOR_CONTROL, 4000);
	quiet = spread(r->sim, BOOT_SIM_SENSOR_SAFETY, 4000);
	print_message("noise: control sd %.2f mmHg, safety sd %.2f mmHg\n", loud, quiet);
	assert_true(loud > 4.5 && loud < 5.5);
	assert_true(quiet > 0.25 && quiet < 0.35);
	boot_sim_sensor_set_noise_mmhg(r->sim, BOOT_SIM_SENSOR_CONTROL, 0.0);
	assert_true(spread(r->sim, BOOT_SIM_SENSOR_CONTROL, 100) < 1e-3);
}

static void test_sim_sensor_frozen_at_a_plausible_value_stays_fresh(void **state)
{
	struct rig *r = *state;

	boot_sim_sensor_freeze_at(r->sim, BOOT_SIM_SENSOR_CONTROL, 30.0);
	apply(r, true, false, 0x1);
	for (int i = 0; i < 150; i++) { /* 3 s of pumping */
		tick(r);
		assert_int_equal(r->control.status, PRESSURE_OK);
		assert_true(fabs(r->control.mmhg - 30.0) < 0.01);
	}
	assert_true(boot_sim_manifold_mmhg(r->sim) > 40.0);
	assert_true(fabs(r->safety.mmhg - boot_sim_manifold_mmhg(r->sim)) < 1.5);
	boot_sim_sensor_set_frozen(r->sim, BOOT_SIM_SENSOR_CONTROL, false);
	tick(r);
	assert_true(fabs(r->control.mmhg - boot_sim_manifold_mmhg(r->sim)) < 1.5);
}

static void test_sim_sensor_stale_repeats_the_last_value_as_stale(void **state)
{
	struct rig *r = *state;
	struct pressure_reading last;

	apply(r, true, false, 0x1);
	run_ms(r, 500);
	last = r->control;
	boot_sim_sensor_set_stale(r->sim, BOOT_SIM_SENSOR_CONTROL, true);
	for (int i = 0; i < 50; i++) {
		tick(r);
		assert_int_equal(r->control.status, PRESSURE_STALE);
		assert_true(r->control.mmhg == last.mmhg);
		assert_int_equal(r->safety.status, PRESSURE_OK);
	}
	assert_true(boot_sim_manifold_mmhg(r->sim) > last.mmhg + 10.0);
	boot_sim_sensor_set_stale(r->sim, BOOT_SIM_SENSOR_CONTROL, false);
	tick(r);
	assert_int_equal(r->control.status, PRESSURE_OK);
}

static void test_sim_sensor_dead_reads_error_on_its_channel(void **state)
{
	struct rig *r = *state;

	boot_sim_sensor_set_dead(r->sim, BOOT_SIM_SENSOR_SAFETY, true);
	tick(r);
	assert_int_equal(r->safety.status, PRESSURE_ERROR);
	assert_int_equal(r->control.status, PRESSURE_OK);
	boot_sim_sensor_set_dead(r->sim, BOOT_SIM_SENSOR_SAFETY, false);
	tick(r);
	assert_int_equal(r->safety.status, PRESSURE_OK);
}

/* ---- HX710B on both channels -------------------------------------------- */

static void test_sim_hx710b_safety_chip_reads_the_manifold_with_its_calibration(void **state)
{
	struct rig *r = *state;
	int fresh = 0;

	assert_true(station_hw_has_safety_sensor(r->hw));
	apply(r, true, false, 0x1);
	for (int i = 0; i < 100; i++) {
		tick(r);
		if (r->safety.status != PRESSURE_OK)
			continue;
		fresh++;
		/* A conversion is up to one tick old. */
		assert_true(fabs(r->safety.mmhg - boot_sim_manifold_mmhg(r->sim)) < 2.0);
	}
	assert_in_range(fresh, 19, 21); /* 10 Hz */
	/* Its own chip: another zero and scale, so another raw code. */
	assert_true(r->safety.raw < 0);
	assert_true(r->control.raw > 0);
}

static void test_sim_hx710b_stale_chip_never_converts_again(void **state)
{
	struct rig *r = *state;
	struct pressure_reading last = {0};
	int fresh = 0;

	apply(r, true, false, 0x1);
	run_ms(r, 300);
	boot_sim_sensor_set_stale(r->sim, BOOT_SIM_SENSOR_CONTROL, true);
	tick(r); /* a word may still be waiting: the chip stops after it */
	last = r->control;
	for (int i = 0; i < 100; i++) {
		tick(r);
		assert_int_equal(r->control.status, PRESSURE_STALE);
		assert_true(r->control.mmhg == last.mmhg);
		if (r->safety.status == PRESSURE_OK)
			fresh++;
	}
	assert_true(fresh >= 19); /* the other chip keeps converting */
	assert_true(boot_sim_manifold_mmhg(r->sim) > last.mmhg + 10.0);
	boot_sim_sensor_set_stale(r->sim, BOOT_SIM_SENSOR_CONTROL, false);
	for (int i = 0; i < 10 && r->control.status != PRESSURE_OK; i++)
		tick(r);
	assert_int_equal(r->control.status, PRESSURE_OK);
}

static void test_sim_hx710b_gain_and_frozen_reach_the_chip(void **state)
{
	struct rig *r = *state;
	int32_t frozen_raw = 0;

	boot_sim_sensor_set_gain(r->sim, BOOT_SIM_SENSOR_SAFETY, 0.5);
	fill_to(r, 40.0);
	assert_true(fabs(r->safety.mmhg - 0.5 * boot_sim_manifold_mmhg(r->sim)) < 1.5);
	boot_sim_sensor_set_frozen(r->sim, BOOT_SIM_SENSOR_CONTROL, true);
	apply(r, true, false, 0x1);
	for (int i = 0; i < 100; i++) {
		tick(r);
		if (r->control.status != PRESSURE_OK)
			continue;
		if (!frozen_raw)
			frozen_raw = r->control.raw;
		assert_int_equal(r->control.raw, frozen_raw);
	}
	assert_true(frozen_raw != 0);
}

/* ---- pump, valves, zones ------------------------------------------------- */

static void test_sim_welded_pump_relay_runs_with_its_output_off(void **state)
{
	struct rig *r = *state;
	bool running = false;

	boot_sim_set_pump(r->sim, BOOT_SIM_PUMP_WELDED);
	apply(r, false, false, 0x1); /* pump commanded off, exhaust shut */
	run_ms(r, 1000);
	assert_true(boot_sim_manifold_mmhg(r->sim) > 10.0);
	assert_true(boot_sim_pump_running(r->sim));
	assert_int_equal(station_hw_read_pump_sense(r->hw, &running), 0);
	assert_true(running);
	/* Every output de-energised: the open exhaust keeps it near zero. */
	assert_int_equal(station_hw_safe(r->hw), 0);
	run_ms(r, 3000);
	print_message("welded pump, safe state: zone 1 at %.2f mmHg, manifold %.2f\n",
	              boot_sim_zone_mmhg(r->sim, 0), boot_sim_manifold_mmhg(r->sim));
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 3.0);
	assert_true(boot_sim_pump_running(r->sim));
}

static void test_sim_dead_pump_never_runs(void **state)
{
	struct rig *r = *state;
	bool running = true;

	boot_sim_set_pump(r->sim, BOOT_SIM_PUMP_DEAD);
	apply(r, true, false, 0x1);
	run_ms(r, 1000);
	assert_true(boot_sim_manifold_mmhg(r->sim) < 0.01);
	assert_int_equal(station_hw_read_pump_sense(r->hw, &running), 0);
	assert_false(running);
}

static void test_sim_pump_sense_follows_the_pump(void **state)
{
	struct rig *r = *state;
	bool running = true;

	assert_int_equal(station_hw_read_pump_sense(r->hw, &running), 0);
	assert_false(running);
	apply(r, true, false, 0x1);
	assert_int_equal(station_hw_read_pump_sense(r->hw, &running), 0);
	assert_true(running);
	apply(r, false, false, 0x1);
	assert_int_equal(station_hw_read_pump_sense(r->hw, &running), 0);
	assert_false(running);
}

static void test_sim_zone_valve_stuck_open_fills_with_its_neighbour(void **state)
{
	struct rig *r = *state;

	boot_sim_set_stuck_valve(r->sim, 2, BOOT_SIM_VALVE_STUCK_OPEN);
	fill_to(r, 30.0);
	assert_true(boot_sim_zone_mmhg(r->sim, 2) > 20.0);
	assert_true(boot_sim_zone_mmhg(r->sim, 1) < 0.01);
}

static void test_sim_probe_reads_one_zone_through_the_manifold(void **state)
{
	struct rig *r = *state;
	static const double zone[4] = {40.0, 20.0, 0.0, 30.0};
	struct station_outputs probe;

	boot_sim_sensor_set_noise_mmhg(r->sim, BOOT_SIM_SENSOR_CONTROL, 0.0);
	for (size_t k = 0; k < 4; k++) {
		for (size_t j = 0; j < 4; j++)
			boot_sim_set_zone_mmhg(r->sim, j, zone[j]);
		boot_sim_set_manifold_mmhg(r->sim, 0.0);
		probe = station_outputs_probe(k);
		assert_false(probe.pump_on);
		assert_false(probe.exhaust_open);
		assert_int_equal(probe.zones_open, 1u << k);
		assert_int_equal(station_hw_apply(r->hw, &probe), 0);
		run_ms(r, 160);
		print_message("probe zone %zu: truth %.2f, read %.2f mmHg\n", k + 1,
		              boot_sim_zone_mmhg(r->sim, k), r->control.mmhg);
		assert_true(fabs(r->control.mmhg - boot_sim_zone_mmhg(r->sim, k)) < 0.5);
		/* The probe costs the zone about one percent of its pressure. */
		assert_true(boot_sim_zone_mmhg(r->sim, k) >= 0.97 * zone[k]);
	}
}

static void test_sim_probe_cannot_see_a_zone_stuck_closed(void **state)
{
	struct rig *r = *state;

	boot_sim_set_zone_mmhg(r->sim, 1, 40.0);
	boot_sim_set_stuck_valve(r->sim, 1, BOOT_SIM_VALVE_STUCK_CLOSED);
	struct station_outputs probe = station_outputs_probe(1);
	assert_int_equal(station_hw_apply(r->hw, &probe), 0);
	run_ms(r, 160);
	assert_true(r->control.mmhg < 2.0);
	assert_true(boot_sim_zone_mmhg(r->sim, 1) > 39.0);
}

/* ---- the assembly -------------------------------------------------------- */

static void test_sim_hw_refuses_a_shared_pump_and_too_many_stations(void **state)
{
	struct sim_hw *sim = sim_hw_create();
	struct station_pins p = test_station_pins(2, SENSOR_SIM);
	char err[256];

	(void)state;
	assert_int_equal(sim_hw_add_station(sim, &p, NULL, err, sizeof(err)), 0);
	assert_int_equal(sim_hw_add_station(sim, &p, NULL, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "station 2"));
	for (unsigned int i = 1; i < SIM_HW_MAX_STATIONS; i++) {
		test_pin(&p.pump, "gpiochip1", i, false);
		assert_int_equal(sim_hw_add_station(sim, &p, NULL, err, sizeof(err)), (int)i);
	}
	test_pin(&p.pump, "gpiochip1", 40, false);
	assert_int_equal(sim_hw_add_station(sim, &p, NULL, err, sizeof(err)), -ENOSPC);
	assert_int_equal(sim_hw_station_count(sim), SIM_HW_MAX_STATIONS);
	assert_null(sim_hw_boot(sim, SIM_HW_MAX_STATIONS));
	sim_hw_destroy(sim);
	sim_hw_destroy(NULL);
}

static void test_sim_station_without_safety_sensor_reads_it_absent(void **state)
{
	struct rig *r = rig_new(SENSOR_SIM, SENSOR_NONE);
	struct pressure_reading rd = {.status = PRESSURE_OK};

	(void)state;
	assert_false(station_hw_has_safety_sensor(r->hw));
	assert_int_equal(station_hw_read_safety_pressure(r->hw, 2000, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ABSENT);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define S(fn) cmocka_unit_test_setup_teardown(fn, setup_sim_sim, teardown)
#define H(fn) cmocka_unit_test_setup_teardown(fn, setup_hx_hx, teardown)
	    S(test_sim_sensor_gain_error_reads_a_fraction_of_the_truth),
	    S(test_sim_sensor_offset_drift_shifts_every_reading),
	    S(test_sim_sensor_noise_widens_one_channel_only),
	    S(test_sim_sensor_frozen_at_a_plausible_value_stays_fresh),
	    S(test_sim_sensor_stale_repeats_the_last_value_as_stale),
	    S(test_sim_sensor_dead_reads_error_on_its_channel),
	    H(test_sim_hx710b_safety_chip_reads_the_manifold_with_its_calibration),
	    H(test_sim_hx710b_stale_chip_never_converts_again),
	    H(test_sim_hx710b_gain_and_frozen_reach_the_chip),
	    S(test_sim_welded_pump_relay_runs_with_its_output_off),
	    S(test_sim_dead_pump_never_runs),
	    S(test_sim_pump_sense_follows_the_pump),
	    S(test_sim_zone_valve_stuck_open_fills_with_its_neighbour),
	    S(test_sim_probe_reads_one_zone_through_the_manifold),
	    S(test_sim_probe_cannot_see_a_zone_stuck_closed),
#undef S
#undef H
	    cmocka_unit_test(test_sim_hw_refuses_a_shared_pump_and_too_many_stations),
	    cmocka_unit_test(test_sim_station_without_safety_sensor_reads_it_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

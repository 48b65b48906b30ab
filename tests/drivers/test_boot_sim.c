/* SPDX-License-Identifier: MIT */
/* The boot physics model, driven through station_hw on the simulated GPIO
 * exactly as the control loop drives it: outputs, then a read every 20 ms. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
#include "drivers/sim/sim_sensor.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

#define TICK_MS 20u

struct rig {
	struct gpio *gpio;
	struct boot_sim *sim;
	struct station_hw *hw;
	struct station_pins pins;
	uint64_t now_ms;
	struct pressure_reading last;
};

static int rig_setup(void **state)
{
	struct rig *r = test_calloc(1, sizeof(*r));
	char err[256];

	r->pins = test_station_pins(6, SENSOR_SIM);
	r->gpio = gpio_sim_create();
	assert_non_null(r->gpio);
	r->sim = boot_sim_create(r->gpio, &r->pins, NULL);
	assert_non_null(r->sim);
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);
	r->hw = station_hw_create_with(r->gpio, &sensors, "station 1", &r->pins, err, sizeof(err));
	assert_non_null(r->hw);
	r->now_ms = 1000;
	assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &r->last), 0);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	station_hw_destroy(r->hw);
	boot_sim_destroy(r->sim);
	gpio_destroy(r->gpio);
	test_free(r);
	return 0;
}

static void tick(struct rig *r)
{
	r->now_ms += TICK_MS;
	assert_int_equal(station_hw_read_pressure(r->hw, r->now_ms, &r->last), 0);
}

static void fill_zone(struct rig *r, size_t zone)
{
	struct station_outputs o = {
	    .pump_on = true, .exhaust_open = false, .zones_open = (uint8_t)(1u << zone)};
	assert_int_equal(station_hw_apply(r->hw, &o), 0);
}

static void hold_all(struct rig *r)
{
	struct station_outputs o = {.pump_on = false, .exhaust_open = false, .zones_open = 0};
	assert_int_equal(station_hw_apply(r->hw, &o), 0);
}

/* Ticks until the manifold (truth) reaches mmhg, or 0 after limit_ms. */
static uint64_t ms_to_reach(struct rig *r, double mmhg, uint64_t limit_ms)
{
	uint64_t start = r->now_ms;

	while (r->now_ms - start < limit_ms) {
		tick(r);
		if (boot_sim_manifold_mmhg(r->sim) >= mmhg)
			return r->now_ms - start;
	}
	return 0;
}

static void pressurise_zone(struct rig *r, size_t zone, double mmhg)
{
	fill_zone(r, zone);
	assert_true(ms_to_reach(r, mmhg, 20000) > 0);
	hold_all(r);
}

static void test_boot_sim_fills_zone_to_60_in_plausible_time(void **state)
{
	struct rig *r = *state;
	uint64_t t40, t60;

	fill_zone(r, 0);
	t40 = ms_to_reach(r, 40.0, 20000);
	t60 = t40 + ms_to_reach(r, 60.0, 20000);
	print_message("fill 0->40 mmHg %llu ms, 0->60 mmHg %llu ms\n", (unsigned long long)t40,
	              (unsigned long long)t60);
	assert_in_range(t40, 1500, 4000);
	assert_in_range(t60, 2000, 6000);
	/* The open zone follows the manifold; the closed ones stay empty. */
	assert_true(fabs(boot_sim_zone_mmhg(r->sim, 0) - boot_sim_manifold_mmhg(r->sim)) < 1.0);
	for (size_t k = 1; k < 6; k++)
		assert_true(boot_sim_zone_mmhg(r->sim, k) < 0.01);
	/* The sensor reads the manifold, within its noise. */
	assert_int_equal(r->last.status, PRESSURE_OK);
	assert_true(fabs(r->last.mmhg - boot_sim_manifold_mmhg(r->sim)) < 1.5);
}

static void test_boot_sim_closed_zone_holds_its_pressure(void **state)
{
	struct rig *r = *state;

	pressurise_zone(r, 0, 60.0);
	for (int i = 0; i < 500; i++) /* 10 s */
		tick(r);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) > 58.0);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 61.0);
}

static void test_boot_sim_pump_flow_drops_with_back_pressure(void **state)
{
	struct rig *r = *state;
	double free_flow, flow60;

	fill_zone(r, 0);
	tick(r);
	free_flow = boot_sim_pump_flow_lpm(r->sim);
	assert_true(ms_to_reach(r, 60.0, 20000) > 0);
	flow60 = boot_sim_pump_flow_lpm(r->sim);
	print_message("pump flow %.2f L/min near 0 mmHg, %.2f L/min at 60 mmHg\n", free_flow,
	              flow60);
	assert_true(free_flow > 11.0 && free_flow <= 12.0);
	assert_true(flow60 > 9.0 && flow60 < 10.0); /* 12 * (1 - 60/300) = 9.6 */

	/* Against a closed boot the pump stalls near 300 mmHg and flow stops. */
	boot_sim_set_blocked(r->sim, true);
	assert_true(ms_to_reach(r, 290.0, 5000) > 0);
	for (int i = 0; i < 100; i++)
		tick(r);
	assert_true(boot_sim_manifold_mmhg(r->sim) <= 300.0);
	assert_true(boot_sim_pump_flow_lpm(r->sim) < 0.3);
}

static void test_boot_sim_exhaust_vents_one_zone_quickly(void **state)
{
	struct rig *r = *state;
	uint64_t start;

	pressurise_zone(r, 2, 60.0);
	assert_int_equal(station_hw_safe(r->hw), 0);
	start = r->now_ms;
	while (boot_sim_zone_mmhg(r->sim, 2) > 3.0 && r->now_ms - start < 10000)
		tick(r);
	print_message("vent one zone 60->3 mmHg: %llu ms\n",
	              (unsigned long long)(r->now_ms - start));
	assert_in_range(r->now_ms - start, 500, 3000);
	assert_true(boot_sim_manifold_mmhg(r->sim) < 3.0);
}

static void test_boot_sim_exhaust_vents_full_boot(void **state)
{
	struct rig *r = *state;
	uint64_t start;
	double max;

	for (size_t k = 0; k < 6; k++)
		boot_sim_set_zone_mmhg(r->sim, k, 50.0);
	boot_sim_set_manifold_mmhg(r->sim, 50.0);
	assert_int_equal(station_hw_safe(r->hw), 0);
	start = r->now_ms;
	do {
		tick(r);
		max = 0;
		for (size_t k = 0; k < 6; k++)
			max = fmax(max, boot_sim_zone_mmhg(r->sim, k));
	} while (max > 3.0 && r->now_ms - start < 20000);
	print_message("vent six zones 50->3 mmHg: %llu ms\n",
	              (unsigned long long)(r->now_ms - start));
	assert_in_range(r->now_ms - start, 1000, 6000);
}

static void test_boot_sim_leak_prevents_reaching_target(void **state)
{
	struct rig *r = *state;
	double max = 0;

	boot_sim_set_leak(r->sim, 0, 12.0);
	fill_zone(r, 0);
	for (int i = 0; i < 1000; i++) { /* 20 s */
		tick(r);
		max = fmax(max, boot_sim_manifold_mmhg(r->sim));
	}
	print_message("12 L/min leak: peak %.1f mmHg\n", max);
	assert_true(max < 60.0);
	assert_true(max > 10.0); /* it is a leak, not an open hose */

	/* A small leak still fills but then bleeds down while holding. */
	boot_sim_set_leak(r->sim, 0, 1.0);
	assert_true(ms_to_reach(r, 60.0, 20000) > 0);
	hold_all(r);
	for (int i = 0; i < 250; i++)
		tick(r);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 55.0);
}

static void test_boot_sim_disconnected_boot_never_builds_pressure(void **state)
{
	struct rig *r = *state;

	boot_sim_set_disconnected(r->sim, true);
	fill_zone(r, 0);
	for (int i = 0; i < 500; i++)
		tick(r);
	assert_true(boot_sim_manifold_mmhg(r->sim) < 5.0);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 0.01);
}

static void test_boot_sim_blocked_hose_rises_far_faster(void **state)
{
	struct rig *r = *state;
	double p0, normal_rate, blocked_rate;

	fill_zone(r, 0);
	tick(r);
	p0 = boot_sim_manifold_mmhg(r->sim);
	for (int i = 0; i < 10; i++)
		tick(r);
	normal_rate = (boot_sim_manifold_mmhg(r->sim) - p0) / 0.2;

	hold_all(r);
	assert_int_equal(station_hw_safe(r->hw), 0);
	for (int i = 0; i < 500; i++)
		tick(r);
	boot_sim_set_blocked(r->sim, true);
	fill_zone(r, 0);
	tick(r);
	p0 = boot_sim_manifold_mmhg(r->sim);
	tick(r);
	blocked_rate = (boot_sim_manifold_mmhg(r->sim) - p0) / 0.02;
	print_message("rise: %.1f mmHg/s filling a zone, %.0f mmHg/s blocked\n", normal_rate,
	              blocked_rate);
	assert_true(normal_rate > 5.0 && normal_rate < 60.0);
	assert_true(blocked_rate > 20.0 * normal_rate);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 0.01); /* cut off */
}

static void test_boot_sim_stuck_exhaust_keeps_pressure(void **state)
{
	struct rig *r = *state;

	/* Gradient hold: every zone inflated when the release comes. */
	for (size_t k = 0; k < 6; k++)
		boot_sim_set_zone_mmhg(r->sim, k, 55.0 - 3.0 * (double)k);
	boot_sim_set_manifold_mmhg(r->sim, 40.0);
	boot_sim_set_stuck_valve(r->sim, BOOT_SIM_EXHAUST, BOOT_SIM_VALVE_STUCK_CLOSED);
	assert_int_equal(station_hw_safe(r->hw), 0);
	for (int i = 0; i < 250; i++) /* 5 s */
		tick(r);
	/* The zones only share their air: all near the mean, nothing vents. */
	for (size_t k = 0; k < 6; k++)
		assert_true(boot_sim_zone_mmhg(r->sim, k) > 40.0);
	assert_true(r->last.mmhg > 40.0); /* and the sensor sees it */

	boot_sim_set_stuck_valve(r->sim, BOOT_SIM_EXHAUST, BOOT_SIM_VALVE_WORKS);
	for (int i = 0; i < 250; i++)
		tick(r);
	assert_true(boot_sim_zone_mmhg(r->sim, 0) < 3.0);
}

static void test_boot_sim_stuck_zone_valve_keeps_zone_pressure(void **state)
{
	struct rig *r = *state;

	pressurise_zone(r, 1, 50.0);
	boot_sim_set_stuck_valve(r->sim, 1, BOOT_SIM_VALVE_STUCK_CLOSED);
	assert_int_equal(station_hw_safe(r->hw), 0);
	for (int i = 0; i < 250; i++)
		tick(r);
	assert_true(boot_sim_zone_mmhg(r->sim, 1) > 45.0);
	assert_true(boot_sim_manifold_mmhg(r->sim) < 3.0);
}

static void test_boot_sim_dead_sensor_reads_error(void **state)
{
	struct rig *r = *state;

	boot_sim_set_sensor_dead(r->sim, true);
	tick(r);
	assert_int_equal(r->last.status, PRESSURE_ERROR);
	boot_sim_set_sensor_dead(r->sim, false);
	tick(r);
	assert_int_equal(r->last.status, PRESSURE_OK);
}

static void test_boot_sim_stuck_sensor_freezes_raw(void **state)
{
	struct rig *r = *state;
	struct pressure_reading frozen;

	fill_zone(r, 0);
	tick(r);
	frozen = r->last;
	boot_sim_set_sensor_stuck(r->sim, true);
	for (int i = 0; i < 100; i++) {
		tick(r);
		assert_int_equal(r->last.status, PRESSURE_OK);
		assert_int_equal(r->last.raw, frozen.raw);
	}
	assert_true(boot_sim_manifold_mmhg(r->sim) > frozen.mmhg + 10.0);
}

static void test_boot_sim_sensor_noise_is_gaussian_and_seeded(void **state)
{
	struct rig *r = *state;
	struct boot_sim_params prm;
	struct pressure_reading a, b;
	double sum = 0, sq = 0;
	struct station_pins pins2 = r->pins;
	struct boot_sim *twin1, *twin2;
	const int n = 2000;

	pressurise_zone(r, 0, 40.0);
	boot_sim_set_manifold_mmhg(r->sim, 40.0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(boot_sim_read_sensor(r->sim, &a), 0);
		sum += a.mmhg;
		sq += a.mmhg * a.mmhg;
	}
	sum /= n;
	sq = sqrt(sq / n - sum * sum);
	print_message("sensor mean %.3f sd %.3f mmHg\n", sum, sq);
	assert_true(fabs(sum - 40.0) < 0.05);
	assert_true(sq > 0.25 && sq < 0.35);

	/* Two models with one seed give the same readings. */
	boot_sim_params_default(&prm);
	prm.seed = 42;
	test_pin(&pins2.pump, "gpiochip1", 5, false);
	twin1 = boot_sim_create(r->gpio, &pins2, &prm);
	test_pin(&pins2.pump, "gpiochip1", 7, false);
	twin2 = boot_sim_create(r->gpio, &pins2, &prm);
	assert_non_null(twin1);
	assert_non_null(twin2);
	for (int i = 0; i < 10; i++) {
		boot_sim_read_sensor(twin1, &a);
		boot_sim_read_sensor(twin2, &b);
		assert_int_equal(a.raw, b.raw);
	}
	boot_sim_destroy(twin1);
	boot_sim_destroy(twin2);
}

static void test_boot_sim_reads_electrical_levels(void **state)
{
	struct rig *r = *state;
	struct gpio_line_config cfg = {
	    .chip = "gpiochip3",
	    .offset = 5,
	    .direction = GPIO_DIR_OUTPUT,
	    .active_low = false,
	    .name = "wrongly wired pump",
	};
	struct station_pins pins = test_station_pins(1, SENSOR_NONE);
	struct gpio_request *req;
	struct boot_sim *sim;
	char err[128];

	/* The installer wired an active-low relay, so the model runs the pump
	 * only when the pin is LOW.  Driving logical 1 without active_low
	 * (pin high) must leave the pump off. */
	(void)r;
	test_pin(&pins.pump, "gpiochip3", 5, true);
	test_pin(&pins.exhaust, "gpiochip3", 6, false);
	test_pin(&pins.zones[0], "gpiochip3", 7, false);
	sim = boot_sim_create(r->gpio, &pins, NULL);
	assert_non_null(sim);
	req = gpio_request_lines(r->gpio, "test", &cfg, 1, err, sizeof(err));
	assert_non_null(req);
	assert_int_equal(gpio_request_set(req, 0, 1), 0);
	boot_sim_advance(sim, 0);
	boot_sim_advance(sim, 1000);
	assert_true(boot_sim_pump_flow_lpm(sim) == 0.0);
	assert_int_equal(gpio_request_set(req, 0, 0), 0); /* pin low: energised */
	boot_sim_advance(sim, 2000);
	assert_true(boot_sim_pump_flow_lpm(sim) > 1.0);
	gpio_request_release(req);
	boot_sim_destroy(sim);
}

static void test_boot_sim_create_rejects_second_model_on_a_pump(void **state)
{
	struct rig *r = *state;

	assert_ptr_equal(boot_sim_find(r->gpio, &r->pins), r->sim);
	assert_null(boot_sim_create(r->gpio, &r->pins, NULL));
	assert_int_equal(errno, EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, rig_setup, rig_teardown)
	    T(test_boot_sim_fills_zone_to_60_in_plausible_time),
	    T(test_boot_sim_closed_zone_holds_its_pressure),
	    T(test_boot_sim_pump_flow_drops_with_back_pressure),
	    T(test_boot_sim_exhaust_vents_one_zone_quickly),
	    T(test_boot_sim_exhaust_vents_full_boot),
	    T(test_boot_sim_leak_prevents_reaching_target),
	    T(test_boot_sim_disconnected_boot_never_builds_pressure),
	    T(test_boot_sim_blocked_hose_rises_far_faster),
	    T(test_boot_sim_stuck_exhaust_keeps_pressure),
	    T(test_boot_sim_stuck_zone_valve_keeps_zone_pressure),
	    T(test_boot_sim_dead_sensor_reads_error),
	    T(test_boot_sim_stuck_sensor_freezes_raw),
	    T(test_boot_sim_sensor_noise_is_gaussian_and_seeded),
	    T(test_boot_sim_reads_electrical_levels),
	    T(test_boot_sim_create_rejects_second_model_on_a_pump),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

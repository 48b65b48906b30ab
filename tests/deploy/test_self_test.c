/* SPDX-License-Identifier: MIT */
/*
 * The installer's --self-test on the simulator with the boot physics model,
 * on a virtual clock (the injected sleep advances it), so a full run of two
 * stations takes milliseconds.  Faults come from boot_sim's backdoors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/sim/boot_sim.h"
#include "config/config.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_sensor.h"
#include "service/self_test.h"
#include "drivers/station_hw.h"

#define ZONES 4

struct rig {
	struct kiosk_config cfg;
	struct gpio *gpio;
	struct boot_sim *sim[2];
	uint64_t now_ms;
	double max_manifold_mmhg; /* truth, sampled at every sleep */
	char *report;
	size_t report_len;
};

static uint64_t rig_now(void *ctx)
{
	return ((struct rig *)ctx)->now_ms;
}

static void rig_sleep(void *ctx, uint64_t ms)
{
	struct rig *r = ctx;
	r->now_ms += ms;
	/* Observe only: the self-test itself must carry the physics forward
	 * (through its sensor reads), as on the real clock. */
	for (size_t s = 0; s < r->cfg.station_count; s++) {
		double m = boot_sim_manifold_mmhg(r->sim[s]);
		if (m > r->max_manifold_mmhg)
			r->max_manifold_mmhg = m;
	}
}

static void pin(struct gpio_pin *p, const char *chip, unsigned int offset)
{
	snprintf(p->chip, sizeof(p->chip), "%s", chip);
	p->offset = offset;
	p->active_low = false;
}

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	kiosk_config_defaults(&r->cfg);
	r->cfg.station_count = 2;
	r->gpio = gpio_sim_create();
	assert_non_null(r->gpio);
	struct boot_sim_params bp;
	boot_sim_params_default(&bp);
	for (unsigned int s = 0; s < 2; s++) {
		struct station_config *st = &r->cfg.stations[s];
		st->number = s + 1;
		snprintf(st->name, sizeof(st->name), "Station %u", s + 1);
		st->pins.sensor = SENSOR_SIM;
		st->pins.zone_count = ZONES;
		unsigned int base = 2 + s * 10;
		pin(&st->pins.pump, "gpiochip0", base);
		pin(&st->pins.exhaust, "gpiochip0", base + 1);
		for (unsigned int z = 0; z < ZONES; z++)
			pin(&st->pins.zones[z], "gpiochip0", base + 2 + z);
		bp.seed = 42 + s;
		r->sim[s] = boot_sim_create(r->gpio, &st->pins, &bp);
		assert_non_null(r->sim[s]);
	}
	r->now_ms = 1000;
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;
	for (size_t s = 0; s < 2; s++)
		boot_sim_destroy(r->sim[s]);
	gpio_destroy(r->gpio);
	free(r->report);
	free(r);
	return 0;
}

static int rig_run(struct rig *r)
{
	struct self_test_params p;
	self_test_params_default(&p);
	p.now_ms = rig_now;
	p.sleep_ms = rig_sleep;
	p.ctx = r;
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);
	p.sensors = &sensors;
	FILE *f = open_memstream(&r->report, &r->report_len);
	assert_non_null(f);
	int rc = self_test_run_with(&r->cfg, r->gpio, &p, f);
	fclose(f);
	return rc;
}

static void assert_report_has(const struct rig *r, const char *needle)
{
	if (!strstr(r->report, needle))
		fail_msg("report lacks \"%s\":\n%s", needle, r->report);
}

static void assert_report_lacks(const struct rig *r, const char *needle)
{
	if (strstr(r->report, needle))
		fail_msg("report has \"%s\":\n%s", needle, r->report);
}

static void assert_vented(const struct rig *r)
{
	for (size_t s = 0; s < r->cfg.station_count; s++) {
		assert_true(boot_sim_manifold_mmhg(r->sim[s]) < 5.0);
		for (size_t z = 0; z < ZONES; z++)
			if (boot_sim_zone_mmhg(r->sim[s], z) >= 5.0)
				fail_msg("station %zu zone %zu at %.1f mmHg:\n%s", s + 1, z + 1,
				         boot_sim_zone_mmhg(r->sim[s], z), r->report);
	}
}

static void test_self_test_every_zone_rises_holds_and_falls(void **state)
{
	struct rig *r = *state;
	assert_int_equal(rig_run(r), 0);
	char line[64];
	for (unsigned int s = 1; s <= 2; s++)
		for (unsigned int z = 1; z <= ZONES; z++) {
			snprintf(line, sizeof(line), "station.%u zone %u%s: OK rose", s, z,
			         z == 1       ? " (foot)"
			         : z == ZONES ? " (thigh)"
			                      : "");
			assert_report_has(r, line);
		}
	assert_report_has(r, "station.1 'Station 1': PASS (4 of 4 zones passed)");
	assert_report_has(r, "self-test: PASS");
	/* The pulse is gentle: about 20 mmHg, far from the ceiling. */
	assert_true(r->max_manifold_mmhg > 15.0);
	assert_true(r->max_manifold_mmhg < 30.0);
	assert_vented(r);
	/* Lines are given back for the service. */
	assert_null(gpio_sim_consumer(r->gpio, "gpiochip0", 2));
}

static void test_self_test_leaking_zone_fails_that_zone_only(void **state)
{
	struct rig *r = *state;
	/* A split seam in station 2's zone 3: 4 L/min at 60 mmHg. */
	boot_sim_set_leak(r->sim[1], 2, 4.0);
	assert_int_equal(rig_run(r), -EIO);
	assert_report_has(r, "station.2 zone 3: FAIL leak");
	assert_report_has(r, "station.2 zone 2: OK");
	assert_report_has(r, "station.2 zone 4 (thigh): OK");
	assert_report_has(r, "station.1 'Station 1': PASS");
	assert_report_has(r, "station.2 'Station 2': FAIL (3 of 4 zones passed)");
	assert_report_has(r, "self-test: FAIL");
	assert_vented(r);
}

static void test_self_test_disconnected_boot_fails_every_zone(void **state)
{
	struct rig *r = *state;
	boot_sim_set_disconnected(r->sim[0], true);
	assert_int_equal(rig_run(r), -EIO);
	char line[64];
	for (unsigned int z = 1; z <= ZONES; z++) {
		snprintf(line, sizeof(line), "station.1 zone %u%s: FAIL no rise", z,
		         z == 1       ? " (foot)"
		         : z == ZONES ? " (thigh)"
		                      : "");
		assert_report_has(r, line);
	}
	assert_report_has(r, "boot not connected");
	assert_report_has(r, "station.2 'Station 2': PASS");
}

static void test_self_test_stuck_exhaust_reports_no_fall(void **state)
{
	struct rig *r = *state;
	boot_sim_set_stuck_valve(r->sim[0], BOOT_SIM_EXHAUST, BOOT_SIM_VALVE_STUCK_CLOSED);
	assert_int_equal(rig_run(r), -EIO);
	assert_report_has(r, "station.1 zone 1 (foot): FAIL no fall");
	assert_report_has(r, "station.2 'Station 2': PASS");
}

static void test_self_test_dead_sensor_reports_sensor_fault(void **state)
{
	struct rig *r = *state;
	boot_sim_set_sensor_dead(r->sim[1], true);
	assert_int_equal(rig_run(r), -EIO);
	assert_report_has(r, "station.2 zone 1 (foot): FAIL sensor");
	assert_report_has(r, "station.1 'Station 1': PASS");
	assert_vented(r);
}

static void test_self_test_without_sensor_pulses_and_reports_not_measured(void **state)
{
	struct rig *r = *state;
	r->cfg.stations[0].pins.sensor = SENSOR_NONE;
	/* Pulsed, never passed: the station and the run say NOT MEASURED. */
	assert_int_equal(rig_run(r), SELF_TEST_NOT_MEASURED);
	assert_report_has(r, "station.1 zone 1 (foot): not measured (no sensor)");
	assert_report_has(r, "station.1 zone 4 (thigh): not measured (no sensor)");
	assert_report_has(r, "station.1 'Station 1': NOT MEASURED (no sensor: 4 of 4 zones pulsed");
	assert_report_has(r, "station.2 zone 4 (thigh): OK");
	assert_report_has(r, "station.2 'Station 2': PASS (4 of 4 zones passed)");
	assert_report_has(r, "self-test: NOT MEASURED");
	assert_report_lacks(r, "self-test: PASS");
	assert_vented(r);
}

static void test_self_test_lines_held_by_the_service_say_stop_it(void **state)
{
	struct rig *r = *state;
	char err[256];
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);
	struct station_hw *service = station_hw_create_with(
	    r->gpio, &sensors, "Station 1", &r->cfg.stations[0].pins, err, sizeof(err));
	assert_non_null(service);
	assert_int_equal(rig_run(r), -EBUSY);
	assert_report_has(r, "systemctl stop recovery-kiosk");
	assert_report_has(r, "station.2 'Station 2': PASS");
	station_hw_destroy(service);
}

static void test_self_test_low_ceiling_caps_the_pulse(void **state)
{
	struct rig *r = *state;
	r->cfg.limits.ceiling_mmhg = 35.0; /* pulse target becomes 15 mmHg */
	assert_int_equal(rig_run(r), 0);
	assert_true(r->max_manifold_mmhg < 25.0);
	assert_report_has(r, "pulsed to about 15 mmHg");
}

static void test_self_test_public_entry_runs_simulation_on_virtual_time(void **state)
{
	struct rig *r = *state;
	/* The wrapper --self-test --sim uses: its own virtual clock. */
	FILE *f = open_memstream(&r->report, &r->report_len);
	assert_non_null(f);
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);
	int rc = self_test_run(&r->cfg, r->gpio, &sensors, NULL, f);
	fclose(f);
	if (rc != 0)
		fail_msg("rc %d:\n%s", rc, r->report);
	assert_report_has(r, "station.2 zone 4 (thigh): OK rose");
	assert_int_equal(self_test_run(NULL, r->gpio, &sensors, NULL, NULL), -EINVAL);
}

static void test_self_test_hx710b_sensor_in_simulation(void **state)
{
	struct rig *r = *state;
	/* Station 1 reads its manifold through the HX710B emulator: the rig's
	 * model is rebuilt on the new pins. */
	boot_sim_destroy(r->sim[0]);
	struct station_pins *p = &r->cfg.stations[0].pins;
	p->sensor = SENSOR_HX710B;
	pin(&p->sensor_clock, "gpiochip0", 40);
	pin(&p->sensor_data, "gpiochip0", 41);
	p->sensor_offset_counts = 1000.0;
	p->sensor_mmhg_per_count = 0.001;
	r->sim[0] = boot_sim_create(r->gpio, p, NULL);
	assert_non_null(r->sim[0]);
	boot_sim_set_leak(r->sim[0], 3, 4.0);
	assert_int_equal(rig_run(r), -EIO);
	assert_report_has(r, "station.1 zone 1 (foot): OK rose");
	assert_report_has(r, "station.1 zone 4 (thigh): FAIL leak");
	assert_vented(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_self_test_every_zone_rises_holds_and_falls,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_leaking_zone_fails_that_zone_only,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_disconnected_boot_fails_every_zone,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_stuck_exhaust_reports_no_fall, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_dead_sensor_reports_sensor_fault,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_self_test_without_sensor_pulses_and_reports_not_measured, rig_setup,
	        rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_lines_held_by_the_service_say_stop_it,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_low_ceiling_caps_the_pulse, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_self_test_hx710b_sensor_in_simulation, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_self_test_public_entry_runs_simulation_on_virtual_time, rig_setup,
	        rig_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

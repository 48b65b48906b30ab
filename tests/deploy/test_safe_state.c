/* SPDX-License-Identifier: MIT */
/*
 * The --safe-state helper against the simulator: a "crashed kiosk" leaves
 * every output energised (pumps running, exhausts and zones closed), the
 * helper runs on the same config and every output line must read
 * de-energised, electrically too (active-low lines at 1).
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

#include "config/config.h"
#include "drivers/sim/gpio_sim.h"
#include "service/safe_state.h"
#include "drivers/station_hw.h"

static void pin(struct gpio_pin *p, const char *chip, unsigned int offset, bool active_low)
{
	snprintf(p->chip, sizeof(p->chip), "%s", chip);
	p->offset = offset;
	p->active_low = active_low;
}

/* Station 1 and 2 on the header (2 active-low), station 3 on an MCP23017
 * expander found by its label. */
static void make_config(struct kiosk_config *cfg)
{
	kiosk_config_defaults(cfg);
	cfg->station_count = 3;
	for (unsigned int s = 0; s < 3; s++) {
		struct station_config *st = &cfg->stations[s];
		st->number = s + 1;
		snprintf(st->name, sizeof(st->name), "Station %u", s + 1);
		st->pins.sensor = SENSOR_SIM;
		st->pins.zone_count = s == 2 ? 6 : 4;
		const char *chip = s == 2 ? "mcp23017" : "gpiochip0";
		bool al = s == 1;
		unsigned int base = s == 2 ? 0 : 2 + s * 10;
		pin(&st->pins.pump, chip, base, al);
		pin(&st->pins.exhaust, chip, base + 1, al);
		for (unsigned int z = 0; z < st->pins.zone_count; z++)
			pin(&st->pins.zones[z], chip, base + 2 + z, al);
	}
}

/* Every output pin of the config, for checking. */
static size_t output_pins(const struct kiosk_config *cfg, const struct gpio_pin **out, size_t max)
{
	size_t n = 0;
	for (size_t s = 0; s < cfg->station_count; s++) {
		const struct station_pins *p = &cfg->stations[s].pins;
		if (n + 2 + p->zone_count > max)
			break;
		out[n++] = &p->pump;
		out[n++] = &p->exhaust;
		for (size_t z = 0; z < p->zone_count; z++)
			out[n++] = &p->zones[z];
	}
	return n;
}

/* The crashed kiosk: its own requests drove every output energised, then
 * the process died and the kernel let go of the lines without touching
 * them (no safe state on the way out). */
static void crash_with_outputs_energised(struct gpio *gpio, const struct kiosk_config *cfg)
{
	for (size_t s = 0; s < cfg->station_count; s++) {
		const struct station_pins *p = &cfg->stations[s].pins;
		struct gpio_line_config lines[2 + STATION_MAX_ZONES];
		const struct gpio_pin *pins[2 + STATION_MAX_ZONES] = {&p->pump, &p->exhaust};
		size_t n = 2;
		for (size_t z = 0; z < p->zone_count; z++)
			pins[n++] = &p->zones[z];
		for (size_t i = 0; i < n; i++)
			lines[i] = (struct gpio_line_config){
			    .chip = pins[i]->chip,
			    .offset = pins[i]->offset,
			    .direction = GPIO_DIR_OUTPUT,
			    .active_low = pins[i]->active_low,
			    .initial_value = 1,
			    .name = "energised by the crashed kiosk",
			};
		char err[256];
		struct gpio_request *req =
		    gpio_request_lines(gpio, "crashed-kiosk", lines, n, err, sizeof(err));
		assert_non_null(req);
		for (size_t i = 0; i < n; i++) {
			int electrical = -1, logical = -1;
			assert_int_equal(gpio_sim_output(gpio, pins[i]->chip, pins[i]->offset,
			                                 &electrical, &logical),
			                 0);
			assert_int_equal(logical, 1);
			assert_int_equal(electrical, pins[i]->active_low ? 0 : 1);
		}
		gpio_request_release(req);
	}
}

static void assert_all_outputs_de_energised(struct gpio *gpio, const struct kiosk_config *cfg)
{
	const struct gpio_pin *pins[KIOSK_MAX_STATIONS * (2 + STATION_MAX_ZONES)];
	size_t n = output_pins(cfg, pins, sizeof(pins) / sizeof(pins[0]));
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		int electrical = -1, logical = -1;
		int rc =
		    gpio_sim_output(gpio, pins[i]->chip, pins[i]->offset, &electrical, &logical);
		if (rc != 0)
			fail_msg("%s line %u is not driven by the helper (%d)", pins[i]->chip,
			         pins[i]->offset, rc);
		if (logical != 0 || electrical != (pins[i]->active_low ? 1 : 0))
			fail_msg("%s line %u left energised: logical %d electrical %d",
			         pins[i]->chip, pins[i]->offset, logical, electrical);
	}
}

static struct gpio *sim_with_expander(void)
{
	struct gpio *gpio = gpio_sim_create();
	assert_non_null(gpio);
	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip0", "pinctrl-bcm2711", 58), 0);
	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip2", "mcp23017", 16), 0);
	return gpio;
}

static void test_safe_state_de_energises_outputs_a_crash_left_energised(void **state)
{
	(void)state;
	struct kiosk_config cfg;
	make_config(&cfg);
	struct gpio *gpio = sim_with_expander();
	crash_with_outputs_energised(gpio, &cfg);

	char *buf = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&buf, &len);
	assert_non_null(report);
	struct safe_state *s = NULL;
	assert_int_equal(safe_state_acquire(&cfg, gpio, report, &s), 0);
	assert_non_null(s);
	assert_all_outputs_de_energised(gpio, &cfg);
	safe_state_release(s);
	fclose(report);

	assert_non_null(strstr(buf, "station.1 'Station 1': safe"));
	assert_non_null(strstr(buf, "station.2 'Station 2': safe"));
	assert_non_null(
	    strstr(buf, "station.3 'Station 3': safe (pump off, exhaust open, 6 zones open)"));
	assert_non_null(strstr(buf, "all 3 stations de-energised"));
	free(buf);
	gpio_destroy(gpio);
}

static void test_safe_state_run_returns_zero_and_releases_lines(void **state)
{
	(void)state;
	struct kiosk_config cfg;
	make_config(&cfg);
	struct gpio *gpio = sim_with_expander();
	crash_with_outputs_energised(gpio, &cfg);
	assert_int_equal(safe_state_run(&cfg, gpio, NULL), 0);
	/* Released for the restarted kiosk to take. */
	assert_null(gpio_sim_consumer(gpio, "gpiochip0", 2));
	assert_null(gpio_sim_consumer(gpio, "mcp23017", 0));
	gpio_destroy(gpio);
}

static void test_safe_state_failed_write_fails_but_other_stations_vent(void **state)
{
	(void)state;
	struct kiosk_config cfg;
	make_config(&cfg);
	struct gpio *gpio = sim_with_expander();
	crash_with_outputs_energised(gpio, &cfg);
	/* Station 1's exhaust driver is dead: writes fail. */
	assert_int_equal(gpio_sim_set_write_error(gpio, "gpiochip0", 3, EIO), 0);

	char *buf = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&buf, &len);
	assert_non_null(report);
	struct safe_state *s = NULL;
	int rc = safe_state_acquire(&cfg, gpio, report, &s);
	assert_true(rc < 0);
	/* Stations 2 and 3 are de-energised regardless. */
	struct kiosk_config others = cfg;
	others.stations[0] = cfg.stations[1];
	others.stations[1] = cfg.stations[2];
	others.station_count = 2;
	assert_all_outputs_de_energised(gpio, &others);
	safe_state_release(s);
	fclose(report);
	assert_non_null(strstr(buf, "station.1 'Station 1': FAILED"));
	assert_non_null(strstr(buf, "station.3 'Station 3': safe"));
	assert_non_null(strstr(buf, "1 of 3 stations FAILED"));
	free(buf);
	gpio_destroy(gpio);
}

static void test_safe_state_lines_held_by_running_kiosk_report_busy(void **state)
{
	(void)state;
	struct kiosk_config cfg;
	make_config(&cfg);
	struct gpio *gpio = sim_with_expander();
	/* The kiosk is still running and holds station 2. */
	char err[256];
	struct station_hw *kiosk =
	    station_hw_create_with(gpio, &pressure_sensor_factory_absent, "Station 2",
	                           &cfg.stations[1].pins, err, sizeof(err));
	assert_non_null(kiosk);

	char *buf = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&buf, &len);
	assert_non_null(report);
	int rc = safe_state_run(&cfg, gpio, report);
	fclose(report);
	assert_int_equal(rc, -EBUSY);
	assert_non_null(strstr(buf, "station.2 'Station 2': FAILED"));
	assert_non_null(strstr(buf, "still running"));
	assert_non_null(strstr(buf, "station.3 'Station 3': safe"));
	free(buf);
	station_hw_destroy(kiosk);
	gpio_destroy(gpio);
}

static void test_safe_state_rejects_missing_arguments(void **state)
{
	(void)state;
	struct kiosk_config cfg;
	make_config(&cfg);
	assert_int_equal(safe_state_run(&cfg, NULL, NULL), -EINVAL);
	assert_int_equal(safe_state_run(NULL, NULL, NULL), -EINVAL);
	safe_state_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_safe_state_de_energises_outputs_a_crash_left_energised),
	    cmocka_unit_test(test_safe_state_run_returns_zero_and_releases_lines),
	    cmocka_unit_test(test_safe_state_failed_write_fails_but_other_stations_vent),
	    cmocka_unit_test(test_safe_state_lines_held_by_running_kiosk_report_busy),
	    cmocka_unit_test(test_safe_state_rejects_missing_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The vent of last resort never depends on a valid config.  A crashed kiosk
 * left every output energised; kiosk.conf is then broken in one part the
 * pin map does not need (MQTT files, programs, screening, the PIN hash, a
 * syntax error elsewhere, a pin given twice, a section without its ']'),
 * and what `--safe-state` does (pin_map_collect() on kiosk.conf and the
 * state folder, then safe_state on the simulated GPIO backend) must leave
 * every output line de-energised, electrically too.  The strict loader
 * refuses each broken file, so each case really is broken.  When kiosk.conf
 * is unreadable, or its pins moved since the kiosk started, the pin map the
 * kiosk saved at start vents the lines that really ran.
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
#include <unistd.h>

#include "conf_file.h"
#include "config/config.h"
#include "config/pin_map_file.h"
#include "config/program_load.h"
#include "core/pin_map.h"
#include "drivers/sim/gpio_sim.h"
#include "service/safe_state.h"

#define DEMO_HASH "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJEC"

/* Station 1 on the header, active high; station 2 on the MCP23017, every
 * output active low; station 3 on the header with one zone per key and
 * zone 2 active low.  %s: the test folder (MQTT files), twice. */
static const char base_conf[] = "[kiosk]\n"
                                "site = test\n"
                                "programs = " KIOSK_SOURCE_ASSETS "/programs.conf\n"
                                "screening = " KIOSK_SOURCE_ASSETS "/screening.conf\n"
                                "state_dir = state\n"
                                "staff_pin_hash = " DEMO_HASH "\n"
                                "[display]\n"
                                "width = 800\n"
                                "[mqtt]\n"
                                "enabled = true\n"
                                "host = localhost\n"
                                "username = kiosk\n"
                                "password_file = %s/mqtt-password\n"
                                "tls = true\n"
                                "ca_file = %s/ca.pem\n"
                                "[limits]\n"
                                "ceiling_mmhg = 100\n"
                                "[station.1]\n"
                                "name = Left\n"
                                "pump = 5\n"
                                "exhaust = 6\n"
                                "zones = 17, 27, 22, 23\n"
                                "sensor = none\n"
                                "open_loop_fill_ms = 1500\n"
                                "relief_valve_mmhg = 100\n"
                                "[station.2]\n"
                                "chip = mcp23017\n"
                                "pump = 0\n"
                                "exhaust = 1\n"
                                "zones = 2, 3, 4, 5, 6\n"
                                "active_low = pump, exhaust, zones\n"
                                "sensor = none\n"
                                "open_loop_fill_ms = 1500\n"
                                "relief_valve_mmhg = 100\n"
                                "[station.3]\n"
                                "pump = 12\n"
                                "exhaust = 16\n"
                                "zone1 = 20\n"
                                "zone2 = 21\n"
                                "zone3 = 25\n"
                                "active_low = zone2\n"
                                "sensor = none\n"
                                "open_loop_fill_ms = 1500\n"
                                "relief_valve_mmhg = 100\n";

static char dir[64];
static char conf_path[128];
static char state_dir[128];
static struct pin_map base_map; /* every output line of the valid config */

static void path_in(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void write_in(const char *name, const char *text)
{
	char path[192];
	path_in(path, sizeof(path), name);
	conf_file_write(path, text);
}

/* The base config with `find` replaced by `with` (which must be there). */
static void write_conf_edited(const char *find, const char *with)
{
	char text[4096], edited[4096];
	snprintf(text, sizeof(text), base_conf, dir, dir);
	char *at = find ? strstr(text, find) : NULL;
	if (find && !at)
		fail_msg("'%s' is not in the base config", find);
	if (!at) {
		conf_file_write(conf_path, text);
		return;
	}
	snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, with,
	         at + strlen(find));
	conf_file_write(conf_path, edited);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kiosk-test-safe-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	path_in(conf_path, sizeof(conf_path), "kiosk.conf");
	path_in(state_dir, sizeof(state_dir), "state");
	write_in("mqtt-password", "secret\n");
	write_in("ca.pem", "-----BEGIN CERTIFICATE-----\n");
	write_conf_edited(NULL, NULL);

	struct kiosk_config *cfg = calloc(1, sizeof(*cfg));
	char err[512];
	if (!cfg || kiosk_config_load(cfg, conf_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "the base config does not load: %s\n", err);
		free(cfg);
		return -1;
	}
	pin_map_init(&base_map);
	pin_map_from_config(&base_map, cfg);
	free(cfg);
	return base_map.count == 6 + 7 + 5 ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* No saved map unless a test makes one. */
static int setup(void **state)
{
	char saved[192];
	(void)state;
	snprintf(saved, sizeof(saved), "%s/%s", state_dir, PIN_MAP_FILE_NAME);
	unlink(saved);
	return 0;
}

static struct gpio *sim_chips(void)
{
	struct gpio *gpio = gpio_sim_create();
	assert_non_null(gpio);
	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip0", "pinctrl-bcm2711", 58), 0);
	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip2", "mcp23017", 16), 0);
	return gpio;
}

/* The crashed kiosk: every output energised, then the process died and the
 * kernel let go of the lines without touching them. */
static void crash_with_everything_energised(struct gpio *gpio, const struct pin_map *map)
{
	for (size_t i = 0; i < map->count; i++) {
		const struct gpio_pin *p = &map->lines[i].pin;
		struct gpio_line_config lc = {
		    .chip = p->chip,
		    .offset = p->offset,
		    .direction = GPIO_DIR_OUTPUT,
		    .active_low = p->active_low,
		    .initial_value = 1,
		    .name = "energised by the crashed kiosk",
		};
		char err[256];
		struct gpio_request *req =
		    gpio_request_lines(gpio, "crashed", &lc, 1, err, sizeof(err));
		if (!req)
			fail_msg("cannot energise %s:%u: %s", p->chip, p->offset, err);
		int electrical = -1, logical = -1;
		assert_int_equal(gpio_sim_output(gpio, p->chip, p->offset, &electrical, &logical),
		                 0);
		assert_int_equal(electrical, p->active_low ? 0 : 1);
		gpio_request_release(req);
	}
}

/* De-energised: logical 0, and electrically high on an active-low line. */
static void assert_de_energised(struct gpio *gpio, const struct pin_map_line *l)
{
	int electrical = -1, logical = -1;
	int rc = gpio_sim_output(gpio, l->pin.chip, l->pin.offset, &electrical, &logical);
	if (rc != 0 || logical != 0 || electrical != (l->pin.active_low ? 1 : 0))
		fail_msg("station.%u %s %u (%s line %u) left energised: rc %d logical %d "
		         "electrical %d",
		         l->station, pin_map_role_name(l->role), l->zone, l->pin.chip,
		         l->pin.offset, rc, logical, electrical);
}

/* What `recovery-kiosk --safe-state` does, against the simulator, with the
 * lines still held so the simulator shows their levels (release *held).
 * Returns safe_state's result; the report goes into *report_out (free it). */
static int vent(struct gpio *gpio, struct safe_state **held, char **report_out)
{
	struct pin_map *map = calloc(1, sizeof(*map));
	char *report = NULL, *log = NULL;
	size_t report_len = 0, log_len = 0;
	FILE *rf = open_memstream(&report, &report_len);
	FILE *lf = open_memstream(&log, &log_len);

	assert_non_null(map);
	assert_non_null(rf);
	assert_non_null(lf);
	(void)pin_map_collect(map, conf_path, "/nonexistent/state", lf);
	int rc = safe_state_acquire_map(map, gpio, rf, held);
	fclose(rf);
	fclose(lf);
	free(map);
	free(log);
	*report_out = report;
	return rc;
}

/* The strict loaders refuse the file (so it is broken), yet every output
 * of the valid config is vented. */
static void expect_vented_despite(const char *find, const char *with, bool programs_broken)
{
	struct kiosk_config *cfg = calloc(1, sizeof(*cfg));
	char err[512];

	assert_non_null(cfg);
	write_conf_edited(find, with);
	int load = kiosk_config_load(cfg, conf_path, err, sizeof(err));
	if (programs_broken) {
		struct program_set *ps = calloc(1, sizeof(*ps));
		assert_non_null(ps);
		assert_int_equal(load, 0);
		load = program_set_load(ps, cfg->programs_file, &cfg->limits, err, sizeof(err));
		free(ps);
	}
	free(cfg);
	if (load == 0)
		fail_msg("'%s' -> '%s' did not break the config", find, with);

	struct gpio *gpio = sim_chips();
	crash_with_everything_energised(gpio, &base_map);
	char *report = NULL;
	struct safe_state *held = NULL;
	int rc = vent(gpio, &held, &report);
	if (rc != 0)
		fail_msg("safe state failed (%d) for a config broken by '%s':\n%s", rc, with,
		         report);
	for (size_t i = 0; i < base_map.count; i++)
		assert_de_energised(gpio, &base_map.lines[i]);
	assert_non_null(strstr(report, "all 3 stations de-energised (18 lines)"));
	safe_state_release(held);
	free(report);
	gpio_destroy(gpio);
}

static void test_safe_state_vents_with_mqtt_password_file_missing(void **state)
{
	(void)state;
	expect_vented_despite("/mqtt-password", "/no-such-password", false);
}

static void test_safe_state_vents_with_mqtt_ca_file_missing(void **state)
{
	(void)state;
	expect_vented_despite("/ca.pem", "/no-such-ca.pem", false);
}

static void test_safe_state_vents_with_programs_file_missing(void **state)
{
	(void)state;
	expect_vented_despite("/programs.conf", "/no-such-programs.conf", false);
}

static void test_safe_state_vents_with_programs_file_broken(void **state)
{
	(void)state;
	char path[192];
	path_in(path, sizeof(path), "broken-programs.conf");
	write_in("broken-programs.conf", "[program.x]\nname = X\npattern = wobble\n");
	char with[256];
	snprintf(with, sizeof(with), "programs = %s\n", path);
	expect_vented_despite("programs = " KIOSK_SOURCE_ASSETS "/programs.conf\n", with, true);
}

static void test_safe_state_vents_with_screening_file_missing(void **state)
{
	(void)state;
	expect_vented_despite("/screening.conf", "/no-such-screening.conf", false);
}

static void test_safe_state_vents_with_pin_hash_not_crypt(void **state)
{
	(void)state;
	expect_vented_despite(DEMO_HASH, "2468", false);
}

static void test_safe_state_vents_with_syntax_error_elsewhere(void **state)
{
	(void)state;
	expect_vented_despite("ceiling_mmhg = 100\n", "ceiling_mmhg 100\nwidth = = =\n", false);
}

static void test_safe_state_vents_with_section_header_unclosed(void **state)
{
	(void)state;
	/* The stations' own headers lose their ']' too. */
	expect_vented_despite("[station.2]\n", "[station.2\n", false);
}

static void test_safe_state_vents_with_pin_used_twice(void **state)
{
	(void)state;
	/* Station 3's zone 3 saved onto station 1's pump line while running. */
	expect_vented_despite("zone3 = 25\n", "zone3 = 25\nzone4 = 5\n", false);
}

static void test_safe_state_vents_with_unknown_keys_and_values(void **state)
{
	(void)state;
	expect_vented_despite(
	    "sensor = none\nopen_loop_fill_ms = 1500\nrelief_valve_mmhg = 100\n[station.3]",
	    "sensor = laser\nfrobnicate = 1\n[station.3]", false);
}

static void test_safe_state_vents_with_a_bad_zone_in_a_list(void **state)
{
	(void)state;
	/* The other zones of the list still vent; the bad one is covered by
	 * nothing, so the base map minus that line must be de-energised. */
	struct gpio *gpio = sim_chips();
	crash_with_everything_energised(gpio, &base_map);
	write_conf_edited("zones = 17, 27, 22, 23\n", "zones = 17, 27, twenty-two, 23\n");
	char *report = NULL;
	struct safe_state *held = NULL;
	assert_int_equal(vent(gpio, &held, &report), 0);
	for (size_t i = 0; i < base_map.count; i++) {
		const struct pin_map_line *l = &base_map.lines[i];
		if (!(l->station == 1 && l->zone == 3))
			assert_de_energised(gpio, l);
	}
	safe_state_release(held);
	free(report);
	gpio_destroy(gpio);
}

static void test_safe_state_saved_map_vents_when_config_unreadable(void **state)
{
	(void)state;
	char err[256];
	/* The kiosk started on the valid config and saved its map. */
	struct kiosk_config *cfg = calloc(1, sizeof(*cfg));
	assert_non_null(cfg);
	write_conf_edited(NULL, NULL);
	assert_int_equal(kiosk_config_load(cfg, conf_path, err, sizeof(err)), 0);
	assert_int_equal(pin_map_save_config(cfg, err, sizeof(err)), 0);
	free(cfg);
	/* Then kiosk.conf went: the default state folder still has the map. */
	assert_int_equal(unlink(conf_path), 0);

	struct gpio *gpio = sim_chips();
	crash_with_everything_energised(gpio, &base_map);
	struct pin_map *map = calloc(1, sizeof(*map));
	assert_non_null(map);
	assert_int_equal(pin_map_collect(map, conf_path, state_dir, NULL), 0);
	struct safe_state *held = NULL;
	assert_int_equal(safe_state_acquire_map(map, gpio, NULL, &held), 0);
	for (size_t i = 0; i < base_map.count; i++)
		assert_de_energised(gpio, &base_map.lines[i]);
	safe_state_release(held);
	free(map);
	gpio_destroy(gpio);
}

static void test_safe_state_vents_old_and_new_lines_after_pins_moved(void **state)
{
	(void)state;
	char err[256];
	struct kiosk_config *cfg = calloc(1, sizeof(*cfg));
	assert_non_null(cfg);
	write_conf_edited(NULL, NULL);
	assert_int_equal(kiosk_config_load(cfg, conf_path, err, sizeof(err)), 0);
	assert_int_equal(pin_map_save_config(cfg, err, sizeof(err)), 0);
	free(cfg);
	/* While it runs, station 1's pump moves from line 5 to line 26, and the
	 * file is broken besides. */
	write_conf_edited("pump = 5\n", "pump = 26\nbroken\n");

	struct gpio *gpio = sim_chips();
	crash_with_everything_energised(gpio, &base_map);
	struct pin_map moved = base_map;
	moved.lines[0].pin.offset = 26;
	crash_with_everything_energised(gpio, &moved);
	char *report = NULL;
	struct safe_state *held = NULL;
	assert_int_equal(vent(gpio, &held, &report), 0);
	for (size_t i = 0; i < base_map.count; i++)
		assert_de_energised(gpio, &base_map.lines[i]);
	assert_de_energised(gpio, &moved.lines[0]);
	safe_state_release(held);
	free(report);
	gpio_destroy(gpio);
}

static void test_safe_state_station_without_pump_fails_but_others_vent(void **state)
{
	(void)state;
	/* No saved map, and station 2's pump is unreadable: that output cannot
	 * be driven, which is a failure, but every other line vents. */
	struct gpio *gpio = sim_chips();
	crash_with_everything_energised(gpio, &base_map);
	write_conf_edited("chip = mcp23017\npump = 0\n", "chip = mcp23017\npump = zero\n");
	char *report = NULL;
	struct safe_state *held = NULL;
	assert_int_equal(vent(gpio, &held, &report), -ENOENT);
	for (size_t i = 0; i < base_map.count; i++) {
		const struct pin_map_line *l = &base_map.lines[i];
		if (!(l->station == 2 && l->role == PIN_ROLE_PUMP))
			assert_de_energised(gpio, l);
	}
	assert_non_null(strstr(report, "station.2 'Station 2': FAILED: no pump line"));
	assert_non_null(strstr(report, "station.1 'Left': safe"));
	safe_state_release(held);
	free(report);
	gpio_destroy(gpio);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_safe_state_vents_with_mqtt_password_file_missing, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_mqtt_ca_file_missing, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_programs_file_missing, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_programs_file_broken, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_screening_file_missing, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_pin_hash_not_crypt, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_syntax_error_elsewhere, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_section_header_unclosed, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_pin_used_twice, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_unknown_keys_and_values, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_with_a_bad_zone_in_a_list, setup),
	    cmocka_unit_test_setup(test_safe_state_saved_map_vents_when_config_unreadable, setup),
	    cmocka_unit_test_setup(test_safe_state_vents_old_and_new_lines_after_pins_moved, setup),
	    cmocka_unit_test_setup(test_safe_state_station_without_pump_fails_but_others_vent,
	                           setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

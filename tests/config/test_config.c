/* SPDX-License-Identifier: MIT */
/* kiosk.conf loading: the shipped examples, the defaults, every validation
 * error (file, line and fix in the message), the staff PIN and the
 * --check-config station summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_file.h"
#include "config/config.h"

/* The demo hash of PIN 2468, as in assets/kiosk-sim.conf. */
#define DEMO_HASH "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJEC"

/* Lines 1-8; tests append from line 9 on. */
#define BASE                                                                                       \
	"[kiosk]\n"                                                                                \
	"site = test\n"                                                                            \
	"staff_pin_hash = " DEMO_HASH "\n"                                                         \
	"[station.1]\n"                                                                            \
	"pump = 0\n"                                                                               \
	"exhaust = 1\n"                                                                            \
	"zones = 2, 3, 4\n"                                                                        \
	"sensor = sim\n"

static char dir[64];
static char conf_path[128];
static char err[512];
static struct kiosk_config cfg;

static void write_file(const char *name, const char *text)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	conf_file_write(path, text);
}

static void remove_file(const char *name)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kiosk-test-config-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/kiosk.conf", dir);
	write_file("programs.conf", "# stand-in: kiosk.conf only checks it can be read\n");
	write_file("screening.conf", "# stand-in\n");
	return 0;
}

static int group_teardown(void **state)
{
	static const char *const files[] = {"kiosk.conf", "programs.conf", "screening.conf",
	                                    "pi.conf", "mqtt-password"};
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		remove_file(files[i]);
	return rmdir(dir);
}

static int load_text(const char *text)
{
	write_file("kiosk.conf", text);
	memset(err, 0, sizeof(err));
	return kiosk_config_load(&cfg, conf_path, err, sizeof(err));
}

/* The load fails, and the message starts "<path>:<line>: " and has the fix. */
static void expect_error(const char *text, unsigned int line, const char *what, const char *fix)
{
	assert_int_equal(load_text(text), -EINVAL);
	conf_file_expect_error(err, conf_path, line, what, fix);
}

/* ---- the shipped examples and the defaults ----------------------------- */

static void test_config_sim_example_loads_with_expected_values(void **state)
{
	const struct station_config *s;

	(void)state;
	assert_int_equal(
	    kiosk_config_load(&cfg, KIOSK_SOURCE_ASSETS "/kiosk-sim.conf", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.site, "demo");
	assert_string_equal(cfg.programs_file, KIOSK_SOURCE_ASSETS "/programs.conf");
	assert_string_equal(cfg.screening_file, KIOSK_SOURCE_ASSETS "/screening.conf");
	assert_string_equal(cfg.state_dir, "/tmp/recovery-kiosk");
	assert_false(cfg.display.fullscreen);
	assert_true(cfg.mqtt.enabled);
	assert_string_equal(cfg.mqtt.client_id, "recovery-kiosk-demo");
	assert_int_equal(cfg.mqtt.port, 1883);
	assert_int_equal(cfg.station_count, 4);

	s = &cfg.stations[0];
	assert_int_equal(s->number, 1);
	assert_int_equal(s->pins.zone_count, 5);
	assert_int_equal(s->pins.sensor, SENSOR_SIM);
	assert_true(s->pins.has_stop_button);

	s = &cfg.stations[1];
	assert_int_equal(s->pins.zone_count, 6);
	assert_int_equal(s->pins.sensor, SENSOR_HX710B);
	assert_string_equal(s->pins.sensor_clock.chip, "gpiochip0");
	assert_int_equal(s->pins.sensor_clock.offset, 18);
	assert_int_equal(s->pins.sensor_data.offset, 19);
	assert_true(s->pins.sensor_mmhg_per_count > 0.0);

	s = &cfg.stations[2];
	assert_int_equal(s->pins.zone_count, 4);
	assert_string_equal(s->pins.pump.chip, "mcp23017");
	assert_true(s->pins.pump.active_low && s->pins.exhaust.active_low);
	for (size_t z = 0; z < s->pins.zone_count; z++)
		assert_true(s->pins.zones[z].active_low);

	s = &cfg.stations[3];
	assert_int_equal(s->pins.zone_count, 3);
	assert_int_equal(s->pins.sensor, SENSOR_NONE);
	assert_int_equal(s->open_loop_fill_ms, 1500);
	assert_true(s->relief_valve_mmhg > 0.0);
	assert_true(kiosk_config_pin_matches(&cfg, "2468"));
}

/* assets/kiosk.conf points at installed paths; point them at the source
 * tree, and everything else must load as shipped. */
static void test_config_pi_example_loads_with_expected_values(void **state)
{
	FILE *fp = fopen(KIOSK_SOURCE_ASSETS "/kiosk.conf", "r");
	static char text[16384], out[20000];
	char pi[192];
	size_t n;
	const struct station_config *s;
	static const unsigned int zones2[] = {20, 21, 25, 18, 4};

	(void)state;
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	out[0] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char buf[512];
		if (strncmp(line, "programs = ", 11) == 0)
			snprintf(buf, sizeof(buf), "programs = %s/programs.conf",
			         KIOSK_SOURCE_ASSETS);
		else if (strncmp(line, "screening = ", 12) == 0)
			snprintf(buf, sizeof(buf), "screening = %s/screening.conf",
			         KIOSK_SOURCE_ASSETS);
		else
			snprintf(buf, sizeof(buf), "%s", line);
		strcat(out, buf);
		strcat(out, "\n");
	}
	write_file("pi.conf", out);
	snprintf(pi, sizeof(pi), "%s/pi.conf", dir);
	if (kiosk_config_load(&cfg, pi, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.site, "city-gym");
	/* As shipped: a local broker, no TLS, no password file to create. */
	assert_true(cfg.mqtt.enabled);
	assert_string_equal(cfg.mqtt.host, "localhost");
	assert_false(cfg.mqtt.tls);
	assert_int_equal(cfg.mqtt.port, 1883);
	assert_string_equal(cfg.mqtt.password_file, "");
	assert_false(cfg.display.headless);
	assert_int_equal(cfg.realtime_priority, 30);
	assert_int_equal(cfg.station_count, 4);
	assert_int_equal(cfg.stations[0].pins.zone_count, 5);
	assert_int_equal(cfg.stations[0].pins.stop_button.offset, 26);

	s = &cfg.stations[1]; /* zone1 .. zone5 keys */
	assert_int_equal(s->pins.zone_count, 5);
	for (size_t z = 0; z < 5; z++)
		assert_int_equal(s->pins.zones[z].offset, zones2[z]);

	s = &cfg.stations[2]; /* valves on the expander, sensor on the header */
	assert_string_equal(s->pins.zones[3].chip, "mcp23017");
	assert_int_equal(s->pins.zones[3].offset, 5);
	assert_string_equal(s->pins.sensor_clock.chip, "gpiochip0");
	assert_int_equal(s->pins.sensor_clock.offset, 7);
	assert_true(s->pins.pump.active_low);
	assert_false(s->pins.sensor_clock.active_low);

	s = &cfg.stations[3];
	assert_int_equal(s->pins.sensor, SENSOR_NONE);
	assert_int_equal(s->pins.stop_button_debounce_ms, 30);
	assert_int_equal(s->pins.stop_button_bias, GPIO_BIAS_PULL_UP);
}

static void test_config_defaults_follow_domain_limits(void **state)
{
	(void)state;
	kiosk_config_defaults(&cfg);
	assert_true(cfg.limits.ceiling_mmhg == 100.0);
	assert_true(cfg.limits.ceiling_mmhg <= KIOSK_COMPILED_CEILING_MMHG);
	assert_int_equal(cfg.limits.max_session_s, 3600);
	assert_int_equal(cfg.limits.max_fill_ms, 15000);
	assert_true(cfg.limits.max_rise_mmhg_per_s == 150.0);
	assert_int_equal(cfg.limits.vent_ms, 3000);
	assert_true(cfg.limits.residual_mmhg == 8.0);
	assert_int_equal(cfg.limits.max_pause_s, 300);
	assert_int_equal(cfg.limits.pump_max_on_ms, 30000);
	assert_int_equal(cfg.limits.sensor_stuck_ms, 1500);
	assert_true(cfg.limits.sensor_min_mmhg == -20.0 && cfg.limits.sensor_max_mmhg == 300.0);
	assert_int_equal(cfg.limits.idle_timeout_s, 90);
	assert_int_equal(cfg.station_count, 0);
}

static void test_config_minimal_file_loads_and_resolves_relative_paths(void **state)
{
	char want[192];

	(void)state;
	assert_int_equal(load_text(BASE), 0);
	snprintf(want, sizeof(want), "%s/programs.conf", dir);
	assert_string_equal(cfg.programs_file, want);
	assert_int_equal(cfg.station_count, 1);
	assert_string_equal(cfg.stations[0].name, "Station 1");
	assert_string_equal(cfg.stations[0].pins.pump.chip, "gpiochip0");
	assert_int_equal(cfg.stations[0].pins.zones[2].offset, 4);
	assert_string_equal(cfg.mqtt.client_id, "recovery-kiosk-test");
}

static void test_config_stations_sorted_by_number(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "[station.7]\npump = 10\nexhaust = 11\nzones = 12\n"
	                                "sensor = sim\n[station.3]\npump = 20\nexhaust = 21\n"
	                                "zones = 22\nsensor = sim\n"),
	                 0);
	assert_int_equal(cfg.station_count, 3);
	assert_int_equal(cfg.stations[0].number, 1);
	assert_int_equal(cfg.stations[1].number, 3);
	assert_int_equal(cfg.stations[2].number, 7);
}

/* ---- one test per validation error ------------------------------------- */

static void test_config_missing_file_names_path(void **state)
{
	char path[192];

	(void)state;
	snprintf(path, sizeof(path), "%s/nope.conf", dir);
	assert_int_equal(kiosk_config_load(&cfg, path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "check the path"));
}

static void test_config_unknown_section_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[dispaly]\n", 9, "unknown section [dispaly]", "use [kiosk], [display]");
}

static void test_config_empty_unknown_section_rejected(void **state)
{
	(void)state;
	/* inih never reports a section without keys; the loader still must. */
	expect_error("[kiosk]\n[nonsense]\n" BASE, 2, "unknown section [nonsense]", "use [kiosk]");
}

static void test_config_unknown_key_suggests_spelling(void **state)
{
	(void)state;
	expect_error(BASE "[display]\nwidht = 800\n", 10, "unknown key 'widht' in [display]",
	             "did you mean 'width'?");
	expect_error(BASE "colour = red\n", 9, "unknown key 'colour' in [station.1]", "remove it");
}

static void test_config_bad_number_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[display]\nwidth = 80O\n", 10, "width = '80O' is not a whole number",
	             "from 320 to 7680");
	expect_error(BASE "[limits]\nceiling_mmhg = 9O\n", 10, "is not a number", "write a number");
	expect_error(BASE "[display]\nfullscreen = maybe\n", 10, "not true or false",
	             "write true or false");
}

static void test_config_out_of_range_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[mqtt]\nport = 70000\n", 10, "port = 70000 is out of range",
	             "from 1 to 65535");
	expect_error(BASE "[limits]\nvent_ms = 10\n", 10, "vent_ms = 10 is out of range",
	             "from 500");
}

static void test_config_ceiling_above_compiled_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[limits]\nceiling_mmhg = 150\n", 10,
	             "ceiling_mmhg = 150 is out of range", "no config can raise");
}

static void test_config_max_session_above_compiled_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[limits]\nmax_session_s = 7200\n", 10, "max_session_s = 7200",
	             "the longest session the kiosk will ever run");
}

static void test_config_pressures_above_ceiling_rejected(void **state)
{
	(void)state;
	/* The compiled bound (10 mmHg) keeps residual under any ceiling. */
	expect_error(BASE "[limits]\nceiling_mmhg = 40\nresidual_mmhg = 45\n", 11,
	             "residual_mmhg = 45 is out of range",
	             "use a value from 1 to 10, the compiled safety limit: above 10 mmHg");
	expect_error(BASE "[limits]\nceiling_mmhg = 90\nsensor_max_mmhg = 80\n", 11,
	             "sensor_max_mmhg (80) must be above ceiling_mmhg (90)", "raise it");
}

static void test_config_duplicate_key_rejected(void **state)
{
	(void)state;
	expect_error(BASE "pump = 9\n", 9, "pump is set twice in [station.1] (first on line 5)",
	             "keep only one");
	expect_error("[kiosk]\nsite = a\nsite = b\n", 3, "site is set twice", "keep only one");
}

static void test_config_duplicate_section_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[kiosk]\n", 9, "section [kiosk] appears twice (first on line 1)",
	             "merge");
}

static void test_config_duplicate_station_number_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[station.1]\npump = 10\n", 9,
	             "[station.1] appears twice (first on line 4)", "its own number");
}

static void test_config_bad_station_number_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[station.one]\n", 9, "[station.one]", "whole number from 1 to 99");
	expect_error(BASE "[station.0]\n", 9, "[station.0]", "whole number from 1 to 99");
}

static void test_config_more_than_eight_stations_rejected(void **state)
{
	char text[4096];
	size_t pos;

	(void)state;
	pos = (size_t)snprintf(text, sizeof(text), "%s", BASE);
	for (unsigned int s = 2; s <= 9; s++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
		                        "[station.%u]\npump = %u\nexhaust = %u\nzones = %u\n"
		                        "sensor = sim\n",
		                        s, s * 10, s * 10 + 1, s * 10 + 2);
	/* Station 9's header is line 9 + 7 * 5. */
	expect_error(text, 44, "more than 8 stations", "at most 8");
}

static void test_config_no_stations_rejected(void **state)
{
	(void)state;
	expect_error("[kiosk]\nstaff_pin_hash = " DEMO_HASH "\n", 2, "no stations",
	             "add one [station.N] section per station");
}

static void test_config_gpio_line_used_twice_across_stations_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12, 3\nsensor = sim\n", 12,
	             "gpiochip0 line 3 for station.2 zone 2 is already used by station.1 "
	             "zone 2 (line 7)",
	             "its own line");
}

static void test_config_gpio_line_used_twice_by_sensor_or_button_rejected(void **state)
{
	(void)state;
	expect_error(BASE "stop_button = 1\n", 9,
	             "line 1 for station.1 stop button is already used by station.1 exhaust",
	             "its own line");
	expect_error("[kiosk]\nstaff_pin_hash = " DEMO_HASH "\n[station.1]\npump = 0\nexhaust = 1\n"
	             "zones = 2\nsensor = hx710b\nsensor_clock = 5\nsensor_data = 5\n"
	             "sensor_mmhg_per_count = 0.0001\n",
	             9,
	             "sensor data is already used by "
	             "station.1 sensor clock",
	             "its own line");
}

static void test_config_same_offset_on_other_chip_is_fine(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "[station.2]\nchip = mcp23017\npump = 0\nexhaust = 1\n"
	                                "zones = 2, 3, 4\nsensor = sim\n"),
	                 0);
	assert_string_equal(cfg.stations[1].pins.zones[0].chip, "mcp23017");
	/* ...but a path and a name of the same chip are the same chip. */
	expect_error(BASE "[station.2]\nchip = /dev/gpiochip0\npump = 0\nexhaust = 11\n"
	                  "zones = 12\nsensor = sim\n",
	             11, "line 0 for station.2 pump is already used by station.1 pump",
	             "its own line");
}

static void test_config_chip_prefix_carries_through_zone_list(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "[station.2]\npump = 10\nexhaust = 11\n"
	                                "zones = 12, mcp23017:0, 1, gpiochip1:5\nsensor = sim\n"),
	                 0);
	assert_string_equal(cfg.stations[1].pins.zones[0].chip, "gpiochip0");
	assert_string_equal(cfg.stations[1].pins.zones[1].chip, "mcp23017");
	assert_string_equal(cfg.stations[1].pins.zones[2].chip, "mcp23017");
	assert_int_equal(cfg.stations[1].pins.zones[2].offset, 1);
	assert_string_equal(cfg.stations[1].pins.zones[3].chip, "gpiochip1");
}

static void test_config_bad_gpio_line_rejected(void **state)
{
	(void)state;
	expect_error(BASE "stop_button = GPIO17\n", 9, "stop_button = 'GPIO17' is not a GPIO line",
	             "like 17, or chip:offset");
	expect_error(BASE "stop_button = 5000\n", 9, "is not a GPIO line", "0 to 1023");
}

static void test_config_zone_count_zero_or_above_eight_rejected(void **state)
{
	(void)state;
	expect_error("[kiosk]\nstaff_pin_hash = " DEMO_HASH "\n[station.1]\npump = 0\nexhaust = 1\n"
	             "sensor = sim\n",
	             3, "has no zone lines", "add zones =");
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\n"
	                  "zones = 12, 13, 14, 15, 16, 17, 18, 19, 20\n",
	             12, "more than 8 lines", "1 to 8 zones");
	expect_error(BASE "[station.2]\nzones =\n", 10, "zones has an empty entry", "like 17");
}

static void test_config_zone_keys_out_of_order_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzone2 = 13\nzone1 = 12\n", 13,
	             "zone1 comes after zone2 (line 12)", "in order from zone1 at the foot");
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzone1 = 12\nzone3 = 14\n"
	                  "sensor = sim\n",
	             13, "zone3 is set but zone2 is not", "no gap");
	expect_error(BASE "zone1 = 12\n", 9, "zones and zone1 both give zone lines",
	             "use one form");
}

static void test_config_zone_keys_build_zone_list(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "[station.2]\npump = 10\nexhaust = 11\nzone1 = 12\n"
	                                "zone2 = mcp23017:4\nsensor = sim\n"),
	                 0);
	assert_int_equal(cfg.stations[1].pins.zone_count, 2);
	assert_string_equal(cfg.stations[1].pins.zones[0].chip, "gpiochip0");
	assert_string_equal(cfg.stations[1].pins.zones[1].chip, "mcp23017");
	assert_int_equal(cfg.stations[1].pins.zones[1].offset, 4);
}

static void test_config_missing_pump_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[station.2]\nexhaust = 11\nzones = 12\nsensor = sim\n", 9,
	             "[station.2] has no pump line", "add pump =");
}

static void test_config_active_low_roles(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "active_low = exhaust, zone2\n"), 0);
	assert_false(cfg.stations[0].pins.pump.active_low);
	assert_true(cfg.stations[0].pins.exhaust.active_low);
	assert_false(cfg.stations[0].pins.zones[0].active_low);
	assert_true(cfg.stations[0].pins.zones[1].active_low);
	expect_error(BASE "active_low = pmup\n", 9, "'pmup' is not a line role",
	             "did you mean 'pump'?");
	expect_error(BASE "active_low = zone5\n", 9, "names a zone that [station.1] does not have",
	             "remove it");
}

static void test_config_sensor_rules(void **state)
{
	(void)state;
	expect_error(BASE "sensor_clock = 9\n", 9, "sensor_clock is only used with sensor = hx710b",
	             "remove it or set sensor = hx710b");
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\nsensor = hx710b\n", 13,
	             "sensor = hx710b needs its two lines", "add sensor_clock");
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\nsensor = laser\n", 13,
	             "sensor = 'laser' is not known", "none, hx710b or sim");
}

static void test_config_open_loop_rules(void **state)
{
	(void)state;
	expect_error(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n", 9,
	             "[station.2] has no sensor, so it runs open loop", "open_loop_fill_ms");
	expect_error(BASE "[limits]\nmax_fill_ms = 1000\n"
	                  "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                  "open_loop_fill_ms = 1500\nrelief_valve_mmhg = 90\n",
	             15, "open_loop_fill_ms (1500) is longer than max_fill_ms (1000)",
	             "shorten it");
	expect_error(BASE "open_loop_fill_ms = 1500\n", 9,
	             "open_loop_fill_ms is only used with sensor = none", "remove it");
}

static void test_config_stop_button_options_need_button(void **state)
{
	(void)state;
	expect_error(BASE "stop_button_bias = pull-down\n", 9,
	             "stop_button_bias is set but stop_button is not", "add stop_button");
	expect_error(BASE "stop_button = 9\nstop_button_bias = up\n", 10,
	             "stop_button_bias = 'up' is not known", "pull-up, pull-down");
}

static void test_config_bad_site_rejected(void **state)
{
	(void)state;
	expect_error("[kiosk]\nsite = city gym\n", 2, "has ' ', which cannot go into an MQTT topic",
	             "use only a-z, 0-9");
}

static void test_config_missing_programs_file_names_resolved_path(void **state)
{
	char want[192];

	(void)state;
	snprintf(want, sizeof(want), "programs file %s/missing.conf cannot be read", dir);
	expect_error("[kiosk]\nprograms = missing.conf\nstaff_pin_hash = " DEMO_HASH "\n", 2, want,
	             "relative paths start at the config file's folder");
}

static void test_config_missing_screening_file_rejected(void **state)
{
	(void)state;
	expect_error("[kiosk]\nstaff_pin_hash = " DEMO_HASH "\nscreening = /nonexistent/s.conf\n",
	             3, "screening file /nonexistent/s.conf cannot be read", "set screening =");
}

static void test_config_unreadable_mqtt_password_file_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[mqtt]\nenabled = true\nusername = kiosk\npassword_file = nothere\n", 12,
	             "password file", "create it with the password on one line");
}

static void test_config_mqtt_disabled_checks_no_mqtt_file(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "[mqtt]\nenabled = false\nusername = kiosk\n"
	                                "password_file = nothere\ntls = true\n"
	                                "ca_file = /nonexistent/ca.pem\n"),
	                 0);
	assert_false(cfg.mqtt.enabled);
	/* The same section with MQTT on is refused for the missing file. */
	expect_error(BASE "[mqtt]\nenabled = true\nusername = kiosk\npassword_file = nothere\n", 12,
	             "password file", "create it with the password on one line");
}

static void test_config_headless_is_an_explicit_setting(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE), 0);
	assert_false(cfg.display.headless);
	assert_int_equal(load_text(BASE "[display]\nheadless = true\n"), 0);
	assert_true(cfg.display.headless);
	expect_error(BASE "[display]\nheadless = maybe\n", 10, "headless = 'maybe'",
	             "write true or false");
}

static void test_config_staff_pin_hash_must_be_crypt(void **state)
{
	(void)state;
	expect_error("[kiosk]\nstaff_pin_hash = 2468\n", 2, "staff_pin_hash is not a crypt(3) hash",
	             "mkpasswd -m yescrypt");
	/* A bare salt (no hash part) is not enough. */
	expect_error("[kiosk]\nstaff_pin_hash = $y$j9T$XsWP9ENaAzFRkgLZsymbh0\n", 2,
	             "not a crypt(3) hash", "mkpasswd");
	expect_error("[kiosk]\nsite = x\n"
	             "[station.1]\npump = 0\nexhaust = 1\nzones = 2\n"
	             "sensor = sim\n",
	             1, "no staff_pin_hash in [kiosk]", "mkpasswd -m yescrypt");
}

/* The hash is checked for its form only: verifying a PIN costs tens to
 * hundreds of ms, so it happens when one is entered, never at load. */
#define BASE_WITH_HASH(h)                                                                          \
	"[kiosk]\nstaff_pin_hash = " h "\n[station.1]\npump = 0\nexhaust = 1\nzones = 2\n"         \
	"sensor = sim\n"

static void test_config_staff_pin_hash_form_only(void **state)
{
	(void)state;
	/* sha512crypt and bcrypt (mkpasswd -m sha-512, -m bcrypt) of 1357 */
	assert_int_equal(
	    load_text(BASE_WITH_HASH(
	        "$6$q0vkT9iJSSAZpA8u$r6rg6gvzKwPsg1tOnw5EsJXL8FAYSdx4uPKaTnYj.9KTf7se4pz7"
	        "hyoEuKN2J4sB8Udokbhu9.QjHEzUnlQQM0")),
	    0);
	assert_true(kiosk_config_pin_matches(&cfg, "1357"));
	assert_int_equal(load_text(BASE_WITH_HASH(
	                     "$2b$12$Vq3JsH5KM06ZlG9PFQJ15uy3sEFbsvI6oKKzUrLTaqK4pvsPPCvK2")),
	                 0);
	assert_true(kiosk_config_pin_matches(&cfg, "1357"));
	/* Well formed but not the hash of anything: loads (no hashing at load),
	 * and no PIN matches it. */
	assert_int_equal(
	    load_text(BASE_WITH_HASH(
	        "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJED")),
	    0);
	assert_false(kiosk_config_pin_matches(&cfg, "2468"));
	/* A checksum of the wrong length or alphabet, or an unknown method. */
	expect_error(
	    BASE_WITH_HASH(
	        "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJE"),
	    2, "not a crypt(3) hash", "mkpasswd -m yescrypt");
	expect_error(BASE_WITH_HASH("$6$salt$short"), 2, "not a crypt(3) hash", "mkpasswd");
	expect_error(
	    BASE_WITH_HASH(
	        "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WU!EC"),
	    2, "not a crypt(3) hash", "mkpasswd");
	expect_error(BASE_WITH_HASH("$zz$salt$abcdef"), 2, "not a crypt(3) hash", "mkpasswd");
}

static void test_config_syntax_errors_name_line(void **state)
{
	(void)state;
	expect_error(BASE "this is not a setting\n", 9, "'this is not a setting' is not a setting",
	             "key = value");
	expect_error(BASE "[display\n", 9, "no closing ']'", "[name]");
	expect_error(BASE "  exhaust = 3\n", 9, "starts with a space", "remove the leading spaces");
	expect_error("site = x\n" BASE, 1, "'site' is outside any section", "put it under [kiosk]");
}

static void test_config_overlong_line_rejected(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "%sname = %0300d\n", BASE, 7);
	expect_error(text, 9, "longer than 199 characters", "shorten it");
}

static void test_config_first_error_wins(void **state)
{
	(void)state;
	expect_error(BASE "bogus = 1\n[limits]\nceiling_mmhg = 500\n", 9, "unknown key 'bogus'",
	             "remove it");
}

/* ---- PIN and summary ---------------------------------------------------- */

static void test_config_pin_matches_only_the_right_pin(void **state)
{
	(void)state;
	kiosk_config_defaults(&cfg);
	assert_false(kiosk_config_pin_matches(&cfg, "2468")); /* no hash: never */
	snprintf(cfg.staff_pin_hash, sizeof(cfg.staff_pin_hash), "%s", DEMO_HASH);
	assert_true(kiosk_config_pin_matches(&cfg, "2468"));
	assert_false(kiosk_config_pin_matches(&cfg, "2469"));
	assert_false(kiosk_config_pin_matches(&cfg, "24680"));
	assert_false(kiosk_config_pin_matches(&cfg, ""));
	assert_false(kiosk_config_pin_matches(&cfg, NULL));
	assert_false(kiosk_config_pin_matches(NULL, "2468"));
}

/* The simulator's sim_fault: kept with its line for kiosk/main.c, which
 * names the fault or refuses it without --sim. */
static void test_config_sim_fault_is_kept_with_its_line_and_must_be_a_name(void **state)
{
	(void)state;
	assert_int_equal(load_text(BASE "sim_fault = leak\n"), 0);
	assert_string_equal(cfg.stations[0].sim_fault, "leak");
	assert_int_equal(cfg.stations[0].lines.sim_fault, 9);
	assert_int_equal(load_text(BASE), 0);
	assert_string_equal(cfg.stations[0].sim_fault, "");
	expect_error(BASE "sim_fault = Leak 2\n", 9, "sim_fault must be a simulated fault",
	             "--sim");
}

static void test_config_describe_station_one_line(void **state)
{
	char line[256];

	(void)state;
	assert_int_equal(
	    load_text("[kiosk]\nstaff_pin_hash = " DEMO_HASH "\n[station.1]\n"
	              "name = Station 1\npump = 5\nexhaust = 6\n"
	              "zones = 17, 27, 22, 23, 24\nsensor = hx710b\nsensor_clock = 13\n"
	              "sensor_data = 19\nsensor_mmhg_per_count = 0.0001\n"
	              "[station.2]\nchip = mcp23017\npump = 0\nexhaust = gpiochip0:4\n"
	              "zones = 1, 2, 3\nactive_low = pump, zones\n"
	              "open_loop_fill_ms = 1800\nrelief_valve_mmhg = 95\nstop_button = 9\n"),
	    0);
	kiosk_config_describe_station(&cfg.stations[0], line, sizeof(line));
	assert_string_equal(line, "station.1 'Station 1': 5 zones on gpiochip0 [17 27 22 23 24], "
	                          "pump 5, exhaust 6, sensor hx710b (clk 13, data 19)");
	kiosk_config_describe_station(&cfg.stations[1], line, sizeof(line));
	assert_string_equal(line, "station.2 'Station 2': 3 zones on mcp23017 [1 2 3], pump 0, "
	                          "exhaust gpiochip0:4, no sensor (open loop, 1800 ms per zone), "
	                          "stop button 9; active low: pump zones");
	/* A short buffer truncates but stays a string. */
	kiosk_config_describe_station(&cfg.stations[0], line, 12);
	assert_string_equal(line, "station.1 '");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_sim_example_loads_with_expected_values),
	    cmocka_unit_test(test_config_pi_example_loads_with_expected_values),
	    cmocka_unit_test(test_config_defaults_follow_domain_limits),
	    cmocka_unit_test(test_config_minimal_file_loads_and_resolves_relative_paths),
	    cmocka_unit_test(test_config_stations_sorted_by_number),
	    cmocka_unit_test(test_config_missing_file_names_path),
	    cmocka_unit_test(test_config_unknown_section_rejected),
	    cmocka_unit_test(test_config_empty_unknown_section_rejected),
	    cmocka_unit_test(test_config_unknown_key_suggests_spelling),
	    cmocka_unit_test(test_config_bad_number_rejected),
	    cmocka_unit_test(test_config_out_of_range_rejected),
	    cmocka_unit_test(test_config_ceiling_above_compiled_rejected),
	    cmocka_unit_test(test_config_max_session_above_compiled_rejected),
	    cmocka_unit_test(test_config_pressures_above_ceiling_rejected),
	    cmocka_unit_test(test_config_duplicate_key_rejected),
	    cmocka_unit_test(test_config_duplicate_section_rejected),
	    cmocka_unit_test(test_config_duplicate_station_number_rejected),
	    cmocka_unit_test(test_config_bad_station_number_rejected),
	    cmocka_unit_test(test_config_more_than_eight_stations_rejected),
	    cmocka_unit_test(test_config_no_stations_rejected),
	    cmocka_unit_test(test_config_gpio_line_used_twice_across_stations_rejected),
	    cmocka_unit_test(test_config_gpio_line_used_twice_by_sensor_or_button_rejected),
	    cmocka_unit_test(test_config_same_offset_on_other_chip_is_fine),
	    cmocka_unit_test(test_config_chip_prefix_carries_through_zone_list),
	    cmocka_unit_test(test_config_bad_gpio_line_rejected),
	    cmocka_unit_test(test_config_zone_count_zero_or_above_eight_rejected),
	    cmocka_unit_test(test_config_zone_keys_out_of_order_rejected),
	    cmocka_unit_test(test_config_zone_keys_build_zone_list),
	    cmocka_unit_test(test_config_missing_pump_rejected),
	    cmocka_unit_test(test_config_active_low_roles),
	    cmocka_unit_test(test_config_sensor_rules),
	    cmocka_unit_test(test_config_open_loop_rules),
	    cmocka_unit_test(test_config_stop_button_options_need_button),
	    cmocka_unit_test(test_config_bad_site_rejected),
	    cmocka_unit_test(test_config_missing_programs_file_names_resolved_path),
	    cmocka_unit_test(test_config_missing_screening_file_rejected),
	    cmocka_unit_test(test_config_unreadable_mqtt_password_file_rejected),
	    cmocka_unit_test(test_config_mqtt_disabled_checks_no_mqtt_file),
	    cmocka_unit_test(test_config_headless_is_an_explicit_setting),
	    cmocka_unit_test(test_config_staff_pin_hash_must_be_crypt),
	    cmocka_unit_test(test_config_staff_pin_hash_form_only),
	    cmocka_unit_test(test_config_syntax_errors_name_line),
	    cmocka_unit_test(test_config_overlong_line_rejected),
	    cmocka_unit_test(test_config_first_error_wins),
	    cmocka_unit_test(test_config_pin_matches_only_the_right_pin),
	    cmocka_unit_test(test_config_sim_fault_is_kept_with_its_line_and_must_be_a_name),
	    cmocka_unit_test(test_config_describe_station_one_line),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

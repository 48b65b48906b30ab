/* SPDX-License-Identifier: MIT */
/* The loaders against the compiled safety bounds of core/safety.h: every
 * safety-relevant value beyond its bound is refused with the file, the line,
 * the limit and why; a station without a sensor needs a relief valve that
 * opens at or below the ceiling. */
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
#include "core/safety.h"

#define DEMO_HASH "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJEC"

/* Lines 1-9; what a test appends starts on line 10. */
#define BASE                                                                                       \
	"[kiosk]\n"                                                                                \
	"staff_pin_hash = " DEMO_HASH "\n"                                                         \
	"programs = " KIOSK_SOURCE_ASSETS "/programs.conf\n"                                       \
	"screening = " KIOSK_SOURCE_ASSETS "/screening.conf\n"                                     \
	"[station.1]\n"                                                                            \
	"pump = 0\n"                                                                               \
	"exhaust = 1\n"                                                                            \
	"zones = 2, 3, 4\n"                                                                        \
	"sensor = sim\n"

static char path[128];
static char err[512];
static struct kiosk_config cfg;

static int group_setup(void **state)
{
	(void)state;
	if (conf_file_temp(path, sizeof(path), "bounds") < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static int load(const char *text)
{
	conf_file_write(path, text);
	memset(err, 0, sizeof(err));
	return kiosk_config_load(&cfg, path, err, sizeof(err));
}

static void expect_refused(const char *text, unsigned int line, const char *what, const char *fix)
{
	assert_int_equal(load(text), -EINVAL);
	conf_file_expect_error(err, path, line, what, fix);
}

static void test_bounds_every_limit_beyond_its_compiled_bound_is_refused(void **state)
{
	static const char *const keys[] = {
	    "ceiling_mmhg",        "residual_mmhg",   "sensor_min_mmhg", "sensor_max_mmhg",
	    "max_rise_mmhg_per_s", "sensor_stuck_ms", "max_fill_ms",     "vent_ms",
	    "pump_max_on_ms",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct safety_bound *b = safety_bound_find(keys[i]);
		char text[1024], what[96], fix[128];
		assert_non_null(b);
		snprintf(fix, sizeof(fix), "use a value from %g to %g", b->min, b->max);
		/* Just above the top, and just below the bottom. */
		const double values[] = {b->max + 1, b->min - 1};
		for (size_t v = 0; v < 2; v++) {
			if (values[v] < 0 && strstr(keys[i], "_ms"))
				continue; /* a negative time is not a number of ms at all */
			snprintf(text, sizeof(text), BASE "[limits]\n%s = %g\n", keys[i],
			         values[v]);
			snprintf(what, sizeof(what), "%s = %g is out of range", keys[i], values[v]);
			expect_refused(text, 11, what, fix);
		}
		/* The bound's edges themselves load (cross-checks aside). */
		snprintf(text, sizeof(text), BASE "[limits]\n%s = %g\n", keys[i],
		         strcmp(keys[i], "ceiling_mmhg") == 0 ? b->max : b->min);
		if (strcmp(keys[i], "pump_max_on_ms") != 0 &&
		    strcmp(keys[i], "sensor_max_mmhg") != 0)
			if (load(text) != 0)
				fail_msg("%s at its bound is refused: %s", keys[i], err);
	}
}

static void test_bounds_message_gives_the_reason(void **state)
{
	(void)state;
	expect_refused(BASE "[limits]\nvent_ms = 60000\n", 11, "vent_ms = 60000 is out of range",
	               "from 500 to 10000, the compiled safety limit: six zones at the ceiling");
}

static void test_bounds_open_loop_fill_beyond_bound_is_refused(void **state)
{
	(void)state;
	expect_refused(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                    "sensor = none\nrelief_valve_mmhg = 90\nopen_loop_fill_ms = 2500\n",
	               16, "open_loop_fill_ms = 2500 is out of range",
	               "from 200 to 1800, the compiled safety limit");
	expect_refused(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                    "sensor = none\nrelief_valve_mmhg = 90\nopen_loop_fill_ms = 100\n",
	               16, "open_loop_fill_ms = 100 is out of range", "from 200 to 1800");
}

static void test_bounds_sensorless_station_needs_relief_valve_at_or_below_ceiling(void **state)
{
	(void)state;
	expect_refused(BASE "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                    "sensor = none\nopen_loop_fill_ms = 1500\n",
	               14, "[station.2] has no sensor, so nothing sees its pressure",
	               "relief_valve_mmhg = <mmHg>");
	expect_refused(BASE "[limits]\nceiling_mmhg = 90\n"
	                    "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                    "sensor = none\nopen_loop_fill_ms = 1500\nrelief_valve_mmhg = 120\n",
	               18, "relief_valve_mmhg (120) is above ceiling_mmhg (90)",
	               "opens at or below 90 mmHg");
	assert_int_equal(load(BASE "[limits]\nceiling_mmhg = 90\n"
	                           "[station.2]\npump = 10\nexhaust = 11\nzones = 12\n"
	                           "sensor = none\nopen_loop_fill_ms = 1500\n"
	                           "relief_valve_mmhg = 90\n"),
	                 0);
	assert_true(cfg.stations[1].relief_valve_mmhg == 90.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bounds_every_limit_beyond_its_compiled_bound_is_refused),
	    cmocka_unit_test(test_bounds_message_gives_the_reason),
	    cmocka_unit_test(test_bounds_open_loop_fill_beyond_bound_is_refused),
	    cmocka_unit_test(test_bounds_sensorless_station_needs_relief_valve_at_or_below_ceiling),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * --check-config's look at the hardware (service/hw_check.h), on simulated
 * chips that carry the Pi's labels: a chip that does not exist, a line past
 * the chip's end, a physical header pin number, a line another consumer
 * holds, and sensor = sim outside --sim are each one problem naming the
 * config file and line; a valid wiring has none.
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
#include "drivers/sim/gpio_sim.h"
#include "service/hw_check.h"

#define DEMO_HASH "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJEC"

/* Station 1 on the header by name, station 2 on the expander by label, with
 * its sensor lines on the header by label.  Lines 1-23. */
#define GOOD                                                                                       \
	"[kiosk]\n"                                                                                \
	"staff_pin_hash = " DEMO_HASH "\n"                                                         \
	"programs = " KIOSK_SOURCE_ASSETS "/programs.conf\n"                                       \
	"screening = " KIOSK_SOURCE_ASSETS "/screening.conf\n"                                     \
	"[station.1]\n"                                                                            \
	"pump = 5\n"                                                                               \
	"exhaust = 6\n"                                                                            \
	"zones = 17, 27, 22\n"                                                                     \
	"sensor = none\n"                                                                          \
	"open_loop_fill_ms = 1500\n"                                                               \
	"relief_valve_mmhg = 100\n"                                                                \
	"stop_button = 26\n"                                                                       \
	"[station.2]\n"                                                                            \
	"chip = mcp23017\n"                                                                        \
	"pump = 0\n"                                                                               \
	"exhaust = 1\n"                                                                            \
	"zones = 2, 3, 4, 5\n"                                                                     \
	"sensor = hx710b\n"                                                                        \
	"sensor_clock = pinctrl-bcm2711:13\n"                                                      \
	"sensor_data = pinctrl-bcm2711:19\n"                                                       \
	"sensor_mmhg_per_count = 0.0001\n"                                                         \
	"active_low = pump, exhaust, zones\n"                                                      \
	"stop_button = 6\n"

static char path[128];
static struct kiosk_config cfg;
static struct gpio *gpio;
static char *report;

static int setup(void **state)
{
	(void)state;
	report = NULL;
	gpio = gpio_sim_create();
	if (!gpio || gpio_sim_add_chip(gpio, "gpiochip0", "pinctrl-bcm2711", 58) < 0 ||
	    gpio_sim_add_chip(gpio, "gpiochip2", "mcp23017", 16) < 0)
		return -1;
	return conf_file_temp(path, sizeof(path), "hwcheck");
}

static int teardown(void **state)
{
	(void)state;
	gpio_destroy(gpio);
	free(report);
	unlink(path);
	return 0;
}

/* The config text with `find` replaced by `with` (NULL: as is), loaded
 * strictly (it must be valid), then checked. */
static int check(const char *find, const char *with, bool sim)
{
	char text[4096], err[512];
	const char *at = find ? strstr(GOOD, find) : NULL;
	size_t len = 0;

	if (find && !at)
		fail_msg("'%s' is not in the config", find);
	if (at)
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - GOOD), GOOD, with,
		         at + strlen(find));
	else
		snprintf(text, sizeof(text), "%s", GOOD);
	conf_file_write(path, text);
	if (kiosk_config_load(&cfg, path, err, sizeof(err)) < 0)
		fail_msg("the config does not load: %s", err);
	free(report);
	report = NULL;
	FILE *fp = open_memstream(&report, &len);
	assert_non_null(fp);
	int problems = hw_check_run(&cfg, gpio, sim, fp);
	fclose(fp);
	return problems;
}

static void expect_reported(unsigned int line, const char *what)
{
	char prefix[192];
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	const char *at = strstr(report, prefix);
	if (!at || !strstr(at, what))
		fail_msg("want '%s...%s', got:\n%s", prefix, what, report);
}

static void test_hw_check_valid_wiring_has_no_problem(void **state)
{
	(void)state;
	if (check(NULL, NULL, false) != 0)
		fail_msg("problems on a valid wiring:\n%s", report);
	assert_non_null(strstr(report, "2 chip(s) looked at: OK"));
}

static void test_hw_check_missing_chip_named_once(void **state)
{
	(void)state;
	assert_int_equal(check("chip = mcp23017\n", "chip = mcp23018\n", false), 1);
	expect_reported(15, "[station.2] pump: GPIO chip \"mcp23018\" not found");
	expect_reported(15, "gpiodetect");
}

static void test_hw_check_line_past_the_chip_end(void **state)
{
	(void)state;
	assert_int_equal(check("zones = 17, 27, 22\n", "zones = 17, 27, 60\n", false), 1);
	expect_reported(8, "[station.1] zone 3: line 60 is beyond gpiochip0 [pinctrl-bcm2711], "
	                   "which has 58 lines (0 to 57)");
	assert_int_equal(check("stop_button = 6\n", "stop_button = 16\n", false), 1);
	expect_reported(23, "[station.2] stop button: line 16 is beyond gpiochip2 [mcp23017]");
}

static void test_hw_check_physical_header_pins_named_with_their_gpio(void **state)
{
	(void)state;
	assert_int_equal(check("stop_button = 26\n", "stop_button = 40\n", false), 1);
	expect_reported(12,
	                "[station.1] stop button: line 40 of gpiochip0 [pinctrl-bcm2711] is not "
	                "on the 40-pin header");
	expect_reported(12, "physical pin 40, which is GPIO 21: write 21");
	assert_int_equal(check("exhaust = 6\n", "exhaust = 39\n", false), 1);
	expect_reported(7, "physical pin 39 is ground, not a GPIO");
	/* Past the 40 header pins: still not on the header. */
	assert_int_equal(check("pump = 5\n", "pump = 45\n", false), 1);
	expect_reported(6, "line 45 of gpiochip0 [pinctrl-bcm2711] is not on the 40-pin header");
	/* The same numbers on the expander are just lines. */
	assert_int_equal(hw_check_header_pin_gpio(11), 17);
	assert_int_equal(hw_check_header_pin_gpio(1), HW_HEADER_3V3);
	assert_int_equal(hw_check_header_pin_gpio(2), HW_HEADER_5V);
	assert_int_equal(hw_check_header_pin_gpio(41), -ERANGE);
	assert_true(hw_check_is_header_chip("pinctrl-bcm2835"));
	assert_false(hw_check_is_header_chip("mcp23017"));
}

static struct gpio_request *hold(const char *chip, unsigned int offset, const char *consumer)
{
	char err[256];
	struct gpio_line_config lc = {.chip = chip, .offset = offset, .direction = GPIO_DIR_INPUT};
	struct gpio_request *req = gpio_request_lines(gpio, consumer, &lc, 1, err, sizeof(err));
	assert_non_null(req);
	return req;
}

static void test_hw_check_line_held_by_another_consumer_names_it(void **state)
{
	(void)state;
	struct gpio_request *spi = hold("gpiochip0", 27, "spi0 CS1");
	assert_int_equal(check(NULL, NULL, false), 1);
	expect_reported(8, "[station.1] zone 2: line 27 of gpiochip0 [pinctrl-bcm2711] is already "
	                   "used by \"spi0 CS1\"");
	gpio_request_release(spi);
}

static void test_hw_check_lines_of_the_running_kiosk_are_a_note(void **state)
{
	(void)state;
	struct gpio_request *own = hold("mcp23017", 0, HW_CHECK_OWN_CONSUMER);
	assert_int_equal(check(NULL, NULL, false), 0);
	expect_reported(15,
	                "note: [station.2] pump: line 0 of gpiochip2 is held by recovery-kiosk");
	gpio_request_release(own);
}

static void test_hw_check_sim_sensor_refused_outside_sim(void **state)
{
	(void)state;
	const char *find = "sensor = none\nopen_loop_fill_ms = 1500\nrelief_valve_mmhg = 100\n";
	assert_int_equal(check(find, "sensor = sim\n", false), 1);
	expect_reported(9, "[station.1] sensor = sim is the simulator's sensor");
	expect_reported(9, "or run with --sim");
	assert_int_equal(check(find, "sensor = sim\n", true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hw_check_valid_wiring_has_no_problem, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hw_check_missing_chip_named_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hw_check_line_past_the_chip_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hw_check_physical_header_pins_named_with_their_gpio, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hw_check_line_held_by_another_consumer_names_it,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hw_check_lines_of_the_running_kiosk_are_a_note,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hw_check_sim_sensor_refused_outside_sim, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

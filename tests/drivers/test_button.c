/* SPDX-License-Identifier: MIT */
/* The station stop button: edges, debounce on the control loop's clock. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/sim/gpio_sim.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

#define BTN_CHIP "gpiochip0"
#define BTN_LINE 4u
#define RELEASED 1 /* normally-open button to ground, pulled up: idle HIGH */
#define PRESSED 0

struct rig {
	struct gpio *gpio;
	struct station_hw *hw;
};

static struct rig *make(unsigned int debounce_ms)
{
	struct rig *r = test_calloc(1, sizeof(*r));
	struct station_pins p = test_station_pins(2, SENSOR_NONE);
	char err[256];

	p.has_stop_button = true;
	test_pin(&p.stop_button, BTN_CHIP, BTN_LINE, true);
	p.stop_button_bias = GPIO_BIAS_PULL_UP;
	p.stop_button_debounce_ms = debounce_ms;
	r->gpio = gpio_sim_create();
	assert_non_null(r->gpio);
	r->hw = station_hw_create(r->gpio, "station 1", &p, err, sizeof(err));
	assert_non_null(r->hw);
	return r;
}

static int setup30(void **state)
{
	*state = make(30);
	return 0;
}

static int setup0(void **state)
{
	*state = make(0);
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	station_hw_destroy(r->hw);
	gpio_destroy(r->gpio);
	test_free(r);
	return 0;
}

/* Change the button's level at time t_ms (edge timestamps on the same clock
 * as the control loop's now_ms, as CLOCK_MONOTONIC gives in production). */
static void drive_at(struct rig *r, uint64_t t_ms, int level)
{
	gpio_sim_set_time_ns(r->gpio, t_ms * 1000000u);
	assert_int_equal(gpio_sim_set_input(r->gpio, BTN_CHIP, BTN_LINE, level), 0);
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

static void test_button_idle_is_not_pressed(void **state)
{
	struct rig *r = *state;

	for (uint64_t t = 0; t < 200; t += 20)
		assert_false(station_hw_button_pressed(r->hw, t));
}

static void test_button_press_counts_at_once_and_while_held(void **state)
{
	struct rig *r = *state;

	assert_false(station_hw_button_pressed(r->hw, 1000));
	drive_at(r, 1000, PRESSED);
	assert_true(station_hw_button_pressed(r->hw, 1000)); /* the leading edge: no delay */
	assert_true(station_hw_button_pressed(r->hw, 1020)); /* held */
	drive_at(r, 1070, RELEASED);
	assert_true(station_hw_button_pressed(r->hw, 1080));  /* release not settled yet */
	assert_false(station_hw_button_pressed(r->hw, 1110)); /* 30 ms after the read saw it */
	assert_false(station_hw_button_pressed(r->hw, 1140));
}

static void test_button_chatter_after_a_press_is_one_press(void **state)
{
	struct rig *r = *state;

	/* Contact bounce of 1-2 ms ending pressed: pressed at once, and stays. */
	drive_at(r, 300, PRESSED);
	drive_at(r, 301, RELEASED);
	drive_at(r, 302, PRESSED);
	assert_true(station_hw_button_pressed(r->hw, 310));
	/* Release with bounce: still pressed until 30 ms of quiet. */
	drive_at(r, 400, RELEASED);
	drive_at(r, 401, PRESSED);
	drive_at(r, 402, RELEASED);
	assert_true(station_hw_button_pressed(r->hw, 410));
	assert_true(station_hw_button_pressed(r->hw, 420));
	assert_false(station_hw_button_pressed(r->hw, 440));
	assert_false(station_hw_button_pressed(r->hw, 500));
}

static void test_button_short_opening_of_the_stop_circuit_fails_safe(void **state)
{
	struct rig *r = *state;

	/* A 1 ms opening (a loose wire) between two reads still stops. */
	drive_at(r, 45, PRESSED);
	drive_at(r, 46, RELEASED);
	assert_true(station_hw_button_pressed(r->hw, 60));
	/* The release seen at 60 settles 30 ms later. */
	assert_true(station_hw_button_pressed(r->hw, 80));
	assert_false(station_hw_button_pressed(r->hw, 100));
}

static void test_button_press_between_reads_is_not_lost(void **state)
{
	struct rig *r = *state;

	/* Pressed for 8 ms, entirely between two reads 20 ms apart. */
	drive_at(r, 1, PRESSED);
	drive_at(r, 9, RELEASED);
	assert_true(station_hw_button_pressed(r->hw, 20));
	assert_true(station_hw_button_pressed(r->hw, 40)); /* settling the release */
	assert_false(station_hw_button_pressed(r->hw, 60));
	assert_false(station_hw_button_pressed(r->hw, 120));
}

static void test_button_fd_wakes_on_press_and_is_drained(void **state)
{
	struct rig *r = *state;
	int fd = station_hw_button_fd(r->hw);

	assert_true(fd >= 0);
	assert_false(readable(fd));
	drive_at(r, 10, PRESSED);
	assert_true(readable(fd));
	(void)station_hw_button_pressed(r->hw, 10);
	assert_false(readable(fd));
}

static void test_button_without_debounce_reports_a_press_within_one_tick(void **state)
{
	struct rig *r = *state;

	assert_false(station_hw_button_pressed(r->hw, 0));
	drive_at(r, 5, PRESSED);
	drive_at(r, 6, RELEASED); /* shorter than a tick */
	assert_true(station_hw_button_pressed(r->hw, 20));
	assert_false(station_hw_button_pressed(r->hw, 40));
	drive_at(r, 50, PRESSED);
	assert_true(station_hw_button_pressed(r->hw, 50));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_button_idle_is_not_pressed, setup30, teardown),
	    cmocka_unit_test_setup_teardown(test_button_press_counts_at_once_and_while_held,
	                                    setup30, teardown),
	    cmocka_unit_test_setup_teardown(test_button_chatter_after_a_press_is_one_press, setup30,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_button_short_opening_of_the_stop_circuit_fails_safe, setup30, teardown),
	    cmocka_unit_test_setup_teardown(test_button_press_between_reads_is_not_lost, setup30,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_button_fd_wakes_on_press_and_is_drained, setup30,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_button_without_debounce_reports_a_press_within_one_tick, setup0, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

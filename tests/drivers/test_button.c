/* SPDX-License-Identifier: MIT */
/* The station stop button: edges, debounce on the control loop's clock. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
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

static void test_button_fd_stays_readable_until_every_edge_is_consumed(void **state)
{
	struct rig *r = *state;
	int fd = station_hw_button_fd(r->hw);

	/* 41 edges of contact bounce ending pressed: more than one read of
	 * the queue takes, fewer than the queue holds. */
	for (unsigned int i = 0; i < 41; i++)
		drive_at(r, 100 + i, i % 2 ? RELEASED : PRESSED);
	assert_true(readable(fd));
	assert_true(station_hw_button_pressed(r->hw, 150));
	assert_false(readable(fd));
	/* The release wakes the thread again; the debounce still decides
	 * when it has settled (30 ms after a read saw it). */
	drive_at(r, 200, RELEASED);
	assert_true(readable(fd));
	assert_true(station_hw_button_pressed(r->hw, 200));
	assert_false(readable(fd));
	assert_true(station_hw_button_pressed(r->hw, 220));
	assert_false(station_hw_button_pressed(r->hw, 230));
}

/* ---- the simulator's button, pressed from another thread ------------------ */

struct presser {
	struct boot_sim *sim;
	unsigned int toggles; /* press/release pairs; ends released */
};

static void *press_thread(void *arg)
{
	struct presser *p = arg;

	for (unsigned int i = 0; i < p->toggles; i++) {
		boot_sim_press_stop_button(p->sim, true);
		boot_sim_press_stop_button(p->sim, false);
	}
	return NULL;
}

struct sim_station {
	struct sim_hw *sim;
	struct station_hw *hw;
	struct boot_sim *boot;
};

static void sim_station_open(struct sim_station *s)
{
	struct station_pins p = test_station_pins(2, SENSOR_SIM);
	char err[256];

	/* An NC stop circuit to ground with a pull-up: open = pressed = HIGH. */
	p.has_stop_button = true;
	test_pin(&p.stop_button, BTN_CHIP, BTN_LINE, false);
	p.stop_button_bias = GPIO_BIAS_PULL_UP;
	p.stop_button_debounce_ms = 20;
	s->sim = sim_hw_create();
	assert_non_null(s->sim);
	assert_int_equal(sim_hw_add_station(s->sim, &p, NULL, err, sizeof(err)), 0);
	s->boot = sim_hw_boot(s->sim, 0);
	s->hw = station_hw_create_with(sim_hw_gpio(s->sim), sim_hw_sensors(s->sim), "station 1", &p,
	                               err, sizeof(err));
	assert_non_null(s->hw);
}

static void sim_station_close(struct sim_station *s)
{
	station_hw_destroy(s->hw);
	sim_hw_destroy(s->sim);
}

static void test_button_sim_press_from_another_thread_wakes_the_poll(void **state)
{
	struct sim_station s;
	struct presser p;
	pthread_t t;
	int fd;

	(void)state;
	sim_station_open(&s);
	fd = station_hw_button_fd(s.hw);
	assert_true(fd >= 0);
	assert_false(station_hw_button_pressed(s.hw, 0)); /* the circuit is closed */
	assert_false(readable(fd));
	p = (struct presser){.sim = s.boot, .toggles = 1};
	assert_int_equal(pthread_create(&t, NULL, press_thread, &p), 0);
	/* Blocks until the other thread's edge arrives (5 s only as a guard). */
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(station_hw_button_pressed(s.hw, 20)); /* the press, though released */
	assert_false(readable(fd));
	assert_true(station_hw_button_pressed(s.hw, 30));  /* the release settles */
	assert_false(station_hw_button_pressed(s.hw, 40)); /* 20 ms after a read saw it */
	sim_station_close(&s);
}

static void test_button_sim_presses_racing_the_reader_lose_no_wake(void **state)
{
	struct sim_station s;
	struct presser p;
	unsigned int wakes = 0;
	uint64_t now = 0;
	pthread_t t;
	int fd;

	(void)state;
	sim_station_open(&s);
	fd = station_hw_button_fd(s.hw);
	p = (struct presser){.sim = s.boot, .toggles = 5000};
	assert_int_equal(pthread_create(&t, NULL, press_thread, &p), 0);
	/* Consume as the control thread would, while the presses race it. */
	for (int i = 0; i < 200; i++) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (poll(&pfd, 1, 1) == 1) {
			wakes++;
			now += 1;
			assert_true(station_hw_button_pressed(s.hw, now));
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	/* Every edge is either consumed or still makes the fd readable. */
	(void)station_hw_button_pressed(s.hw, now + 1);
	assert_false(readable(fd));
	assert_true(wakes >= 1);
	assert_false(station_hw_button_pressed(s.hw, now + 100)); /* ended released */
	sim_station_close(&s);
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
	        test_button_fd_stays_readable_until_every_edge_is_consumed, setup30, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_button_without_debounce_reports_a_press_within_one_tick, setup0, teardown),
	    cmocka_unit_test(test_button_sim_press_from_another_thread_wakes_the_poll),
	    cmocka_unit_test(test_button_sim_presses_racing_the_reader_lose_no_wake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

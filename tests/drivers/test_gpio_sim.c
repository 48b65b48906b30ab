/* SPDX-License-Identifier: MIT */
/* The GPIO seam on the simulated backend: polarity, ownership, edges, faults. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/gpio.h"
#include "drivers/sim/gpio_sim.h"

static int setup(void **state)
{
	*state = gpio_sim_create();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	gpio_destroy(*state);
	return 0;
}

static struct gpio_line_config out_line(const char *chip, unsigned int offset, bool active_low,
                                        const char *name)
{
	return (struct gpio_line_config){
	    .chip = chip,
	    .offset = offset,
	    .direction = GPIO_DIR_OUTPUT,
	    .active_low = active_low,
	    .initial_value = 0,
	    .name = name,
	};
}

static struct gpio_line_config in_line(const char *chip, unsigned int offset, bool active_low,
                                       enum gpio_bias bias, enum gpio_edge edge, const char *name)
{
	return (struct gpio_line_config){
	    .chip = chip,
	    .offset = offset,
	    .direction = GPIO_DIR_INPUT,
	    .active_low = active_low,
	    .bias = bias,
	    .edge = edge,
	    .name = name,
	};
}

static bool fd_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_gpio_sim_backend_name(void **state)
{
	assert_string_equal(gpio_backend_name(*state), "simulator");
	assert_true(gpio_sim_is(*state));
	assert_false(gpio_sim_is(NULL));
}

static void test_gpio_sim_active_low_output_inverts_electrical_level(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg[2] = {
	    out_line("gpiochip0", 5, true, "pump"),
	    out_line("gpiochip0", 6, false, "exhaust"),
	};
	struct gpio_request *req;
	int el, lo, v;
	char err[256];

	req = gpio_request_lines(gpio, "test", cfg, 2, err, sizeof(err));
	assert_non_null(req);
	/* Requested at logical 0: the active-low pin sits HIGH. */
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 5, &el, &lo), 0);
	assert_int_equal(el, 1);
	assert_int_equal(lo, 0);
	assert_int_equal(gpio_request_set(req, 0, 1), 0);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 5, &el, &lo), 0);
	assert_int_equal(el, 0);
	assert_int_equal(lo, 1);
	assert_int_equal(gpio_request_get(req, 0, &v), 0);
	assert_int_equal(v, 1);

	assert_int_equal(gpio_request_set_all(req, (const int[]){0, 1}), 0);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 5, &el, NULL), 0);
	assert_int_equal(el, 1);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 6, &el, NULL), 0);
	assert_int_equal(el, 1);
	gpio_request_release(req);
	/* Released: nobody drives it any more. */
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 5, &el, NULL), -ENOENT);
}

static void test_gpio_sim_active_low_input_and_bias(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg[2] = {
	    in_line("gpiochip0", 4, true, GPIO_BIAS_PULL_UP, GPIO_EDGE_NONE, "button"),
	    in_line("gpiochip0", 3, false, GPIO_BIAS_PULL_DOWN, GPIO_EDGE_NONE, "data"),
	};
	struct gpio_request *req;
	char err[256];
	int v;

	req = gpio_request_lines(gpio, "test", cfg, 2, err, sizeof(err));
	assert_non_null(req);
	/* Pulled up, active low: released button reads 0. */
	assert_int_equal(gpio_request_get(req, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 4, 0), 0);
	assert_int_equal(gpio_request_get(req, 0, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 4, -1), 0); /* float to bias */
	assert_int_equal(gpio_request_get(req, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(gpio_request_get(req, 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 3, 1), 0);
	assert_int_equal(gpio_request_get(req, 1, &v), 0);
	assert_int_equal(v, 1);
	/* Inputs cannot be written. */
	assert_int_equal(gpio_request_set(req, 1, 1), -EINVAL);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 3, 2), -EINVAL);
	gpio_request_release(req);
}

static void test_gpio_sim_busy_line_error_names_the_holder(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config mine = out_line("gpiochip0", 17, false, "station 1 zone 1 valve");
	struct gpio_line_config theirs[2] = {
	    out_line("gpiochip0", 5, false, "station 2 pump"),
	    out_line("gpiochip0", 17, false, "station 2 zone 3 valve"),
	};
	struct gpio_request *a, *b;
	char err[256];

	a = gpio_request_lines(gpio, "fan-daemon", &mine, 1, err, sizeof(err));
	assert_non_null(a);
	assert_string_equal(gpio_sim_consumer(gpio, "gpiochip0", 17), "fan-daemon");
	errno = 0;
	b = gpio_request_lines(gpio, "recovery-kiosk", theirs, 2, err, sizeof(err));
	assert_null(b);
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(err, "station 2 zone 3 valve"));
	assert_non_null(strstr(err, "gpiochip0 line 17"));
	assert_non_null(strstr(err, "\"fan-daemon\""));
	assert_non_null(strstr(err, "station 1 zone 1 valve"));
	/* The failed request gave back the line it had taken first. */
	assert_null(gpio_sim_consumer(gpio, "gpiochip0", 5));

	gpio_request_release(a);
	b = gpio_request_lines(gpio, "recovery-kiosk", theirs, 2, err, sizeof(err));
	assert_non_null(b);
	assert_string_equal(gpio_sim_consumer(gpio, "gpiochip0", 17), "recovery-kiosk");
	gpio_request_release(b);
}

static void test_gpio_sim_same_line_twice_in_one_request_fails(void **state)
{
	struct gpio_line_config cfg[2] = {
	    out_line("gpiochip0", 9, false, "station 1 pump"),
	    out_line("/dev/gpiochip0", 9, false, "station 1 exhaust valve"),
	};
	char err[256];

	assert_null(gpio_request_lines(*state, "k", cfg, 2, err, sizeof(err)));
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(err, "station 1 exhaust valve"));
	assert_non_null(strstr(err, "station 1 pump"));
	/* No message buffer is fine too. */
	errno = 0;
	assert_null(gpio_request_lines(*state, "k", cfg, 2, NULL, 0));
	assert_int_equal(errno, EBUSY);
}

static void test_gpio_sim_chip_by_label_path_and_range(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg = out_line("mcp23017", 3, false, "station 5 pump");
	struct gpio_request *req;
	char err[256];
	int el;

	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip2", "mcp23017", 16), 0);
	assert_int_equal(gpio_sim_add_chip(gpio, "gpiochip2", NULL, 16), -EEXIST);
	req = gpio_request_lines(gpio, "k", &cfg, 1, err, sizeof(err));
	assert_non_null(req);
	assert_int_equal(gpio_request_set(req, 0, 1), 0);
	assert_int_equal(gpio_sim_output(gpio, "/dev/gpiochip2", 3, &el, NULL), 0);
	assert_int_equal(el, 1);
	gpio_request_release(req);

	cfg.offset = 16;
	assert_null(gpio_request_lines(gpio, "k", &cfg, 1, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "station 5 pump"));
	assert_non_null(strstr(err, "line 16 does not exist on gpiochip2"));
	assert_non_null(strstr(err, "0-15"));
}

static void test_gpio_sim_edges_queue_events_and_wake_fd(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg[3] = {
	    out_line("gpiochip0", 5, false, "pump"),
	    in_line("gpiochip0", 4, true, GPIO_BIAS_PULL_UP, GPIO_EDGE_RISING, "button"),
	    in_line("gpiochip0", 7, false, GPIO_BIAS_PULL_DOWN, GPIO_EDGE_BOTH, "door"),
	};
	struct gpio_edge_event ev[8];
	struct gpio_request *req;
	char err[256];
	int fd;

	gpio_sim_set_time_ns(gpio, 5000000);
	req = gpio_request_lines(gpio, "k", cfg, 3, err, sizeof(err));
	assert_non_null(req);
	fd = gpio_request_event_fd(req);
	assert_true(fd >= 0);
	assert_false(fd_readable(fd));

	/* Button pressed: pin pulled low, logical 0 -> 1, a rising edge. */
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 4, 0), 0);
	assert_true(fd_readable(fd));
	assert_int_equal(gpio_request_read_events(req, ev, 8), 1);
	assert_int_equal(ev[0].index, 1);
	assert_int_equal(ev[0].value, 1);
	assert_int_equal(ev[0].time_ns, 5000000);
	assert_false(fd_readable(fd));

	/* Released: a falling edge, which RISING does not report. */
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 4, 1), 0);
	assert_false(fd_readable(fd));
	assert_int_equal(gpio_request_read_events(req, ev, 8), 0);

	/* BOTH reports both, in order; the same level again is no edge. */
	gpio_sim_set_time_ns(gpio, 6000000);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 7, 1), 0);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 7, 1), 0);
	assert_int_equal(gpio_sim_set_input(gpio, "gpiochip0", 7, 0), 0);
	assert_int_equal(gpio_request_read_events(req, ev, 1), 1);
	assert_int_equal(ev[0].index, 2);
	assert_int_equal(ev[0].value, 1);
	assert_true(fd_readable(fd)); /* one still queued */
	assert_int_equal(gpio_request_read_events(req, ev, 8), 1);
	assert_int_equal(ev[0].value, 0);
	assert_false(fd_readable(fd));
	gpio_request_release(req);
}

static void test_gpio_sim_request_without_edges_has_no_fd(void **state)
{
	struct gpio_line_config cfg =
	    in_line("gpiochip0", 3, false, GPIO_BIAS_AS_IS, GPIO_EDGE_NONE, "data");
	struct gpio_request *req;
	struct gpio_edge_event ev;
	char err[256];

	req = gpio_request_lines(*state, "k", &cfg, 1, err, sizeof(err));
	assert_non_null(req);
	assert_int_equal(gpio_request_event_fd(req), -1);
	assert_true(gpio_request_read_events(req, &ev, 1) < 0);
	gpio_request_release(req);
}

static void test_gpio_sim_failing_write_fails_its_chip_only(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg[3] = {
	    out_line("gpiochip0", 5, false, "pump"),
	    out_line("gpiochip0", 6, false, "exhaust"),
	    out_line("gpiochip1", 2, false, "zone on an expander"),
	};
	struct gpio_request *req;
	char err[256];
	int el;

	req = gpio_request_lines(gpio, "k", cfg, 3, err, sizeof(err));
	assert_non_null(req);
	assert_int_equal(gpio_sim_set_write_error(gpio, "gpiochip0", 6, EIO), 0);
	assert_int_equal(gpio_request_set(req, 1, 1), -EIO);
	assert_int_equal(gpio_request_set(req, 0, 1), 0); /* other lines still work alone */

	assert_int_equal(gpio_request_set_all(req, (const int[]){0, 1, 1}), -EIO);
	/* gpiochip0 is all-or-nothing: the pump kept its level ... */
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 5, &el, NULL), 0);
	assert_int_equal(el, 1);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 6, &el, NULL), 0);
	assert_int_equal(el, 0);
	/* ... while gpiochip1 took its value. */
	assert_int_equal(gpio_sim_output(gpio, "gpiochip1", 2, &el, NULL), 0);
	assert_int_equal(el, 1);

	assert_int_equal(gpio_sim_set_write_error(gpio, "gpiochip0", 6, 0), 0);
	assert_int_equal(gpio_request_set_all(req, (const int[]){0, 1, 0}), 0);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 6, &el, NULL), 0);
	assert_int_equal(el, 1);
	gpio_request_release(req);
}

struct hook_log {
	int calls;
	int last;
};

static void record_hook(void *ctx, struct gpio_sim_line *line, int electrical)
{
	struct hook_log *log = ctx;

	(void)line;
	log->calls++;
	log->last = electrical;
}

static void test_gpio_sim_hook_sees_electrical_changes(void **state)
{
	struct gpio *gpio = *state;
	struct gpio_line_config cfg = out_line("gpiochip0", 13, true, "clock");
	struct gpio_sim_line *line = gpio_sim_line_get(gpio, "gpiochip0", 13);
	struct hook_log log = {0, -1};
	struct gpio_request *req;
	char err[256];

	assert_non_null(line);
	assert_int_equal(gpio_sim_line_driven(line), -1);
	gpio_sim_line_set_hook(line, record_hook, &log);
	req = gpio_request_lines(gpio, "k", &cfg, 1, err, sizeof(err));
	assert_non_null(req);
	assert_int_equal(log.calls, 1); /* the request drives the initial level */
	assert_int_equal(log.last, 1);
	assert_int_equal(gpio_request_set(req, 0, 0), 0); /* same level: no call */
	assert_int_equal(log.calls, 1);
	assert_int_equal(gpio_request_set(req, 0, 1), 0);
	assert_int_equal(log.calls, 2);
	assert_int_equal(log.last, 0);
	assert_int_equal(gpio_sim_line_driven(line), 0);
	gpio_request_release(req);
	assert_int_equal(gpio_sim_line_driven(line), -1);
	assert_null(gpio_sim_line_get(gpio, "gpiochip0", GPIO_SIM_DEFAULT_LINES));
	assert_int_equal(errno, ERANGE);
}

static void test_gpio_sim_backdoors_refuse_other_backends(void **state)
{
	(void)state;
	assert_int_equal(gpio_sim_set_input(NULL, "gpiochip0", 1, 1), -EINVAL);
	assert_null(gpio_sim_line_get(NULL, "gpiochip0", 1));
	gpio_request_release(NULL);
	gpio_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_gpio_sim_backend_name),
	    T(test_gpio_sim_active_low_output_inverts_electrical_level),
	    T(test_gpio_sim_active_low_input_and_bias),
	    T(test_gpio_sim_busy_line_error_names_the_holder),
	    T(test_gpio_sim_same_line_twice_in_one_request_fails),
	    T(test_gpio_sim_chip_by_label_path_and_range),
	    T(test_gpio_sim_edges_queue_events_and_wake_fd),
	    T(test_gpio_sim_request_without_edges_has_no_fd),
	    T(test_gpio_sim_failing_write_fails_its_chip_only),
	    T(test_gpio_sim_hook_sees_electrical_changes),
	    T(test_gpio_sim_backdoors_refuse_other_backends),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

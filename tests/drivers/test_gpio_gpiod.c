/* SPDX-License-Identifier: MIT */
/* The libgpiod backend where no GPIO chip is needed: its errors.  The
 * behaviour on real lines is tested under qemu with the kernel's gpio-sim
 * (tests/kernel). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/gpio.h"
#include "drivers/gpio_gpiod.h"

static int setup(void **state)
{
	*state = gpio_gpiod_create();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	gpio_destroy(*state);
	return 0;
}

static void expect_chip_error(struct gpio *gpio, const char *chip)
{
	struct gpio_line_config c = {
	    .chip = chip,
	    .offset = 5,
	    .direction = GPIO_DIR_OUTPUT,
	    .name = "station 7 pump",
	};
	char err[512];

	errno = 0;
	assert_null(gpio_request_lines(gpio, "recovery-kiosk", &c, 1, err, sizeof(err)));
	assert_int_not_equal(errno, 0);
	print_message("%s -> %s\n", chip, err);
	assert_non_null(strstr(err, "station 7 pump"));
	assert_non_null(strstr(err, chip));
}

static void test_gpio_gpiod_backend_name(void **state)
{
	assert_string_equal(gpio_backend_name(*state), KIOSK_EXPECTED_GPIOD_NAME);
}

static void test_gpio_gpiod_missing_chip_error_names_line_chip_and_fix(void **state)
{
	struct gpio_line_config c = {
	    .chip = "no-such-expander",
	    .offset = 5,
	    .direction = GPIO_DIR_OUTPUT,
	    .name = "station 7 pump",
	};
	char err[512];

	expect_chip_error(*state, "no-such-expander");
	expect_chip_error(*state, "gpiochip97");
	expect_chip_error(*state, "/dev/gpiochip98");
	expect_chip_error(*state, "99");
	assert_null(gpio_request_lines(*state, "k", &c, 1, err, sizeof(err)));
	assert_true(strstr(err, "gpiodetect") || strstr(err, "permission") ||
	            strstr(err, "cannot"));
}

static void test_gpio_gpiod_rejects_empty_chip_and_huge_requests(void **state)
{
	struct gpio_line_config c[65];
	char err[512];

	memset(c, 0, sizeof(c));
	c[0].name = "station 1 exhaust valve";
	assert_null(gpio_request_lines(*state, "k", c, 1, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "station 1 exhaust valve"));
	assert_non_null(strstr(err, "no GPIO chip"));
	assert_null(gpio_request_lines(*state, "k", c, 65, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_null(gpio_request_lines(*state, "k", c, 0, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_gpio_gpiod_backend_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_gpio_gpiod_missing_chip_error_names_line_chip_and_fix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gpio_gpiod_rejects_empty_chip_and_huge_requests,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The libgpiod 1.6 backend of the GPIO seam (gpio.h): the only code that
 * includes <gpiod.h>.  Lines are found by chip path ("/dev/gpiochip0"), name
 * ("gpiochip0"), number ("0") or label ("pinctrl-bcm2711"); a request opens
 * its chips and groups its lines into one kernel request per chip and kind
 * (direction, active-low, bias, edge), so set_all is one ioctl per chip for a
 * uniformly wired station.  Edge timestamps are CLOCK_MONOTONIC (Linux 5.7+).
 *
 * Errors name the line (gpio_line_config.name), the chip and offset, the
 * consumer already holding a busy line, and the fix.
 *
 * Threading: one thread uses a request, like every backend.
 */
#ifndef DRIVERS_GPIO_GPIOD_H
#define DRIVERS_GPIO_GPIOD_H

#include "drivers/gpio.h"

/* The backend; chips are opened per request.  NULL + errno (ENOMEM).
 * Destroy with gpio_destroy(). */
struct gpio *gpio_gpiod_create(void);

#endif

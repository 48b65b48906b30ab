/* SPDX-License-Identifier: MIT */
/*
 * For GPIO backends only: the base structs every backend embeds as its FIRST
 * member, so gpio.c can dispatch through the ops pointer without knowing the
 * backend.  Nothing outside drivers/ includes this file.
 */
#ifndef DRIVERS_GPIO_PRIVATE_H
#define DRIVERS_GPIO_PRIVATE_H

#include "drivers/gpio.h"

struct gpio {
	const struct gpio_ops *ops;
};

struct gpio_request {
	const struct gpio_ops *ops;
};

#endif

/* SPDX-License-Identifier: MIT */
/*
 * `recovery-kiosk --check-config` looks at the hardware it can see, without
 * requesting or driving anything: every chip the config names is opened
 * read-only (by path, name, number or label), every line is checked against
 * the chip's line count and for another consumer already holding it, and on
 * the Raspberry Pi's header chip (pinctrl-bcm2711, pinctrl-bcm2835,
 * pinctrl-rp1) a line number past the header's GPIO 0-27 is taken for a
 * physical pin number and named with the BCM GPIO it maps to.  A simulated
 * pressure sensor (sensor = sim) is refused outside --sim.
 *
 * Each problem is one line "<config>:<line>: [station.N] <role>: what; fix"
 * on report; a line held by recovery-kiosk itself (the service running
 * while the installer checks) is a note, not a problem.
 *
 * Threading: a blocking routine for a process that runs nothing else.
 */
#ifndef KIOSK_SERVICE_HW_CHECK_H
#define KIOSK_SERVICE_HW_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "core/settings.h"
#include "drivers/gpio.h"

/* The consumer name the kiosk requests its lines under. */
#define HW_CHECK_OWN_CONSUMER "recovery-kiosk"

/* The BCM GPIO on physical pin `pin` of the 40-pin header (1-40), or
 * HW_HEADER_GROUND, HW_HEADER_3V3, HW_HEADER_5V, or -ERANGE past pin 40. */
#define HW_HEADER_GROUND (-1)
#define HW_HEADER_3V3 (-2)
#define HW_HEADER_5V (-3)
int hw_check_header_pin_gpio(unsigned int pin);

/* True for the label of a Raspberry Pi's header GPIO chip. */
bool hw_check_is_header_chip(const char *label);

/* Number of problems found (0 = the hardware matches the config), each
 * written to report (may be NULL), then a summary line; -EINVAL or -ENOMEM
 * when it cannot look.  sim: the kiosk runs on the simulator (then
 * sensor = sim is allowed). */
int hw_check_run(const struct kiosk_config *cfg, struct gpio *gpio, bool sim, FILE *report);

#endif

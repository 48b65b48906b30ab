/* SPDX-License-Identifier: MIT */
/*
 * The in-VM kernel test's shared parts (see gpio_kernel_test.c): the
 * gpio-sim chip's wiring, the test's state, reporting, and gpio-sim through
 * configfs and sysfs (ktest_gpio_sim.c).
 */
#ifndef TESTS_KERNEL_KTEST_H
#define TESTS_KERNEL_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/controller.h"

#define CFS_DEV "/sys/kernel/config/gpio-sim/kiosk"
#define SIM_LABEL "kiosk-gpio" /* every pin below names the chip by this label */
#define SIM_LINES 24u
#define HOG_NAME "ktest-hog"
#define OTHER_CONSUMER "other-daemon"

/* The chip's wiring.  A: five zones, active-high, NC stop button closed.
 * B: two zones, every output active-low, NC stop button left open.
 * C and D exist only to collide with other holders. */
enum {
	L_A_PUMP = 0,
	L_A_EXHAUST = 1,
	L_A_ZONE1 = 2, /* zones 1..5 on 2..6, foot first */
	L_A_BUTTON = 7,
	L_B_PUMP = 8,
	L_B_EXHAUST = 9,
	L_B_ZONE1 = 10, /* zones 1..2 on 10..11 */
	L_B_BUTTON = 12,
	L_C_PUMP = 16,
	L_C_EXHAUST = 17, /* hogged by the kernel as HOG_NAME */
	L_C_ZONE1 = 18,
	L_D_PUMP = 19,
	L_D_EXHAUST = 20,
	L_D_ZONE1 = 21, /* held by another process as OTHER_CONSUMER */
};
#define A_ZONES 5u
#define B_ZONES 2u
#define A_OUTPUTS (2u + A_ZONES)

#define EVENT_LOG 256u

struct ktest {
	char sim_dir[160]; /* /sys/devices/platform/<dev>/<chip> */
	int failures;
	uint64_t now_ms; /* the controller's clock: its last tick deadline */
	uint64_t created_ms;
	char nc_start[200]; /* what nc_open_at_start_locks saw at start */
	bool nc_start_ok;
	struct controller *ctl;
	uint64_t cursor;
	struct kiosk_event events[EVENT_LOG];
	size_t event_count; /* total seen; events[] keeps the last EVENT_LOG */
};

/* One line per check on stdout: KTEST PASS <name> (<detail>) or
 * KTEST FAIL <name>: <detail> (counted in kt->failures).  Returns ok. */
__attribute__((format(printf, 4, 5))) bool check(struct ktest *kt, const char *name, bool ok,
                                                 const char *fmt, ...);

/* The kernel's view of a line: its electrical level, 0 or 1 (or -errno). */
int sim_value(const struct ktest *kt, unsigned int line);
/* What the outside world does to an input: pull it up or down. */
int sim_pull(const struct ktest *kt, unsigned int line, bool up);
/* Kernel-side levels of lines first..first+n-1 as a string like "0110". */
void sim_levels(const struct ktest *kt, unsigned int first, unsigned int n, char *out);
/* The gpio-sim chip through configfs (labelled SIM_LABEL, named lines, the
 * hog); sets kt->sim_dir.  0 or -errno. */
int sim_chip_create(struct ktest *kt);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal to config.c: reading and checking one [station.N] section of
 * kiosk.conf, the GPIO line syntax, and the cross-station checks (a line
 * used twice).  Not a public contract: use config.h.
 *
 * Line syntax: "[chip:]offset".  A bare offset is on the station's chip
 * (key chip, default gpiochip0); "mcp23017:3" names the chip.  In a list
 * (zones = ...) a chip named on one item carries on to the items after it:
 * "zones = mcp23017:0, 1, 2, 3" puts all four on mcp23017.
 */
#ifndef KIOSK_CONFIG_CONFIG_STATION_H
#define KIOSK_CONFIG_CONFIG_STATION_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct ini_file;

enum station_key {
	SK_NAME,
	SK_CHIP,
	SK_PUMP,
	SK_EXHAUST,
	SK_ZONES,
	SK_ZONE1, /* zone1 .. zone8: one line per key, foot first */
	SK_ZONE8 = SK_ZONE1 + STATION_MAX_ZONES - 1,
	SK_ACTIVE_LOW,
	SK_SENSOR,
	SK_SENSOR_CLOCK,
	SK_SENSOR_DATA,
	SK_SENSOR_OFFSET,
	SK_SENSOR_SCALE,
	SK_OPEN_LOOP,
	SK_STOP_BUTTON,
	SK_STOP_ACTIVE_LOW,
	SK_STOP_BIAS,
	SK_STOP_DEBOUNCE,
	SK_COUNT
};

struct station_build {
	struct station_config cfg;
	char chip[64]; /* chip for lines given without "chip:" */
	unsigned int section_line;
	unsigned int key_line[SK_COUNT]; /* 0 = not set */
	unsigned int active_low_roles;   /* STATION_AL_* bits */
	unsigned int active_low_zones;   /* bit k = zone k+1 */
};

/* [station.<number_text>] on the current line: check the number (and that
 * no earlier station has it), and fill sb with the station defaults. */
int station_build_begin(struct ini_file *f, struct station_build *sb, const char *number_text,
                        const struct station_build *earlier, size_t earlier_count);
int station_build_key(struct ini_file *f, struct station_build *sb, const char *key,
                      const char *value);
/* Required keys, sensor/open-loop/button rules, active-low roles, chips, and
 * every GPIO line used at most once across all stations. */
int station_build_finish_all(struct ini_file *f, struct station_build *all, size_t count,
                             const struct kiosk_limits *limits);
void station_build_sort(struct station_build *all, size_t count); /* by station number */

void station_config_describe(const struct station_config *st, char *out, size_t len);

#endif

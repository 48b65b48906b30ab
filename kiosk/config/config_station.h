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
	SK_RELIEF,
	SK_STOP_BUTTON,
	SK_STOP_ACTIVE_LOW,
	SK_STOP_BIAS,
	SK_STOP_DEBOUNCE,
	SK_SIM_FAULT,
	SK_COUNT
};

/* active_low roles (struct station_build.active_low_roles). */
enum {
	STATION_AL_PUMP = 1u << 0,
	STATION_AL_EXHAUST = 1u << 1,
	STATION_AL_ZONES = 1u << 2,
	STATION_AL_SENSOR_CLOCK = 1u << 3,
	STATION_AL_SENSOR_DATA = 1u << 4,
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

/* The pieces of the line syntax, shared with the tolerant pin-map reader
 * (config/pin_map_file.c).  station_next_item: the next comma-separated item
 * of *p, trimmed, into buf; 1 for an item, 0 at the end, -1 when it does not
 * fit.  station_parse_pin: one "[chip:]offset" item; a chip named there is
 * copied into carry, and carry ("" = the station's chip) into pin->chip.
 * station_parse_active_low: the roles of "active_low = ..." into sb.  Both
 * parsers return 0, or -1 after ini_file_fail(). */
int station_next_item(const char **p, char *buf, size_t len);
int station_parse_pin(struct ini_file *f, const char *key, const char *item, struct gpio_pin *pin,
                      char *carry, size_t carry_len);
int station_parse_active_low(struct ini_file *f, struct station_build *sb, const char *value);

void station_config_describe(const struct station_config *st, char *out, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The pin map: every output line the kiosk drives (each station's pump,
 * exhaust and zone valves), with its chip, offset and polarity, and nothing
 * else.  It is all the safe state needs: `recovery-kiosk --safe-state`
 * drives each line of the map to its de-energised level, so venting never
 * depends on the rest of the configuration being valid.
 *
 * A line appears once: adding a line already in the map (the same chip and
 * offset, "/dev/gpiochip0" and "gpiochip0" being one chip) keeps the first
 * entry.  Plain data with pure helpers; config/pin_map_file.h reads and
 * writes it, service/safe_state.h drives it.
 *
 * Threading: the caller's; no shared state.
 */
#ifndef KIOSK_CORE_PIN_MAP_H
#define KIOSK_CORE_PIN_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/settings.h"

/* Twice a kiosk's stations: the map of the kiosk that ran last and the
 * current kiosk.conf may name different stations. */
#define PIN_MAP_MAX_STATIONS (2 * KIOSK_MAX_STATIONS)
#define PIN_MAP_MAX_LINES (PIN_MAP_MAX_STATIONS * (2 + STATION_MAX_ZONES))

enum pin_map_role { PIN_ROLE_PUMP, PIN_ROLE_EXHAUST, PIN_ROLE_ZONE };

struct pin_map_line {
	unsigned int station; /* N of [station.N]; 0 when the number was unreadable */
	enum pin_map_role role;
	unsigned int zone; /* PIN_ROLE_ZONE: 1 (foot) .. STATION_MAX_ZONES */
	struct gpio_pin pin;
};

struct pin_map_station {
	unsigned int number;
	char name[32];
};

struct pin_map {
	struct pin_map_station stations[PIN_MAP_MAX_STATIONS];
	size_t station_count;
	struct pin_map_line lines[PIN_MAP_MAX_LINES];
	size_t count;
};

void pin_map_init(struct pin_map *m);

/* The station's entry, added with name (NULL = "Station N") when new.
 * NULL when the map holds PIN_MAP_MAX_STATIONS already. */
struct pin_map_station *pin_map_station(struct pin_map *m, unsigned int number, const char *name);

/* Add one line.  0 when added, 1 when the line is already in the map (the
 * first entry stays), -EINVAL for an empty chip, -ENOSPC when full. */
int pin_map_add(struct pin_map *m, unsigned int station, enum pin_map_role role, unsigned int zone,
                const struct gpio_pin *pin);

/* Every output line of every station of cfg. */
void pin_map_from_config(struct pin_map *m, const struct kiosk_config *cfg);

/* Add every station and line of from that into does not have yet. */
void pin_map_merge(struct pin_map *into, const struct pin_map *from);

/* The entry already in the map for this line, or NULL. */
const struct pin_map_line *pin_map_find(const struct pin_map *m, const struct gpio_pin *pin);

/* "pump", "exhaust", "zone" */
const char *pin_map_role_name(enum pin_map_role role);

/* "/dev/gpiochip0" and "gpiochip0" are the same chip: the name without
 * "/dev/". */
const char *pin_map_chip_key(const char *chip);

#endif

/* SPDX-License-Identifier: MIT */
#include "core/pin_map.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void pin_map_init(struct pin_map *m)
{
	memset(m, 0, sizeof(*m));
}

const char *pin_map_chip_key(const char *chip)
{
	return strncmp(chip, "/dev/", 5) == 0 ? chip + 5 : chip;
}

struct pin_map_station *pin_map_station(struct pin_map *m, unsigned int number, const char *name)
{
	struct pin_map_station *s;

	for (size_t i = 0; i < m->station_count; i++)
		if (m->stations[i].number == number)
			return &m->stations[i];
	if (m->station_count == PIN_MAP_MAX_STATIONS)
		return NULL;
	s = &m->stations[m->station_count++];
	s->number = number;
	if (name && name[0])
		snprintf(s->name, sizeof(s->name), "%s", name);
	else
		snprintf(s->name, sizeof(s->name), "Station %u", number);
	return s;
}

const struct pin_map_line *pin_map_find(const struct pin_map *m, const struct gpio_pin *pin)
{
	const char *key = pin_map_chip_key(pin->chip);

	for (size_t i = 0; i < m->count; i++) {
		const struct pin_map_line *l = &m->lines[i];
		if (l->pin.offset == pin->offset && strcmp(pin_map_chip_key(l->pin.chip), key) == 0)
			return l;
	}
	return NULL;
}

int pin_map_add(struct pin_map *m, unsigned int station, enum pin_map_role role, unsigned int zone,
                const struct gpio_pin *pin)
{
	struct pin_map_line *l;

	if (pin->chip[0] == '\0')
		return -EINVAL;
	if (pin_map_find(m, pin))
		return 1;
	if (m->count == PIN_MAP_MAX_LINES || !pin_map_station(m, station, NULL))
		return -ENOSPC;
	l = &m->lines[m->count++];
	l->station = station;
	l->role = role;
	l->zone = role == PIN_ROLE_ZONE ? zone : 0;
	l->pin = *pin;
	return 0;
}

void pin_map_from_config(struct pin_map *m, const struct kiosk_config *cfg)
{
	for (size_t s = 0; s < cfg->station_count && s < KIOSK_MAX_STATIONS; s++) {
		const struct station_config *st = &cfg->stations[s];
		const struct station_pins *p = &st->pins;

		pin_map_station(m, st->number, st->name);
		(void)pin_map_add(m, st->number, PIN_ROLE_PUMP, 0, &p->pump);
		(void)pin_map_add(m, st->number, PIN_ROLE_EXHAUST, 0, &p->exhaust);
		for (size_t z = 0; z < p->zone_count && z < STATION_MAX_ZONES; z++)
			(void)pin_map_add(m, st->number, PIN_ROLE_ZONE, (unsigned int)z + 1,
			                  &p->zones[z]);
	}
}

void pin_map_merge(struct pin_map *into, const struct pin_map *from)
{
	for (size_t i = 0; i < from->station_count; i++)
		pin_map_station(into, from->stations[i].number, from->stations[i].name);
	for (size_t i = 0; i < from->count; i++) {
		const struct pin_map_line *l = &from->lines[i];
		(void)pin_map_add(into, l->station, l->role, l->zone, &l->pin);
	}
}

const char *pin_map_role_name(enum pin_map_role role)
{
	switch (role) {
	case PIN_ROLE_PUMP:
		return "pump";
	case PIN_ROLE_EXHAUST:
		return "exhaust";
	case PIN_ROLE_ZONE:
		return "zone";
	}
	return "line";
}

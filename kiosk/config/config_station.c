/* SPDX-License-Identifier: MIT */
#include "config/config_station.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/ini_file.h"
#include "core/safety.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LINE_OFFSET_MAX 1023u

static const char *const station_keys[SK_COUNT] = {
    [SK_NAME] = "name",
    [SK_CHIP] = "chip",
    [SK_PUMP] = "pump",
    [SK_EXHAUST] = "exhaust",
    [SK_ZONES] = "zones",
    [SK_ZONE1] = "zone1",
    [SK_ZONE1 + 1] = "zone2",
    [SK_ZONE1 + 2] = "zone3",
    [SK_ZONE1 + 3] = "zone4",
    [SK_ZONE1 + 4] = "zone5",
    [SK_ZONE1 + 5] = "zone6",
    [SK_ZONE1 + 6] = "zone7",
    [SK_ZONE8] = "zone8",
    [SK_ACTIVE_LOW] = "active_low",
    [SK_SENSOR] = "sensor",
    [SK_SENSOR_CLOCK] = "sensor_clock",
    [SK_SENSOR_DATA] = "sensor_data",
    [SK_SENSOR_OFFSET] = "sensor_offset",
    [SK_SENSOR_SCALE] = "sensor_mmhg_per_count",
    [SK_OPEN_LOOP] = "open_loop_fill_ms",
    [SK_RELIEF] = "relief_valve_mmhg",
    [SK_STOP_BUTTON] = "stop_button",
    [SK_STOP_ACTIVE_LOW] = "stop_button_active_low",
    [SK_STOP_BIAS] = "stop_button_bias",
    [SK_STOP_DEBOUNCE] = "stop_button_debounce_ms",
    [SK_SIM_FAULT] = "sim_fault",
};

static const char *const active_low_roles[] = {
    "none",  "pump",  "exhaust", "zones", "sensor_clock", "sensor_data", "zone1",
    "zone2", "zone3", "zone4",   "zone5", "zone6",        "zone7",       "zone8",
};

/* Next comma-separated item of *p, trimmed, into buf.  Returns 1 for an
 * item, 0 at the end, -1 when it does not fit. */
int station_next_item(const char **p, char *buf, size_t len)
{
	const char *s = *p, *e;
	if (!s)
		return 0;
	e = strchr(s, ',');
	*p = e ? e + 1 : NULL;
	if (!e)
		e = s + strlen(s);
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if ((size_t)(e - s) >= len)
		return -1;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return 1;
}

/* "[chip:]offset".  A chip named here is copied into carry, and carry
 * (possibly "" = the station's chip) into pin->chip. */
int station_parse_pin(struct ini_file *f, const char *key, const char *item, struct gpio_pin *pin,
                      char *carry, size_t carry_len)
{
	const char *colon = strchr(item, ':');
	const char *num = item;
	unsigned long v;

	if (item[0] == '\0') {
		ini_file_fail(f,
		              "%s has an empty entry; write a line offset like 17, or chip:offset "
		              "like mcp23017:3",
		              key);
		return -1;
	}
	if (colon) {
		size_t n = (size_t)(colon - item);
		while (n > 0 && isspace((unsigned char)item[n - 1]))
			n--;
		if (n == 0 || n >= carry_len) {
			ini_file_fail(
			    f,
			    "%s = '%s': the chip name before ':' is %s; write chip:offset "
			    "like mcp23017:3",
			    key, item, n == 0 ? "empty" : "too long");
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			char c = item[i];
			if (!(isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
			      c == '/')) {
				ini_file_fail(
				    f,
				    "%s = '%s': '%.*s' is not a chip name; use a name like "
				    "gpiochip0, a path like /dev/gpiochip2 or a label like "
				    "mcp23017",
				    key, item, (int)n, item);
				return -1;
			}
		}
		memcpy(carry, item, n);
		carry[n] = '\0';
		num = colon + 1;
		while (isspace((unsigned char)*num))
			num++;
	}
	if (ini_value_uint(num, &v) < 0 || v > LINE_OFFSET_MAX) {
		ini_file_fail(f,
		              "%s = '%s' is not a GPIO line; write the line offset on its chip "
		              "(0 to %u) like 17, or chip:offset like mcp23017:3",
		              key, item, LINE_OFFSET_MAX);
		return -1;
	}
	snprintf(pin->chip, sizeof(pin->chip), "%s", carry);
	pin->offset = (unsigned int)v;
	return 0;
}

static int parse_one_pin(struct ini_file *f, const char *key, const char *value,
                         struct gpio_pin *pin)
{
	char carry[sizeof(pin->chip)] = "";
	if (strchr(value, ',')) {
		ini_file_fail(f, "%s takes one line, not a list; write %s = 17 or %s = chip:17",
		              key, key, key);
		return -1;
	}
	return station_parse_pin(f, key, value, pin, carry, sizeof(carry));
}

static int parse_zone_list(struct ini_file *f, struct station_build *sb, const char *value)
{
	char carry[sizeof(sb->cfg.pins.zones[0].chip)] = "";
	char item[96];
	const char *p = value;
	size_t n = 0;
	int r;

	while ((r = station_next_item(&p, item, sizeof(item))) != 0) {
		if (r < 0) {
			ini_file_fail(f,
			              "zones has an entry that is too long; write lines like 17 or "
			              "mcp23017:3");
			return -1;
		}
		if (n == STATION_MAX_ZONES) {
			ini_file_fail(f,
			              "zones lists more than %d lines; a station drives 1 to %d "
			              "zones, so remove some",
			              STATION_MAX_ZONES, STATION_MAX_ZONES);
			return -1;
		}
		if (station_parse_pin(f, "zones", item, &sb->cfg.pins.zones[n], carry,
		                      sizeof(carry)) < 0)
			return -1;
		n++;
	}
	sb->cfg.pins.zone_count = n;
	return 0;
}

int station_parse_active_low(struct ini_file *f, struct station_build *sb, const char *value)
{
	char item[32];
	const char *p = value;
	int r;
	bool none = false, any = false;

	while ((r = station_next_item(&p, item, sizeof(item))) != 0) {
		size_t i;
		for (i = 0; r > 0 && i < COUNT(active_low_roles); i++)
			if (strcmp(item, active_low_roles[i]) == 0)
				break;
		if (r < 0 || i == COUNT(active_low_roles)) {
			const char *near = r > 0 ? ini_file_suggest(item, active_low_roles,
			                                            COUNT(active_low_roles))
			                         : NULL;
			ini_file_fail(
			    f,
			    "active_low: '%s' is not a line role%s%s%s; list roles from "
			    "pump, exhaust, zones, zone1..zone8, sensor_clock, sensor_data "
			    "(or none)",
			    r > 0 ? item : "?", near ? " (did you mean '" : "", near ? near : "",
			    near ? "'?)" : "");
			return -1;
		}
		if (i == 0)
			none = true;
		else if (i < 6)
			sb->active_low_roles |= 1u << (i - 1);
		else
			sb->active_low_zones |= 1u << (i - 6);
		any = true;
		if (none && (sb->active_low_roles || sb->active_low_zones)) {
			ini_file_fail(f,
			              "active_low mixes none with line roles; write either none or "
			              "the roles");
			return -1;
		}
	}
	if (!any) {
		ini_file_fail(f,
		              "active_low is empty; list roles like pump, exhaust, zones, or write "
		              "none");
		return -1;
	}
	return 0;
}

static int parse_choice(struct ini_file *f, const char *key, const char *value,
                        const char *const *names, size_t n, const char *hint)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(value, names[i]) == 0)
			return (int)i;
	ini_file_fail(f, "%s = '%s' is not known; write %s", key, value, hint);
	return -1;
}

int station_build_begin(struct ini_file *f, struct station_build *sb, const char *number_text,
                        const struct station_build *earlier, size_t earlier_count)
{
	unsigned long n;

	if (ini_value_uint(number_text, &n) < 0 || n < 1 || n > 99) {
		ini_file_fail(f,
		              "[station.%s]: the station number must be a whole number from 1 to "
		              "99, like [station.1]",
		              number_text);
		return -1;
	}
	for (size_t i = 0; i < earlier_count; i++) {
		if (earlier[i].cfg.number == n) {
			ini_file_fail(f,
			              "[station.%lu] appears twice (first on line %u); give every "
			              "station its own number",
			              n, earlier[i].section_line);
			return -1;
		}
	}
	memset(sb, 0, sizeof(*sb));
	sb->cfg.number = (unsigned int)n;
	sb->section_line = ini_file_line(f);
	snprintf(sb->cfg.name, sizeof(sb->cfg.name), "Station %lu", n);
	snprintf(sb->chip, sizeof(sb->chip), "gpiochip0");
	sb->cfg.pins.sensor = SENSOR_NONE;
	sb->cfg.pins.stop_button_bias = GPIO_BIAS_PULL_UP;
	sb->cfg.pins.stop_button_debounce_ms = 20;
	return 0;
}

static int set_station_value(struct ini_file *f, struct station_build *sb, int k, const char *key,
                             const char *value)
{
	static const char *const sensors[] = {"none", "hx710b", "sim"};
	static const char *const biases[] = {"as-is", "disabled", "pull-up", "pull-down"};
	struct station_pins *pins = &sb->cfg.pins;
	unsigned long u;
	double d;
	int c;

	switch (k) {
	case SK_NAME:
		if (value[0] == '\0' || strlen(value) >= sizeof(sb->cfg.name)) {
			ini_file_fail(f,
			              "name must be 1 to %zu characters; shorten it, like name = "
			              "Station 1",
			              sizeof(sb->cfg.name) - 1);
			return -1;
		}
		snprintf(sb->cfg.name, sizeof(sb->cfg.name), "%s", value);
		return 0;
	case SK_SIM_FAULT:
		/* The name is checked with --sim (kiosk/main.c, drivers/sim). */
		if (value[0] == '\0' || strlen(value) >= sizeof(sb->cfg.sim_fault) ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyz_") != strlen(value)) {
			ini_file_fail(f, "sim_fault must be a simulated fault like leak; it is for "
			                 "the simulator (--sim) only: remove it on a real kiosk");
			return -1;
		}
		snprintf(sb->cfg.sim_fault, sizeof(sb->cfg.sim_fault), "%s", value);
		return 0;
	case SK_CHIP: {
		struct gpio_pin tmp;
		char carry[sizeof(sb->chip)] = "";
		char probe[sizeof(sb->chip) + 4];
		snprintf(probe, sizeof(probe), "%.63s:0", value);
		if (value[0] == '\0' || strchr(value, ':') || strlen(value) >= sizeof(sb->chip) ||
		    station_parse_pin(f, key, probe, &tmp, carry, sizeof(carry)) < 0) {
			ini_file_fail(
			    f,
			    "chip = '%s' is not a chip name; use a name like gpiochip0, a "
			    "path like /dev/gpiochip2 or a label like mcp23017",
			    value);
			return -1;
		}
		snprintf(sb->chip, sizeof(sb->chip), "%s", value);
		return 0;
	}
	case SK_PUMP:
		return parse_one_pin(f, key, value, &pins->pump);
	case SK_EXHAUST:
		return parse_one_pin(f, key, value, &pins->exhaust);
	case SK_ZONES:
		return parse_zone_list(f, sb, value);
	case SK_ACTIVE_LOW:
		return station_parse_active_low(f, sb, value);
	case SK_SENSOR:
		c = parse_choice(f, key, value, sensors, COUNT(sensors), "none, hx710b or sim");
		if (c < 0)
			return -1;
		pins->sensor = c == 0 ? SENSOR_NONE : c == 1 ? SENSOR_HX710B : SENSOR_SIM;
		return 0;
	case SK_SENSOR_CLOCK:
		return parse_one_pin(f, key, value, &pins->sensor_clock);
	case SK_SENSOR_DATA:
		return parse_one_pin(f, key, value, &pins->sensor_data);
	case SK_SENSOR_OFFSET:
		if (ini_value_double(value, &d) < 0 || d < -16777216.0 || d > 16777216.0) {
			ini_file_fail(f,
			              "sensor_offset = '%s' is not a raw ADC reading; write the "
			              "counts read at 0 mmHg, from -16777216 to 16777216",
			              value);
			return -1;
		}
		pins->sensor_offset_counts = d;
		return 0;
	case SK_SENSOR_SCALE:
		if (ini_value_double(value, &d) < 0 || d == 0.0 || d < -1.0 || d > 1.0) {
			ini_file_fail(f,
			              "sensor_mmhg_per_count = '%s' is not a calibration factor; "
			              "write a non-zero number between -1 and 1 from calibration, "
			              "like 0.0000358",
			              value);
			return -1;
		}
		pins->sensor_mmhg_per_count = d;
		return 0;
	case SK_OPEN_LOOP: {
		const struct safety_bound *b = safety_bound_find(key);
		if (ini_value_uint(value, &u) < 0) {
			ini_file_fail(f,
			              "open_loop_fill_ms = '%s' is not a fill time; write the "
			              "milliseconds one zone takes to fill, from %.0f to %.0f",
			              value, b->min, b->max);
			return -1;
		}
		if ((double)u < b->min || (double)u > b->max) {
			ini_file_fail(
			    f,
			    "open_loop_fill_ms = %lu is out of range; use a value from %.0f "
			    "to %.0f, the compiled safety limit: %s",
			    u, b->min, b->max, b->why);
			return -1;
		}
		sb->cfg.open_loop_fill_ms = (unsigned int)u;
		return 0;
	}
	case SK_RELIEF:
		if (ini_value_double(value, &d) < 0 || d < SAFETY_CEILING_MIN_MMHG || d > 300.0) {
			ini_file_fail(
			    f,
			    "relief_valve_mmhg = '%s' is not a valve rating; write the mmHg "
			    "the manifold's relief valve opens at, from %.0f to 300",
			    value, SAFETY_CEILING_MIN_MMHG);
			return -1;
		}
		sb->cfg.relief_valve_mmhg = d;
		return 0;
	case SK_STOP_BUTTON:
		pins->has_stop_button = true;
		return parse_one_pin(f, key, value, &pins->stop_button);
	case SK_STOP_ACTIVE_LOW:
		if (ini_value_bool(value, &pins->stop_button.active_low) < 0) {
			ini_file_fail(f, "%s = '%s' is not true or false; write true or false", key,
			              value);
			return -1;
		}
		return 0;
	case SK_STOP_BIAS:
		c = parse_choice(f, key, value, biases, COUNT(biases),
		                 "pull-up, pull-down, disabled or as-is");
		if (c < 0)
			return -1;
		pins->stop_button_bias = c == 0   ? GPIO_BIAS_AS_IS
		                         : c == 1 ? GPIO_BIAS_DISABLED
		                         : c == 2 ? GPIO_BIAS_PULL_UP
		                                  : GPIO_BIAS_PULL_DOWN;
		return 0;
	case SK_STOP_DEBOUNCE:
		if (ini_value_uint(value, &u) < 0 || u > 1000) {
			ini_file_fail(
			    f,
			    "%s = '%s' is out of range; write milliseconds from 0 to 1000, "
			    "like 20",
			    key, value);
			return -1;
		}
		pins->stop_button_debounce_ms = (unsigned int)u;
		return 0;
	default: /* zone1 .. zone8 */
		return parse_one_pin(f, key, value, &pins->zones[k - SK_ZONE1]);
	}
}

int station_build_key(struct ini_file *f, struct station_build *sb, const char *key,
                      const char *value)
{
	int k;
	unsigned int line = ini_file_line(f);

	for (k = 0; k < SK_COUNT; k++)
		if (strcmp(key, station_keys[k]) == 0)
			break;
	if (k == SK_COUNT) {
		const char *near = ini_file_suggest(key, station_keys, SK_COUNT);
		if (near)
			ini_file_fail(f, "unknown key '%s' in [station.%u]; did you mean '%s'?",
			              key, sb->cfg.number, near);
		else
			ini_file_fail(
			    f,
			    "unknown key '%s' in [station.%u]; remove it (the station keys "
			    "are listed in assets/kiosk.conf)",
			    key, sb->cfg.number);
		return -1;
	}
	if (sb->key_line[k]) {
		ini_file_fail(f,
		              "%s is set twice in [station.%u] (first on line %u); keep only one",
		              key, sb->cfg.number, sb->key_line[k]);
		return -1;
	}
	if (k == SK_ZONES || (k >= SK_ZONE1 && k <= SK_ZONE8)) {
		for (int z = SK_ZONE1; z <= SK_ZONE8; z++) {
			if (k == SK_ZONES && sb->key_line[z]) {
				ini_file_fail(
				    f,
				    "zones and %s both give zone lines (line %u); use one "
				    "form: zones = 17, 27, 22 or zone1 = 17, zone2 = 27 ...",
				    station_keys[z], sb->key_line[z]);
				return -1;
			}
			if (k != SK_ZONES && z > k && sb->key_line[z]) {
				ini_file_fail(
				    f,
				    "%s comes after %s (line %u); list zones in order from "
				    "zone1 at the foot up to the thigh",
				    key, station_keys[z], sb->key_line[z]);
				return -1;
			}
		}
		if (k != SK_ZONES && sb->key_line[SK_ZONES]) {
			ini_file_fail(f,
			              "zones and %s both give zone lines (line %u); use one form: "
			              "zones = 17, 27, 22 or zone1 = 17, zone2 = 27 ...",
			              key, sb->key_line[SK_ZONES]);
			return -1;
		}
	}
	sb->key_line[k] = line;
	return set_station_value(f, sb, k, key, value);
}

/* ---- checks once the whole file is read -------------------------------- */

static unsigned int key_or_section(const struct station_build *sb, int k)
{
	return sb->key_line[k] ? sb->key_line[k] : sb->section_line;
}

static int finish_zones(struct ini_file *f, struct station_build *sb)
{
	struct station_pins *pins = &sb->cfg.pins;
	unsigned int n = sb->cfg.number;

	if (!sb->key_line[SK_ZONES]) {
		size_t count = 0;
		for (int z = 0; z < STATION_MAX_ZONES; z++) {
			if (!sb->key_line[SK_ZONE1 + z])
				continue;
			if (z > 0 && !sb->key_line[SK_ZONE1 + z - 1]) {
				ini_file_fail_at(
				    f, sb->key_line[SK_ZONE1 + z],
				    "zone%d is set but zone%d is not; number the zones 1, 2, "
				    "3 ... from the foot up with no gap",
				    z + 1, z);
				return -1;
			}
			count++;
		}
		pins->zone_count = count;
	}
	if (pins->zone_count == 0) {
		ini_file_fail_at(f, key_or_section(sb, SK_ZONES),
		                 "[station.%u] has no zone lines; add zones = <lines from foot to "
		                 "thigh>, like zones = 17, 27, 22, 23 (1 to %d zones)",
		                 n, STATION_MAX_ZONES);
		return -1;
	}
	for (size_t z = 0; z < pins->zone_count; z++) {
		bool on =
		    (sb->active_low_roles & STATION_AL_ZONES) || (sb->active_low_zones >> z & 1u);
		pins->zones[z].active_low = on;
	}
	if (sb->active_low_zones >> pins->zone_count) {
		ini_file_fail_at(f, sb->key_line[SK_ACTIVE_LOW],
		                 "active_low names a zone that [station.%u] does not have (it has "
		                 "%zu zones); remove it",
		                 n, pins->zone_count);
		return -1;
	}
	return 0;
}

static int finish_sensor(struct ini_file *f, struct station_build *sb,
                         const struct kiosk_limits *limits)
{
	static const int hx_keys[] = {SK_SENSOR_CLOCK, SK_SENSOR_DATA, SK_SENSOR_OFFSET,
	                              SK_SENSOR_SCALE};
	struct station_pins *pins = &sb->cfg.pins;
	unsigned int n = sb->cfg.number;

	if (pins->sensor != SENSOR_HX710B) {
		for (size_t i = 0; i < COUNT(hx_keys); i++) {
			if (sb->key_line[hx_keys[i]]) {
				ini_file_fail_at(
				    f, sb->key_line[hx_keys[i]],
				    "%s is only used with sensor = hx710b; remove it or set "
				    "sensor = hx710b",
				    station_keys[hx_keys[i]]);
				return -1;
			}
		}
		if (sb->active_low_roles & (STATION_AL_SENSOR_CLOCK | STATION_AL_SENSOR_DATA)) {
			ini_file_fail_at(f, sb->key_line[SK_ACTIVE_LOW],
			                 "active_low names a sensor line but [station.%u] has no "
			                 "hx710b sensor; remove it",
			                 n);
			return -1;
		}
	} else {
		if (!sb->key_line[SK_SENSOR_CLOCK] || !sb->key_line[SK_SENSOR_DATA]) {
			ini_file_fail_at(f, key_or_section(sb, SK_SENSOR),
			                 "sensor = hx710b needs its two lines; add sensor_clock = "
			                 "<line to PD_SCK> and sensor_data = <line to DOUT>");
			return -1;
		}
		if (!sb->key_line[SK_SENSOR_SCALE]) {
			ini_file_fail_at(
			    f, key_or_section(sb, SK_SENSOR),
			    "sensor = hx710b needs its calibration; add "
			    "sensor_mmhg_per_count (and sensor_offset) as measured, see "
			    "the calibration note in assets/kiosk.conf");
			return -1;
		}
		pins->sensor_clock.active_low = sb->active_low_roles & STATION_AL_SENSOR_CLOCK;
		pins->sensor_data.active_low = sb->active_low_roles & STATION_AL_SENSOR_DATA;
	}
	if (pins->sensor == SENSOR_NONE) {
		if (!sb->key_line[SK_OPEN_LOOP]) {
			ini_file_fail_at(
			    f, key_or_section(sb, SK_SENSOR),
			    "[station.%u] has no sensor, so it runs open loop and needs "
			    "open_loop_fill_ms = <ms to fill one zone>, like 1500",
			    n);
			return -1;
		}
		/* Nothing measures a sensorless station's pressure: only a
		 * relief valve that opens at or below the ceiling keeps an
		 * exhaust that fails to open from pumping a boot up cycle by
		 * cycle (core/safety.h). */
		if (!sb->key_line[SK_RELIEF]) {
			ini_file_fail_at(
			    f, key_or_section(sb, SK_SENSOR),
			    "[station.%u] has no sensor, so nothing sees its pressure; fit a "
			    "relief valve on its manifold that opens at or below ceiling_mmhg "
			    "(%g) and give its rating as relief_valve_mmhg = <mmHg>",
			    n, safety_ceiling_mmhg(limits));
			return -1;
		}
		if (sb->cfg.relief_valve_mmhg > safety_ceiling_mmhg(limits)) {
			ini_file_fail_at(
			    f, sb->key_line[SK_RELIEF],
			    "relief_valve_mmhg (%g) is above ceiling_mmhg (%g), so a sensorless "
			    "station could be pumped past the ceiling; fit a valve that opens "
			    "at or below %g mmHg",
			    sb->cfg.relief_valve_mmhg, safety_ceiling_mmhg(limits),
			    safety_ceiling_mmhg(limits));
			return -1;
		}
		if (sb->cfg.open_loop_fill_ms > limits->max_fill_ms) {
			ini_file_fail_at(
			    f, sb->key_line[SK_OPEN_LOOP],
			    "open_loop_fill_ms (%u) is longer than max_fill_ms (%u) in "
			    "[limits]; shorten it",
			    sb->cfg.open_loop_fill_ms, limits->max_fill_ms);
			return -1;
		}
	} else if (sb->key_line[SK_OPEN_LOOP]) {
		ini_file_fail_at(f, sb->key_line[SK_OPEN_LOOP],
		                 "open_loop_fill_ms is only used with sensor = none; remove it");
		return -1;
	}
	return 0;
}

static int finish_one(struct ini_file *f, struct station_build *sb,
                      const struct kiosk_limits *limits)
{
	static const int button_keys[] = {SK_STOP_ACTIVE_LOW, SK_STOP_BIAS, SK_STOP_DEBOUNCE};
	struct station_pins *pins = &sb->cfg.pins;
	unsigned int n = sb->cfg.number;
	struct gpio_pin *all[4 + STATION_MAX_ZONES];
	size_t count = 0;

	if (!sb->key_line[SK_PUMP] || !sb->key_line[SK_EXHAUST]) {
		const char *what = !sb->key_line[SK_PUMP] ? "pump" : "exhaust";
		ini_file_fail_at(
		    f, sb->section_line,
		    "[station.%u] has no %s line; add %s = <line offset>, like %s = %d", n, what,
		    what, what, !sb->key_line[SK_PUMP] ? 5 : 6);
		return -1;
	}
	if (finish_zones(f, sb) < 0 || finish_sensor(f, sb, limits) < 0)
		return -1;
	for (size_t i = 0; i < COUNT(button_keys); i++) {
		if (!pins->has_stop_button && sb->key_line[button_keys[i]]) {
			ini_file_fail_at(
			    f, sb->key_line[button_keys[i]],
			    "%s is set but stop_button is not; add stop_button = <line> "
			    "or remove it",
			    station_keys[button_keys[i]]);
			return -1;
		}
	}
	pins->pump.active_low = sb->active_low_roles & STATION_AL_PUMP;
	pins->exhaust.active_low = sb->active_low_roles & STATION_AL_EXHAUST;

	/* Lines given without "chip:" are on the station's chip. */
	all[count++] = &pins->pump;
	all[count++] = &pins->exhaust;
	for (size_t z = 0; z < pins->zone_count; z++)
		all[count++] = &pins->zones[z];
	if (pins->sensor == SENSOR_HX710B) {
		all[count++] = &pins->sensor_clock;
		all[count++] = &pins->sensor_data;
	}
	if (pins->has_stop_button)
		all[count++] = &pins->stop_button;
	for (size_t i = 0; i < count; i++)
		if (all[i]->chip[0] == '\0')
			snprintf(all[i]->chip, sizeof(all[i]->chip), "%s", sb->chip);

	sb->cfg.lines = (struct station_config_lines){
	    .section = sb->section_line,
	    .pump = sb->key_line[SK_PUMP],
	    .exhaust = sb->key_line[SK_EXHAUST],
	    .sensor = key_or_section(sb, SK_SENSOR),
	    .sensor_clock = sb->key_line[SK_SENSOR_CLOCK],
	    .sensor_data = sb->key_line[SK_SENSOR_DATA],
	    .stop_button = sb->key_line[SK_STOP_BUTTON],
	    .sim_fault = sb->key_line[SK_SIM_FAULT],
	};
	for (size_t z = 0; z < pins->zone_count; z++)
		sb->cfg.lines.zones[z] = sb->key_line[SK_ZONES] ? sb->key_line[SK_ZONES]
		                                                : sb->key_line[SK_ZONE1 + (int)z];
	return 0;
}

struct line_use {
	const char *chip;
	unsigned int offset;
	unsigned int station;
	char role[16];
	unsigned int line;
};

static const char *chip_key(const char *chip)
{
	/* "/dev/gpiochip0" and "gpiochip0" are the same chip. */
	return strncmp(chip, "/dev/", 5) == 0 ? chip + 5 : chip;
}

static void add_use(struct line_use *u, size_t *n, const struct gpio_pin *pin,
                    const struct station_build *sb, const char *role, int key)
{
	struct line_use *e = &u[(*n)++];
	e->chip = chip_key(pin->chip);
	e->offset = pin->offset;
	e->station = sb->cfg.number;
	snprintf(e->role, sizeof(e->role), "%s", role);
	e->line = key_or_section(sb, key);
}

static int check_lines_unique(struct ini_file *f, const struct station_build *all, size_t count)
{
	struct line_use uses[KIOSK_MAX_STATIONS * (5 + STATION_MAX_ZONES)];
	size_t n = 0;
	const struct line_use *worst_a = NULL, *worst_b = NULL;

	for (size_t s = 0; s < count; s++) {
		const struct station_build *sb = &all[s];
		const struct station_pins *p = &sb->cfg.pins;
		add_use(uses, &n, &p->pump, sb, "pump", SK_PUMP);
		add_use(uses, &n, &p->exhaust, sb, "exhaust", SK_EXHAUST);
		for (size_t z = 0; z < p->zone_count; z++) {
			char role[16];
			snprintf(role, sizeof(role), "zone %u", (unsigned int)(z + 1));
			add_use(uses, &n, &p->zones[z], sb, role,
			        sb->key_line[SK_ZONES] ? SK_ZONES : SK_ZONE1 + (int)z);
		}
		if (p->sensor == SENSOR_HX710B) {
			add_use(uses, &n, &p->sensor_clock, sb, "sensor clock", SK_SENSOR_CLOCK);
			add_use(uses, &n, &p->sensor_data, sb, "sensor data", SK_SENSOR_DATA);
		}
		if (p->has_stop_button)
			add_use(uses, &n, &p->stop_button, sb, "stop button", SK_STOP_BUTTON);
	}
	/* Report the clash whose later use comes first in the file. */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			const struct line_use *a = &uses[i], *b = &uses[j];
			if (a->offset != b->offset || strcmp(a->chip, b->chip) != 0)
				continue;
			if (b->line < a->line) {
				const struct line_use *t = a;
				a = b;
				b = t;
			}
			if (!worst_b || b->line < worst_b->line) {
				worst_a = a;
				worst_b = b;
			}
		}
	}
	if (worst_b) {
		ini_file_fail_at(
		    f, worst_b->line,
		    "%s line %u for station.%u %s is already used by station.%u %s "
		    "(line %u); give every pump, valve, sensor and button its own line",
		    worst_b->chip, worst_b->offset, worst_b->station, worst_b->role,
		    worst_a->station, worst_a->role, worst_a->line);
		return -1;
	}
	return 0;
}

int station_build_finish_all(struct ini_file *f, struct station_build *all, size_t count,
                             const struct kiosk_limits *limits)
{
	for (size_t i = 0; i < count; i++)
		if (finish_one(f, &all[i], limits) < 0)
			return -1;
	return check_lines_unique(f, all, count);
}

void station_build_sort(struct station_build *all, size_t count)
{
	for (size_t i = 1; i < count; i++) {
		struct station_build t = all[i];
		size_t j = i;
		for (; j > 0 && all[j - 1].cfg.number > t.cfg.number; j--)
			all[j] = all[j - 1];
		all[j] = t;
	}
}

/* ---- description -------------------------------------------------------- */

static void appendf(char *out, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void appendf(char *out, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static void append_pin(char *out, size_t len, size_t *pos, const struct gpio_pin *pin,
                       const char *home)
{
	if (strcmp(chip_key(pin->chip), chip_key(home)) == 0)
		appendf(out, len, pos, "%u", pin->offset);
	else
		appendf(out, len, pos, "%s:%u", pin->chip, pin->offset);
}

void station_config_describe(const struct station_config *st, char *out, size_t len)
{
	const struct station_pins *p = &st->pins;
	const char *home = p->zone_count ? p->zones[0].chip : p->pump.chip;
	size_t pos = 0;
	bool zones_low = p->zone_count > 0;

	if (!out || len == 0)
		return;
	out[0] = '\0';
	appendf(out, len, &pos, "station.%u '%s': %zu zones on %s [", st->number, st->name,
	        p->zone_count, home);
	for (size_t z = 0; z < p->zone_count; z++) {
		if (z)
			appendf(out, len, &pos, " ");
		append_pin(out, len, &pos, &p->zones[z], home);
		zones_low = zones_low && p->zones[z].active_low;
	}
	appendf(out, len, &pos, "], pump ");
	append_pin(out, len, &pos, &p->pump, home);
	appendf(out, len, &pos, ", exhaust ");
	append_pin(out, len, &pos, &p->exhaust, home);
	switch (p->sensor) {
	case SENSOR_HX710B:
		appendf(out, len, &pos, ", sensor hx710b (clk ");
		append_pin(out, len, &pos, &p->sensor_clock, home);
		appendf(out, len, &pos, ", data ");
		append_pin(out, len, &pos, &p->sensor_data, home);
		appendf(out, len, &pos, ")");
		break;
	case SENSOR_SIM:
		appendf(out, len, &pos, ", sensor sim");
		break;
	case SENSOR_NONE:
		appendf(out, len, &pos, ", no sensor (open loop, %u ms per zone)",
		        st->open_loop_fill_ms);
		break;
	}
	if (p->has_stop_button) {
		appendf(out, len, &pos, ", stop button ");
		append_pin(out, len, &pos, &p->stop_button, home);
	}
	if (p->pump.active_low || p->exhaust.active_low || zones_low) {
		appendf(out, len, &pos, "; active low:%s%s%s", p->pump.active_low ? " pump" : "",
		        p->exhaust.active_low ? " exhaust" : "", zones_low ? " zones" : "");
	}
}

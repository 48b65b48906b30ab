/* SPDX-License-Identifier: MIT */
#include "service/hw_check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The Pi's 40-pin header: physical pin -> BCM GPIO (or power, ground).
 * The same on every 40-pin Pi, Pi 5 (pinctrl-rp1) included. */
static const signed char header[41] = {
    [1] = HW_HEADER_3V3,
    [2] = HW_HEADER_5V,
    [3] = 2,
    [4] = HW_HEADER_5V,
    [5] = 3,
    [6] = HW_HEADER_GROUND,
    [7] = 4,
    [8] = 14,
    [9] = HW_HEADER_GROUND,
    [10] = 15,
    [11] = 17,
    [12] = 18,
    [13] = 27,
    [14] = HW_HEADER_GROUND,
    [15] = 22,
    [16] = 23,
    [17] = HW_HEADER_3V3,
    [18] = 24,
    [19] = 10,
    [20] = HW_HEADER_GROUND,
    [21] = 9,
    [22] = 25,
    [23] = 11,
    [24] = 8,
    [25] = HW_HEADER_GROUND,
    [26] = 7,
    [27] = 0,
    [28] = 1,
    [29] = 5,
    [30] = HW_HEADER_GROUND,
    [31] = 6,
    [32] = 12,
    [33] = 13,
    [34] = HW_HEADER_GROUND,
    [35] = 19,
    [36] = 16,
    [37] = 26,
    [38] = 20,
    [39] = HW_HEADER_GROUND,
    [40] = 21,
};

/* The header carries GPIO 0-27; a higher line of the header chip is wired
 * inside the Pi (SD card, Wi-Fi, ...). */
#define HEADER_GPIO_MAX 27u

int hw_check_header_pin_gpio(unsigned int pin)
{
	if (pin < 1 || pin > 40)
		return -ERANGE;
	return header[pin];
}

bool hw_check_is_header_chip(const char *label)
{
	return strcmp(label, "pinctrl-bcm2711") == 0 || strcmp(label, "pinctrl-bcm2835") == 0 ||
	       strcmp(label, "pinctrl-rp1") == 0;
}

struct check {
	const struct kiosk_config *cfg;
	struct gpio *gpio;
	FILE *report;
	int problems;
	/* Chips already looked at, so a missing chip is reported once. */
	struct {
		char id[64];
		int rc;
		struct gpio_chip_info info;
	} chips[KIOSK_MAX_STATIONS * (6 + STATION_MAX_ZONES)];
	size_t chip_count;
};

static void say(struct check *c, bool problem, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct check *c, bool problem, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	c->problems += problem;
	if (!c->report)
		return;
	if (line)
		fprintf(c->report, "%s:%u: ", c->cfg->path, line);
	else
		fprintf(c->report, "%s: ", c->cfg->path);
	if (!problem)
		fputs("note: ", c->report);
	va_start(ap, fmt);
	vfprintf(c->report, fmt, ap);
	va_end(ap);
	fputc('\n', c->report);
}

/* The chip's info, looked up once: NULL with *rc when it cannot be had,
 * *first when this is the first line on it. */
static const struct gpio_chip_info *chip(struct check *c, const char *id, int *rc, bool *first)
{
	size_t i;

	for (i = 0; i < c->chip_count; i++)
		if (strcmp(c->chips[i].id, id) == 0)
			break;
	*first = i == c->chip_count;
	if (*first) {
		snprintf(c->chips[i].id, sizeof(c->chips[i].id), "%s", id);
		c->chips[i].rc = gpio_chip_info(c->gpio, id, &c->chips[i].info);
		c->chip_count++;
	}
	*rc = c->chips[i].rc;
	return *rc == 0 ? &c->chips[i].info : NULL;
}

static void check_pin(struct check *c, const struct station_config *st, const char *role,
                      const struct gpio_pin *pin, unsigned int line)
{
	const struct gpio_chip_info *ci;
	struct gpio_line_info li;
	bool first;
	int rc;

	if (!line)
		line = st->lines.section;
	ci = chip(c, pin->chip, &rc, &first);
	if (!ci) {
		if (!first)
			return;
		if (rc == -ENOENT || rc == -ENODEV)
			say(c, true, line,
			    "[station.%u] %s: GPIO chip \"%s\" not found (no chip has that name, "
			    "path "
			    "or label); list the chips with `gpiodetect` and fix the chip",
			    st->number, role, pin->chip);
		else if (rc == -EACCES || rc == -EPERM)
			say(c, true, line,
			    "[station.%u] %s: no permission to open GPIO chip \"%s\"; run as root "
			    "or "
			    "as a member of the gpio group",
			    st->number, role, pin->chip);
		else
			say(c, true, line, "[station.%u] %s: cannot open GPIO chip \"%s\": %s",
			    st->number, role, pin->chip, strerror(-rc));
		return;
	}
	if (pin->offset >= ci->line_count) {
		say(c, true, line,
		    "[station.%u] %s: line %u is beyond %s [%s], which has %u lines (0 to %u); "
		    "check the wiring and the line number",
		    st->number, role, pin->offset, ci->name, ci->label, ci->line_count,
		    ci->line_count ? ci->line_count - 1 : 0);
		return;
	}
	if (hw_check_is_header_chip(ci->label) && pin->offset > HEADER_GPIO_MAX) {
		int gpio = hw_check_header_pin_gpio(pin->offset);
		if (gpio >= 0)
			say(c, true, line,
			    "[station.%u] %s: line %u of %s [%s] is not on the 40-pin header "
			    "(GPIO 0 to 27); it looks like physical pin %u, which is GPIO %d: "
			    "write "
			    "%d (lines are BCM GPIO numbers, not pin numbers)",
			    st->number, role, pin->offset, ci->name, ci->label, pin->offset, gpio,
			    gpio);
		else if (gpio != -ERANGE)
			say(c, true, line,
			    "[station.%u] %s: line %u of %s [%s] is not on the 40-pin header "
			    "(GPIO 0 to 27), and physical pin %u is %s, not a GPIO; write the BCM "
			    "GPIO number of the pin it is wired to",
			    st->number, role, pin->offset, ci->name, ci->label, pin->offset,
			    gpio == HW_HEADER_GROUND ? "ground"
			    : gpio == HW_HEADER_3V3  ? "3.3 V"
			                             : "5 V");
		else
			say(c, true, line,
			    "[station.%u] %s: line %u of %s [%s] is not on the 40-pin header (GPIO "
			    "0 "
			    "to 27); write the BCM GPIO number of the pin it is wired to",
			    st->number, role, pin->offset, ci->name, ci->label);
		return;
	}
	rc = gpio_line_info(c->gpio, pin->chip, pin->offset, &li);
	if (rc < 0) {
		say(c, true, line, "[station.%u] %s: cannot read line %u of %s: %s", st->number,
		    role, pin->offset, ci->name, strerror(-rc));
		return;
	}
	if (!li.used)
		return;
	if (strcmp(li.consumer, HW_CHECK_OWN_CONSUMER) == 0)
		say(c, false, line,
		    "[station.%u] %s: line %u of %s is held by %s now (the service is running)",
		    st->number, role, pin->offset, ci->name, li.consumer);
	else
		say(c, true, line,
		    "[station.%u] %s: line %u of %s [%s] is already used by \"%s\"; free it (a "
		    "dtoverlay or another program holds it) or wire the %s to a free line",
		    st->number, role, pin->offset, ci->name, ci->label,
		    li.consumer[0] ? li.consumer : "an unnamed consumer", role);
}

static void check_station(struct check *c, const struct station_config *st, bool sim)
{
	const struct station_pins *p = &st->pins;
	char role[24];

	if (p->sensor == SENSOR_SIM && !sim)
		say(c, true, st->lines.sensor,
		    "[station.%u] sensor = sim is the simulator's sensor; on the Pi write "
		    "sensor = hx710b (with its lines) or sensor = none, or run with --sim",
		    st->number);
	check_pin(c, st, "pump", &p->pump, st->lines.pump);
	check_pin(c, st, "exhaust", &p->exhaust, st->lines.exhaust);
	for (size_t z = 0; z < p->zone_count; z++) {
		snprintf(role, sizeof(role), "zone %u", (unsigned int)z + 1);
		check_pin(c, st, role, &p->zones[z], st->lines.zones[z]);
	}
	if (p->sensor == SENSOR_HX710B) {
		check_pin(c, st, "sensor clock", &p->sensor_clock, st->lines.sensor_clock);
		check_pin(c, st, "sensor data", &p->sensor_data, st->lines.sensor_data);
	}
	if (p->has_stop_button)
		check_pin(c, st, "stop button", &p->stop_button, st->lines.stop_button);
}

/* Chips that opened, counted once however the config names them. */
static size_t chips_seen(const struct check *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->chip_count; i++) {
		bool again = c->chips[i].rc < 0;
		for (size_t j = 0; j < i && !again; j++)
			again = c->chips[j].rc == 0 &&
			        strcmp(c->chips[j].info.name, c->chips[i].info.name) == 0;
		n += !again;
	}
	return n;
}

int hw_check_run(const struct kiosk_config *cfg, struct gpio *gpio, bool sim, FILE *report)
{
	struct check *c;
	int problems;

	if (!cfg || !gpio)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cfg = cfg;
	c->gpio = gpio;
	c->report = report;
	for (size_t i = 0; i < cfg->station_count; i++)
		check_station(c, &cfg->stations[i], sim);
	problems = c->problems;
	if (report) {
		fprintf(report, "%s: hardware (%s): %zu chip(s) looked at: ", cfg->path,
		        gpio_backend_name(gpio), chips_seen(c));
		if (problems)
			fprintf(report, "%d problem(s) above\n", problems);
		else
			fprintf(report, "OK\n");
		fflush(report);
	}
	free(c);
	return problems;
}

/* SPDX-License-Identifier: MIT */
#include "service/safe_state.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SAFE_STATE_CONSUMER "recovery-kiosk"

struct safe_state {
	struct gpio_request *req[PIN_MAP_MAX_LINES];
	size_t count;
};

/* "pump", "zone 3" */
static void line_role(const struct pin_map_line *l, char *out, size_t len)
{
	if (l->role == PIN_ROLE_ZONE)
		snprintf(out, len, "zone %u", l->zone);
	else
		snprintf(out, len, "%s", pin_map_role_name(l->role));
}

/* Request one output at its de-energised level, drive it again and read it
 * back.  0 or negative errno; *req_out is the held request or NULL. */
static int drive_line(struct gpio *gpio, const struct pin_map_line *l,
                      struct gpio_request **req_out, char *err, size_t err_len)
{
	char role[16], name[48];
	int value = -1, rc;

	line_role(l, role, sizeof(role));
	snprintf(name, sizeof(name), "station %u %s", l->station, role);
	struct gpio_line_config lc = {
	    .chip = l->pin.chip,
	    .offset = l->pin.offset,
	    .direction = GPIO_DIR_OUTPUT,
	    .active_low = l->pin.active_low,
	    .bias = GPIO_BIAS_AS_IS,
	    .edge = GPIO_EDGE_NONE,
	    .initial_value = 0,
	    .name = name,
	};
	err[0] = '\0';
	errno = 0;
	*req_out = gpio_request_lines(gpio, SAFE_STATE_CONSUMER, &lc, 1, err, err_len);
	if (!*req_out)
		return errno ? -errno : -EIO;
	rc = gpio_request_set(*req_out, 0, 0);
	if (rc == 0)
		rc = gpio_request_get(*req_out, 0, &value);
	if (rc == 0 && value != 0)
		rc = -EIO;
	if (rc < 0)
		snprintf(err, err_len, "could not drive it de-energised (%s)", strerror(-rc));
	return rc;
}

/* One station: every line of it in the map.  0 or the first negative errno. */
static int station_safe(struct safe_state *s, const struct pin_map *map,
                        const struct pin_map_station *st, struct gpio *gpio, FILE *report)
{
	size_t zones = 0, zones_ok = 0;
	bool pump = false, pump_ok = false, exhaust = false, exhaust_ok = false;
	int first_err = 0;

	for (size_t i = 0; i < map->count; i++) {
		const struct pin_map_line *l = &map->lines[i];
		struct gpio_request *req = NULL;
		char err[256], role[16];

		if (l->station != st->number)
			continue;
		int rc = drive_line(gpio, l, &req, err, sizeof(err));
		if (req)
			s->req[s->count++] = req;
		pump |= l->role == PIN_ROLE_PUMP;
		exhaust |= l->role == PIN_ROLE_EXHAUST;
		zones += l->role == PIN_ROLE_ZONE;
		if (rc == 0) {
			pump_ok |= l->role == PIN_ROLE_PUMP;
			exhaust_ok |= l->role == PIN_ROLE_EXHAUST;
			zones_ok += l->role == PIN_ROLE_ZONE;
			continue;
		}
		if (!first_err)
			first_err = rc;
		line_role(l, role, sizeof(role));
		if (report)
			fprintf(report, "station.%u '%s': FAILED %s (%s line %u): %s%s\n",
			        st->number, st->name, role, l->pin.chip, l->pin.offset,
			        err[0] ? err : strerror(-rc),
			        rc == -EBUSY ? " (is the kiosk still running? stop it first)" : "");
	}
	if (!pump || !exhaust) {
		if (!first_err)
			first_err = -ENOENT;
		if (report)
			fprintf(
			    report,
			    "station.%u '%s': FAILED: no %s line in kiosk.conf or the saved pin "
			    "map; switch the station's supply off and vent its boots by hand\n",
			    st->number, st->name, !pump ? "pump" : "exhaust");
	}
	if (report && !first_err)
		fprintf(report, "station.%u '%s': safe (pump off, exhaust open, %zu zone%s open)\n",
		        st->number, st->name, zones, zones == 1 ? "" : "s");
	else if (report && (pump_ok || exhaust_ok || zones_ok))
		fprintf(report, "station.%u '%s': partly safe:%s%s %zu of %zu zone%s open\n",
		        st->number, st->name, pump_ok ? " pump off," : "",
		        exhaust_ok ? " exhaust open," : "", zones_ok, zones, zones == 1 ? "" : "s");
	return first_err;
}

int safe_state_acquire_map(const struct pin_map *map, struct gpio *gpio, FILE *report,
                           struct safe_state **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!map || !gpio || map->count > PIN_MAP_MAX_LINES)
		return -EINVAL;
	struct safe_state *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*out = s;

	int first_err = 0;
	size_t failed = 0;
	/* Every station and every line is tried even after a failure: one dead
	 * expander must not keep the other stations' boots inflated. */
	for (size_t i = 0; i < map->station_count; i++) {
		int rc = station_safe(s, map, &map->stations[i], gpio, report);
		if (rc < 0) {
			failed++;
			if (!first_err)
				first_err = rc;
		}
	}
	if (map->station_count == 0)
		first_err = -ENOENT;
	if (report) {
		size_t n = map->station_count;
		if (n == 0)
			fprintf(report,
			        "safe state: FAILED: no output lines found in kiosk.conf or "
			        "the saved pin map; vent the boots by hand\n");
		else if (first_err)
			fprintf(report,
			        "safe state: %zu of %zu station%s FAILED; check the wiring and "
			        "the messages above, and vent the boots by hand\n",
			        failed, n, n == 1 ? "" : "s");
		else
			fprintf(report, "safe state: all %zu station%s de-energised (%zu lines)\n",
			        n, n == 1 ? "" : "s", map->count);
		fflush(report);
	}
	return first_err;
}

int safe_state_acquire(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report,
                       struct safe_state **out)
{
	struct pin_map *map;
	int rc;

	if (out)
		*out = NULL;
	if (!cfg || !out || cfg->station_count > KIOSK_MAX_STATIONS)
		return -EINVAL;
	map = calloc(1, sizeof(*map));
	if (!map)
		return -ENOMEM;
	pin_map_from_config(map, cfg);
	rc = safe_state_acquire_map(map, gpio, report, out);
	free(map);
	return rc;
}

void safe_state_release(struct safe_state *s)
{
	if (!s)
		return;
	/* A released line keeps its last (de-energised) level on the Pi. */
	for (size_t i = 0; i < s->count; i++) {
		(void)gpio_request_set(s->req[i], 0, 0);
		gpio_request_release(s->req[i]);
	}
	free(s);
}

int safe_state_run_map(const struct pin_map *map, struct gpio *gpio, FILE *report)
{
	struct safe_state *s = NULL;
	int rc = safe_state_acquire_map(map, gpio, report, &s);
	safe_state_release(s);
	return rc;
}

int safe_state_run(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report)
{
	struct safe_state *s = NULL;
	int rc = safe_state_acquire(cfg, gpio, report, &s);
	safe_state_release(s);
	return rc;
}

/* SPDX-License-Identifier: MIT */
#include "service/safe_state.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/station_hw.h"

struct safe_state {
	struct station_hw *hw[KIOSK_MAX_STATIONS];
	size_t count;
};

static bool outputs_are_safe(const struct station_outputs *out, size_t zone_count)
{
	struct station_outputs safe = station_outputs_safe(zone_count);
	return out->pump_on == safe.pump_on && out->exhaust_open == safe.exhaust_open &&
	       out->zones_open == safe.zones_open;
}

/* One station: request (which already drives the safe level as the initial
 * value) and drive it again explicitly.  0 or negative errno; *hw_out is the
 * held hardware or NULL. */
static int safe_state_station(const struct station_config *st, struct gpio *gpio, FILE *report,
                              struct station_hw **hw_out)
{
	char err[256] = "";
	/* Only the pin map: no sensor is built, so a dead, miscalibrated or
	 * simulated sensor never keeps the outputs from being de-energised. */
	struct station_hw *hw = station_hw_create_with(gpio, &pressure_sensor_factory_absent,
	                                               st->name, &st->pins, err, sizeof(err));
	*hw_out = hw;
	if (!hw) {
		int rc = errno ? -errno : -EIO;
		if (report)
			fprintf(report, "station.%u '%s': FAILED, outputs not driven: %s%s\n",
			        st->number, st->name, err[0] ? err : strerror(-rc),
			        rc == -EBUSY ? " (is the kiosk still running? stop it first)" : "");
		return rc;
	}

	int rc = station_hw_safe(hw);
	struct station_outputs out = station_hw_outputs(hw);
	if (rc == 0 && !outputs_are_safe(&out, st->pins.zone_count))
		rc = -EIO;
	if (report) {
		if (rc == 0)
			fprintf(report,
			        "station.%u '%s': safe (pump off, exhaust open, %zu zone%s open)\n",
			        st->number, st->name, st->pins.zone_count,
			        st->pins.zone_count == 1 ? "" : "s");
		else
			fprintf(report,
			        "station.%u '%s': FAILED to drive every output de-energised: %s\n",
			        st->number, st->name, strerror(-rc));
	}
	return rc;
}

int safe_state_acquire(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report,
                       struct safe_state **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !gpio || cfg->station_count > KIOSK_MAX_STATIONS)
		return -EINVAL;
	struct safe_state *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*out = s;

	int first_err = 0;
	size_t failed = 0;
	/* Every station is tried even after a failure: one dead expander must
	 * not keep the other stations' boots inflated. */
	for (size_t i = 0; i < cfg->station_count; i++) {
		int rc = safe_state_station(&cfg->stations[i], gpio, report, &s->hw[s->count]);
		if (s->hw[s->count])
			s->count++;
		if (rc < 0) {
			failed++;
			if (!first_err)
				first_err = rc;
		}
	}
	if (report) {
		if (first_err)
			fprintf(report,
			        "safe state: %zu of %zu station%s FAILED; check the wiring and "
			        "the messages above, and vent the boots by hand\n",
			        failed, cfg->station_count, cfg->station_count == 1 ? "" : "s");
		else
			fprintf(report, "safe state: all %zu station%s de-energised\n",
			        cfg->station_count, cfg->station_count == 1 ? "" : "s");
		fflush(report);
	}
	return first_err;
}

void safe_state_release(struct safe_state *s)
{
	if (!s)
		return;
	/* destroy drives the safe state once more before releasing the lines; a
	 * released line keeps its last (de-energised) level on the Pi. */
	for (size_t i = 0; i < s->count; i++)
		station_hw_destroy(s->hw[i]);
	free(s);
}

int safe_state_run(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report)
{
	struct safe_state *s = NULL;
	int rc = safe_state_acquire(cfg, gpio, report, &s);
	safe_state_release(s);
	return rc;
}

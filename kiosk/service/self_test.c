/* SPDX-License-Identifier: MIT */
#include "self_test.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "station_hw.h"

/* The rise the test asks for never comes within this of the site ceiling. */
#define SELF_TEST_CEILING_MARGIN_MMHG 20.0

static uint64_t real_now_ms(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void real_sleep_ms(void *ctx, uint64_t ms)
{
	(void)ctx;
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000u),
		.tv_nsec = (long)(ms % 1000u) * 1000000L,
	};
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Simulation runs on a virtual clock: sleeping just advances it, so the
 * whole self-test of a simulated kiosk takes milliseconds. */
struct virtual_clock {
	uint64_t now_ms;
};

static uint64_t virtual_now_ms(void *ctx)
{
	return ((struct virtual_clock *)ctx)->now_ms;
}

static void virtual_sleep_ms(void *ctx, uint64_t ms)
{
	((struct virtual_clock *)ctx)->now_ms += ms;
}

void self_test_params_default(struct self_test_params *p)
{
	*p = (struct self_test_params){
		.now_ms = NULL,
		.sleep_ms = NULL,
		.ctx = NULL,
		.poll_ms = 20,
		.pulse_max_ms = 8000,
		.rise_target_mmhg = 20.0,
		.rise_min_mmhg = 10.0,
		.vent_max_ms = 5000,
		.fall_below_mmhg = 5.0,
		.no_sensor_pulse_ms = 1000,
		.settle_ms = 1000,
	};
}

const char *self_test_zone_result_name(enum self_test_zone_result r)
{
	switch (r) {
	case SELF_TEST_ZONE_OK: return "ok";
	case SELF_TEST_ZONE_NO_RISE: return "no_rise";
	case SELF_TEST_ZONE_NO_FALL: return "no_fall";
	case SELF_TEST_ZONE_SENSOR_ERROR: return "sensor_error";
	case SELF_TEST_ZONE_NOT_MEASURED: return "not_measured";
	case SELF_TEST_ZONE_HW_ERROR: return "hardware_error";
	}
	return "unknown";
}

struct run {
	const struct self_test_params *p;
	const struct kiosk_config *cfg;
	FILE *report;
	double rise_target_mmhg;
};

static uint64_t run_now(const struct run *r)
{
	return r->p->now_ms(r->p->ctx);
}

static void run_sleep(const struct run *r, uint64_t ms)
{
	r->p->sleep_ms(r->p->ctx, ms);
}

/* Reads until a fresh value (a stale one is fine between HX710B conversions).
 * Returns 0 with *mmhg set, -ENODATA without a sensor, -EIO on a read error. */
static int read_mmhg(const struct run *r, struct station_hw *hw, double *mmhg)
{
	struct pressure_reading rd;
	int rc = station_hw_read_pressure(hw, run_now(r), &rd);
	if (rd.status == PRESSURE_ABSENT)
		return -ENODATA;
	if (rc < 0 || rd.status == PRESSURE_ERROR || !isfinite(rd.mmhg))
		return -EIO;
	*mmhg = rd.mmhg;
	return 0;
}

/* Vent (safe outputs) until the pressure is under the fall threshold or the
 * time runs out.  Returns 0 when it fell, -ETIMEDOUT, or the read error. */
static int vent_and_wait(const struct run *r, struct station_hw *hw, uint64_t max_ms,
                         double *last, uint64_t *took_ms)
{
	int rc = station_hw_safe(hw);
	if (rc < 0)
		return rc;
	uint64_t t0 = run_now(r);
	for (;;) {
		rc = read_mmhg(r, hw, last);
		if (rc < 0)
			return rc;
		uint64_t el = run_now(r) - t0;
		*took_ms = el;
		if (*last < r->p->fall_below_mmhg)
			return 0;
		if (el >= max_ms)
			return -ETIMEDOUT;
		run_sleep(r, r->p->poll_ms);
	}
}

static enum self_test_zone_result test_zone(const struct run *r, const struct station_config *st,
                                            struct station_hw *hw, size_t zone)
{
	const struct self_test_params *p = r->p;
	double base = 0.0;
	int rc = read_mmhg(r, hw, &base);
	if (rc == -ENODATA) {
		/* Open loop: pulse for the installer to watch, then vent. */
		struct station_outputs fill = { .pump_on = true, .exhaust_open = false,
		                                 .zones_open = (uint8_t)(1u << zone) };
		if (station_hw_apply(hw, &fill) < 0) {
			station_hw_safe(hw);
			return SELF_TEST_ZONE_HW_ERROR;
		}
		run_sleep(r, p->no_sensor_pulse_ms);
		if (station_hw_safe(hw) < 0)
			return SELF_TEST_ZONE_HW_ERROR;
		run_sleep(r, p->no_sensor_pulse_ms);
		if (r->report)
			fprintf(r->report, "station.%u zone %zu: not measured (no sensor): pulsed %u ms; "
			        "check by eye that it inflated and vented\n",
			        st->number, zone + 1, p->no_sensor_pulse_ms);
		return SELF_TEST_ZONE_NOT_MEASURED;
	}
	if (rc < 0)
		goto sensor_error;

	struct station_outputs fill = { .pump_on = true, .exhaust_open = false,
	                                 .zones_open = (uint8_t)(1u << zone) };
	if (station_hw_apply(hw, &fill) < 0) {
		station_hw_safe(hw);
		if (r->report)
			fprintf(r->report, "station.%u zone %zu: FAIL hardware: could not drive the pump or "
			        "valves\n", st->number, zone + 1);
		return SELF_TEST_ZONE_HW_ERROR;
	}
	uint64_t t0 = run_now(r);
	double peak = base, now_mmhg = base;
	uint64_t rise_ms = 0;
	for (;;) {
		rc = read_mmhg(r, hw, &now_mmhg);
		if (rc < 0) {
			station_hw_safe(hw);
			goto sensor_error;
		}
		if (now_mmhg > peak)
			peak = now_mmhg;
		rise_ms = run_now(r) - t0;
		/* The ceiling check does not wait for the target: pump off at once. */
		if (peak >= r->rise_target_mmhg + base || peak >= r->cfg->limits.ceiling_mmhg ||
		    rise_ms >= p->pulse_max_ms)
			break;
		run_sleep(r, p->poll_ms);
	}

	double vented = peak;
	uint64_t fall_ms = 0;
	rc = vent_and_wait(r, hw, p->vent_max_ms, &vented, &fall_ms);
	if (rc == -EIO) {
		station_hw_safe(hw);
		goto sensor_error;
	}
	if (rc < 0 && rc != -ETIMEDOUT) {
		station_hw_safe(hw);
		return SELF_TEST_ZONE_HW_ERROR;
	}

	enum self_test_zone_result res = SELF_TEST_ZONE_OK;
	if (peak - base < p->rise_min_mmhg)
		res = SELF_TEST_ZONE_NO_RISE;
	else if (rc == -ETIMEDOUT)
		res = SELF_TEST_ZONE_NO_FALL;

	if (r->report) {
		switch (res) {
		case SELF_TEST_ZONE_OK:
			fprintf(r->report, "station.%u zone %zu: OK rose %.1f -> %.1f mmHg in %.1f s, "
			        "fell to %.1f mmHg in %.1f s\n", st->number, zone + 1, base, peak,
			        (double)rise_ms / 1000.0, vented, (double)fall_ms / 1000.0);
			break;
		case SELF_TEST_ZONE_NO_RISE:
			fprintf(r->report, "station.%u zone %zu: FAIL no rise: %.1f -> %.1f mmHg after "
			        "%.1f s (needs +%.0f); boot not connected, leaking, hose off, or the "
			        "pump or this zone valve not switching\n", st->number, zone + 1, base,
			        peak, (double)rise_ms / 1000.0, p->rise_min_mmhg);
			break;
		case SELF_TEST_ZONE_NO_FALL:
			fprintf(r->report, "station.%u zone %zu: FAIL no fall: still %.1f mmHg after "
			        "%.1f s of venting (needs < %.0f); exhaust or zone valve stuck closed, "
			        "or wired normally-closed\n", st->number, zone + 1, vented,
			        (double)fall_ms / 1000.0, p->fall_below_mmhg);
			break;
		default:
			break;
		}
	}
	return res;

sensor_error:
	if (r->report)
		fprintf(r->report, "station.%u zone %zu: FAIL sensor: the pressure sensor could not "
		        "be read; check its wiring and calibration\n", st->number, zone + 1);
	return SELF_TEST_ZONE_SENSOR_ERROR;
}

/* One station: 0 when every measured zone passed, -EIO when one failed, or
 * the error from requesting the lines. */
static int test_station(const struct run *r, const struct station_config *st, struct gpio *gpio)
{
	char err[256] = "";
	struct station_hw *hw = station_hw_create(gpio, st->name, &st->pins, err, sizeof(err));
	if (!hw) {
		int rc = errno ? -errno : -EIO;
		if (r->report)
			fprintf(r->report, "station.%u '%s': FAIL could not take the lines: %s%s\n",
			        st->number, st->name, err[0] ? err : strerror(-rc),
			        rc == -EBUSY ? " (stop the service first: systemctl stop recovery-kiosk)"
			                     : "");
		return rc;
	}
	if (r->report)
		fprintf(r->report, "station.%u '%s': testing %zu zone%s\n", st->number, st->name,
		        st->pins.zone_count, st->pins.zone_count == 1 ? "" : "s");

	/* Start from empty boots: vent whatever a previous session left. */
	int rc = 0;
	double left = 0.0;
	uint64_t took = 0;
	run_sleep(r, r->p->settle_ms);
	int vrc = vent_and_wait(r, hw, r->p->vent_max_ms, &left, &took);
	if (vrc == -ETIMEDOUT && r->report)
		fprintf(r->report, "station.%u: still %.1f mmHg after venting %.1f s; the rise "
		        "test starts from there\n", st->number, left, (double)took / 1000.0);

	size_t passed = 0;
	for (size_t z = 0; z < st->pins.zone_count; z++) {
		enum self_test_zone_result res = test_zone(r, st, hw, z);
		if (res == SELF_TEST_ZONE_OK || res == SELF_TEST_ZONE_NOT_MEASURED)
			passed++;
		else
			rc = -EIO;
	}
	if (station_hw_safe(hw) < 0)
		rc = -EIO;
	if (r->report)
		fprintf(r->report, "station.%u '%s': %s (%zu of %zu zones passed)\n", st->number,
		        st->name, rc ? "FAIL" : "PASS", passed, st->pins.zone_count);
	station_hw_destroy(hw);
	return rc;
}

int self_test_run_with(const struct kiosk_config *cfg, struct gpio *gpio,
                       const struct self_test_params *params, FILE *report)
{
	if (!cfg || !gpio || !params || params->poll_ms == 0)
		return -EINVAL;

	struct self_test_params p = *params;
	if (!p.now_ms)
		p.now_ms = real_now_ms;
	if (!p.sleep_ms)
		p.sleep_ms = real_sleep_ms;

	struct run r = { .p = &p, .cfg = cfg, .report = report };
	r.rise_target_mmhg = p.rise_target_mmhg;
	if (r.rise_target_mmhg > cfg->limits.ceiling_mmhg - SELF_TEST_CEILING_MARGIN_MMHG)
		r.rise_target_mmhg = cfg->limits.ceiling_mmhg - SELF_TEST_CEILING_MARGIN_MMHG;

	if (report)
		fprintf(report, "self-test: %zu station%s; the boots must be on and zipped. Each zone "
		        "is pulsed to about %.0f mmHg and vented.\n", cfg->station_count,
		        cfg->station_count == 1 ? "" : "s", r.rise_target_mmhg);

	int first_err = 0;
	bool any_zone_failed = false;
	for (size_t i = 0; i < cfg->station_count; i++) {
		int rc = test_station(&r, &cfg->stations[i], gpio);
		if (rc == -EIO)
			any_zone_failed = true;
		else if (rc < 0 && !first_err)
			first_err = rc;
	}
	int result = first_err ? first_err : any_zone_failed ? -EIO : 0;
	if (report) {
		fprintf(report, "self-test: %s\n", result == 0 ? "PASS" : "FAIL");
		fflush(report);
	}
	return result;
}

int self_test_run(const struct kiosk_config *cfg, struct gpio *gpio, bool simulated, FILE *report)
{
	struct self_test_params p;
	self_test_params_default(&p);
	struct virtual_clock vc = { .now_ms = real_now_ms(NULL) };
	if (simulated) {
		p.now_ms = virtual_now_ms;
		p.sleep_ms = virtual_sleep_ms;
		p.ctx = &vc;
	}
	return self_test_run_with(cfg, gpio, &p, report);
}

/* SPDX-License-Identifier: MIT */
#include "service/self_test.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/station_hw.h"

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
	    .hold_settle_ms = 300,
	    .hold_ms = 2000,
	    .hold_max_drop_mmhg = 3.0,
	    .vent_max_ms = 5000,
	    .vent_slice_ms = 250,
	    .probe_settle_ms = 150,
	    .fall_below_mmhg = 3.0,
	    .no_sensor_pulse_ms = 1000,
	    .settle_ms = 1000,
	};
}

const char *self_test_zone_result_name(enum self_test_zone_result r)
{
	switch (r) {
	case SELF_TEST_ZONE_OK:
		return "ok";
	case SELF_TEST_ZONE_NO_RISE:
		return "no_rise";
	case SELF_TEST_ZONE_LEAK:
		return "leak";
	case SELF_TEST_ZONE_NO_FALL:
		return "no_fall";
	case SELF_TEST_ZONE_SENSOR_ERROR:
		return "sensor_error";
	case SELF_TEST_ZONE_NOT_MEASURED:
		return "not_measured";
	case SELF_TEST_ZONE_HW_ERROR:
		return "hardware_error";
	}
	return "unknown";
}

struct run {
	const struct self_test_params *p;
	const struct kiosk_config *cfg;
	FILE *report;
	double rise_target_mmhg;
	struct station_hw *hw; /* the station under test, NULL between stations */
};

static uint64_t run_now(const struct run *r)
{
	return r->p->now_ms(r->p->ctx);
}

static void run_sleep(const struct run *r, uint64_t ms)
{
	r->p->sleep_ms(r->p->ctx, ms);
	if (r->p->stop && *r->p->stop) {
		int rc = r->hw ? station_hw_safe(r->hw) : 0;
		if (r->report) {
			fprintf(r->report, "self-test: stopped by a signal; %s\n",
			        rc == 0 ? "every output de-energised"
			                : "FAILED to de-energise every output: run --safe-state");
			fflush(r->report);
		}
		exit(130);
	}
}

/* Wait with the outputs as they are, reading the sensor every poll period
 * like the control loop does.  The reads also carry the simulator's physics
 * forward under the outputs that were really applied during the wait. */
static void run_wait(const struct run *r, struct station_hw *hw, uint64_t ms)
{
	while (ms > 0) {
		uint64_t step = ms < r->p->poll_ms ? ms : r->p->poll_ms;
		run_sleep(r, step);
		ms -= step;
		struct pressure_reading rd;
		(void)station_hw_read_pressure(hw, run_now(r), &rd);
	}
}

/* A fresh conversion must arrive within this (an HX710B converts at 10 or
 * 40 Hz); a sensor that never delivers one is dead. */
#define SELF_TEST_FRESH_TIMEOUT_MS 600u

/* The current reading.  fresh: wait for a new conversion taken now, not one
 * from before the outputs last changed.  0 with *mmhg set, -ENODATA without
 * a sensor, -EIO on a read error or no fresh conversion in time. */
static int read_mmhg(const struct run *r, struct station_hw *hw, bool fresh, double *mmhg)
{
	uint64_t t0 = run_now(r);
	for (;;) {
		struct pressure_reading rd = {.status = PRESSURE_ERROR};
		int rc = station_hw_read_pressure(hw, run_now(r), &rd);
		if (rd.status == PRESSURE_ABSENT)
			return -ENODATA;
		if (rc < 0 || rd.status == PRESSURE_ERROR || !isfinite(rd.mmhg))
			return -EIO;
		if (rd.status == PRESSURE_OK || !fresh) {
			*mmhg = rd.mmhg;
			return 0;
		}
		if (run_now(r) - t0 >= SELF_TEST_FRESH_TIMEOUT_MS)
			return -EIO;
		run_sleep(r, r->p->poll_ms);
	}
}

static struct station_outputs outputs_zone(size_t zone, bool pump_on, bool exhaust_open)
{
	return (struct station_outputs){
	    .pump_on = pump_on, .exhaust_open = exhaust_open, .zones_open = (uint8_t)(1u << zone)};
}

/* Zone pressure: pump off, exhaust closed, only this zone open to the
 * manifold sensor; let them equalise, then read.  0, -EIO, or a GPIO error
 * (-EPIPE stands for "could not drive"). */
static int probe_zone(const struct run *r, struct station_hw *hw, size_t zone, double *mmhg)
{
	struct station_outputs out = outputs_zone(zone, false, false);
	if (station_hw_apply(hw, &out) < 0)
		return -EPIPE;
	run_wait(r, hw, r->p->probe_settle_ms);
	return read_mmhg(r, hw, true, mmhg);
}

/* Vent this zone through the exhaust, probing between slices, until it is
 * under the fall threshold or vent_max_ms passes.  0 when it fell,
 * -ETIMEDOUT, or the probe's error. */
static int vent_zone(const struct run *r, struct station_hw *hw, size_t zone, double *last,
                     uint64_t *took_ms)
{
	uint64_t t0 = run_now(r);
	for (;;) {
		struct station_outputs out = outputs_zone(zone, false, true);
		if (station_hw_apply(hw, &out) < 0)
			return -EPIPE;
		run_wait(r, hw, r->p->vent_slice_ms);
		int rc = probe_zone(r, hw, zone, last);
		if (rc < 0)
			return rc;
		*took_ms = run_now(r) - t0;
		if (*last < r->p->fall_below_mmhg)
			return 0;
		if (*took_ms >= r->p->vent_max_ms)
			return -ETIMEDOUT;
	}
}

static void report_zone(const struct run *r, const struct station_config *st, size_t zone,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report_zone(const struct run *r, const struct station_config *st, size_t zone,
                        const char *fmt, ...)
{
	if (!r->report)
		return;
	/* Zones are listed foot first: say which end is which. */
	fprintf(r->report, "station.%u zone %zu%s: ", st->number, zone + 1,
	        zone == 0                         ? " (foot)"
	        : zone + 1 == st->pins.zone_count ? " (thigh)"
	                                          : "");
	va_list ap;
	va_start(ap, fmt);
	vfprintf(r->report, fmt, ap);
	va_end(ap);
	fputc('\n', r->report);
}

static enum self_test_zone_result zone_no_sensor(const struct run *r,
                                                 const struct station_config *st,
                                                 struct station_hw *hw, size_t zone)
{
	const struct self_test_params *p = r->p;
	struct station_outputs fill = outputs_zone(zone, true, false);
	if (station_hw_apply(hw, &fill) < 0)
		return SELF_TEST_ZONE_HW_ERROR;
	run_wait(r, hw, p->no_sensor_pulse_ms);
	if (station_hw_safe(hw) < 0)
		return SELF_TEST_ZONE_HW_ERROR;
	run_wait(r, hw, p->no_sensor_pulse_ms);
	report_zone(r, st, zone,
	            "not measured (no sensor): pulsed %u ms; check by eye that it "
	            "inflated and vented",
	            p->no_sensor_pulse_ms);
	return SELF_TEST_ZONE_NOT_MEASURED;
}

static enum self_test_zone_result
zone_failed_io(const struct run *r, const struct station_config *st, size_t zone, int rc)
{
	if (rc == -EPIPE) {
		report_zone(r, st, zone, "FAIL hardware: could not drive the pump or valves");
		return SELF_TEST_ZONE_HW_ERROR;
	}
	report_zone(r, st, zone,
	            "FAIL sensor: the pressure sensor gave no reading; check its "
	            "wiring and calibration");
	return SELF_TEST_ZONE_SENSOR_ERROR;
}

/* Rise, hold, fall for one zone.  The station is left in the safe state. */
static enum self_test_zone_result test_zone_measured(const struct run *r,
                                                     const struct station_config *st,
                                                     struct station_hw *hw, size_t zone)
{
	const struct self_test_params *p = r->p;
	double base = 0.0, left = 0.0;
	uint64_t took = 0;

	int rc = probe_zone(r, hw, zone, &base);
	if (rc < 0)
		return zone_failed_io(r, st, zone, rc);
	if (base >= p->fall_below_mmhg) {
		/* Left over from before: start from an empty zone. */
		rc = vent_zone(r, hw, zone, &left, &took);
		if (rc < 0 && rc != -ETIMEDOUT)
			return zone_failed_io(r, st, zone, rc);
		base = left;
	}

	/* Rise: pump into this zone only, until the target, the ceiling or the
	 * longest pulse. */
	struct station_outputs fill = outputs_zone(zone, true, false);
	if (station_hw_apply(hw, &fill) < 0)
		return zone_failed_io(r, st, zone, -EPIPE);
	uint64_t t0 = run_now(r);
	double peak = base, now_mmhg = base;
	uint64_t rise_ms = 0;
	for (;;) {
		rc = read_mmhg(r, hw, false, &now_mmhg);
		if (rc < 0)
			return zone_failed_io(r, st, zone, rc);
		if (now_mmhg > peak)
			peak = now_mmhg;
		rise_ms = run_now(r) - t0;
		if (peak >= base + r->rise_target_mmhg || peak >= r->cfg->limits.ceiling_mmhg ||
		    rise_ms >= p->pulse_max_ms)
			break;
		run_sleep(r, p->poll_ms);
	}
	if (peak - base < p->rise_min_mmhg) {
		report_zone(r, st, zone,
		            "FAIL no rise: %.1f -> %.1f mmHg after %.1f s (needs +%.0f); "
		            "boot not connected, badly leaking, hose off, or the pump or this zone "
		            "valve not switching",
		            base, peak, (double)rise_ms / 1000.0, p->rise_min_mmhg);
		return SELF_TEST_ZONE_NO_RISE;
	}

	/* Hold: pump off (its check valve holds), exhaust closed, zone open to
	 * the sensor.  A sound zone keeps its pressure. */
	double held_from = 0.0, held_to = 0.0;
	struct station_outputs hold = outputs_zone(zone, false, false);
	if (station_hw_apply(hw, &hold) < 0)
		return zone_failed_io(r, st, zone, -EPIPE);
	run_wait(r, hw, p->hold_settle_ms);
	rc = read_mmhg(r, hw, true, &held_from);
	if (rc == 0) {
		run_wait(r, hw, p->hold_ms);
		rc = read_mmhg(r, hw, true, &held_to);
	}
	if (rc < 0)
		return zone_failed_io(r, st, zone, rc);

	/* Fall: vent through the exhaust. */
	double vented = held_to;
	uint64_t fall_ms = 0;
	rc = vent_zone(r, hw, zone, &vented, &fall_ms);
	if (rc < 0 && rc != -ETIMEDOUT)
		return zone_failed_io(r, st, zone, rc);

	if (held_from - held_to > p->hold_max_drop_mmhg) {
		report_zone(r, st, zone,
		            "FAIL leak: held %.1f -> %.1f mmHg in %.1f s (allowed drop "
		            "%.1f); a leaking chamber, a loose hose fitting or a zone valve not "
		            "sealing",
		            held_from, held_to, (double)p->hold_ms / 1000.0, p->hold_max_drop_mmhg);
		return SELF_TEST_ZONE_LEAK;
	}
	if (rc == -ETIMEDOUT) {
		report_zone(r, st, zone,
		            "FAIL no fall: still %.1f mmHg after %.1f s of venting "
		            "(needs < %.0f); exhaust valve stuck closed or blocked, or wired "
		            "normally-closed",
		            vented, (double)fall_ms / 1000.0, p->fall_below_mmhg);
		return SELF_TEST_ZONE_NO_FALL;
	}
	report_zone(r, st, zone,
	            "OK rose %.1f -> %.1f mmHg in %.1f s, held %.1f -> %.1f mmHg, "
	            "fell to %.1f mmHg in %.1f s",
	            base, peak, (double)rise_ms / 1000.0, held_from, held_to, vented,
	            (double)fall_ms / 1000.0);
	return SELF_TEST_ZONE_OK;
}

static enum self_test_zone_result test_zone(const struct run *r, const struct station_config *st,
                                            struct station_hw *hw, size_t zone)
{
	enum self_test_zone_result res;
	if (st->pins.sensor == SENSOR_NONE)
		res = zone_no_sensor(r, st, hw, zone);
	else
		res = test_zone_measured(r, st, hw, zone);
	/* Whatever happened, the zone ends vented. */
	if (station_hw_safe(hw) < 0 && res == SELF_TEST_ZONE_OK)
		res = SELF_TEST_ZONE_HW_ERROR;
	return res;
}

/* One station: 0 when every zone was measured and passed,
 * SELF_TEST_NOT_MEASURED when zones were only pulsed (no sensor) and none
 * failed, -EIO when one failed, or the error from requesting the lines. */
static int test_station(struct run *r, const struct station_config *st, struct gpio *gpio)
{
	char err[256] = "";
	struct station_hw *hw =
	    station_hw_create_with(gpio, r->p->sensors, st->name, &st->pins, err, sizeof(err));
	if (!hw) {
		int rc = errno ? -errno : -EIO;
		if (r->report)
			fprintf(r->report, "station.%u '%s': FAIL could not take the lines: %s%s\n",
			        st->number, st->name, err[0] ? err : strerror(-rc),
			        rc == -EBUSY
			            ? " (stop the service first: systemctl stop recovery-kiosk)"
			            : "");
		return rc;
	}
	r->hw = hw;
	if (r->report)
		fprintf(r->report, "station.%u '%s': testing %zu zone%s\n", st->number, st->name,
		        st->pins.zone_count, st->pins.zone_count == 1 ? "" : "s");

	/* Start from empty boots: vent whatever a previous session left. */
	int rc = 0;
	if (station_hw_safe(hw) < 0)
		rc = -EIO;
	run_wait(r, hw, r->p->settle_ms);

	size_t passed = 0, unmeasured = 0;
	for (size_t z = 0; z < st->pins.zone_count; z++) {
		enum self_test_zone_result res = test_zone(r, st, hw, z);
		if (res == SELF_TEST_ZONE_OK)
			passed++;
		else if (res == SELF_TEST_ZONE_NOT_MEASURED)
			unmeasured++;
		else
			rc = -EIO;
	}
	/* Hand the boots back empty. */
	if (station_hw_safe(hw) < 0)
		rc = -EIO;
	run_wait(r, hw, r->p->settle_ms);
	if (rc == 0 && unmeasured)
		rc = SELF_TEST_NOT_MEASURED;
	if (r->report && rc == SELF_TEST_NOT_MEASURED)
		fprintf(r->report,
		        "station.%u '%s': NOT MEASURED (no sensor: %zu of %zu zones pulsed for you "
		        "to watch inflate and vent)\n",
		        st->number, st->name, unmeasured, st->pins.zone_count);
	else if (r->report)
		fprintf(r->report, "station.%u '%s': %s (%zu of %zu zones passed)\n", st->number,
		        st->name, rc ? "FAIL" : "PASS", passed, st->pins.zone_count);
	r->hw = NULL;
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

	struct run r = {.p = &p, .cfg = cfg, .report = report};
	r.rise_target_mmhg = p.rise_target_mmhg;
	if (r.rise_target_mmhg > cfg->limits.ceiling_mmhg - SELF_TEST_CEILING_MARGIN_MMHG)
		r.rise_target_mmhg = cfg->limits.ceiling_mmhg - SELF_TEST_CEILING_MARGIN_MMHG;

	if (report)
		fprintf(report,
		        "self-test: %zu station%s; the boots must be on and zipped. Each zone "
		        "is pulsed to about %.0f mmHg and vented.\n",
		        cfg->station_count, cfg->station_count == 1 ? "" : "s", r.rise_target_mmhg);

	int first_err = 0;
	bool any_zone_failed = false, any_unmeasured = false;
	for (size_t i = 0; i < cfg->station_count; i++) {
		int rc = test_station(&r, &cfg->stations[i], gpio);
		if (rc == -EIO)
			any_zone_failed = true;
		else if (rc == SELF_TEST_NOT_MEASURED)
			any_unmeasured = true;
		else if (rc < 0 && !first_err)
			first_err = rc;
	}
	int result = first_err         ? first_err
	             : any_zone_failed ? -EIO
	             : any_unmeasured  ? SELF_TEST_NOT_MEASURED
	                               : SELF_TEST_PASS;
	if (report) {
		fprintf(report, "self-test: %s\n",
		        result == SELF_TEST_PASS           ? "PASS"
		        : result == SELF_TEST_NOT_MEASURED ? "NOT MEASURED (a station without a "
		                                             "sensor: check its zones by eye)"
		                                           : "FAIL");
		fflush(report);
	}
	return result;
}

int self_test_run(const struct kiosk_config *cfg, struct gpio *gpio,
                  const struct pressure_sensor_factory *sim_sensors,
                  const volatile sig_atomic_t *stop, FILE *report)
{
	struct self_test_params p;
	self_test_params_default(&p);
	p.stop = stop;
	struct virtual_clock vc = {.now_ms = real_now_ms(NULL)};
	if (sim_sensors) {
		p.now_ms = virtual_now_ms;
		p.sleep_ms = virtual_sleep_ms;
		p.ctx = &vc;
		p.sensors = sim_sensors;
	}
	return self_test_run_with(cfg, gpio, &p, report);
}

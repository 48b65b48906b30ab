/* SPDX-License-Identifier: MIT */
/* The boot physics model and HX710B emulator; see boot_sim.h. */
#include "drivers/sim/boot_sim.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/sim/gpio_sim.h"

#define MAX_CATCHUP_MS 10000u
#define SIM_DEFAULT_MMHG_PER_COUNT 0.0001
#define HX_MAX 0x7FFFFF
#define HX_MIN (-0x800000)

struct sim_zone {
	double p_mmhg;
	double v0_l; /* gas volume at 0 mmHg gauge */
	double c_l_per_mmhg;
	double leak_k; /* L/s per sqrt(mmHg) */
	enum boot_sim_valve_state stuck;
	struct gpio_sim_line *line;
	bool active_low;
};

struct hx_emu {
	bool enabled;
	struct gpio_sim_line *clk;
	struct gpio_sim_line *data;
	bool data_active_low; /* an inverting buffer between chip and pin */
	bool clk_active_low;
	uint64_t period_ms;
	uint64_t next_ms;
	uint32_t word;       /* latched 24-bit code */
	bool ready;          /* DOUT low, a conversion waiting */
	unsigned int pulses; /* clock pulses since the conversion was latched */
};

struct boot_sim {
	struct boot_sim_params prm;
	struct gpio *gpio;
	struct gpio_sim_line *pump_line;
	struct gpio_sim_line *button_line; /* NULL without a stop button */
	bool button_active_low;
	struct gpio_sim_line *exhaust_line;
	bool pump_active_low;
	bool exhaust_active_low;
	size_t zone_count;
	struct sim_zone zones[STATION_MAX_ZONES];

	double pm_mmhg;
	double cm_l_per_mmhg;
	double q0_lps;
	double inv_stall;
	double dt_s;
	double last_pump_lps;
	enum boot_sim_valve_state exhaust_stuck;
	bool disconnected;
	bool blocked;

	bool clock_started;
	uint64_t now_ms;

	uint64_t rng;
	bool have_spare;
	double spare;
	bool sensor_dead;
	bool sensor_stuck;
	double sensor_bias_mmhg;
	struct pressure_reading stuck_reading;
	double offset_counts;
	double mmhg_per_count;
	struct hx_emu hx;
};

void boot_sim_params_default(struct boot_sim_params *p)
{
	*p = (struct boot_sim_params){
	    .ambient_mmhg = 760.0,
	    .pump_free_flow_lpm = 12.0,
	    .pump_stall_mmhg = 300.0,
	    .manifold_volume_ml = 100.0,
	    .zone_volume_ml = 100.0,
	    .zone_compliance_ml_per_mmhg = 10.0,
	    .zone_valve_lps_per_sqrt_mmhg = 0.19,
	    .exhaust_lps_per_sqrt_mmhg = 0.27,
	    .sensor_noise_mmhg = 0.3,
	    .substep_ms = 2,
	    .seed = 0x5eed2026u,
	};
}

/* ---- RNG: xorshift64*, Box-Muller ------------------------------------- */

static double rng_uniform(struct boot_sim *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (double)((s->rng * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(struct boot_sim *s)
{
	double u, v, r;

	if (s->have_spare) {
		s->have_spare = false;
		return s->spare;
	}
	u = rng_uniform(s);
	v = rng_uniform(s);
	if (u < 1e-300)
		u = 1e-300;
	r = sqrt(-2.0 * log(u));
	s->spare = r * sin(2.0 * M_PI * v);
	s->have_spare = true;
	return r * cos(2.0 * M_PI * v);
}

/* ---- the sensor ------------------------------------------------------- */

static double sensor_mmhg(struct boot_sim *s)
{
	double n = s->prm.sensor_noise_mmhg > 0 ? rng_gauss(s) * s->prm.sensor_noise_mmhg : 0.0;

	return s->pm_mmhg + s->sensor_bias_mmhg + n;
}

static int32_t mmhg_to_raw(const struct boot_sim *s, double mmhg)
{
	double raw = s->offset_counts + mmhg / s->mmhg_per_count;

	if (raw > HX_MAX)
		return HX_MAX;
	if (raw < HX_MIN)
		return HX_MIN;
	return (int32_t)lround(raw);
}

int boot_sim_read_sensor(struct boot_sim *s, struct pressure_reading *out)
{
	int32_t raw;

	if (s->sensor_dead) {
		*out = (struct pressure_reading){.status = PRESSURE_ERROR, .mmhg = 0, .raw = 0};
		return 0;
	}
	if (s->sensor_stuck) {
		*out = s->stuck_reading;
		return 0;
	}
	raw = mmhg_to_raw(s, sensor_mmhg(s));
	out->raw = raw;
	out->mmhg = ((double)raw - s->offset_counts) * s->mmhg_per_count;
	out->status = (raw == HX_MAX || raw == HX_MIN) ? PRESSURE_ERROR : PRESSURE_OK;
	s->stuck_reading = *out;
	return 0;
}

/* ---- HX710B emulation ---------------------------------------------------- */

static void hx_drive_dout(struct boot_sim *s, int level)
{
	gpio_sim_line_set_input(s->hx.data, level ^ (s->hx.data_active_low ? 1 : 0));
}

/* PD_SCK rising edge: shift out the next bit MSB first; after the 24th bit
 * the 25th pulse pulls DOUT high, further pulses select the next rate. */
static void hx_clock_hook(void *ctx, struct gpio_sim_line *line, int electrical)
{
	struct boot_sim *s = ctx;

	(void)line;
	if (!(electrical ^ (s->hx.clk_active_low ? 1 : 0)) || !s->hx.ready)
		return;
	if (s->hx.pulses < 24) {
		hx_drive_dout(s, (int)((s->hx.word >> (23 - s->hx.pulses)) & 1u));
	} else {
		hx_drive_dout(s, 1);
	}
	s->hx.pulses++;
}

static void hx_convert(struct boot_sim *s)
{
	unsigned int extra;

	if (s->sensor_dead) {
		s->hx.ready = false;
		hx_drive_dout(s, 1);
		return;
	}
	if (s->hx.ready && s->hx.pulses > 0 && s->hx.pulses < 25)
		return; /* a read is in progress: the chip does not update mid-word */
	if (s->hx.ready && s->hx.pulses >= 25) {
		extra = s->hx.pulses - 24;
		s->hx.period_ms = extra == 1 ? 100 : 25; /* 25 pulses: 10 Hz, 26/27: 40 Hz */
	}
	if (!s->sensor_stuck)
		s->hx.word = (uint32_t)mmhg_to_raw(s, sensor_mmhg(s)) & 0xFFFFFFu;
	s->hx.ready = true;
	s->hx.pulses = 0;
	hx_drive_dout(s, 0);
}

/* ---- physics ------------------------------------------------------------- */

static bool line_energised(const struct gpio_sim_line *line, bool active_low)
{
	int level = gpio_sim_line_driven(line);

	return level >= 0 && (level != 0) != active_low;
}

static double zone_cap(const struct boot_sim *s, const struct sim_zone *z)
{
	double p = z->p_mmhg > 0 ? z->p_mmhg : 0;

	return (z->v0_l + z->c_l_per_mmhg * p + (s->prm.ambient_mmhg + p) * z->c_l_per_mmhg) /
	       s->prm.ambient_mmhg;
}

/* Signed orifice transfer over one substep, limited to what equalises. */
static double orifice_dn(double k_dt, double dp, double limit)
{
	double dn = dp >= 0 ? k_dt * sqrt(dp) : -k_dt * sqrt(-dp);

	if (fabs(dn) > fabs(limit))
		dn = limit;
	return dn;
}

static void substep(struct boot_sim *s, bool pump_on, bool exhaust_open, const bool *zone_open)
{
	const double dt = s->dt_s;
	const double cm = s->cm_l_per_mmhg;

	s->last_pump_lps = 0;
	if (pump_on && s->pm_mmhg < s->prm.pump_stall_mmhg) {
		double q = s->q0_lps * (1.0 - s->pm_mmhg * s->inv_stall);
		s->last_pump_lps = q;
		s->pm_mmhg += q * dt / cm;
	}
	for (size_t k = 0; k < s->zone_count; k++) {
		struct sim_zone *z = &s->zones[k];

		if (s->disconnected) {
			z->p_mmhg = 0;
			if (zone_open[k] && s->pm_mmhg > 0)
				s->pm_mmhg -= orifice_dn(s->prm.zone_valve_lps_per_sqrt_mmhg * dt,
				                         s->pm_mmhg, s->pm_mmhg * cm) /
				              cm;
			continue;
		}
		if (zone_open[k] && !s->blocked) {
			double cz = zone_cap(s, z);
			double dp = s->pm_mmhg - z->p_mmhg;
			double dn = orifice_dn(s->prm.zone_valve_lps_per_sqrt_mmhg * dt, dp,
			                       dp / (1.0 / cm + 1.0 / cz));
			s->pm_mmhg -= dn / cm;
			z->p_mmhg += dn / cz;
		}
		if (z->leak_k > 0 && z->p_mmhg > 0) {
			double cz = zone_cap(s, z);
			z->p_mmhg -= orifice_dn(z->leak_k * dt, z->p_mmhg, z->p_mmhg * cz) / cz;
		}
	}
	if (exhaust_open && s->pm_mmhg > 0)
		s->pm_mmhg -=
		    orifice_dn(s->prm.exhaust_lps_per_sqrt_mmhg * dt, s->pm_mmhg, s->pm_mmhg * cm) /
		    cm;
}

void boot_sim_advance(struct boot_sim *s, uint64_t now_ms)
{
	bool zone_open[STATION_MAX_ZONES];
	bool pump_on, exhaust_open;
	uint64_t step = s->prm.substep_ms;

	if (!s->clock_started) {
		s->clock_started = true;
		s->now_ms = now_ms;
		s->hx.next_ms = now_ms + s->hx.period_ms;
		return;
	}
	if (now_ms <= s->now_ms)
		return;
	if (now_ms - s->now_ms > MAX_CATCHUP_MS) {
		s->now_ms = now_ms - MAX_CATCHUP_MS;
		if (s->hx.next_ms < s->now_ms)
			s->hx.next_ms = s->now_ms;
	}

	/* Outputs cannot change during an advance: the control loop writes
	 * between reads.  Energised pump runs; energised valves are closed. */
	pump_on = line_energised(s->pump_line, s->pump_active_low);
	if (s->exhaust_stuck == BOOT_SIM_VALVE_WORKS)
		exhaust_open = !line_energised(s->exhaust_line, s->exhaust_active_low);
	else
		exhaust_open = s->exhaust_stuck == BOOT_SIM_VALVE_STUCK_OPEN;
	for (size_t k = 0; k < s->zone_count; k++) {
		const struct sim_zone *z = &s->zones[k];
		if (z->stuck == BOOT_SIM_VALVE_WORKS)
			zone_open[k] = !line_energised(z->line, z->active_low);
		else
			zone_open[k] = z->stuck == BOOT_SIM_VALVE_STUCK_OPEN;
	}

	while (now_ms - s->now_ms >= step) {
		substep(s, pump_on, exhaust_open, zone_open);
		s->now_ms += step;
		if (s->hx.enabled && s->now_ms >= s->hx.next_ms) {
			hx_convert(s);
			s->hx.next_ms += s->hx.period_ms;
			if (s->hx.next_ms <= s->now_ms)
				s->hx.next_ms = s->now_ms + s->hx.period_ms;
		}
	}
}

/* ---- lifecycle ------------------------------------------------------------ */

static struct gpio_sim_line *pin_line(struct gpio *gpio, const struct gpio_pin *pin)
{
	return gpio_sim_line_get(gpio, pin->chip, pin->offset);
}

struct boot_sim *boot_sim_find(struct gpio *gpio, const struct station_pins *pins)
{
	struct gpio_sim_line *l;

	if (!gpio_sim_is(gpio) || !pins)
		return NULL;
	l = pin_line(gpio, &pins->pump);
	return l ? gpio_sim_line_model(l) : NULL;
}

static bool params_valid(const struct boot_sim_params *p)
{
	return p->ambient_mmhg > 100 && p->pump_free_flow_lpm >= 0 && p->pump_stall_mmhg > 0 &&
	       p->manifold_volume_ml > 0 && p->zone_volume_ml > 0 &&
	       p->zone_compliance_ml_per_mmhg >= 0 && p->zone_valve_lps_per_sqrt_mmhg >= 0 &&
	       p->exhaust_lps_per_sqrt_mmhg >= 0 && p->sensor_noise_mmhg >= 0 &&
	       p->substep_ms >= 1 && p->substep_ms <= 20;
}

struct boot_sim *boot_sim_create(struct gpio *gpio, const struct station_pins *pins,
                                 const struct boot_sim_params *params)
{
	struct boot_sim *s;
	int e = EINVAL;

	if (!gpio_sim_is(gpio) || !pins || pins->zone_count == 0 ||
	    pins->zone_count > STATION_MAX_ZONES)
		goto err;
	s = calloc(1, sizeof(*s));
	if (!s) {
		e = ENOMEM;
		goto err;
	}
	if (params)
		s->prm = *params;
	else
		boot_sim_params_default(&s->prm);
	if (!params_valid(&s->prm))
		goto err_free;

	s->gpio = gpio;
	s->pump_line = pin_line(gpio, &pins->pump);
	s->exhaust_line = pin_line(gpio, &pins->exhaust);
	if (!s->pump_line || !s->exhaust_line)
		goto err_free;
	if (gpio_sim_line_model(s->pump_line)) {
		e = EEXIST;
		goto err_free;
	}
	s->pump_active_low = pins->pump.active_low;
	s->exhaust_active_low = pins->exhaust.active_low;
	s->zone_count = pins->zone_count;
	for (size_t k = 0; k < s->zone_count; k++) {
		struct sim_zone *z = &s->zones[k];
		z->line = pin_line(gpio, &pins->zones[k]);
		if (!z->line)
			goto err_free;
		z->active_low = pins->zones[k].active_low;
		z->v0_l = s->prm.zone_volume_ml / 1000.0;
		z->c_l_per_mmhg = s->prm.zone_compliance_ml_per_mmhg / 1000.0;
	}
	s->cm_l_per_mmhg = s->prm.manifold_volume_ml / 1000.0 / s->prm.ambient_mmhg;
	s->q0_lps = s->prm.pump_free_flow_lpm / 60.0;
	s->inv_stall = 1.0 / s->prm.pump_stall_mmhg;
	s->dt_s = s->prm.substep_ms / 1000.0;
	s->rng = s->prm.seed ? s->prm.seed : 0x9E3779B97F4A7C15ull;

	if (pins->sensor_mmhg_per_count != 0) {
		s->offset_counts = pins->sensor_offset_counts;
		s->mmhg_per_count = pins->sensor_mmhg_per_count;
	} else {
		s->offset_counts = 0;
		s->mmhg_per_count = SIM_DEFAULT_MMHG_PER_COUNT;
	}
	s->stuck_reading.status = PRESSURE_OK;
	s->stuck_reading.raw = mmhg_to_raw(s, 0);

	s->hx.period_ms = 100;
	if (pins->sensor == SENSOR_HX710B) {
		s->hx.clk = pin_line(gpio, &pins->sensor_clock);
		s->hx.data = pin_line(gpio, &pins->sensor_data);
		if (!s->hx.clk || !s->hx.data)
			goto err_free;
		s->hx.enabled = true;
		s->hx.word = (uint32_t)s->stuck_reading.raw & 0xFFFFFFu;
		s->hx.data_active_low = pins->sensor_data.active_low;
		s->hx.clk_active_low = pins->sensor_clock.active_low;
		gpio_sim_line_set_hook(s->hx.clk, hx_clock_hook, s);
		hx_drive_dout(s, 1); /* no conversion yet */
	}
	if (pins->has_stop_button) {
		/* The stop switch is wired and closed (not pressed), as on a
		 * station ready for use. */
		s->button_line = pin_line(gpio, &pins->stop_button);
		if (!s->button_line)
			goto err_free;
		s->button_active_low = pins->stop_button.active_low;
		boot_sim_press_stop_button(s, false);
	}
	gpio_sim_line_set_model(s->pump_line, s);
	return s;

err_free:
	free(s);
err:
	errno = e;
	return NULL;
}

void boot_sim_destroy(struct boot_sim *s)
{
	if (!s)
		return;
	if (s->hx.enabled) {
		gpio_sim_line_set_hook(s->hx.clk, NULL, NULL);
		gpio_sim_line_set_input(s->hx.data, -1);
	}
	if (s->button_line)
		gpio_sim_line_set_input(s->button_line, -1);
	gpio_sim_line_set_model(s->pump_line, NULL);
	free(s);
}

/* ---- truth and backdoors ----------------------------------------------------- */

double boot_sim_zone_mmhg(const struct boot_sim *s, size_t zone)
{
	return zone < s->zone_count ? s->zones[zone].p_mmhg : 0.0;
}

double boot_sim_manifold_mmhg(const struct boot_sim *s)
{
	return s->pm_mmhg;
}

double boot_sim_pump_flow_lpm(const struct boot_sim *s)
{
	return s->last_pump_lps * 60.0;
}

size_t boot_sim_zone_count(const struct boot_sim *s)
{
	return s->zone_count;
}

uint64_t boot_sim_now_ms(const struct boot_sim *s)
{
	return s->now_ms;
}

void boot_sim_set_zone_mmhg(struct boot_sim *s, size_t zone, double mmhg)
{
	if (zone < s->zone_count)
		s->zones[zone].p_mmhg = mmhg;
}

void boot_sim_set_manifold_mmhg(struct boot_sim *s, double mmhg)
{
	s->pm_mmhg = mmhg;
}

void boot_sim_set_leak(struct boot_sim *s, size_t zone, double leak_lpm)
{
	if (zone < s->zone_count)
		s->zones[zone].leak_k = leak_lpm > 0 ? leak_lpm / 60.0 / sqrt(60.0) : 0.0;
}

void boot_sim_set_disconnected(struct boot_sim *s, bool disconnected)
{
	s->disconnected = disconnected;
}

void boot_sim_set_blocked(struct boot_sim *s, bool blocked)
{
	s->blocked = blocked;
}

void boot_sim_set_stuck_valve(struct boot_sim *s, int valve, enum boot_sim_valve_state state)
{
	if (valve == BOOT_SIM_EXHAUST)
		s->exhaust_stuck = state;
	else if (valve >= 0 && (size_t)valve < s->zone_count)
		s->zones[valve].stuck = state;
}

void boot_sim_set_sensor_dead(struct boot_sim *s, bool dead)
{
	s->sensor_dead = dead;
	if (dead && s->hx.enabled) {
		s->hx.ready = false;
		hx_drive_dout(s, 1);
	}
}

void boot_sim_set_sensor_stuck(struct boot_sim *s, bool stuck)
{
	s->sensor_stuck = stuck;
}

void boot_sim_press_stop_button(struct boot_sim *s, bool pressed)
{
	if (s && s->button_line)
		gpio_sim_line_set_input(s->button_line,
		                        (pressed ? 1 : 0) ^ (s->button_active_low ? 1 : 0));
}

void boot_sim_set_sensor_bias_mmhg(struct boot_sim *s, double bias_mmhg)
{
	s->sensor_bias_mmhg = bias_mmhg;
}

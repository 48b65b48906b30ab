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

/* One sensor channel: its error model, faults, noise generator and chip. */
struct sensor_chan {
	struct boot_sim *sim;
	double gain;
	double offset_mmhg;
	double noise_mmhg;
	bool dead;
	bool frozen;
	bool stale;
	uint64_t rng;
	bool have_spare;
	double spare;
	struct pressure_reading last; /* SENSOR_SIM: the last reading, what frozen repeats */
	double offset_counts;
	double mmhg_per_count;
	struct hx_emu hx;
};

struct boot_sim {
	struct boot_sim_params prm;
	struct gpio *gpio;
	struct gpio_sim_line *pump_line;
	struct gpio_sim_line *button_line; /* NULL without a stop button */
	bool button_active_low;
	struct gpio_sim_line *sense_line; /* NULL without a pump sense input */
	bool sense_active_low;
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
	enum boot_sim_pump_state pump_state;
	bool disconnected;
	bool blocked;
	double relief_crack_mmhg; /* 0 = no relief valve fitted */
	double relief_k;          /* L/s per sqrt(mmHg) above the cracking pressure */

	bool clock_started;
	uint64_t now_ms;

	struct sensor_chan ch[2]; /* indexed by enum boot_sim_sensor */
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

/* ---- RNG: xorshift64*, Box-Muller, one generator per channel ----------- */

static double rng_uniform(struct sensor_chan *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(struct sensor_chan *c)
{
	double u, v, r;

	if (c->have_spare) {
		c->have_spare = false;
		return c->spare;
	}
	u = rng_uniform(c);
	v = rng_uniform(c);
	if (u < 1e-300)
		u = 1e-300;
	r = sqrt(-2.0 * log(u));
	c->spare = r * sin(2.0 * M_PI * v);
	c->have_spare = true;
	return r * cos(2.0 * M_PI * v);
}

/* ---- the sensors ----------------------------------------------------------- */

/* What the channel's sensing element reports: truth * gain + offset + noise. */
static double sensor_mmhg(struct sensor_chan *c)
{
	double n = c->noise_mmhg > 0 ? rng_gauss(c) * c->noise_mmhg : 0.0;

	return c->sim->pm_mmhg * c->gain + c->offset_mmhg + n;
}

static int32_t mmhg_to_raw(const struct sensor_chan *c, double mmhg)
{
	double raw = c->offset_counts + mmhg / c->mmhg_per_count;

	if (raw > HX_MAX)
		return HX_MAX;
	if (raw < HX_MIN)
		return HX_MIN;
	return (int32_t)lround(raw);
}

static struct pressure_reading raw_reading(const struct sensor_chan *c, int32_t raw)
{
	return (struct pressure_reading){
	    .status = (raw == HX_MAX || raw == HX_MIN) ? PRESSURE_ERROR : PRESSURE_OK,
	    .mmhg = ((double)raw - c->offset_counts) * c->mmhg_per_count,
	    .raw = raw,
	};
}

int boot_sim_read_sensor_channel(struct boot_sim *s, enum boot_sim_sensor which,
                                 struct pressure_reading *out)
{
	struct sensor_chan *c = &s->ch[which == BOOT_SIM_SENSOR_SAFETY];

	if (c->dead) {
		*out = (struct pressure_reading){.status = PRESSURE_ERROR, .mmhg = 0, .raw = 0};
		return 0;
	}
	if (c->stale) {
		*out = c->last;
		out->status = PRESSURE_STALE;
		return 0;
	}
	if (c->frozen) {
		*out = c->last;
		return 0;
	}
	*out = raw_reading(c, mmhg_to_raw(c, sensor_mmhg(c)));
	c->last = *out;
	return 0;
}

int boot_sim_read_sensor(struct boot_sim *s, struct pressure_reading *out)
{
	return boot_sim_read_sensor_channel(s, BOOT_SIM_SENSOR_CONTROL, out);
}

/* ---- HX710B emulation ---------------------------------------------------- */

static void hx_drive_dout(struct sensor_chan *c, int level)
{
	gpio_sim_line_set_input(c->hx.data, level ^ (c->hx.data_active_low ? 1 : 0));
}

/* PD_SCK rising edge: shift out the next bit MSB first; after the 24th bit
 * the 25th pulse pulls DOUT high, further pulses select the next rate. */
static void hx_clock_hook(void *ctx, struct gpio_sim_line *line, int electrical)
{
	struct sensor_chan *c = ctx;

	(void)line;
	if (!(electrical ^ (c->hx.clk_active_low ? 1 : 0)) || !c->hx.ready)
		return;
	if (c->hx.pulses < 24) {
		hx_drive_dout(c, (int)((c->hx.word >> (23 - c->hx.pulses)) & 1u));
	} else {
		hx_drive_dout(c, 1);
	}
	c->hx.pulses++;
}

/* No conversion any more: DOUT stays high (a dead or stalled chip). */
static void hx_stop(struct sensor_chan *c)
{
	if (!c->hx.enabled)
		return;
	c->hx.ready = false;
	hx_drive_dout(c, 1);
}

static void hx_convert(struct sensor_chan *c)
{
	unsigned int extra;

	if (c->dead || c->stale) {
		hx_stop(c);
		return;
	}
	if (c->hx.ready && c->hx.pulses > 0 && c->hx.pulses < 25)
		return; /* a read is in progress: the chip does not update mid-word */
	if (c->hx.ready && c->hx.pulses >= 25) {
		extra = c->hx.pulses - 24;
		c->hx.period_ms = extra == 1 ? 100 : 25; /* 25 pulses: 10 Hz, 26/27: 40 Hz */
	}
	if (!c->frozen)
		c->hx.word = (uint32_t)mmhg_to_raw(c, sensor_mmhg(c)) & 0xFFFFFFu;
	c->hx.ready = true;
	c->hx.pulses = 0;
	hx_drive_dout(c, 0);
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

/* Air out of the open exhaust over dt, at most max_mmhg of the manifold. */
static void exhaust_vent(struct boot_sim *s, bool exhaust_open, double dt, double max_mmhg)
{
	const double cm = s->cm_l_per_mmhg;
	double dp;

	if (!exhaust_open || s->pm_mmhg <= 0)
		return;
	dp = orifice_dn(s->prm.exhaust_lps_per_sqrt_mmhg * dt, s->pm_mmhg, s->pm_mmhg * cm) / cm;
	s->pm_mmhg -= dp < max_mmhg ? dp : max_mmhg;
}

static void substep(struct boot_sim *s, bool pump_on, bool exhaust_open, const bool *zone_open)
{
	const double dt = s->dt_s;
	const double cm = s->cm_l_per_mmhg;

	s->last_pump_lps = 0;
	if (pump_on && s->pm_mmhg < s->prm.pump_stall_mmhg) {
		double q = s->q0_lps * (1.0 - s->pm_mmhg * s->inv_stall);
		double added = q * dt / cm;

		s->last_pump_lps = q;
		s->pm_mmhg += added;
		/* The manifold is tiny and stiff: a substep of pump air is
		 * several mmHg in it.  Into an open exhaust (a welded relay
		 * while venting) that air leaves before it reaches the zones,
		 * which then stay near 0 (really about 0.5 mmHg: 12 L/min
		 * through the 6 mm exhaust), not at a substep's worth. */
		exhaust_vent(s, exhaust_open, dt, added);
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
	exhaust_vent(s, exhaust_open, dt, s->pm_mmhg);
	/* A spring relief valve on the manifold: above its cracking pressure
	 * it lets air out through its own orifice. */
	if (s->relief_crack_mmhg > 0 && s->pm_mmhg > s->relief_crack_mmhg) {
		double over = s->pm_mmhg - s->relief_crack_mmhg;

		s->pm_mmhg -= orifice_dn(s->relief_k * dt, over, over * cm) / cm;
	}
}

static bool pump_runs(const struct boot_sim *s)
{
	switch (s->pump_state) {
	case BOOT_SIM_PUMP_WELDED:
		return true;
	case BOOT_SIM_PUMP_DEAD:
		return false;
	case BOOT_SIM_PUMP_WORKS:
	default:
		return line_energised(s->pump_line, s->pump_active_low);
	}
}

bool boot_sim_pump_running(const struct boot_sim *s)
{
	return pump_runs(s);
}

/* The pump sense input follows the pump's true state. */
static void sense_update(struct boot_sim *s)
{
	if (s->sense_line)
		gpio_sim_line_set_input(s->sense_line,
		                        (pump_runs(s) ? 1 : 0) ^ (s->sense_active_low ? 1 : 0));
}

static void pump_hook(void *ctx, struct gpio_sim_line *line, int electrical)
{
	(void)line;
	(void)electrical;
	sense_update(ctx);
}

static void hx_schedule_start(struct sensor_chan *c, uint64_t now_ms)
{
	c->hx.next_ms = now_ms + c->hx.period_ms;
}

/* Conversions due by the model's clock, after a substep. */
static void hx_tick(struct sensor_chan *c, uint64_t now_ms)
{
	if (!c->hx.enabled || now_ms < c->hx.next_ms)
		return;
	hx_convert(c);
	c->hx.next_ms += c->hx.period_ms;
	if (c->hx.next_ms <= now_ms)
		c->hx.next_ms = now_ms + c->hx.period_ms;
}

/* Below this a pressure is air at rest (the vent's last trickle). */
#define REST_MMHG 1e-6

/* Pump stopped, manifold and every zone at rest: a substep changes nothing
 * (pressures at rest are set to exactly 0 here), whatever the valves. */
static bool at_rest(struct boot_sim *s, bool pump_on)
{
	if (pump_on || s->pm_mmhg > REST_MMHG || s->pm_mmhg < -REST_MMHG)
		return false;
	for (size_t k = 0; k < s->zone_count; k++)
		if (s->zones[k].p_mmhg > REST_MMHG || s->zones[k].p_mmhg < -REST_MMHG)
			return false;
	s->pm_mmhg = 0.0;
	for (size_t k = 0; k < s->zone_count; k++)
		s->zones[k].p_mmhg = 0.0;
	return true;
}

/* The model's clock to end (a whole number of substeps on) without
 * stepping the air: each sensor converts at the substeps it would have
 * converted at, so the readings are the ones the substeps would give (an
 * idle --sim kiosk otherwise spends 200 substeps a station every idle
 * tick: a third of its idle CPU). */
static void rest_until(struct boot_sim *s, uint64_t end)
{
	uint64_t step = s->prm.substep_ms;

	s->last_pump_lps = 0;
	for (size_t c = 0; c < 2; c++) {
		struct sensor_chan *ch = &s->ch[c];
		while (ch->hx.enabled) {
			/* The first substep at or after the conversion's time. */
			uint64_t due = ch->hx.next_ms > s->now_ms ? ch->hx.next_ms : s->now_ms + 1;
			uint64_t t = s->now_ms + (due - s->now_ms + step - 1) / step * step;
			if (t > end)
				break;
			hx_tick(ch, t);
		}
	}
	s->now_ms = end;
}

void boot_sim_advance(struct boot_sim *s, uint64_t now_ms)
{
	bool zone_open[STATION_MAX_ZONES];
	bool pump_on, exhaust_open;
	uint64_t step = s->prm.substep_ms;

	if (!s->clock_started) {
		s->clock_started = true;
		s->now_ms = now_ms;
		for (size_t c = 0; c < 2; c++)
			hx_schedule_start(&s->ch[c], now_ms);
		return;
	}
	if (now_ms <= s->now_ms)
		return;
	if (now_ms - s->now_ms > MAX_CATCHUP_MS) {
		s->now_ms = now_ms - MAX_CATCHUP_MS;
		for (size_t c = 0; c < 2; c++)
			if (s->ch[c].hx.next_ms < s->now_ms)
				s->ch[c].hx.next_ms = s->now_ms;
	}

	/* Outputs cannot change during an advance: the control loop writes
	 * between reads.  Energised pump runs; energised valves are closed. */
	pump_on = pump_runs(s);
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

	if (at_rest(s, pump_on)) {
		rest_until(s, s->now_ms + (now_ms - s->now_ms) / step * step);
		return;
	}
	while (now_ms - s->now_ms >= step) {
		substep(s, pump_on, exhaust_open, zone_open);
		s->now_ms += step;
		hx_tick(&s->ch[BOOT_SIM_SENSOR_CONTROL], s->now_ms);
		hx_tick(&s->ch[BOOT_SIM_SENSOR_SAFETY], s->now_ms);
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

/* One channel's calibration and chip lines (hooks come later, once every
 * line of the station is known to exist). */
static int chan_init(struct boot_sim *s, struct sensor_chan *c, enum sensor_kind kind,
                     const struct gpio_pin *clock, const struct gpio_pin *data,
                     double offset_counts, double mmhg_per_count, uint64_t seed)
{
	c->sim = s;
	c->gain = 1.0;
	c->noise_mmhg = s->prm.sensor_noise_mmhg;
	c->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
	if (mmhg_per_count != 0) {
		c->offset_counts = offset_counts;
		c->mmhg_per_count = mmhg_per_count;
	} else {
		c->offset_counts = 0;
		c->mmhg_per_count = SIM_DEFAULT_MMHG_PER_COUNT;
	}
	c->last = raw_reading(c, mmhg_to_raw(c, 0));
	c->last.mmhg = 0;
	c->hx.period_ms = 100;
	if (kind != SENSOR_HX710B)
		return 0;
	c->hx.clk = pin_line(s->gpio, clock);
	c->hx.data = pin_line(s->gpio, data);
	if (!c->hx.clk || !c->hx.data)
		return -EINVAL;
	c->hx.enabled = true;
	c->hx.word = (uint32_t)c->last.raw & 0xFFFFFFu;
	c->hx.data_active_low = data->active_low;
	c->hx.clk_active_low = clock->active_low;
	return 0;
}

static void chan_attach(struct sensor_chan *c)
{
	if (!c->hx.enabled)
		return;
	gpio_sim_line_set_hook(c->hx.clk, hx_clock_hook, c);
	hx_drive_dout(c, 1); /* no conversion yet */
}

static void chan_detach(struct sensor_chan *c)
{
	if (!c->hx.enabled)
		return;
	gpio_sim_line_set_hook(c->hx.clk, NULL, NULL);
	gpio_sim_line_set_input(c->hx.data, -1);
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

	/* The safety channel's noise is its own: another seed, so a run with
	 * it reads the control channel exactly as a run without. */
	if (chan_init(s, &s->ch[BOOT_SIM_SENSOR_CONTROL], pins->sensor, &pins->sensor_clock,
	              &pins->sensor_data, pins->sensor_offset_counts, pins->sensor_mmhg_per_count,
	              s->prm.seed) < 0 ||
	    chan_init(s, &s->ch[BOOT_SIM_SENSOR_SAFETY], pins->safety_sensor, &pins->safety_clock,
	              &pins->safety_data, pins->safety_offset_counts, pins->safety_mmhg_per_count,
	              s->prm.seed ^ 0xA5A5A5A55A5A5A5Aull) < 0)
		goto err_free;
	if (pins->has_stop_button) {
		s->button_line = pin_line(gpio, &pins->stop_button);
		if (!s->button_line)
			goto err_free;
		s->button_active_low = pins->stop_button.active_low;
	}
	if (pins->has_pump_sense) {
		s->sense_line = pin_line(gpio, &pins->pump_sense);
		if (!s->sense_line)
			goto err_free;
		s->sense_active_low = pins->pump_sense.active_low;
	}

	/* Every line exists: wire the model in. */
	chan_attach(&s->ch[BOOT_SIM_SENSOR_CONTROL]);
	chan_attach(&s->ch[BOOT_SIM_SENSOR_SAFETY]);
	/* The stop switch is wired and closed (not pressed), as on a station
	 * ready for use. */
	boot_sim_press_stop_button(s, false);
	if (s->sense_line) {
		gpio_sim_line_set_hook(s->pump_line, pump_hook, s);
		sense_update(s);
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
	chan_detach(&s->ch[BOOT_SIM_SENSOR_SAFETY]);
	chan_detach(&s->ch[BOOT_SIM_SENSOR_CONTROL]);
	if (s->button_line)
		gpio_sim_line_set_input(s->button_line, -1);
	if (s->sense_line) {
		gpio_sim_line_set_hook(s->pump_line, NULL, NULL);
		gpio_sim_line_set_input(s->sense_line, -1);
	}
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

void boot_sim_set_relief_valve(struct boot_sim *s, double crack_mmhg, double lps_per_sqrt_mmhg)
{
	s->relief_crack_mmhg = crack_mmhg > 0 ? crack_mmhg : 0.0;
	s->relief_k = lps_per_sqrt_mmhg > 0 ? lps_per_sqrt_mmhg : 0.0;
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

void boot_sim_set_pump(struct boot_sim *s, enum boot_sim_pump_state state)
{
	s->pump_state = state;
	sense_update(s);
}

static struct sensor_chan *chan(struct boot_sim *s, enum boot_sim_sensor which)
{
	return &s->ch[which == BOOT_SIM_SENSOR_SAFETY];
}

void boot_sim_sensor_set_gain(struct boot_sim *s, enum boot_sim_sensor ch, double gain)
{
	chan(s, ch)->gain = gain;
}

void boot_sim_sensor_set_offset_mmhg(struct boot_sim *s, enum boot_sim_sensor ch,
                                     double offset_mmhg)
{
	chan(s, ch)->offset_mmhg = offset_mmhg;
}

void boot_sim_sensor_set_noise_mmhg(struct boot_sim *s, enum boot_sim_sensor ch, double sigma_mmhg)
{
	chan(s, ch)->noise_mmhg = sigma_mmhg > 0 ? sigma_mmhg : 0.0;
}

void boot_sim_sensor_set_frozen(struct boot_sim *s, enum boot_sim_sensor ch, bool frozen)
{
	chan(s, ch)->frozen = frozen;
}

void boot_sim_sensor_freeze_at(struct boot_sim *s, enum boot_sim_sensor ch, double mmhg)
{
	struct sensor_chan *c = chan(s, ch);

	c->frozen = true;
	c->last = raw_reading(c, mmhg_to_raw(c, mmhg));
	/* The word shifting out now (if any) finishes; the next carries this. */
	c->hx.word = (uint32_t)c->last.raw & 0xFFFFFFu;
}

void boot_sim_sensor_set_stale(struct boot_sim *s, enum boot_sim_sensor ch, bool stale)
{
	struct sensor_chan *c = chan(s, ch);

	c->stale = stale;
	if (stale)
		hx_stop(c);
}

void boot_sim_sensor_set_dead(struct boot_sim *s, enum boot_sim_sensor ch, bool dead)
{
	struct sensor_chan *c = chan(s, ch);

	c->dead = dead;
	if (dead)
		hx_stop(c);
}

void boot_sim_set_sensor_dead(struct boot_sim *s, bool dead)
{
	boot_sim_sensor_set_dead(s, BOOT_SIM_SENSOR_CONTROL, dead);
}

void boot_sim_set_sensor_stuck(struct boot_sim *s, bool stuck)
{
	boot_sim_sensor_set_frozen(s, BOOT_SIM_SENSOR_CONTROL, stuck);
}

void boot_sim_set_sensor_bias_mmhg(struct boot_sim *s, double bias_mmhg)
{
	boot_sim_sensor_set_offset_mmhg(s, BOOT_SIM_SENSOR_CONTROL, bias_mmhg);
}

void boot_sim_press_stop_button(struct boot_sim *s, bool pressed)
{
	if (s && s->button_line)
		gpio_sim_line_set_input(s->button_line,
		                        (pressed ? 1 : 0) ^ (s->button_active_low ? 1 : 0));
}

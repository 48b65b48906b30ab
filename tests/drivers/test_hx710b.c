/* SPDX-License-Identifier: MIT */
/* The HX710B driver, against a minimal test emulator (exact bits and pulse
 * counts) and against the boot model's emulator through station_hw. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_sensor.h"
#include "drivers/hx710b.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

/* ---- a chip with a fixed word: counts pulses, shifts bits -------------- */

struct chip {
	struct gpio_sim_line *clk;
	struct gpio_sim_line *dout;
	uint32_t word;
	unsigned int pulses;
	bool ready;
};

static void chip_clock(void *ctx, struct gpio_sim_line *line, int level)
{
	struct chip *c = ctx;

	(void)line;
	if (!level)
		return;
	if (c->ready && c->pulses < 24)
		gpio_sim_line_set_input(c->dout, (int)((c->word >> (23 - c->pulses)) & 1u));
	else
		gpio_sim_line_set_input(c->dout, 1);
	c->pulses++;
}

static void chip_convert(struct chip *c, uint32_t word)
{
	c->word = word;
	c->pulses = 0;
	c->ready = true;
	gpio_sim_line_set_input(c->dout, 0);
}

struct rig {
	struct gpio *gpio;
	struct gpio_request *req;
	struct chip chip;
	struct hx710b *hx;
	struct hx710b_config cfg;
};

static struct rig *rig_make(unsigned int extra)
{
	struct rig *r = test_calloc(1, sizeof(*r));
	struct gpio_line_config lines[2] = {
	    {.chip = "gpiochip0", .offset = 13, .direction = GPIO_DIR_OUTPUT, .name = "clk"},
	    {.chip = "gpiochip0", .offset = 19, .direction = GPIO_DIR_INPUT, .name = "dout"},
	};
	char err[256];

	r->gpio = gpio_sim_create();
	assert_non_null(r->gpio);
	r->chip.clk = gpio_sim_line_get(r->gpio, "gpiochip0", 13);
	r->chip.dout = gpio_sim_line_get(r->gpio, "gpiochip0", 19);
	gpio_sim_line_set_hook(r->chip.clk, chip_clock, &r->chip);
	gpio_sim_line_set_input(r->chip.dout, 1);
	r->req = gpio_request_lines(r->gpio, "test", lines, 2, err, sizeof(err));
	assert_non_null(r->req);
	r->cfg = (struct hx710b_config){
	    .offset_counts = 1000, .mmhg_per_count = 0.001, .extra_pulses = extra};
	r->hx = hx710b_create(r->req, 0, 1, &r->cfg);
	assert_non_null(r->hx);
	return r;
}

static int setup(void **state)
{
	*state = rig_make(0);
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	hx710b_destroy(r->hx);
	gpio_request_release(r->req);
	gpio_destroy(r->gpio);
	test_free(r);
	return 0;
}

static void test_hx710b_sign_extend(void **state)
{
	(void)state;
	assert_int_equal(hx710b_sign_extend(0x000000), 0);
	assert_int_equal(hx710b_sign_extend(0x000001), 1);
	assert_int_equal(hx710b_sign_extend(0x7FFFFF), 8388607);
	assert_int_equal(hx710b_sign_extend(0x800000), -8388608);
	assert_int_equal(hx710b_sign_extend(0xFFFFFF), -1);
	assert_int_equal(hx710b_sign_extend(0xFFFF38), -200);
	assert_int_equal(hx710b_sign_extend(0x1FFFFFF), -1); /* bits above 24 ignored */
}

static void test_hx710b_calibration(void **state)
{
	struct hx710b_config cfg = {.offset_counts = -12000, .mmhg_per_count = 0.0025};

	(void)state;
	assert_true(fabs(hx710b_raw_to_mmhg(&cfg, -12000)) < 1e-12);
	assert_true(fabs(hx710b_raw_to_mmhg(&cfg, 12000) - 60.0) < 1e-9);
	assert_true(fabs(hx710b_raw_to_mmhg(&cfg, -16000) + 10.0) < 1e-9);
}

static void test_hx710b_not_ready_is_stale_and_cheap(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_STALE);
	assert_int_equal(r->chip.pulses, 0); /* no clocking while DOUT is high */
}

static void test_hx710b_reads_msb_first_with_one_extra_pulse(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;
	int clk;

	chip_convert(&r->chip, 0x0A5C3E);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_OK);
	assert_int_equal(rd.raw, 0x0A5C3E);
	assert_true(fabs(rd.mmhg - (0x0A5C3E - 1000) * 0.001) < 1e-9);
	assert_int_equal(r->chip.pulses, 25); /* 24 bits + 1: 10 Hz differential */
	assert_int_equal(gpio_request_get(r->req, 0, &clk), 0);
	assert_int_equal(clk, 0); /* clock left low: high > 60 us powers down */

	/* DOUT went high after the 25th pulse: the same word is not read twice. */
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_STALE);
	assert_int_equal(rd.raw, 0x0A5C3E); /* the last good reading is kept */
}

static void test_hx710b_word_read_across_a_long_clock_high_is_dropped(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	/* A limit no real read can meet (1 ns) stands in for a thread that was
	 * preempted with the clock high: the word may be corrupt, so it is
	 * dropped as STALE with the last good value, never used. */
	hx710b_destroy(r->hx);
	r->cfg.clock_high_max_ns = 1;
	r->hx = hx710b_create(r->req, 0, 1, &r->cfg);
	assert_non_null(r->hx);
	chip_convert(&r->chip, 0x0A5C3E);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_STALE);
	assert_int_not_equal(rd.raw, 0x0A5C3E);
	/* Without the limit (the simulator's setting) the same word is read. */
	hx710b_destroy(r->hx);
	r->cfg.clock_high_max_ns = 0;
	r->hx = hx710b_create(r->req, 0, 1, &r->cfg);
	chip_convert(&r->chip, 0x0A5C3E);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_OK);
	assert_int_equal(rd.raw, 0x0A5C3E);
}

static void test_hx710b_negative_code_sign_extends(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	chip_convert(&r->chip, 0xFFF830); /* -2000 */
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_OK);
	assert_int_equal(rd.raw, -2000);
	assert_true(fabs(rd.mmhg - (-3.0)) < 1e-9);
}

static void test_hx710b_saturation_is_an_error(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	chip_convert(&r->chip, 0x7FFFFF);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ERROR);
	chip_convert(&r->chip, 0x800000);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ERROR);
	chip_convert(&r->chip, 0x7FFFFE);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_OK);
}

static void test_hx710b_extra_pulses_select_40hz(void **state)
{
	struct rig *r = rig_make(3);
	struct pressure_reading rd;

	(void)state;
	chip_convert(&r->chip, 0x001234);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.raw, 0x1234);
	assert_int_equal(r->chip.pulses, 27);
	teardown((void **)&r);
}

static void test_hx710b_line_failure_is_an_error_with_clock_low(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	chip_convert(&r->chip, 0x000100);
	assert_int_equal(gpio_sim_set_write_error(r->gpio, "gpiochip0", 13, EIO), 0);
	assert_int_equal(hx710b_read(r->hx, &rd), -EIO);
	assert_int_equal(rd.status, PRESSURE_ERROR);
}

static void test_hx710b_dout_stuck_low_is_an_error_not_a_reading(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd;

	/* DOUT shorted to ground: looks "ready" and shifts out zeros, but the
	 * 25th pulse cannot pull it high.  That word is no conversion. */
	gpio_sim_line_set_hook(r->chip.clk, NULL, NULL);
	gpio_sim_line_set_input(r->chip.dout, 0);
	assert_int_equal(hx710b_read(r->hx, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ERROR);
	/* The clock is left low, so a real chip would not power down. */
	int electrical = -1;
	assert_int_equal(gpio_sim_output(r->gpio, "gpiochip0", 13, &electrical, NULL), 0);
	assert_int_equal(electrical, 0);
}

static void test_hx710b_rejects_bad_config(void **state)
{
	struct rig *r = *state;
	struct hx710b_config cfg = {.offset_counts = 0, .mmhg_per_count = 0};

	assert_null(hx710b_create(r->req, 0, 1, &cfg));
	assert_int_equal(errno, EINVAL);
	cfg.mmhg_per_count = 1;
	cfg.extra_pulses = 4;
	assert_null(hx710b_create(r->req, 0, 1, &cfg));
	hx710b_destroy(NULL);
}

/* ---- the boot model's emulator, through station_hw ---------------------- */

struct station_rig {
	struct gpio *gpio;
	struct boot_sim *sim;
	struct station_hw *hw;
	uint64_t now_ms;
};

static void station_open(struct station_rig *s, unsigned int extra)
{
	struct station_pins pins = test_station_pins(2, SENSOR_HX710B);
	struct boot_sim_params prm;
	char err[256];

	pins.sensor_extra_pulses = extra;
	pins.sensor_data.active_low = true; /* an inverting level shifter on DOUT */
	boot_sim_params_default(&prm);
	prm.sensor_noise_mmhg = 0;
	s->gpio = gpio_sim_create();
	s->sim = boot_sim_create(s->gpio, &pins, &prm);
	assert_non_null(s->sim);
	struct pressure_sensor_factory sensors = sim_sensor_factory(s->gpio);
	s->hw = station_hw_create_with(s->gpio, &sensors, "station 1", &pins, err, sizeof(err));
	assert_non_null(s->hw);
	s->now_ms = 0;
}

static void station_close(struct station_rig *s)
{
	station_hw_destroy(s->hw);
	boot_sim_destroy(s->sim);
	gpio_destroy(s->gpio);
}

static struct pressure_reading station_tick(struct station_rig *s)
{
	struct pressure_reading rd;

	s->now_ms += 20;
	assert_int_equal(station_hw_read_pressure(s->hw, s->now_ms, &rd), 0);
	return rd;
}

/* The next fresh conversion (OK or ERROR), within 10 ticks. */
static struct pressure_reading station_next(struct station_rig *s)
{
	struct pressure_reading rd;

	for (int i = 0; i < 10; i++) {
		rd = station_tick(s);
		if (rd.status != PRESSURE_STALE)
			return rd;
	}
	fail_msg("no conversion within 200 ms");
	return rd;
}

static void test_hx710b_on_boot_model_reads_the_manifold_at_10hz(void **state)
{
	struct station_rig s;
	struct station_outputs fill = {.pump_on = true, .exhaust_open = false, .zones_open = 1};
	struct pressure_reading rd;
	int fresh = 0;

	(void)state;
	station_open(&s, 1);
	rd = station_tick(&s);
	assert_int_equal(rd.status, PRESSURE_STALE); /* no conversion yet */
	assert_int_equal(station_hw_apply(s.hw, &fill), 0);
	for (int i = 0; i < 100; i++) { /* 2 s */
		rd = station_tick(&s);
		assert_int_not_equal(rd.status, PRESSURE_ERROR);
		if (rd.status == PRESSURE_OK) {
			fresh++;
			/* A conversion is up to one tick old. */
			assert_true(fabs(rd.mmhg - boot_sim_manifold_mmhg(s.sim)) < 1.0);
		}
	}
	assert_in_range(fresh, 19, 21);
	assert_true(rd.mmhg > 20.0);
	station_close(&s);
}

static void test_hx710b_on_boot_model_27_pulses_give_40hz(void **state)
{
	struct station_rig s;
	int fresh = 0;

	(void)state;
	station_open(&s, 3);
	for (int i = 0; i < 100; i++)
		if (station_tick(&s).status == PRESSURE_OK)
			fresh++;
	/* 40 conversions/s, but a 50 Hz reader sees each at most once. */
	assert_in_range(fresh, 70, 80);
	station_close(&s);
}

static void test_hx710b_on_boot_model_negative_and_saturated(void **state)
{
	struct station_rig s;
	struct pressure_reading rd;

	(void)state;
	station_open(&s, 3);
	boot_sim_set_sensor_bias_mmhg(s.sim, -5.0); /* below the zero offset */
	rd = station_next(&s);
	assert_int_equal(rd.status, PRESSURE_OK);
	assert_true(rd.raw < 0); /* 8000 - 50000 counts */
	assert_true(fabs(rd.mmhg + 5.0) < 0.01);

	boot_sim_set_sensor_bias_mmhg(s.sim, 5000.0);
	rd = station_next(&s);
	assert_int_equal(rd.status, PRESSURE_ERROR);
	assert_int_equal(rd.raw, HX710B_RAW_MAX);
	boot_sim_set_sensor_bias_mmhg(s.sim, -5000.0);
	rd = station_next(&s);
	assert_int_equal(rd.status, PRESSURE_ERROR);
	assert_int_equal(rd.raw, HX710B_RAW_MIN);
	station_close(&s);
}

static void test_hx710b_on_boot_model_dead_and_stuck_sensor(void **state)
{
	struct station_rig s;
	struct station_outputs fill = {.pump_on = true, .exhaust_open = false, .zones_open = 1};
	struct pressure_reading rd, frozen = {0};

	(void)state;
	station_open(&s, 3);
	assert_int_equal(station_hw_apply(s.hw, &fill), 0);
	boot_sim_set_sensor_dead(s.sim, true);
	for (int i = 0; i < 50; i++)
		assert_int_equal(station_tick(&s).status, PRESSURE_STALE);
	boot_sim_set_sensor_dead(s.sim, false);
	for (int i = 0; i < 3; i++) {
		rd = station_tick(&s);
		if (rd.status == PRESSURE_OK)
			frozen = rd;
	}
	assert_int_equal(frozen.status, PRESSURE_OK);
	boot_sim_set_sensor_stuck(s.sim, true);
	for (int i = 0; i < 50; i++) {
		rd = station_tick(&s);
		if (rd.status == PRESSURE_OK)
			assert_int_equal(rd.raw, frozen.raw);
	}
	assert_true(boot_sim_manifold_mmhg(s.sim) > frozen.mmhg + 5.0);
	station_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hx710b_sign_extend),
	    cmocka_unit_test(test_hx710b_calibration),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_hx710b_not_ready_is_stale_and_cheap),
	    T(test_hx710b_reads_msb_first_with_one_extra_pulse),
	    T(test_hx710b_negative_code_sign_extends),
	    T(test_hx710b_saturation_is_an_error),
	    T(test_hx710b_line_failure_is_an_error_with_clock_low),
	    T(test_hx710b_dout_stuck_low_is_an_error_not_a_reading),
	    T(test_hx710b_word_read_across_a_long_clock_high_is_dropped),
	    T(test_hx710b_rejects_bad_config),
#undef T
	    cmocka_unit_test(test_hx710b_extra_pulses_select_40hz),
	    cmocka_unit_test(test_hx710b_on_boot_model_reads_the_manifold_at_10hz),
	    cmocka_unit_test(test_hx710b_on_boot_model_27_pulses_give_40hz),
	    cmocka_unit_test(test_hx710b_on_boot_model_negative_and_saturated),
	    cmocka_unit_test(test_hx710b_on_boot_model_dead_and_stuck_sensor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

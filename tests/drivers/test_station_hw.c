/* SPDX-License-Identifier: MIT */
/* One station's outputs on the simulated GPIO: energised levels, wiring
 * polarity, the safe state (also with a failing line), request errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/sim/boot_sim.h"
#include "drivers/gpio_private.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_sensor.h"
#include "drivers/station_hw.h"
#include "test_pins.h"

struct rig {
	struct gpio *gpio;
	struct station_pins pins;
	struct station_hw *hw;
	char err[256];
};

static int setup(void **state)
{
	struct rig *r = test_calloc(1, sizeof(*r));

	r->gpio = gpio_sim_create();
	assert_non_null(r->gpio);
	/* Mixed wiring: an active-low relay board for the pump and zone 2. */
	r->pins = test_station_pins(4, SENSOR_NONE);
	r->pins.pump.active_low = true;
	r->pins.zones[1].active_low = true;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	station_hw_destroy(r->hw);
	gpio_destroy(r->gpio);
	test_free(r);
	return 0;
}

static void create(struct rig *r)
{
	r->hw = station_hw_create(r->gpio, "station 1", &r->pins, r->err, sizeof(r->err));
	if (!r->hw)
		print_error("station_hw_create: %s\n", r->err);
	assert_non_null(r->hw);
}

/* Energised (1) or not, from the pin's electrical level and its wiring. */
static int energised(struct rig *r, const struct gpio_pin *pin)
{
	int el;

	assert_int_equal(gpio_sim_output(r->gpio, pin->chip, pin->offset, &el, NULL), 0);
	return el ^ (pin->active_low ? 1 : 0);
}

static int electrical(struct rig *r, const struct gpio_pin *pin)
{
	int el;

	assert_int_equal(gpio_sim_output(r->gpio, pin->chip, pin->offset, &el, NULL), 0);
	return el;
}

static void assert_all_de_energised(struct rig *r)
{
	assert_int_equal(energised(r, &r->pins.pump), 0);
	assert_int_equal(energised(r, &r->pins.exhaust), 0);
	for (size_t k = 0; k < r->pins.zone_count; k++)
		assert_int_equal(energised(r, &r->pins.zones[k]), 0);
}

static void test_station_hw_create_drives_safe_state(void **state)
{
	struct rig *r = *state;
	struct station_outputs o;

	create(r);
	assert_all_de_energised(r);
	/* An active-low relay is de-energised with its pin HIGH. */
	assert_int_equal(electrical(r, &r->pins.pump), 1);
	assert_int_equal(electrical(r, &r->pins.zones[1]), 1);
	assert_int_equal(electrical(r, &r->pins.exhaust), 0);
	o = station_hw_outputs(r->hw);
	assert_false(o.pump_on);
	assert_true(o.exhaust_open);
	assert_int_equal(o.zones_open, 0x0F);
	assert_int_equal(station_hw_zone_count(r->hw), 4);
	assert_string_equal(gpio_sim_consumer(r->gpio, "gpiochip0", 5), "recovery-kiosk");
}

static void test_station_hw_apply_maps_to_energised_levels(void **state)
{
	struct rig *r = *state;
	struct station_outputs fill2 = {.pump_on = true, .exhaust_open = false, .zones_open = 0x02};
	struct station_outputs hold = {.pump_on = false, .exhaust_open = false, .zones_open = 0};
	struct station_outputs o;

	create(r);
	assert_int_equal(station_hw_apply(r->hw, &fill2), 0);
	/* Pump energised = on; exhaust energised = closed; zone 2 open =
	 * de-energised, zones 1, 3, 4 closed = energised. */
	assert_int_equal(energised(r, &r->pins.pump), 1);
	assert_int_equal(electrical(r, &r->pins.pump), 0);
	assert_int_equal(energised(r, &r->pins.exhaust), 1);
	assert_int_equal(energised(r, &r->pins.zones[0]), 1);
	assert_int_equal(energised(r, &r->pins.zones[1]), 0);
	assert_int_equal(electrical(r, &r->pins.zones[1]), 1);
	assert_int_equal(energised(r, &r->pins.zones[2]), 1);
	assert_int_equal(energised(r, &r->pins.zones[3]), 1);
	o = station_hw_outputs(r->hw);
	assert_true(o.pump_on);
	assert_false(o.exhaust_open);
	assert_int_equal(o.zones_open, 0x02);

	assert_int_equal(station_hw_apply(r->hw, &hold), 0);
	assert_int_equal(energised(r, &r->pins.pump), 0);
	assert_int_equal(energised(r, &r->pins.exhaust), 1);
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(energised(r, &r->pins.zones[k]), 1);

	assert_int_equal(station_hw_safe(r->hw), 0);
	assert_all_de_energised(r);
	assert_int_equal(station_hw_outputs(r->hw).zones_open, 0x0Fu);
}

static void test_station_hw_safe_with_failing_line_drives_the_rest(void **state)
{
	struct rig *r = *state;
	struct station_outputs all_on = {.pump_on = true, .exhaust_open = false, .zones_open = 0};
	struct station_outputs o;

	create(r);
	assert_int_equal(station_hw_apply(r->hw, &all_on), 0);
	assert_int_equal(
	    gpio_sim_set_write_error(r->gpio, "gpiochip0", r->pins.zones[2].offset, EIO), 0);
	/* The bulk write fails on the chip, yet every other line is driven. */
	assert_int_equal(station_hw_safe(r->hw), -EIO);
	assert_int_equal(energised(r, &r->pins.pump), 0);
	assert_int_equal(energised(r, &r->pins.exhaust), 0);
	assert_int_equal(energised(r, &r->pins.zones[0]), 0);
	assert_int_equal(energised(r, &r->pins.zones[1]), 0);
	assert_int_equal(energised(r, &r->pins.zones[2]), 1); /* the broken one */
	assert_int_equal(energised(r, &r->pins.zones[3]), 0);
	o = station_hw_outputs(r->hw);
	assert_false(o.pump_on);
	assert_true(o.exhaust_open);
	/* The refusing zone is reported as it really is: still closed. */
	assert_int_equal(o.zones_open, 0x0Bu);

	/* apply reports the failure too, and never claims the new outputs. */
	assert_int_equal(station_hw_apply(r->hw, &all_on), -EIO);
	assert_false(station_hw_outputs(r->hw).pump_on);

	assert_int_equal(gpio_sim_set_write_error(r->gpio, "gpiochip0", r->pins.zones[2].offset, 0),
	                 0);
	assert_int_equal(station_hw_safe(r->hw), 0);
	assert_all_de_energised(r);
}

static void test_station_hw_safe_state_outputs_helper(void **state)
{
	struct station_outputs o = station_outputs_safe(6);

	(void)state;
	assert_false(o.pump_on);
	assert_true(o.exhaust_open);
	assert_int_equal(o.zones_open, 0x3F);
	assert_int_equal(station_outputs_safe(8).zones_open, 0xFF);
}

static void test_station_hw_busy_line_error_names_station_line_and_holder(void **state)
{
	struct rig *r = *state;
	struct gpio_line_config other = {
	    .chip = "gpiochip0",
	    .offset = 6,
	    .direction = GPIO_DIR_OUTPUT,
	    .name = "fan",
	};
	struct gpio_request *req;

	req = gpio_request_lines(r->gpio, "fan-control", &other, 1, r->err, sizeof(r->err));
	assert_non_null(req);
	errno = 0;
	assert_null(station_hw_create(r->gpio, "station 3", &r->pins, r->err, sizeof(r->err)));
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(r->err, "station 3 exhaust valve"));
	assert_non_null(strstr(r->err, "\"fan-control\""));
	/* Nothing of the station stays held after the failure. */
	assert_null(gpio_sim_consumer(r->gpio, "gpiochip0", 5));
	/* And no simulated boot was left registered. */
	assert_null(boot_sim_find(r->gpio, &r->pins));
	gpio_request_release(req);
}

static void test_station_hw_rejects_bad_pins_with_a_fix(void **state)
{
	struct rig *r = *state;
	struct station_pins p = r->pins;

	p.zone_count = 0;
	assert_null(station_hw_create(r->gpio, "station 2", &p, r->err, sizeof(r->err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(r->err, "station 2"));
	assert_non_null(strstr(r->err, "1 to 8 zones"));

	p = r->pins;
	p.sensor = SENSOR_HX710B;
	p.sensor_mmhg_per_count = 0;
	assert_null(station_hw_create(r->gpio, "station 2", &p, r->err, sizeof(r->err)));
	assert_non_null(strstr(r->err, "sensor_mmhg_per_count"));

	p = r->pins;
	p.zones[3] = p.zones[0];
	assert_null(station_hw_create(r->gpio, "station 2", &p, r->err, sizeof(r->err)));
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(r->err, "station 2 zone 4 valve"));
	assert_non_null(strstr(r->err, "station 2 zone 1 valve"));
}

/* A backend that is not the simulator, to show SENSOR_SIM refuses it. */
static struct gpio_request *fake_request(struct gpio *g, const char *c,
                                         const struct gpio_line_config *l, size_t n, char *e,
                                         size_t el)
{
	(void)g, (void)c, (void)l, (void)n, (void)e, (void)el;
	fail_msg("a request must not be made");
	return NULL;
}

static void test_station_hw_sensor_sim_needs_the_simulator(void **state)
{
	struct rig *r = *state;
	static const struct gpio_ops fake_ops = {.request = fake_request, .name = "fake"};
	struct gpio fake = {.ops = &fake_ops};
	struct station_pins p = r->pins;

	p.sensor = SENSOR_SIM;
	assert_null(station_hw_create(&fake, "station 4", &p, r->err, sizeof(r->err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(r->err, "--sim"));
}

static void test_station_hw_sim_sensor_reads_the_model_the_simulator_built(void **state)
{
	struct rig *r = *state;
	struct station_outputs fill = {.pump_on = true, .exhaust_open = false, .zones_open = 1};
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);
	struct pressure_reading rd;
	struct boot_sim *sim;

	r->pins.sensor = SENSOR_SIM;
	sim = boot_sim_create(r->gpio, &r->pins, NULL);
	assert_non_null(sim);
	r->hw = station_hw_create_with(r->gpio, &sensors, "station 1", &r->pins, r->err,
	                               sizeof(r->err));
	assert_non_null(r->hw);
	assert_int_equal(station_hw_read_pressure(r->hw, 0, &rd), 0);
	assert_int_equal(station_hw_apply(r->hw, &fill), 0);
	assert_int_equal(station_hw_read_pressure(r->hw, 1000, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_OK);
	assert_true(rd.mmhg > 5.0);
	assert_true(boot_sim_zone_mmhg(sim, 0) > 5.0);
	station_hw_destroy(r->hw);
	r->hw = NULL;
	/* The model belongs to the simulator, not to the station. */
	assert_ptr_equal(boot_sim_find(r->gpio, &r->pins), sim);
	boot_sim_destroy(sim);
}

static void test_station_hw_sim_sensors_without_a_model_take_no_line(void **state)
{
	struct rig *r = *state;
	struct pressure_sensor_factory sensors = sim_sensor_factory(r->gpio);

	r->pins.sensor = SENSOR_SIM;
	errno = 0;
	assert_null(station_hw_create_with(r->gpio, &sensors, "station 5", &r->pins, r->err,
	                                   sizeof(r->err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(r->err, "station 5"));
	assert_non_null(strstr(r->err, "sim_hw_add_station"));
	assert_null(gpio_sim_consumer(r->gpio, "gpiochip0", 5));
}

static void test_station_hw_absent_sensors_need_only_the_pin_map(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd = {.status = PRESSURE_OK};

	/* --safe-state: an uncalibrated HX710B and a simulated safety sensor
	 * keep no station from being de-energised. */
	r->pins.sensor = SENSOR_HX710B;
	r->pins.sensor_mmhg_per_count = 0;
	r->pins.safety_sensor = SENSOR_SIM;
	r->hw = station_hw_create_with(r->gpio, &pressure_sensor_factory_absent, "station 6",
	                               &r->pins, r->err, sizeof(r->err));
	assert_non_null(r->hw);
	assert_int_equal(station_hw_read_pressure(r->hw, 20, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ABSENT);
	/* The sensor's clock line is still taken and held low. */
	assert_int_equal(electrical(r, &r->pins.sensor_clock), 0);
}

static void test_station_hw_without_sensor_reads_absent(void **state)
{
	struct rig *r = *state;
	struct pressure_reading rd = {.status = PRESSURE_OK};

	create(r);
	assert_int_equal(station_hw_read_pressure(r->hw, 20, &rd), 0);
	assert_int_equal(rd.status, PRESSURE_ABSENT);
	assert_int_equal(station_hw_button_fd(r->hw), -1);
	assert_false(station_hw_button_pressed(r->hw, 20));
}

struct level_log {
	int last;
};

static void log_level(void *ctx, struct gpio_sim_line *line, int electrical_level)
{
	(void)line;
	((struct level_log *)ctx)->last = electrical_level;
}

static void test_station_hw_destroy_de_energises_before_release(void **state)
{
	struct rig *r = *state;
	struct station_outputs on = {.pump_on = true, .exhaust_open = false, .zones_open = 0};
	struct gpio_sim_line *pump = gpio_sim_line_get(r->gpio, "gpiochip0", 5);
	struct level_log log = {-1};

	create(r);
	assert_int_equal(station_hw_apply(r->hw, &on), 0);
	gpio_sim_line_set_hook(pump, log_level, &log);
	station_hw_destroy(r->hw);
	r->hw = NULL;
	assert_int_equal(log.last, 1); /* active-low pump: HIGH = off */
	assert_null(gpio_sim_consumer(r->gpio, "gpiochip0", 5));
	station_hw_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_station_hw_create_drives_safe_state),
	    T(test_station_hw_apply_maps_to_energised_levels),
	    T(test_station_hw_safe_with_failing_line_drives_the_rest),
	    T(test_station_hw_safe_state_outputs_helper),
	    T(test_station_hw_busy_line_error_names_station_line_and_holder),
	    T(test_station_hw_rejects_bad_pins_with_a_fix),
	    T(test_station_hw_sensor_sim_needs_the_simulator),
	    T(test_station_hw_sim_sensor_reads_the_model_the_simulator_built),
	    T(test_station_hw_sim_sensors_without_a_model_take_no_line),
	    T(test_station_hw_absent_sensors_need_only_the_pin_map),
	    T(test_station_hw_without_sensor_reads_absent),
	    T(test_station_hw_destroy_de_energises_before_release),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The compiled bounds of core/safety.h: the defaults lie inside them, every
 * rule function clamps a value beyond them, and each bound has a reason the
 * loaders can print.  (SAFETY.md row S-CFG.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/safety.h"

static const char *const keys[] = {
    "ceiling_mmhg",        "residual_mmhg",     "sensor_min_mmhg",      "sensor_max_mmhg",
    "max_rise_mmhg_per_s", "sensor_stuck_ms",   "max_fill_ms",          "vent_ms",
    "pump_max_on_ms",      "open_loop_fill_ms", "safety_disagree_mmhg",
};

static void test_safety_bounds_every_key_has_a_bound_and_a_reason(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct safety_bound *b = safety_bound_find(keys[i]);

		assert_non_null(b);
		assert_true(b->min < b->max);
		assert_true(strlen(b->why) > 20);
	}
	assert_null(safety_bound_find("idle_timeout_s"));
	assert_null(safety_bound_find(NULL));
}

static void test_safety_bounds_defaults_lie_inside(void **state)
{
	struct kiosk_config cfg;
	const struct kiosk_limits *l = &cfg.limits;

	(void)state;
	kiosk_config_defaults(&cfg);
	assert_true(safety_bound_ok("ceiling_mmhg", l->ceiling_mmhg));
	assert_true(safety_bound_ok("residual_mmhg", l->residual_mmhg));
	assert_true(safety_bound_ok("sensor_min_mmhg", l->sensor_min_mmhg));
	assert_true(safety_bound_ok("sensor_max_mmhg", l->sensor_max_mmhg));
	assert_true(safety_bound_ok("max_rise_mmhg_per_s", l->max_rise_mmhg_per_s));
	assert_true(safety_bound_ok("sensor_stuck_ms", l->sensor_stuck_ms));
	assert_true(safety_bound_ok("max_fill_ms", l->max_fill_ms));
	assert_true(safety_bound_ok("vent_ms", l->vent_ms));
	assert_true(safety_bound_ok("pump_max_on_ms", l->pump_max_on_ms));
	/* The rule functions give the configured value back when it is inside. */
	assert_true(safety_residual_mmhg(l) == l->residual_mmhg);
	assert_int_equal(safety_sensor_stuck_ms(l), l->sensor_stuck_ms);
	assert_int_equal(safety_vent_ms(l), l->vent_ms);
}

static void test_safety_bounds_rule_functions_clamp_what_a_loader_let_through(void **state)
{
	struct kiosk_config cfg;
	struct kiosk_limits *l = &cfg.limits;

	(void)state;
	kiosk_config_defaults(&cfg);
	/* The values the issue saw accepted. */
	l->residual_mmhg = 50.0;
	l->sensor_stuck_ms = 20000;
	l->sensor_min_mmhg = -200.0;
	l->sensor_max_mmhg = 1000.0;
	l->max_rise_mmhg_per_s = 2000.0;
	l->max_fill_ms = 120000;
	l->ceiling_mmhg = 500.0;
	assert_true(safety_residual_mmhg(l) == SAFETY_RESIDUAL_MAX_MMHG);
	assert_int_equal(safety_sensor_stuck_ms(l), SAFETY_SENSOR_STUCK_MAX_MS);
	assert_true(safety_sensor_min_mmhg(l) == SAFETY_SENSOR_MIN_LOWEST_MMHG);
	assert_true(safety_sensor_max_mmhg(l) == SAFETY_SENSOR_MAX_HIGHEST_MMHG);
	assert_true(safety_max_rise_mmhg_per_s(l) == SAFETY_MAX_RISE_HIGHEST_MMHG_PER_S);
	assert_int_equal(safety_max_fill_ms(l), SAFETY_MAX_FILL_MAX_MS);
	assert_true(safety_ceiling_mmhg(l) == SAFETY_CEILING_MAX_MMHG);
	assert_int_equal(safety_open_loop_fill_ms(15000), SAFETY_OPEN_LOOP_FILL_MAX_MS);
	assert_false(safety_bound_ok("residual_mmhg", 50.0));
	assert_false(safety_bound_ok("open_loop_fill_ms", 15000.0));
	assert_false(safety_bound_ok("sensor_stuck_ms", 20000.0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_safety_bounds_every_key_has_a_bound_and_a_reason),
	    cmocka_unit_test(test_safety_bounds_defaults_lie_inside),
	    cmocka_unit_test(test_safety_bounds_rule_functions_clamp_what_a_loader_let_through),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

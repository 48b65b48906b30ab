/* SPDX-License-Identifier: MIT */
/* programs.conf: the shipped programs against the ceiling and DOMAIN.md's
 * ranges, zone targets (gradient, floor, boost, skip, clamp), and every
 * loader error with file, line and fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_file.h"
#include "config/config.h"
#include "config/program_load.h"
#include "core/program.h"

static char path[64];
static char err[512];
static struct program_set set;
static struct kiosk_config cfg;

/* Lines 1-6; tests append from line 7 on. */
#define BASE                                                                                       \
	"[program.easy]\n"                                                                         \
	"name = Easy\n"                                                                            \
	"pattern = sequential_pulse\n"                                                             \
	"target_mmhg = 40\n"                                                                       \
	"hold_s = 10\n"                                                                            \
	"duration_min = 20\n"

static int group_setup(void **state)
{
	(void)state;
	return conf_file_temp(path, sizeof(path), "programs");
}

static int group_teardown(void **state)
{
	(void)state;
	return unlink(path);
}

static int setup(void **state)
{
	(void)state;
	kiosk_config_defaults(&cfg);
	return 0;
}

static int load_text(const char *text)
{
	conf_file_write(path, text);
	memset(err, 0, sizeof(err));
	return program_set_load(&set, path, &cfg.limits, err, sizeof(err));
}

static void expect_error(const char *text, unsigned int line, const char *what, const char *fix)
{
	assert_int_equal(load_text(text), -EINVAL);
	assert_int_equal(set.count, 0); /* nothing half-loaded */
	conf_file_expect_error(err, path, line, what, fix);
}

static void load_assets(void)
{
	if (program_set_load(&set, KIOSK_SOURCE_ASSETS "/programs.conf", &cfg.limits, err,
	                     sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* ---- the shipped programs ---------------------------------------------- */

struct domain_range {
	const char *id;
	double min_mmhg, max_mmhg; /* DOMAIN.md pressure band */
	unsigned int min_minutes, max_minutes;
};

static const struct domain_range domain[] = {
    {"gentle", 30, 40, 1, 20},         /* beginner: 30-40 mmHg, 20 min */
    {"standard", 40, 60, 20, 30},      /* standard post-run: 40-60, 20-30 min */
    {"deep", 50, 65, 35, 40},          /* advanced: 50-65, 35-40 min */
    {"pre_run", 35, 45, 1, 15},        /* pre-run priming: 35-45, 15 min */
    {"marathon_flush", 40, 60, 1, 45}, /* marathon: 40-60, up to 45 min */
    {"lymphatic", 50, 60, 1, 60},      /* lymphatic sweet spot 50-60 */
};

static void test_program_assets_cover_domain_programs_and_ranges(void **state)
{
	(void)state;
	load_assets();
	assert_true(set.count >= 5);
	for (size_t i = 0; i < sizeof(domain) / sizeof(domain[0]); i++) {
		const struct domain_range *d = &domain[i];
		const struct program *p = program_set_find(&set, d->id);
		if (!p)
			fail_msg("program %s missing from programs.conf", d->id);
		assert_true(p->intensity_min_mmhg >= d->min_mmhg);
		assert_true(p->intensity_max_mmhg <= d->max_mmhg);
		assert_true(p->target_mmhg >= d->min_mmhg && p->target_mmhg <= d->max_mmhg);
		assert_true(p->duration_min_s >= d->min_minutes * 60u);
		assert_true(p->duration_max_s <= d->max_minutes * 60u);
	}
	assert_null(program_set_find(&set, "nope"));
	assert_null(program_set_find(NULL, "gentle"));
}

static void test_program_assets_show_patterns_boost_skip_warmup(void **state)
{
	bool pulse = false, hold = false, boost = false, skip = false, warmup = false;

	(void)state;
	load_assets();
	for (size_t i = 0; i < set.count; i++) {
		const struct program *p = &set.items[i];
		pulse |= p->pattern == PATTERN_SEQUENTIAL_PULSE;
		hold |= p->pattern == PATTERN_GRADIENT_HOLD;
		boost |= p->boost_zone != 0 && p->boost_mmhg > 0;
		skip |= p->skip_mask != 0;
		warmup |= p->warmup_cycles > 0 && p->warmup_factor < 1.0;
		/* Gradient as in medical practice: 5-10 mmHg per zone. */
		assert_true(p->gradient_mmhg >= 5.0 && p->gradient_mmhg <= 10.0);
		assert_true(p->hold_ms > 0);
		assert_true(p->duration_min_s <= p->duration_s &&
		            p->duration_s <= p->duration_max_s);
		assert_true(p->name[0] != '\0');
	}
	assert_true(pulse && hold && boost && skip && warmup);
}

/* Every zone of every station size at every intensity a member can pick
 * stays at or under the ceiling, and under the DOMAIN band (+ boost). */
static void test_program_assets_never_exceed_ceiling(void **state)
{
	(void)state;
	load_assets();
	for (size_t i = 0; i < set.count; i++) {
		const struct program *p = &set.items[i];
		for (double foot = p->intensity_min_mmhg; foot <= p->intensity_max_mmhg + 1e-9;
		     foot += p->intensity_step_mmhg) {
			for (size_t zones = 1; zones <= STATION_MAX_ZONES; zones++) {
				for (size_t z = 0; z < zones; z++) {
					double t = program_zone_target(p, z, zones, foot,
					                               cfg.limits.ceiling_mmhg);
					assert_true(t <= cfg.limits.ceiling_mmhg);
					assert_true(t <= p->intensity_max_mmhg + p->boost_mmhg);
					if (!(p->skip_mask & (1u << z)))
						assert_true(t >= foot / 2.0);
				}
			}
		}
	}
}

static void test_program_assets_rejected_under_a_lower_ceiling(void **state)
{
	(void)state;
	/* deep reaches 65 + 10 boost - 5 = 70 mmHg on the calf. */
	cfg.limits.ceiling_mmhg = 65.0;
	assert_int_equal(program_set_load(&set, KIOSK_SOURCE_ASSETS "/programs.conf", &cfg.limits,
	                                  err, sizeof(err)),
	                 -EINVAL);
	assert_non_null(strstr(err, "programs.conf:"));
	assert_non_null(strstr(err, "zone 2 can reach 70 mmHg"));
	assert_non_null(strstr(err, "lower the pressure or the boost"));
}

/* ---- zone targets ------------------------------------------------------- */

static void test_program_zone_target_gradient_boost_skip(void **state)
{
	struct program p = {
	    .gradient_mmhg = 5.0, .boost_zone = 3, .boost_mmhg = 10.0, .skip_mask = 1u << 1};

	(void)state;
	assert_true(program_zone_target(&p, 0, 5, 50.0, 100.0) == 50.0);
	assert_true(program_zone_target(&p, 1, 5, 50.0, 100.0) == 0.0);  /* skipped */
	assert_true(program_zone_target(&p, 2, 5, 50.0, 100.0) == 50.0); /* 40 + boost */
	assert_true(program_zone_target(&p, 3, 5, 50.0, 100.0) == 35.0);
	assert_true(program_zone_target(&p, 4, 5, 50.0, 100.0) == 30.0);
	assert_true(program_zone_target(&p, 5, 5, 50.0, 100.0) == 0.0); /* no such zone */
}

static void test_program_zone_target_floor_and_clamps(void **state)
{
	struct program p = {.gradient_mmhg = 10.0, .boost_zone = 1, .boost_mmhg = 20.0};

	(void)state;
	/* Thigh of an 8-zone sleeve: 40 - 70 would be negative; floor is 20. */
	assert_true(program_zone_target(&p, 7, 8, 40.0, 100.0) == 20.0);
	/* Boost above the ceiling is clamped to it. */
	assert_true(program_zone_target(&p, 0, 8, 95.0, 100.0) == 100.0);
	/* A config ceiling above the compiled one is clamped to the compiled one. */
	assert_true(program_zone_target(&p, 0, 8, 105.0, 500.0) == KIOSK_COMPILED_CEILING_MMHG);
	assert_true(program_zone_target(&p, 0, 8, 0.0, 100.0) == 0.0);
	assert_true(program_zone_target(NULL, 0, 8, 40.0, 100.0) == 0.0);
}

/* ---- loader -------------------------------------------------------------- */

static void test_program_minimal_program_gets_defaults(void **state)
{
	const struct program *p;

	(void)state;
	assert_int_equal(load_text(BASE "rest_s = 2.5\nskip_zones = 4, 6\n"), 0);
	assert_int_equal(set.count, 1);
	p = &set.items[0];
	assert_string_equal(p->id, "easy");
	assert_int_equal(p->pattern, PATTERN_SEQUENTIAL_PULSE);
	assert_int_equal(p->hold_ms, 10000);
	assert_int_equal(p->rest_ms, 2500);
	assert_int_equal(p->duration_s, 1200);
	assert_int_equal(p->duration_min_s, 1200);
	assert_int_equal(p->duration_max_s, 1200);
	assert_true(p->intensity_min_mmhg == 40.0 && p->intensity_max_mmhg == 40.0);
	assert_int_equal(p->skip_mask, (1u << 3) | (1u << 5));
	assert_int_equal(p->boost_zone, 0);
}

static void test_program_missing_file_names_path(void **state)
{
	(void)state;
	assert_int_equal(
	    program_set_load(&set, "/nonexistent/programs.conf", &cfg.limits, err, sizeof(err)),
	    -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/programs.conf: cannot open"));
}

static void test_program_empty_file_rejected(void **state)
{
	(void)state;
	expect_error("# nothing here\n\n", 2, "no programs", "add at least one [program.<id>]");
}

static void test_program_unknown_key_rejected(void **state)
{
	(void)state;
	expect_error(BASE "hold_ms = 10\n", 7, "unknown key 'hold_ms' in [program.easy]",
	             "did you mean 'hold_s'?");
	expect_error(BASE "colour = red\n", 7, "unknown key 'colour'", "remove it");
}

static void test_program_unknown_pattern_rejected(void **state)
{
	(void)state;
	expect_error("[program.x]\npattern = wave\n", 2, "pattern = 'wave' is not known",
	             "sequential_pulse or gradient_hold");
}

static void test_program_target_above_ceiling_rejected(void **state)
{
	(void)state;
	cfg.limits.ceiling_mmhg = 80.0;
	expect_error("[program.x]\nname = X\npattern = gradient_hold\ntarget_mmhg = 90\n"
	             "hold_s = 5\nduration_min = 10\n",
	             4,
	             "target_mmhg (90) is above the ceiling "
	             "of 80 mmHg",
	             "lower it");
	expect_error("[program.x]\ntarget_mmhg = 150\n", 2, "target_mmhg = 150 is out of range",
	             "use 1 to 110");
}

static void test_program_boost_above_ceiling_rejected(void **state)
{
	(void)state;
	expect_error(BASE "intensity_max_mmhg = 95\nboost_zone = 1\nboost_mmhg = 10\n", 9,
	             "zone 1 can reach 105 mmHg", "lower the pressure or the boost");
}

static void test_program_member_intensity_above_ceiling_rejected(void **state)
{
	(void)state;
	cfg.limits.ceiling_mmhg = 60.0;
	expect_error(BASE "intensity_max_mmhg = 70\n", 7, "zone 1 can reach 70 mmHg",
	             "above the ceiling of 60 mmHg");
}

static void test_program_duration_outside_limits_rejected(void **state)
{
	(void)state;
	expect_error("[program.x]\nduration_min = 0\n", 2, "duration_min = 0 is out of range",
	             "use 1 to 60");
	expect_error("[program.x]\nduration_min = 61\n", 2, "duration_min = 61 is out of range",
	             "use 1 to 60");
	cfg.limits.max_session_s = 1800;
	expect_error(BASE "duration_max_min = 45\n", 7,
	             "duration_max_min allows 45 minutes, above "
	             "max_session_s (1800 s = 30 min)",
	             "shorten it");
	expect_error(BASE "duration_min_min = 1.5\n", 7, "is not a whole number", "whole minutes");
}

static void test_program_min_above_max_rejected(void **state)
{
	(void)state;
	expect_error(BASE "duration_min_min = 25\nduration_max_min = 15\n", 7,
	             "duration_min_min (25) is above duration_max_min (15)", "swap them");
	expect_error(BASE "intensity_min_mmhg = 50\nintensity_max_mmhg = 35\n", 7,
	             "intensity_min_mmhg (50) is above intensity_max_mmhg (35)", "swap them");
	expect_error(BASE "duration_min_min = 25\nduration_max_min = 30\n", 6,
	             "duration_min (20) is outside duration_min_min..duration_max_min (25..30)",
	             "make the default one of the allowed durations");
	expect_error(BASE "intensity_min_mmhg = 45\nintensity_max_mmhg = 50\n", 4,
	             "target_mmhg (40) is outside", "one of the allowed pressures");
}

static void test_program_duplicate_id_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[program.easy]\n", 7,
	             "program id 'easy' appears twice (first on line 1)", "its own id");
}

static void test_program_duplicate_key_rejected(void **state)
{
	(void)state;
	expect_error(BASE "hold_s = 12\n", 7,
	             "hold_s is set twice in [program.easy] (first on "
	             "line 5)",
	             "keep only one");
}

static void test_program_missing_required_key_rejected(void **state)
{
	(void)state;
	expect_error(BASE "[program.two]\nname = Two\npattern = gradient_hold\nhold_s = 5\n"
	                  "duration_min = 10\n",
	             7, "[program.two] has no target_mmhg", "target_mmhg = 40");
}

static void test_program_bad_sections_rejected(void **state)
{
	(void)state;
	expect_error("[programs]\n", 1, "unknown section [programs]", "[program.<id>]");
	expect_error("[program.Deep]\n", 1, "only a-z, 0-9 and '_'", "[program.pre_run]");
	expect_error("[program.]\n", 1, "the program id must be 1 to 31 characters",
	             "[program.gentle]");
	expect_error("name = Loose\n", 1, "outside any program", "[program.<id>]");
}

static void test_program_skip_and_boost_rules(void **state)
{
	(void)state;
	expect_error(BASE "skip_zones = 1, 2, 3, 4, 5, 6, 7, 8\n", 7, "leaves out every zone",
	             "keep at least one");
	expect_error(BASE "skip_zones = 2, 2\n", 7, "lists zone 2 twice", "each zone once");
	expect_error(BASE "skip_zones = 9\n", 7, "'9' is not a zone number", "1 (foot) to 8");
	expect_error(BASE "skip_zones = 2\nboost_zone = 2\n", 8,
	             "boost_zone 2 is also in skip_zones", "boost another zone");
}

static void test_program_too_many_programs_rejected(void **state)
{
	char text[8192];
	size_t pos = 0;

	(void)state;
	for (unsigned int i = 0; i <= PROGRAM_MAX; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
		                        "[program.p%u]\nname = P\npattern = gradient_hold\n"
		                        "target_mmhg = 40\nhold_s = 5\nduration_min = 10\n",
		                        i);
	expect_error(text, PROGRAM_MAX * 6 + 1, "more than 16 programs", "remove some");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_program_assets_cover_domain_programs_and_ranges, setup),
	    cmocka_unit_test_setup(test_program_assets_show_patterns_boost_skip_warmup, setup),
	    cmocka_unit_test_setup(test_program_assets_never_exceed_ceiling, setup),
	    cmocka_unit_test_setup(test_program_assets_rejected_under_a_lower_ceiling, setup),
	    cmocka_unit_test_setup(test_program_zone_target_gradient_boost_skip, setup),
	    cmocka_unit_test_setup(test_program_zone_target_floor_and_clamps, setup),
	    cmocka_unit_test_setup(test_program_minimal_program_gets_defaults, setup),
	    cmocka_unit_test_setup(test_program_missing_file_names_path, setup),
	    cmocka_unit_test_setup(test_program_empty_file_rejected, setup),
	    cmocka_unit_test_setup(test_program_unknown_key_rejected, setup),
	    cmocka_unit_test_setup(test_program_unknown_pattern_rejected, setup),
	    cmocka_unit_test_setup(test_program_target_above_ceiling_rejected, setup),
	    cmocka_unit_test_setup(test_program_boost_above_ceiling_rejected, setup),
	    cmocka_unit_test_setup(test_program_member_intensity_above_ceiling_rejected, setup),
	    cmocka_unit_test_setup(test_program_duration_outside_limits_rejected, setup),
	    cmocka_unit_test_setup(test_program_min_above_max_rejected, setup),
	    cmocka_unit_test_setup(test_program_duplicate_id_rejected, setup),
	    cmocka_unit_test_setup(test_program_duplicate_key_rejected, setup),
	    cmocka_unit_test_setup(test_program_missing_required_key_rejected, setup),
	    cmocka_unit_test_setup(test_program_bad_sections_rejected, setup),
	    cmocka_unit_test_setup(test_program_skip_and_boost_rules, setup),
	    cmocka_unit_test_setup(test_program_too_many_programs_rejected, setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

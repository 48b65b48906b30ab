/* SPDX-License-Identifier: MIT */
#include "config/program_load.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini_file.h"
#include "core/program.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum program_key {
	PK_NAME,
	PK_DESCRIPTION,
	PK_PATTERN,
	PK_TARGET,
	PK_GRADIENT,
	PK_BOOST_ZONE,
	PK_BOOST,
	PK_SKIP,
	PK_HOLD,
	PK_REST,
	PK_DURATION,
	PK_DURATION_MIN,
	PK_DURATION_MAX,
	PK_STEP,
	PK_INTENSITY_MIN,
	PK_INTENSITY_MAX,
	PK_WARMUP_CYCLES,
	PK_WARMUP_FACTOR,
	PK_COUNT
};

static const char *const program_keys[PK_COUNT] = {
    [PK_NAME] = "name",
    [PK_DESCRIPTION] = "description",
    [PK_PATTERN] = "pattern",
    [PK_TARGET] = "target_mmhg",
    [PK_GRADIENT] = "gradient_mmhg",
    [PK_BOOST_ZONE] = "boost_zone",
    [PK_BOOST] = "boost_mmhg",
    [PK_SKIP] = "skip_zones",
    [PK_HOLD] = "hold_s",
    [PK_REST] = "rest_s",
    [PK_DURATION] = "duration_min",
    [PK_DURATION_MIN] = "duration_min_min",
    [PK_DURATION_MAX] = "duration_max_min",
    [PK_STEP] = "intensity_step_mmhg",
    [PK_INTENSITY_MIN] = "intensity_min_mmhg",
    [PK_INTENSITY_MAX] = "intensity_max_mmhg",
    [PK_WARMUP_CYCLES] = "warmup_cycles",
    [PK_WARMUP_FACTOR] = "warmup_factor",
};

/* Numeric keys: range and how the value is stored. */
struct number_rule {
	double min, max;
	bool whole;
	const char *hint;
};

static const struct number_rule number_rules[PK_COUNT] = {
    [PK_TARGET] = {1, KIOSK_COMPILED_CEILING_MMHG, false, "mmHg at the foot, like 40"},
    [PK_GRADIENT] = {0, 20, false, "mmHg less per zone up the leg, 5 to 10 is usual"},
    [PK_BOOST_ZONE] = {0, STATION_MAX_ZONES, true, "a zone number from 1 (foot), or 0 for none"},
    [PK_BOOST] = {0, 20, false, "extra mmHg on boost_zone, like 10"},
    [PK_HOLD] = {0.5, 300, false, "seconds, like 10"},
    [PK_REST] = {0, 600, false, "seconds, like 20"},
    [PK_DURATION] = {1, KIOSK_COMPILED_MAX_SESSION_S / 60, true, "whole minutes, like 20"},
    [PK_DURATION_MIN] = {1, KIOSK_COMPILED_MAX_SESSION_S / 60, true, "whole minutes"},
    [PK_DURATION_MAX] = {1, KIOSK_COMPILED_MAX_SESSION_S / 60, true, "whole minutes"},
    [PK_STEP] = {1, 20, false, "mmHg per +/- touch, like 5"},
    [PK_INTENSITY_MIN] = {1, KIOSK_COMPILED_CEILING_MMHG, false, "mmHg"},
    [PK_INTENSITY_MAX] = {1, KIOSK_COMPILED_CEILING_MMHG, false, "mmHg"},
    [PK_WARMUP_CYCLES] = {0, 10, true, "cycles, like 2"},
    [PK_WARMUP_FACTOR] = {0.5, 1.0, false, "a fraction of the target, like 0.8"},
};

struct program_build {
	unsigned int section_line;
	unsigned int key_line[PK_COUNT];
};

struct program_loader {
	struct program_set *set;
	const struct kiosk_limits *limits;
	struct program *cur; /* NULL outside a [program.<id>] */
	struct program_build builds[PROGRAM_MAX];
};

static struct program_build *build_of(struct program_loader *ld, const struct program *p)
{
	return &ld->builds[p - ld->set->items];
}

static int on_section(struct ini_file *f, void *user, const char *name)
{
	struct program_loader *ld = user;
	struct program_set *set = ld->set;
	const char *id;

	ld->cur = NULL;
	id = ini_file_section_id(f, name, "program", sizeof(set->items[0].id), "gentle", "pre_run");
	if (!id)
		return -1;
	for (size_t i = 0; i < set->count; i++) {
		if (strcmp(set->items[i].id, id) == 0) {
			ini_file_fail(f,
			              "program id '%s' appears twice (first on line %u); give each "
			              "program its own id",
			              id, ld->builds[i].section_line);
			return -1;
		}
	}
	if (set->count == PROGRAM_MAX) {
		ini_file_fail(f, "more than %d programs; remove some", PROGRAM_MAX);
		return -1;
	}
	ld->cur = &set->items[set->count];
	memset(ld->cur, 0, sizeof(*ld->cur));
	memset(&ld->builds[set->count], 0, sizeof(ld->builds[0]));
	ld->builds[set->count].section_line = ini_file_line(f);
	set->count++;
	snprintf(ld->cur->id, sizeof(ld->cur->id), "%s", id);
	ld->cur->boost_mmhg = 10.0; /* DOMAIN.md: "zone boost" is +10 mmHg */
	ld->cur->intensity_step_mmhg = 5.0;
	ld->cur->warmup_factor = 0.8;
	return 0;
}

static int parse_skip(struct ini_file *f, struct program *p, const char *value)
{
	const char *s = value;
	char item[16];

	p->skip_mask = 0;
	if (value[0] == '\0')
		return 0;
	while (s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		unsigned long z;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(item)) {
			ini_file_fail(
			    f, "skip_zones has an empty or overlong entry; list zone numbers "
			       "like skip_zones = 2, 3");
			return -1;
		}
		memcpy(item, s, n);
		item[n] = '\0';
		if (ini_value_uint(item, &z) < 0 || z < 1 || z > STATION_MAX_ZONES) {
			ini_file_fail(f,
			              "skip_zones: '%s' is not a zone number; use 1 (foot) to %d",
			              item, STATION_MAX_ZONES);
			return -1;
		}
		if (p->skip_mask & (1u << (z - 1))) {
			ini_file_fail(f, "skip_zones lists zone %lu twice; list each zone once", z);
			return -1;
		}
		p->skip_mask = (uint8_t)(p->skip_mask | (1u << (z - 1)));
		s = e ? e + 1 : NULL;
	}
	if (p->skip_mask == 0xFF) {
		ini_file_fail(f, "skip_zones leaves out every zone; keep at least one");
		return -1;
	}
	return 0;
}

static int set_program_value(struct ini_file *f, struct program *p, int k, const char *key,
                             const char *value)
{
	const struct number_rule *r = &number_rules[k];
	double d;

	switch (k) {
	case PK_NAME:
		if (value[0] == '\0' || strlen(value) >= sizeof(p->name)) {
			ini_file_fail(f, "name must be 1 to %zu characters; shorten it",
			              sizeof(p->name) - 1);
			return -1;
		}
		snprintf(p->name, sizeof(p->name), "%s", value);
		return 0;
	case PK_DESCRIPTION:
		if (strlen(value) >= sizeof(p->description)) {
			ini_file_fail(f, "description is longer than %zu characters; shorten it",
			              sizeof(p->description) - 1);
			return -1;
		}
		snprintf(p->description, sizeof(p->description), "%s", value);
		return 0;
	case PK_PATTERN:
		if (strcmp(value, "sequential_pulse") == 0) {
			p->pattern = PATTERN_SEQUENTIAL_PULSE;
		} else if (strcmp(value, "gradient_hold") == 0) {
			p->pattern = PATTERN_GRADIENT_HOLD;
		} else {
			ini_file_fail(f,
			              "pattern = '%s' is not known; write sequential_pulse or "
			              "gradient_hold",
			              value);
			return -1;
		}
		return 0;
	case PK_SKIP:
		return parse_skip(f, p, value);
	default:
		break;
	}

	if (ini_value_double(value, &d) < 0 || (r->whole && d != floor(d))) {
		ini_file_fail(f, "%s = '%s' is not a %s; write %s", key, value,
		              r->whole ? "whole number" : "number", r->hint);
		return -1;
	}
	if (d < r->min || d > r->max) {
		ini_file_fail(f, "%s = %g is out of range; use %g to %g (%s)", key, d, r->min,
		              r->max, r->hint);
		return -1;
	}
	/* clang-format off */
	switch (k) {
	case PK_TARGET: p->target_mmhg = d; break;
	case PK_GRADIENT: p->gradient_mmhg = d; break;
	case PK_BOOST_ZONE: p->boost_zone = (unsigned int)d; break;
	case PK_BOOST: p->boost_mmhg = d; break;
	case PK_HOLD: p->hold_ms = (unsigned int)lround(d * 1000.0); break;
	case PK_REST: p->rest_ms = (unsigned int)lround(d * 1000.0); break;
	case PK_DURATION: p->duration_s = (unsigned int)d * 60u; break;
	case PK_DURATION_MIN: p->duration_min_s = (unsigned int)d * 60u; break;
	case PK_DURATION_MAX: p->duration_max_s = (unsigned int)d * 60u; break;
	case PK_STEP: p->intensity_step_mmhg = d; break;
	case PK_INTENSITY_MIN: p->intensity_min_mmhg = d; break;
	case PK_INTENSITY_MAX: p->intensity_max_mmhg = d; break;
	case PK_WARMUP_CYCLES: p->warmup_cycles = (unsigned int)d; break;
	case PK_WARMUP_FACTOR: p->warmup_factor = d; break;
	default: return -1;
	}
	/* clang-format on */
	return 0;
}

static int on_key(struct ini_file *f, void *user, const char *section, const char *key,
                  const char *value, bool continuation)
{
	struct program_loader *ld = user;
	struct program_build *b;
	int k;

	(void)section;
	if (continuation) {
		ini_file_fail_continuation(f, key, "");
		return -1;
	}
	if (!ld->cur) {
		ini_file_fail(
		    f, "'%s' is outside any program; put it under a [program.<id>] header", key);
		return -1;
	}
	for (k = 0; k < PK_COUNT; k++)
		if (strcmp(key, program_keys[k]) == 0)
			break;
	if (k == PK_COUNT) {
		const char *near = ini_file_suggest(key, program_keys, PK_COUNT);
		if (near)
			ini_file_fail(f, "unknown key '%s' in [program.%s]; did you mean '%s'?",
			              key, ld->cur->id, near);
		else
			ini_file_fail(f,
			              "unknown key '%s' in [program.%s]; remove it (the keys are "
			              "listed at the top of programs.conf)",
			              key, ld->cur->id);
		return -1;
	}
	b = build_of(ld, ld->cur);
	if (b->key_line[k]) {
		ini_file_fail(f,
		              "%s is set twice in [program.%s] (first on line %u); keep only one",
		              key, ld->cur->id, b->key_line[k]);
		return -1;
	}
	b->key_line[k] = ini_file_line(f);
	return set_program_value(f, ld->cur, k, key, value);
}

/* ---- whole-program checks ---------------------------------------------- */

static unsigned int line_of(const struct program_build *b, int k)
{
	return b->key_line[k] ? b->key_line[k] : b->section_line;
}

/* Highest pressure any zone can get: the member's maximum intensity at the
 * foot, or the boosted zone. */
static double program_peak_mmhg(const struct program *p, unsigned int *zone_out)
{
	double peak = p->intensity_max_mmhg;
	*zone_out = 1;
	if (p->boost_zone == 1)
		peak += p->boost_mmhg;
	if (p->boost_zone > 1) {
		double b = p->intensity_max_mmhg - p->gradient_mmhg * (p->boost_zone - 1);
		if (b < p->intensity_max_mmhg / 2.0)
			b = p->intensity_max_mmhg / 2.0;
		b += p->boost_mmhg;
		if (b > peak) {
			peak = b;
			*zone_out = p->boost_zone;
		}
	}
	return peak;
}

static int finish_durations(struct ini_file *f, struct program *p, const struct program_build *b,
                            const struct kiosk_limits *limits)
{
	if (!p->duration_min_s)
		p->duration_min_s = p->duration_s;
	if (!p->duration_max_s)
		p->duration_max_s = p->duration_s;
	if (p->duration_min_s > p->duration_max_s) {
		ini_file_fail_at(f, line_of(b, PK_DURATION_MIN),
		                 "duration_min_min (%u) is above duration_max_min (%u); swap them",
		                 p->duration_min_s / 60, p->duration_max_s / 60);
		return -1;
	}
	if (p->duration_s < p->duration_min_s || p->duration_s > p->duration_max_s) {
		ini_file_fail_at(f, line_of(b, PK_DURATION),
		                 "duration_min (%u) is outside duration_min_min..duration_max_min "
		                 "(%u..%u); make the default one of the allowed durations",
		                 p->duration_s / 60, p->duration_min_s / 60,
		                 p->duration_max_s / 60);
		return -1;
	}
	if (p->duration_max_s > limits->max_session_s) {
		int k = b->key_line[PK_DURATION_MAX] ? PK_DURATION_MAX : PK_DURATION;
		ini_file_fail_at(f, line_of(b, k),
		                 "%s allows %u minutes, above max_session_s (%u s = %u min) in "
		                 "kiosk.conf; shorten it",
		                 program_keys[k], p->duration_max_s / 60, limits->max_session_s,
		                 limits->max_session_s / 60);
		return -1;
	}
	return 0;
}

static int finish_pressures(struct ini_file *f, struct program *p, const struct program_build *b,
                            const struct kiosk_limits *limits)
{
	unsigned int peak_zone;
	double peak;

	if (!b->key_line[PK_INTENSITY_MIN])
		p->intensity_min_mmhg = p->target_mmhg;
	if (!b->key_line[PK_INTENSITY_MAX])
		p->intensity_max_mmhg = p->target_mmhg;
	if (p->intensity_min_mmhg > p->intensity_max_mmhg) {
		ini_file_fail_at(
		    f, line_of(b, PK_INTENSITY_MIN),
		    "intensity_min_mmhg (%g) is above intensity_max_mmhg (%g); swap them",
		    p->intensity_min_mmhg, p->intensity_max_mmhg);
		return -1;
	}
	if (p->target_mmhg < p->intensity_min_mmhg || p->target_mmhg > p->intensity_max_mmhg) {
		ini_file_fail_at(
		    f, line_of(b, PK_TARGET),
		    "target_mmhg (%g) is outside intensity_min_mmhg..intensity_max_mmhg "
		    "(%g..%g); make the default one of the allowed pressures",
		    p->target_mmhg, p->intensity_min_mmhg, p->intensity_max_mmhg);
		return -1;
	}
	if (p->target_mmhg > limits->ceiling_mmhg) {
		ini_file_fail_at(
		    f, line_of(b, PK_TARGET),
		    "target_mmhg (%g) is above the ceiling of %g mmHg (ceiling_mmhg in "
		    "kiosk.conf); lower it",
		    p->target_mmhg, limits->ceiling_mmhg);
		return -1;
	}
	peak = program_peak_mmhg(p, &peak_zone);
	if (peak > limits->ceiling_mmhg) {
		int k = b->key_line[PK_BOOST]                                      ? PK_BOOST
		        : b->key_line[PK_BOOST_ZONE] && peak_zone == p->boost_zone ? PK_BOOST_ZONE
		        : b->key_line[PK_INTENSITY_MAX] ? PK_INTENSITY_MAX
		                                        : PK_TARGET;
		ini_file_fail_at(f, line_of(b, k),
		                 "zone %u can reach %g mmHg (intensity_max_mmhg %g%s), above the "
		                 "ceiling of %g mmHg; lower the pressure or the boost",
		                 peak_zone, peak, p->intensity_max_mmhg,
		                 p->boost_zone == peak_zone ? " with its boost" : "",
		                 limits->ceiling_mmhg);
		return -1;
	}
	if (p->boost_zone && (p->skip_mask & (1u << (p->boost_zone - 1)))) {
		ini_file_fail_at(
		    f, line_of(b, PK_BOOST_ZONE),
		    "boost_zone %u is also in skip_zones; boost another zone or do not "
		    "skip it",
		    p->boost_zone);
		return -1;
	}
	return 0;
}

static int on_finish(struct ini_file *f, void *user)
{
	static const int required[] = {PK_NAME, PK_PATTERN, PK_TARGET, PK_HOLD, PK_DURATION};
	static const char *const examples[] = {"name = Gentle start", "pattern = sequential_pulse",
	                                       "target_mmhg = 40", "hold_s = 10",
	                                       "duration_min = 20"};
	struct program_loader *ld = user;
	struct program_set *set = ld->set;

	if (set->count == 0) {
		ini_file_fail_at(f, ini_file_line(f) ? ini_file_line(f) : 1,
		                 "no programs; add at least one [program.<id>] section");
		return -1;
	}
	for (size_t i = 0; i < set->count; i++) {
		struct program *p = &set->items[i];
		const struct program_build *b = &ld->builds[i];
		for (size_t r = 0; r < COUNT(required); r++) {
			if (!b->key_line[required[r]]) {
				ini_file_fail_at(f, b->section_line,
				                 "[program.%s] has no %s; add it, like %s", p->id,
				                 program_keys[required[r]], examples[r]);
				return -1;
			}
		}
		if (finish_durations(f, p, b, ld->limits) < 0 ||
		    finish_pressures(f, p, b, ld->limits) < 0)
			return -1;
	}
	return 0;
}

int program_set_load(struct program_set *set, const char *path, const struct kiosk_limits *limits,
                     char *err, size_t err_len)
{
	static const struct ini_file_handler handler = {
	    .section = on_section,
	    .key = on_key,
	    .finish = on_finish,
	};
	struct program_loader *ld;
	int ret;

	memset(set, 0, sizeof(*set));
	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->set = set;
	ld->limits = limits;
	ret = ini_file_parse(path, &handler, ld, err, err_len);
	free(ld);
	if (ret < 0)
		memset(set, 0, sizeof(*set));
	return ret;
}

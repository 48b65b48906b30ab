/* SPDX-License-Identifier: MIT */
/*
 * Compression programs and the rule that turns one into zone targets.  The
 * set is loaded from programs.conf by config/program_load.h, which checks it
 * against the hard limits.
 *
 * Threading: read-only after load.
 */
#ifndef KIOSK_CORE_PROGRAM_H
#define KIOSK_CORE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/settings.h"

#define PROGRAM_MAX 16

enum program_pattern {
	PATTERN_SEQUENTIAL_PULSE, /* each zone fills, holds, releases; then the next */
	PATTERN_GRADIENT_HOLD,    /* zones fill in turn and stay; all hold; all release */
};

struct program {
	char id[32];
	char name[48];
	char description[160];
	enum program_pattern pattern;
	double target_mmhg;      /* foot zone target */
	double gradient_mmhg;    /* subtracted per zone going up */
	unsigned int boost_zone; /* 1-based, 0 = none */
	double boost_mmhg;
	uint8_t skip_mask; /* bit k = zone k left out */
	unsigned int hold_ms;
	unsigned int rest_ms;
	unsigned int duration_s; /* default */
	unsigned int duration_min_s;
	unsigned int duration_max_s;
	double intensity_min_mmhg; /* allowed target range for the member */
	double intensity_max_mmhg;
	double intensity_step_mmhg;
	unsigned int warmup_cycles; /* first cycles at warmup_factor x pressure */
	double warmup_factor;
};

struct program_set {
	struct program items[PROGRAM_MAX];
	size_t count;
};

const struct program *program_set_find(const struct program_set *set, const char *id);

/* Target for zone k (0-based, foot first) of a station with zone_count zones
 * at the given foot target, with gradient and boost, clamped to the ceiling.
 * Returns 0 for a skipped zone.
 * Details: the gradient never takes a zone below half the foot target (so
 * the thigh of a long sleeve still gets real pressure); the boost is added
 * after that; the clamp is min(ceiling_mmhg, KIOSK_COMPILED_CEILING_MMHG).
 * Returns 0 too for zone >= zone_count or a foot target <= 0. */
double program_zone_target(const struct program *p, size_t zone, size_t zone_count,
                           double foot_target_mmhg, double ceiling_mmhg);

#endif

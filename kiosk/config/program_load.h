/* SPDX-License-Identifier: MIT */
/*
 * programs.conf (inih): one [program.<id>] section per program, validated
 * against the hard limits on load.
 *
 * Keys: name, description, pattern (sequential_pulse | gradient_hold),
 * target_mmhg (the foot zone), gradient_mmhg (dropped per zone going up the
 * leg), boost_zone (1-based, 0 = none), boost_mmhg, skip_zones (1-based list),
 * hold_s, rest_s, duration_min (default), duration_min_min, duration_max_min,
 * intensity_step_mmhg, intensity_min_mmhg, intensity_max_mmhg (allowed
 * member adjustment of target_mmhg), warmup_cycles, warmup_factor.
 *
 * Threading: the caller's; the set is read-only once loaded.
 */
#ifndef KIOSK_CONFIG_PROGRAM_LOAD_H
#define KIOSK_CONFIG_PROGRAM_LOAD_H

#include <stddef.h>

#include "core/program.h"
#include "core/settings.h"

/* Load and validate; errors name file, line and fix ("path:line: ...").  On
 * error the set is left empty.  Never prints. */
int program_set_load(struct program_set *set, const char *path, const struct kiosk_limits *limits,
                     char *err, size_t err_len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Stand-ins for program.c and screening.c until those modules are in the
 * tree: weak, so the library's real functions win as soon as they exist.
 */
#include <string.h>

#include "program.h"
#include "screening.h"

__attribute__((weak)) double program_zone_target(const struct program *p, size_t zone,
                                                 size_t zone_count, double foot_target_mmhg,
                                                 double ceiling_mmhg)
{
	double t;

	(void)zone_count;
	if (p->skip_mask & (1u << zone))
		return 0.0;
	t = foot_target_mmhg - p->gradient_mmhg * (double)zone;
	if (p->boost_zone == zone + 1u)
		t += p->boost_mmhg;
	if (t > ceiling_mmhg)
		t = ceiling_mmhg;
	return t < 0.0 ? 0.0 : t;
}

__attribute__((weak)) enum screening_outcome
screening_evaluate(const struct screening_set *set, const struct screening_answers *ans)
{
	bool relative = false;

	for (size_t i = 0; i < set->count; i++) {
		uint8_t a = ans->answer[i];

		if (a == SCREENING_UNANSWERED)
			return SCREENING_INCOMPLETE;
		if (set->items[i].cls == SCREENING_ABSOLUTE && a == SCREENING_YES)
			return SCREENING_BLOCKED_ABSOLUTE;
		if (set->items[i].cls == SCREENING_ACKNOWLEDGE && a != SCREENING_YES)
			return SCREENING_BLOCKED_ACK;
		if (set->items[i].cls == SCREENING_RELATIVE && a == SCREENING_YES)
			relative = true;
	}
	return relative && !ans->staff_approved ? SCREENING_NEEDS_APPROVAL : SCREENING_PASSED;
}

__attribute__((weak)) void screening_answers_wipe(struct screening_answers *ans)
{
	explicit_bzero(ans, sizeof(*ans));
}

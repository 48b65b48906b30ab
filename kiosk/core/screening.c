/* SPDX-License-Identifier: MIT */
/*
 * Nothing in this file prints, logs or stores an answer: the answers only
 * pass through screening_evaluate() and are wiped by screening_answers_wipe().
 */
#include "core/screening.h"

#include <string.h>

enum screening_outcome screening_evaluate(const struct screening_set *set,
                                          const struct screening_answers *ans)
{
	bool unanswered = false, needs_approval = false;
	bool blocked_ack = false;

	if (!set || !ans || set->count == 0 || set->count > SCREENING_MAX_QUESTIONS)
		return SCREENING_INCOMPLETE;
	/* A block outranks everything else, so a flow can end at the first
	 * absolute Yes; PASSED needs every question answered. */
	for (size_t i = 0; i < set->count; i++) {
		uint8_t a = ans->answer[i];
		if (a != SCREENING_NO && a != SCREENING_YES) {
			unanswered = true;
			continue;
		}
		switch (set->items[i].cls) {
		case SCREENING_ABSOLUTE:
			if (a == SCREENING_YES)
				return SCREENING_BLOCKED_ABSOLUTE;
			break;
		case SCREENING_RELATIVE:
			if (a == SCREENING_YES)
				needs_approval = true;
			break;
		case SCREENING_ACKNOWLEDGE:
			if (a == SCREENING_NO)
				blocked_ack = true;
			break;
		}
	}
	if (blocked_ack)
		return SCREENING_BLOCKED_ACK;
	if (needs_approval && !ans->staff_approved)
		return SCREENING_NEEDS_APPROVAL;
	if (unanswered)
		return SCREENING_INCOMPLETE;
	return SCREENING_PASSED;
}

void screening_answers_wipe(struct screening_answers *ans)
{
	if (ans)
		explicit_bzero(ans, sizeof(*ans));
}

const char *screening_question_text(const struct screening_question *q,
                                    const struct screening_set *set, const char *lang)
{
	if (!q)
		return "";
	if (set && lang) {
		for (size_t i = 0; i < set->lang_count && i < SCREENING_MAX_LANGS; i++)
			if (strcmp(set->langs[i], lang) == 0 && q->text[i][0])
				return q->text[i];
	}
	return q->text[0];
}

/* SPDX-License-Identifier: MIT */
/*
 * Contraindication screening: the questions (loaded from screening.conf by
 * config/screening_load.h) and the rules that decide a member's answers.
 * Answers are health data: they live only inside a struct screening_answers
 * held by the control thread, are never logged, stored or sent, and are
 * wiped (explicit_bzero) when the flow ends.
 *
 * An "acknowledge" question must be answered Yes ("I will stop at once on
 * numbness, tingling or pain"); absolute and relative questions pass on No.
 *
 * Optional keys for the screen: short = a few words naming the question in
 * a list, and group = <id>: neighbouring questions of the same class (not
 * acknowledge) with the same group id are asked together, at most
 * SCREENING_GROUP_MAX of them.  Both change nothing in the rules.
 */
#ifndef KIOSK_CORE_SCREENING_H
#define KIOSK_CORE_SCREENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCREENING_MAX_QUESTIONS 32
#define SCREENING_MAX_LANGS 4
#define SCREENING_GROUP_MAX 6

enum screening_class {
	SCREENING_ABSOLUTE,    /* Yes: no session, no override */
	SCREENING_RELATIVE,    /* Yes: staff may approve with the PIN */
	SCREENING_ACKNOWLEDGE, /* must be answered Yes */
};

struct screening_question {
	char id[32];
	enum screening_class cls;
	char text[SCREENING_MAX_LANGS][256]; /* [0] is the default language */
	char group[32];                      /* "" = asked on its own */
	char short_text[96];                 /* "" = none; English */
};

struct screening_set {
	struct screening_question items[SCREENING_MAX_QUESTIONS];
	size_t count;
	char langs[SCREENING_MAX_LANGS][8];
	size_t lang_count;
};

enum screening_answer { SCREENING_UNANSWERED = 0, SCREENING_NO, SCREENING_YES };

struct screening_answers {
	uint8_t answer[SCREENING_MAX_QUESTIONS]; /* enum screening_answer */
	bool staff_approved;
};

enum screening_outcome {
	SCREENING_INCOMPLETE, /* some question unanswered */
	SCREENING_PASSED,
	SCREENING_BLOCKED_ABSOLUTE, /* see staff or a physician; no override */
	SCREENING_NEEDS_APPROVAL,   /* relative Yes: staff PIN may approve */
	SCREENING_BLOCKED_ACK,      /* acknowledgement refused */
};

/* Precedence, so a flow may evaluate after every answer: any absolute Yes ->
 * BLOCKED_ABSOLUTE; else any acknowledge No -> BLOCKED_ACK; else a relative
 * Yes without staff_approved -> NEEDS_APPROVAL; else any unanswered (or an
 * answer value outside the enum) -> INCOMPLETE; else PASSED.  PASSED is only
 * ever returned with every question answered. */
enum screening_outcome screening_evaluate(const struct screening_set *set,
                                          const struct screening_answers *ans);
/* Wipe answers so the compiler cannot elide it. */
void screening_answers_wipe(struct screening_answers *ans);
/* The text in lang, or the English text when lang is NULL, unknown or
 * missing for q. */
const char *screening_question_text(const struct screening_question *q,
                                    const struct screening_set *set, const char *lang);

#endif

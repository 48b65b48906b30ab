/* SPDX-License-Identifier: MIT */
/* screening.conf and the screening rules: the shipped questions cover
 * DOMAIN.md, loader errors name file, line and fix, screening_evaluate()
 * never passes an incomplete or blocked screening, answers are wiped, and
 * nothing is ever printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_file.h"
#include "config/screening_load.h"
#include "core/screening.h"

static char path[64];
static char err[512];
static struct screening_set set;
static struct screening_answers ans;

static int group_setup(void **state)
{
	(void)state;
	return conf_file_temp(path, sizeof(path), "screening");
}

static int group_teardown(void **state)
{
	(void)state;
	return unlink(path);
}

static int load_text(const char *text)
{
	conf_file_write(path, text);
	memset(err, 0, sizeof(err));
	return screening_set_load(&set, path, err, sizeof(err));
}

static void expect_error(const char *text, unsigned int line, const char *what, const char *fix)
{
	assert_int_equal(load_text(text), -EINVAL);
	assert_int_equal(set.count, 0); /* never a kiosk with no or half the questions */
	conf_file_expect_error(err, path, line, what, fix);
}

static void load_assets(void)
{
	if (screening_set_load(&set, KIOSK_SOURCE_ASSETS "/screening.conf", err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static const struct screening_question *find(const char *id)
{
	for (size_t i = 0; i < set.count; i++)
		if (strcmp(set.items[i].id, id) == 0)
			return &set.items[i];
	fail_msg("question %s missing from screening.conf", id);
	return NULL;
}

/* Every No, every acknowledgement Yes: the answers that pass. */
static void answer_all_passing(void)
{
	memset(&ans, 0, sizeof(ans));
	for (size_t i = 0; i < set.count; i++)
		ans.answer[i] =
		    set.items[i].cls == SCREENING_ACKNOWLEDGE ? SCREENING_YES : SCREENING_NO;
}

static size_t index_of_class(enum screening_class cls)
{
	for (size_t i = 0; i < set.count; i++)
		if (set.items[i].cls == cls)
			return i;
	fail_msg("no question of class %d", cls);
	return 0;
}

/* ---- the shipped questions --------------------------------------------- */

static void test_screening_assets_cover_every_domain_condition(void **state)
{
	static const struct {
		const char *id;
		enum screening_class cls;
		const char *words; /* plain words the member reads */
	} want[] = {
	    {"dvt", SCREENING_ABSOLUTE, "blood clot"},
	    {"pulmonary_embolism", SCREENING_ABSOLUTE, "blood clot in your lung"},
	    {"thrombophlebitis", SCREENING_ABSOLUTE, "vein"},
	    {"clotting_disorder", SCREENING_ABSOLUTE, "clots"},
	    {"heart_failure", SCREENING_ABSOLUTE, "heart failure"},
	    {"pulmonary_oedema", SCREENING_ABSOLUTE, "fluid on your lungs"},
	    {"arterial_disease", SCREENING_ABSOLUTE, "arteries"},
	    {"skin", SCREENING_ABSOLUTE, "open wound"},
	    {"gangrene_graft", SCREENING_ABSOLUTE, "skin graft"},
	    {"fracture", SCREENING_ABSOLUTE, "broken bone"},
	    {"leg_cancer", SCREENING_ABSOLUTE, "cancer"},
	    {"one_leg_swelling", SCREENING_ABSOLUTE, "swollen"},
	    {"pregnancy", SCREENING_RELATIVE, "pregnant"},
	    {"recent_injury_surgery", SCREENING_RELATIVE, "operation"},
	    {"numbness", SCREENING_RELATIVE, "tingling"},
	    {"diabetes", SCREENING_RELATIVE, "diabetes"},
	    {"high_blood_pressure", SCREENING_RELATIVE, "high blood pressure"},
	    {"pacemaker", SCREENING_RELATIVE, "pacemaker"},
	    {"blood_thinners", SCREENING_RELATIVE, "blood thinners"},
	    {"varicose_veins", SCREENING_RELATIVE, "varicose veins"},
	    {"organ_disease", SCREENING_RELATIVE, "kidney"},
	    {"stop_on_symptoms", SCREENING_ACKNOWLEDGE, "Stop at once"},
	    {"good_health", SCREENING_ACKNOWLEDGE, "good health"},
	};

	(void)state;
	load_assets();
	assert_int_equal(set.count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct screening_question *q = find(want[i].id);
		assert_int_equal(q->cls, want[i].cls);
		if (!strstr(q->text[0], want[i].words))
			fail_msg("%s: '%s' lacks '%s'", q->id, q->text[0], want[i].words);
	}
	/* The acknowledgements close the flow. */
	assert_int_equal(set.items[set.count - 1].cls, SCREENING_ACKNOWLEDGE);
	assert_int_equal(set.items[set.count - 2].cls, SCREENING_ACKNOWLEDGE);
}

/* The shipped questions are English (translations are gettext catalogues,
 * po/<lang>.po), grouped a few per screen by class, each with a short name
 * for the list. */
static void test_screening_assets_grouped_and_continued(void **state)
{
	const struct screening_question *q;

	(void)state;
	load_assets();
	assert_int_equal(set.lang_count, 1);
	q = find("dvt");
	/* A text continued on an indented line is joined with one space. */
	assert_string_equal(screening_question_text(q, &set, "en"),
	                    "Have you ever had a blood clot in a vein of your leg (deep vein "
	                    "thrombosis, DVT), or could you have one now?");
	/* Unknown or absent language: English. */
	assert_string_equal(screening_question_text(q, &set, "de"), q->text[0]);
	assert_string_equal(screening_question_text(q, &set, NULL), q->text[0]);
	for (size_t i = 0; i < set.count; i++) {
		const struct screening_question *it = &set.items[i];
		if (it->cls == SCREENING_ACKNOWLEDGE) {
			assert_string_equal(it->group, "");
			continue;
		}
		assert_true(it->group[0] != '\0');
		assert_true(it->short_text[0] != '\0');
		if (i > 0 && strcmp(set.items[i - 1].group, it->group) == 0)
			assert_int_equal(set.items[i - 1].cls, it->cls);
	}
}

/* ---- loader errors ----------------------------------------------------- */

static void test_screening_missing_file_rejected(void **state)
{
	(void)state;
	assert_int_equal(screening_set_load(&set, "/nonexistent/screening.conf", err, sizeof(err)),
	                 -ENOENT);
	assert_int_equal(set.count, 0);
	assert_non_null(strstr(err, "/nonexistent/screening.conf: cannot open"));
	assert_non_null(strstr(err, "check the path"));
}

static void test_screening_empty_file_rejected(void **state)
{
	(void)state;
	expect_error("# only a comment\n", 1, "no questions", "add the contraindication questions");
	expect_error("", 1, "no questions", "[question.<id>]");
}

static void test_screening_unknown_class_rejected(void **state)
{
	(void)state;
	expect_error("[question.a]\ntext = Are you well?\nclass = maybe\n", 3,
	             "class = 'maybe' is not known", "absolute (Yes: no session), relative");
}

static void test_screening_duplicate_id_rejected(void **state)
{
	(void)state;
	expect_error("[question.a]\nclass = absolute\ntext = A?\n[question.a]\n", 4,
	             "question id 'a' appears twice (first on line 1)", "its own id");
}

static void test_screening_missing_text_or_class_rejected(void **state)
{
	(void)state;
	expect_error("[question.a]\nclass = absolute\ntext = A?\n[question.b]\nclass = relative\n",
	             4, "[question.b] has no English text", "add text =");
	expect_error("[question.a]\ntext = A?\n", 1, "[question.a] has no class",
	             "add class = absolute, relative or acknowledge");
	expect_error("[question.a]\nclass = absolute\ntext =\n", 3, "text is empty", "plain words");
}

static void test_screening_too_many_questions_rejected(void **state)
{
	char text[8192];
	size_t pos = 0;

	(void)state;
	for (unsigned int i = 0; i <= SCREENING_MAX_QUESTIONS; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
		                        "[question.q%u]\nclass = relative\ntext = Q%u?\n", i, i);
	expect_error(text, SCREENING_MAX_QUESTIONS * 3 + 1, "more than 32 questions",
	             "merge or remove some");
}

static void test_screening_other_errors_rejected(void **state)
{
	(void)state;
	expect_error("[question.a]\nclass = absolute\ntext = A?\nhint = x\n", 4,
	             "unknown key 'hint' in [question.a]",
	             "use class, text, text.<language>, group and short");
	expect_error("[question.a]\nclass = absolute\ntext = A?\ntext = B?\n", 4,
	             "text is set twice in [question.a] (first on line 3)", "keep only one");
	expect_error("[questions]\n", 1, "unknown section [questions]", "[question.<id>]");
	expect_error("[question.]\n", 1, "the question id must be 1 to 31 characters",
	             "[question.dvt]");
	expect_error("[question.Dvt]\n", 1, "[question.Dvt]: the question id may use only a-z",
	             "0-9 and '_'");
	expect_error("[question.a]\nclass = absolute\ntext = A?\ntext.de = A?\n"
	             "[question.b]\nclass = absolute\ntext = B?\n",
	             5, "[question.b] has no text.de while other questions have one",
	             "add the translation");
	expect_error("[question.a]\nclass = absolute\ntext = A?\ntext.DE = A?\n", 4,
	             "'DE' is not a language code", "like de or es");
	expect_error("[question.a]\nclass = absolute\n  relative\n", 3, "starts with a space",
	             "only text may go on over lines");
	/* Groups: one class, side by side, no acknowledgements. */
	expect_error("[question.a]\nclass = absolute\ngroup = g\ntext = A?\n"
	             "[question.b]\nclass = relative\ngroup = g\ntext = B?\n",
	             7, "group = g mixes relative and absolute questions", "separate groups");
	expect_error("[question.a]\nclass = absolute\ngroup = g\ntext = A?\n"
	             "[question.b]\nclass = absolute\ntext = B?\n"
	             "[question.c]\nclass = absolute\ngroup = g\ntext = C?\n",
	             10, "the questions of a group must follow one another",
	             "move [question.c] next to [question.a]");
	expect_error("[question.a]\nclass = acknowledge\ngroup = g\ntext = I agree.\n", 3,
	             "[question.a] is an acknowledgement", "remove group");
}

static void test_screening_overlong_text_rejected(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "[question.a]\nclass = absolute\ntext = %0150d\n %0150d\n", 1,
	         2);
	expect_error(text, 4, "text is longer than 255 characters", "fewer words");
}

/* ---- rules --------------------------------------------------------------- */

static void test_screening_all_no_with_acknowledgements_passes(void **state)
{
	(void)state;
	load_assets();
	answer_all_passing();
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_PASSED);
}

static void test_screening_any_unanswered_is_incomplete(void **state)
{
	(void)state;
	load_assets();
	memset(&ans, 0, sizeof(ans));
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_INCOMPLETE);
	for (size_t i = 0; i < set.count; i++) {
		answer_all_passing();
		ans.answer[i] = SCREENING_UNANSWERED;
		ans.staff_approved = true; /* approval never stands in for an answer */
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_INCOMPLETE);
		ans.answer[i] = 7; /* not an answer at all */
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_INCOMPLETE);
	}
	assert_int_equal(screening_evaluate(&set, NULL), SCREENING_INCOMPLETE);
	assert_int_equal(screening_evaluate(NULL, &ans), SCREENING_INCOMPLETE);
}

static void test_screening_absolute_yes_blocks_without_override(void **state)
{
	size_t a;

	(void)state;
	load_assets();
	for (size_t i = 0; i < set.count; i++) {
		if (set.items[i].cls != SCREENING_ABSOLUTE)
			continue;
		answer_all_passing();
		ans.answer[i] = SCREENING_YES;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ABSOLUTE);
		ans.staff_approved = true;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ABSOLUTE);
	}
	/* Mid-flow: a Yes ends the flow even with later questions unanswered. */
	a = index_of_class(SCREENING_ABSOLUTE);
	memset(&ans, 0, sizeof(ans));
	ans.answer[a] = SCREENING_YES;
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ABSOLUTE);
	/* And outranks a relative Yes or a refused acknowledgement. */
	answer_all_passing();
	ans.answer[a] = SCREENING_YES;
	ans.answer[index_of_class(SCREENING_RELATIVE)] = SCREENING_YES;
	ans.answer[index_of_class(SCREENING_ACKNOWLEDGE)] = SCREENING_NO;
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ABSOLUTE);
}

static void test_screening_relative_yes_needs_staff_approval(void **state)
{
	size_t r;

	(void)state;
	load_assets();
	for (size_t i = 0; i < set.count; i++) {
		if (set.items[i].cls != SCREENING_RELATIVE)
			continue;
		answer_all_passing();
		ans.answer[i] = SCREENING_YES;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_NEEDS_APPROVAL);
		ans.staff_approved = true;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_PASSED);
	}
	/* Approved mid-flow: the rest must still be answered. */
	r = index_of_class(SCREENING_RELATIVE);
	memset(&ans, 0, sizeof(ans));
	for (size_t i = 0; i <= r; i++)
		ans.answer[i] = i == r ? SCREENING_YES : SCREENING_NO;
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_NEEDS_APPROVAL);
	ans.staff_approved = true;
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_INCOMPLETE);
}

static void test_screening_refused_acknowledgement_blocks(void **state)
{
	(void)state;
	load_assets();
	for (size_t i = 0; i < set.count; i++) {
		if (set.items[i].cls != SCREENING_ACKNOWLEDGE)
			continue;
		answer_all_passing();
		ans.answer[i] = SCREENING_NO;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ACK);
		ans.staff_approved = true;
		assert_int_equal(screening_evaluate(&set, &ans), SCREENING_BLOCKED_ACK);
	}
}

static void test_screening_wipe_clears_every_answer(void **state)
{
	(void)state;
	load_assets();
	answer_all_passing();
	ans.answer[0] = SCREENING_YES;
	ans.staff_approved = true;
	screening_answers_wipe(&ans);
	for (size_t i = 0; i < SCREENING_MAX_QUESTIONS; i++)
		assert_int_equal(ans.answer[i], SCREENING_UNANSWERED);
	assert_false(ans.staff_approved);
	assert_int_equal(screening_evaluate(&set, &ans), SCREENING_INCOMPLETE);
	screening_answers_wipe(NULL); /* no-op */
}

/* The module never writes to stdout or stderr: load, evaluate every outcome
 * and wipe with both redirected to a file, which must stay empty. */
static void test_screening_prints_nothing(void **state)
{
	char out[] = "/tmp/kiosk-test-screening-out-XXXXXX";
	int fd = mkstemp(out);
	int saved_out = dup(1), saved_err = dup(2);
	off_t size;

	(void)state;
	assert_true(fd >= 0 && saved_out >= 0 && saved_err >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(fd, 1);
	dup2(fd, 2);
	load_assets();
	answer_all_passing();
	(void)screening_evaluate(&set, &ans);
	ans.answer[0] = SCREENING_YES;
	(void)screening_evaluate(&set, &ans);
	ans.answer[0] = SCREENING_NO;
	ans.answer[index_of_class(SCREENING_RELATIVE)] = SCREENING_YES;
	(void)screening_evaluate(&set, &ans);
	screening_answers_wipe(&ans);
	(void)load_text("[question.a]\nclass = nope\n");
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(out);
	assert_int_equal(size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_screening_assets_cover_every_domain_condition),
	    cmocka_unit_test(test_screening_assets_grouped_and_continued),
	    cmocka_unit_test(test_screening_missing_file_rejected),
	    cmocka_unit_test(test_screening_empty_file_rejected),
	    cmocka_unit_test(test_screening_unknown_class_rejected),
	    cmocka_unit_test(test_screening_duplicate_id_rejected),
	    cmocka_unit_test(test_screening_missing_text_or_class_rejected),
	    cmocka_unit_test(test_screening_too_many_questions_rejected),
	    cmocka_unit_test(test_screening_other_errors_rejected),
	    cmocka_unit_test(test_screening_overlong_text_rejected),
	    cmocka_unit_test(test_screening_all_no_with_acknowledgements_passes),
	    cmocka_unit_test(test_screening_any_unanswered_is_incomplete),
	    cmocka_unit_test(test_screening_absolute_yes_blocks_without_override),
	    cmocka_unit_test(test_screening_relative_yes_needs_staff_approval),
	    cmocka_unit_test(test_screening_refused_acknowledgement_blocks),
	    cmocka_unit_test(test_screening_wipe_clears_every_answer),
	    cmocka_unit_test(test_screening_prints_nothing),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

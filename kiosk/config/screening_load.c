/* SPDX-License-Identifier: MIT */
/* Questions only: no answer ever passes through this file. */
#include "config/screening_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini_file.h"

#define TEXT_LEN sizeof(((struct screening_question *)0)->text[0])

struct question_build {
	unsigned int section_line;
	unsigned int class_line;
	unsigned int group_line;
	unsigned int short_line;
	unsigned int text_line[SCREENING_MAX_LANGS];
};

struct screening_loader {
	struct screening_set *set;
	struct screening_question *cur; /* NULL outside a [question.<id>] */
	struct question_build builds[SCREENING_MAX_QUESTIONS];
};

static int on_section(struct ini_file *f, void *user, const char *name)
{
	struct screening_loader *ld = user;
	struct screening_set *set = ld->set;
	const char *id;

	ld->cur = NULL;
	id = ini_file_section_id(f, name, "question", sizeof(set->items[0].id), "dvt", NULL);
	if (!id)
		return -1;
	for (size_t i = 0; i < set->count; i++) {
		if (strcmp(set->items[i].id, id) == 0) {
			ini_file_fail(
			    f,
			    "question id '%s' appears twice (first on line %u); give each "
			    "question its own id",
			    id, ld->builds[i].section_line);
			return -1;
		}
	}
	if (set->count == SCREENING_MAX_QUESTIONS) {
		ini_file_fail(f, "more than %d questions; merge or remove some",
		              SCREENING_MAX_QUESTIONS);
		return -1;
	}
	ld->cur = &set->items[set->count];
	memset(ld->cur, 0, sizeof(*ld->cur));
	memset(&ld->builds[set->count], 0, sizeof(ld->builds[0]));
	ld->builds[set->count].section_line = ini_file_line(f);
	set->count++;
	snprintf(ld->cur->id, sizeof(ld->cur->id), "%s", id);
	return 0;
}

static bool lang_code_valid(const char *lang)
{
	size_t n = strlen(lang);
	if (n < 2 || n >= sizeof(((struct screening_set *)0)->langs[0]))
		return false;
	if (!islower((unsigned char)lang[0]) || !islower((unsigned char)lang[1]))
		return false;
	for (size_t i = 2; i < n; i++)
		if (!(isalnum((unsigned char)lang[i]) || lang[i] == '-'))
			return false;
	return true;
}

/* Index of lang in set->langs, adding it when new; -1 after an error. */
static int lang_slot(struct ini_file *f, struct screening_set *set, const char *key,
                     const char *lang)
{
	for (size_t i = 0; i < set->lang_count; i++)
		if (strcmp(set->langs[i], lang) == 0)
			return (int)i;
	if (!lang_code_valid(lang)) {
		ini_file_fail(f,
		              "%s: '%s' is not a language code; write text.<code> with a code "
		              "like de or es",
		              key, lang);
		return -1;
	}
	if (set->lang_count == SCREENING_MAX_LANGS) {
		ini_file_fail(f, "%s: more than %d languages; remove the translations of one", key,
		              SCREENING_MAX_LANGS);
		return -1;
	}
	snprintf(set->langs[set->lang_count], sizeof(set->langs[0]), "%s", lang);
	return (int)set->lang_count++;
}

static int set_text(struct ini_file *f, struct screening_question *q, int slot, const char *key,
                    const char *value, bool continuation)
{
	char *text = q->text[slot];
	size_t have = strlen(text), add = strlen(value);

	if (!continuation && add == 0) {
		ini_file_fail(f, "%s is empty; write the question in plain words", key);
		return -1;
	}
	if (have + (continuation ? 1 : 0) + add >= TEXT_LEN) {
		ini_file_fail(f, "%s is longer than %zu characters; say it in fewer words", key,
		              TEXT_LEN - 1);
		return -1;
	}
	if (continuation)
		text[have++] = ' ';
	memcpy(text + have, value, add + 1);
	return 0;
}

static int on_key(struct ini_file *f, void *user, const char *section, const char *key,
                  const char *value, bool continuation)
{
	struct screening_loader *ld = user;
	struct screening_question *q = ld->cur;
	struct question_build *b;
	bool is_text = strcmp(key, "text") == 0 || strncmp(key, "text.", 5) == 0;
	int slot = 0;

	(void)section;
	if (continuation && !is_text) {
		ini_file_fail_continuation(f, key, " (only text may go on over lines)");
		return -1;
	}
	if (!q) {
		ini_file_fail(f,
		              "'%s' is outside any question; put it under a [question.<id>] "
		              "header",
		              key);
		return -1;
	}
	b = &ld->builds[q - ld->set->items];
	if (strcmp(key, "class") == 0) {
		if (b->class_line) {
			ini_file_fail(
			    f,
			    "class is set twice in [question.%s] (first on line %u); keep "
			    "only one",
			    q->id, b->class_line);
			return -1;
		}
		b->class_line = ini_file_line(f);
		if (strcmp(value, "absolute") == 0) {
			q->cls = SCREENING_ABSOLUTE;
		} else if (strcmp(value, "relative") == 0) {
			q->cls = SCREENING_RELATIVE;
		} else if (strcmp(value, "acknowledge") == 0) {
			q->cls = SCREENING_ACKNOWLEDGE;
		} else {
			ini_file_fail(
			    f,
			    "class = '%s' is not known; write absolute (Yes: no session), "
			    "relative (Yes: staff may approve) or acknowledge (must be Yes)",
			    value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "group") == 0 || strcmp(key, "short") == 0) {
		bool group = key[0] == 'g';
		unsigned int *line = group ? &b->group_line : &b->short_line;
		char *dst = group ? q->group : q->short_text;
		size_t cap = group ? sizeof(q->group) : sizeof(q->short_text);

		if (*line) {
			ini_file_fail(
			    f, "%s is set twice in [question.%s] (first on line %u); keep only one",
			    key, q->id, *line);
			return -1;
		}
		if (value[0] == '\0' || strlen(value) >= cap) {
			ini_file_fail(f, "%s in [question.%s] must be 1 to %zu characters", key,
			              q->id, cap - 1);
			return -1;
		}
		*line = ini_file_line(f);
		snprintf(dst, cap, "%s", value);
		return 0;
	}
	if (!is_text) {
		static const char *const keys[] = {"class", "text", "text.de", "group", "short"};
		const char *near = ini_file_suggest(key, keys, 5);
		ini_file_fail(f, "unknown key '%s' in [question.%s]; %s%s%s", key, q->id,
		              near ? "did you mean '"
		                   : "use class, text, text.<language>, group and short",
		              near ? near : "", near ? "'?" : "");
		return -1;
	}
	if (key[4] == '.' && strcmp(key + 5, "en") != 0) {
		slot = lang_slot(f, ld->set, key, key + 5);
		if (slot < 0)
			return -1;
	}
	if (!continuation) {
		if (b->text_line[slot]) {
			ini_file_fail(
			    f,
			    "%s is set twice in [question.%s] (first on line %u); keep only "
			    "one",
			    key, q->id, b->text_line[slot]);
			return -1;
		}
		b->text_line[slot] = ini_file_line(f);
	}
	return set_text(f, q, slot, key, value, continuation);
}

static int on_finish(struct ini_file *f, void *user)
{
	struct screening_loader *ld = user;
	struct screening_set *set = ld->set;

	if (set->count == 0) {
		ini_file_fail_at(f, ini_file_line(f) ? ini_file_line(f) : 1,
		                 "no questions; add the contraindication questions as "
		                 "[question.<id>] sections (see assets/screening.conf) - the kiosk "
		                 "never runs without a screening");
		return -1;
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct screening_question *q = &set->items[i];
		const struct question_build *b = &ld->builds[i];
		if (!b->class_line) {
			ini_file_fail_at(
			    f, b->section_line,
			    "[question.%s] has no class; add class = absolute, relative or "
			    "acknowledge",
			    q->id);
			return -1;
		}
		if (!b->text_line[0]) {
			ini_file_fail_at(
			    f, b->section_line,
			    "[question.%s] has no English text; add text = <the question "
			    "in plain words>",
			    q->id);
			return -1;
		}
		if (q->group[0] && q->cls == SCREENING_ACKNOWLEDGE) {
			ini_file_fail_at(f, b->group_line,
			                 "[question.%s] is an acknowledgement: they are agreed to "
			                 "together on one screen; remove group",
			                 q->id);
			return -1;
		}
		if (q->group[0]) {
			size_t first = i, n = 0;

			while (first > 0 && strcmp(set->items[first - 1].group, q->group) == 0)
				first--;
			for (size_t k = first;
			     k < set->count && strcmp(set->items[k].group, q->group) == 0; k++)
				n++;
			for (size_t k = 0; k < set->count; k++) {
				if (k >= first && k < first + n)
					continue;
				if (strcmp(set->items[k].group, q->group) == 0) {
					ini_file_fail_at(
					    f, ld->builds[k].group_line,
					    "group = %s: the questions of a group must "
					    "follow one another; move [question.%s] next "
					    "to [question.%s]",
					    q->group, set->items[k].id, q->id);
					return -1;
				}
			}
			if (set->items[first].cls != q->cls) {
				ini_file_fail_at(
				    f, b->group_line,
				    "group = %s mixes %s and %s questions; a Yes must "
				    "say which kind it is, so give them separate groups",
				    q->group,
				    q->cls == SCREENING_ABSOLUTE ? "absolute" : "relative",
				    q->cls == SCREENING_ABSOLUTE ? "relative" : "absolute");
				return -1;
			}
			if (n > SCREENING_GROUP_MAX) {
				ini_file_fail_at(
				    f, b->group_line,
				    "group = %s has %zu questions; at most %d fit on a "
				    "screen, split it",
				    q->group, n, SCREENING_GROUP_MAX);
				return -1;
			}
		}
		/* A half-translated screening would switch language mid-flow. */
		for (size_t l = 1; l < set->lang_count; l++) {
			if (!b->text_line[l]) {
				ini_file_fail_at(
				    f, b->section_line,
				    "[question.%s] has no text.%s while other questions have "
				    "one; add the translation",
				    q->id, set->langs[l]);
				return -1;
			}
		}
	}
	return 0;
}

int screening_set_load(struct screening_set *set, const char *path, char *err, size_t err_len)
{
	static const struct ini_file_handler handler = {
	    .section = on_section,
	    .key = on_key,
	    .finish = on_finish,
	};
	struct screening_loader *ld;
	int ret;

	memset(set, 0, sizeof(*set));
	snprintf(set->langs[0], sizeof(set->langs[0]), "en"); /* "text" is English */
	set->lang_count = 1;
	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->set = set;
	ret = ini_file_parse(path, &handler, ld, err, err_len);
	free(ld);
	if (ret < 0)
		memset(set, 0, sizeof(*set));
	return ret;
}

/* SPDX-License-Identifier: MIT */
#include "ui/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/program.h"
#include "core/screening.h"

/* glibc's catalogue generation counter: bumped after LANGUAGE changes so
 * gettext looks the catalogue up again (GNU gettext manual, "Being a
 * gettext grok"). */
extern int _nl_msg_cat_cntr;

#define PSEUDO_RING 512
#define PSEUDO_LEN 600

/* The language shown and the test hooks: UI thread only. */
static struct {
	char lang[I18N_LANG_MAX];
	void (*miss_hook)(void *ctx, const char *msgid);
	void *miss_ctx;
	bool pseudo;
	char ring[PSEUDO_RING][PSEUDO_LEN];
	size_t ring_next;
} state = {.lang = "en"};

static const struct {
	const char *code, *name;
} autonyms[] = {
    {"en", "English"},  {"de", "Deutsch"},    {"fr", "Français"}, {"es", "Español"},
    {"it", "Italiano"}, {"nl", "Nederlands"}, {"pl", "Polski"},   {"pt", "Português"},
};

const char *i18n_autonym(const char *lang)
{
	for (size_t i = 0; i < sizeof(autonyms) / sizeof(autonyms[0]); i++)
		if (strcmp(autonyms[i].code, lang) == 0)
			return autonyms[i].name;
	return lang;
}

static bool has_catalogue(const char *localedir, const char *lang)
{
	char path[1024];
	struct stat sb;
	int n =
	    snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo", localedir, lang, I18N_DOMAIN);

	return n > 0 && (size_t)n < sizeof(path) && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int cmp_lang(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

size_t i18n_available(const char *localedir, char langs[][I18N_LANG_MAX], size_t max)
{
	size_t n = 0;
	DIR *d;
	struct dirent *e;

	if (max == 0)
		return 0;
	snprintf(langs[n++], I18N_LANG_MAX, "en");
	d = localedir ? opendir(localedir) : NULL;
	if (!d)
		return n;
	while (n < max && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "en") == 0 ||
		    strlen(e->d_name) >= I18N_LANG_MAX)
			continue;
		if (has_catalogue(localedir, e->d_name)) {
			memcpy(langs[n], e->d_name, strlen(e->d_name) + 1);
			n++;
		}
	}
	closedir(d);
	qsort(langs + 1, n - 1, I18N_LANG_MAX, cmp_lang);
	return n;
}

static void show(const char *lang)
{
	snprintf(state.lang, sizeof(state.lang), "%s", lang);
	setenv("LANGUAGE", state.lang, 1);
	++_nl_msg_cat_cntr;
}

static void bind(const char *localedir)
{
	/* LANGUAGE is ignored while LC_MESSAGES is "C": messages only. */
	const char *cur = setlocale(LC_MESSAGES, NULL);

	if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	bindtextdomain(I18N_DOMAIN, localedir);
	/* UTF-8 whatever LC_CTYPE says: the fonts draw UTF-8. */
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
}

int i18n_init(const char *localedir, const char *site_lang)
{
	if (!localedir || !site_lang)
		return -EINVAL;
	bind(localedir);
	show(site_lang);
	return 0;
}

void i18n_set_language(const char *lang)
{
	if (lang && strcmp(lang, state.lang) != 0)
		show(lang);
}

const char *i18n_language(void)
{
	return state.lang;
}

static bool translated(const char *msgid)
{
	return dgettext(I18N_DOMAIN, msgid) != msgid;
}

static void list_langs(const char *localedir, char *out, size_t len)
{
	char langs[I18N_MAX_LANGS][I18N_LANG_MAX];
	size_t n = i18n_available(localedir, langs, I18N_MAX_LANGS);
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", langs[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The first program or screening string without a translation, or NULL. */
static const char *first_missing(const char *lang, const struct program_set *programs,
                                 const struct screening_set *screening, const char **what)
{
	for (size_t i = 0; programs && i < programs->count; i++) {
		const struct program *p = &programs->items[i];
		*what = "programs.conf";
		if (p->name[0] && !translated(p->name))
			return p->name;
		if (p->description[0] && !translated(p->description))
			return p->description;
	}
	for (size_t i = 0; screening && i < screening->count; i++) {
		const struct screening_question *q = &screening->items[i];
		bool own = screening_question_text(q, screening, lang) != q->text[0];

		*what = "screening.conf";
		if (!own && !translated(q->text[0]))
			return q->text[0];
		if (q->short_text[0] && !translated(q->short_text))
			return q->short_text;
	}
	return NULL;
}

int i18n_check(const char *localedir, const char *lang, const struct program_set *programs,
               const struct screening_set *screening, char *err, size_t err_len)
{
	char have[128];
	const char *missing, *what = "";

	if (strcmp(lang, "en") == 0)
		return 0;
	list_langs(localedir, have, sizeof(have));
	if (!localedir || !has_catalogue(localedir, lang)) {
		snprintf(err, err_len,
		         "language = %s: no translation of the screens is installed for it (looked "
		         "in %s); this kiosk speaks %s: set one of them",
		         lang, localedir ? localedir : "(no locale folder)", have);
		return -ENOENT;
	}
	bind(localedir);
	show(lang);
	missing = first_missing(lang, programs, screening, &what);
	show("en");
	if (missing) {
		snprintf(err, err_len,
		         "language = %s: %s has words with no %s translation, e.g. \"%.60s\"; "
		         "add them to po/%s.po or set one of the complete languages: %s",
		         lang, what, lang, missing, lang, have);
		return -ENOENT;
	}
	return 0;
}

void i18n_set_miss_hook(void (*hook)(void *ctx, const char *msgid), void *ctx)
{
	state.miss_hook = hook;
	state.miss_ctx = ctx;
}

void i18n_set_pseudo(bool on)
{
	state.pseudo = on;
}

const char *tr(const char *msgid)
{
	const char *s;

	if (!msgid || !msgid[0])
		return msgid ? msgid : "";
	s = strcmp(state.lang, "en") == 0 ? msgid : dgettext(I18N_DOMAIN, msgid);
	if (s == msgid && state.miss_hook && strcmp(state.lang, "en") != 0)
		state.miss_hook(state.miss_ctx, msgid);
	if (state.pseudo) {
		char *out = state.ring[state.ring_next];
		state.ring_next = (state.ring_next + 1) % PSEUDO_RING;
		snprintf(out, PSEUDO_LEN, "\u2039%s\u203a", s);
		return out;
	}
	return s;
}

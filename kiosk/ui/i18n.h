/* SPDX-License-Identifier: MIT */
/*
 * The words on screen, through GNU gettext: the text domain
 * "recovery-kiosk" bound to a locale tree (<localedir>/<lang>/LC_MESSAGES/
 * recovery-kiosk.mo, built from po/<lang>.po by msgfmt), English as the
 * source language.  Every string the UI draws goes through tr() (or is
 * marked N_() and passed to tr() later), including program names and
 * descriptions and screening questions, whose English text in the .conf
 * files is the msgid.
 *
 * Switching language at run time is gettext's documented way: LANGUAGE is
 * set and _nl_msg_cat_cntr bumped.  LC_MESSAGES is C.UTF-8 (LANGUAGE is
 * ignored under "C"); LC_NUMERIC and LC_CTYPE are left alone.
 *
 * Threading: i18n_init and i18n_check before any other thread starts;
 * i18n_set_language and tr on the UI (main) thread only.  The environment
 * entry is set once before threads and replaced in place afterwards.
 */
#ifndef KIOSK_UI_I18N_H
#define KIOSK_UI_I18N_H

#include <stdbool.h>
#include <stddef.h>

#define I18N_DOMAIN "recovery-kiosk"
#define I18N_LANG_MAX 8
#define I18N_MAX_LANGS 8

struct program_set;
struct screening_set;

/* Marks a string for extraction (xgettext -kN_) without translating it. */
#define N_(s) (s)

/* The languages this kiosk can show: "en" and every <lang> with a
 * catalogue under localedir.  Returns how many were written to langs. */
size_t i18n_available(const char *localedir, char langs[][I18N_LANG_MAX], size_t max);

/* 0 when lang can be shown completely: it has a catalogue (or is "en") and
 * every program name and description and every screening question (text
 * and short) has a translation in it (or a text.<lang> in screening.conf).
 * Otherwise -ENOENT and a message naming what is missing and the languages
 * there are ("language = fr: no translation installed; this kiosk speaks
 * en, de").  Before other threads start; leaves the language at "en". */
int i18n_check(const char *localedir, const char *lang, const struct program_set *programs,
               const struct screening_set *screening, char *err, size_t err_len);

/* Bind the text domain to localedir and show site_lang.  0 or -errno. */
int i18n_init(const char *localedir, const char *site_lang);

/* Show lang from now on (one of i18n_available).  UI thread. */
void i18n_set_language(const char *lang);
const char *i18n_language(void);

/* The translation of msgid in the language shown, msgid itself in English
 * or when the catalogue has none.  The result lives as long as the process. */
const char *tr(const char *msgid) __attribute__((format_arg(1)));

/* A language's own name ("Deutsch" for de), or the code. */
const char *i18n_autonym(const char *lang);

/* Tests: hook called with every msgid tr() finds no translation for while a
 * language other than English is shown; and a pseudo language that wraps
 * every result of tr() in "\u2039...\u203a" so a test can spot text drawn
 * without tr().  NULL / false to turn off. */
void i18n_set_miss_hook(void (*hook)(void *ctx, const char *msgid), void *ctx);
void i18n_set_pseudo(bool on);

#endif

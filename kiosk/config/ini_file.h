/* SPDX-License-Identifier: MIT */
/*
 * Line-aware INI reading on top of inih, shared by the kiosk.conf,
 * programs.conf and screening.conf loaders.  Debian's libinih does not pass
 * line numbers to the handler (INI_HANDLER_LINENO is 0), so this module feeds
 * inih through its own line reader, counts lines, reports every "[section]"
 * header (inih only reports keys, so an empty unknown section would slip
 * by), flags indented continuation lines and lines too long for inih, and
 * keeps the FIRST error as "file:line: what is wrong; how to fix it".
 *
 * Syntax accepted (inih defaults): "[section]", "key = value" (or
 * "key: value"), comments on their own line starting with '#' or ';', inline
 * comments after " ;".  A line that starts with a space or tab right after a
 * key continues that key's value.
 *
 * Never prints anything.  Threading: a parse runs on the caller's thread.
 */
#ifndef KIOSK_CONFIG_INI_FILE_H
#define KIOSK_CONFIG_INI_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line inih reads (its INI_MAX_LINE, minus the newline). */
#define INI_FILE_MAX_LINE 199

struct ini_file; /* one parse in progress; opaque, lives inside ini_file_parse */

struct ini_file_handler {
	/* A "[name]" header on the current line (name trimmed).  Return 0, or
	 * -1 after ini_file_fail(). */
	int (*section)(struct ini_file *f, void *user, const char *name);
	/* One "key = value" under the current section ("" before any header).
	 * continuation is true for an indented line that continues key. */
	int (*key)(struct ini_file *f, void *user, const char *section, const char *key,
	           const char *value, bool continuation);
	/* After the last line, only when no error so far: cross-checks.
	 * Return 0, or -1 after ini_file_fail_at().  May be NULL. */
	int (*finish)(struct ini_file *f, void *user);
	/* NULL for a strict parse.  Set, the parse is tolerant: every error
	 * ("path:line: what; fix") goes here instead of stopping the parse, the
	 * line it is on is skipped, the handlers see every later line, and a
	 * header without its ']' still opens a section.  May be called from
	 * inside the handlers' ini_file_fail(). */
	void (*warn)(void *user, const char *message);
};

/* Parse path.  Returns 0, -EINVAL on a syntax or validation error, or the
 * negative errno of opening the file; err always holds the first error as
 * "path:line: what; fix" (no line when the file cannot be opened).  A
 * tolerant parse (h->warn set) returns 0 whatever the errors, unless the
 * file cannot be opened or read. */
int ini_file_parse(const char *path, const struct ini_file_handler *h, void *user, char *err,
                   size_t err_len);

/* Record an error at the current line (the first error wins). */
void ini_file_fail(struct ini_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record an error at a given line (0 = no line). */
void ini_file_fail_at(struct ini_file *f, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A "[<kind>.<id>]" header: check that name starts with "<kind>." and that
 * the id is 1 to id_size - 1 characters of a-z, 0-9 and '_'.  Returns the id
 * inside name, or NULL after ini_file_fail() with a hint like
 * "[<kind>.<example>]" (the character rule's hint names charset_example, or
 * no example when it is NULL).  Duplicates and counts are the caller's. */
const char *ini_file_section_id(struct ini_file *f, const char *name, const char *kind,
                                size_t id_size, const char *example, const char *charset_example);

/* Record the error for an indented line read as more of a key that takes
 * one line only; note is appended to the fix ("" for none). */
void ini_file_fail_continuation(struct ini_file *f, const char *key, const char *note);

/* The closest of names to word (a likely typo), or NULL when none is close. */
const char *ini_file_suggest(const char *word, const char *const *names, size_t n);

/* Strict value parsing: the whole string or -EINVAL.  uint: digits only;
 * double: finite; bool: true/false, yes/no, on/off, 1/0 (any case). */
int ini_value_uint(const char *value, unsigned long *out);
int ini_value_double(const char *value, double *out);
int ini_value_bool(const char *value, bool *out);

unsigned int
ini_file_line(const struct ini_file *f); /* current line, 1-based; last line in finish */
const char *ini_file_path(const struct ini_file *f);
bool ini_file_failed(const struct ini_file *f);

#endif

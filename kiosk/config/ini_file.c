/* SPDX-License-Identifier: MIT */
#include "config/ini_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

struct ini_file {
	const char *path;
	FILE *fp;
	const struct ini_file_handler *h;
	void *user;
	unsigned int line;
	bool continuation; /* current line continues the previous key */
	bool prev_key;     /* mirrors inih's prev_name: a key was read since the last header */
	char section[64];
	char *err;
	size_t err_len;
	bool failed;
};

static void fail_va(struct ini_file *f, unsigned int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void fail_va(struct ini_file *f, unsigned int line, const char *fmt, va_list ap)
{
	char msg[512];
	if (f->failed)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (f->h->warn) {
		/* Tolerant: report and read on. */
		char full[768];
		if (line > 0)
			snprintf(full, sizeof(full), "%s:%u: %s", f->path, line, msg);
		else
			snprintf(full, sizeof(full), "%s: %s", f->path, msg);
		f->h->warn(f->user, full);
		return;
	}
	f->failed = true;
	if (!f->err || f->err_len == 0)
		return;
	if (line > 0)
		snprintf(f->err, f->err_len, "%s:%u: %s", f->path, line, msg);
	else
		snprintf(f->err, f->err_len, "%s: %s", f->path, msg);
}

void ini_file_fail(struct ini_file *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_va(f, f->line, fmt, ap);
	va_end(ap);
}

void ini_file_fail_at(struct ini_file *f, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_va(f, line, fmt, ap);
	va_end(ap);
}

unsigned int ini_file_line(const struct ini_file *f)
{
	return f->line;
}

const char *ini_file_path(const struct ini_file *f)
{
	return f->path;
}

bool ini_file_failed(const struct ini_file *f)
{
	return f->failed;
}

const char *ini_file_section_id(struct ini_file *f, const char *name, const char *kind,
                                size_t id_size, const char *example, const char *charset_example)
{
	size_t kind_len = strlen(kind);
	const char *id = name + kind_len + 1;
	size_t n;

	if (strncmp(name, kind, kind_len) != 0 || name[kind_len] != '.') {
		ini_file_fail(f, "unknown section [%s]; every section is [%s.<id>], like [%s.%s]",
		              name, kind, kind, example);
		return NULL;
	}
	n = strlen(id);
	if (n == 0 || n >= id_size) {
		ini_file_fail(f, "[%s]: the %s id must be 1 to %zu characters, like [%s.%s]", name,
		              kind, id_size - 1, kind, example);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (islower((unsigned char)id[i]) || isdigit((unsigned char)id[i]) || id[i] == '_')
			continue;
		if (charset_example)
			ini_file_fail(f,
			              "[%s]: the %s id may use only a-z, 0-9 and '_', like [%s.%s]",
			              name, kind, kind, charset_example);
		else
			ini_file_fail(f, "[%s]: the %s id may use only a-z, 0-9 and '_'", name,
			              kind);
		return NULL;
	}
	return id;
}

void ini_file_fail_continuation(struct ini_file *f, const char *key, const char *note)
{
	ini_file_fail(f,
	              "this line starts with a space, so it reads as more of '%s' above; remove "
	              "the leading spaces%s",
	              key, note);
}

const char *ini_file_suggest(const char *word, const char *const *names, size_t n)
{
	/* Levenshtein distance; keys are short, so two rows on the stack do. */
	size_t wl = strlen(word);
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	unsigned int prev[64], cur[64];

	if (wl == 0 || wl >= 64)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		size_t nl = strlen(names[k]);
		if (nl >= 64)
			continue;
		for (size_t j = 0; j <= nl; j++)
			prev[j] = (unsigned int)j;
		for (size_t i = 1; i <= wl; i++) {
			cur[0] = (unsigned int)i;
			for (size_t j = 1; j <= nl; j++) {
				unsigned int sub = prev[j - 1] + (word[i - 1] != names[k][j - 1]);
				unsigned int del = prev[j] + 1, ins = cur[j - 1] + 1;
				unsigned int m = sub < del ? sub : del;
				cur[j] = m < ins ? m : ins;
			}
			memcpy(prev, cur, (nl + 1) * sizeof(prev[0]));
		}
		if (prev[nl] < best_d) {
			best_d = prev[nl];
			best = names[k];
		}
	}
	/* Close enough to be a typo: at most a third of the word wrong. */
	if (best && best_d <= 1 + wl / 3)
		return best;
	return NULL;
}

int ini_value_uint(const char *value, unsigned long *out)
{
	char *end;
	if (!isdigit((unsigned char)value[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoul(value, &end, 10);
	if (errno || *end != '\0')
		return -EINVAL;
	return 0;
}

int ini_value_double(const char *value, double *out)
{
	char *end;
	if (value[0] == '\0' || isspace((unsigned char)value[0]))
		return -EINVAL;
	errno = 0;
	*out = strtod(value, &end);
	if (errno || *end != '\0' || !isfinite(*out))
		return -EINVAL;
	return 0;
}

int ini_value_bool(const char *value, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Mirror inih's reading of one line so headers, continuations and syntax
 * errors are seen with their line number before inih processes the line. */
static void classify_line(struct ini_file *f, char *line)
{
	char *p = line;
	char *end;

	f->continuation = false;
	if (f->line == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	bool indented = p[0] == ' ' || p[0] == '\t';
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';')
		return;
	if (indented && f->prev_key) {
		f->continuation = true;
		return;
	}
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end) {
			ini_file_fail(f, "section header has no closing ']'; write it as [name]");
			if (!f->h->warn)
				return;
			/* Tolerant: the rest of the line is the name. */
			end = p + strcspn(p, "\r\n");
		}
		p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		size_t n = (size_t)(end - p);
		if (n >= sizeof(f->section)) {
			ini_file_fail(f, "section name is longer than %zu characters; shorten it",
			              sizeof(f->section) - 1);
			n = sizeof(f->section) - 1;
		}
		memcpy(f->section, p, n);
		f->section[n] = '\0';
		f->prev_key = false;
		if (!f->failed && f->h->section && f->h->section(f, f->user, f->section) < 0 &&
		    !f->h->warn)
			ini_file_fail(f,
			              "section [%s] is not valid here; check the file's comments",
			              f->section);
		return;
	}
	/* A key line needs '=' or ':' before any inline " ;" comment. */
	for (char *q = p; *q; q++) {
		if (*q == '=' || *q == ':') {
			f->prev_key = true;
			return;
		}
		if (*q == ';' && q > p && isspace((unsigned char)q[-1]))
			break;
	}
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	ini_file_fail(
	    f, "'%.*s' is not a setting; write it as key = value (or start a comment with #)",
	    (int)(end - p > 60 ? 60 : end - p), p);
}

static char *read_line(char *str, int num, void *stream)
{
	struct ini_file *f = stream;

	if (!fgets(str, num, f->fp))
		return NULL;
	f->line++;
	size_t len = strlen(str);
	if (num > 2 && len == (size_t)num - 1 && str[len - 1] != '\n') {
		int c = fgetc(f->fp);
		if (c != EOF && c != '\n') {
			while (c != EOF && c != '\n')
				c = fgetc(f->fp);
			ini_file_fail(
			    f,
			    "line is longer than %d characters; shorten it, or continue a "
			    "long text on the next line indented by a space",
			    INI_FILE_MAX_LINE);
			str[0] = '\n';
			str[1] = '\0';
			f->continuation = false;
			return str;
		}
	}
	classify_line(f, str);
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_file *f = user;
	(void)section; /* inih does not trim "[ name ]"; ours is tracked in classify_line */

	if (f->failed)
		return 1;
	if (f->h->key(f, f->user, f->section, name, value, f->continuation) < 0) {
		if (!f->h->warn)
			ini_file_fail(f, "'%s' is not valid here; check the file's comments", name);
		return f->h->warn ? 1 : 0;
	}
	return 1;
}

int ini_file_parse(const char *path, const struct ini_file_handler *h, void *user, char *err,
                   size_t err_len)
{
	struct ini_file f = {
	    .path = path,
	    .h = h,
	    .user = user,
	    .err = err,
	    .err_len = err_len,
	};
	int ret;

	if (err && err_len)
		err[0] = '\0';
	f.fp = fopen(path, "re");
	if (!f.fp) {
		ret = -errno;
		/* A tolerant caller learns this from the return value. */
		if (!h->warn)
			ini_file_fail_at(
			    &f, 0,
			    "cannot open (%s); check the path and that the kiosk user may read it",
			    strerror(errno));
		return ret;
	}
	ret = ini_parse_stream(read_line, &f, on_key, &f);
	if (ferror(f.fp) && !f.failed)
		ini_file_fail(&f, "read error; check the disk and the file");
	fclose(f.fp);
	f.fp = NULL;
	if (ret == -2)
		return -ENOMEM;
	if (ret > 0 && !f.failed && !h->warn)
		ini_file_fail_at(
		    &f, (unsigned int)ret,
		    "cannot read this line; write key = value, a [section] header, or a "
		    "comment starting with #");
	if (!f.failed && h->finish)
		h->finish(&f, user);
	return f.failed ? -EINVAL : 0;
}

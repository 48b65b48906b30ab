/* SPDX-License-Identifier: MIT */
/*
 * Screening answers never leave the member's screen (issue 4): whole
 * sessions through the real kiosk (--sim) in Xvfb with real clicks, against
 * a real mosquitto, with both answers given:
 *   - all No -> start -> stop -> cleaned (wiped);
 *   - a relative Yes approved with the staff PIN -> start -> stop -> cleaned;
 *   - an absolute Yes -> blocked -> back to the overview;
 *   - an acknowledgement answered No -> blocked -> back to the overview.
 * Then the kiosk is stopped with SIGTERM (so everything is flushed) and
 * everything it wrote is searched: its stdout + stderr, every MQTT message
 * a subscriber to '#' saw (topic and payload, homeassistant/... too), a
 * dump of every row of every table of its SQLite database, and every file
 * in its state_dir as raw bytes (the database, -wal, -shm, anything else).
 * None may hold a question id, a question text (any language; whole, or a
 * 24-character plain-ASCII stretch of it taken every 8 characters, so any
 * leaked run of 32+ characters is caught even where JSON escaped the rest),
 * or a word that only answers or question metadata would bring ("answer",
 * "question", "\"yes\"", "relative", "absolute", ...).  Text output is
 * searched ignoring case; raw files byte for byte (no chance matches in
 * binary pages).  Positive controls make sure the inputs hold the sessions
 * (events, session rows, Home Assistant discovery) and that the search
 * finds a planted leak.  KIOSK_PRIVACY_KEEP=<dir> keeps a copy of it all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ui_flows.h"
#include "xharness.h"

#define STAFF_PIN "2468" /* the demo PIN of assets/kiosk-sim.conf */
#define WINDOW_LEN 24u   /* length of the text stretches searched for */
#define WINDOW_STEP 8u   /* any leaked stretch of 32+ characters holds one */

/* Stations of kiosk-sim.conf: 3 and 4 have no stop button wired, so only
 * the test drives them; the screening-only flows use 1 and 2. */
#define ST_ALL_NO 2u
#define ST_RELATIVE 3u
#define ST_ABSOLUTE 1u
#define ST_ACK_NO 0u

/* Words only answers or question metadata would bring.  Allowed and so not
 * here: the state "screening" and the event "screening_approved". */
static const char *const leak_words[] = {
    "answer",         "question",       "contraindication", "\"yes\"",        "'yes'",
    "\"no\"",         "relative",       "absolute",         "acknowledge",    "screening_index",
    "screening_view", "needs_approval", "approval",         "staff_approved", "\"blocked\"",
};

struct needle {
	char what[96]; /* for the report: which id/text/word */
	char *text;    /* as written */
	char *lower;   /* ASCII-lowered, for the case-insensitive search */
	size_t len;
};

struct blob {
	char name[256];
	char *data;
	char *lower;
	size_t len;
	bool binary; /* raw bytes: searched case-sensitively (no chance matches) */
};

static struct xh harness;
static struct needle *needles;
static size_t needle_count, needle_cap;

static char *lower_dup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	assert_non_null(d);
	for (size_t i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[len] = '\0';
	return d;
}

static void needle_add(const char *what, const char *text, size_t len)
{
	struct needle *n;

	if (needle_count == needle_cap) {
		needle_cap = needle_cap ? needle_cap * 2 : 256;
		needles = realloc(needles, needle_cap * sizeof(*needles));
		assert_non_null(needles);
	}
	n = &needles[needle_count++];
	snprintf(n->what, sizeof(n->what), "%s", what);
	n->text = malloc(len + 1);
	assert_non_null(n->text);
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->lower = lower_dup(text, len);
	n->len = len;
}

/* Characters JSON, SQL and a log line keep as they are. */
static bool plain(char c)
{
	return isalnum((unsigned char)c) || strchr(" ,.?-", c) != NULL;
}

/* The whole text, and every WINDOW_STEP-th plain WINDOW_LEN stretch. */
static void needles_add_text(const char *id, const char *lang, const char *text)
{
	char what[96];
	size_t len = strlen(text);

	if (len == 0)
		return;
	snprintf(what, sizeof(what), "text.%s of question %s", lang, id);
	needle_add(what, text, len);
	for (size_t i = 0; i + WINDOW_LEN <= len;) {
		size_t k = 0;
		while (k < WINDOW_LEN && plain(text[i + k]))
			k++;
		if (k < WINDOW_LEN) {
			i += k + 1;
			continue;
		}
		snprintf(what, sizeof(what), "part of text.%s of question %s", lang, id);
		needle_add(what, text + i, WINDOW_LEN);
		i += WINDOW_STEP;
	}
}

static void needles_build(const struct screening_set *set)
{
	char what[96];

	for (size_t q = 0; q < set->count; q++) {
		const struct screening_question *sq = &set->items[q];
		snprintf(what, sizeof(what), "id of question %s", sq->id);
		needle_add(what, sq->id, strlen(sq->id));
		for (size_t l = 0; l < set->lang_count; l++)
			needles_add_text(sq->id, set->langs[l], sq->text[l]);
		if (set->lang_count == 0)
			needles_add_text(sq->id, "en", sq->text[0]);
	}
	for (size_t w = 0; w < sizeof(leak_words) / sizeof(leak_words[0]); w++) {
		snprintf(what, sizeof(what), "the word %s", leak_words[w]);
		needle_add(what, leak_words[w], strlen(leak_words[w]));
	}
}

static void needles_free(void)
{
	for (size_t i = 0; i < needle_count; i++) {
		free(needles[i].text);
		free(needles[i].lower);
	}
	free(needles);
	needles = NULL;
	needle_count = needle_cap = 0;
}

static const char *find(const char *hay, size_t hlen, const char *n, size_t nlen)
{
	const char *p = hay, *end = hay + hlen;

	if (nlen == 0 || nlen > hlen)
		return NULL;
	while ((p = memchr(p, n[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, n, nlen) == 0)
			return p;
		if (++p + nlen > end)
			break;
	}
	return NULL;
}

static size_t count(const struct blob *b, const char *word)
{
	size_t n = 0, wlen = strlen(word);
	const char *p = b->data;

	while ((p = find(p, b->len - (size_t)(p - b->data), word, wlen)) != NULL) {
		n++;
		p += wlen;
	}
	return n;
}

static void blob_set(struct blob *b, const char *name, char *data, size_t len, bool binary)
{
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->data = data;
	b->len = len;
	b->binary = binary;
	b->lower = binary ? NULL : lower_dup(data, len);
}

static void blob_free(struct blob *b)
{
	free(b->data);
	free(b->lower);
	memset(b, 0, sizeof(*b));
}

static void blob_read_stream(struct blob *b, const char *name, FILE *f, bool binary)
{
	size_t len = 0, cap = 65536, got;
	char *data = malloc(cap);

	assert_non_null(data);
	while ((got = fread(data + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			data = realloc(data, cap);
			assert_non_null(data);
		}
	}
	data[len] = '\0';
	blob_set(b, name, data, len, binary);
}

static void blob_read_file(struct blob *b, const char *path, bool binary)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot read %s", path);
	blob_read_stream(b, path, f, binary);
	fclose(f);
}

/* Print a hit with some context, escaping what is not printable. */
static void report_hit(const struct blob *b, const struct needle *n, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + n->len + 60;

	if (to > b->len)
		to = b->len;
	fprintf(stderr, "LEAK: %s in %s at byte %zu:\n  ...", n->what, b->name, at);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (isprint(c))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "...\n");
}

/* How many needles are in b; the first hit is printed unless quiet. */
static size_t scan(const struct blob *b, bool quiet)
{
	size_t hits = 0;

	for (size_t i = 0; i < needle_count; i++) {
		const struct needle *n = &needles[i];
		const char *p = b->binary ? find(b->data, b->len, n->text, n->len)
		                          : find(b->lower, b->len, n->lower, n->len);
		if (p) {
			if (hits == 0 && !quiet)
				report_hit(b, n, (size_t)(p - (b->binary ? b->data : b->lower)));
			hits++;
		}
	}
	return hits;
}

static int group_setup(void **state)
{
	struct xh_options o = {.idle_timeout_s = 90, .record_all_mqtt = true};

	(void)state;
	if (xh_start_with(&harness, 1024, 600, &o) < 0) {
		xh_stop(&harness);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	xh_stop(&harness);
	needles_free();
	return 0;
}

/* Ready -> start -> running -> stop -> vented -> cleaned -> idle. */
static void run_stop_and_clean(struct xh *x, size_t s)
{
	assert_true(xh_wait_state(x, s, "ready", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_BOOTS_ON, UI_BTN_START, THEME_GO, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_BOOTS_ON, UI_BTN_START);
	assert_true(xh_wait_state(x, s, "running", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_RUNNING, UI_BTN_STOP, THEME_STOP, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_RUNNING, UI_BTN_STOP);
	assert_true(xh_wait_state(x, s, "needs_cleaning", 15000));
	assert_true(xh_wait_button(x, UI_SCREEN_FINISHED, UI_BTN_CLEANED, THEME_GO, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_FINISHED, UI_BTN_CLEANED);
	assert_true(flow_back_to_overview(x, s));
}

static void test_ui_privacy_all_no_session(void **state)
{
	struct xh *x = &harness;

	(void)state;
	assert_true(flow_choose_program(x, ST_ALL_NO, 0, NULL));
	assert_true(flow_begin_screening(x, ST_ALL_NO, NULL));
	assert_true(flow_answer(x, ST_ALL_NO, SIZE_MAX, NULL));
	run_stop_and_clean(x, ST_ALL_NO);
}

static void test_ui_privacy_relative_yes_approved_session(void **state)
{
	struct xh *x = &harness;
	size_t q = flow_first_question(x, SCREENING_RELATIVE);

	(void)state;
	assert_true(q != SIZE_MAX);
	assert_true(flow_choose_program(x, ST_RELATIVE, 1, NULL));
	assert_true(flow_begin_screening(x, ST_RELATIVE, NULL));
	assert_true(flow_answer(x, ST_RELATIVE, q, NULL));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE, THEME_WARN, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE);
	assert_true(flow_type_pin(x, STAFF_PIN));
	run_stop_and_clean(x, ST_RELATIVE);
}

static void test_ui_privacy_absolute_yes_blocked(void **state)
{
	struct xh *x = &harness;
	size_t q = flow_first_question(x, SCREENING_ABSOLUTE);

	(void)state;
	assert_true(q != SIZE_MAX);
	assert_true(flow_choose_program(x, ST_ABSOLUTE, 2, NULL));
	assert_true(flow_begin_screening(x, ST_ABSOLUTE, NULL));
	assert_true(flow_answer(x, ST_ABSOLUTE, q, NULL));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_BLOCKED, UI_BTN_CANCEL, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_BLOCKED, UI_BTN_CANCEL);
	assert_true(flow_back_to_overview(x, ST_ABSOLUTE));
	assert_null(strstr(x->st[ST_ABSOLUTE].history, "ready"));
}

/* No to every group, then Back instead of "I agree": back to the screen
 * before (never the doctor's message), and Back through every screen to
 * the adjust screen, whose Cancel ends the flow with nothing kept. */
static void test_ui_privacy_agreement_refused_goes_back(void **state)
{
	struct xh *x = &harness;
	size_t ack = flow_first_question(x, SCREENING_ACKNOWLEDGE);
	struct screening_unit u;

	(void)state;
	assert_true(ack != SIZE_MAX);
	screening_unit_of(&x->screening, ack, &u);
	assert_true(flow_choose_program(x, ST_ACK_NO, 0, NULL));
	assert_true(flow_begin_screening(x, ST_ACK_NO, NULL));
	for (size_t i = 0; i < u.number; i++) {
		assert_true(flow_wait_unit(x, i, u.total, UI_SCREEN_QUESTION));
		xh_click(x, UI_SCREEN_QUESTION, UI_BTN_NO);
	}
	assert_true(flow_wait_unit(x, u.number, u.total, UI_SCREEN_AGREE));
	xh_click(x, UI_SCREEN_AGREE, UI_BTN_NO);
	for (size_t i = u.number; i-- > 0;) {
		assert_true(flow_wait_unit(x, i, u.total, UI_SCREEN_QUESTION));
		xh_click(x, UI_SCREEN_QUESTION, UI_BTN_BACK);
	}
	assert_true(xh_wait_state(x, ST_ACK_NO, "setup", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_ADJUST, UI_BTN_CONTINUE, THEME_GO, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_ADJUST, UI_BTN_BACK);
	assert_true(flow_back_to_overview(x, ST_ACK_NO));
	assert_null(strstr(x->st[ST_ACK_NO].history, "ready"));
}

/* The search finds a question that leaked in capitals inside JSON with its
 * non-ASCII characters escaped, and a leaked id in raw bytes. */
static void check_search_finds_a_leak(const struct screening_set *set)
{
	const struct screening_question *q = &set->items[set->count - 1];
	const char *t = q->text[set->lang_count > 1 ? 1 : 0];
	size_t len = strlen(t), o = 0;
	char *json = malloc(len * 6 + 32), *raw = malloc(64);
	struct blob b;

	assert_non_null(json);
	assert_non_null(raw);
	o += (size_t)sprintf(json, "{\"q\":\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c >= 0x80)
			o += (size_t)sprintf(json + o, "\\u%04x", c);
		else
			json[o++] = (char)toupper(c);
	}
	o += (size_t)sprintf(json + o, "\"}");
	blob_set(&b, "control.json", json, o, false);
	assert_true(scan(&b, true) > 0);
	blob_free(&b);
	len = (size_t)snprintf(raw, 64, "%c%c%s%c", 0, 1, set->items[0].id, 0);
	blob_set(&b, "control.bin", raw, len, true);
	assert_true(scan(&b, true) > 0);
	blob_free(&b);
}

static void print_tail(const struct blob *b)
{
	size_t from = b->len > 3000 ? b->len - 3000 : 0;
	fprintf(stderr, "--- end of %s ---\n%.*s\n---\n", b->name, (int)(b->len - from),
	        b->data + from);
}

/* Every file under dir (the kiosk's state_dir), raw; returns how many. */
static size_t collect_dir(const char *dir, struct blob *out, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		fail_msg("cannot list %s", dir);
	while ((e = readdir(d)) != NULL && n < max) {
		char path[512];
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			n += collect_dir(path, out + n, max - n);
			continue;
		}
		blob_read_file(&out[n++], path, true);
	}
	closedir(d);
	return n;
}

/* One blob of all files (for a control that spans -wal and the db). */
static void blob_concat(struct blob *out, const struct blob *in, size_t n)
{
	size_t len = 0, o = 0;
	char *cat;

	for (size_t i = 0; i < n; i++)
		len += in[i].len;
	cat = malloc(len + 1);
	assert_non_null(cat);
	for (size_t i = 0; i < n; i++) {
		memcpy(cat + o, in[i].data, in[i].len);
		o += in[i].len;
	}
	cat[o] = '\0';
	blob_set(out, "state_dir files", cat, o, true);
}

#define MAX_FILES 32

static void test_ui_privacy_nothing_leaks(void **state)
{
	struct xh *x = &harness;
	struct blob app, mqtt, dump, files[MAX_FILES], live_all;
	char cmd[400];
	size_t live, nfiles, hits = 0;
	int status;
	FILE *p;

	(void)state;
	needles_build(&x->screening);
	check_search_finds_a_leak(&x->screening);

	/* The state_dir while the kiosk runs: database, -wal and -shm. */
	live = collect_dir(x->state_dir, files, MAX_FILES);
	blob_concat(&live_all, files, live);

	/* Stop the kiosk so its logs, database and last messages are out. */
	status = xh_stop_app(x, 15000);
	blob_read_file(&app, x->app_log, false);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		print_tail(&app);
		fail_msg("the kiosk did not exit cleanly on SIGTERM (wait status %d)", status);
	}
	assert_int_equal(xh_mqtt_sync(x, 5000), 0);
	blob_read_file(&mqtt, x->mqtt_log, false);

	/* ... and after it closed; raw files first, the dump opens the db. */
	nfiles = live + collect_dir(x->state_dir, files + live, MAX_FILES - live);
	snprintf(cmd, sizeof(cmd), "sqlite3 -readonly '%s/%s' .dump", x->state_dir,
	         "recovery-kiosk.db");
	p = popen(cmd, "r");
	assert_non_null(p);
	blob_read_stream(&dump, "sqlite3 .dump of recovery-kiosk.db", p, false);
	assert_int_equal(pclose(p), 0);
	if (getenv("KIOSK_PRIVACY_KEEP")) { /* for a look at what was searched */
		snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", x->dir, getenv("KIOSK_PRIVACY_KEEP"));
		assert_int_equal(system(cmd), 0);
	}

	/* Positive controls: the inputs hold what the sessions did. */
	assert_true(count(&app, "recovery-kiosk") >= 1);
	assert_true(count(&app, "stopping") >= 1);
	assert_true(count(&mqtt, "session_started") >= 2);
	assert_true(count(&mqtt, "screening_approved") >= 1);
	assert_true(count(&mqtt, "\"state\":\"needs_cleaning\"") >= 2);
	assert_true(count(&mqtt, "homeassistant/") >= 1);
	assert_true(count(&mqtt, "xh-sync-") >= 2);
	assert_true(count(&dump, "INSERT INTO sessions") >= 2);
	assert_true(count(&dump, "'session_started'") >= 2);
	assert_true(count(&dump, "'screening_approved'") >= 1);
	assert_true(live >= 1 && nfiles > live);
	assert_true(count(&live_all, "session_started") >= 1);
	fprintf(stderr,
	        "privacy: %zu needles in %zu B of kiosk output, %zu B of MQTT, %zu B of "
	        "database dump and %zu state_dir files (%zu while running, %zu B)\n",
	        needle_count, app.len, mqtt.len, dump.len, nfiles, live, live_all.len);

	hits += scan(&app, false);
	hits += scan(&mqtt, false);
	hits += scan(&dump, false);
	for (size_t i = 0; i < nfiles; i++) {
		hits += scan(&files[i], false);
		blob_free(&files[i]);
	}
	blob_free(&live_all);
	blob_free(&app);
	blob_free(&mqtt);
	blob_free(&dump);
	assert_int_equal(hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ui_privacy_all_no_session),
	    cmocka_unit_test(test_ui_privacy_relative_yes_approved_session),
	    cmocka_unit_test(test_ui_privacy_absolute_yes_blocked),
	    cmocka_unit_test(test_ui_privacy_agreement_refused_goes_back),
	    cmocka_unit_test(test_ui_privacy_nothing_leaks),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * The catalogue test: every screen in every state (each fault code, each
 * kind of screening screen, each toast) at every resolution is drawn
 *   - in a pseudo language that wraps whatever tr() returns in
 *     "\u2039...\u203a": a drawn string with words outside the marks was
 *     drawn without going through the catalogue;
 *   - in every language of po/LINGUAS: tr() must find every word it is
 *     asked for (a word missing from a catalogue fails here).
 * Data that is not words stays allowed: numbers, punctuation, the station
 * names of the site's config, fault code ids (the same in logs and MQTT)
 * and the names of languages on the language button.
 * The run writes a PNG of every screen in every language to
 * <build>/screenshots/<WxH>[-<lang>]/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui/i18n.h"
#include "ui/view.h"
#include "ui/words.h"
#include "ui_fixture.h"

extern char **environ;

struct res {
	int w, h;
};
static const struct res resolutions[] = {{800, 480}, {1024, 600}, {1280, 800}, {720, 1280}};
#define RES_COUNT (sizeof(resolutions) / sizeof(resolutions[0]))
#define MAX_PROBLEMS 64

struct tour {
	struct ui_fixture fx;
	SDL_Surface *surface;
	SDL_Renderer *renderer;
	struct ui_view *v;
	uint64_t now;
	bool pseudo;
	const char *lang;
	const char *screen; /* name of what is being drawn */
	char problems[MAX_PROBLEMS][200];
	size_t problem_count;
	size_t drawn;
	bool shots;
	char dir[512]; /* where the screenshots go, "" until the first */
};

static struct tour *current;

static void problem(struct tour *t, const char *what, const char *s)
{
	for (size_t i = 0; i < t->problem_count; i++)
		if (strstr(t->problems[i], s))
			return;
	if (t->problem_count < MAX_PROBLEMS)
		snprintf(t->problems[t->problem_count++], sizeof(t->problems[0]),
		         "%s [%s] %s: \"%s\"", t->lang, t->screen, what, s);
}

static void on_miss(void *ctx, const char *msgid)
{
	struct tour *t = ctx;
	problem(t, "no translation", msgid);
}

/* Words a screen may draw that are not the UI's: site data and ids. */
static bool allowed_word(const struct tour *t, const char *w, size_t n)
{
	static const char *const fixed[] = {"English", "Deutsch", "mmHg", "PIN"};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strlen(fixed[i]) == n && strncmp(fixed[i], w, n) == 0)
			return true;
	for (int f = 0; f < FAULT_CODE_COUNT; f++) {
		const char *id = fault_code_name((enum fault_code)f);
		if (strlen(id) == n && strncmp(id, w, n) == 0)
			return true;
	}
	/* "Station 1": the site's names for its stations (cut with "..." on a
	 * narrow card). */
	return n <= 7 && strncmp(w, "Station", n) == 0 && t->fx.snap.station_count > 0;
}

/* Pseudo language: the parts outside the marks (or after an opening mark
 * cut by an ellipsis) may hold no word that is not allowed. */
static void on_text(void *ctx, const char *s)
{
	struct tour *t = ctx;
	static const char open[] = "\u2039", close[] = "\u203a";
	const char *p = s;

	t->drawn++;
	if (!t->pseudo)
		return;
	while (*p) {
		if (strncmp(p, open, 3) == 0) {
			/* Translations nest ("<%s left>" around a program name). */
			int depth = 1;
			for (p += 3; *p && depth > 0;) {
				if (strncmp(p, open, 3) == 0) {
					depth++;
					p += 3;
				} else if (strncmp(p, close, 3) == 0) {
					depth--;
					p += 3;
				} else {
					p++;
				}
			}
			continue;
		}
		if (isalpha((unsigned char)*p)) {
			const char *w = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (!allowed_word(t, w, (size_t)(p - w)))
				problem(t, "drawn without the catalogue", s);
			continue;
		}
		p++;
	}
}

static int capture(void *ctx, const struct command *cmd)
{
	(void)ctx;
	(void)cmd;
	return 0;
}

static void run_argv(const char *const argv[])
{
	pid_t pid;
	int status = 0;
	assert_int_equal(posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* <shots>/<WxH>[-<lang>]: created on first use. */
static void shot_dir(struct tour *t)
{
	if (t->dir[0])
		return;
	if (strcmp(t->lang, "en") == 0)
		snprintf(t->dir, sizeof(t->dir), "%s/%dx%d", KIOSK_UI_SHOT_DIR, t->surface->w,
		         t->surface->h);
	else
		snprintf(t->dir, sizeof(t->dir), "%s/%dx%d-%s", KIOSK_UI_SHOT_DIR, t->surface->w,
		         t->surface->h, t->lang);
	mkdir(KIOSK_UI_SHOT_DIR, 0755);
	mkdir(t->dir, 0755);
}

/* The tour's bitmaps to PNG in one go (one converter run, not one a screen). */
static void shots_to_png(struct tour *t)
{
	char cmd[1200];

	if (!t->shots || !t->dir[0])
		return;
	snprintf(cmd, sizeof(cmd),
	         "cd '%s' && mogrify -format png screen_*.bmp && rm -f screen_*.bmp", t->dir);
	{
		const char *argv[] = {"sh", "-c", cmd, NULL};
		run_argv(argv);
	}
}

static void draw(struct tour *t, const char *name)
{
	t->screen = name;
	t->fx.snap.seq++;
	ui_view_set_snapshot(t->v, &t->fx.snap, t->now);
	ui_view_render(t->v, t->now);
	if (t->shots) {
		char bmp[700];

		shot_dir(t);
		snprintf(bmp, sizeof(bmp), "%s/screen_%s.bmp", t->dir, name);
		assert_int_equal(SDL_SaveBMP(t->surface, bmp), 0);
	}
}

static void show(struct tour *t, enum ui_screen s, int station, const char *name)
{
	t->fx.snap.seq++;
	ui_view_set_snapshot(t->v, &t->fx.snap, t->now);
	ui_view_show(t->v, s, station);
	draw(t, name);
}

static void tap(struct tour *t, enum ui_button b)
{
	bool ok;
	struct ui_rect r;

	ui_view_render(t->v, t->now);
	r = ui_view_button(t->v, b, &ok);
	assert_true(ok);
	ui_view_pointer_down(t->v, r.x + r.w / 2, r.y + r.h / 2, t->now);
	ui_view_pointer_up(t->v, r.x + r.w / 2, r.y + r.h / 2, t->now);
}

static struct station_snapshot *st0(struct tour *t)
{
	return &t->fx.snap.stations[0];
}

static void every_screen(struct tour *t)
{
	struct station_snapshot *st = st0(t);
	char name[64];

	for (size_t i = 0; i < t->fx.snap.station_count; i++)
		ui_fixture_station(&t->fx, i, (enum station_state)(i % STATION_STATE_COUNT));
	show(t, UI_SCREEN_OVERVIEW, -1, "overview");
	ui_fixture_station(&t->fx, 0, STATION_IDLE);
	show(t, UI_SCREEN_PROGRAMS, 0, "programs");
	tap(t, UI_BTN_PAGE_NEXT);
	draw(t, "programs_2");

	ui_fixture_station(&t->fx, 0, STATION_SETUP);
	st->skip_mask = 1u << 1;
	st->boost_zone = 4;
	st->boost_mmhg = 10;
	show(t, UI_SCREEN_ADJUST, 0, "adjust");
	st->skip_mask = 0;
	st->boost_zone = 0;

	/* Each screen of the screening: a group, which one, the rest of a
	 * group after a Yes, the agreement. */
	ui_fixture_station(&t->fx, 0, STATION_SCREENING);
	st->screening_index = 0;
	show(t, UI_SCREEN_QUESTION, 0, "question_group");
	tap(t, UI_BTN_YES);
	draw(t, "which");
	st->screening_index = 13;
	show(t, UI_SCREEN_QUESTION, 0, "which_rest");
	st->screening_index = st->screening_count - 2;
	show(t, UI_SCREEN_QUESTION, 0, "agree");
	st->screening_view = SCREENING_VIEW_BLOCKED;
	show(t, UI_SCREEN_BLOCKED, 0, "blocked");
	st->screening_view = SCREENING_VIEW_NEEDS_APPROVAL;
	show(t, UI_SCREEN_APPROVAL, 0, "approval");
	tap(t, UI_BTN_APPROVE);
	draw(t, "pin_approval");
	show(t, UI_SCREEN_PIN, -1, "pin");
	tap(t, UI_BTN_KEY_OK); /* "123" is wrong: the back-off */
	draw(t, "pin_wrong");

	ui_fixture_station(&t->fx, 0, STATION_READY);
	show(t, UI_SCREEN_BOOTS_ON, 0, "boots_on");
	t->now += (uint64_t)t->fx.config.limits.boots_on_timeout_s * 1000u - 45000u;
	ui_view_tick(t->v, t->now);
	draw(t, "boots_on_still_there");

	ui_fixture_station(&t->fx, 0, STATION_RUNNING);
	show(t, UI_SCREEN_RUNNING, 0, "running");
	st->clock_started = false;
	draw(t, "running_warm_up");
	ui_fixture_station(&t->fx, 0, STATION_PAUSED);
	draw(t, "paused");

	ui_fixture_station(&t->fx, 0, STATION_VENTING);
	show(t, UI_SCREEN_FINISHED, 0, "venting");
	ui_fixture_station(&t->fx, 0, STATION_NEEDS_CLEANING);
	for (int r = STOP_COMPLETED; r <= STOP_SHUTDOWN; r++) {
		st->last_stop = (enum stop_reason)r;
		snprintf(name, sizeof(name), "finished_%s", stop_reason_name(st->last_stop));
		show(t, UI_SCREEN_FINISHED, 0, name);
	}

	ui_fixture_station(&t->fx, 0, STATION_FAULT);
	for (int f = 1; f < FAULT_CODE_COUNT; f++) {
		st->fault = (enum fault_code)f;
		st->fault_zone = f % 3 == 0 ? 2 : -1;
		snprintf(name, sizeof(name), "fault_%s", fault_code_name(st->fault));
		/* Each fault its own words, never only the generic ones. */
		struct fault_words w;
		if (!words_fault(st->fault, &w))
			problem(t, "no words of its own for the fault", fault_code_name(st->fault));
		show(t, UI_SCREEN_FAULT, 0, name);
		snprintf(name, sizeof(name), "staff_station_fault_%s", fault_code_name(st->fault));
		show(t, UI_SCREEN_STAFF_STATION, 0, name);
		tap(t, UI_BTN_FAULT_INFO);
		snprintf(name, sizeof(name), "staff_fault_%s", fault_code_name(st->fault));
		draw(t, name);
	}
	ui_fixture_station(&t->fx, 0, STATION_OUT_OF_SERVICE);
	snprintf(st->service_note, sizeof(st->service_note), "repair");
	show(t, UI_SCREEN_OUT_OF_SERVICE, 0, "out_of_service");
	st->service_note[0] = '\0';
	show(t, UI_SCREEN_OUT_OF_SERVICE, 0, "out_of_service_no_reason");

	for (size_t i = 0; i < t->fx.snap.station_count; i++)
		ui_fixture_station(&t->fx, i, (enum station_state)(i % STATION_STATE_COUNT));
	show(t, UI_SCREEN_STAFF, -1, "staff");
	for (int s = 0; s < STATION_STATE_COUNT; s++) {
		ui_fixture_station(&t->fx, 0, (enum station_state)s);
		snprintf(name, sizeof(name), "staff_station_%s",
		         station_state_name((enum station_state)s));
		show(t, UI_SCREEN_STAFF_STATION, 0, name);
	}
	ui_fixture_station(&t->fx, 0, STATION_IDLE);
	show(t, UI_SCREEN_STAFF_STATION, 0, "staff_station");
	tap(t, UI_BTN_SERVICE);
	draw(t, "service_reason");

	/* Every message a refused command can leave on screen. */
	ui_fixture_station(&t->fx, 0, STATION_SETUP);
	show(t, UI_SCREEN_ADJUST, 0, "toasts");
	for (int s = CMD_ERR_BAD_STATION; s <= CMD_ERR_HARDWARE; s++) {
		struct kiosk_event ev = {.kind = EVENT_COMMAND_RESULT,
		                         .source = SOURCE_UI,
		                         .action = CMD_RESET_FAULT,
		                         .status = (enum command_status)s};
		ui_view_event(t->v, &ev, t->now);
		snprintf(name, sizeof(name), "toast_%s", command_status_name(ev.status));
		draw(t, name);
	}
}

static void tour_open(struct tour *t, int w, int h, const char *lang, bool pseudo)
{
	struct ui_view_params p;
	char err[256] = "";

	memset(t, 0, sizeof(*t));
	t->lang = pseudo ? "pseudo" : lang;
	t->pseudo = pseudo;
	ui_fixture_init(&t->fx, (unsigned)w, (unsigned)h, 8);
	ui_fixture_use_assets(&t->fx);
	snprintf(t->fx.config.display.language, sizeof(t->fx.config.display.language), "%s", lang);
	assert_int_equal(i18n_init(KIOSK_BUILD_LOCALEDIR, lang), 0);
	i18n_set_pseudo(pseudo);
	i18n_set_miss_hook(pseudo ? NULL : on_miss, t);
	t->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	t->renderer = SDL_CreateSoftwareRenderer(t->surface);
	memset(&p, 0, sizeof(p));
	p.config = &t->fx.config;
	p.programs = &t->fx.programs;
	p.screening = &t->fx.screening;
	p.renderer = t->renderer;
	p.fonts_dir = KIOSK_SOURCE_ASSETS "/fonts";
	p.submit = capture;
	p.locale_dir = KIOSK_BUILD_LOCALEDIR;
	t->v = ui_view_create(&p, w, h, err, sizeof(err));
	if (!t->v)
		fail_msg("ui_view_create: %s", err);
	ui_view_set_text_hook(t->v, on_text, t);
	t->now = 1000;
	current = t;
}

static void tour_close(struct tour *t)
{
	shots_to_png(t);
	ui_view_destroy(t->v);
	SDL_DestroyRenderer(t->renderer);
	SDL_FreeSurface(t->surface);
	i18n_set_pseudo(false);
	i18n_set_miss_hook(NULL, NULL);
	i18n_set_language("en");
}

static void report(struct tour *t)
{
	for (size_t i = 0; i < t->problem_count; i++)
		print_error("%s\n", t->problems[i]);
	assert_true(t->drawn > 100);
	assert_int_equal(t->problem_count, 0);
}

static void test_ui_catalogue_nothing_drawn_outside_the_catalogue(void **state)
{
	static struct tour t;

	(void)state;
	for (size_t r = 0; r < RES_COUNT; r++) {
		tour_open(&t, resolutions[r].w, resolutions[r].h, "en", true);
		every_screen(&t);
		report(&t);
		tour_close(&t);
	}
}

static void test_ui_catalogue_every_language_translates_every_drawn_word(void **state)
{
	static struct tour t;
	char langs[I18N_MAX_LANGS][I18N_LANG_MAX];
	size_t n = i18n_available(KIOSK_BUILD_LOCALEDIR, langs, I18N_MAX_LANGS);

	(void)state;
	assert_true(n >= 2); /* English and at least German */
	for (size_t l = 0; l < n; l++) {
		for (size_t r = 0; r < RES_COUNT; r++) {
			tour_open(&t, resolutions[r].w, resolutions[r].h, langs[l], false);
			t.shots = true;
			every_screen(&t);
			report(&t);
			tour_close(&t);
		}
	}
}

/* The check itself: an untranslated word and an unmarked literal are found. */
static void test_ui_catalogue_check_catches_a_missing_word(void **state)
{
	static struct tour t;

	(void)state;
	tour_open(&t, 800, 480, "en", true);
	on_text(&t, "\u2039Frei\u203a Free");
	assert_int_equal(t.problem_count, 1);
	on_text(&t, "\u2039Station 3: Programm w\u00e4hlen\u203a 12:30 Station 2");
	assert_int_equal(t.problem_count, 1);
	tour_close(&t);
	tour_open(&t, 800, 480, "de", false);
	assert_string_equal(tr("a sentence no catalogue has"), "a sentence no catalogue has");
	assert_int_equal(t.problem_count, 1);
	tour_close(&t);
}

/* A language without a complete catalogue is refused, naming those there
 * are; so is a site's program the catalogue does not know. */
static void test_ui_catalogue_incomplete_language_refused(void **state)
{
	static struct ui_fixture fx;
	char err[512] = "";

	(void)state;
	ui_fixture_init(&fx, 800, 480, 2);
	ui_fixture_use_assets(&fx);
	assert_int_equal(
	    i18n_check(KIOSK_BUILD_LOCALEDIR, "de", &fx.programs, &fx.screening, err, sizeof(err)),
	    0);
	assert_int_equal(
	    i18n_check(KIOSK_BUILD_LOCALEDIR, "en", &fx.programs, &fx.screening, err, sizeof(err)),
	    0);
	assert_int_equal(
	    i18n_check(KIOSK_BUILD_LOCALEDIR, "fr", &fx.programs, &fx.screening, err, sizeof(err)),
	    -ENOENT);
	assert_non_null(strstr(err, "language = fr"));
	assert_non_null(strstr(err, "en, de"));
	snprintf(fx.programs.items[0].name, sizeof(fx.programs.items[0].name), "Our own program");
	assert_int_equal(
	    i18n_check(KIOSK_BUILD_LOCALEDIR, "de", &fx.programs, &fx.screening, err, sizeof(err)),
	    -ENOENT);
	assert_non_null(strstr(err, "programs.conf"));
	assert_non_null(strstr(err, "Our own program"));
	assert_string_equal(i18n_language(), "en");
}

static int group_setup(void **state)
{
	(void)state;
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	return SDL_Init(0) == 0 && TTF_Init() == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	TTF_Quit();
	SDL_Quit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ui_catalogue_check_catches_a_missing_word),
	    cmocka_unit_test(test_ui_catalogue_incomplete_language_refused),
	    cmocka_unit_test(test_ui_catalogue_nothing_drawn_outside_the_catalogue),
	    cmocka_unit_test(test_ui_catalogue_every_language_translates_every_drawn_word),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

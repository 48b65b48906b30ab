/* SPDX-License-Identifier: MIT */
/*
 * The UI's view on the real controller and the boot physics model, in
 * virtual time: taps on the view's own buttons become commands to the
 * controller, its snapshots and events come back to the view, and the
 * simulator's true zone pressures say what the boots really did.  What a
 * member may do here takes minutes on the clock and milliseconds to test:
 * the shortest screening in taps, a boost and a skip that reach the
 * session (a skipped zone never gets air), the boots-on screen that waits
 * four minutes and warns before it wipes, the summary of delivered minutes,
 * and the language button that lasts one member.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "core/program.h"
#include "sim_rig.h"
#include "ui/i18n.h"
#include "ui/view.h"

#define W 800
#define H 480
#define STATION 0u
#define SEEN_MAX 32768

struct rig {
	struct sim_rig *r;
	SDL_Surface *surface;
	SDL_Renderer *renderer;
	struct ui_view *v;
	const struct kiosk_snapshot *snap;
	uint64_t cursor;
	char seen[SEEN_MAX]; /* every string the last frame drew, '\n' between */
	size_t seen_len;
	unsigned int taps;
};

static int submit(void *ctx, const struct command *cmd)
{
	struct rig *g = ctx;
	return controller_submit(g->r->ctl, cmd);
}

static void on_text(void *ctx, const char *s)
{
	struct rig *g = ctx;
	size_t n = strlen(s);

	if (g->seen_len + n + 2 < sizeof(g->seen)) {
		memcpy(g->seen + g->seen_len, s, n);
		g->seen_len += n;
		g->seen[g->seen_len++] = '\n';
		g->seen[g->seen_len] = '\0';
	}
}

/* The UI's side of a tick: the latest snapshot and events, time, a frame
 * when something changed. */
static void sync(struct rig *g)
{
	const struct kiosk_snapshot *s = controller_snapshot_acquire(g->r->ctl);
	struct kiosk_event evs[64];
	uint64_t lost = 0;
	size_t n;

	if (s != g->snap) {
		ui_view_set_snapshot(g->v, s, g->r->now_ms);
		if (g->snap)
			controller_snapshot_release(g->r->ctl, g->snap);
		g->snap = s;
	} else {
		controller_snapshot_release(g->r->ctl, s);
	}
	while ((n = controller_events_read(g->r->ctl, &g->cursor, evs, 64, &lost)) > 0)
		for (size_t i = 0; i < n; i++)
			ui_view_event(g->v, &evs[i], g->r->now_ms);
	ui_view_tick(g->v, g->r->now_ms);
	if (ui_view_dirty(g->v))
		ui_view_render(g->v, g->r->now_ms);
}

static void run(struct rig *g, uint64_t ms)
{
	uint64_t end = g->r->now_ms + ms;

	while (g->r->now_ms < end) {
		sim_step(g->r);
		sync(g);
	}
}

/* Draw the screen as it stands and keep every string it drew. */
static const char *frame(struct rig *g)
{
	g->seen_len = 0;
	g->seen[0] = '\0';
	ui_view_render(g->v, g->r->now_ms);
	return g->seen;
}

static bool shows(struct rig *g, const char *text)
{
	return strstr(frame(g), text) != NULL;
}

/* A finger on b's centre, as drawn, then the controller's answer. */
static void tap(struct rig *g, enum ui_button b)
{
	bool touchable;
	struct ui_rect r;

	ui_view_render(g->v, g->r->now_ms);
	r = ui_view_button(g->v, b, &touchable);
	if (!touchable)
		fail_msg("button %d is not touchable on screen %s", (int)b,
		         ui_screen_name(ui_view_screen(g->v)));
	ui_view_pointer_down(g->v, r.x + r.w / 2, r.y + r.h / 2, g->r->now_ms);
	ui_view_pointer_up(g->v, r.x + r.w / 2, r.y + r.h / 2, g->r->now_ms);
	g->taps++;
	run(g, 3 * SIM_TICK_MS);
}

static struct rig *rig_open(const char *lang)
{
	static const struct sim_station_spec specs[2] = {{5, SENSOR_SIM}, {5, SENSOR_SIM}};
	struct rig *g = calloc(1, sizeof(*g));
	struct ui_view_params p;
	char err[256] = "";

	assert_non_null(g);
	g->r = sim_rig_new(2, specs);
	g->r->cfg.display.width = W;
	g->r->cfg.display.height = H;
	snprintf(g->r->cfg.display.language, sizeof(g->r->cfg.display.language), "%s", lang);
	assert_int_equal(i18n_init(KIOSK_BUILD_LOCALEDIR, lang), 0);
	g->surface = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	g->renderer = SDL_CreateSoftwareRenderer(g->surface);
	assert_non_null(g->renderer);
	memset(&p, 0, sizeof(p));
	p.config = &g->r->cfg;
	p.programs = &g->r->programs;
	p.screening = &g->r->screening;
	p.renderer = g->renderer;
	p.fonts_dir = KIOSK_SOURCE_ASSETS "/fonts";
	p.submit = submit;
	p.submit_ctx = g;
	p.locale_dir = KIOSK_BUILD_LOCALEDIR;
	g->v = ui_view_create(&p, W, H, err, sizeof(err));
	if (!g->v)
		fail_msg("ui_view_create: %s", err);
	ui_view_set_text_hook(g->v, on_text, g);
	run(g, 100);
	return g;
}

static void rig_close(struct rig *g)
{
	ui_view_destroy(g->v);
	if (g->snap)
		controller_snapshot_release(g->r->ctl, g->snap);
	SDL_DestroyRenderer(g->renderer);
	SDL_FreeSurface(g->surface);
	sim_rig_free(g->r);
	i18n_set_language("en");
	free(g);
}

static const struct station_snapshot *station(struct rig *g)
{
	return &g->snap->stations[STATION];
}

/* Overview -> station -> the program on the adjust screen. */
static void choose(struct rig *g, const char *program_id)
{
	size_t idx = sim_program(g->r, program_id);

	tap(g, (enum ui_button)(UI_BTN_CARD0 + STATION));
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_PROGRAMS);
	tap(g, (enum ui_button)(UI_BTN_PROGRAM0 + idx));
	assert_int_equal(station(g)->state, STATION_SETUP);
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_ADJUST);
}

/* Adjust -> Continue -> nothing to declare on every screen -> I agree.
 * Returns the taps the screening took. */
static unsigned int screen_nothing_to_declare(struct rig *g)
{
	unsigned int before;

	tap(g, UI_BTN_CONTINUE);
	assert_int_equal(station(g)->state, STATION_SCREENING);
	before = g->taps;
	while (station(g)->state == STATION_SCREENING && g->taps - before < 40) {
		enum ui_screen s = ui_view_screen(g->v);

		assert_true(s == UI_SCREEN_QUESTION || s == UI_SCREEN_AGREE);
		tap(g, s == UI_SCREEN_AGREE ? UI_BTN_YES : UI_BTN_NO);
	}
	assert_int_equal(station(g)->state, STATION_READY);
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_BOOTS_ON);
	return g->taps - before;
}

static void check_six_taps(const char *lang)
{
	struct rig *g = rig_open(lang);
	unsigned int taps;

	choose(g, "gentle");
	taps = screen_nothing_to_declare(g);
	print_message("%s: the shortest screening took %u taps\n", lang, taps);
	assert_true(taps <= 6);
	/* Every question was answered: the core passed it. */
	assert_int_equal(station(g)->screening_index, g->r->screening.count);
	rig_close(g);
}

static void test_ui_sim_nothing_to_declare_takes_at_most_six_taps(void **state)
{
	(void)state;
	check_six_taps("en");
	check_six_taps("de");
}

static void test_ui_sim_boost_and_skip_reach_the_session(void **state)
{
	struct rig *g = rig_open("en");
	const struct program *p;
	double skipped_max = 0.0, boosted_max = 0.0, want;

	(void)state;
	choose(g, "standard");
	p = &g->r->programs.items[sim_program(g->r, "standard")];
	assert_int_equal(p->boost_zone, 0);
	/* Zone 2 (the calf): boosted on the first tap, left out on the second. */
	tap(g, UI_BTN_ZONE0 + 1);
	assert_int_equal(station(g)->boost_zone, 2);
	tap(g, UI_BTN_ZONE0 + 1);
	assert_int_equal(station(g)->boost_zone, 0);
	assert_int_equal(station(g)->skip_mask, 1u << 1);
	/* Zone 4 boosted. */
	tap(g, UI_BTN_ZONE0 + 3);
	assert_int_equal(station(g)->boost_zone, 4);
	if (!shows(g, "+10"))
		fail_msg("no +10 on the leg; drew:\n%s", g->seen);
	screen_nothing_to_declare(g);
	tap(g, UI_BTN_START);
	assert_int_equal(station(g)->state, STATION_RUNNING);
	/* Past the warm-up cycles, watching the boots themselves. */
	for (int t = 0; t < 5 * 60 * 1000 / 100; t++) {
		run(g, 100);
		skipped_max = fmax(skipped_max, boot_sim_zone_mmhg(g->r->sim[STATION], 1));
		boosted_max = fmax(boosted_max, boot_sim_zone_mmhg(g->r->sim[STATION], 3));
		assert_int_equal(station(g)->state, STATION_RUNNING);
	}
	want =
	    program_zone_target(p, 3, 5, station(g)->target_mmhg, g->r->cfg.limits.ceiling_mmhg) +
	    10.0;
	print_message(
	    "skipped zone 2 at most %.2f mmHg; boosted zone 4 at most %.1f, target %.1f\n",
	    skipped_max, boosted_max, station(g)->zone_target_mmhg[3]);
	assert_true(skipped_max < 0.5);
	assert_true(station(g)->zone_target_mmhg[1] == 0.0);
	assert_true(fabs(station(g)->zone_target_mmhg[3] - want) < 0.6);
	assert_true(boosted_max >= want - 5.0);
	tap(g, UI_BTN_STOP);
	rig_close(g);
}

static void test_ui_sim_boots_on_waits_four_minutes_then_warns_then_wipes(void **state)
{
	struct rig *g = rig_open("en");
	uint64_t ready_at;

	(void)state;
	choose(g, "gentle");
	screen_nothing_to_declare(g);
	ready_at = g->r->now_ms;
	/* Strapping in, no touch: four minutes on, nothing lost, no warning. */
	run(g, 4 * 60 * 1000 - 2000);
	assert_int_equal(station(g)->state, STATION_READY);
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_BOOTS_ON);
	assert_false(ui_view_still_there(g->v));
	assert_false(shows(g, "Still there?"));
	/* The last minute counts down on screen. */
	run(g, 4000);
	assert_true(ui_view_still_there(g->v));
	assert_true(shows(g, "Still there?"));
	assert_true(shows(g, "0:58"));
	/* A tap on the warning keeps the member's place for another 5 min. */
	tap(g, UI_BTN_STILL_HERE);
	assert_false(ui_view_still_there(g->v));
	run(g, 4 * 60 * 1000 + 50 * 1000);
	assert_int_equal(station(g)->state, STATION_READY);
	assert_true(ui_view_still_there(g->v));
	/* Then nobody: wiped, back to every station. */
	run(g, 12 * 1000);
	assert_int_equal(station(g)->state, STATION_IDLE);
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_OVERVIEW);
	assert_true(g->r->now_ms - ready_at > 9 * 60 * 1000);
	rig_close(g);
}

static void test_ui_sim_summary_shows_delivered_minutes_language_lasts_one_member(void **state)
{
	struct rig *g = rig_open("en");
	int guard = 0;

	(void)state;
	choose(g, "gentle");
	screen_nothing_to_declare(g);
	tap(g, UI_BTN_START);
	while (!(station(g)->clock_started && station(g)->elapsed_s >= 180) && guard++ < 6000)
		run(g, 100);
	tap(g, UI_BTN_STOP);
	while (station(g)->state != STATION_NEEDS_CLEANING && guard++ < 8000)
		run(g, 100);
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_FINISHED);
	assert_true(shows(g, "3 of 20 min"));
	assert_true(shows(g, "You stopped it"));
	/* The member's language for the rest of their visit. */
	tap(g, UI_BTN_LANGUAGE);
	assert_string_equal(i18n_language(), "de");
	assert_true(shows(g, "3 von 20 Min."));
	assert_true(shows(g, "Ich habe die Stiefel abgewischt"));
	assert_false(shows(g, "I have wiped the boots"));
	tap(g, UI_BTN_CLEANED);
	assert_int_equal(station(g)->state, STATION_IDLE);
	/* The next member gets the site's language. */
	assert_int_equal(ui_view_screen(g->v), UI_SCREEN_OVERVIEW);
	assert_string_equal(i18n_language(), "en");
	assert_true(shows(g, "Recovery boots"));
	assert_true(shows(g, "Deutsch"));
	rig_close(g);
}

/* What a member may not choose, the core refuses: leaving every zone
 * out, a zone the station does not have, a boost where the program has
 * its own. */
static void test_ui_sim_core_refuses_zone_choices_out_of_bounds(void **state)
{
	static const struct sim_station_spec spec = {5, SENSOR_SIM};
	struct sim_rig *r = sim_rig_new(1, &spec);
	struct command c;

	(void)state;
	c = sim_cmd(CMD_SELECT_PROGRAM, 0);
	c.program_index = (unsigned int)sim_program(r, "gentle");
	sim_submit(r, &c);
	sim_step(r);
	c = sim_cmd(CMD_ADJUST, 0);
	c.set_zones = true;
	c.skip_mask = 0x1f;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_ADJUST), CMD_ERR_BAD_ARGUMENT);
	c.skip_mask = 1u << 6;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_ADJUST), CMD_ERR_BAD_ARGUMENT);
	c.skip_mask = 1u << 1;
	c.boost_zone = 2; /* the zone left out */
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_ADJUST), CMD_ERR_BAD_ARGUMENT);
	c.boost_zone = 3;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_ADJUST), CMD_OK);
	c = sim_cmd(CMD_SELECT_PROGRAM, 0);
	c.program_index = (unsigned int)sim_program(r, "deep"); /* boosts zone 2 itself */
	sim_submit(r, &c);
	sim_step(r);
	c = sim_cmd(CMD_ADJUST, 0);
	c.set_zones = true;
	c.boost_zone = 4;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_ADJUST), CMD_ERR_BAD_ARGUMENT);
	sim_rig_free(r);
}

static int group_setup(void **state)
{
	(void)state;
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (SDL_Init(0) != 0 || TTF_Init() != 0)
		return -1;
	return 0;
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
	    cmocka_unit_test(test_ui_sim_nothing_to_declare_takes_at_most_six_taps),
	    cmocka_unit_test(test_ui_sim_boost_and_skip_reach_the_session),
	    cmocka_unit_test(test_ui_sim_core_refuses_zone_choices_out_of_bounds),
	    cmocka_unit_test(test_ui_sim_boots_on_waits_four_minutes_then_warns_then_wipes),
	    cmocka_unit_test(test_ui_sim_summary_shows_delivered_minutes_language_lasts_one_member),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

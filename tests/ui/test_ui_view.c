/* SPDX-License-Identifier: MIT */
/*
 * The UI's screens against fake snapshots, rendered offscreen with SDL's
 * software renderer: layout rules at every supported resolution, what each
 * tap sends, the PIN, the time-outs, redraw-only-on-change, and a PNG of
 * every screen at every resolution under <build>/screenshots/<WxH>/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui/layout.h"
#include "ui/theme.h"
#include "ui_fixture.h"
#include "ui/view.h"

extern char **environ;

struct res {
	int w, h;
};
static const struct res resolutions[] = {{800, 480}, {1024, 600}, {1280, 800}, {720, 1280}};
#define RES_COUNT (sizeof(resolutions) / sizeof(resolutions[0]))

#define MAX_CMDS 64

struct harness {
	struct ui_fixture fx;
	SDL_Surface *surface;
	SDL_Renderer *renderer;
	struct ui_view *view;
	struct command cmds[MAX_CMDS];
	size_t ncmds;
	uint64_t now;
};

static int capture(void *ctx, const struct command *cmd)
{
	struct harness *h = ctx;
	if (h->ncmds < MAX_CMDS)
		h->cmds[h->ncmds++] = *cmd;
	return 0;
}

static void harness_open(struct harness *h, int w, int hgt, size_t stations)
{
	struct ui_view_params p;
	char err[256] = "";

	memset(h, 0, sizeof(*h));
	ui_fixture_init(&h->fx, (unsigned)w, (unsigned)hgt, stations);
	h->surface = SDL_CreateRGBSurfaceWithFormat(0, w, hgt, 32, SDL_PIXELFORMAT_ARGB8888);
	assert_non_null(h->surface);
	h->renderer = SDL_CreateSoftwareRenderer(h->surface);
	assert_non_null(h->renderer);
	memset(&p, 0, sizeof(p));
	p.config = &h->fx.config;
	p.programs = &h->fx.programs;
	p.screening = &h->fx.screening;
	p.renderer = h->renderer;
	p.fonts_dir = KIOSK_SOURCE_ASSETS "/fonts";
	p.submit = capture;
	p.submit_ctx = h;
	h->view = ui_view_create(&p, w, hgt, err, sizeof(err));
	if (!h->view)
		fail_msg("ui_view_create: %s", err);
	h->now = 1000;
	ui_view_set_snapshot(h->view, &h->fx.snap, h->now);
}

static void harness_close(struct harness *h)
{
	ui_view_destroy(h->view);
	SDL_DestroyRenderer(h->renderer);
	SDL_FreeSurface(h->surface);
}

static void push(struct harness *h)
{
	h->fx.snap.seq++;
	ui_view_set_snapshot(h->view, &h->fx.snap, h->now);
}

static void render(struct harness *h)
{
	ui_view_render(h->view, h->now);
}

/* Publish the snapshot as it stands, then put screen for station up and
 * draw it: the view as the member sees it after the core's update. */
static void show(struct harness *h, enum ui_screen screen, int station)
{
	push(h);
	ui_view_show(h->view, screen, station);
	render(h);
}

static struct ui_layout layout_of(struct harness *h, enum ui_screen s)
{
	struct ui_layout l;
	struct ui_layout_input in = {.station_count = h->fx.snap.station_count,
	                             .program_count = h->fx.programs.count};
	ui_layout_compute(&l, ui_view_metrics(h->view), s, &in);
	return l;
}

static void tap(struct harness *h, enum ui_button b)
{
	struct ui_rect r;

	render(h);
	r = ui_view_button(h->view, b, NULL);
	assert_true(r.w > 0);
	h->now += 100;
	ui_view_pointer_down(h->view, r.x + r.w / 2, r.y + r.h / 2, h->now);
	h->now += 80;
	ui_view_pointer_up(h->view, r.x + r.w / 2, r.y + r.h / 2, h->now);
	render(h);
}

/* Finger down and up at (x, y) in the same instant (tap() is a real tap on
 * a button's centre, with time passing). */
static void touch_at(struct harness *h, int x, int y)
{
	ui_view_pointer_down(h->view, x, y, h->now);
	ui_view_pointer_up(h->view, x, y, h->now);
}

static const struct command *last_cmd(struct harness *h, enum command_action a)
{
	for (size_t i = h->ncmds; i-- > 0;)
		if (h->cmds[i].action == a)
			return &h->cmds[i];
	return NULL;
}

static uint32_t pixel(struct harness *h, int x, int y)
{
	const uint32_t *row = (const uint32_t *)((const uint8_t *)h->surface->pixels +
	                                         (size_t)y * (size_t)h->surface->pitch);
	return row[x] & 0xffffff;
}

static void run(const char *const argv[])
{
	pid_t pid;
	int status = 0;
	assert_int_equal(posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void screenshot(struct harness *h, const char *name)
{
	char dir[512], bmp[600], png[600];

	snprintf(dir, sizeof(dir), "%s/%dx%d", KIOSK_UI_SHOT_DIR, h->surface->w, h->surface->h);
	mkdir(KIOSK_UI_SHOT_DIR, 0755);
	mkdir(dir, 0755);
	snprintf(bmp, sizeof(bmp), "%s/%s.bmp", dir, name);
	snprintf(png, sizeof(png), "%s/%s.png", dir, name);
	assert_int_equal(SDL_SaveBMP(h->surface, bmp), 0);
	{
		const char *argv[] = {"convert", bmp, png, NULL};
		run(argv);
	}
	unlink(bmp);
}

/* Every button on every screen: at least 9 mm, inside the window, and no
 * two overlapping; for every count of stations, leg zones (1..8) and list
 * buttons (1..6). */
static void test_layout_targets_are_large_and_separate(void **state)
{
	(void)state;
	for (size_t r = 0; r < RES_COUNT; r++) {
		struct ui_metrics m;
		ui_metrics_compute(&m, resolutions[r].w, resolutions[r].h, 178);
		assert_true(m.target_min >= (int)(9.0 * m.px_per_mm));
		for (int s = 0; s < UI_SCREEN_COUNT; s++) {
			for (size_t stations = 1; stations <= 8; stations++) {
				struct ui_layout_input in = {.station_count = stations,
				                             .program_count = 5,
				                             .zone_count = stations,
				                             .item_count = (stations - 1) % 6 + 1};
				struct ui_layout l;
				ui_layout_compute(&l, &m, (enum ui_screen)s, &in);
				for (int b = 1; b < UI_BTN_COUNT; b++) {
					struct ui_rect a = l.button[b];
					if (a.w == 0)
						continue;
					if (a.w < m.target_min || a.h < m.target_min)
						fail_msg("%dx%d %s button %d is %dx%d, below 9 mm "
						         "(%d px)",
						         m.w, m.h,
						         ui_screen_name((enum ui_screen)s), b, a.w,
						         a.h, m.target_min);
					assert_true(a.x >= 0 && a.y >= 0);
					assert_true(a.x + a.w <= m.w && a.y + a.h <= m.h);
					for (int o = b + 1; o < UI_BTN_COUNT; o++) {
						struct ui_rect c = l.button[o];
						bool overlap = c.w > 0 && a.x < c.x + c.w &&
						               c.x < a.x + a.w && a.y < c.y + c.h &&
						               c.y < a.y + a.h;
						if (overlap)
							fail_msg(
							    "%dx%d %s: buttons %d and %d overlap",
							    m.w, m.h,
							    ui_screen_name((enum ui_screen)s), b,
							    o);
					}
				}
			}
		}
	}
}

struct shot {
	const char *name;
	enum ui_screen screen;
	enum station_state state;
	int view; /* screening view or -1 */
	int last_stop;
};

static const struct shot shots[] = {
    {"programs", UI_SCREEN_PROGRAMS, STATION_IDLE, -1, 0},
    {"adjust", UI_SCREEN_ADJUST, STATION_SETUP, -1, 0},
    {"question", UI_SCREEN_QUESTION, STATION_SCREENING, SCREENING_VIEW_ASKING, 0},
    {"blocked", UI_SCREEN_BLOCKED, STATION_SCREENING, SCREENING_VIEW_BLOCKED, 0},
    {"approval", UI_SCREEN_APPROVAL, STATION_SCREENING, SCREENING_VIEW_NEEDS_APPROVAL, 0},
    {"boots_on", UI_SCREEN_BOOTS_ON, STATION_READY, -1, 0},
    {"running", UI_SCREEN_RUNNING, STATION_RUNNING, -1, 0},
    {"paused", UI_SCREEN_RUNNING, STATION_PAUSED, -1, 0},
    {"venting", UI_SCREEN_FINISHED, STATION_VENTING, -1, 0},
    {"finished", UI_SCREEN_FINISHED, STATION_NEEDS_CLEANING, -1, STOP_COMPLETED},
    {"fault", UI_SCREEN_FAULT, STATION_FAULT, -1, 0},
    {"out_of_service", UI_SCREEN_OUT_OF_SERVICE, STATION_OUT_OF_SERVICE, -1, 0},
    {"staff_station", UI_SCREEN_STAFF_STATION, STATION_FAULT, -1, 0},
};

/* Every screen at every resolution: drawn, its buttons drawn where the
 * layout says (not background), the STOP red; PNGs for people to look at. */
static void test_view_renders_every_screen_at_every_resolution(void **state)
{
	(void)state;
	for (size_t r = 0; r < RES_COUNT; r++) {
		struct harness h;
		uint32_t bg;

		harness_open(&h, resolutions[r].w, resolutions[r].h, 4);
		ui_fixture_station(&h.fx, 1, STATION_RUNNING);
		ui_fixture_station(&h.fx, 2, STATION_NEEDS_CLEANING);
		ui_fixture_station(&h.fx, 3, STATION_FAULT);
		push(&h);
		render(&h);
		assert_int_equal(ui_view_screen(h.view), UI_SCREEN_OVERVIEW);
		bg = pixel(&h, 1, h.surface->h - 2);
		screenshot(&h, "overview");
		ui_view_show(h.view, UI_SCREEN_PIN, -1);
		render(&h);
		screenshot(&h, "pin");
		ui_view_show(h.view, UI_SCREEN_STAFF, -1);
		render(&h);
		screenshot(&h, "staff");

		for (size_t s = 0; s < sizeof(shots) / sizeof(shots[0]); s++) {
			struct ui_layout l;
			ui_fixture_station(&h.fx, 0, shots[s].state);
			if (shots[s].view >= 0)
				h.fx.snap.stations[0].screening_view =
				    (enum screening_view)shots[s].view;
			if (shots[s].last_stop)
				h.fx.snap.stations[0].last_stop =
				    (enum stop_reason)shots[s].last_stop;
			show(&h, shots[s].screen, 0);
			assert_int_equal(ui_view_screen(h.view), shots[s].screen);
			l = layout_of(&h, shots[s].screen);
			for (int b = 1; b < UI_BTN_COUNT; b++) {
				struct ui_rect br = l.button[b];
				if (br.w == 0 ||
				    (shots[s].state == STATION_VENTING && b == UI_BTN_CLEANED))
					continue;
				/* A corner-inset point of every button is painted. */
				if (pixel(&h, br.x + br.w / 2, br.y + 3) == bg)
					fail_msg("%dx%d %s: button %d not drawn", h.surface->w,
					         h.surface->h, shots[s].name, b);
			}
			if (shots[s].screen == UI_SCREEN_RUNNING) {
				struct ui_rect st = l.button[UI_BTN_STOP];
				uint32_t px = pixel(&h, st.x + 4, st.y + st.h / 2);
				assert_true(((px >> 16) & 0xff) > 0xa0 &&
				            ((px >> 8) & 0xff) < 0x60);
			}
			screenshot(&h, shots[s].name);
		}
		{
			/* 8 stations on the overview. */
			struct harness h8;
			harness_open(&h8, resolutions[r].w, resolutions[r].h, 8);
			for (size_t i = 0; i < 8; i++)
				ui_fixture_station(
				    &h8.fx, i,
				    (enum station_state[]){
				        STATION_RUNNING, STATION_IDLE, STATION_PAUSED,
				        STATION_NEEDS_CLEANING, STATION_IDLE, STATION_FAULT,
				        STATION_SCREENING, STATION_OUT_OF_SERVICE}[i]);
			push(&h8);
			render(&h8);
			screenshot(&h8, "overview_8");
			harness_close(&h8);
		}
		harness_close(&h);
	}
}

static void test_view_answer_carries_the_snapshot_question_index(void **state)
{
	struct harness h;
	const struct command *c;

	(void)state;
	harness_open(&h, 800, 480, 2);
	ui_fixture_station(&h.fx, 1, STATION_SCREENING);
	h.fx.snap.stations[1].screening_index = 2;
	show(&h, UI_SCREEN_QUESTION, 1);
	tap(&h, UI_BTN_YES);
	c = last_cmd(&h, CMD_ANSWER);
	assert_non_null(c);
	assert_int_equal(c->station, 1);
	assert_int_equal(c->question, 2);
	assert_true(c->yes);
	assert_int_equal(c->source, SOURCE_UI);
	/* The agreement: its Back is not an answer, it goes back. */
	h.fx.snap.stations[1].screening_index = 3;
	push(&h);
	render(&h);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_AGREE);
	h.ncmds = 0;
	tap(&h, UI_BTN_NO);
	assert_null(last_cmd(&h, CMD_ANSWER));
	assert_non_null(last_cmd(&h, CMD_SCREENING_BACK));
	h.fx.snap.stations[1].screening_index = 2;
	push(&h);
	render(&h);
	tap(&h, UI_BTN_NO);
	c = last_cmd(&h, CMD_ANSWER);
	assert_int_equal(c->question, 2);
	assert_false(c->yes);
	harness_close(&h);
}

static void test_view_stop_acts_on_press_not_release(void **state)
{
	struct harness h;
	struct ui_layout l;
	struct ui_rect r;

	(void)state;
	harness_open(&h, 1280, 800, 4);
	ui_fixture_station(&h.fx, 0, STATION_RUNNING);
	show(&h, UI_SCREEN_RUNNING, 0);
	l = layout_of(&h, UI_SCREEN_RUNNING);
	r = l.button[UI_BTN_STOP];
	ui_view_pointer_down(h.view, r.x + 5, r.y + 5, h.now);
	assert_non_null(last_cmd(&h, CMD_STOP));
	assert_int_equal(h.ncmds, 1);
	/* The release does not send it again. */
	ui_view_pointer_up(h.view, r.x + 5, r.y + 5, h.now);
	assert_int_equal(h.ncmds, 1);
	tap(&h, UI_BTN_SYMPTOM);
	assert_non_null(last_cmd(&h, CMD_SYMPTOM_STOP));
	tap(&h, UI_BTN_PAUSE);
	assert_non_null(last_cmd(&h, CMD_PAUSE));
	h.fx.snap.stations[0].state = STATION_PAUSED;
	push(&h);
	render(&h);
	tap(&h, UI_BTN_PAUSE);
	assert_non_null(last_cmd(&h, CMD_RESUME));
	harness_close(&h);
}

static void test_view_release_outside_the_button_does_nothing(void **state)
{
	struct harness h;
	struct ui_layout l;
	struct ui_rect r;

	(void)state;
	harness_open(&h, 800, 480, 2);
	ui_fixture_station(&h.fx, 0, STATION_READY);
	show(&h, UI_SCREEN_BOOTS_ON, 0);
	l = layout_of(&h, UI_SCREEN_BOOTS_ON);
	r = l.button[UI_BTN_START];
	ui_view_pointer_down(h.view, r.x + 5, r.y + 5, h.now);
	ui_view_pointer_up(h.view, r.x - 40, r.y - 40, h.now);
	assert_null(last_cmd(&h, CMD_START));
	tap(&h, UI_BTN_START);
	assert_non_null(last_cmd(&h, CMD_START));
	harness_close(&h);
}

static void test_view_ignores_taps_on_a_screen_not_yet_drawn(void **state)
{
	struct harness h;
	struct ui_layout l;
	struct ui_rect r;

	(void)state;
	harness_open(&h, 800, 480, 2);
	ui_fixture_station(&h.fx, 0, STATION_SCREENING);
	show(&h, UI_SCREEN_QUESTION, 0);
	/* The station moved on, but the new screen is not drawn yet. */
	h.fx.snap.stations[0].state = STATION_READY;
	push(&h);
	l = layout_of(&h, UI_SCREEN_QUESTION);
	r = l.button[UI_BTN_YES];
	touch_at(&h, r.x + 5, r.y + 5);
	assert_null(last_cmd(&h, CMD_ANSWER));
	harness_close(&h);
}

/* Same screen, next question not drawn yet: a second quick tap must not
 * answer a question the member has not seen. */
static void test_view_double_tap_never_answers_an_unseen_question(void **state)
{
	struct harness h;
	struct ui_layout l;
	struct ui_rect r;

	(void)state;
	harness_open(&h, 1024, 600, 2);
	ui_fixture_station(&h.fx, 0, STATION_SCREENING);
	h.fx.snap.stations[0].screening_index = 0;
	show(&h, UI_SCREEN_QUESTION, 0);
	l = layout_of(&h, UI_SCREEN_QUESTION);
	r = l.button[UI_BTN_NO];
	touch_at(&h, r.x + 9, r.y + 9);
	assert_int_equal(h.ncmds, 2);              /* touch + answer 0 */
	h.fx.snap.stations[0].screening_index = 1; /* the core moved on */
	push(&h);
	touch_at(&h, r.x + 9, r.y + 9);
	assert_int_equal(last_cmd(&h, CMD_ANSWER)->question, 0);
	for (size_t i = 0; i < h.ncmds; i++)
		assert_false(h.cmds[i].action == CMD_ANSWER && h.cmds[i].question == 1);
	render(&h); /* now question 2 is on screen and can be answered */
	tap(&h, UI_BTN_NO);
	assert_int_equal(last_cmd(&h, CMD_ANSWER)->question, 1);
	harness_close(&h);
}

static void type_pin(struct harness *h, const char *pin)
{
	for (const char *p = pin; *p; p++)
		tap(h, (enum ui_button)(UI_BTN_KEY0 + (*p - '0')));
	tap(h, UI_BTN_KEY_OK);
}

static void test_view_staff_pin_wrong_stays_right_enters_staff_mode(void **state)
{
	struct harness h;

	(void)state;
	harness_open(&h, 1024, 600, 4);
	render(&h);
	tap(&h, UI_BTN_STAFF);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_PIN);
	type_pin(&h, "1111");
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_PIN);
	/* A wrong PIN: the keypad waits 2 s, then 4 s after the next one. */
	assert_int_equal(ui_view_pin_wait_s(h.view), 2);
	{
		bool touchable;
		ui_view_button(h.view, UI_BTN_KEY0 + 1, &touchable);
		assert_false(touchable);
	}
	h.now += 2000;
	ui_view_tick(h.view, h.now);
	render(&h);
	assert_int_equal(ui_view_pin_wait_s(h.view), 0);
	type_pin(&h, "2222");
	assert_int_equal(ui_view_pin_wait_s(h.view), 4);
	h.now += 4000;
	ui_view_tick(h.view, h.now);
	render(&h);
	type_pin(&h, FIXTURE_PIN);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_STAFF);
	ui_fixture_station(&h.fx, 2, STATION_FAULT);
	push(&h);
	render(&h);
	tap(&h, (enum ui_button)(UI_BTN_CARD0 + 2));
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_STAFF_STATION);
	tap(&h, UI_BTN_RESET_FAULT);
	assert_non_null(last_cmd(&h, CMD_RESET_FAULT));
	assert_int_equal(last_cmd(&h, CMD_RESET_FAULT)->station, 2);
	h.fx.snap.stations[2].state = STATION_IDLE;
	push(&h);
	render(&h);
	tap(&h, UI_BTN_SERVICE);
	/* Out of service asks why first, and sends the reason with it. */
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_SERVICE_REASON);
	assert_null(last_cmd(&h, CMD_OUT_OF_SERVICE));
	tap(&h, UI_BTN_ITEM0);
	assert_non_null(last_cmd(&h, CMD_OUT_OF_SERVICE));
	assert_string_equal(last_cmd(&h, CMD_OUT_OF_SERVICE)->note, "repair");
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_STAFF_STATION);
	/* Even while faulted. */
	ui_fixture_station(&h.fx, 2, STATION_FAULT);
	push(&h);
	render(&h);
	tap(&h, UI_BTN_FAULT_INFO);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_STAFF_FAULT);
	tap(&h, UI_BTN_BACK);
	tap(&h, UI_BTN_SERVICE);
	tap(&h, UI_BTN_ITEM0 + 2);
	assert_int_equal(last_cmd(&h, CMD_OUT_OF_SERVICE)->station, 2);
	assert_string_equal(last_cmd(&h, CMD_OUT_OF_SERVICE)->note, "boots");
	harness_close(&h);
}

static void test_view_relative_yes_approval_sends_pin_to_core(void **state)
{
	struct harness h;
	const struct command *c;

	(void)state;
	harness_open(&h, 720, 1280, 2);
	ui_fixture_station(&h.fx, 0, STATION_SCREENING);
	h.fx.snap.stations[0].screening_view = SCREENING_VIEW_NEEDS_APPROVAL;
	show(&h, UI_SCREEN_APPROVAL, 0);
	tap(&h, UI_BTN_APPROVE);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_PIN);
	type_pin(&h, "97531");
	c = last_cmd(&h, CMD_STAFF_APPROVE);
	assert_non_null(c);
	assert_int_equal(c->station, 0);
	/* view_submit wipes the pin after handing it to the controller, so the
	 * captured copy was taken before the wipe. */
	assert_string_equal(c->pin, "97531");
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_APPROVAL);
	harness_close(&h);
}

static void test_view_idle_timeout_cancels_flow_and_returns_to_overview(void **state)
{
	struct harness h;

	(void)state;
	harness_open(&h, 800, 480, 2);
	ui_fixture_station(&h.fx, 0, STATION_SCREENING);
	show(&h, UI_SCREEN_QUESTION, 0);
	h.now += 59000;
	ui_view_tick(h.view, h.now);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_QUESTION);
	assert_true(ui_view_next_deadline_ms(h.view, h.now) <= h.now + 1000);
	h.now += 1000;
	ui_view_tick(h.view, h.now);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_OVERVIEW);
	assert_non_null(last_cmd(&h, CMD_CANCEL));
	harness_close(&h);
}

static void test_view_station_back_to_idle_returns_to_overview(void **state)
{
	struct harness h;

	(void)state;
	harness_open(&h, 800, 480, 2);
	render(&h);
	tap(&h, UI_BTN_CARD0);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_PROGRAMS);
	tap(&h, UI_BTN_PROGRAM0 + 1);
	assert_int_equal(last_cmd(&h, CMD_SELECT_PROGRAM)->program_index, 1);
	ui_fixture_station(&h.fx, 0, STATION_SETUP);
	push(&h);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_ADJUST);
	render(&h);
	tap(&h, UI_BTN_DURATION_PLUS);
	assert_int_equal(last_cmd(&h, CMD_ADJUST)->duration_s,
	                 h.fx.snap.stations[0].duration_s + 300);
	/* The core timed the flow out. */
	ui_fixture_station(&h.fx, 0, STATION_IDLE);
	push(&h);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_OVERVIEW);
	harness_close(&h);
}

/* More programs than fit: Next shows the second page, and a card there
 * selects the program at its real index. */
static void test_view_programs_page_selects_the_right_index(void **state)
{
	struct harness h;
	struct ui_layout l;
	struct ui_layout_input in;

	(void)state;
	harness_open(&h, 800, 480, 2);
	while (h.fx.programs.count < 9) {
		h.fx.programs.items[h.fx.programs.count] = h.fx.programs.items[0];
		h.fx.programs.count++;
	}
	render(&h);
	tap(&h, UI_BTN_CARD0 + 1);
	assert_int_equal(ui_view_screen(h.view), UI_SCREEN_PROGRAMS);
	in = (struct ui_layout_input){.station_count = 2, .program_count = 9};
	ui_layout_compute(&l, ui_view_metrics(h.view), UI_SCREEN_PROGRAMS, &in);
	assert_true(l.program_pages >= 2);
	assert_true(l.button[UI_BTN_PAGE_NEXT].w > 0);
	tap(&h, UI_BTN_PAGE_NEXT);
	tap(&h, UI_BTN_PROGRAM0);
	assert_non_null(last_cmd(&h, CMD_SELECT_PROGRAM));
	assert_int_equal(last_cmd(&h, CMD_SELECT_PROGRAM)->program_index, l.programs_per_page);
	assert_int_equal(last_cmd(&h, CMD_SELECT_PROGRAM)->station, 1);
	harness_close(&h);
}

static void test_view_redraws_only_when_visible_content_changes(void **state)
{
	struct harness h;
	unsigned long hits0, miss0, hits1, miss1;

	(void)state;
	harness_open(&h, 800, 480, 4);
	render(&h);
	assert_false(ui_view_dirty(h.view));
	push(&h); /* new seq, same content */
	assert_false(ui_view_dirty(h.view));
	h.fx.snap.stations[0].zone_mmhg[0] = 33; /* not shown on the overview */
	push(&h);
	assert_false(ui_view_dirty(h.view));
	ui_fixture_station(&h.fx, 1, STATION_RUNNING);
	push(&h);
	assert_true(ui_view_dirty(h.view));
	render(&h);
	ui_view_text_stats(h.view, &hits0, &miss0);
	render(&h);
	ui_view_text_stats(h.view, &hits1, &miss1);
	assert_int_equal(miss1, miss0); /* a redraw rasterises nothing new */
	assert_true(hits1 > hits0);
	harness_close(&h);
}

static bool toast_shown(struct harness *h, enum ui_screen s, enum theme_role role)
{
	struct ui_layout l = layout_of(h, s);
	struct ui_rect t = l.area[UI_AREA_TOAST];
	struct ui_color c = theme_color(role);
	uint32_t want = (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;

	render(h);
	return pixel(h, t.x + 5, t.y + t.h / 2) == want;
}

/* A refused stale answer (a double tap) says nothing; a wrong approval PIN
 * says so in red, and the message goes away after a while. */
static void test_view_command_results_toast_only_what_matters(void **state)
{
	struct harness h;
	struct kiosk_event ev;

	(void)state;
	harness_open(&h, 800, 480, 2);
	ui_fixture_station(&h.fx, 0, STATION_SCREENING);
	show(&h, UI_SCREEN_QUESTION, 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_COMMAND_RESULT;
	ev.source = SOURCE_UI;
	ev.action = CMD_ANSWER;
	ev.status = CMD_ERR_BAD_ARGUMENT;
	ui_view_event(h.view, &ev, h.now);
	assert_false(toast_shown(&h, UI_SCREEN_QUESTION, THEME_STOP));
	assert_false(toast_shown(&h, UI_SCREEN_QUESTION, THEME_WARN));
	ev.source = SOURCE_MQTT; /* someone else's command: not ours to show */
	ev.action = CMD_STAFF_APPROVE;
	ev.status = CMD_ERR_BAD_PIN;
	ui_view_event(h.view, &ev, h.now);
	assert_false(toast_shown(&h, UI_SCREEN_QUESTION, THEME_STOP));
	ev.source = SOURCE_UI;
	/* A wrong approval PIN: the keypad's back-off, said beside the keypad
	 * rather than over the screen. */
	ui_view_event(h.view, &ev, h.now);
	assert_true(ui_view_pin_wait_s(h.view) > 0);
	assert_false(toast_shown(&h, UI_SCREEN_QUESTION, THEME_STOP));
	/* What staff asked for and was refused is said, for a while. */
	ev.action = CMD_RESET_FAULT;
	ev.status = CMD_ERR_PRESSURISED;
	ui_view_event(h.view, &ev, h.now);
	assert_true(ui_view_dirty(h.view));
	assert_true(toast_shown(&h, UI_SCREEN_QUESTION, THEME_WARN));
	h.now += 5000;
	ui_view_tick(h.view, h.now);
	assert_false(toast_shown(&h, UI_SCREEN_QUESTION, THEME_WARN));
	harness_close(&h);
}

static double luminance(struct ui_color c)
{
	double ch[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
	for (int i = 0; i < 3; i++)
		ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
	return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static double contrast(struct ui_color a, struct ui_color b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* WCAG AA (4.5:1) for every text colour on every background it is drawn on. */
static void test_theme_text_contrast_is_at_least_4_5(void **state)
{
	static const enum theme_role accents[] = {THEME_PRIMARY, THEME_GO, THEME_STOP, THEME_WARN};
	static const enum theme_role surfaces[] = {THEME_BG, THEME_HEADER, THEME_SURFACE,
	                                           THEME_SURFACE_HI};
	struct ui_color white = theme_color(THEME_TEXT_ON_ACCENT);

	(void)state;
	for (size_t i = 0; i < sizeof(accents) / sizeof(accents[0]); i++)
		assert_true(contrast(white, theme_color(accents[i])) >= 4.5);
	for (int s = 0; s < STATION_STATE_COUNT; s++)
		assert_true(contrast(white, theme_state_color((enum station_state)s)) >= 4.5);
	for (size_t i = 0; i < sizeof(surfaces) / sizeof(surfaces[0]); i++) {
		assert_true(contrast(theme_color(THEME_TEXT), theme_color(surfaces[i])) >= 7.0);
		assert_true(contrast(theme_color(THEME_TEXT_DIM), theme_color(surfaces[i])) >= 4.5);
		assert_true(contrast(theme_color(THEME_WAVE_ACTIVE), theme_color(surfaces[i])) >=
		            4.5);
	}
}

static int setup(void **state)
{
	(void)state;
	SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
	return TTF_Init();
}

static int teardown(void **state)
{
	(void)state;
	TTF_Quit();
	SDL_Quit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_targets_are_large_and_separate),
	    cmocka_unit_test(test_theme_text_contrast_is_at_least_4_5),
	    cmocka_unit_test(test_view_answer_carries_the_snapshot_question_index),
	    cmocka_unit_test(test_view_stop_acts_on_press_not_release),
	    cmocka_unit_test(test_view_release_outside_the_button_does_nothing),
	    cmocka_unit_test(test_view_ignores_taps_on_a_screen_not_yet_drawn),
	    cmocka_unit_test(test_view_double_tap_never_answers_an_unseen_question),
	    cmocka_unit_test(test_view_staff_pin_wrong_stays_right_enters_staff_mode),
	    cmocka_unit_test(test_view_relative_yes_approval_sends_pin_to_core),
	    cmocka_unit_test(test_view_idle_timeout_cancels_flow_and_returns_to_overview),
	    cmocka_unit_test(test_view_station_back_to_idle_returns_to_overview),
	    cmocka_unit_test(test_view_programs_page_selects_the_right_index),
	    cmocka_unit_test(test_view_redraws_only_when_visible_content_changes),
	    cmocka_unit_test(test_view_command_results_toast_only_what_matters),
	    cmocka_unit_test(test_view_renders_every_screen_at_every_resolution),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

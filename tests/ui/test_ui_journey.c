/* SPDX-License-Identifier: MIT */
/*
 * The real kiosk (--sim) in Xvfb, driven with real pointer clicks: a whole
 * member journey at every supported resolution in English and in German
 * (program, adjust, the screening with nothing to declare counted tap by
 * tap, boots on, start, pause, resume, stop mid-fill, the summary, wipe)
 * with the station's state checked over MQTT at each step, and a stop
 * pressed mid-fill that vents the station.  The German runs start the
 * build-tree binary without --assets: it finds the source tree's fonts and
 * its build's catalogues by itself.  Screenshots of every step land in
 * <build>/screenshots/<WxH>[-de]/journey_*.png.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_flows.h"
#include "xharness.h"

/* Stations 3 (simulated sensor) and 4 (no sensor) of kiosk-sim.conf have no
 * stop button wired, so nothing but the test touches them. */
#define JOURNEY_STATION 2u

/* Running, a zone filling, and air already in the boots: at pressure now
 * (a gradient holds the zones below while the next fills) or earlier in
 * the session (a sequential pulse lets each zone out before the next one
 * fills, and its fills are shorter than the 1 s between two statuses). */
static bool filling_with_pressure(const struct xh_station *st)
{
	return strcmp(st->state, "running") == 0 && strcmp(st->phase, "fill") == 0 &&
	       st->session_peak_mmhg >= 10.0;
}

static bool back_to_idle(const struct xh_station *st)
{
	return strcmp(st->state, "idle") == 0;
}

static bool history_has(const struct xh_station *st, const char *state)
{
	char pat[40];
	snprintf(pat, sizeof(pat), ",%s,", state);
	{
		char h[520];
		snprintf(h, sizeof(h), ",%s,", st->history);
		return strstr(h, pat) != NULL;
	}
}

/* Boots on -> start -> running screen, with the station running. */
static void start_session(struct xh *x, size_t station, const char *prefix)
{
	char name[96];

	assert_true(xh_wait_state(x, station, "ready", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_BOOTS_ON, UI_BTN_START, THEME_GO, XH_TIMEOUT_MS));
	snprintf(name, sizeof(name), "%s_boots_on", prefix);
	xh_screenshot(x, name);
	xh_click(x, UI_SCREEN_BOOTS_ON, UI_BTN_START);
	assert_true(xh_wait_state(x, station, "running", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_RUNNING, UI_BTN_STOP, THEME_STOP, XH_TIMEOUT_MS));
}

/* Stop while a zone fills: the station vents (state venting, pressure
 * falling to below the residual) and then waits for cleaning. */
static void stop_mid_fill(struct xh *x, size_t station, const char *prefix)
{
	double at_stop;
	char name[96];

	assert_true(xh_wait_status(x, station, filling_with_pressure, 30000));
	at_stop = x->st[station].session_peak_mmhg;
	xh_click(x, UI_SCREEN_RUNNING, UI_BTN_STOP);
	assert_true(xh_wait_state(x, station, "venting", XH_TIMEOUT_MS));
	/* For the picture: the venting screen replaced the running one (no Stop
	 * where it was).  Venting may already be over on a slow machine. */
	if (xh_wait_button(x, UI_SCREEN_RUNNING, UI_BTN_STOP, THEME_BG, 4000) &&
	    strcmp(x->st[station].state, "venting") == 0) {
		snprintf(name, sizeof(name), "%s_venting", prefix);
		xh_screenshot(x, name);
	}
	assert_true(xh_wait_state(x, station, "needs_cleaning", 15000));
	assert_true(history_has(&x->st[station], "venting"));
	assert_true(x->st[station].vent_first_mmhg >= 0);
	/* Pressures fell: the status after venting reads near zero, below the
	 * highest the session reached. */
	assert_true(x->st[station].pressure_mmhg < x->config->limits.residual_mmhg);
	assert_true(x->st[station].pressure_mmhg < at_stop);
}

/* The harness of the running test: stopped by the teardown too, so a
 * failed assertion leaves no kiosk, broker or X server behind. */
static struct xh jx;

static int stop_harness(void **state)
{
	(void)state;
	xh_stop(&jx);
	return 0;
}

static void member_journey(int w, int h, const char *lang)
{
	struct xh *x = &jx;
	const size_t s = JOURNEY_STATION;
	char prefix[32] = "journey";
	double duration_before;
	unsigned int clicks;
	struct xh_options o = {
	    .idle_timeout_s = 90, .language = lang, .no_assets_option = strcmp(lang, "en") != 0};

	if (xh_start_with(x, w, h, &o) < 0) {
		xh_stop(x);
		fail_msg("could not start the kiosk under Xvfb at %dx%d", w, h);
	}
	assert_true(flow_choose_program(x, s, 1, prefix));
	/* Shorter by one step with the big minus. */
	xh_poll(x, 200);
	duration_before = x->st[s].duration_s;
	assert_true(duration_before > 0);
	xh_click(x, UI_SCREEN_ADJUST, UI_BTN_DURATION_MINUS);
	{
		uint64_t tries = 0;
		while (x->st[s].duration_s >= duration_before && tries++ < 60)
			xh_poll(x, 100);
	}
	assert_true(x->st[s].duration_s < duration_before);
	assert_string_equal(x->st[s].state, "setup");

	assert_true(flow_begin_screening(x, s, prefix));
	clicks = x->clicks;
	assert_true(flow_answer(x, s, SIZE_MAX, prefix));
	/* Nothing to declare: at most six taps from the first question to the
	 * boots-on screen. */
	print_message("%dx%d %s: the screening took %u taps\n", w, h, lang, x->clicks - clicks);
	assert_true(x->clicks - clicks <= 6);
	start_session(x, s, prefix);
	xh_screenshot(x, "journey_running");

	xh_click(x, UI_SCREEN_RUNNING, UI_BTN_PAUSE);
	assert_true(xh_wait_state(x, s, "paused", XH_TIMEOUT_MS));
	/* Pause turned into a green Resume. */
	assert_true(xh_wait_button(x, UI_SCREEN_RUNNING, UI_BTN_PAUSE, THEME_GO, XH_TIMEOUT_MS));
	xh_screenshot(x, "journey_paused");
	xh_click(x, UI_SCREEN_RUNNING, UI_BTN_PAUSE);
	assert_true(xh_wait_state(x, s, "running", XH_TIMEOUT_MS));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_RUNNING, UI_BTN_PAUSE, THEME_SURFACE_HI, XH_TIMEOUT_MS));

	stop_mid_fill(x, s, prefix);
	assert_true(xh_wait_button(x, UI_SCREEN_FINISHED, UI_BTN_CLEANED, THEME_GO, XH_TIMEOUT_MS));
	xh_screenshot(x, "journey_finished");
	xh_click(x, UI_SCREEN_FINISHED, UI_BTN_CLEANED);
	assert_true(xh_wait_status(x, s, back_to_idle, XH_TIMEOUT_MS));
	/* Back on the overview, the station free again. */
	assert_true(xh_wait_button(x, UI_SCREEN_OVERVIEW, (enum ui_button)(UI_BTN_CARD0 + s),
	                           THEME_GO, XH_TIMEOUT_MS));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_screenshot(x, "journey_done");
	assert_true(history_has(&x->st[s], "paused"));
	xh_stop(x);
}

static void test_ui_member_journey_800x480(void **state)
{
	(void)state;
	member_journey(800, 480, "en");
	member_journey(800, 480, "de");
}

static void test_ui_member_journey_1024x600(void **state)
{
	(void)state;
	member_journey(1024, 600, "en");
	member_journey(1024, 600, "de");
}

static void test_ui_member_journey_1280x800(void **state)
{
	(void)state;
	member_journey(1280, 800, "en");
	member_journey(1280, 800, "de");
}

static void test_ui_member_journey_720x1280_portrait(void **state)
{
	(void)state;
	member_journey(720, 1280, "en");
	member_journey(720, 1280, "de");
}

/* A stop on the station's card flow mid-fill vents that station and leaves
 * the others as they were. */
static void test_ui_stop_mid_fill_vents_station(void **state)
{
	struct xh *x = &jx;
	const size_t s = JOURNEY_STATION;
	char before[XH_MAX_STATIONS][32];

	(void)state;
	if (xh_start(x, 1280, 800, 90) < 0) {
		xh_stop(x);
		fail_msg("could not start the kiosk under Xvfb");
	}
	for (size_t i = 0; i < x->station_count; i++)
		snprintf(before[i], sizeof(before[i]), "%s", x->st[i].state);
	assert_true(flow_choose_program(x, s, 0, NULL));
	assert_true(flow_begin_screening(x, s, NULL));
	assert_true(flow_answer(x, s, SIZE_MAX, NULL));
	start_session(x, s, "stop");
	stop_mid_fill(x, s, "stop");
	for (size_t i = 0; i < x->station_count; i++)
		if (i != s)
			assert_string_equal(x->st[i].state, before[i]);
	xh_stop(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_ui_member_journey_800x480, stop_harness),
	    cmocka_unit_test_teardown(test_ui_member_journey_1024x600, stop_harness),
	    cmocka_unit_test_teardown(test_ui_member_journey_1280x800, stop_harness),
	    cmocka_unit_test_teardown(test_ui_member_journey_720x1280_portrait, stop_harness),
	    cmocka_unit_test_teardown(test_ui_stop_mid_fill_vents_station, stop_harness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

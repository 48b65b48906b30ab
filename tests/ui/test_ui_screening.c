/* SPDX-License-Identifier: MIT */
/*
 * Screening through the real kiosk in Xvfb with real clicks, one station
 * per outcome: all No (session allowed), an absolute Yes (which one, then
 * blocked, kind message, no way on), a relative Yes approved with the staff
 * PIN (a wrong PIN first: the keypad waits), the idle time-out back to the
 * overview; staff mode behind the PIN (the keypad waits longer after each
 * wrong PIN) with a station's page, out of service with a reason and back;
 * the language button, which lasts one member.  Station states come from
 * the kiosk's MQTT status.  Screenshots: screening_*.png, staff_*.png.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui_flows.h"
#include "xharness.h"

#define IDLE_TIMEOUT_S 10u
#define STAFF_PIN "2468" /* the demo PIN of assets/kiosk-sim.conf */

static struct xh harness;

static int group_setup(void **state)
{
	(void)state;
	if (xh_start(&harness, 1024, 600, IDLE_TIMEOUT_S) < 0) {
		xh_stop(&harness);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	xh_stop(&harness);
	return 0;
}

static void test_ui_screening_all_no_allows_session(void **state)
{
	struct xh *x = &harness;
	const size_t s = 0;

	(void)state;
	assert_true(flow_choose_program(x, s, 0, NULL));
	assert_true(flow_begin_screening(x, s, "screening_all_no"));
	assert_true(flow_answer(x, s, SIZE_MAX, NULL));
	assert_true(xh_wait_state(x, s, "ready", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_BOOTS_ON, UI_BTN_START, THEME_GO, XH_TIMEOUT_MS));
	xh_screenshot(x, "screening_all_no_allowed");
	xh_click(x, UI_SCREEN_BOOTS_ON, UI_BTN_BACK);
	assert_true(flow_back_to_overview(x, s));
}

static void test_ui_screening_absolute_yes_blocks_with_message(void **state)
{
	struct xh *x = &harness;
	const size_t s = 1;
	size_t q = flow_first_question(x, SCREENING_ABSOLUTE);

	(void)state;
	assert_true(q != SIZE_MAX);
	assert_true(flow_choose_program(x, s, 1, NULL));
	assert_true(flow_begin_screening(x, s, NULL));
	assert_true(flow_answer(x, s, q, "screening_absolute"));
	/* The blocked screen: a neutral "Back to start" where the question
	 * screen had its blue No, and no Yes/No any more. */
	assert_true(
	    xh_wait_button(x, UI_SCREEN_BLOCKED, UI_BTN_CANCEL, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_screenshot(x, "screening_absolute_blocked");
	xh_poll(x, 300);
	assert_string_equal(x->st[s].state, "screening");
	assert_null(strstr(x->st[s].history, "ready"));
	xh_click(x, UI_SCREEN_BLOCKED, UI_BTN_CANCEL);
	assert_true(flow_back_to_overview(x, s));
	assert_null(strstr(x->st[s].history, "ready"));
}

static void test_ui_screening_relative_yes_staff_pin_allows(void **state)
{
	struct xh *x = &harness;
	const size_t s = 2;
	size_t q = flow_first_question(x, SCREENING_RELATIVE);

	(void)state;
	assert_true(q != SIZE_MAX);
	assert_true(flow_choose_program(x, s, 2, NULL));
	assert_true(flow_begin_screening(x, s, NULL));
	assert_true(flow_answer(x, s, q, "screening_relative"));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE, THEME_WARN, XH_TIMEOUT_MS));
	xh_screenshot(x, "screening_relative_needs_approval");
	assert_string_equal(x->st[s].state, "screening");

	/* A wrong PIN: refused by the core, still screening, and the keypad
	 * waits before it takes another. */
	xh_click(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE);
	assert_true(flow_type_pin(x, "1111"));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE, THEME_WARN, XH_TIMEOUT_MS));
	assert_string_equal(x->st[s].state, "screening");
	xh_click(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE);
	assert_true(xh_wait_button(x, UI_SCREEN_PIN, (enum ui_button)(UI_BTN_KEY0 + 1),
	                           THEME_DISABLED, XH_TIMEOUT_MS));
	xh_screenshot(x, "screening_relative_wrong_pin");
	xh_click(x, UI_SCREEN_PIN, UI_BTN_BACK);
	xh_click(x, UI_SCREEN_APPROVAL, UI_BTN_APPROVE);
	xh_screenshot(x, "screening_relative_pin");
	assert_true(flow_type_pin(x, STAFF_PIN));
	assert_true(xh_wait_state(x, s, "ready", XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_BOOTS_ON, UI_BTN_START, THEME_GO, XH_TIMEOUT_MS));
	xh_screenshot(x, "screening_relative_approved");
	xh_click(x, UI_SCREEN_BOOTS_ON, UI_BTN_BACK);
	assert_true(flow_back_to_overview(x, s));
}

static void test_ui_screening_idle_timeout_returns_to_overview(void **state)
{
	struct xh *x = &harness;
	const size_t s = 3;
	struct timespec t0, t1;
	double waited;

	(void)state;
	assert_true(flow_choose_program(x, s, 0, NULL));
	assert_true(flow_begin_screening(x, s, NULL));
	xh_click(x, UI_SCREEN_QUESTION, UI_BTN_NO);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Hands off: the flow must end by itself and wipe the answers. */
	assert_true(xh_wait_state(x, s, "idle", (int)(IDLE_TIMEOUT_S + 10) * 1000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(waited >= IDLE_TIMEOUT_S - 1.0);
	assert_true(flow_back_to_overview(x, s));
	xh_screenshot(x, "screening_idle_back_to_overview");
}

/* Staff mode behind the PIN: take a station out of service and back. */
static void test_ui_staff_pin_out_of_service_and_back(void **state)
{
	struct xh *x = &harness;
	const size_t s = 3;

	(void)state;
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF);
	assert_true(flow_type_pin(x, STAFF_PIN));
	/* The staff overview: Exit where the member overview has no button. */
	assert_true(
	    xh_wait_button(x, UI_SCREEN_STAFF, UI_BTN_BACK, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_screenshot(x, "staff_overview");
	xh_click(x, UI_SCREEN_STAFF, (enum ui_button)(UI_BTN_CARD0 + s));
	assert_true(xh_wait_button(x, UI_SCREEN_STAFF_STATION, UI_BTN_SERVICE, THEME_SURFACE_HI,
	                           XH_TIMEOUT_MS));
	xh_screenshot(x, "staff_station");
	xh_click(x, UI_SCREEN_STAFF_STATION, UI_BTN_SERVICE);
	/* Why: a reason from the list goes with the command. */
	x->layout_items = 5;
	assert_true(xh_wait_button(x, UI_SCREEN_SERVICE_REASON, UI_BTN_ITEM0, THEME_SURFACE_HI,
	                           XH_TIMEOUT_MS));
	xh_screenshot(x, "staff_service_reason");
	xh_click(x, UI_SCREEN_SERVICE_REASON, UI_BTN_ITEM0);
	assert_true(xh_wait_state(x, s, "out_of_service", XH_TIMEOUT_MS));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_STAFF_STATION, UI_BTN_SERVICE, THEME_GO, XH_TIMEOUT_MS));
	xh_screenshot(x, "staff_station_out_of_service");
	xh_click(x, UI_SCREEN_STAFF_STATION, UI_BTN_SERVICE);
	assert_true(xh_wait_state(x, s, "idle", XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_STAFF_STATION, UI_BTN_BACK);
	assert_true(
	    xh_wait_button(x, UI_SCREEN_STAFF, UI_BTN_BACK, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_STAFF, UI_BTN_BACK);
	assert_true(flow_back_to_overview(x, s));
}

static unsigned long long thread_ticks(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long ut = 0, st = 0;
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	if (p)
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st);
	return ut + st;
}

/* Nobody at the screen: the UI thread sleeps in SDL_WaitEventTimeout and
 * redraws nothing, so it costs next to no CPU (well under 3% even with
 * sanitizers; about 0.1% in a release build). */
static void test_ui_idle_overview_costs_almost_no_cpu(void **state)
{
	struct xh *x = &harness;
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long long t0, t1;
	const unsigned int window_s = 4;

	(void)state;
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	t0 = thread_ticks(x->app);
	sleep(window_s); /* the measuring window, not a synchronisation */
	t1 = thread_ticks(x->app);
	assert_true(t1 >= t0);
	assert_true((double)(t1 - t0) / (double)hz < 0.03 * window_s);
}

/* Voluntary context switches of the kiosk's main (UI) thread so far. */
static unsigned long long thread_wakeups(pid_t pid)
{
	char path[64], line[256];
	unsigned long long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The UI thread sleeps until an event, a snapshot or a signal: with nothing
 * happening it does not wake on a timer (polling the stop flag 5 times a
 * second would be 15 wake-ups in this window; the header clock may add 1). */
static void test_ui_idle_overview_thread_sleeps_without_polling(void **state)
{
	struct xh *x = &harness;
	unsigned long long w0, w1;
	const unsigned int window_s = 3;

	(void)state;
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	w0 = thread_wakeups(x->app);
	sleep(window_s); /* the measuring window, not a synchronisation */
	w1 = thread_wakeups(x->app);
	assert_true(w1 >= w0);
	assert_true(w1 - w0 <= 4);
}

/* Wrong staff PINs: the keypad is off for a while after each, longer the
 * second time; the right PIN still opens staff mode. */
static void test_ui_staff_wrong_pin_waits_longer_each_time(void **state)
{
	struct xh *x = &harness;
	const enum ui_button one = (enum ui_button)(UI_BTN_KEY0 + 1);
	struct timespec t0, t1;
	double first, second;

	(void)state;
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF);
	assert_true(flow_type_pin(x, "1111"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(xh_wait_button(x, UI_SCREEN_PIN, one, THEME_DISABLED, XH_TIMEOUT_MS));
	xh_screenshot(x, "staff_pin_wrong_waits");
	assert_true(xh_wait_button(x, UI_SCREEN_PIN, one, THEME_SURFACE_HI, 10000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	first = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(flow_type_pin(x, "2222"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(xh_wait_button(x, UI_SCREEN_PIN, one, THEME_DISABLED, XH_TIMEOUT_MS));
	assert_true(xh_wait_button(x, UI_SCREEN_PIN, one, THEME_SURFACE_HI, 15000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	second = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("keypad off for %.1f s, then %.1f s\n", first, second);
	assert_true(first >= 1.0);
	assert_true(second > first + 1.0);
	assert_true(flow_type_pin(x, STAFF_PIN));
	assert_true(
	    xh_wait_button(x, UI_SCREEN_STAFF, UI_BTN_BACK, THEME_SURFACE_HI, XH_TIMEOUT_MS));
	xh_click(x, UI_SCREEN_STAFF, UI_BTN_BACK);
	assert_true(
	    xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS));
}

/* The language button changes the screen's words for this member; when
 * the station they used goes back to idle, the site's language returns. */
static void test_ui_language_button_lasts_one_member(void **state)
{
	struct xh *x = &harness;
	const size_t s = 1;
	struct ui_layout l;
	struct ui_layout_input in = {.station_count = x->station_count,
	                             .program_count = x->programs.count};
	unsigned long en, de, sum = 0;

	(void)state;
	ui_layout_compute(&l, &x->m, UI_SCREEN_OVERVIEW, &in);
	assert_true(flow_back_to_overview(x, s));
	en = xh_region_sum(x, l.area[UI_AREA_TITLE]);
	xh_click(x, UI_SCREEN_OVERVIEW, UI_BTN_LANGUAGE);
	for (int i = 0; i < 200 && (sum = xh_region_sum(x, l.area[UI_AREA_TITLE])) == en; i++)
		xh_poll(x, 20);
	de = sum;
	assert_true(de != en);
	xh_screenshot(x, "language_switched");
	/* The member's visit in their language... */
	assert_true(flow_choose_program(x, s, 0, NULL));
	xh_screenshot(x, "language_switched_adjust");
	xh_click(x, UI_SCREEN_ADJUST, UI_BTN_BACK);
	/* ...ends with the station idle: the overview speaks the site's again. */
	assert_true(flow_back_to_overview(x, s));
	for (int i = 0; i < 200 && (sum = xh_region_sum(x, l.area[UI_AREA_TITLE])) != en; i++)
		xh_poll(x, 20);
	assert_true(sum == en);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ui_screening_all_no_allows_session),
	    cmocka_unit_test(test_ui_screening_absolute_yes_blocks_with_message),
	    cmocka_unit_test(test_ui_screening_relative_yes_staff_pin_allows),
	    cmocka_unit_test(test_ui_screening_idle_timeout_returns_to_overview),
	    cmocka_unit_test(test_ui_staff_pin_out_of_service_and_back),
	    cmocka_unit_test(test_ui_staff_wrong_pin_waits_longer_each_time),
	    cmocka_unit_test(test_ui_language_button_lasts_one_member),
	    cmocka_unit_test(test_ui_idle_overview_costs_almost_no_cpu),
	    cmocka_unit_test(test_ui_idle_overview_thread_sleeps_without_polling),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * ui_create / ui_run / ui_destroy without an X server: no display gives
 * NULL and a message saying what to do; SDL's dummy video driver gives a
 * working UI whose loop returns as soon as the stop flag is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "ui_fixture.h"

static struct ui_params params(struct ui_fixture *fx)
{
	struct ui_params p;

	memset(&p, 0, sizeof(p));
	p.config = &fx->config;
	p.programs = &fx->programs;
	p.screening = &fx->screening;
	p.controller = NULL; /* no controller: the UI shows "Starting up" */
	p.assets_dir = KIOSK_SOURCE_ASSETS;
	return p;
}

static void test_ui_create_without_display_fails_with_message(void **state)
{
	static struct ui_fixture fx;
	struct ui_params p;
	char err[256] = "";
	struct ui *ui;

	(void)state;
	ui_fixture_init(&fx, 800, 480, 1);
	p = params(&fx);
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	setenv("SDL_VIDEODRIVER", "x11", 1);
	ui = ui_create(&p, err, sizeof(err));
	assert_null(ui);
	assert_non_null(strstr(err, "no display"));
	assert_non_null(strstr(err, "--headless"));
}

static void test_ui_create_bad_assets_dir_names_the_font(void **state)
{
	static struct ui_fixture fx;
	struct ui_params p;
	char err[512] = "";

	(void)state;
	ui_fixture_init(&fx, 800, 480, 1);
	p = params(&fx);
	p.assets_dir = "/nonexistent-kiosk-assets";
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	assert_null(ui_create(&p, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-kiosk-assets/fonts/DejaVuSans.ttf"));
}

static void test_ui_run_returns_when_stop_is_set(void **state)
{
	static struct ui_fixture fx;
	struct ui_params p;
	char err[256] = "";
	struct ui *ui;
	volatile sig_atomic_t stop = 1;

	(void)state;
	ui_fixture_init(&fx, 1024, 600, 4);
	p = params(&fx);
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	ui = ui_create(&p, err, sizeof(err));
	if (!ui)
		fail_msg("ui_create on the dummy driver: %s", err);
	assert_int_equal(ui_run(ui, &stop), 0);
	ui_destroy(ui);
	ui_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ui_create_without_display_fails_with_message),
	    cmocka_unit_test(test_ui_create_bad_assets_dir_names_the_font),
	    cmocka_unit_test(test_ui_run_returns_when_stop_is_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The real kiosk's touchscreen for the browser tests: starts the kiosk
 * (--sim, not headless) under a private Xvfb on the test's broker, with the
 * test's kiosk.conf, through the UI harness (tests/ui/xharness.h), and then
 * takes one command a line on stdin, answering one line on stdout:
 *
 *   start <station> <program>  a member's session with real clicks: the
 *                              station's card, program <program> (0-based,
 *                              first page), Continue, "No" to every
 *                              screening question, Start; answers
 *                              "ok running" once the station runs
 *   state <station> <state> <timeout_ms>
 *                              "ok <state>" once the station's MQTT status
 *                              says so, else "fail <what it is>"
 *   overview <station>         "ok" once the overview shows the station free
 *   shot <name>                a screenshot of the screen ("ok")
 *   quit                       SIGTERM to the kiosk, then tears down:
 *                              "bye <the kiosk's wait status>"
 *
 * Its first line is "ready <kiosk.conf> <state_dir> <kiosk log>", or "fail
 * ..." when the kiosk did not come up.  End of input tears down as quit.
 *
 *   web_ui_driver --port N --template FILE [--user U --password P] [--size WxH]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_flows.h"
#include "xharness.h"

/* One answer line: "ok" or "fail", then what (may be NULL). */
static void answer(const char *status, const char *what)
{
	printf("%s%s%s\n", status, what ? " " : "", what ? what : "");
	fflush(stdout);
}

/* Boots on -> Start -> running, as tests/ui/test_ui_journey.c does it. */
static const char *start_session(struct xh *x, size_t s, size_t program)
{
	if (!flow_choose_program(x, s, program, NULL))
		return "the program was not chosen";
	if (!flow_begin_screening(x, s, NULL))
		return "the screening did not begin";
	if (!flow_answer(x, s, SIZE_MAX, NULL))
		return "the screening was not answered";
	if (!xh_wait_state(x, s, "ready", XH_TIMEOUT_MS))
		return "the station did not get ready";
	if (!xh_wait_button(x, UI_SCREEN_BOOTS_ON, UI_BTN_START, THEME_GO, XH_TIMEOUT_MS))
		return "Start was not drawn";
	xh_click(x, UI_SCREEN_BOOTS_ON, UI_BTN_START);
	if (!xh_wait_state(x, s, "running", XH_TIMEOUT_MS))
		return "the session did not start";
	return NULL;
}

int main(int argc, char **argv)
{
	struct xh_options o = {.idle_timeout_s = 120};
	int w = 1024, h = 600;
	char line[256];
	struct xh x;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			o.broker_port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--template") == 0)
			o.config_template = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			o.sub_username = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			o.sub_password = argv[i + 1];
		else if (strcmp(argv[i], "--size") == 0 &&
		         sscanf(argv[i + 1], "%dx%d", &w, &h) == 2)
			continue;
		else {
			fprintf(stderr, "web_ui_driver: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (o.broker_port <= 0 || !o.config_template) {
		fprintf(stderr, "web_ui_driver: --port and --template are required\n");
		return 2;
	}
	if (xh_start_with(&x, w, h, &o) < 0) {
		fprintf(stderr, "web_ui_driver: see %s\n", x.app_log);
		answer("fail", "the kiosk did not come up under Xvfb");
		xh_stop(&x);
		return 1;
	}
	printf("ready %s/kiosk.conf %s %s\n", x.dir, x.state_dir, x.app_log);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		unsigned int station = 0, program = 0, timeout = 0;
		char word[64] = "";
		if (sscanf(line, "start %u %u", &station, &program) == 2 && station >= 1 &&
		    station <= x.station_count) {
			const char *why = start_session(&x, station - 1u, program);
			answer(why ? "fail" : "ok", why ? why : "running");
		} else if (sscanf(line, "state %u %63s %u", &station, word, &timeout) == 3 &&
		           station >= 1 && station <= x.station_count) {
			bool ok = xh_wait_state(&x, station - 1u, word, (int)timeout);
			answer(ok ? "ok" : "fail", ok ? word : x.st[station - 1u].state);
		} else if (sscanf(line, "overview %u", &station) == 1 && station >= 1 &&
		           station <= x.station_count) {
			bool ok = flow_back_to_overview(&x, station - 1u);
			answer(ok ? "ok" : "fail", ok ? NULL : "the overview was not drawn");
		} else if (sscanf(line, "shot %63s", word) == 1) {
			xh_screenshot(&x, word);
			answer("ok", NULL);
		} else if (strncmp(line, "quit", 4) == 0) {
			break;
		} else {
			line[strcspn(line, "\n")] = '\0';
			answer("fail unknown command:", line);
		}
	}
	int status = xh_stop_app(&x, 10000);
	xh_stop(&x);
	printf("bye %d\n", status);
	fflush(stdout);
	return 0;
}

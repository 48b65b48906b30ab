/* SPDX-License-Identifier: MIT */
#include "ui_flows.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void shot(struct xh *x, const char *prefix, const char *name)
{
	char buf[128];
	if (!prefix)
		return;
	snprintf(buf, sizeof(buf), "%s_%s", prefix, name);
	xh_screenshot(x, buf);
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "flow: " __VA_ARGS__);                                     \
			fprintf(stderr, "\n");                                                     \
			return false;                                                              \
		}                                                                                  \
	} while (0)

bool flow_choose_program(struct xh *x, size_t station, size_t program, const char *prefix)
{
	enum ui_button card = (enum ui_button)(UI_BTN_CARD0 + station);

	CHECK(xh_wait_button(x, UI_SCREEN_OVERVIEW, card, THEME_GO, XH_TIMEOUT_MS),
	      "station %zu card is not drawn as free", station + 1);
	shot(x, prefix, "overview");
	xh_click(x, UI_SCREEN_OVERVIEW, card);
	CHECK(xh_wait_button(x, UI_SCREEN_PROGRAMS, UI_BTN_BACK, THEME_SURFACE_HI, XH_TIMEOUT_MS) &&
	          xh_wait_button(x, UI_SCREEN_PROGRAMS, (enum ui_button)(UI_BTN_PROGRAM0 + program),
	                         THEME_SURFACE, XH_TIMEOUT_MS),
	      "program list not drawn");
	CHECK(strcmp(x->st[station].state, "idle") == 0, "station left idle before a choice");
	shot(x, prefix, "programs");
	xh_click(x, UI_SCREEN_PROGRAMS, (enum ui_button)(UI_BTN_PROGRAM0 + program));
	CHECK(xh_wait_state(x, station, "setup", XH_TIMEOUT_MS), "program choice not taken");
	CHECK(xh_wait_button(x, UI_SCREEN_ADJUST, UI_BTN_CONTINUE, THEME_GO, XH_TIMEOUT_MS),
	      "adjust screen not drawn");
	shot(x, prefix, "adjust");
	return true;
}

bool flow_begin_screening(struct xh *x, size_t station, const char *prefix)
{
	xh_click(x, UI_SCREEN_ADJUST, UI_BTN_CONTINUE);
	CHECK(xh_wait_state(x, station, "screening", XH_TIMEOUT_MS), "screening did not begin");
	CHECK(xh_wait_button(x, UI_SCREEN_QUESTION, UI_BTN_YES, THEME_PRIMARY, XH_TIMEOUT_MS),
	      "first question not drawn");
	shot(x, prefix, "question");
	return true;
}

/* The progress bar shows question i: segment i filled, segment i+1 not. */
bool flow_wait_question(struct xh *x, size_t i)
{
	struct ui_layout l;
	struct ui_layout_input in = {x->station_count, x->programs.count, 0};
	struct ui_rect bar;
	unsigned int n = (unsigned int)x->screening.count;
	int y;

	ui_layout_compute(&l, &x->m, UI_SCREEN_QUESTION, &in);
	bar = l.area[UI_AREA_PROGRESS_BAR];
	y = bar.y + bar.h / 2;
	{
		int lo = ui_progress_fill_w(bar.w, (unsigned int)i, n);
		int prev = i ? ui_progress_fill_w(bar.w, (unsigned int)i - 1, n) : 0;
		int next = ui_progress_fill_w(bar.w, (unsigned int)i + 1, n);
		int x_in = bar.x + (prev + lo) / 2;
		int x_out = bar.x + (lo + next) / 2;

		if (!xh_wait_pixel(x, x_in, y, theme_color(THEME_WAVE_FILL), XH_TIMEOUT_MS))
			return false;
		if (i + 1 < n &&
		    !xh_wait_pixel(x, x_out, y, theme_color(THEME_SURFACE_HI), XH_TIMEOUT_MS))
			return false;
	}
	return xh_wait_button(x, UI_SCREEN_QUESTION, UI_BTN_YES, THEME_PRIMARY, XH_TIMEOUT_MS);
}

bool flow_answer(struct xh *x, size_t station, size_t yes_index, const char *prefix)
{
	for (size_t i = 0; i < x->screening.count; i++) {
		enum screening_class cls = x->screening.items[i].cls;
		bool yes = i == yes_index || cls == SCREENING_ACKNOWLEDGE;

		CHECK(flow_wait_question(x, i), "question %zu never shown", i + 1);
		CHECK(strcmp(x->st[station].state, "screening") == 0, "station left screening");
		if (i == yes_index)
			shot(x, prefix, "question_yes");
		xh_click(x, UI_SCREEN_QUESTION, yes ? UI_BTN_YES : UI_BTN_NO);
		if (yes && cls == SCREENING_ABSOLUTE)
			break;
	}
	return true;
}

bool flow_back_to_overview(struct xh *x, size_t station)
{
	CHECK(xh_wait_state(x, station, "idle", XH_TIMEOUT_MS),
	      "station %zu did not go back to idle", station + 1);
	CHECK(xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, XH_TIMEOUT_MS),
	      "overview not drawn");
	CHECK(xh_wait_button(x, UI_SCREEN_OVERVIEW, (enum ui_button)(UI_BTN_CARD0 + station),
	                     THEME_GO, XH_TIMEOUT_MS),
	      "station %zu card is not drawn as free", station + 1);
	return true;
}

bool flow_type_pin(struct xh *x, const char *pin)
{
	CHECK(xh_wait_button(x, UI_SCREEN_PIN, UI_BTN_KEY0 + 1, THEME_SURFACE_HI, XH_TIMEOUT_MS),
	      "keypad not drawn");
	for (const char *p = pin; *p; p++) {
		xh_click(x, UI_SCREEN_PIN, (enum ui_button)(UI_BTN_KEY0 + (*p - '0')));
		if (p == pin)
			CHECK(xh_wait_button(x, UI_SCREEN_PIN, UI_BTN_KEY_OK, THEME_GO,
			                     XH_TIMEOUT_MS),
			      "OK did not light up after the first digit");
	}
	xh_click(x, UI_SCREEN_PIN, UI_BTN_KEY_OK);
	return true;
}

size_t flow_first_question(const struct xh *x, enum screening_class cls)
{
	for (size_t i = 0; i < x->screening.count; i++)
		if (x->screening.items[i].cls == cls)
			return i;
	return SIZE_MAX;
}

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
	x->layout_zones = x->config->stations[station].pins.zone_count;
	xh_click(x, UI_SCREEN_PROGRAMS, (enum ui_button)(UI_BTN_PROGRAM0 + program));
	CHECK(xh_wait_state(x, station, "setup", XH_TIMEOUT_MS), "program choice not taken");
	CHECK(xh_wait_button(x, UI_SCREEN_ADJUST, UI_BTN_CONTINUE, THEME_GO, XH_TIMEOUT_MS),
	      "adjust screen not drawn");
	shot(x, prefix, "adjust");
	return true;
}

bool flow_begin_screening(struct xh *x, size_t station, const char *prefix)
{
	struct screening_unit u;

	xh_click(x, UI_SCREEN_ADJUST, UI_BTN_CONTINUE);
	CHECK(xh_wait_state(x, station, "screening", XH_TIMEOUT_MS), "screening did not begin");
	screening_unit_of(&x->screening, 0, &u);
	CHECK(flow_wait_unit(x, 0, u.total,
	                     u.kind == UNIT_AGREE ? UI_SCREEN_AGREE : UI_SCREEN_QUESTION),
	      "first question not drawn");
	shot(x, prefix, "question");
	return true;
}

bool flow_wait_unit(struct xh *x, size_t number, size_t total, enum ui_screen s)
{
	struct ui_layout l;
	struct ui_layout_input in = {.station_count = x->station_count,
	                             .program_count = x->programs.count};
	struct ui_rect bar;
	unsigned int n = (unsigned int)total, i = (unsigned int)number;
	int y;

	ui_layout_compute(&l, &x->m, UI_SCREEN_QUESTION, &in);
	bar = l.area[UI_AREA_PROGRESS_BAR];
	y = bar.y + bar.h / 2;
	{
		int lo = ui_progress_fill_w(bar.w, i, n);
		int prev = i ? ui_progress_fill_w(bar.w, i - 1, n) : 0;
		int next = ui_progress_fill_w(bar.w, i + 1, n);
		int x_in = bar.x + (prev + lo) / 2;
		int x_out = bar.x + (lo + next) / 2;

		if (!xh_wait_pixel(x, x_in, y, theme_color(THEME_WAVE_FILL), XH_TIMEOUT_MS))
			return false;
		if (i + 1 < n &&
		    !xh_wait_pixel(x, x_out, y, theme_color(THEME_SURFACE_HI), XH_TIMEOUT_MS))
			return false;
	}
	return xh_wait_button(x, s, UI_BTN_YES, s == UI_SCREEN_AGREE ? THEME_GO : THEME_PRIMARY,
	                      XH_TIMEOUT_MS);
}

bool flow_wait_which(struct xh *x, size_t items)
{
	x->layout_items = items;
	return xh_wait_button(x, UI_SCREEN_WHICH, UI_BTN_NO, THEME_PRIMARY, XH_TIMEOUT_MS) &&
	       xh_wait_button(x, UI_SCREEN_WHICH, UI_BTN_ITEM0, THEME_SURFACE_HI, XH_TIMEOUT_MS);
}

bool flow_answer(struct xh *x, size_t station, size_t yes_index, const char *prefix)
{
	for (size_t q = 0; q < x->screening.count;) {
		struct screening_unit u;
		enum ui_screen s;
		bool yes_here;

		screening_unit_of(&x->screening, q, &u);
		s = u.kind == UNIT_AGREE ? UI_SCREEN_AGREE : UI_SCREEN_QUESTION;
		yes_here = yes_index >= u.first && yes_index < u.first + u.count;
		CHECK(flow_wait_unit(x, u.number, u.total, s), "screen %zu of %zu never shown",
		      u.number + 1, u.total);
		CHECK(strcmp(x->st[station].state, "screening") == 0, "station left screening");
		if (u.kind == UNIT_AGREE) {
			shot(x, prefix, "agree");
			xh_click(x, s, UI_BTN_YES);
		} else if (!yes_here) {
			if (u.number == 0)
				shot(x, prefix, "question_group");
			xh_click(x, s, UI_BTN_NO);
		} else if (u.kind == UNIT_SINGLE) {
			shot(x, prefix, "question_yes");
			xh_click(x, s, UI_BTN_YES);
		} else {
			size_t end = u.first + u.count;

			xh_click(x, s, UI_BTN_YES);
			CHECK(flow_wait_which(x, u.count), "which-one screen not drawn");
			shot(x, prefix, "which");
			xh_click(x, UI_SCREEN_WHICH,
			         (enum ui_button)(UI_BTN_ITEM0 + yes_index - u.first));
			if (x->screening.items[yes_index].cls == SCREENING_ABSOLUTE)
				return true;
			if (yes_index + 1 < end) {
				/* The rest of the group: anything else?  No. */
				CHECK(flow_wait_which(x, end - yes_index - 1),
				      "rest of the group not asked");
				shot(x, prefix, "which_rest");
				xh_click(x, UI_SCREEN_WHICH, UI_BTN_NO);
			}
		}
		if (yes_here && x->screening.items[yes_index].cls == SCREENING_ABSOLUTE)
			return true;
		q = u.first + u.count;
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

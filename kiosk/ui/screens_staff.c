/* SPDX-License-Identifier: MIT */
/* Staff mode (entered with the staff PIN): every station, and per station
 * reset fault, confirm cleaning, stop, out of service / back in service. */
#include "ui/view_private.h"

#include <stdio.h>

static void staff_draw(struct ui_view *v)
{
	widget_header(v, "Staff mode: choose a station", "Exit", NULL, theme_color(THEME_WARN));
	screen_draw_station_cards(v, true);
}

static void staff_press(struct ui_view *v, enum ui_button b)
{
	if (b == UI_BTN_BACK) {
		view_go_overview(v);
	} else if (b >= UI_BTN_CARD0 && b < UI_BTN_CARD0 + UI_MAX_CARDS) {
		v->staff_station = (int)(b - UI_BTN_CARD0);
		v->dirty = true;
	}
}

const struct screen_ops screen_staff_ops = {.draw = staff_draw, .press = staff_press};

static bool session_state(enum station_state s)
{
	return s == STATION_RUNNING || s == STATION_PAUSED;
}

static bool flow_state(enum station_state s)
{
	return s == STATION_SETUP || s == STATION_SCREENING || s == STATION_READY;
}

static void staff_station_draw(struct ui_view *v)
{
	const struct station_snapshot *st = view_station(v, v->staff_station);
	struct ui_rect m = v->layout.area[UI_AREA_MESSAGE];
	char title[96], line[256];
	int y, lh;

	if (!st)
		return;
	snprintf(title, sizeof(title), "Staff: %s", st->name);
	widget_header(v, title, "Back", NULL, theme_color(THEME_WARN));
	draw_round_rect(v->r, m, v->m.radius, theme_color(THEME_SURFACE));
	y = m.y + v->m.pad;
	lh = text_line_height(v->text, UI_FONT_TITLE);
	{
		int pw, ph;
		const char *label = theme_state_label(st->state);
		text_size(v->text, UI_FONT_BODY_BOLD, label, &pw, &ph);
		widget_pill(v,
		            (struct ui_rect){m.x + v->m.pad, y, pw + 2 * v->m.gap, ph + v->m.gap},
		            label, theme_state_color(st->state), UI_FONT_BODY_BOLD);
		y += ph + v->m.gap * 2;
	}
	if (st->state == STATION_FAULT)
		snprintf(line, sizeof(line), "Fault: %s. %s", fault_code_name(st->fault),
		         st->fault_message[0] ? st->fault_message : fault_code_message(st->fault));
	else if (session_state(st->state) || st->state == STATION_VENTING)
		snprintf(line, sizeof(line), "%s, %u:%02u left, %.0f mmHg now", st->program_name,
		         st->remaining_s / 60, st->remaining_s % 60, st->manifold_mmhg);
	else
		snprintf(line, sizeof(line), "Manifold %.0f mmHg.%s", st->manifold_mmhg,
		         st->has_sensor ? "" : " No pressure sensor.");
	text_draw_wrapped(
	    v->text, UI_FONT_BODY, theme_color(THEME_TEXT), line,
	    (struct ui_rect){m.x + v->m.pad, y, m.w - 2 * v->m.pad, m.y + m.h - y - v->m.pad},
	    TEXT_LEFT, 0);
	(void)lh;
	widget_button(v, UI_BTN_RESET_FAULT, "Reset fault", THEME_STOP, st->state == STATION_FAULT);
	widget_button(v, UI_BTN_STAFF_CLEANED, "Confirm cleaned", THEME_GO,
	              st->state == STATION_NEEDS_CLEANING);
	widget_button(v, UI_BTN_STAFF_STOP,
	              flow_state(st->state) ? "Cancel set-up" : "Stop session", THEME_STOP,
	              session_state(st->state) || flow_state(st->state));
	if (st->state == STATION_OUT_OF_SERVICE)
		widget_button(v, UI_BTN_SERVICE, "Back in service", THEME_GO, true);
	else
		widget_button(v, UI_BTN_SERVICE, "Out of service", THEME_SURFACE_HI,
		              st->state == STATION_IDLE || flow_state(st->state) ||
		                  st->state == STATION_NEEDS_CLEANING);
}

static void staff_station_press(struct ui_view *v, enum ui_button b)
{
	const struct station_snapshot *st = view_station(v, v->staff_station);
	int i = v->staff_station;

	if (!st)
		return;
	switch (b) {
	case UI_BTN_BACK:
		v->staff_station = -1;
		v->dirty = true;
		break;
	case UI_BTN_RESET_FAULT:
		view_submit_simple(v, CMD_RESET_FAULT, i);
		break;
	case UI_BTN_STAFF_CLEANED:
		view_submit_simple(v, CMD_CLEANED, i);
		break;
	case UI_BTN_STAFF_STOP:
		view_submit_simple(v, flow_state(st->state) ? CMD_CANCEL : CMD_STOP, i);
		break;
	case UI_BTN_SERVICE:
		view_submit_simple(
		    v, st->state == STATION_OUT_OF_SERVICE ? CMD_IN_SERVICE : CMD_OUT_OF_SERVICE,
		    i);
		break;
	default:
		break;
	}
}

const struct screen_ops screen_staff_station_ops = {.draw = staff_station_draw,
                                                    .press = staff_station_press};

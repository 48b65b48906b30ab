/* SPDX-License-Identifier: MIT */
/* Staff mode (entered with the staff PIN): every station, and per station
 * reset fault, confirm cleaning, stop, out of service / back in service. */
#include "ui/screens_staff.h"

#include "ui/model.h"
#include "ui/screens_member.h"
#include "ui/widgets.h"

#include <stdio.h>

static void staff_draw(struct ui_model *md, struct ui_canvas *cv)
{
	widget_header(cv, "Staff mode: choose a station", "Exit", NULL, theme_color(THEME_WARN));
	screen_draw_station_cards(md, cv, true);
}

static void staff_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_go_overview(md);
	} else if (b >= UI_BTN_CARD0 && b < UI_BTN_CARD0 + UI_MAX_CARDS) {
		md->staff_station = (int)(b - UI_BTN_CARD0);
		md->dirty = true;
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

static void staff_station_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->staff_station);
	struct ui_rect m = cv->layout.area[UI_AREA_MESSAGE];
	char title[96], line[256];
	int y, lh;

	if (!st)
		return;
	snprintf(title, sizeof(title), "Staff: %s", st->name);
	widget_header(cv, title, "Back", NULL, theme_color(THEME_WARN));
	draw_round_rect(cv->r, m, cv->m.radius, theme_color(THEME_SURFACE));
	y = m.y + cv->m.pad;
	lh = text_line_height(cv->text, UI_FONT_TITLE);
	{
		int pw, ph;
		const char *label = theme_state_label(st->state);
		text_size(cv->text, UI_FONT_BODY_BOLD, label, &pw, &ph);
		widget_pill(
		    cv, (struct ui_rect){m.x + cv->m.pad, y, pw + 2 * cv->m.gap, ph + cv->m.gap},
		    label, theme_state_color(st->state), UI_FONT_BODY_BOLD);
		y += ph + cv->m.gap * 2;
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
	    cv->text, UI_FONT_BODY, theme_color(THEME_TEXT), line,
	    (struct ui_rect){m.x + cv->m.pad, y, m.w - 2 * cv->m.pad, m.y + m.h - y - cv->m.pad},
	    TEXT_LEFT, 0);
	(void)lh;
	widget_button(cv, UI_BTN_RESET_FAULT, "Reset fault", THEME_STOP,
	              st->state == STATION_FAULT);
	widget_button(cv, UI_BTN_STAFF_CLEANED, "Confirm cleaned", THEME_GO,
	              st->state == STATION_NEEDS_CLEANING);
	widget_button(cv, UI_BTN_STAFF_STOP,
	              flow_state(st->state) ? "Cancel set-up" : "Stop session", THEME_STOP,
	              session_state(st->state) || flow_state(st->state));
	if (st->state == STATION_OUT_OF_SERVICE)
		widget_button(cv, UI_BTN_SERVICE, "Back in service", THEME_GO, true);
	else
		widget_button(cv, UI_BTN_SERVICE, "Out of service", THEME_SURFACE_HI,
		              st->state == STATION_IDLE || flow_state(st->state) ||
		                  st->state == STATION_NEEDS_CLEANING);
}

static void staff_station_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	const struct station_snapshot *st = model_station(md, md->staff_station);
	int i = md->staff_station;

	if (!st)
		return;
	switch (b) {
	case UI_BTN_BACK:
		md->staff_station = -1;
		md->dirty = true;
		break;
	case UI_BTN_RESET_FAULT:
		model_submit_simple(md, CMD_RESET_FAULT, i);
		break;
	case UI_BTN_STAFF_CLEANED:
		model_submit_simple(md, CMD_CLEANED, i);
		break;
	case UI_BTN_STAFF_STOP:
		model_submit_simple(md, flow_state(st->state) ? CMD_CANCEL : CMD_STOP, i);
		break;
	case UI_BTN_SERVICE:
		model_submit_simple(
		    md, st->state == STATION_OUT_OF_SERVICE ? CMD_IN_SERVICE : CMD_OUT_OF_SERVICE,
		    i);
		break;
	default:
		break;
	}
}

const struct screen_ops screen_staff_station_ops = {.draw = staff_station_draw,
                                                    .press = staff_station_press};

/* SPDX-License-Identifier: MIT */
/* Screening question, blocked, staff approval and the PIN keypad.  The UI
 * never holds an answer: each press is one CMD_ANSWER for the question the
 * snapshot says is being asked. */
#include "ui/view_private.h"

#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/screening.h"

static void header_for(struct ui_view *v, const struct station_snapshot *st, const char *what,
                       const char *back)
{
	char title[96];
	snprintf(title, sizeof(title), "%s: %s", st->name, what);
	widget_header(v, title, back, NULL, theme_state_color(st->state));
}

static void question_draw(struct ui_view *v)
{
	const struct station_snapshot *st = view_station(v, v->station);
	struct ui_rect pr = v->layout.area[UI_AREA_PROGRESS];
	struct ui_rect mr = v->layout.area[UI_AREA_MESSAGE];
	const char *text = "";
	char progress[64];
	static const enum ui_font fonts[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD,
	                                     UI_FONT_BODY, UI_FONT_SMALL};

	if (!st)
		return;
	header_for(v, st, "health check", "Back");
	if (v->p.screening && st->screening_index < v->p.screening->count) {
		const struct screening_question *q = &v->p.screening->items[st->screening_index];
		text = screening_question_text(q, v->p.screening, v->p.config->display.language);
		if (!text)
			text = q->text[0];
	}
	v->drawn_question = st->screening_index;
	snprintf(progress, sizeof(progress), "Question %u of %u", st->screening_index + 1,
	         st->screening_count);
	text_draw(v->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), progress, pr.x, pr.y,
	          TEXT_LEFT);
	{
		struct ui_rect bar = v->layout.area[UI_AREA_PROGRESS_BAR];
		struct ui_rect fill = bar;

		draw_round_rect(v->r, bar, bar.h / 2, theme_color(THEME_SURFACE_HI));
		fill.w = ui_progress_fill_w(bar.w, st->screening_index, st->screening_count);
		draw_round_rect(v->r, fill, fill.h / 2, theme_color(THEME_WAVE_FILL));
	}
	{
		struct ui_rect tr = {mr.x + v->m.pad, mr.y, mr.w - 2 * v->m.pad, mr.h};
		enum ui_font f = text_fit(v->text, fonts, 5, text, tr);
		text_draw_wrapped(v->text, f, theme_color(THEME_TEXT), text, tr, TEXT_CENTER, 1);
	}
	widget_button_font(v, UI_BTN_NO, "No", THEME_PRIMARY, true, UI_FONT_LARGE);
	widget_button_font(v, UI_BTN_YES, "Yes", THEME_PRIMARY, true, UI_FONT_LARGE);
}

static void question_press(struct ui_view *v, enum ui_button b)
{
	const struct station_snapshot *st = view_station(v, v->station);
	struct command cmd;

	/* Only the question the member has seen: a quick second tap after the
	 * core moved on must not answer the next one unseen. */
	if (!st || st->screening_index != v->drawn_question)
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.station = (unsigned int)v->station;
	if (b == UI_BTN_BACK) {
		cmd.action = CMD_SCREENING_BACK;
	} else if (b == UI_BTN_YES || b == UI_BTN_NO) {
		cmd.action = CMD_ANSWER;
		cmd.question = st->screening_index;
		cmd.yes = b == UI_BTN_YES;
	} else {
		return;
	}
	view_submit(v, &cmd);
}

const struct screen_ops screen_question_ops = {.draw = question_draw, .press = question_press};

static void blocked_draw(struct ui_view *v)
{
	const struct station_snapshot *st = view_station(v, v->station);

	if (!st)
		return;
	header_for(v, st, "health check", NULL);
	widget_message(v, v->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_INFO,
	               "Please don't use the boots today",
	               "For your safety we can't start a session with the answers you gave. "
	               "Please talk to a member of staff or your doctor before using "
	               "compression. Your answers have not been kept.");
	widget_button(v, UI_BTN_CANCEL, "Back to start", THEME_SURFACE_HI, true);
}

static void blocked_press(struct ui_view *v, enum ui_button b)
{
	if (b == UI_BTN_CANCEL)
		view_cancel_flow(v);
}

const struct screen_ops screen_blocked_ops = {.draw = blocked_draw, .press = blocked_press};

static void approval_draw(struct ui_view *v)
{
	const struct station_snapshot *st = view_station(v, v->station);

	if (!st)
		return;
	header_for(v, st, "health check", NULL);
	widget_message(v, v->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_ALERT,
	               "Please check with staff first",
	               "One of your answers means a doctor's advice is recommended before "
	               "using compression. A trained member of staff can approve your session "
	               "with their PIN. Your answers have not been kept.");
	widget_button(v, UI_BTN_CANCEL, "Cancel", THEME_SURFACE_HI, true);
	widget_button(v, UI_BTN_APPROVE, "Staff approval", THEME_WARN, true);
}

static void approval_press(struct ui_view *v, enum ui_button b)
{
	if (b == UI_BTN_CANCEL) {
		view_cancel_flow(v);
	} else if (b == UI_BTN_APPROVE) {
		view_open_pin(v, PIN_FOR_APPROVAL, v->station);
	}
}

const struct screen_ops screen_approval_ops = {.draw = approval_draw, .press = approval_press};

/* ---- PIN keypad ---- */

static void pin_draw(struct ui_view *v)
{
	struct ui_rect d = v->layout.area[UI_AREA_DOTS];
	struct ui_rect msg = v->layout.area[UI_AREA_MESSAGE];
	bool approval = v->pin_purpose == PIN_FOR_APPROVAL;
	size_t slots = v->pin_len > 4 ? v->pin_len : 4;
	float rad = (float)d.h * 0.16f;
	float step = rad * 3.2f;
	float x0 = (float)d.x + (float)d.w / 2 - step * (float)(slots - 1) / 2;
	char label[2] = {0, 0};

	widget_header(v, approval ? "Staff approval" : "Staff mode", "Cancel", NULL,
	              theme_color(THEME_WARN));
	text_draw_wrapped(v->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
	                  approval ? "Staff: enter your PIN to approve this session"
	                           : "Enter the staff PIN",
	                  msg, TEXT_CENTER, 1);
	for (size_t i = 0; i < slots; i++) {
		float cx = x0 + step * (float)i, cy = (float)d.y + (float)d.h / 2;
		if (i < v->pin_len)
			draw_circle(v->r, cx, cy, rad, theme_color(THEME_TEXT));
		else
			draw_ring(v->r, cx, cy, rad, rad * 0.3f, theme_color(THEME_OUTLINE));
	}
	for (int k = 0; k < 10; k++) {
		label[0] = (char)('0' + k);
		widget_button_font(v, (enum ui_button)(UI_BTN_KEY0 + k), label, THEME_SURFACE_HI,
		                   true, UI_FONT_LARGE);
	}
	widget_button_font(v, UI_BTN_KEY_DEL, "Delete", THEME_SURFACE_HI, v->pin_len > 0,
	                   UI_FONT_BODY_BOLD);
	widget_button_font(v, UI_BTN_KEY_OK, "OK", THEME_GO, v->pin_len > 0, UI_FONT_LARGE);
}

static void pin_press(struct ui_view *v, enum ui_button b)
{
	if (b == UI_BTN_BACK) {
		view_close_pin(v);
	} else if (b >= UI_BTN_KEY0 && b < UI_BTN_KEY0 + 10) {
		if (v->pin_len < UI_PIN_MAX)
			v->pin[v->pin_len++] = (char)('0' + (b - UI_BTN_KEY0));
	} else if (b == UI_BTN_KEY_DEL && v->pin_len > 0) {
		v->pin[--v->pin_len] = '\0';
	} else if (b == UI_BTN_KEY_OK && v->pin_len > 0) {
		if (v->pin_purpose == PIN_FOR_APPROVAL) {
			struct command cmd;
			memset(&cmd, 0, sizeof(cmd));
			cmd.action = CMD_STAFF_APPROVE;
			cmd.station = (unsigned int)v->pin_station;
			memcpy(cmd.pin, v->pin, v->pin_len);
			view_close_pin(v);
			view_submit(v, &cmd); /* wipes cmd.pin */
		} else {
			int station = v->pin_station;

			if (kiosk_config_pin_matches(v->p.config, v->pin)) {
				view_close_pin(v);
				v->station = -1;
				v->staff = true;
				v->staff_station = station;
			} else {
				/* Stay on the keypad with the digits cleared. */
				view_open_pin(v, PIN_FOR_STAFF, station);
				view_toast(v, "Wrong PIN. Please try again.", THEME_STOP);
			}
		}
	}
	v->dirty = true;
}

const struct screen_ops screen_pin_ops = {.draw = pin_draw, .press = pin_press};

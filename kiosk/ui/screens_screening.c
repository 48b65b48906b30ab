/* SPDX-License-Identifier: MIT */
/* Screening question, blocked, staff approval and the PIN keypad.  The UI
 * never holds an answer: each press is one CMD_ANSWER for the question the
 * snapshot says is being asked. */
#include "ui/screens_screening.h"

#include "ui/model.h"
#include "ui/widgets.h"

#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/screening.h"

static void header_for(struct ui_canvas *cv, const struct station_snapshot *st, const char *what,
                       const char *back)
{
	char title[96];
	snprintf(title, sizeof(title), "%s: %s", st->name, what);
	widget_header(cv, title, back, NULL, theme_state_color(st->state));
}

static void question_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct ui_rect pr = cv->layout.area[UI_AREA_PROGRESS];
	struct ui_rect mr = cv->layout.area[UI_AREA_MESSAGE];
	const char *text = "";
	char progress[64];
	static const enum ui_font fonts[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD,
	                                     UI_FONT_BODY, UI_FONT_SMALL};

	if (!st)
		return;
	header_for(cv, st, "health check", "Back");
	if (md->p.screening && st->screening_index < md->p.screening->count) {
		const struct screening_question *q = &md->p.screening->items[st->screening_index];
		text = screening_question_text(q, md->p.screening, md->p.config->display.language);
		if (!text)
			text = q->text[0];
	}
	md->drawn_question = st->screening_index;
	snprintf(progress, sizeof(progress), "Question %u of %u", st->screening_index + 1,
	         st->screening_count);
	text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), progress, pr.x, pr.y,
	          TEXT_LEFT);
	{
		struct ui_rect bar = cv->layout.area[UI_AREA_PROGRESS_BAR];
		struct ui_rect fill = bar;

		draw_round_rect(cv->r, bar, bar.h / 2, theme_color(THEME_SURFACE_HI));
		fill.w = ui_progress_fill_w(bar.w, st->screening_index, st->screening_count);
		draw_round_rect(cv->r, fill, fill.h / 2, theme_color(THEME_WAVE_FILL));
	}
	{
		struct ui_rect tr = {mr.x + cv->m.pad, mr.y, mr.w - 2 * cv->m.pad, mr.h};
		enum ui_font f = text_fit(cv->text, fonts, 5, text, tr);
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), text, tr, TEXT_CENTER, 1);
	}
	widget_button_font(cv, UI_BTN_NO, "No", THEME_PRIMARY, true, UI_FONT_LARGE);
	widget_button_font(cv, UI_BTN_YES, "Yes", THEME_PRIMARY, true, UI_FONT_LARGE);
}

static void question_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	const struct station_snapshot *st = model_station(md, md->station);
	struct command cmd;

	/* Only the question the member has seen: a quick second tap after the
	 * core moved on must not answer the next one unseen. */
	if (!st || st->screening_index != md->drawn_question)
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.station = (unsigned int)md->station;
	if (b == UI_BTN_BACK) {
		cmd.action = CMD_SCREENING_BACK;
	} else if (b == UI_BTN_YES || b == UI_BTN_NO) {
		cmd.action = CMD_ANSWER;
		cmd.question = st->screening_index;
		cmd.yes = b == UI_BTN_YES;
	} else {
		return;
	}
	model_submit(md, &cmd);
}

const struct screen_ops screen_question_ops = {.draw = question_draw, .press = question_press};

static void blocked_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);

	if (!st)
		return;
	header_for(cv, st, "health check", NULL);
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_INFO,
	               "Please don't use the boots today",
	               "For your safety we can't start a session with the answers you gave. "
	               "Please talk to a member of staff or your doctor before using "
	               "compression. Your answers have not been kept.");
	widget_button(cv, UI_BTN_CANCEL, "Back to start", THEME_SURFACE_HI, true);
}

static void blocked_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_CANCEL)
		model_cancel_flow(md);
}

const struct screen_ops screen_blocked_ops = {.draw = blocked_draw, .press = blocked_press};

static void approval_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);

	if (!st)
		return;
	header_for(cv, st, "health check", NULL);
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_ALERT,
	               "Please check with staff first",
	               "One of your answers means a doctor's advice is recommended before "
	               "using compression. A trained member of staff can approve your session "
	               "with their PIN. Your answers have not been kept.");
	widget_button(cv, UI_BTN_CANCEL, "Cancel", THEME_SURFACE_HI, true);
	widget_button(cv, UI_BTN_APPROVE, "Staff approval", THEME_WARN, true);
}

static void approval_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_CANCEL) {
		model_cancel_flow(md);
	} else if (b == UI_BTN_APPROVE) {
		model_open_pin(md, PIN_FOR_APPROVAL, md->station);
	}
}

const struct screen_ops screen_approval_ops = {.draw = approval_draw, .press = approval_press};

/* ---- PIN keypad ---- */

static void pin_draw(struct ui_model *md, struct ui_canvas *cv)
{
	struct ui_rect d = cv->layout.area[UI_AREA_DOTS];
	struct ui_rect msg = cv->layout.area[UI_AREA_MESSAGE];
	bool approval = md->pin_purpose == PIN_FOR_APPROVAL;
	size_t slots = md->pin_len > 4 ? md->pin_len : 4;
	float rad = (float)d.h * 0.16f;
	float step = rad * 3.2f;
	float x0 = (float)d.x + (float)d.w / 2 - step * (float)(slots - 1) / 2;
	char label[2] = {0, 0};

	widget_header(cv, approval ? "Staff approval" : "Staff mode", "Cancel", NULL,
	              theme_color(THEME_WARN));
	text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
	                  approval ? "Staff: enter your PIN to approve this session"
	                           : "Enter the staff PIN",
	                  msg, TEXT_CENTER, 1);
	for (size_t i = 0; i < slots; i++) {
		float cx = x0 + step * (float)i, cy = (float)d.y + (float)d.h / 2;
		if (i < md->pin_len)
			draw_circle(cv->r, cx, cy, rad, theme_color(THEME_TEXT));
		else
			draw_ring(cv->r, cx, cy, rad, rad * 0.3f, theme_color(THEME_OUTLINE));
	}
	for (int k = 0; k < 10; k++) {
		label[0] = (char)('0' + k);
		widget_button_font(cv, (enum ui_button)(UI_BTN_KEY0 + k), label, THEME_SURFACE_HI,
		                   true, UI_FONT_LARGE);
	}
	widget_button_font(cv, UI_BTN_KEY_DEL, "Delete", THEME_SURFACE_HI, md->pin_len > 0,
	                   UI_FONT_BODY_BOLD);
	widget_button_font(cv, UI_BTN_KEY_OK, "OK", THEME_GO, md->pin_len > 0, UI_FONT_LARGE);
}

static void pin_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_close_pin(md);
	} else if (b >= UI_BTN_KEY0 && b < UI_BTN_KEY0 + 10) {
		if (md->pin_len < UI_PIN_MAX)
			md->pin[md->pin_len++] = (char)('0' + (b - UI_BTN_KEY0));
	} else if (b == UI_BTN_KEY_DEL && md->pin_len > 0) {
		md->pin[--md->pin_len] = '\0';
	} else if (b == UI_BTN_KEY_OK && md->pin_len > 0) {
		if (md->pin_purpose == PIN_FOR_APPROVAL) {
			struct command cmd;
			memset(&cmd, 0, sizeof(cmd));
			cmd.action = CMD_STAFF_APPROVE;
			cmd.station = (unsigned int)md->pin_station;
			memcpy(cmd.pin, md->pin, md->pin_len);
			model_close_pin(md);
			model_submit(md, &cmd); /* wipes cmd.pin */
		} else {
			int station = md->pin_station;

			if (kiosk_config_pin_matches(md->p.config, md->pin)) {
				model_close_pin(md);
				md->station = -1;
				md->staff = true;
				md->staff_station = station;
			} else {
				/* Stay on the keypad with the digits cleared. */
				model_open_pin(md, PIN_FOR_STAFF, station);
				model_toast(md, "Wrong PIN. Please try again.", THEME_STOP);
			}
		}
	}
	md->dirty = true;
}

const struct screen_ops screen_pin_ops = {.draw = pin_draw, .press = pin_press};

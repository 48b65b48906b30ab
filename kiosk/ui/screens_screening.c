/* SPDX-License-Identifier: MIT */
/*
 * The screening as the member sees it: one question, or a few asked
 * together ("does any of these apply?") with a Yes leading to "which one",
 * the acknowledgements agreed to on one screen, and Back to correct a
 * mistaken answer before the verdict.  Blocked, staff approval and the PIN
 * keypad.  The UI never holds an answer: a tap becomes CMD_ANSWERs for the
 * questions the snapshot says are being asked (model_screening.c).
 */
#include "ui/screens_screening.h"

#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/screening.h"
#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/widgets.h"

static const struct screening_question *question(const struct ui_model *md, size_t i)
{
	return md->p.screening && i < md->p.screening->count ? &md->p.screening->items[i] : NULL;
}

/* The question in the language shown: the site's own text.<lang> in
 * screening.conf first, else the catalogue. */
static const char *question_text(const struct ui_model *md, const struct screening_question *q)
{
	const char *own = screening_question_text(q, md->p.screening, i18n_language());

	return own != q->text[0] ? own : tr(q->text[0]);
}

static const char *question_short(const struct ui_model *md, const struct screening_question *q)
{
	return q->short_text[0] ? tr(q->short_text) : question_text(md, q);
}

static void progress(const struct ui_model *md, struct ui_canvas *cv,
                     const struct screening_unit *u)
{
	struct ui_rect pr = cv->layout.area[UI_AREA_PROGRESS];
	struct ui_rect bar = cv->layout.area[UI_AREA_PROGRESS_BAR];
	struct ui_rect fill = bar;
	char line[64];

	(void)md;
	/* TRANSLATORS: screening progress, in screens (a few questions each). */
	snprintf(line, sizeof(line), tr("Step %zu of %zu"), u->number + 1, u->total);
	text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), line, pr.x, pr.y,
	          TEXT_LEFT);
	draw_round_rect(cv->r, bar, bar.h / 2, theme_color(THEME_SURFACE_HI));
	fill.w = ui_progress_fill_w(bar.w, (unsigned int)u->number, (unsigned int)u->total);
	draw_round_rect(cv->r, fill, fill.h / 2, theme_color(THEME_WAVE_FILL));
}

/* A bulleted list of lines in r, in the largest font that fits. */
static void bullets(struct ui_canvas *cv, struct ui_rect r, const char *const *lines, size_t n)
{
	static const enum ui_font fonts[] = {UI_FONT_TITLE, UI_FONT_BODY_BOLD, UI_FONT_BODY,
	                                     UI_FONT_SMALL};
	int indent = cv->m.font_px[UI_FONT_BODY] * 3 / 2;
	enum ui_font f = UI_FONT_SMALL;
	int total = 0, y;

	for (size_t i = 0; i < 4; i++) {
		total = 0;
		for (size_t k = 0; k < n; k++)
			total += text_wrapped_height(cv->text, fonts[i], lines[k], r.w - indent) +
			         cv->m.gap / 2;
		if (total <= r.h) {
			f = fonts[i];
			break;
		}
	}
	y = r.y + (r.h - total) / 2;
	if (y < r.y)
		y = r.y;
	for (size_t k = 0; k < n; k++) {
		int h = text_wrapped_height(cv->text, f, lines[k], r.w - indent);
		int lh = text_line_height(cv->text, f);

		draw_circle(cv->r, (float)(r.x + indent / 3), (float)(y + lh / 2),
		            (float)cv->m.font_px[f] * 0.18f, theme_color(THEME_WAVE_ACTIVE));
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), lines[k],
		                  (struct ui_rect){r.x + indent, y, r.w - indent, h}, TEXT_LEFT, 0);
		y += h + cv->m.gap / 2;
	}
}

static void question_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct ui_rect mr = cv->layout.area[UI_AREA_MESSAGE];
	struct ui_rect tr_ = {mr.x + cv->m.pad, mr.y, mr.w - 2 * cv->m.pad, mr.h};
	struct screening_unit u;
	bool ready;

	if (!st)
		return;
	model_unit(md, st, &u);
	md->drawn_question = model_question_on_screen(md, st);
	ready = !md->pending.active;
	screen_station_header(md, cv, st, tr("health check"), tr("Back"), NULL);
	progress(md, cv, &u);
	if (u.kind == UNIT_GROUP) {
		const char *lines[SCREENING_GROUP_MAX];
		int title_h = text_line_height(cv->text, UI_FONT_TITLE) * 2;
		size_t n = 0;

		text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
		                  tr("Does any of these apply to you?"),
		                  (struct ui_rect){tr_.x, tr_.y, tr_.w, title_h}, TEXT_LEFT, 1);
		for (size_t k = 0; k < u.count && n < SCREENING_GROUP_MAX; k++)
			lines[n++] = question_short(md, question(md, u.first + k));
		bullets(cv, (struct ui_rect){tr_.x, tr_.y + title_h, tr_.w, tr_.h - title_h}, lines,
		        n);
		widget_button_font(cv, UI_BTN_NO, tr("No, none of these"), THEME_PRIMARY, ready,
		                   UI_FONT_LARGE);
		widget_button_font(cv, UI_BTN_YES, tr("Yes, one or more"), THEME_PRIMARY, ready,
		                   UI_FONT_LARGE);
	} else {
		static const enum ui_font fonts[] = {
		    UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD, UI_FONT_BODY, UI_FONT_SMALL};
		const struct screening_question *q = question(md, md->drawn_question);
		const char *text = q ? question_text(md, q) : "";
		enum ui_font f = text_fit(cv->text, fonts, 5, text, tr_);

		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), text, tr_, TEXT_CENTER, 1);
		widget_button_font(cv, UI_BTN_NO, tr("No"), THEME_PRIMARY, ready, UI_FONT_LARGE);
		widget_button_font(cv, UI_BTN_YES, tr("Yes"), THEME_PRIMARY, ready, UI_FONT_LARGE);
	}
}

/* Back: to the start of this screen's questions, or to the screen before. */
static void screening_back(struct ui_model *md, const struct station_snapshot *st)
{
	struct screening_unit u;
	unsigned int at = model_question_on_screen(md, st);

	model_unit(md, st, &u);
	if (md->which_open && at == u.first) {
		md->which_open = false;
		md->dirty = true;
	} else if (at > u.first) {
		model_back_to(md, (unsigned int)u.first);
	} else if (u.first == 0) {
		model_back_to(md, 0);
	} else {
		struct station_snapshot prev = *st;
		struct screening_unit p;

		prev.screening_index = (unsigned int)u.first - 1;
		model_unit(md, &prev, &p);
		model_back_to(md, (unsigned int)p.first);
	}
}

/* Whether a tap may act: the screen it landed on is the one asked now. */
static const struct station_snapshot *asked(struct ui_model *md)
{
	const struct station_snapshot *st = model_station(md, md->station);

	/* A quick second tap after the core moved on must not answer the
	 * next question unseen. */
	if (!st || md->pending.active || st->screening_index != md->drawn_question)
		return NULL;
	return st;
}

static void question_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = asked(md);
	struct screening_unit u;

	(void)cv;
	if (!st)
		return;
	model_unit(md, st, &u);
	if (b == UI_BTN_BACK) {
		screening_back(md, st);
	} else if (b == UI_BTN_NO) {
		model_answer_upto(md, (unsigned int)(u.first + u.count), ANSWER_ALL_NO);
	} else if (b == UI_BTN_YES && u.kind == UNIT_GROUP) {
		md->which_open = true;
		md->dirty = true;
	} else if (b == UI_BTN_YES) {
		model_answer_upto(md, st->screening_index + 1, ANSWER_LAST_YES);
	}
}

const struct screen_ops screen_question_ops = {.draw = question_draw, .press = question_press};

/* ---- which one ---- */

static void which_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct screening_unit u;
	bool ready = !md->pending.active, first;
	size_t at;

	if (!st)
		return;
	model_unit(md, st, &u);
	at = model_question_on_screen(md, st);
	first = at == u.first;
	md->drawn_question = (unsigned int)at;
	screen_station_header(md, cv, st, tr("health check"), tr("Back"), NULL);
	text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
	                  first ? tr("Which one applies? Tap it.")
	                        : tr("Does any other of these apply? Tap it."),
	                  cv->layout.area[UI_AREA_MESSAGE], TEXT_LEFT, 1);
	for (size_t k = 0; at + k < u.first + u.count && k < UI_MAX_ITEMS; k++)
		widget_button_font(cv, (enum ui_button)(UI_BTN_ITEM0 + k),
		                   question_short(md, question(md, at + k)), THEME_SURFACE_HI,
		                   ready, UI_FONT_BODY_BOLD);
	widget_button(cv, UI_BTN_NO, first ? tr("None of these") : tr("No, nothing else"),
	              THEME_PRIMARY, ready);
}

static void which_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = asked(md);
	struct screening_unit u;

	(void)cv;
	if (!st)
		return;
	model_unit(md, st, &u);
	if (b == UI_BTN_BACK) {
		screening_back(md, st);
	} else if (b == UI_BTN_NO) {
		model_answer_upto(md, (unsigned int)(u.first + u.count), ANSWER_ALL_NO);
	} else if (b >= UI_BTN_ITEM0 && b < UI_BTN_ITEM0 + UI_MAX_ITEMS) {
		unsigned int q = st->screening_index + (unsigned int)(b - UI_BTN_ITEM0);

		if (q < u.first + u.count)
			model_answer_upto(md, q + 1, ANSWER_LAST_YES);
	}
}

const struct screen_ops screen_which_ops = {.draw = which_draw, .press = which_press};

/* ---- agreement ---- */

static void agree_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct ui_rect mr = cv->layout.area[UI_AREA_MESSAGE];
	struct ui_rect tr_ = {mr.x + cv->m.pad, mr.y, mr.w - 2 * cv->m.pad, mr.h};
	const char *lines[SCREENING_MAX_QUESTIONS];
	struct screening_unit u;
	int title_h = text_line_height(cv->text, UI_FONT_TITLE) * 2;
	bool ready = !md->pending.active;
	size_t n = 0;

	if (!st)
		return;
	model_unit(md, st, &u);
	md->drawn_question = model_question_on_screen(md, st);
	screen_station_header(md, cv, st, tr("health check"), tr("Back"), NULL);
	progress(md, cv, &u);
	text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
	                  tr("Last step: please read and agree"),
	                  (struct ui_rect){tr_.x, tr_.y, tr_.w, title_h}, TEXT_LEFT, 1);
	for (size_t k = 0; k < u.count && n < SCREENING_MAX_QUESTIONS; k++)
		lines[n++] = question_text(md, question(md, u.first + k));
	bullets(cv, (struct ui_rect){tr_.x, tr_.y + title_h, tr_.w, tr_.h - title_h}, lines, n);
	widget_button_font(cv, UI_BTN_NO, tr("Back"), THEME_SURFACE_HI, ready, UI_FONT_LARGE);
	widget_button_font(cv, UI_BTN_YES, tr("I agree"), THEME_GO, ready, UI_FONT_LARGE);
}

static void agree_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = asked(md);
	struct screening_unit u;

	(void)cv;
	if (!st)
		return;
	model_unit(md, st, &u);
	/* Not agreeing is not a health answer: it goes back, never to the
	 * doctor's message. */
	if (b == UI_BTN_BACK || b == UI_BTN_NO)
		screening_back(md, st);
	else if (b == UI_BTN_YES)
		model_answer_upto(md, (unsigned int)(u.first + u.count), ANSWER_ALL_YES);
}

const struct screen_ops screen_agree_ops = {.draw = agree_draw, .press = agree_press};

/* ---- verdicts ---- */

static void blocked_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);

	if (!st)
		return;
	screen_station_header(md, cv, st, tr("health check"), NULL, NULL);
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_INFO,
	               tr("Please don't use the boots today"),
	               tr("For your safety we can't start a session with the answers you gave. "
	                  "Please talk to a member of staff or your doctor before using "
	                  "compression. Your answers have not been kept."));
	widget_button(cv, UI_BTN_CANCEL, tr("Back to start"), THEME_SURFACE_HI, true);
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
	screen_station_header(md, cv, st, tr("health check"), tr("Back"), NULL);
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_color(THEME_WARN), BADGE_ALERT,
	               tr("Please check with staff first"),
	               tr("One of your answers means a doctor's advice is recommended before "
	                  "using compression. A trained member of staff can approve your session "
	                  "with their PIN. Your answers have not been kept."));
	widget_button(cv, UI_BTN_CANCEL, tr("Cancel"), THEME_SURFACE_HI, true);
	widget_button(cv, UI_BTN_APPROVE, tr("Staff approval"), THEME_WARN, true);
}

static void approval_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = model_station(md, md->station);

	(void)cv;
	if (b == UI_BTN_CANCEL) {
		model_cancel_flow(md);
	} else if (b == UI_BTN_APPROVE) {
		model_open_pin(md, PIN_FOR_APPROVAL, md->station);
	} else if (b == UI_BTN_BACK && st && md->p.screening && md->p.screening->count > 0) {
		/* Correct an answer: back to the last screen of questions. */
		struct station_snapshot last = *st;
		struct screening_unit u;

		last.screening_index = (unsigned int)md->p.screening->count - 1;
		model_unit(md, &last, &u);
		model_back_to(md, (unsigned int)u.first);
	}
}

const struct screen_ops screen_approval_ops = {.draw = approval_draw, .press = approval_press};

/* ---- PIN keypad ---- */

static void pin_draw(struct ui_model *md, struct ui_canvas *cv)
{
	struct ui_rect d = cv->layout.area[UI_AREA_DOTS];
	struct ui_rect msg = cv->layout.area[UI_AREA_MESSAGE];
	bool approval = md->pin_purpose == PIN_FOR_APPROVAL;
	unsigned int wait_s = model_pin_wait_s(md);
	bool ready = wait_s == 0;
	size_t slots = md->pin_len > 4 ? md->pin_len : 4;
	float rad = (float)d.h * 0.16f;
	float step = rad * 3.2f;
	float x0 = (float)d.x + (float)d.w / 2 - step * (float)(slots - 1) / 2;
	char label[2] = {0, 0}, line[160];

	screen_header(md, cv, approval ? tr("Staff approval") : tr("Staff mode"), tr("Cancel"),
	              NULL, theme_color(THEME_WARN));
	/* The message beside the keypad, never over it. */
	if (md->pin_wrong || wait_s > 0) {
		char t[16];

		widget_format_mmss(wait_s, t, sizeof(t));
		if (wait_s > 0)
			/* TRANSLATORS: after a wrong PIN the keypad waits; %s is m:ss. */
			snprintf(line, sizeof(line), tr("Wrong PIN. Try again in %s"), t);
		else
			snprintf(line, sizeof(line), "%s", tr("Wrong PIN. Please try again."));
		text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_STOP), line, msg,
		                  TEXT_CENTER, 1);
	} else {
		text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
		                  approval ? tr("Staff: enter your PIN to approve this session")
		                           : tr("Enter the staff PIN"),
		                  msg, TEXT_CENTER, 1);
	}
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
		                   ready, UI_FONT_LARGE);
	}
	widget_button_font(cv, UI_BTN_KEY_DEL, tr("Delete"), THEME_SURFACE_HI,
	                   ready && md->pin_len > 0, UI_FONT_BODY_BOLD);
	widget_button_font(cv, UI_BTN_KEY_OK, tr("OK"), THEME_GO, ready && md->pin_len > 0,
	                   UI_FONT_LARGE);
}

static void pin_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_close_pin(md);
	} else if (model_pin_wait_s(md) > 0) {
		return;
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
				md->wrong_pins = 0;
				md->pin_wrong = false;
				md->station = -1;
				md->staff = true;
				md->staff_station = station;
			} else {
				/* Stay on the keypad with the digits cleared. */
				model_open_pin(md, PIN_FOR_STAFF, station);
				model_pin_wrong(md);
			}
		}
	}
	md->dirty = true;
}

const struct screen_ops screen_pin_ops = {.draw = pin_draw, .press = pin_press};

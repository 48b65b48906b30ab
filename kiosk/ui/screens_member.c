/* SPDX-License-Identifier: MIT */
/* Overview, program choice and adjust screens. */
#include "ui/screens_member.h"

#include "ui/model.h"
#include "ui/widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/program.h"

#define DURATION_STEP_S 300u

static void card_status(const struct station_snapshot *st, char *big, size_t big_len, char *small,
                        size_t small_len)
{
	char t[16];

	small[0] = '\0';
	widget_format_mmss(st->remaining_s, t, sizeof(t));
	switch (st->state) {
	case STATION_IDLE:
		snprintf(big, big_len, "Tap to start");
		break;
	case STATION_SETUP:
	case STATION_SCREENING:
	case STATION_READY:
		snprintf(big, big_len, "Getting ready");
		snprintf(small, small_len, "%s", st->program_name);
		break;
	case STATION_RUNNING:
		snprintf(big, big_len, "%s left", t);
		snprintf(small, small_len, "%s", st->program_name);
		break;
	case STATION_PAUSED:
		snprintf(big, big_len, "%s left", t);
		snprintf(small, small_len, "Paused - %s", st->program_name);
		break;
	case STATION_VENTING:
		snprintf(big, big_len, "Releasing air");
		snprintf(small, small_len, "%s", st->program_name);
		break;
	case STATION_NEEDS_CLEANING:
		snprintf(big, big_len, "Wipe the boots");
		snprintf(small, small_len, "Then tap to confirm");
		break;
	case STATION_FAULT:
		snprintf(big, big_len, "Staff notified");
		/* The first clause of the message: "Leak detected". */
		snprintf(small, small_len, "%s",
		         st->fault_message[0] ? st->fault_message : fault_code_message(st->fault));
		small[strcspn(small, ":.;")] = '\0';
		break;
	case STATION_OUT_OF_SERVICE:
	case STATION_STATE_COUNT:
		snprintf(big, big_len, "Not available");
		break;
	}
}

/* The first font (largest first) in which s is at most w wide. */
static enum ui_font widest_fit(struct ui_canvas *cv, const enum ui_font *fonts, size_t n,
                               const char *s, int w)
{
	for (size_t i = 0; i < n; i++) {
		int tw;
		text_size(cv->text, fonts[i], s, &tw, NULL);
		if (tw <= w)
			return fonts[i];
	}
	return fonts[n - 1];
}

/* One line cut to width with "...". */
static void draw_fitted(struct ui_canvas *cv, enum ui_font f, struct ui_color c, const char *s,
                        int x, int y, int w)
{
	char buf[192];
	text_ellipsize(cv->text, f, s, w, buf, sizeof(buf));
	text_draw(cv->text, f, c, buf, x, y, TEXT_LEFT);
}

static void draw_card(struct ui_canvas *cv, enum ui_button b, const struct station_snapshot *st)
{
	static const enum ui_font name_fonts[] = {UI_FONT_TITLE, UI_FONT_BODY_BOLD, UI_FONT_SMALL};
	static const enum ui_font big_fonts[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD,
	                                         UI_FONT_SMALL};
	static const enum ui_font pill_fonts[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};
	struct ui_rect r = cv->layout.button[b];
	struct ui_color accent = theme_state_color(st->state);
	struct ui_color surface = theme_color(THEME_SURFACE);
	bool pressed = widget_activate(cv, b);
	int stripe = (int)fmax(6, cv->m.px_per_mm * 1.5);
	int pad = r.w < cv->m.font_px[UI_FONT_BODY] * 12 ? cv->m.gap : cv->m.pad;
	char big[64], small[192], label[48];
	int lw, lh, name_h, iw;
	struct ui_rect pill, name_r;
	enum ui_font name_font, pill_font, big_font, small_font;

	if (pressed) {
		surface = theme_color(THEME_SURFACE_HI);
		r.y += 2;
	}
	draw_round_rect(cv->r, r, cv->m.radius, surface);
	draw_round_rect(cv->r, (struct ui_rect){r.x, r.y, stripe + cv->m.radius, r.h}, cv->m.radius,
	                accent);
	draw_rect(cv->r, (struct ui_rect){r.x + stripe, r.y, cv->m.radius, r.h}, surface);
	if (pressed)
		draw_round_frame(cv->r, r, cv->m.radius, 3, theme_color(THEME_TEXT));

	/* Every line is fitted to the card: 8 small cards on a 7" panel must
	 * still read cleanly. */
	iw = r.w - stripe - 2 * pad;
	name_font = widest_fit(cv, name_fonts, 3, st->name, iw);
	pill_font = widest_fit(cv, pill_fonts, 2, theme_state_label(st->state),
	                       iw - 2 * cv->m.gap - cv->m.gap / 2);
	text_ellipsize(cv->text, pill_font, theme_state_label(st->state),
	               iw - 2 * cv->m.gap - cv->m.gap / 2, label, sizeof(label));
	text_size(cv->text, pill_font, label, &lw, &lh);
	pill.w = lw + 2 * cv->m.gap + cv->m.gap / 2;
	pill.h = lh + cv->m.gap / 2 + 2;
	name_h = text_line_height(cv->text, name_font);
	name_r = (struct ui_rect){r.x + stripe + pad, r.y + pad, iw, name_h};
	{
		int nw;
		text_size(cv->text, name_font, st->name, &nw, NULL);
		if (nw + pill.w + cv->m.gap <= name_r.w) {
			pill.x = r.x + r.w - pad - pill.w;
			pill.y = name_r.y + (name_h - pill.h) / 2;
		} else {
			pill.x = name_r.x;
			pill.y = name_r.y + name_h + cv->m.gap / 2;
		}
	}
	draw_fitted(cv, name_font, theme_color(THEME_TEXT), st->name, name_r.x, name_r.y, iw);
	widget_pill(cv, pill, label, accent, pill_font);

	card_status(st, big, sizeof(big), small, sizeof(small));
	{
		int top = (pill.y > name_r.y ? pill.y + pill.h : name_r.y + name_h) + cv->m.gap / 2;
		int small_h, bottom;
		struct ui_rect big_r;

		small_font = pad == cv->m.gap ? UI_FONT_SMALL : UI_FONT_BODY;
		small_h = small[0] ? text_line_height(cv->text, small_font) : 0;
		bottom = r.y + r.h - pad - small_h;
		big_r = (struct ui_rect){name_r.x, top, iw, bottom - top};
		big_font = widest_fit(cv, big_fonts, 4, big, iw);
		while (big_font != UI_FONT_SMALL && text_line_height(cv->text, big_font) > big_r.h)
			big_font = big_font == UI_FONT_LARGE   ? UI_FONT_TITLE
			           : big_font == UI_FONT_TITLE ? UI_FONT_BODY_BOLD
			                                       : UI_FONT_SMALL;
		{
			char buf[64];
			text_ellipsize(cv->text, big_font, big, iw, buf, sizeof(buf));
			text_draw_in(cv->text, big_font, theme_color(THEME_TEXT), buf, big_r,
			             TEXT_LEFT);
		}
		if (small[0])
			draw_fitted(cv, small_font, theme_color(THEME_TEXT_DIM), small, name_r.x,
			            bottom, iw);
	}
}

void screen_draw_station_cards(const struct ui_model *md, struct ui_canvas *cv, bool staff)
{
	(void)staff;
	for (size_t i = 0; md->snap && i < md->snap->station_count && i < UI_MAX_CARDS; i++)
		draw_card(cv, (enum ui_button)(UI_BTN_CARD0 + i), &md->snap->stations[i]);
}

static void overview_draw(struct ui_model *md, struct ui_canvas *cv)
{
	char title[96];

	snprintf(title, sizeof(title), "Recovery boots");
	widget_header(cv, title, NULL, "Staff", theme_color(THEME_PRIMARY));
	if (!md->snap || md->snap->station_count == 0) {
		text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT_DIM),
		                  "Starting up...", cv->layout.area[UI_AREA_CONTENT], TEXT_CENTER,
		                  1);
		return;
	}
	screen_draw_station_cards(md, cv, false);
}

static void overview_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_STAFF) {
		model_open_pin(md, PIN_FOR_STAFF, -1);
		return;
	}
	if (b >= UI_BTN_CARD0 && b < UI_BTN_CARD0 + UI_MAX_CARDS) {
		int i = (int)(b - UI_BTN_CARD0);
		const struct station_snapshot *st = model_station(md, i);
		if (!st)
			return;
		md->station = i;
		md->seen_state = st->state;
		md->program_page = 0;
		md->dirty = true;
	}
}

const struct screen_ops screen_overview_ops = {.draw = overview_draw, .press = overview_press};

/* ---- programs ---- */

static void program_card(struct ui_canvas *cv, enum ui_button b, const struct program *p)
{
	struct ui_rect r = cv->layout.button[b];
	bool pressed = widget_activate(cv, b);
	struct ui_color surface = theme_color(pressed ? THEME_SURFACE_HI : THEME_SURFACE);
	int pad = cv->m.gap;
	char meta[64];
	int name_h = text_line_height(cv->text, UI_FONT_TITLE);
	struct ui_rect desc;

	if (pressed)
		r.y += 2;
	draw_round_rect(cv->r, r, cv->m.radius, surface);
	draw_round_frame(cv->r, r, cv->m.radius, pressed ? 3 : 2,
	                 pressed ? theme_color(THEME_TEXT) : theme_color(THEME_OUTLINE));
	snprintf(meta, sizeof(meta), "%.0f mmHg  |  %u min", p->target_mmhg, p->duration_s / 60);
	text_draw(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT), p->name, r.x + pad, r.y + pad,
	          TEXT_LEFT);
	{
		/* Figures on their own line, the same on every card. */
		int mh = text_line_height(cv->text, UI_FONT_BODY_BOLD);
		text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_WAVE_ACTIVE), meta,
		          r.x + pad, r.y + pad + name_h, TEXT_LEFT);
		desc = (struct ui_rect){r.x + pad, r.y + pad + name_h + mh + cv->m.gap / 2,
		                        r.w - 2 * pad, r.h - 2 * pad - name_h - mh};
	}
	if (desc.h > text_line_height(cv->text, UI_FONT_SMALL) / 2)
		text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM),
		                  p->description, desc, TEXT_LEFT, 0);
}

static void programs_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	char title[96];
	size_t first;

	snprintf(title, sizeof(title), "%s: choose a program", st ? st->name : "");
	widget_header(cv, title, "Back", NULL, theme_state_color(STATION_IDLE));
	if (!md->p.programs)
		return;
	first = md->program_page * cv->layout.programs_per_page;
	for (size_t i = 0; i < cv->layout.programs_per_page; i++) {
		if (first + i >= md->p.programs->count)
			break;
		program_card(cv, (enum ui_button)(UI_BTN_PROGRAM0 + i),
		             &md->p.programs->items[first + i]);
	}
	if (cv->layout.program_pages > 1) {
		char page[32];
		snprintf(page, sizeof(page), "Page %zu of %zu", md->program_page + 1,
		         cv->layout.program_pages);
		widget_button(cv, UI_BTN_PAGE_PREV, "< Prev", THEME_SURFACE_HI,
		              md->program_page > 0);
		widget_button(cv, UI_BTN_PAGE_NEXT, "Next >", THEME_SURFACE_HI,
		              md->program_page + 1 < cv->layout.program_pages);
		text_draw_in(cv->text, UI_FONT_BODY, theme_color(THEME_TEXT_DIM), page,
		             cv->layout.area[UI_AREA_PAGE], TEXT_CENTER);
	}
}

static void programs_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	if (b == UI_BTN_BACK) {
		model_go_overview(md);
	} else if (b == UI_BTN_PAGE_PREV && md->program_page > 0) {
		md->program_page--;
	} else if (b == UI_BTN_PAGE_NEXT && md->program_page + 1 < cv->layout.program_pages) {
		md->program_page++;
	} else if (b >= UI_BTN_PROGRAM0 && b < UI_BTN_PROGRAM0 + UI_MAX_PROGRAM_SLOTS) {
		struct command cmd;
		size_t idx =
		    md->program_page * cv->layout.programs_per_page + (size_t)(b - UI_BTN_PROGRAM0);

		if (!md->p.programs || idx >= md->p.programs->count)
			return;
		memset(&cmd, 0, sizeof(cmd));
		cmd.action = CMD_SELECT_PROGRAM;
		cmd.station = (unsigned int)md->station;
		cmd.program_index = (unsigned int)idx;
		model_submit(md, &cmd);
	}
	md->dirty = true;
}

const struct screen_ops screen_programs_ops = {.draw = programs_draw, .press = programs_press};

/* ---- adjust ---- */

static void stepper(struct ui_canvas *cv, enum ui_area area, enum ui_button minus,
                    enum ui_button plus, const char *label, const char *value, const char *range,
                    bool can_minus, bool can_plus)
{
	struct ui_rect p = cv->layout.area[area];
	struct ui_rect mb = cv->layout.button[minus];
	int label_h = text_line_height(cv->text, UI_FONT_BODY_BOLD);
	int lh = text_line_height(cv->text, UI_FONT_LARGE);
	int rh = text_line_height(cv->text, UI_FONT_SMALL);
	int block = label_h + lh + rh;
	int y = p.y + (mb.y - p.y - block) / 2;

	draw_round_rect(cv->r, p, cv->m.radius, theme_color(THEME_SURFACE));
	text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), label, p.x + p.w / 2, y,
	          TEXT_CENTER);
	text_draw(cv->text, UI_FONT_LARGE, theme_color(THEME_TEXT), value, p.x + p.w / 2,
	          y + label_h, TEXT_CENTER);
	text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), range, p.x + p.w / 2,
	          y + label_h + lh, TEXT_CENTER);
	widget_button(cv, minus, "", THEME_SURFACE_HI, can_minus);
	widget_button(cv, plus, "", THEME_SURFACE_HI, can_plus);
	widget_icon_plus_minus(cv, cv->layout.button[minus], false,
	                       theme_color(can_minus ? THEME_TEXT : THEME_TEXT_DIM));
	widget_icon_plus_minus(cv, cv->layout.button[plus], true,
	                       theme_color(can_plus ? THEME_TEXT : THEME_TEXT_DIM));
}

static void adjust_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const struct program *p = model_program(md, st);
	char title[96], dur[32], dur_range[48], mmhg[32], mmhg_range[48];

	if (!st)
		return;
	snprintf(title, sizeof(title), "%s: %s", st->name, st->program_name);
	widget_header(cv, title, "Cancel", NULL, theme_state_color(st->state));
	snprintf(dur, sizeof(dur), "%u min", st->duration_s / 60);
	snprintf(mmhg, sizeof(mmhg), "%.0f mmHg", st->target_mmhg);
	if (p) {
		snprintf(dur_range, sizeof(dur_range), "%u to %u min", p->duration_min_s / 60,
		         p->duration_max_s / 60);
		snprintf(mmhg_range, sizeof(mmhg_range), "%.0f to %.0f mmHg", p->intensity_min_mmhg,
		         p->intensity_max_mmhg);
	} else {
		dur_range[0] = mmhg_range[0] = '\0';
	}
	stepper(cv, UI_AREA_DURATION, UI_BTN_DURATION_MINUS, UI_BTN_DURATION_PLUS, "Duration", dur,
	        dur_range, p && st->duration_s > p->duration_min_s,
	        p && st->duration_s < p->duration_max_s);
	stepper(cv, UI_AREA_INTENSITY, UI_BTN_INTENSITY_MINUS, UI_BTN_INTENSITY_PLUS, "Pressure",
	        mmhg, mmhg_range, p && st->target_mmhg > p->intensity_min_mmhg + 0.01,
	        p && st->target_mmhg < p->intensity_max_mmhg - 0.01);
	widget_button(cv, UI_BTN_CONTINUE, "Continue", THEME_GO, true);
}

static void adjust_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	const struct station_snapshot *st = model_station(md, md->station);
	const struct program *p = model_program(md, st);
	struct command cmd;
	double step;

	if (!st)
		return;
	if (b == UI_BTN_BACK) {
		model_cancel_flow(md);
		return;
	}
	if (b == UI_BTN_CONTINUE) {
		model_submit_simple(md, CMD_BEGIN_SCREENING, md->station);
		return;
	}
	if (!p)
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.action = CMD_ADJUST;
	cmd.station = (unsigned int)md->station;
	cmd.duration_s = st->duration_s;
	cmd.target_mmhg = st->target_mmhg;
	step = p->intensity_step_mmhg > 0 ? p->intensity_step_mmhg : 5.0;
	switch (b) {
	case UI_BTN_DURATION_MINUS:
		cmd.duration_s = cmd.duration_s > p->duration_min_s + DURATION_STEP_S
		                     ? cmd.duration_s - DURATION_STEP_S
		                     : p->duration_min_s;
		break;
	case UI_BTN_DURATION_PLUS:
		cmd.duration_s = cmd.duration_s + DURATION_STEP_S < p->duration_max_s
		                     ? cmd.duration_s + DURATION_STEP_S
		                     : p->duration_max_s;
		break;
	case UI_BTN_INTENSITY_MINUS:
		cmd.target_mmhg = fmax(p->intensity_min_mmhg, cmd.target_mmhg - step);
		break;
	case UI_BTN_INTENSITY_PLUS:
		cmd.target_mmhg = fmin(p->intensity_max_mmhg, cmd.target_mmhg + step);
		break;
	default:
		return;
	}
	model_submit(md, &cmd);
}

const struct screen_ops screen_adjust_ops = {.draw = adjust_draw, .press = adjust_press};

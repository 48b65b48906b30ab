/* SPDX-License-Identifier: MIT */
/* Overview, program choice and adjust screens. */
#include "ui/screens_member.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/program.h"
#include "core/station.h"
#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/pictures.h"
#include "ui/widgets.h"
#include "ui/words.h"

#define DURATION_STEP_S 300u

static void card_status(const struct ui_model *md, const struct station_snapshot *st, bool staff,
                        char *big, size_t big_len, char *small, size_t small_len)
{
	char t[16];

	small[0] = '\0';
	widget_format_mmss(st->remaining_s, t, sizeof(t));
	switch (st->state) {
	case STATION_IDLE:
		snprintf(big, big_len, "%s", staff ? words_state(st->state) : tr("Tap to start"));
		break;
	case STATION_SETUP:
	case STATION_SCREENING:
	case STATION_READY:
		snprintf(big, big_len, "%s", tr("Getting ready"));
		snprintf(small, small_len, "%s", screen_program_name(st->program_name));
		break;
	case STATION_RUNNING:
		/* TRANSLATORS: %s is the time left, like 12:30. */
		snprintf(big, big_len, tr("%s left"), t);
		snprintf(small, small_len, "%s", screen_program_name(st->program_name));
		break;
	case STATION_PAUSED:
		snprintf(big, big_len, tr("%s left"), t);
		/* TRANSLATORS: %s is a program name. */
		snprintf(small, small_len, tr("Paused - %s"),
		         screen_program_name(st->program_name));
		break;
	case STATION_VENTING:
		snprintf(big, big_len, "%s", tr("Releasing air"));
		snprintf(small, small_len, "%s", screen_program_name(st->program_name));
		break;
	case STATION_NEEDS_CLEANING:
		snprintf(big, big_len, "%s", tr("Wipe the boots"));
		snprintf(small, small_len, "%s", tr("Then tap to confirm"));
		break;
	case STATION_FAULT: {
		struct fault_words w;

		snprintf(big, big_len, "%s",
		         model_staff_notified(md, st) ? tr("Staff notified")
		                                      : tr("Please tell staff"));
		words_fault(st->fault, &w);
		snprintf(small, small_len, "%s", w.member);
		/* The first sentence only: "The boots did not fill." */
		small[strcspn(small, ".:;")] = '\0';
		break;
	}
	case STATION_OUT_OF_SERVICE:
	case STATION_STATE_COUNT:
		snprintf(big, big_len, "%s", tr("Not available"));
		snprintf(small, small_len, "%s", words_service_reason(st->service_note));
		break;
	}
	if (staff && (st->state == STATION_IDLE || st->state == STATION_NEEDS_CLEANING ||
	              st->state == STATION_OUT_OF_SERVICE)) {
		const struct station_stats *s = &md->stats[st->index % UI_MAX_CARDS];
		/* TRANSLATORS: staff card: sessions and minutes delivered today. */
		snprintf(small, small_len, tr("Today: %u sessions, %u min"), s->sessions_today,
		         s->seconds_today / 60);
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

static void draw_card(const struct ui_model *md, struct ui_canvas *cv, enum ui_button b,
                      const struct station_snapshot *st, bool staff)
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
	const char *state_word = words_state(st->state);
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
	pill_font = widest_fit(cv, pill_fonts, 2, state_word, iw - 2 * cv->m.gap - cv->m.gap / 2);
	text_ellipsize(cv->text, pill_font, state_word, iw - 2 * cv->m.gap - cv->m.gap / 2, label,
	               sizeof(label));
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

	card_status(md, st, staff, big, sizeof(big), small, sizeof(small));
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
	for (size_t i = 0; md->snap && i < md->snap->station_count && i < UI_MAX_CARDS; i++)
		draw_card(md, cv, (enum ui_button)(UI_BTN_CARD0 + i), &md->snap->stations[i],
		          staff);
}

static void overview_draw(struct ui_model *md, struct ui_canvas *cv)
{
	screen_header(md, cv, tr("Recovery boots"), NULL, tr("Staff"), theme_color(THEME_PRIMARY));
	if (!md->snap || md->snap->station_count == 0) {
		text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT_DIM),
		                  tr("Starting up..."), cv->layout.area[UI_AREA_CONTENT],
		                  TEXT_CENTER, 1);
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
	char meta[96];
	int name_h = text_line_height(cv->text, UI_FONT_TITLE);
	struct ui_rect desc;

	if (pressed)
		r.y += 2;
	draw_round_rect(cv->r, r, cv->m.radius, surface);
	draw_round_frame(cv->r, r, cv->m.radius, pressed ? 3 : 2,
	                 pressed ? theme_color(THEME_TEXT) : theme_color(THEME_OUTLINE));
	/* TRANSLATORS: program card: intensity word, pressure, minutes. */
	snprintf(meta, sizeof(meta), tr("%s, %.0f mmHg  |  %u min"),
	         words_intensity(p->target_mmhg, p->intensity_min_mmhg, p->intensity_max_mmhg),
	         p->target_mmhg, p->duration_s / 60);
	{
		static const enum ui_font f[] = {UI_FONT_TITLE, UI_FONT_BODY_BOLD};
		screen_line(cv, f, 2, theme_color(THEME_TEXT), screen_program_name(p->name),
		            (struct ui_rect){r.x + pad, r.y + pad, r.w - 2 * pad, name_h},
		            TEXT_LEFT);
	}
	{
		/* Figures on their own line, the same on every card. */
		static const enum ui_font f[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};
		int mh = text_line_height(cv->text, UI_FONT_BODY_BOLD);
		screen_line(cv, f, 2, theme_color(THEME_WAVE_ACTIVE), meta,
		            (struct ui_rect){r.x + pad, r.y + pad + name_h, r.w - 2 * pad, mh},
		            TEXT_LEFT);
		desc = (struct ui_rect){r.x + pad, r.y + pad + name_h + mh + cv->m.gap / 2,
		                        r.w - 2 * pad, r.h - 2 * pad - name_h - mh};
	}
	if (desc.h > text_line_height(cv->text, UI_FONT_SMALL) / 2)
		text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM),
		                  tr(p->description), desc, TEXT_LEFT, 0);
}

static void programs_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	size_t first;

	if (!st)
		return;
	screen_station_header(md, cv, st, tr("choose a program"), tr("Back"), NULL);
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
		char page[64];
		/* TRANSLATORS: pager of the program list. */
		snprintf(page, sizeof(page), tr("Page %zu of %zu"), md->program_page + 1,
		         cv->layout.program_pages);
		widget_button(cv, UI_BTN_PAGE_PREV, tr("< Prev"), THEME_SURFACE_HI,
		              md->program_page > 0);
		widget_button(cv, UI_BTN_PAGE_NEXT, tr("Next >"), THEME_SURFACE_HI,
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
	struct ui_rect mb = cv->layout.button[minus], pb = cv->layout.button[plus];
	int label_h = text_line_height(cv->text, UI_FONT_BODY_BOLD);
	static const enum ui_font vf[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD,
	                                  UI_FONT_SMALL};
	static const enum ui_font lf[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};
	static const enum ui_font rf[] = {UI_FONT_SMALL};
	int top_h = mb.y - p.y;

	draw_round_rect(cv->r, p, cv->m.radius, theme_color(THEME_SURFACE));
	screen_line(
	    cv, lf, 2, theme_color(THEME_TEXT_DIM), label,
	    (struct ui_rect){p.x + cv->m.gap, p.y + cv->m.gap / 2, p.w - 2 * cv->m.gap, label_h},
	    TEXT_LEFT);
	screen_line(cv, rf, 1, theme_color(THEME_TEXT_DIM), range,
	            (struct ui_rect){p.x + cv->m.gap, p.y + cv->m.gap / 2 + label_h,
	                             p.w - 2 * cv->m.gap, top_h - label_h - cv->m.gap / 2},
	            TEXT_LEFT);
	screen_line(cv, vf, 4, theme_color(THEME_TEXT), value,
	            (struct ui_rect){mb.x + mb.w + cv->m.gap / 2, mb.y,
	                             pb.x - mb.x - mb.w - cv->m.gap, mb.h},
	            TEXT_CENTER);
	widget_button(cv, minus, "", THEME_SURFACE_HI, can_minus);
	widget_button(cv, plus, "", THEME_SURFACE_HI, can_plus);
	widget_icon_plus_minus(cv, cv->layout.button[minus], false,
	                       theme_color(can_minus ? THEME_TEXT : THEME_TEXT_DIM));
	widget_icon_plus_minus(cv, cv->layout.button[plus], true,
	                       theme_color(can_plus ? THEME_TEXT : THEME_TEXT_DIM));
}

/* What a tap on a zone may do with this program (mirrors the core's rule,
 * which has the last word). */
static uint8_t member_skips(const struct station_snapshot *st, const struct program *p)
{
	return (uint8_t)(st->skip_mask & ~p->skip_mask);
}

static unsigned int member_boost(const struct station_snapshot *st, const struct program *p)
{
	return p->boost_zone ? 0u : st->boost_zone;
}

static void adjust_leg(const struct ui_model *md, struct ui_canvas *cv,
                       const struct station_snapshot *st, const struct program *p)
{
	enum zone_look looks[UI_MAX_ZONES];
	size_t n = st->zone_count < UI_MAX_ZONES ? st->zone_count : UI_MAX_ZONES;

	(void)md;
	for (size_t k = 0; k < n; k++) {
		bool fixed = p && (p->skip_mask & (1u << k));

		if (st->skip_mask & (1u << k))
			looks[k] = fixed ? ZONE_SKIPPED_FIXED : ZONE_SKIPPED;
		else if (st->boost_zone == k + 1)
			looks[k] = p && p->boost_zone ? ZONE_BOOSTED_FIXED : ZONE_BOOSTED;
		else
			looks[k] = ZONE_NORMAL;
		if (!fixed && looks[k] != ZONE_BOOSTED_FIXED)
			widget_activate(cv, (enum ui_button)(UI_BTN_ZONE0 + k));
	}
	picture_leg(cv, cv->layout.area[UI_AREA_LEG], cv->layout.button + UI_BTN_ZONE0, n, looks,
	            st->boost_mmhg > 0 ? st->boost_mmhg : STATION_MEMBER_BOOST_MMHG,
	            p && !p->boost_zone ? tr("Tap a zone to boost it, tap again to leave it out")
	                                : tr("Tap a zone to leave it out"));
}

static void adjust_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const struct program *p = model_program(md, st);
	char dur[32], dur_range[64], mmhg[64], mmhg_range[64], pressure[96];

	if (!st)
		return;
	screen_station_header(md, cv, st, screen_program_name(st->program_name), tr("Cancel"),
	                      NULL);
	/* TRANSLATORS: a duration in minutes. */
	snprintf(dur, sizeof(dur), tr("%u min"), st->duration_s / 60);
	snprintf(mmhg, sizeof(mmhg), tr("%.0f mmHg"), st->target_mmhg);
	if (p) {
		/* TRANSLATORS: the allowed range of a setting. */
		snprintf(dur_range, sizeof(dur_range), tr("%u to %u min"), p->duration_min_s / 60,
		         p->duration_max_s / 60);
		snprintf(mmhg_range, sizeof(mmhg_range), tr("%.0f to %.0f mmHg"),
		         p->intensity_min_mmhg, p->intensity_max_mmhg);
		/* TRANSLATORS: the pressure panel's label with its word: "Pressure: Medium". */
		snprintf(
		    pressure, sizeof(pressure), tr("Pressure: %s"),
		    words_intensity(st->target_mmhg, p->intensity_min_mmhg, p->intensity_max_mmhg));
	} else {
		dur_range[0] = mmhg_range[0] = '\0';
		snprintf(pressure, sizeof(pressure), "%s", tr("Pressure"));
	}
	stepper(cv, UI_AREA_DURATION, UI_BTN_DURATION_MINUS, UI_BTN_DURATION_PLUS, tr("Duration"),
	        dur, dur_range, p && st->duration_s > p->duration_min_s,
	        p && st->duration_s < p->duration_max_s);
	stepper(cv, UI_AREA_INTENSITY, UI_BTN_INTENSITY_MINUS, UI_BTN_INTENSITY_PLUS, pressure,
	        mmhg, mmhg_range, p && st->target_mmhg > p->intensity_min_mmhg + 0.01,
	        p && st->target_mmhg < p->intensity_max_mmhg - 0.01);
	adjust_leg(md, cv, st, p);
	widget_button(cv, UI_BTN_CONTINUE, tr("Continue"), THEME_GO, true);
}

/* Normal -> boosted -> left out -> normal, skipping what is not allowed. */
static void zone_tap(struct ui_model *md, const struct station_snapshot *st,
                     const struct program *p, size_t k)
{
	uint8_t skips = member_skips(st, p), bit = (uint8_t)(1u << k);
	unsigned int boost = member_boost(st, p);
	uint8_t zones = (uint8_t)((1u << st->zone_count) - 1u);
	bool can_skip = ((p->skip_mask | skips | bit) & zones) != zones;
	struct command cmd;

	if (skips & bit) {
		skips = (uint8_t)(skips & ~bit);
	} else if (boost == k + 1 || p->boost_zone) {
		if (boost == k + 1)
			boost = 0;
		if (can_skip)
			skips |= bit;
	} else {
		boost = (unsigned int)k + 1;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.action = CMD_ADJUST;
	cmd.station = (unsigned int)md->station;
	cmd.set_zones = true;
	cmd.skip_mask = skips;
	cmd.boost_zone = boost;
	model_submit(md, &cmd);
}

static void adjust_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const struct program *p = model_program(md, st);
	struct command cmd;
	double step;

	(void)cv;
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
	if (b >= UI_BTN_ZONE0 && b < UI_BTN_ZONE0 + UI_MAX_ZONES) {
		if ((size_t)(b - UI_BTN_ZONE0) < st->zone_count)
			zone_tap(md, st, p, (size_t)(b - UI_BTN_ZONE0));
		return;
	}
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

/* SPDX-License-Identifier: MIT */
#include "ui/widgets.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void widget_background(struct ui_canvas *cv)
{
	struct ui_color bg = theme_color(THEME_BG);
	SDL_SetRenderDrawBlendMode(cv->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(cv->r, bg.r, bg.g, bg.b, 0xff);
	SDL_RenderClear(cv->r);
}

bool widget_activate(struct ui_canvas *cv, enum ui_button b)
{
	if (cv->layout.button[b].w <= 0)
		return false;
	cv->active[b] = true;
	return cv->pressed == b;
}

static enum ui_font label_font(struct ui_canvas *cv, const char *label, struct ui_rect r,
                               enum ui_font want)
{
	static const enum ui_font order[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD,
	                                     UI_FONT_SMALL};
	size_t first = 0;
	struct ui_rect inner = {r.x + cv->m.gap, r.y + cv->m.gap / 2, r.w - 2 * cv->m.gap,
	                        r.h - cv->m.gap};

	while (first < 3 && order[first] != want)
		first++;
	return text_fit(cv->text, order + first, 4 - first, label, inner);
}

void widget_button_font(struct ui_canvas *cv, enum ui_button b, const char *label,
                        enum theme_role role, bool enabled, enum ui_font font)
{
	struct ui_rect r = cv->layout.button[b];
	struct ui_color bg = enabled ? theme_color(role) : theme_color(THEME_DISABLED);
	struct ui_color fg =
	    enabled ? theme_color(THEME_TEXT_ON_ACCENT) : theme_color(THEME_TEXT_DIM);
	bool pressed = false;
	enum ui_font f;
	struct ui_rect inner;

	if (r.w <= 0)
		return;
	if (enabled)
		pressed = widget_activate(cv, b);
	if (pressed) {
		/* Pressed: darker and nudged down, so a touch visibly lands. */
		bg = theme_shade(bg, 0.65);
		r.y += 2;
	}
	draw_round_rect(cv->r, r, cv->m.radius, bg);
	if (role == THEME_SURFACE_HI && enabled)
		draw_round_frame(cv->r, r, cv->m.radius, 2, theme_color(THEME_OUTLINE));
	if (pressed)
		draw_round_frame(cv->r, r, cv->m.radius, 3, theme_color(THEME_TEXT));
	f = label_font(cv, label, r, font);
	inner.x = r.x + cv->m.gap;
	inner.w = r.w - 2 * cv->m.gap;
	inner.y = r.y;
	inner.h = r.h;
	text_draw_wrapped(cv->text, f, fg, label, inner, TEXT_CENTER, 1);
}

void widget_button(struct ui_canvas *cv, enum ui_button b, const char *label, enum theme_role role,
                   bool enabled)
{
	widget_button_font(cv, b, label, role, enabled, UI_FONT_TITLE);
}

void widget_header(struct ui_canvas *cv, const char *title, const char *back_label,
                   const char *staff_label, struct ui_color accent)
{
	struct ui_rect h = cv->layout.area[UI_AREA_HEADER];
	struct ui_rect t = cv->layout.area[UI_AREA_TITLE];
	struct ui_rect bar = {0, h.h - 3, h.w, 3};
	char clock[8];
	int cw = 0;

	draw_rect(cv->r, h, theme_color(THEME_HEADER));
	draw_rect(cv->r, bar, accent);
	if (back_label && cv->layout.button[UI_BTN_BACK].w > 0)
		widget_button_font(cv, UI_BTN_BACK, back_label, THEME_SURFACE_HI, true,
		                   UI_FONT_BODY_BOLD);
	if (staff_label && cv->layout.button[UI_BTN_STAFF].w > 0)
		widget_button_font(cv, UI_BTN_STAFF, staff_label, THEME_SURFACE_HI, true,
		                   UI_FONT_BODY_BOLD);
	if (!cv->m.portrait || cv->layout.button[UI_BTN_BACK].w == 0) {
		/* The clock at the right end of the title area. */
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		snprintf(clock, sizeof(clock), "%02d:%02d", tm.tm_hour, tm.tm_min);
		text_size(cv->text, UI_FONT_BODY_BOLD, clock, &cw, NULL);
		text_draw_in(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), clock,
		             (struct ui_rect){t.x + t.w - cw, 0, cw, h.h}, TEXT_LEFT);
		t.w -= cw + cv->m.gap;
	}
	if (title) {
		static const enum ui_font fonts[] = {UI_FONT_TITLE, UI_FONT_BODY_BOLD,
		                                     UI_FONT_SMALL};
		struct ui_rect tr = {t.x + (cv->layout.button[UI_BTN_BACK].w ? 0 : cv->m.pad / 2),
		                     t.y, t.w, t.h};
		int lh;
		enum ui_font f = UI_FONT_SMALL;

		for (size_t i = 0; i < 3; i++) {
			int w;
			text_size(cv->text, fonts[i], title, &w, NULL);
			if (w <= tr.w) {
				f = fonts[i];
				break;
			}
		}
		{
			char fitted[160];
			text_ellipsize(cv->text, f, title, tr.w, fitted, sizeof(fitted));
			lh = text_line_height(cv->text, f);
			tr.y = (h.h - lh) / 2;
			text_draw(cv->text, f, theme_color(THEME_TEXT), fitted, tr.x, tr.y,
			          TEXT_LEFT);
		}
	}
}

void widget_toast(struct ui_canvas *cv, const char *msg, enum theme_role role)
{
	struct ui_rect r = cv->layout.area[UI_AREA_TOAST];
	struct ui_rect in;

	if (!msg || !msg[0] || r.w <= 0)
		return;
	draw_round_rect(cv->r, r, cv->m.radius, theme_color(role));
	draw_round_frame(cv->r, r, cv->m.radius, 2, theme_color(THEME_TEXT));
	in.x = r.x + cv->m.gap;
	in.y = r.y;
	in.w = r.w - 2 * cv->m.gap;
	in.h = r.h;
	{
		static const enum ui_font fonts[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};
		enum ui_font f = text_fit(cv->text, fonts, 2, msg, in);
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT_ON_ACCENT), msg, in,
		                  TEXT_CENTER, 1);
	}
}

void widget_pill(struct ui_canvas *cv, struct ui_rect r, const char *label, struct ui_color bg,
                 enum ui_font font)
{
	draw_round_rect(cv->r, r, r.h / 2, bg);
	text_draw_in(cv->text, font, theme_color(THEME_TEXT_ON_ACCENT), label, r, TEXT_CENTER);
}

void widget_icon_plus_minus(struct ui_canvas *cv, struct ui_rect r, bool plus, struct ui_color c)
{
	float cx = (float)r.x + (float)r.w / 2, cy = (float)r.y + (float)r.h / 2;
	float half = (float)(r.w < r.h ? r.w : r.h) * 0.22f;
	float th = half * 0.32f;

	(void)cv;
	draw_line(cv->r, cx - half, cy, cx + half, cy, th, c);
	if (plus)
		draw_line(cv->r, cx, cy - half, cx, cy + half, th, c);
}

void widget_format_mmss(unsigned int s, char *out, size_t len)
{
	/* Minutes and seconds only: sessions are capped at an hour, and
	 * "60:00" keeps the countdown's width the same as "59:59". */
	snprintf(out, len, "%u:%02u", s / 60, s % 60);
}

/* A round badge with a drawn symbol: '!' or 'i'. */
void widget_badge(struct ui_canvas *cv, int cx, int cy, int radius, struct ui_color c,
                  enum badge_kind kind)
{
	float w = (float)radius * 0.22f;
	draw_circle(cv->r, (float)cx, (float)cy, (float)radius, c);
	if (kind == BADGE_CHECK) {
		struct ui_color white = theme_color(THEME_TEXT_ON_ACCENT);
		float r = (float)radius;
		struct draw_point tick[3] = {{(float)cx - r * 0.45f, (float)cy + r * 0.02f},
		                             {(float)cx - r * 0.12f, (float)cy + r * 0.35f},
		                             {(float)cx + r * 0.5f, (float)cy - r * 0.35f}};
		draw_polyline(cv->r, tick, 3, w, white);
	} else if (kind == BADGE_ALERT) {
		draw_line(cv->r, (float)cx, (float)cy - (float)radius * 0.55f, (float)cx,
		          (float)cy + (float)radius * 0.15f, w, theme_color(THEME_TEXT_ON_ACCENT));
		draw_circle(cv->r, (float)cx, (float)cy + (float)radius * 0.45f, w * 0.6f,
		            theme_color(THEME_TEXT_ON_ACCENT));
	} else {
		draw_circle(cv->r, (float)cx, (float)cy - (float)radius * 0.45f, w * 0.6f,
		            theme_color(THEME_TEXT_ON_ACCENT));
		draw_line(cv->r, (float)cx, (float)cy - (float)radius * 0.15f, (float)cx,
		          (float)cy + (float)radius * 0.55f, w, theme_color(THEME_TEXT_ON_ACCENT));
	}
}

void widget_message(struct ui_canvas *cv, struct ui_rect a, struct ui_color accent,
                    enum badge_kind kind, const char *headline, const char *body)
{
	int radius = (int)(cv->m.font_px[UI_FONT_LARGE] * 0.75);
	struct ui_rect tr = {a.x + cv->m.pad, a.y, a.w - 2 * cv->m.pad, a.h};
	static const enum ui_font body_fonts[] = {UI_FONT_BODY, UI_FONT_SMALL};
	int hh, bh, total, y;
	enum ui_font bf;

	hh = text_wrapped_height(cv->text, UI_FONT_TITLE, headline, tr.w);
	bf = text_fit(cv->text, body_fonts, 2, body,
	              (struct ui_rect){tr.x, tr.y, tr.w, a.h - hh - 2 * radius - 2 * cv->m.gap});
	bh = text_wrapped_height(cv->text, bf, body, tr.w);
	total = 2 * radius + cv->m.gap + hh + cv->m.gap + bh;
	if (total > a.h) {
		radius = 0;
		total = hh + cv->m.gap + bh;
	}
	y = a.y + (a.h - total) / 2;
	if (radius > 0) {
		widget_badge(cv, a.x + a.w / 2, y + radius, radius, accent, kind);
		y += 2 * radius + cv->m.gap;
	}
	text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT), headline,
	                  (struct ui_rect){tr.x, y, tr.w, hh}, TEXT_CENTER, 0);
	y += hh + cv->m.gap;
	text_draw_wrapped(cv->text, bf, theme_color(THEME_TEXT_DIM), body,
	                  (struct ui_rect){tr.x, y, tr.w, bh}, TEXT_CENTER, 0);
}

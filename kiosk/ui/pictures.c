/* SPDX-License-Identifier: MIT */
/* Pictures drawn with shape primitives: the boot, the boots-on steps, the
 * wipe step and the live compression wave. */
#include "ui/pictures.h"

#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/screen.h"
#include "ui/widgets.h"

#include <math.h>
#include <stdio.h>

static const struct ui_color boot_fill = {0x44, 0x56, 0x70, 0xff};
static const struct ui_color boot_line = {0x2a, 0x36, 0x48, 0xff};
static const struct ui_color accent = {0x5c, 0xc8, 0xff, 0xff};

struct boot_geom {
	struct ui_rect leg, foot;
	float radius;
};

/* A sleeve from thigh (top) to foot (bottom right), zones as bands. */
static struct boot_geom boot_draw(struct ui_canvas *cv, float cx, float top, float h)
{
	struct boot_geom g;
	float lw = h * 0.30f, fl = h * 0.52f, fh = h * 0.2f;
	float x0 = cx - fl * 0.35f;

	g.radius = lw * 0.38f;
	g.leg = (struct ui_rect){(int)x0, (int)top, (int)lw, (int)(h - fh * 0.4f)};
	g.foot = (struct ui_rect){(int)x0, (int)(top + h - fh), (int)fl, (int)fh};
	draw_round_rect(cv->r, g.leg, (int)g.radius, boot_fill);
	draw_round_rect(cv->r, g.foot, (int)(fh * 0.48f), boot_fill);
	for (int k = 1; k < 5; k++) {
		float y = top + (h - fh) * (float)k / 5.0f;
		draw_line(cv->r, (float)g.leg.x + 3, y, (float)(g.leg.x + g.leg.w) - 3, y,
		          fmaxf(2.0f, h * 0.012f), boot_line);
	}
	return g;
}

static void arrow(struct ui_canvas *cv, float x0, float y0, float x1, float y1, float w,
                  struct ui_color c)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	float ux, uy, hl = w * 2.4f;
	struct draw_point head[3];

	if (len < 1)
		return;
	ux = dx / len;
	uy = dy / len;
	draw_line(cv->r, x0, y0, x1 - ux * hl * 0.8f, y1 - uy * hl * 0.8f, w, c);
	head[0] = (struct draw_point){x1, y1};
	head[1] = (struct draw_point){x1 - ux * hl - uy * hl * 0.7f, y1 - uy * hl + ux * hl * 0.7f};
	head[2] = (struct draw_point){x1 - ux * hl + uy * hl * 0.7f, y1 - uy * hl - ux * hl * 0.7f};
	draw_convex(cv->r, head, 3, c);
}

void picture_boot(struct ui_canvas *cv, struct ui_rect r, int step)
{
	float h = (float)r.h * 0.78f;
	float cx = (float)r.x + (float)r.w / 2;
	float top = (float)r.y + (float)r.h * 0.16f;
	float aw = fmaxf(4.0f, h * 0.05f);
	struct boot_geom g;

	if (h > (float)r.w * 1.25f) {
		h = (float)r.w * 1.25f;
		top = (float)r.y + ((float)r.h - h) * 0.7f;
	}
	g = boot_draw(cv, cx, top, h);
	switch (step) {
	case 0: { /* feet in: arrow down into the opening */
		float ax = (float)g.leg.x + (float)g.leg.w / 2;
		arrow(cv, ax, (float)r.y + 2, ax, top + h * 0.22f, aw, accent);
		break;
	}
	case 1: { /* zip up the front */
		float zx = (float)(g.leg.x + g.leg.w) - aw * 0.9f;
		float y0 = (float)g.foot.y - aw, y1 = top + h * 0.08f;
		draw_line(cv->r, zx, y0, zx, y1, aw * 0.6f, theme_color(THEME_TEXT));
		draw_round_rect(cv->r,
		                (struct ui_rect){(int)(zx - aw), (int)(y1 + h * 0.1f),
		                                 (int)(aw * 2), (int)(aw * 3)},
		                (int)aw / 2, accent);
		arrow(cv, zx + aw * 3.2f, y0 - h * 0.05f, zx + aw * 3.2f, y1 + h * 0.05f, aw,
		      accent);
		break;
	}
	default: { /* hose clicked into the boot */
		/* The connector sits on the back of the sleeve, the hose drops
		 * away down-left, "click" marks fan out up-left. */
		float hx = (float)g.leg.x + (float)g.leg.w * 0.12f, hy = top + h * 0.45f;
		struct draw_point hose[4] = {
		    {hx, hy},
		    {hx - h * 0.14f, hy + h * 0.05f},
		    {hx - h * 0.2f, hy + h * 0.3f},
		    {hx - h * 0.22f, (float)(r.y + r.h)},
		};
		draw_polyline(cv->r, hose, 4, aw * 1.6f, theme_color(THEME_TEXT_DIM));
		draw_circle(cv->r, hx, hy, aw * 1.9f, accent);
		draw_circle(cv->r, hx, hy, aw * 0.9f, boot_line);
		for (int k = -1; k <= 1; k++) { /* "click" marks */
			float a = (float)M_PI * (1.25f + 0.17f * (float)k);
			draw_line(cv->r, hx + cosf(a) * aw * 3.0f, hy + sinf(a) * aw * 3.0f,
			          hx + cosf(a) * aw * 4.4f, hy + sinf(a) * aw * 4.4f, aw * 0.6f,
			          accent);
		}
		break;
	}
	}
}

void picture_wipe(struct ui_canvas *cv, struct ui_rect r)
{
	float h = fminf((float)r.h * 0.8f, (float)r.w * 1.1f);
	float cx = (float)r.x + (float)r.w / 2;
	float top = (float)r.y + ((float)r.h - h) / 2;
	struct boot_geom g = boot_draw(cv, cx, top, h);
	float cw = h * 0.26f, ch = h * 0.17f;
	float wx = (float)(g.leg.x + g.leg.w) - cw * 0.4f, wy = top + h * 0.18f;
	struct draw_point cloth[4] = {{wx, wy + ch * 0.25f},
	                              {wx + cw, wy},
	                              {wx + cw * 1.05f, wy + ch},
	                              {wx + cw * 0.08f, wy + ch * 1.2f}};
	struct ui_color white = theme_color(THEME_TEXT);

	draw_convex(cv->r, cloth, 4, (struct ui_color){0xe8, 0xf4, 0xff, 0xff});
	for (int k = 0; k < 3; k++) { /* sparkles */
		float sx = wx + cw * (0.2f + 0.45f * (float)k),
		      sy = wy - h * (0.08f + 0.05f * (float)(k % 2));
		float s = h * 0.035f;
		draw_line(cv->r, sx - s, sy, sx + s, sy, s * 0.35f, white);
		draw_line(cv->r, sx, sy - s, sx, sy + s, s * 0.35f, white);
	}
}

static struct ui_color mix_color(struct ui_color a, struct ui_color b, double t)
{
	struct ui_color c = {(uint8_t)(a.r + (b.r - a.r) * t), (uint8_t)(a.g + (b.g - a.g) * t),
	                     (uint8_t)(a.b + (b.b - a.b) * t), 0xff};
	return c;
}

/* A foot shape ending at x_right, as tall as h around cy. */
static void draw_foot(struct ui_canvas *cv, float x_right, float cy, float h, struct ui_color c)
{
	float w = h * 0.9f;
	struct ui_rect sole = {(int)(x_right - w), (int)(cy - h * 0.05f), (int)w, (int)(h * 0.55f)};

	draw_round_rect(cv->r, sole, (int)(h * 0.25f), c);
	draw_round_rect(cv->r,
	                (struct ui_rect){(int)(x_right - h * 0.45f), (int)(cy - h * 0.5f),
	                                 (int)(h * 0.45f), (int)(h * 0.8f)},
	                (int)(h * 0.18f), c);
}

void picture_wave(struct ui_canvas *cv, struct ui_rect r, const struct station_snapshot *st)
{
	size_t n = st->zone_count;
	int small_h = text_line_height(cv->text, UI_FONT_SMALL);
	int leg_h = (int)fmax(cv->m.gap * 2.0, r.h * 0.12);
	struct ui_rect plot = {r.x + cv->m.gap, r.y + small_h + cv->m.gap, r.w - 2 * cv->m.gap,
	                       r.h - 2 * small_h - leg_h - 3 * cv->m.gap};
	double scale = 0;
	int col_w, gap, foot_w;
	char label[32];

	draw_round_rect(cv->r, r, cv->m.radius, theme_color(THEME_SURFACE));
	if (n == 0 || n > STATION_MAX_ZONES || plot.h <= 0)
		return;
	for (size_t z = 0; z < n; z++) {
		scale = fmax(scale, st->zone_target_mmhg[z]);
		scale = fmax(scale, st->zone_mmhg[z]);
	}
	scale = fmax(scale * 1.25, 20.0);
	gap = cv->m.gap / 2 + 1;
	foot_w = (int)(leg_h * 1.1);
	plot.x += foot_w;
	plot.w -= foot_w;
	col_w = (plot.w - (int)(n - 1) * gap) / (int)n;
	{
		static const enum ui_font sf[] = {UI_FONT_SMALL};
		int half = (r.w - 3 * cv->m.gap) / 2;

		/* TRANSLATORS: the unit over the wave chart's columns. */
		screen_line(cv, sf, 1, theme_color(THEME_TEXT_DIM), tr("pressure in mmHg"),
		            (struct ui_rect){r.x + cv->m.gap, r.y + cv->m.gap / 2, half, small_h},
		            TEXT_LEFT);
		/* TRANSLATORS: legend of the white marks on the wave chart. */
		screen_line(cv, sf, 1, theme_color(THEME_TEXT_DIM), tr("white mark: target"),
		            (struct ui_rect){r.x + r.w - cv->m.gap - half, r.y + cv->m.gap / 2,
		                             half, small_h},
		            TEXT_RIGHT);
	}
	for (size_t z = 0; z < n; z++) {
		int x = plot.x + (int)z * (col_w + gap);
		double p = fmax(0.0, st->zone_mmhg[z]);
		double tgt = st->zone_target_mmhg[z];
		int fill_h = (int)(plot.h * fmin(1.0, p / scale));
		bool active = (int)z == st->active_zone;
		bool skipped = (st->skip_mask & (1u << z)) != 0;
		struct ui_color leg_c;

		draw_round_rect(cv->r, (struct ui_rect){x, plot.y, col_w, plot.h}, cv->m.radius / 2,
		                theme_color(THEME_WAVE_EMPTY));
		if (fill_h > 0)
			draw_round_rect(
			    cv->r, (struct ui_rect){x, plot.y + plot.h - fill_h, col_w, fill_h},
			    cv->m.radius / 2,
			    theme_color(active ? THEME_WAVE_ACTIVE : THEME_WAVE_FILL));
		if (tgt > 0) {
			int ty = plot.y + plot.h - (int)(plot.h * tgt / scale);
			draw_rect(cv->r, (struct ui_rect){x, ty - 1, col_w, 3},
			          theme_color(THEME_TEXT));
			/* The target, labelled where it is. */
			snprintf(label, sizeof(label), "%.0f", tgt);
			text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT), label,
			          x + col_w / 2, ty - small_h - 1, TEXT_CENTER);
		}
		if (active)
			draw_round_frame(cv->r,
			                 (struct ui_rect){x - 2, plot.y - 2, col_w + 4, plot.h + 4},
			                 cv->m.radius / 2, 2, theme_color(THEME_TEXT));
		/* The leg under the columns: each zone tinted by how full it is. */
		leg_c = skipped ? theme_color(THEME_DISABLED)
		                : mix_color(boot_fill, theme_color(THEME_WAVE_ACTIVE),
		                            fmin(1.0, p / fmax(tgt, 1.0)));
		draw_round_rect(cv->r,
		                (struct ui_rect){x, plot.y + plot.h + cv->m.gap, col_w,
		                                 leg_h - (int)(n - 1 - z) * leg_h / (4 * (int)n)},
		                cv->m.radius / 2, leg_c);
	}
	draw_foot(cv, (float)(plot.x - gap),
	          (float)(plot.y + plot.h + cv->m.gap) + (float)leg_h * 0.4f, (float)leg_h * 0.9f,
	          boot_fill);
	{
		int y = plot.y + plot.h + 2 * cv->m.gap + leg_h;
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Foot"),
		          plot.x - foot_w, y, TEXT_LEFT);
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Thigh"),
		          plot.x + plot.w, y, TEXT_RIGHT);
	}
}

void picture_leg(struct ui_canvas *cv, struct ui_rect area, const struct ui_rect *zones, size_t n,
                 const enum zone_look *looks, double boost_mmhg, const char *hint)
{
	int small_h = text_line_height(cv->text, UI_FONT_SMALL);
	char label[32];

	draw_round_rect(cv->r, area, cv->m.radius, theme_color(THEME_SURFACE));
	if (n == 0)
		return;
	/* Over the zones: one line, two on a narrow panel. */
	text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), hint,
	                  (struct ui_rect){area.x + cv->m.gap, area.y + cv->m.gap / 2,
	                                   area.w - 2 * cv->m.gap, 2 * small_h},
	                  TEXT_LEFT, 0);
	if (zones[0].y > zones[n - 1].y)
		/* Upright leg: the foot under zone 1. */
		draw_round_rect(cv->r,
		                (struct ui_rect){zones[0].x,
		                                 zones[0].y + zones[0].h + cv->m.gap / 2,
		                                 zones[0].w * 4 / 3, cv->m.gap * 2},
		                cv->m.gap, boot_fill);
	else
		draw_foot(cv, (float)zones[0].x - (float)cv->m.gap / 2,
		          (float)zones[0].y + (float)zones[0].h * 0.55f, (float)zones[0].h * 0.75f,
		          boot_fill);
	for (size_t k = 0; k < n; k++) {
		struct ui_rect z = zones[k];
		bool pressed = cv->pressed == (enum ui_button)(UI_BTN_ZONE0 + k);
		struct ui_color c = boot_fill;
		const char *word = "";
		char boost[16];

		switch (looks[k]) {
		case ZONE_BOOSTED:
		case ZONE_BOOSTED_FIXED:
			c = theme_color(THEME_WARN);
			snprintf(boost, sizeof(boost), "+%.0f", boost_mmhg);
			word = boost;
			break;
		case ZONE_SKIPPED:
		case ZONE_SKIPPED_FIXED:
			c = theme_color(THEME_DISABLED);
			/* TRANSLATORS: a zone left out of the session (short). */
			word = tr("off");
			break;
		case ZONE_NORMAL:
			break;
		}
		if (pressed)
			c = theme_shade(c, 0.7);
		draw_round_rect(cv->r, z, cv->m.radius, c);
		if (looks[k] == ZONE_SKIPPED || looks[k] == ZONE_SKIPPED_FIXED) {
			draw_line(cv->r, (float)z.x + 4, (float)z.y + 4, (float)(z.x + z.w) - 4,
			          (float)(z.y + z.h) - 4, 3, theme_color(THEME_STOP));
			draw_line(cv->r, (float)(z.x + z.w) - 4, (float)z.y + 4, (float)z.x + 4,
			          (float)(z.y + z.h) - 4, 3, theme_color(THEME_STOP));
		}
		if (looks[k] == ZONE_NORMAL || looks[k] == ZONE_BOOSTED)
			draw_round_frame(cv->r, z, cv->m.radius, 2, theme_color(THEME_OUTLINE));
		snprintf(label, sizeof(label), "%zu", k + 1);
		text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT), label,
		          z.x + z.w / 2, z.y + cv->m.gap / 2, TEXT_CENTER);
		if (word[0])
			text_draw_in(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT), word,
			             (struct ui_rect){z.x, z.y + z.h / 3, z.w, z.h * 2 / 3},
			             TEXT_CENTER);
	}
	if (zones[0].y > zones[n - 1].y) {
		struct ui_rect top = zones[n - 1], foot = zones[0];
		int sh = text_line_height(cv->text, UI_FONT_SMALL);

		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Thigh"),
		          top.x + top.w + cv->m.gap, top.y + (top.h - sh) / 2, TEXT_LEFT);
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Foot"),
		          foot.x + foot.w + cv->m.gap, foot.y + (foot.h - sh) / 2, TEXT_LEFT);
	} else {
		int y = zones[0].y + zones[0].h + cv->m.gap / 2;
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Foot"),
		          zones[0].x, y, TEXT_LEFT);
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), tr("Thigh"),
		          zones[n - 1].x + zones[n - 1].w, y, TEXT_RIGHT);
	}
}

void picture_trace(struct ui_canvas *cv, struct ui_rect r, const struct session_trace *t)
{
	struct draw_point pts[UI_TRACE_POINTS];
	double scale = 20.0;
	int n = 0;

	draw_round_rect(cv->r, r, cv->m.radius / 2, theme_color(THEME_WAVE_EMPTY));
	/* A comparison, not fmax(): GCC 12's vectoriser for aarch64 (the Pi's
	 * compiler on bookworm) crashes on an fmax() reduction at -O2. */
	for (int k = 0; k < UI_TRACE_POINTS; k++) {
		if (t->mmhg[k] > scale)
			scale = t->mmhg[k];
	}
	scale = fmax(scale, t->target_mmhg) * 1.15;
	if (t->target_mmhg > 0) {
		int ty = r.y + r.h - (int)(r.h * t->target_mmhg / scale);
		for (int x = r.x + 2; x < r.x + r.w - 2; x += 12)
			draw_rect(cv->r, (struct ui_rect){x, ty, 6, 2},
			          theme_color(THEME_TEXT_DIM));
	}
	for (int k = 0; k < UI_TRACE_POINTS; k++) {
		/* Only slices the session reached. */
		if (t->duration_s == 0 || (unsigned long)k * t->duration_s >
		                              (unsigned long)t->elapsed_s * UI_TRACE_POINTS)
			break;
		pts[n].x = (float)r.x + (float)r.w * ((float)k + 0.5f) / UI_TRACE_POINTS;
		pts[n].y = (float)(r.y + r.h) - (float)r.h * (float)(t->mmhg[k] / scale);
		n++;
	}
	if (n > 1)
		draw_polyline(cv->r, pts, n, fmaxf(2.0f, (float)cv->m.px_per_mm * 0.4f),
		              theme_color(THEME_WAVE_ACTIVE));
	else if (n == 1) /* stopped in the first minutes: one slice */
		draw_circle(cv->r, pts[0].x, pts[0].y, fmaxf(3.0f, (float)cv->m.px_per_mm),
		            theme_color(THEME_WAVE_ACTIVE));
}

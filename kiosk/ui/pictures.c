/* SPDX-License-Identifier: MIT */
/* Pictures drawn with shape primitives: the boot, the boots-on steps, the
 * wipe step and the live compression wave. */
#include "ui/pictures.h"

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

/* Zones as columns, foot on the left, thigh on the right; the filling zone
 * is highlighted and a line joins the tops so the wave reads as motion. */
void picture_wave(struct ui_canvas *cv, struct ui_rect r, const struct station_snapshot *st)
{
	size_t n = st->zone_count;
	int label_h = text_line_height(cv->text, UI_FONT_SMALL);
	struct ui_rect plot = {r.x + cv->m.gap, r.y + label_h + cv->m.gap, r.w - 2 * cv->m.gap,
	                       r.h - 2 * label_h - 2 * cv->m.gap};
	double scale = 0, peak = 0;
	struct draw_point tops[STATION_MAX_ZONES];
	int col_w, gap;

	draw_round_rect(cv->r, r, cv->m.radius, theme_color(THEME_SURFACE));
	if (n == 0 || n > STATION_MAX_ZONES || plot.h <= 0)
		return;
	for (size_t z = 0; z < n; z++) {
		scale = fmax(scale, st->zone_target_mmhg[z]);
		scale = fmax(scale, st->zone_mmhg[z]);
	}
	scale = fmax(scale * 1.15, 20.0);
	gap = cv->m.gap;
	col_w = (plot.w - (int)(n - 1) * gap) / (int)n;
	for (size_t z = 0; z < n; z++) {
		int x = plot.x + (int)z * (col_w + gap);
		double p = fmax(0.0, st->zone_mmhg[z]);
		char val[16];
		int fill_h = (int)(plot.h * fmin(1.0, p / scale));
		int tgt_y = plot.y + plot.h - (int)(plot.h * st->zone_target_mmhg[z] / scale);
		bool active = (int)z == st->active_zone;

		draw_round_rect(cv->r, (struct ui_rect){x, plot.y, col_w, plot.h}, cv->m.radius / 2,
		                theme_color(THEME_WAVE_EMPTY));
		if (fill_h > 0)
			draw_round_rect(
			    cv->r, (struct ui_rect){x, plot.y + plot.h - fill_h, col_w, fill_h},
			    cv->m.radius / 2,
			    theme_color(active ? THEME_WAVE_ACTIVE : THEME_WAVE_FILL));
		if (st->zone_target_mmhg[z] > 0)
			draw_rect(cv->r, (struct ui_rect){x, tgt_y - 1, col_w, 3},
			          theme_color(THEME_TEXT_DIM));
		if (active)
			draw_round_frame(cv->r,
			                 (struct ui_rect){x - 2, plot.y - 2, col_w + 4, plot.h + 4},
			                 cv->m.radius / 2, 2, theme_color(THEME_TEXT));
		peak = fmax(peak, p);
		snprintf(val, sizeof(val), "%.0f", p < 0.5 ? 0.0 : p);
		text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT), val, x + col_w / 2,
		          r.y + cv->m.gap / 2, TEXT_CENTER);
		tops[z].x = (float)x + (float)col_w / 2;
		tops[z].y = (float)(plot.y + plot.h - fill_h);
	}
	if (peak >= 1.0)
		draw_polyline(cv->r, tops, (int)n, fmaxf(2.0f, (float)cv->m.px_per_mm * 0.5f),
		              theme_color(THEME_TEXT));
	text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), "Foot", plot.x,
	          plot.y + plot.h + cv->m.gap / 2, TEXT_LEFT);
	text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), "Thigh", plot.x + plot.w,
	          plot.y + plot.h + cv->m.gap / 2, TEXT_RIGHT);
	text_draw(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), "mmHg", plot.x + plot.w / 2,
	          plot.y + plot.h + cv->m.gap / 2, TEXT_CENTER);
}

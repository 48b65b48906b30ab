/* SPDX-License-Identifier: MIT */
#include "ui/draw.h"

#include <math.h>

#define MAX_VERTS 160
#define CORNER_STEPS 8

static SDL_Color sdl_color(struct ui_color c)
{
	SDL_Color s = {c.r, c.g, c.b, c.a};
	return s;
}

static void set_vertex(SDL_Vertex *v, float x, float y, SDL_Color c)
{
	v->position.x = x;
	v->position.y = y;
	v->color = c;
	v->tex_coord.x = 0;
	v->tex_coord.y = 0;
}

/* The colour (and blending, for a translucent one) rectangles fill with. */
static void fill_color(SDL_Renderer *r, struct ui_color c)
{
	SDL_SetRenderDrawBlendMode(r, c.a == 0xff ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

void draw_rect(SDL_Renderer *r, struct ui_rect rc, struct ui_color c)
{
	SDL_Rect s = {rc.x, rc.y, rc.w, rc.h};
	fill_color(r, c);
	SDL_RenderFillRect(r, &s);
}

/* Outline of a rounded rectangle as points, clockwise from the top-left. */
static int round_outline(struct ui_rect rc, float radius, float inset, struct draw_point *out)
{
	float x0 = (float)rc.x + inset, y0 = (float)rc.y + inset;
	float x1 = (float)(rc.x + rc.w) - inset, y1 = (float)(rc.y + rc.h) - inset;
	float rad = radius - inset;
	const float cx[4] = {x0 + rad, x1 - rad, x1 - rad, x0 + rad};
	const float cy[4] = {y0 + rad, y0 + rad, y1 - rad, y1 - rad};
	int n = 0;

	if (rad < 0)
		rad = 0;
	for (int k = 0; k < 4; k++) {
		double a0 = M_PI + k * M_PI / 2;
		for (int i = 0; i <= CORNER_STEPS; i++) {
			double a = a0 + (M_PI / 2) * i / CORNER_STEPS;
			out[n].x = cx[k] + rad * (float)cos(a);
			out[n].y = cy[k] + rad * (float)sin(a);
			n++;
		}
	}
	return n;
}

static float clamp_radius(struct ui_rect rc, int radius)
{
	float m = (float)(rc.w < rc.h ? rc.w : rc.h) / 2.0f;
	return (float)radius > m ? m : (float)radius;
}

void draw_convex(SDL_Renderer *r, const struct draw_point *p, int n, struct ui_color c)
{
	SDL_Vertex v[MAX_VERTS];
	int idx[MAX_VERTS * 3];
	SDL_Color sc = sdl_color(c);
	int ni = 0;

	if (n < 3 || n > MAX_VERTS)
		return;
	for (int i = 0; i < n; i++)
		set_vertex(&v[i], p[i].x, p[i].y, sc);
	for (int i = 1; i + 1 < n; i++) {
		idx[ni++] = 0;
		idx[ni++] = i;
		idx[ni++] = i + 1;
	}
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
	SDL_RenderGeometry(r, NULL, v, n, idx, ni);
}

/* Rows a span fill takes at most; a taller shape is filled as a polygon. */
#define SPAN_ROWS_MAX 512

/* Fills rows [y, y + h) of a shape whose row i spans [x + in[i], x + w -
 * in[i]), as one batch of rectangles.  The software renderer fills a
 * triangle by testing every pixel of its bounding box, so a fan over a card
 * costs its area once per triangle; rows cost each pixel once (the first
 * frame's overview: 15 of its 22 ms were round rectangles as fans). */
static void fill_spans(SDL_Renderer *r, int x, int y, int w, int h, const int *in,
                       struct ui_color c)
{
	SDL_Rect rows[SPAN_ROWS_MAX];
	int n = 0;

	for (int i = 0; i < h; i++) {
		int left = in[i], width = w - 2 * in[i];
		if (width <= 0)
			continue;
		/* Rows of the same extent merge into one rectangle. */
		if (n > 0 && rows[n - 1].x == x + left && rows[n - 1].w == width &&
		    rows[n - 1].y + rows[n - 1].h == y + i) {
			rows[n - 1].h++;
			continue;
		}
		rows[n++] = (SDL_Rect){x + left, y + i, width, 1};
	}
	fill_color(r, c);
	SDL_RenderFillRects(r, rows, n);
}

/* How far a circle of radius rad, centred rad from the edge, stands in from
 * that edge at the middle of pixel row i (0 = the edge's own row). */
static int corner_inset(float rad, int i)
{
	float dy = rad - ((float)i + 0.5f);

	if (dy <= 0)
		return 0;
	if (dy >= rad)
		return (int)lroundf(rad);
	return (int)lroundf(rad - sqrtf(rad * rad - dy * dy));
}

void draw_round_rect(SDL_Renderer *r, struct ui_rect rc, int radius, struct ui_color c)
{
	int in[SPAN_ROWS_MAX];

	if (rc.w <= 0 || rc.h <= 0)
		return;
	if (radius <= 1) {
		draw_rect(r, rc, c);
		return;
	}
	float rad = clamp_radius(rc, radius);
	if (rc.h > SPAN_ROWS_MAX) {
		struct draw_point p[4 * (CORNER_STEPS + 1)];
		int n = round_outline(rc, rad, 0, p);
		draw_convex(r, p, n, c);
		return;
	}
	for (int i = 0; i < rc.h; i++) {
		int from_edge = i < rc.h - 1 - i ? i : rc.h - 1 - i;
		in[i] = corner_inset(rad, from_edge);
	}
	fill_spans(r, rc.x, rc.y, rc.w, rc.h, in, c);
}

/* Points per outline that a band may have: a full circle (circle_steps) or
 * a rounded rectangle's outline. */
#define BAND_MAX 64
_Static_assert(4 * (CORNER_STEPS + 1) <= BAND_MAX, "rounded outline longer than a band");

/* Fill the closed band between two outlines of n matching points each. */
static void draw_band(SDL_Renderer *r, const struct draw_point *outer,
                      const struct draw_point *inner, int n, struct ui_color c)
{
	SDL_Vertex v[2 * BAND_MAX];
	int idx[6 * BAND_MAX];
	SDL_Color sc = sdl_color(c);
	int ni = 0;

	for (int i = 0; i < n; i++) {
		set_vertex(&v[2 * i], outer[i].x, outer[i].y, sc);
		set_vertex(&v[2 * i + 1], inner[i].x, inner[i].y, sc);
	}
	for (int i = 0; i < n; i++) {
		int a = 2 * i, b = 2 * i + 1, c2 = 2 * ((i + 1) % n), d = 2 * ((i + 1) % n) + 1;
		idx[ni++] = a;
		idx[ni++] = b;
		idx[ni++] = c2;
		idx[ni++] = b;
		idx[ni++] = d;
		idx[ni++] = c2;
	}
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
	SDL_RenderGeometry(r, NULL, v, 2 * n, idx, ni);
}

void draw_round_frame(SDL_Renderer *r, struct ui_rect rc, int radius, int thickness,
                      struct ui_color c)
{
	struct draw_point outer[4 * (CORNER_STEPS + 1)], inner[4 * (CORNER_STEPS + 1)];
	float rad = clamp_radius(rc, radius);
	int n = round_outline(rc, rad, 0, outer);

	round_outline(rc, rad, (float)thickness, inner);
	draw_band(r, outer, inner, n, c);
}

static int circle_steps(float radius)
{
	int steps = (int)(radius * 0.8f) + 12;
	return steps > BAND_MAX ? BAND_MAX : steps;
}

void draw_circle(SDL_Renderer *r, float cx, float cy, float radius, struct ui_color c)
{
	int in[SPAN_ROWS_MAX];

	if (!(radius > 0))
		return;
	int x0 = (int)lroundf(cx - radius), y0 = (int)lroundf(cy - radius);
	int size = (int)lroundf(cx + radius) - x0;
	int rows = (int)lroundf(cy + radius) - y0;
	if (size < 1 || rows < 1) {
		/* Under a pixel across: the pixel it is in. */
		draw_rect(r, (struct ui_rect){(int)floorf(cx), (int)floorf(cy), 1, 1}, c);
		return;
	}
	if (rows > SPAN_ROWS_MAX) {
		struct draw_point p[BAND_MAX];
		int n = circle_steps(radius);
		for (int i = 0; i < n; i++) {
			double a = 2 * M_PI * i / n;
			p[i].x = cx + radius * (float)cos(a);
			p[i].y = cy + radius * (float)sin(a);
		}
		draw_convex(r, p, n, c);
		return;
	}
	/* Each row spans the chord at its middle, about the centre. */
	for (int i = 0; i < rows; i++) {
		float dy = (float)(y0 + i) + 0.5f - cy;
		float half = dy * dy < radius * radius ? sqrtf(radius * radius - dy * dy) : 0.0f;
		int left = (int)lroundf(cx - half) - x0;
		in[i] = half > 0 ? left : size;
	}
	fill_spans(r, x0, y0, size, rows, in, c);
}

void draw_ring(SDL_Renderer *r, float cx, float cy, float radius, float thickness,
               struct ui_color c)
{
	struct draw_point outer[BAND_MAX], inner[BAND_MAX];
	int n = circle_steps(radius);

	for (int i = 0; i < n; i++) {
		double a = 2 * M_PI * i / n;
		outer[i].x = cx + radius * (float)cos(a);
		outer[i].y = cy + radius * (float)sin(a);
		inner[i].x = cx + (radius - thickness) * (float)cos(a);
		inner[i].y = cy + (radius - thickness) * (float)sin(a);
	}
	draw_band(r, outer, inner, n, c);
}

void draw_line(SDL_Renderer *r, float x0, float y0, float x1, float y1, float width,
               struct ui_color c)
{
	float dx = x1 - x0, dy = y1 - y0;
	float len = sqrtf(dx * dx + dy * dy);
	struct draw_point p[4];
	float nx, ny;

	if (len < 0.01f)
		return;
	nx = -dy / len * width / 2;
	ny = dx / len * width / 2;
	p[0].x = x0 + nx;
	p[0].y = y0 + ny;
	p[1].x = x1 + nx;
	p[1].y = y1 + ny;
	p[2].x = x1 - nx;
	p[2].y = y1 - ny;
	p[3].x = x0 - nx;
	p[3].y = y0 - ny;
	draw_convex(r, p, 4, c);
}

void draw_polyline(SDL_Renderer *r, const struct draw_point *p, int n, float width,
                   struct ui_color c)
{
	for (int i = 0; i + 1 < n; i++)
		draw_line(r, p[i].x, p[i].y, p[i + 1].x, p[i + 1].y, width, c);
	for (int i = 1; i + 1 < n; i++)
		draw_circle(r, p[i].x, p[i].y, width / 2, c);
}

/* SPDX-License-Identifier: MIT */
/*
 * Shape primitives on an SDL_Renderer (triangles via SDL_RenderGeometry):
 * rounded rectangles, rings, circles, thick lines and convex polygons.  The
 * icons and pictures of the UI are drawn with these, so no image library is
 * needed.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_DRAW_H
#define KIOSK_UI_DRAW_H

#include <SDL.h>

#include "ui/layout.h"
#include "ui/theme.h"

struct draw_point {
	float x, y;
};

void draw_rect(SDL_Renderer *r, struct ui_rect rc, struct ui_color c);
void draw_round_rect(SDL_Renderer *r, struct ui_rect rc, int radius, struct ui_color c);
/* An outline of the given thickness inside rc. */
void draw_round_frame(SDL_Renderer *r, struct ui_rect rc, int radius, int thickness,
                      struct ui_color c);
void draw_circle(SDL_Renderer *r, float cx, float cy, float radius, struct ui_color c);
void draw_ring(SDL_Renderer *r, float cx, float cy, float radius, float thickness,
               struct ui_color c);
void draw_line(SDL_Renderer *r, float x0, float y0, float x1, float y1, float width,
               struct ui_color c);
/* A polyline with round-ish joints (discs at the vertices). */
void draw_polyline(SDL_Renderer *r, const struct draw_point *p, int n, float width,
                   struct ui_color c);
/* Convex polygon, points in order. */
void draw_convex(SDL_Renderer *r, const struct draw_point *p, int n, struct ui_color c);

#endif

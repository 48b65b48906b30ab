/* SPDX-License-Identifier: MIT */
/*
 * What a widget draws on: the renderer, the text cache, the metrics and the
 * layout of the screen being drawn, and the buttons that frame made
 * touchable.  The theme is constant data (theme.h).  A canvas knows nothing
 * about stations, snapshots or navigation: that is the model (model.h).
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_CANVAS_H
#define KIOSK_UI_CANVAS_H

#include <stdbool.h>

#include <SDL.h>

#include "ui/layout.h"
#include "ui/text.h"

struct ui_canvas {
	SDL_Renderer *r;
	struct text_cache *text; /* owned by the view */
	struct ui_metrics m;
	enum ui_screen screen; /* the screen last laid out */
	struct ui_layout layout;
	bool active[UI_BTN_COUNT]; /* touchable in the frame last drawn */
	enum ui_button pressed;    /* under the finger, UI_BTN_NONE = nothing */
};

/* Lay out screen s for a new frame: no button is touchable until a widget
 * draws it. */
void canvas_begin(struct ui_canvas *cv, enum ui_screen s, const struct ui_layout_input *in);

/* The touchable button under (x, y) in the frame last drawn, or UI_BTN_NONE. */
enum ui_button canvas_hit(const struct ui_canvas *cv, int x, int y);

#endif

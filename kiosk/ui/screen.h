/* SPDX-License-Identifier: MIT */
/*
 * One screen: draw fills the canvas (its layout is already computed for the
 * screen); press gets the button released (or pressed, for a stop) on what
 * was drawn last.  Each screens_*.h lists the screens of one module.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_SCREEN_H
#define KIOSK_UI_SCREEN_H

#include "ui/canvas.h"
#include "ui/model.h"

struct screen_ops {
	void (*draw)(struct ui_model *md, struct ui_canvas *cv);
	void (*press)(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b);
};

#endif

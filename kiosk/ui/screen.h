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

#include <stddef.h>

#include "ui/canvas.h"
#include "ui/model.h"

struct screen_ops {
	void (*draw)(struct ui_model *md, struct ui_canvas *cv);
	void (*press)(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b);
};

/* Helpers every screen module uses (screen.c). */

/* The header: title, back and staff buttons (NULL = none), and the
 * language button where the layout has one, named in the next language. */
void screen_header(const struct ui_model *md, struct ui_canvas *cv, const char *title,
                   const char *back, const char *staff, struct ui_color accent);
/* The header of a station's member screen: "<station>: <what>". */
void screen_station_header(const struct ui_model *md, struct ui_canvas *cv,
                           const struct station_snapshot *st, const char *what, const char *back,
                           const char *staff);
/* A program's words: its name and description translated. */
const char *screen_program_name(const char *name);
/* One line of s in the largest of fonts that fits w; cut with "..." if none. */
void screen_line(struct ui_canvas *cv, const enum ui_font *fonts, size_t n, struct ui_color c,
                 const char *s, struct ui_rect r, int align);

#endif

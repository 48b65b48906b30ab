/* SPDX-License-Identifier: MIT */
/*
 * Widgets: header, buttons, toasts, pills, badges and message blocks drawn
 * on a canvas at the rectangles of its layout.  A widget drawn for a button
 * makes that button touchable in this frame.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_WIDGETS_H
#define KIOSK_UI_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/canvas.h"
#include "ui/draw.h"
#include "ui/theme.h"

void widget_background(struct ui_canvas *cv);
/* The header bar: back button (when the layout has one and back_label is
 * set), title, clock, staff button. */
void widget_header(struct ui_canvas *cv, const char *title, const char *back_label,
                   const char *staff_label, struct ui_color accent);
/* A button at the layout's rect for b; disabled ones are drawn dimmed and are
 * not touchable. */
void widget_button(struct ui_canvas *cv, enum ui_button b, const char *label, enum theme_role role,
                   bool enabled);
void widget_button_font(struct ui_canvas *cv, enum ui_button b, const char *label,
                        enum theme_role role, bool enabled, enum ui_font font);
/* Mark b touchable (for custom-drawn controls) and say if it is pressed. */
bool widget_activate(struct ui_canvas *cv, enum ui_button b);
/* A message box over the top of the content (empty msg: nothing). */
void widget_toast(struct ui_canvas *cv, const char *msg, enum theme_role role);
void widget_pill(struct ui_canvas *cv, struct ui_rect r, const char *label, struct ui_color bg,
                 enum ui_font font);
void widget_icon_plus_minus(struct ui_canvas *cv, struct ui_rect r, bool plus, struct ui_color c);
enum badge_kind { BADGE_INFO, BADGE_ALERT, BADGE_CHECK };
/* A round badge with a drawn 'i', '!' or tick. */
void widget_badge(struct ui_canvas *cv, int cx, int cy, int radius, struct ui_color c,
                  enum badge_kind kind);
/* Badge, headline and paragraph centred in a. */
void widget_message(struct ui_canvas *cv, struct ui_rect a, struct ui_color accent,
                    enum badge_kind kind, const char *headline, const char *body);
/* "m:ss" */
void widget_format_mmss(unsigned int s, char *out, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* Pictures drawn with shape primitives on a canvas: the boots-on steps, the
 * wipe step and the live compression wave. */
#ifndef KIOSK_UI_PICTURES_H
#define KIOSK_UI_PICTURES_H

#include "core/protocol.h"
#include "ui/canvas.h"

/* Step 0: feet in, 1: zip up, 2: hose clicked in. */
void picture_boot(struct ui_canvas *cv, struct ui_rect r, int step);
void picture_wipe(struct ui_canvas *cv, struct ui_rect r);
void picture_wave(struct ui_canvas *cv, struct ui_rect r, const struct station_snapshot *st);

#endif

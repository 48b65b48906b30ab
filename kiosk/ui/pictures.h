/* SPDX-License-Identifier: MIT */
/* Pictures drawn with shape primitives on a canvas: the boots-on steps, the
 * wipe step and the live compression wave. */
#ifndef KIOSK_UI_PICTURES_H
#define KIOSK_UI_PICTURES_H

#include <stddef.h>

#include "core/protocol.h"
#include "ui/canvas.h"

struct session_trace;

enum zone_look {
	ZONE_NORMAL,
	ZONE_BOOSTED,       /* the member's boost */
	ZONE_BOOSTED_FIXED, /* the program's boost: not the member's to change */
	ZONE_SKIPPED,       /* left out by the member */
	ZONE_SKIPPED_FIXED, /* left out by the program */
};

/* Step 0: feet in, 1: zip up, 2: hose clicked in. */
void picture_boot(struct ui_canvas *cv, struct ui_rect r, int step);
void picture_wipe(struct ui_canvas *cv, struct ui_rect r);
/* The live wave: the leg lying from foot (left) to thigh (right), one
 * column per zone filled to its pressure, the target of each zone marked
 * and labelled. */
void picture_wave(struct ui_canvas *cv, struct ui_rect r, const struct station_snapshot *st);
/* The adjust screen's leg: a foot at the left of area, the n zones drawn
 * at zones[k] (the zone buttons) as they look, "Foot"/"Thigh" under them
 * and hint above. */
void picture_leg(struct ui_canvas *cv, struct ui_rect area, const struct ui_rect *zones, size_t n,
                 const enum zone_look *looks, double boost_mmhg, const char *hint);
/* The wave delivered: highest pressure over the session, target dashed. */
void picture_trace(struct ui_canvas *cv, struct ui_rect r, const struct session_trace *t);

#endif

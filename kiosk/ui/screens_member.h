/* SPDX-License-Identifier: MIT */
/* Overview, program choice and adjust screens, and the station cards the
 * staff overview shares. */
#ifndef KIOSK_UI_SCREENS_MEMBER_H
#define KIOSK_UI_SCREENS_MEMBER_H

#include <stdbool.h>

#include "ui/screen.h"

extern const struct screen_ops screen_overview_ops, screen_programs_ops, screen_adjust_ops;

/* Every station's card at the layout's card rectangles. */
void screen_draw_station_cards(const struct ui_model *md, struct ui_canvas *cv, bool staff);

#endif

/* SPDX-License-Identifier: MIT */
#include "ui/canvas.h"

#include <string.h>

void canvas_begin(struct ui_canvas *cv, enum ui_screen s, const struct ui_layout_input *in)
{
	if (s != cv->screen)
		cv->pressed = UI_BTN_NONE;
	cv->screen = s;
	memset(cv->active, 0, sizeof(cv->active));
	ui_layout_compute(&cv->layout, &cv->m, s, in);
}

enum ui_button canvas_hit(const struct ui_canvas *cv, int x, int y)
{
	enum ui_button b = ui_layout_hit(&cv->layout, x, y);

	return b != UI_BTN_NONE && cv->active[b] ? b : UI_BTN_NONE;
}

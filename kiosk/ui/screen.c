/* SPDX-License-Identifier: MIT */
/* Helpers shared by the screen modules. */
#include "ui/screen.h"

#include <stdio.h>
#include <string.h>

#include "ui/i18n.h"
#include "ui/widgets.h"

void screen_header(const struct ui_model *md, struct ui_canvas *cv, const char *title,
                   const char *back, const char *staff, struct ui_color accent)
{
	widget_header(cv, title, back, staff, accent);
	if (cv->layout.button[UI_BTN_LANGUAGE].w > 0 && md->p.lang_count > 1) {
		size_t i = 0;

		while (i < md->p.lang_count && strcmp(md->p.langs[i], i18n_language()) != 0)
			i++;
		/* A language's own name: whoever reads it can find it. */
		widget_button_font(cv, UI_BTN_LANGUAGE,
		                   i18n_autonym(md->p.langs[(i + 1) % md->p.lang_count]),
		                   THEME_SURFACE_HI, true, UI_FONT_BODY_BOLD);
	}
}

void screen_station_header(const struct ui_model *md, struct ui_canvas *cv,
                           const struct station_snapshot *st, const char *what, const char *back,
                           const char *staff)
{
	char title[160];

	if (what && what[0])
		/* TRANSLATORS: a screen's title: station name, then what it is for. */
		snprintf(title, sizeof(title), tr("%s: %s"), st->name, what);
	else
		snprintf(title, sizeof(title), "%s", st->name);
	screen_header(md, cv, title, back, staff, theme_state_color(st->state));
}

const char *screen_program_name(const char *name)
{
	return tr(name);
}

void screen_line(struct ui_canvas *cv, const enum ui_font *fonts, size_t n, struct ui_color c,
                 const char *s, struct ui_rect r, int align)
{
	char buf[256];
	enum ui_font f = fonts[n - 1];

	for (size_t i = 0; i < n; i++) {
		int w;
		text_size(cv->text, fonts[i], s, &w, NULL);
		if (w <= r.w) {
			f = fonts[i];
			break;
		}
	}
	text_ellipsize(cv->text, f, s, r.w, buf, sizeof(buf));
	text_draw_in(cv->text, f, c, buf, r, (enum text_align)align);
}

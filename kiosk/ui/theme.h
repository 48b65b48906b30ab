/* SPDX-License-Identifier: MIT */
/*
 * Colours: one high-contrast dark theme (light text on
 * near-black, every state colour readable against white text at >= 4.5:1).
 *
 * Threading: constant data, any thread.
 */
#ifndef KIOSK_UI_THEME_H
#define KIOSK_UI_THEME_H

#include <stdint.h>

#include "core/protocol.h"

struct ui_color {
	uint8_t r, g, b, a;
};

enum theme_role {
	THEME_BG,         /* screen background */
	THEME_HEADER,     /* header bar */
	THEME_SURFACE,    /* cards, panels */
	THEME_SURFACE_HI, /* raised: secondary buttons */
	THEME_OUTLINE,
	THEME_TEXT,
	THEME_TEXT_DIM,
	THEME_TEXT_ON_ACCENT,
	THEME_PRIMARY,      /* main action */
	THEME_GO,           /* start, yes-to-continue */
	THEME_STOP,         /* stop: red */
	THEME_WARN,         /* pause, approval */
	THEME_PRESSED_TINT, /* overlay on a pressed control */
	THEME_DISABLED,
	THEME_WAVE_EMPTY,
	THEME_WAVE_FILL,
	THEME_WAVE_ACTIVE,
	THEME_ROLE_COUNT
};

struct ui_color theme_color(enum theme_role role);
/* Colour of a station state: free green, in use blue, paused amber, needs
 * cleaning violet, fault red, out of service grey, being set up teal. */
struct ui_color theme_state_color(enum station_state s);
/* A darker shade (factor 0..1 of brightness kept). */
struct ui_color theme_shade(struct ui_color c, double keep);

#endif

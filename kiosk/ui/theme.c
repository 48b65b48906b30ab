/* SPDX-License-Identifier: MIT */
#include "ui/theme.h"

static const struct ui_color roles[THEME_ROLE_COUNT] = {
    [THEME_BG] = {0x0d, 0x12, 0x1a, 0xff},
    [THEME_HEADER] = {0x16, 0x1e, 0x2b, 0xff},
    [THEME_SURFACE] = {0x1c, 0x26, 0x36, 0xff},
    [THEME_SURFACE_HI] = {0x2b, 0x38, 0x4d, 0xff},
    [THEME_OUTLINE] = {0x3d, 0x4d, 0x66, 0xff},
    [THEME_TEXT] = {0xf5, 0xf7, 0xfa, 0xff},
    [THEME_TEXT_DIM] = {0xb4, 0xc0, 0xd0, 0xff},
    [THEME_TEXT_ON_ACCENT] = {0xff, 0xff, 0xff, 0xff},
    [THEME_PRIMARY] = {0x1f, 0x6f, 0xd6, 0xff},
    [THEME_GO] = {0x1b, 0x7f, 0x46, 0xff},
    [THEME_STOP] = {0xc6, 0x28, 0x28, 0xff},
    [THEME_WARN] = {0xa8, 0x5c, 0x00, 0xff},
    [THEME_PRESSED_TINT] = {0x00, 0x00, 0x00, 0x70},
    [THEME_DISABLED] = {0x26, 0x2e, 0x3a, 0xff},
    [THEME_WAVE_EMPTY] = {0x24, 0x30, 0x42, 0xff},
    [THEME_WAVE_FILL] = {0x2f, 0x8c, 0xe8, 0xff},
    [THEME_WAVE_ACTIVE] = {0x5c, 0xc8, 0xff, 0xff},
};

struct ui_color theme_color(enum theme_role role)
{
	return (unsigned)role < THEME_ROLE_COUNT ? roles[role] : roles[THEME_TEXT];
}

struct ui_color theme_state_color(enum station_state s)
{
	static const struct ui_color colors[STATION_STATE_COUNT] = {
	    [STATION_IDLE] = {0x1b, 0x7f, 0x46, 0xff},
	    [STATION_SETUP] = {0x0b, 0x74, 0x7a, 0xff},
	    [STATION_SCREENING] = {0x0b, 0x74, 0x7a, 0xff},
	    [STATION_READY] = {0x0b, 0x74, 0x7a, 0xff},
	    [STATION_RUNNING] = {0x1f, 0x6f, 0xd6, 0xff},
	    [STATION_PAUSED] = {0xa8, 0x5c, 0x00, 0xff},
	    [STATION_VENTING] = {0x1f, 0x6f, 0xd6, 0xff},
	    [STATION_NEEDS_CLEANING] = {0x7a, 0x4c, 0xc9, 0xff},
	    [STATION_FAULT] = {0xc6, 0x28, 0x28, 0xff},
	    [STATION_OUT_OF_SERVICE] = {0x5a, 0x64, 0x72, 0xff},
	};
	return (unsigned)s < STATION_STATE_COUNT ? colors[s] : colors[STATION_OUT_OF_SERVICE];
}

struct ui_color theme_shade(struct ui_color c, double keep)
{
	struct ui_color o = {(uint8_t)(c.r * keep), (uint8_t)(c.g * keep), (uint8_t)(c.b * keep),
	                     c.a};
	return o;
}

const char *theme_state_label(enum station_state s)
{
	static const char *const labels[STATION_STATE_COUNT] = {
	    [STATION_IDLE] = "Free",
	    [STATION_SETUP] = "Being set up",
	    [STATION_SCREENING] = "Being set up",
	    [STATION_READY] = "Ready to start",
	    [STATION_RUNNING] = "In use",
	    [STATION_PAUSED] = "Paused",
	    [STATION_VENTING] = "Finishing",
	    [STATION_NEEDS_CLEANING] = "Needs cleaning",
	    [STATION_FAULT] = "Fault",
	    [STATION_OUT_OF_SERVICE] = "Out of service",
	};
	return (unsigned)s < STATION_STATE_COUNT ? labels[s] : "Unknown";
}

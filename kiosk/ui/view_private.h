/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by view.c, widgets.c and the screens_*.c files: the body
 * of struct ui_view and the helpers screens use to draw and to send
 * commands.  Not for use outside kiosk/ui.
 */
#ifndef KIOSK_UI_VIEW_PRIVATE_H
#define KIOSK_UI_VIEW_PRIVATE_H

#include "ui/draw.h"
#include "ui/layout.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/view.h"

#define UI_PIN_MAX (COMMAND_PIN_MAX - 1)
#define UI_TOAST_MS 4000u
#define UI_FRAME_MIN_MS 33u /* <= 30 frames a second */

enum pin_purpose {
	PIN_FOR_STAFF,    /* staff mode: checked here with the config hash */
	PIN_FOR_APPROVAL, /* sent with CMD_STAFF_APPROVE: the core checks it */
};

struct ui_view {
	struct ui_view_params p;
	SDL_Renderer *r;
	struct text_cache *text;
	struct ui_metrics m;
	const struct kiosk_snapshot *snap;
	uint64_t now_ms;

	/* Navigation. */
	int station;                   /* member focus, -1 = overview */
	enum station_state seen_state; /* its state when last seen */
	size_t program_page;
	bool pin_open;
	enum pin_purpose pin_purpose;
	int pin_station; /* station the PIN is for, or -1 */
	char pin[COMMAND_PIN_MAX];
	size_t pin_len;
	bool staff;
	int staff_station; /* -1 = staff overview */

	/* What was drawn last: hit tests act only on that. */
	enum ui_screen screen;
	struct ui_layout layout;
	bool active[UI_BTN_COUNT];
	enum ui_button pressed;
	unsigned int drawn_question; /* screening index on screen */
	bool dirty;
	uint64_t signature;

	uint64_t last_input_ms;
	char toast[160];
	enum theme_role toast_role;
	uint64_t toast_until_ms;
	int clock_minute;
};

/* The focused member station's snapshot, or NULL. */
const struct station_snapshot *view_station(const struct ui_view *v, int index);

/* Send a command for station with SOURCE_UI; a refusal to queue becomes a
 * toast.  0 or -errno. */
int view_submit(struct ui_view *v, struct command *cmd);
int view_submit_simple(struct ui_view *v, enum command_action action, int station);

void view_toast(struct ui_view *v, const char *msg, enum theme_role role);
void view_go_overview(struct ui_view *v);
/* The member leaves the flow: cancel the focused station's session in the
 * core and go back to the overview. */
void view_cancel_flow(struct ui_view *v);
void view_open_pin(struct ui_view *v, enum pin_purpose purpose, int station);
void view_close_pin(struct ui_view *v);

/* Widgets (widgets.c). */
void widget_background(struct ui_view *v);
void widget_header(struct ui_view *v, const char *title, const char *back_label,
                   const char *staff_label, struct ui_color accent);
/* A button at the layout's rect for b; disabled ones are drawn dimmed and are
 * not touchable. */
void widget_button(struct ui_view *v, enum ui_button b, const char *label, enum theme_role role,
                   bool enabled);
void widget_button_font(struct ui_view *v, enum ui_button b, const char *label,
                        enum theme_role role, bool enabled, enum ui_font font);
/* Mark b touchable (for custom-drawn controls) and say if it is pressed. */
bool widget_activate(struct ui_view *v, enum ui_button b);
void widget_toast(struct ui_view *v);
void widget_pill(struct ui_view *v, struct ui_rect r, const char *label, struct ui_color bg,
                 enum ui_font font);
void widget_icon_plus_minus(struct ui_view *v, struct ui_rect r, bool plus, struct ui_color c);
enum badge_kind { BADGE_INFO, BADGE_ALERT, BADGE_CHECK };
/* A round badge with a drawn 'i', '!' or tick. */
void widget_badge(struct ui_view *v, int cx, int cy, int radius, struct ui_color c,
                  enum badge_kind kind);
/* Badge, headline and paragraph centred in a. */
void widget_message(struct ui_view *v, struct ui_rect a, struct ui_color accent,
                    enum badge_kind kind, const char *headline, const char *body);
void widget_format_mmss(unsigned int s, char *out, size_t len);

/* Screens: draw fills v->layout via ui_layout_compute first; press gets the
 * button released (or pressed, for stop) on what was drawn. */
struct screen_ops {
	void (*draw)(struct ui_view *v);
	void (*press)(struct ui_view *v, enum ui_button b);
};
extern const struct screen_ops screen_overview_ops, screen_programs_ops, screen_adjust_ops,
    screen_question_ops, screen_blocked_ops, screen_approval_ops, screen_pin_ops,
    screen_boots_on_ops, screen_running_ops, screen_finished_ops, screen_fault_ops,
    screen_out_of_service_ops, screen_staff_ops, screen_staff_station_ops;

void view_layout(struct ui_view *v, enum ui_screen s);

/* Station cards of the overview and the staff overview (screens_member.c). */
void screen_draw_station_cards(struct ui_view *v, bool staff);
/* The program a station runs, or NULL. */
const struct program *view_program(const struct ui_view *v, const struct station_snapshot *st);

/* Pictures (screens_session.c). */
void picture_boot(struct ui_view *v, struct ui_rect r, int step);
void picture_wipe(struct ui_view *v, struct ui_rect r);
void picture_wave(struct ui_view *v, struct ui_rect r, const struct station_snapshot *st);

#endif

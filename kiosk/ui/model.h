/* SPDX-License-Identifier: MIT */
/*
 * The UI's model: which screen shows which station, the PIN being typed,
 * the toast, the idle time-out, and the rules that move between them.  The
 * screen follows the station's state in the snapshot (screening questions by
 * snapshot index, never by anything the UI remembers); the model chooses
 * only between local screens (program list, PIN, staff mode) and the
 * overview.  Commands leave through the submit callback with SOURCE_UI.
 *
 * No SDL: plain data and rules.  The screens (screen.h) read and change it;
 * the view (view.c) feeds it snapshots, events, input and time.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_MODEL_H
#define KIOSK_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"
#include "ui/layout.h"
#include "ui/theme.h"

#define UI_PIN_MAX (COMMAND_PIN_MAX - 1)
#define UI_TOAST_MS 4000u

struct kiosk_config;
struct program;
struct program_set;
struct screening_set;

enum pin_purpose {
	PIN_FOR_STAFF,    /* staff mode: checked here with the config hash */
	PIN_FOR_APPROVAL, /* sent with CMD_STAFF_APPROVE: the core checks it */
};

struct ui_model_params {
	const struct kiosk_config *config;
	const struct program_set *programs;
	const struct screening_set *screening;
	/* Where commands go (controller_submit in the app): 0 or -errno. */
	int (*submit)(void *ctx, const struct command *cmd);
	void *submit_ctx;
};

struct ui_model {
	struct ui_model_params p;
	const struct kiosk_snapshot *snap; /* borrowed */
	uint64_t now_ms;

	/* Navigation. */
	int station;                   /* member focus, -1 = overview */
	enum station_state seen_state; /* its state when last seen */
	size_t program_page;
	size_t program_pages;     /* of the program list last laid out */
	size_t programs_per_page; /* ditto */
	bool pin_open;
	enum pin_purpose pin_purpose;
	int pin_station; /* station the PIN is for, or -1 */
	char pin[COMMAND_PIN_MAX];
	size_t pin_len;
	bool staff;
	int staff_station;           /* -1 = staff overview */
	unsigned int drawn_question; /* screening index last on screen */

	bool dirty; /* something visible changed */
	uint64_t last_input_ms;
	char toast[160];
	enum theme_role toast_role;
	uint64_t toast_until_ms;
	int clock_minute;
};

void model_init(struct ui_model *md, const struct ui_model_params *p);
/* Wipes the PIN. */
void model_fini(struct ui_model *md);

/* Station index's snapshot, or NULL. */
const struct station_snapshot *model_station(const struct ui_model *md, int index);
/* The program a station runs, or NULL. */
const struct program *model_program(const struct ui_model *md, const struct station_snapshot *st);
/* The screen the model is on, from the snapshot and the local state. */
enum ui_screen model_screen(const struct ui_model *md);

/* Send a command for station with SOURCE_UI; a refusal to queue becomes a
 * toast.  0 or -errno. */
int model_submit(struct ui_model *md, struct command *cmd);
int model_submit_simple(struct ui_model *md, enum command_action action, int station);

void model_toast(struct ui_model *md, const char *msg, enum theme_role role);
void model_go_overview(struct ui_model *md);
/* The member leaves the flow: cancel the focused station's session in the
 * core and go back to the overview. */
void model_cancel_flow(struct ui_model *md);
void model_open_pin(struct ui_model *md, enum pin_purpose purpose, int station);
void model_close_pin(struct ui_model *md);

/* A new snapshot (borrowed until the next one). */
void model_set_snapshot(struct ui_model *md, const struct kiosk_snapshot *snap);
/* A controller event: command results worth telling become toasts. */
void model_event(struct ui_model *md, const struct kiosk_event *ev);
/* A touch went down: restarts the idle time-out here and in the core. */
void model_touch(struct ui_model *md);
/* Time passes: the clock, toasts, the idle time-out. */
void model_tick(struct ui_model *md);
/* When the model next needs a tick without any input (never before now). */
uint64_t model_next_deadline_ms(const struct ui_model *md, enum ui_screen shown);
/* A session animates on screen (redraw at most 30 fps). */
bool model_animating(const struct ui_model *md);

#endif

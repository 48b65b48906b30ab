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
#include "ui/i18n.h"
#include "ui/layout.h"
#include "ui/theme.h"

#define UI_PIN_MAX (COMMAND_PIN_MAX - 1)
#define UI_TOAST_MS 4000u
/* Boots on: the "Still there?" count-down runs for this long before the
 * flow is wiped. */
#define UI_STILL_THERE_MS 60000u
/* After the n-th wrong PIN in a row the keypad waits 2^n s, at most this. */
#define UI_PIN_DELAY_MAX_S 60u
/* The wave delivered in a session, in this many slices of its duration. */
#define UI_TRACE_POINTS 96

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
	/* The broker has the event with this seq (see ui_params); NULL =
	 * never claim it. */
	bool (*events_delivered)(void *ctx, uint64_t seq);
	void *events_ctx;
	/* Languages that can be shown ("en" first) and the site's own. */
	char langs[I18N_MAX_LANGS][I18N_LANG_MAX];
	size_t lang_count;
	char site_lang[I18N_LANG_MAX];
};

/* A group of screening questions on one screen (see screening.h). */
enum unit_kind { UNIT_SINGLE, UNIT_GROUP, UNIT_AGREE };
struct screening_unit {
	enum unit_kind kind;
	size_t first, count; /* questions first .. first + count - 1 */
	size_t number;       /* 0-based among the units */
	size_t total;        /* units in the screening */
};

/* What one station delivered in its last (or current) session: the
 * highest zone pressure per slice of the planned duration.  Machine data,
 * nothing about the person. */
struct session_trace {
	float mmhg[UI_TRACE_POINTS];
	unsigned int duration_s; /* chosen */
	unsigned int elapsed_s;  /* delivered */
	double target_mmhg;
	bool active;
};

/* What staff see on a station's page, from the events since start-up. */
struct station_stats {
	int day; /* day of the year the counts are for */
	unsigned int sessions_today;
	unsigned int seconds_today;
	uint64_t last_session_wall_ms; /* 0 = none */
	unsigned int last_elapsed_s;
	enum stop_reason last_reason;
	char last_program[32];
	uint64_t last_cleaned_wall_ms; /* 0 = not since start-up */
	uint64_t fault_seq;            /* seq of the last fault event, 0 = none seen */
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
	bool which_open;             /* a Yes to a group: ask which one */
	struct {
		bool active; /* answers or backs sent, their snapshot not yet seen */
		int station;
		unsigned int from, to; /* index on screen, index expected */
	} pending;
	bool reason_open; /* staff: choosing why out of service */
	bool fault_info;  /* staff: technician advice page */
	unsigned int wrong_pins;
	uint64_t pin_locked_until_ms;
	bool pin_wrong; /* the last PIN was wrong: say it beside the keypad */
	enum station_state prev_state[UI_MAX_CARDS];
	struct session_trace trace[UI_MAX_CARDS];
	struct station_stats stats[UI_MAX_CARDS];

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
/* The language shown is not the site's: a member switched it. */
bool model_language_switched(const struct ui_model *md);
/* Show the next language of p.langs (the member's choice). */
void model_next_language(struct ui_model *md);
/* Back to the site's language (the station went back to idle). */
void model_site_language(struct ui_model *md);

/* The unit question index belongs to, and its place among the units. */
void screening_unit_of(const struct screening_set *set, size_t index, struct screening_unit *u);
/* The screening unit the member sees for station st (index on screen while
 * answers are on their way). */
void model_unit(const struct ui_model *md, const struct station_snapshot *st,
                struct screening_unit *u);
/* The screening index on screen for st. */
unsigned int model_question_on_screen(const struct ui_model *md, const struct station_snapshot *st);
/* Answer the questions from the one asked up to to - 1, one command each,
 * in order: all No, No then Yes to the last, or all Yes (agreements). */
enum answer_mode { ANSWER_ALL_NO, ANSWER_LAST_YES, ANSWER_ALL_YES };
void model_answer_upto(struct ui_model *md, unsigned int to, enum answer_mode mode);
/* Step back to question to (wipes the answers from there on). */
void model_back_to(struct ui_model *md, unsigned int to);

/* Boots on: ms left before the flow is wiped, and whether the "Still
 * there?" count-down shows. */
uint64_t model_boots_on_left_ms(const struct ui_model *md);
bool model_still_there(const struct ui_model *md);
/* Seconds the PIN keypad still waits after wrong PINs (0 = ready). */
unsigned int model_pin_wait_s(const struct ui_model *md);
/* A wrong PIN was entered: the next one waits longer. */
void model_pin_wrong(struct ui_model *md);
/* Whether the broker has st's fault event (staff can be told they are
 * notified). */
bool model_staff_notified(const struct ui_model *md, const struct station_snapshot *st);

/* For model.c: a snapshot arrived (model_screening.c, model_history.c). */
void model_screening_seen(struct ui_model *md);
void model_history_snapshot(struct ui_model *md);
void model_history_event(struct ui_model *md, const struct kiosk_event *ev);

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

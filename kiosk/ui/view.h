/* SPDX-License-Identifier: MIT */
/*
 * The UI without a window: a model (model.h: which screen shows which
 * station, the PIN being typed, toasts, time-outs) and a canvas (canvas.h:
 * renderer, text, layout, what is touchable) joined by the table of screens.
 * ui.c feeds it snapshots, command results and pointer input from the SDL
 * loop; the tests and the benchmark feed it fake snapshots and render into
 * an offscreen renderer.
 *
 * Screens follow the station's state in the snapshot (screening questions by
 * snapshot index, never by anything the UI remembers); the UI only chooses
 * between local screens (program list, PIN, staff mode) and the overview.
 * Commands leave through the submit callback with SOURCE_UI.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_VIEW_H
#define KIOSK_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "core/protocol.h"
#include "ui/layout.h"

struct kiosk_config;
struct program_set;
struct screening_set;
struct ui_view;

struct ui_view_params {
	const struct kiosk_config *config;
	const struct program_set *programs;
	const struct screening_set *screening;
	SDL_Renderer *renderer;
	const char *fonts_dir;
	/* Where commands go (controller_submit in the app): 0 or -errno. */
	int (*submit)(void *ctx, const struct command *cmd);
	void *submit_ctx;
	/* Languages: the catalogues under locale_dir (NULL = English only);
	 * the site's is config->display.language.  i18n_init is the caller's. */
	const char *locale_dir;
	/* Whether the broker has the event with this seq (see ui_params). */
	bool (*events_delivered)(void *ctx, uint64_t seq);
	void *events_ctx;
};

struct ui_view *ui_view_create(const struct ui_view_params *p, int w, int h, char *err,
                               size_t err_len);
void ui_view_destroy(struct ui_view *v); /* NULL ok */

/* New window size in pixels. 0 or -errno. */
int ui_view_resize(struct ui_view *v, int w, int h);

/* The snapshot to show; borrowed until the next call or destroy.  now_ms is
 * the UI's monotonic clock.  Marks a redraw when what is visible changed. */
void ui_view_set_snapshot(struct ui_view *v, const struct kiosk_snapshot *snap, uint64_t now_ms);

/* A controller event (command results become messages on screen). */
void ui_view_event(struct ui_view *v, const struct kiosk_event *ev, uint64_t now_ms);

/* Pointer input in window pixels.  Stop acts on press; other buttons act on
 * release over the same button. */
void ui_view_pointer_down(struct ui_view *v, int x, int y, uint64_t now_ms);
void ui_view_pointer_up(struct ui_view *v, int x, int y, uint64_t now_ms);

/* Time-outs: idle return to the overview, toasts expiring, the clock. */
void ui_view_tick(struct ui_view *v, uint64_t now_ms);

/* Whether a frame must be drawn, and whether the screen animates (a running
 * session: redraw at most 30 fps on snapshot changes). */
bool ui_view_dirty(const struct ui_view *v);
bool ui_view_animating(const struct ui_view *v);
/* When the view next needs a tick without any input (UINT64_MAX = never). */
uint64_t ui_view_next_deadline_ms(const struct ui_view *v, uint64_t now_ms);

/* Draw the current screen (does not present) and clear the dirty flag. */
void ui_view_render(struct ui_view *v, uint64_t now_ms);

enum ui_screen ui_view_screen(const struct ui_view *v);
int ui_view_station(const struct ui_view *v); /* focused station, -1 = none */
const struct ui_metrics *ui_view_metrics(const struct ui_view *v);

/* Tests and screenshots: show a screen for a station directly (the snapshot
 * must agree for station-driven screens). */
void ui_view_show(struct ui_view *v, enum ui_screen s, int station);

/* Text cache statistics (benchmark). */
void ui_view_text_stats(const struct ui_view *v, unsigned long *hits, unsigned long *misses);

/* Tests: fn is called with every string drawn (NULL = off). */
void ui_view_set_text_hook(struct ui_view *v, void (*fn)(void *ctx, const char *s), void *ctx);
/* Tests: the "Still there?" count-down of the boots-on screen is showing. */
bool ui_view_still_there(const struct ui_view *v);
/* Tests: where b was in the frame last drawn and whether it was
 * touchable (w == 0: not on that screen). */
struct ui_rect ui_view_button(const struct ui_view *v, enum ui_button b, bool *touchable);
/* Tests: seconds the PIN keypad waits after wrong PINs. */
unsigned int ui_view_pin_wait_s(const struct ui_view *v);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The touchscreen: SDL2 + SDL2_ttf member and staff screens.
 *
 * The UI never changes station state itself: it reads immutable snapshots
 * (controller_snapshot_acquire/release) and sends commands
 * (controller_submit with SOURCE_UI).  Screening answers are sent with the
 * press and never kept by the UI.
 *
 * Threading: every function here must be called on the main thread (SDL's
 * video thread).  The only thing the control thread does for the UI is call
 * the listener registered in ui_create, which pushes an SDL user event and
 * never blocks.
 */
#ifndef KIOSK_UI_UI_H
#define KIOSK_UI_UI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct controller;
struct kiosk_config;
struct program_set;
struct screening_set;
struct ui;

/* Where the UI finds its fonts (<assets>/fonts) and translations. */
struct ui_dirs {
	char assets[512];
	char locale[512];        /* <locale>/<lang>/LC_MESSAGES/recovery-kiosk.mo */
	const char *assets_from; /* which rule chose assets, for messages */
};

/* Assets: assets_opt (--assets) first, then $KIOSK_ASSETS_DIR, then for a
 * binary running from the build folder it was built in the source tree's
 * assets/, else the install prefix's share/recovery-kiosk.  Translations:
 * the build folder's locale/ for a binary in it, else the install prefix's
 * locale tree.  Any thread. */
void ui_find_dirs(const char *assets_opt, struct ui_dirs *d);

struct ui_params {
	const struct kiosk_config *config;
	const struct program_set *programs;
	const struct screening_set *screening;
	struct controller *controller;
	const char *assets_dir; /* fonts/, icons/ under it */
	const char *locale_dir; /* translations (ui_dirs.locale); NULL = English only */
	/* Whether the broker has acknowledged the controller event with this
	 * seq (the fault's): "staff notified" is shown only then.  Called on
	 * the UI thread, must not block; NULL = never claim it. */
	bool (*events_delivered)(void *ctx, uint64_t seq);
	void *events_ctx;
};

/* Initialise SDL video + TTF, open the window (config->display width/height,
 * fullscreen flag), load fonts, register a controller listener that pushes an
 * SDL user event.  Returns NULL + message in err when there is no display. */
struct ui *ui_create(const struct ui_params *p, char *err, size_t err_len);

/* Run the SDL loop on the calling (main) thread until the window is closed
 * or ui_request_stop is called; *stop (when not NULL) is looked at after
 * every wake-up.  The loop sleeps until input, a controller change, a stop
 * request or the next time-out: an idle screen never polls.  0 or -errno. */
int ui_run(struct ui *ui, volatile sig_atomic_t *stop);

/* Any thread, never from a signal handler: wake ui_run and make it return
 * (e.g. the thread that takes SIGTERM).  Before ui_destroy only. */
void ui_request_stop(struct ui *ui);

/* Stop the controller first (controller_stop): its listener points at the
 * UI.  Releases the snapshot held, closes the window and quits SDL. */
void ui_destroy(struct ui *ui); /* NULL ok */

#endif

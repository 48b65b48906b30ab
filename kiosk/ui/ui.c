/* SPDX-License-Identifier: MIT */
/* The SDL window and loop: input to the view, controller snapshots and
 * events to the view, frames only when something visible changed. */
#include "ui/ui.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "core/settings.h"
#include "core/controller.h"
#include "ui/view.h"

#define UI_EVENTS_BATCH 32

struct ui {
	struct ui_params p;
	SDL_Window *window;
	SDL_Renderer *renderer;
	struct ui_view *view;
	Uint32 wake_event;
	atomic_int wake_pending;
	const struct kiosk_snapshot *snap;
	uint64_t event_cursor;
	SDL_FingerID finger;
	bool finger_down;
	bool ttf_ready;
	bool sdl_ready;
	uint64_t last_frame_ms;
	bool first_frame_done;
};

/* Control thread: must not block. */
static void on_controller_change(void *ctx)
{
	struct ui *ui = ctx;

	if (atomic_exchange(&ui->wake_pending, 1) == 0) {
		SDL_Event ev;
		memset(&ev, 0, sizeof(ev));
		ev.type = ui->wake_event;
		SDL_PushEvent(&ev);
	}
}

static int submit_to_controller(void *ctx, const struct command *cmd)
{
	struct ui *ui = ctx;
	return controller_submit(ui->p.controller, cmd);
}

struct ui *ui_create(const struct ui_params *p, char *err, size_t err_len)
{
	struct ui *ui = calloc(1, sizeof(*ui));
	const struct display_config *d = &p->config->display;
	struct ui_view_params vp;
	char fonts_dir[512];
	Uint32 flags = SDL_WINDOW_SHOWN;
	int w, h;

	if (!ui) {
		snprintf(err, err_len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ui->p = *p;
	/* main.c owns SIGINT/SIGTERM; SDL must not install its own. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	/* A touch is handled once, as a finger event; no synthetic mouse. */
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	/* A few flat shapes and cached text redrawn only on change: the
	 * software renderer is fast enough (a few ms a frame) and keeps a GL
	 * stack (e.g. llvmpipe, ~90 MB) out of the kiosk.  Default priority,
	 * so SDL_RENDER_DRIVER / SDL_FRAMEBUFFER_ACCELERATION in the
	 * environment still win. */
	SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_DEFAULT);
	SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		snprintf(err, err_len,
		         "no display: %s; run on the touchscreen (X11, Wayland or KMS) or start "
		         "with --headless",
		         SDL_GetError());
		errno = ENODEV;
		goto fail;
	}
	ui->sdl_ready = true;
	if (TTF_Init() != 0) {
		snprintf(err, err_len, "SDL2_ttf: %s", TTF_GetError());
		errno = EIO;
		goto fail;
	}
	ui->ttf_ready = true;
	if (d->fullscreen)
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
	ui->window = SDL_CreateWindow("Recovery kiosk", SDL_WINDOWPOS_CENTERED,
	                              SDL_WINDOWPOS_CENTERED, (int)(d->width ? d->width : 800),
	                              (int)(d->height ? d->height : 480), flags);
	if (!ui->window) {
		snprintf(err, err_len, "no display: cannot open a %ux%u window: %s", d->width,
		         d->height, SDL_GetError());
		errno = ENODEV;
		goto fail;
	}
	ui->renderer = SDL_CreateRenderer(ui->window, -1, 0);
	if (!ui->renderer) /* e.g. KMS without a window framebuffer */
		ui->renderer = SDL_CreateRenderer(ui->window, -1, SDL_RENDERER_ACCELERATED);
	if (!ui->renderer) {
		snprintf(err, err_len, "cannot create a renderer: %s", SDL_GetError());
		errno = ENODEV;
		goto fail;
	}
	if (d->fullscreen)
		SDL_ShowCursor(SDL_DISABLE);
	ui->wake_event = SDL_RegisterEvents(1);
	if (ui->wake_event == (Uint32)-1) {
		snprintf(err, err_len, "SDL: no user events left");
		errno = ENOSPC;
		goto fail;
	}
	SDL_GetRendererOutputSize(ui->renderer, &w, &h);
	snprintf(fonts_dir, sizeof(fonts_dir), "%s/fonts", p->assets_dir ? p->assets_dir : ".");
	memset(&vp, 0, sizeof(vp));
	vp.config = p->config;
	vp.programs = p->programs;
	vp.screening = p->screening;
	vp.renderer = ui->renderer;
	vp.fonts_dir = fonts_dir;
	vp.submit = submit_to_controller;
	vp.submit_ctx = ui;
	vp.locale_dir = p->locale_dir;
	vp.events_delivered = p->events_delivered;
	vp.events_ctx = p->events_ctx;
	ui->view = ui_view_create(&vp, w, h, err, err_len);
	if (!ui->view) {
		size_t used = strlen(err);
		/* The usual cause: a binary that looks for its fonts elsewhere. */
		snprintf(err + used, err_len - used,
		         "; give the folder that holds fonts/ with --assets DIR or "
		         "KIOSK_ASSETS_DIR (the source tree's assets/, or the installed "
		         "share/recovery-kiosk)");
		goto fail;
	}
	if (p->controller) {
		int rc = controller_add_listener(p->controller, on_controller_change, ui);
		if (rc < 0) {
			snprintf(err, err_len, "cannot register the UI with the controller: %s",
			         strerror(-rc));
			errno = -rc;
			goto fail;
		}
	}
	return ui;
fail : {
	int e = errno;
	ui_destroy(ui);
	errno = e ? e : EIO;
	return NULL;
}
}

void ui_request_stop(struct ui *ui)
{
	SDL_Event ev;

	if (!ui)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_QUIT;
	SDL_PushEvent(&ev);
}

void ui_destroy(struct ui *ui)
{
	if (!ui)
		return;
	ui_view_destroy(ui->view);
	if (ui->snap && ui->p.controller)
		controller_snapshot_release(ui->p.controller, ui->snap);
	if (ui->renderer)
		SDL_DestroyRenderer(ui->renderer);
	if (ui->window)
		SDL_DestroyWindow(ui->window);
	if (ui->ttf_ready)
		TTF_Quit();
	if (ui->sdl_ready)
		SDL_Quit();
	free(ui);
}

static void pull_controller(struct ui *ui, uint64_t now)
{
	struct kiosk_event evs[UI_EVENTS_BATCH];
	const struct kiosk_snapshot *snap;
	uint64_t lost = 0;
	size_t n;

	if (!ui->p.controller)
		return;
	atomic_store(&ui->wake_pending, 0);
	snap = controller_snapshot_acquire(ui->p.controller);
	if (snap != ui->snap) {
		ui_view_set_snapshot(ui->view, snap, now);
		if (ui->snap)
			controller_snapshot_release(ui->p.controller, ui->snap);
		ui->snap = snap;
	} else if (snap) {
		controller_snapshot_release(ui->p.controller, snap);
	}
	do {
		n = controller_events_read(ui->p.controller, &ui->event_cursor, evs,
		                           UI_EVENTS_BATCH, &lost);
		for (size_t i = 0; i < n; i++)
			ui_view_event(ui->view, &evs[i], now);
	} while (n == UI_EVENTS_BATCH);
}

/* Window pixels to renderer pixels (they differ on HiDPI outputs). */
static void to_render_coords(struct ui *ui, float wx, float wy, int *x, int *y)
{
	int ww, wh, rw, rh;
	SDL_GetWindowSize(ui->window, &ww, &wh);
	SDL_GetRendererOutputSize(ui->renderer, &rw, &rh);
	*x = ww > 0 ? (int)(wx * (float)rw / (float)ww) : (int)wx;
	*y = wh > 0 ? (int)(wy * (float)rh / (float)wh) : (int)wy;
}

/* Returns false when the window was closed. */
static bool handle_event(struct ui *ui, const SDL_Event *ev, uint64_t now)
{
	int x, y;

	switch (ev->type) {
	case SDL_QUIT:
		return false;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		/* Touch already arrives as finger events: skip its mouse copy. */
		if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
			break;
		to_render_coords(ui, (float)ev->button.x, (float)ev->button.y, &x, &y);
		if (ev->type == SDL_MOUSEBUTTONDOWN)
			ui_view_pointer_down(ui->view, x, y, now);
		else
			ui_view_pointer_up(ui->view, x, y, now);
		break;
	case SDL_FINGERDOWN:
	case SDL_FINGERUP: {
		int ww, wh;
		/* One finger at a time; a second finger is ignored. */
		if (ev->type == SDL_FINGERDOWN) {
			if (ui->finger_down)
				break;
			ui->finger_down = true;
			ui->finger = ev->tfinger.fingerId;
		} else {
			if (!ui->finger_down || ev->tfinger.fingerId != ui->finger)
				break;
			ui->finger_down = false;
		}
		SDL_GetWindowSize(ui->window, &ww, &wh);
		to_render_coords(ui, ev->tfinger.x * (float)ww, ev->tfinger.y * (float)wh, &x, &y);
		if (ev->type == SDL_FINGERDOWN)
			ui_view_pointer_down(ui->view, x, y, now);
		else
			ui_view_pointer_up(ui->view, x, y, now);
		break;
	}
	case SDL_WINDOWEVENT:
		if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			int w, h;
			SDL_GetRendererOutputSize(ui->renderer, &w, &h);
			ui_view_resize(ui->view, w, h);
		} else if (ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
			ui_view_tick(ui->view, now);
			ui->first_frame_done = false; /* force a redraw */
		}
		break;
	default:
		if (ev->type == ui->wake_event)
			pull_controller(ui, now);
		break;
	}
	return true;
}

int ui_run(struct ui *ui, volatile sig_atomic_t *stop)
{
	SDL_Event ev;

	if (!ui)
		return -EINVAL;
	pull_controller(ui, SDL_GetTicks64());
	while (!stop || !*stop) {
		uint64_t now = SDL_GetTicks64();
		uint64_t deadline = ui_view_next_deadline_ms(ui->view, now);
		uint64_t wait;
		bool draw;

		draw = ui_view_dirty(ui->view) || !ui->first_frame_done;
		if (draw && ui_view_animating(ui->view) && now < ui->last_frame_ms + 33u)
			deadline =
			    deadline < ui->last_frame_ms + 33u ? deadline : ui->last_frame_ms + 33u;
		else if (draw)
			deadline = now;
		/* Sleep until an input, a controller wake-up, a stop request
		 * (ui_request_stop) or the view's next deadline: nothing polls. */
		wait = deadline > now ? deadline - now : 0;
		if (wait > INT32_MAX)
			wait = INT32_MAX;
		if (SDL_WaitEventTimeout(&ev, (int)wait)) {
			now = SDL_GetTicks64();
			if (!handle_event(ui, &ev, now))
				break;
			while (SDL_PollEvent(&ev))
				if (!handle_event(ui, &ev, now))
					return 0;
		}
		now = SDL_GetTicks64();
		ui_view_tick(ui->view, now);
		if (!ui_view_dirty(ui->view) && ui->first_frame_done)
			continue;
		/* While a session animates, at most 30 frames a second. */
		if (ui_view_animating(ui->view) && now < ui->last_frame_ms + 33u)
			continue;
		ui_view_render(ui->view, now);
		SDL_RenderPresent(ui->renderer);
		ui->last_frame_ms = now;
		ui->first_frame_done = true;
	}
	return 0;
}

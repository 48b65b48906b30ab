/* SPDX-License-Identifier: MIT */
/* The view: a model (model.c) and a canvas (canvas.c) joined by the table
 * of screens.  Input goes to the screen last drawn; a frame is drawn only
 * when what it shows changed. */
#include "ui/view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/settings.h"
#include "core/program.h"
#include "ui/canvas.h"
#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/screens_member.h"
#include "ui/screens_screening.h"
#include "ui/screens_session.h"
#include "ui/screens_staff.h"
#include "ui/widgets.h"
#include "ui/words.h"

struct ui_view {
	struct ui_model md;
	struct ui_canvas cv;
	const struct kiosk_config *config;
	uint64_t signature; /* of what the last frame showed */
};

static const struct screen_ops *const screens[UI_SCREEN_COUNT] = {
    [UI_SCREEN_OVERVIEW] = &screen_overview_ops,
    [UI_SCREEN_PROGRAMS] = &screen_programs_ops,
    [UI_SCREEN_ADJUST] = &screen_adjust_ops,
    [UI_SCREEN_QUESTION] = &screen_question_ops,
    [UI_SCREEN_WHICH] = &screen_which_ops,
    [UI_SCREEN_AGREE] = &screen_agree_ops,
    [UI_SCREEN_BLOCKED] = &screen_blocked_ops,
    [UI_SCREEN_APPROVAL] = &screen_approval_ops,
    [UI_SCREEN_PIN] = &screen_pin_ops,
    [UI_SCREEN_BOOTS_ON] = &screen_boots_on_ops,
    [UI_SCREEN_RUNNING] = &screen_running_ops,
    [UI_SCREEN_FINISHED] = &screen_finished_ops,
    [UI_SCREEN_FAULT] = &screen_fault_ops,
    [UI_SCREEN_OUT_OF_SERVICE] = &screen_out_of_service_ops,
    [UI_SCREEN_STAFF] = &screen_staff_ops,
    [UI_SCREEN_STAFF_STATION] = &screen_staff_station_ops,
    [UI_SCREEN_STAFF_FAULT] = &screen_staff_fault_ops,
    [UI_SCREEN_SERVICE_REASON] = &screen_service_reason_ops,
};

struct ui_view *ui_view_create(const struct ui_view_params *p, int w, int h, char *err,
                               size_t err_len)
{
	struct ui_view *v = calloc(1, sizeof(*v));
	struct ui_model_params mp = {
	    .config = p->config,
	    .programs = p->programs,
	    .screening = p->screening,
	    .submit = p->submit,
	    .submit_ctx = p->submit_ctx,
	};

	if (!v) {
		snprintf(err, err_len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	v->config = p->config;
	mp.events_delivered = p->events_delivered;
	mp.events_ctx = p->events_ctx;
	mp.lang_count = i18n_available(p->locale_dir, mp.langs, I18N_MAX_LANGS);
	snprintf(mp.site_lang, sizeof(mp.site_lang), "%s", p->config->display.language);
	model_init(&v->md, &mp);
	v->cv.r = p->renderer;
	v->cv.screen = UI_SCREEN_OVERVIEW;
	ui_metrics_compute(&v->cv.m, w, h, p->config->display.diagonal_mm);
	v->cv.text = text_cache_create(v->cv.r, p->fonts_dir, &v->cv.m, err, err_len);
	if (!v->cv.text) {
		int e = errno;
		free(v);
		errno = e;
		return NULL;
	}
	return v;
}

void ui_view_destroy(struct ui_view *v)
{
	if (!v)
		return;
	model_fini(&v->md);
	text_cache_destroy(v->cv.text);
	free(v);
}

int ui_view_resize(struct ui_view *v, int w, int h)
{
	if (w == v->cv.m.w && h == v->cv.m.h)
		return 0;
	ui_metrics_compute(&v->cv.m, w, h, v->config->display.diagonal_mm);
	v->md.dirty = true;
	return text_cache_set_metrics(v->cv.text, &v->cv.m);
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	while (*s)
		h = mix(h, (unsigned char)*s++);
	return h;
}

static uint64_t station_signature(uint64_t h, const struct station_snapshot *st, bool detail)
{
	h = mix(h, st->state);
	h = mix(h, st->remaining_s);
	h = mix(h, st->fault);
	h = mix_str(h, st->program_name);
	h = mix_str(h, st->name);
	if (!detail)
		return h;
	h = mix(h, st->phase);
	h = mix(h, st->screening_index);
	h = mix(h, st->screening_count);
	h = mix(h, st->screening_view);
	h = mix(h, st->duration_s);
	h = mix(h, (uint64_t)(st->target_mmhg * 10));
	h = mix(h, st->pause_left_s);
	h = mix(h, st->clock_started);
	h = mix(h, (uint64_t)(st->active_zone + 1));
	h = mix(h, (uint64_t)(st->manifold_mmhg * 2));
	for (size_t z = 0; z < st->zone_count && z < STATION_MAX_ZONES; z++)
		h = mix(h, (uint64_t)(st->zone_mmhg[z] * 2));
	h = mix_str(h, st->fault_message);
	h = mix(h, st->skip_mask);
	h = mix(h, st->boost_zone);
	h = mix_str(h, st->service_note);
	h = mix(h, st->parked_fault);
	h = mix(h, st->elapsed_s);
	h = mix(h, st->last_stop);
	return h;
}

/* A digest of everything screen s shows: redraw only when it changes. */
static uint64_t signature(const struct ui_model *md, enum ui_screen s)
{
	uint64_t h = mix(0, s);

	h = mix(h, (uint64_t)(md->station + 1));
	h = mix(h, (uint64_t)(md->staff_station + 1));
	h = mix(h, md->pin_len);
	h = mix(h, md->program_page);
	h = mix(h, (uint64_t)md->clock_minute);
	h = mix_str(h, i18n_language());
	h = mix(h, md->which_open);
	h = mix(h, md->pending.active);
	h = mix(h, md->reason_open);
	h = mix(h, md->fault_info);
	h = mix(h, md->pin_wrong);
	h = mix(h, model_pin_wait_s(md));
	if (model_still_there(md))
		h = mix(h, (model_boots_on_left_ms(md) + 999u) / 1000u);
	if (!md->snap)
		return h;
	h = mix(h, md->snap->station_count);
	if (s == UI_SCREEN_OVERVIEW || s == UI_SCREEN_STAFF) {
		for (size_t i = 0; i < md->snap->station_count; i++) {
			h = station_signature(h, &md->snap->stations[i], false);
			h = mix(h, model_staff_notified(md, &md->snap->stations[i]));
		}
	} else {
		const struct station_snapshot *st =
		    model_station(md, md->staff ? md->staff_station : md->station);
		if (!st && md->pin_open)
			st = model_station(md, md->pin_station);
		if (st) {
			const struct station_stats *ss = &md->stats[st->index % UI_MAX_CARDS];

			h = station_signature(h, st, true);
			h = mix(h, model_staff_notified(md, st));
			h = mix(h, ss->sessions_today);
			h = mix(h, ss->last_session_wall_ms);
			h = mix(h, ss->last_cleaned_wall_ms);
		}
	}
	return h;
}

static void refresh(struct ui_view *v)
{
	enum ui_screen s = model_screen(&v->md);

	if (s != v->cv.screen || signature(&v->md, s) != v->signature)
		v->md.dirty = true;
}

void ui_view_set_snapshot(struct ui_view *v, const struct kiosk_snapshot *snap, uint64_t now_ms)
{
	v->md.now_ms = now_ms;
	model_set_snapshot(&v->md, snap);
	refresh(v);
}

void ui_view_event(struct ui_view *v, const struct kiosk_event *ev, uint64_t now_ms)
{
	v->md.now_ms = now_ms;
	model_event(&v->md, ev);
}

void ui_view_pointer_down(struct ui_view *v, int x, int y, uint64_t now_ms)
{
	enum ui_button b;

	v->md.now_ms = now_ms;
	v->md.last_input_ms = now_ms;
	/* Act only on what the member saw: a screen that changed since the
	 * last frame takes no taps until it is drawn. */
	if (model_screen(&v->md) != v->cv.screen) {
		v->cv.pressed = UI_BTN_NONE;
		return;
	}
	b = canvas_hit(&v->cv, x, y);
	model_touch(&v->md);
	v->cv.pressed = b;
	v->md.dirty = true;
	/* The language button is the same on every screen that has it. */
	if (b == UI_BTN_LANGUAGE)
		return;
	/* Stopping must not wait for the finger to lift. */
	if (b == UI_BTN_STOP || b == UI_BTN_SYMPTOM || b == UI_BTN_STAFF_STOP) {
		screens[v->cv.screen]->press(&v->md, &v->cv, b);
		v->cv.pressed = UI_BTN_NONE;
	}
}

void ui_view_pointer_up(struct ui_view *v, int x, int y, uint64_t now_ms)
{
	enum ui_button was = v->cv.pressed;

	v->md.now_ms = now_ms;
	v->md.last_input_ms = now_ms;
	v->cv.pressed = UI_BTN_NONE;
	if (was == UI_BTN_NONE)
		return;
	v->md.dirty = true;
	if (model_screen(&v->md) != v->cv.screen)
		return;
	if (canvas_hit(&v->cv, x, y) != was)
		return;
	if (was == UI_BTN_LANGUAGE)
		model_next_language(&v->md);
	else
		screens[v->cv.screen]->press(&v->md, &v->cv, was);
	refresh(v);
}

void ui_view_tick(struct ui_view *v, uint64_t now_ms)
{
	v->md.now_ms = now_ms;
	model_tick(&v->md);
	refresh(v);
}

bool ui_view_dirty(const struct ui_view *v)
{
	return v->md.dirty;
}

bool ui_view_animating(const struct ui_view *v)
{
	return model_animating(&v->md);
}

uint64_t ui_view_next_deadline_ms(const struct ui_view *v, uint64_t now_ms)
{
	(void)now_ms;
	return model_next_deadline_ms(&v->md, v->cv.screen);
}

void ui_view_render(struct ui_view *v, uint64_t now_ms)
{
	struct ui_model *md = &v->md;
	enum ui_screen s = model_screen(md);
	struct ui_layout_input in = {
	    .station_count = md->snap ? md->snap->station_count : 0,
	    .program_count = md->p.programs ? md->p.programs->count : 0,
	    .program_page = md->program_page,
	};
	const struct station_snapshot *st = model_station(md, md->station);

	md->now_ms = now_ms;
	if (st)
		in.zone_count = st->zone_count;
	if (s == UI_SCREEN_WHICH && st) {
		struct screening_unit u;

		model_unit(md, st, &u);
		in.item_count = u.first + u.count - model_question_on_screen(md, st);
	} else if (s == UI_SCREEN_SERVICE_REASON) {
		in.item_count = WORDS_REASONS;
	}
	canvas_begin(&v->cv, s, &in);
	md->program_pages = v->cv.layout.program_pages;
	md->programs_per_page = v->cv.layout.programs_per_page;
	widget_background(&v->cv);
	screens[s]->draw(md, &v->cv);
	if (md->toast[0])
		widget_toast(&v->cv, md->toast, md->toast_role);
	v->signature = signature(md, s);
	md->dirty = false;
}

enum ui_screen ui_view_screen(const struct ui_view *v)
{
	return model_screen(&v->md);
}

int ui_view_station(const struct ui_view *v)
{
	return v->md.staff ? v->md.staff_station : v->md.station;
}

const struct ui_metrics *ui_view_metrics(const struct ui_view *v)
{
	return &v->cv.m;
}

void ui_view_show(struct ui_view *v, enum ui_screen s, int station)
{
	struct ui_model *md = &v->md;

	model_go_overview(md);
	md->last_input_ms = md->now_ms;
	switch (s) {
	case UI_SCREEN_OVERVIEW:
		break;
	case UI_SCREEN_PIN:
		model_open_pin(md, PIN_FOR_STAFF, station);
		md->pin_len = 3;
		memcpy(md->pin, "123", 3);
		break;
	case UI_SCREEN_STAFF:
		md->staff = true;
		break;
	case UI_SCREEN_STAFF_STATION:
		md->staff = true;
		md->staff_station = station;
		break;
	default:
		md->station = station;
		if (model_station(md, station))
			md->seen_state = model_station(md, station)->state;
		break;
	}
	md->dirty = true;
}

void ui_view_text_stats(const struct ui_view *v, unsigned long *hits, unsigned long *misses)
{
	text_cache_stats(v->cv.text, hits, misses);
}

void ui_view_set_text_hook(struct ui_view *v, void (*fn)(void *ctx, const char *s), void *ctx)
{
	text_cache_set_hook(v->cv.text, fn, ctx);
}

bool ui_view_still_there(const struct ui_view *v)
{
	return model_still_there(&v->md);
}

unsigned int ui_view_pin_wait_s(const struct ui_view *v)
{
	return model_pin_wait_s(&v->md);
}

struct ui_rect ui_view_button(const struct ui_view *v, enum ui_button b, bool *touchable)
{
	if (touchable)
		*touchable = (unsigned)b < UI_BTN_COUNT && v->cv.active[b];
	return (unsigned)b < UI_BTN_COUNT ? v->cv.layout.button[b] : (struct ui_rect){0, 0, 0, 0};
}

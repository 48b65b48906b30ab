/* SPDX-License-Identifier: MIT */
#include "ui/view_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/settings.h"
#include "core/program.h"

static const struct screen_ops *const screens[UI_SCREEN_COUNT] = {
    [UI_SCREEN_OVERVIEW] = &screen_overview_ops,
    [UI_SCREEN_PROGRAMS] = &screen_programs_ops,
    [UI_SCREEN_ADJUST] = &screen_adjust_ops,
    [UI_SCREEN_QUESTION] = &screen_question_ops,
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
};

static void wipe(void *p, size_t n)
{
	volatile unsigned char *b = p;
	while (n--)
		*b++ = 0;
}

struct ui_view *ui_view_create(const struct ui_view_params *p, int w, int h, char *err,
                               size_t err_len)
{
	struct ui_view *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, err_len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	v->p = *p;
	v->r = p->renderer;
	v->station = -1;
	v->staff_station = -1;
	v->pin_station = -1;
	v->screen = UI_SCREEN_OVERVIEW;
	v->dirty = true;
	v->clock_minute = -1;
	ui_metrics_compute(&v->m, w, h, p->config->display.diagonal_mm);
	v->text = text_cache_create(v->r, p->fonts_dir, &v->m, err, err_len);
	if (!v->text) {
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
	wipe(v->pin, sizeof(v->pin));
	text_cache_destroy(v->text);
	free(v);
}

int ui_view_resize(struct ui_view *v, int w, int h)
{
	if (w == v->m.w && h == v->m.h)
		return 0;
	ui_metrics_compute(&v->m, w, h, v->p.config->display.diagonal_mm);
	v->dirty = true;
	return text_cache_set_metrics(v->text, &v->m);
}

const struct station_snapshot *view_station(const struct ui_view *v, int index)
{
	if (!v->snap || index < 0 || (size_t)index >= v->snap->station_count)
		return NULL;
	return &v->snap->stations[index];
}

static enum ui_screen derive_screen(const struct ui_view *v)
{
	const struct station_snapshot *st;

	if (v->pin_open)
		return UI_SCREEN_PIN;
	if (v->staff)
		return view_station(v, v->staff_station) ? UI_SCREEN_STAFF_STATION
		                                         : UI_SCREEN_STAFF;
	st = view_station(v, v->station);
	if (!st)
		return UI_SCREEN_OVERVIEW;
	switch (st->state) {
	case STATION_IDLE:
		return UI_SCREEN_PROGRAMS;
	case STATION_SETUP:
		return UI_SCREEN_ADJUST;
	case STATION_SCREENING:
		if (st->screening_view == SCREENING_VIEW_BLOCKED)
			return UI_SCREEN_BLOCKED;
		if (st->screening_view == SCREENING_VIEW_NEEDS_APPROVAL)
			return UI_SCREEN_APPROVAL;
		return UI_SCREEN_QUESTION;
	case STATION_READY:
		return UI_SCREEN_BOOTS_ON;
	case STATION_RUNNING:
	case STATION_PAUSED:
		return UI_SCREEN_RUNNING;
	case STATION_VENTING:
	case STATION_NEEDS_CLEANING:
		return UI_SCREEN_FINISHED;
	case STATION_FAULT:
		return UI_SCREEN_FAULT;
	case STATION_OUT_OF_SERVICE:
	case STATION_STATE_COUNT:
		return UI_SCREEN_OUT_OF_SERVICE;
	}
	return UI_SCREEN_OVERVIEW;
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
	return h;
}

/* A digest of everything the current screen shows: redraw only when it
 * changes. */
static uint64_t signature(const struct ui_view *v, enum ui_screen s)
{
	uint64_t h = mix(0, s);

	h = mix(h, (uint64_t)(v->station + 1));
	h = mix(h, (uint64_t)(v->staff_station + 1));
	h = mix(h, v->pin_len);
	h = mix(h, v->program_page);
	h = mix(h, (uint64_t)v->clock_minute);
	if (!v->snap)
		return h;
	h = mix(h, v->snap->station_count);
	if (s == UI_SCREEN_OVERVIEW || s == UI_SCREEN_STAFF) {
		for (size_t i = 0; i < v->snap->station_count; i++)
			h = station_signature(h, &v->snap->stations[i], false);
	} else {
		const struct station_snapshot *st =
		    view_station(v, v->staff ? v->staff_station : v->station);
		if (!st && v->pin_open)
			st = view_station(v, v->pin_station);
		if (st)
			h = station_signature(h, st, true);
	}
	return h;
}

static void refresh(struct ui_view *v)
{
	enum ui_screen s = derive_screen(v);
	uint64_t sig = signature(v, s);

	if (s != v->screen || sig != v->signature)
		v->dirty = true;
}

void ui_view_set_snapshot(struct ui_view *v, const struct kiosk_snapshot *snap, uint64_t now_ms)
{
	const struct station_snapshot *st;

	v->snap = snap;
	v->now_ms = now_ms;
	st = view_station(v, v->station);
	if (v->station >= 0 && !st) {
		view_go_overview(v);
	} else if (st) {
		/* Back to idle from anywhere else (cancelled, timed out,
		 * cleaned): the flow is over, show every station again. */
		if (st->state == STATION_IDLE && v->seen_state != STATION_IDLE && !v->staff)
			view_go_overview(v);
		else
			v->seen_state = st->state;
	}
	if (v->pin_open && v->pin_purpose == PIN_FOR_APPROVAL) {
		const struct station_snapshot *ps = view_station(v, v->pin_station);
		if (!ps || ps->state != STATION_SCREENING ||
		    ps->screening_view != SCREENING_VIEW_NEEDS_APPROVAL)
			view_close_pin(v);
	}
	refresh(v);
}

/* Whether a refused command is worth telling the person at the screen.  A
 * double tap that raced the snapshot (an answer to a question already
 * answered, a second Start) is refused by the core as bad state or bad
 * argument and needs no message; what staff asked for does. */
static bool result_worth_showing(const struct kiosk_event *ev)
{
	switch (ev->status) {
	case CMD_OK:
		return false;
	case CMD_ERR_BAD_STATE:
	case CMD_ERR_BAD_ARGUMENT:
		return ev->action == CMD_RESET_FAULT || ev->action == CMD_OUT_OF_SERVICE ||
		       ev->action == CMD_IN_SERVICE || ev->action == CMD_STAFF_APPROVE;
	default:
		return ev->action != CMD_TOUCH;
	}
}

void ui_view_event(struct ui_view *v, const struct kiosk_event *ev, uint64_t now_ms)
{
	v->now_ms = now_ms;
	if (ev->kind != EVENT_COMMAND_RESULT || ev->source != SOURCE_UI ||
	    !result_worth_showing(ev))
		return;
	if (ev->status == CMD_ERR_BAD_PIN)
		view_toast(v, "Wrong PIN. Please try again.", THEME_STOP);
	else
		view_toast(v, command_status_message(ev->status), THEME_WARN);
}

void view_toast(struct ui_view *v, const char *msg, enum theme_role role)
{
	snprintf(v->toast, sizeof(v->toast), "%s", msg ? msg : "");
	v->toast_role = role;
	v->toast_until_ms = v->now_ms + UI_TOAST_MS;
	v->dirty = true;
}

void view_go_overview(struct ui_view *v)
{
	v->station = -1;
	v->seen_state = STATION_IDLE;
	v->program_page = 0;
	v->staff = false;
	v->staff_station = -1;
	view_close_pin(v);
	v->dirty = true;
}

void view_cancel_flow(struct ui_view *v)
{
	view_submit_simple(v, CMD_CANCEL, v->station);
	view_go_overview(v);
}

void view_open_pin(struct ui_view *v, enum pin_purpose purpose, int station)
{
	wipe(v->pin, sizeof(v->pin));
	v->pin_len = 0;
	v->pin_open = true;
	v->pin_purpose = purpose;
	v->pin_station = station;
	v->dirty = true;
}

void view_close_pin(struct ui_view *v)
{
	wipe(v->pin, sizeof(v->pin));
	v->pin_len = 0;
	v->pin_open = false;
	v->pin_station = -1;
	v->dirty = true;
}

int view_submit(struct ui_view *v, struct command *cmd)
{
	int rc;

	cmd->source = SOURCE_UI;
	rc = v->p.submit ? v->p.submit(v->p.submit_ctx, cmd) : -ENOSYS;
	wipe(cmd->pin, sizeof(cmd->pin));
	if (rc < 0 && cmd->action != CMD_TOUCH)
		view_toast(v, rc == -EAGAIN ? "Busy, please press again." : "That did not work.",
		           THEME_WARN);
	return rc;
}

int view_submit_simple(struct ui_view *v, enum command_action action, int station)
{
	struct command cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.action = action;
	cmd.station = (unsigned int)station;
	return view_submit(v, &cmd);
}

static bool member_flow_state(enum station_state s)
{
	return s == STATION_SETUP || s == STATION_SCREENING || s == STATION_READY;
}

void ui_view_pointer_down(struct ui_view *v, int x, int y, uint64_t now_ms)
{
	enum ui_button b;
	const struct station_snapshot *st;

	v->now_ms = now_ms;
	v->last_input_ms = now_ms;
	/* Act only on what the member saw: a screen that changed since the
	 * last frame takes no taps until it is drawn. */
	if (derive_screen(v) != v->screen) {
		v->pressed = UI_BTN_NONE;
		return;
	}
	b = ui_layout_hit(&v->layout, x, y);
	if (b == UI_BTN_NONE || !v->active[b])
		b = UI_BTN_NONE;
	st = view_station(v, v->station);
	if (st && !v->staff && member_flow_state(st->state))
		view_submit_simple(v, CMD_TOUCH, v->station);
	v->pressed = b;
	v->dirty = true;
	/* Stopping must not wait for the finger to lift. */
	if (b == UI_BTN_STOP || b == UI_BTN_SYMPTOM || b == UI_BTN_STAFF_STOP) {
		screens[v->screen]->press(v, b);
		v->pressed = UI_BTN_NONE;
	}
}

void ui_view_pointer_up(struct ui_view *v, int x, int y, uint64_t now_ms)
{
	enum ui_button b, was = v->pressed;

	v->now_ms = now_ms;
	v->last_input_ms = now_ms;
	v->pressed = UI_BTN_NONE;
	if (was == UI_BTN_NONE)
		return;
	v->dirty = true;
	if (derive_screen(v) != v->screen)
		return;
	b = ui_layout_hit(&v->layout, x, y);
	if (b == was && v->active[b])
		screens[v->screen]->press(v, b);
	refresh(v);
}

static int current_minute(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

void ui_view_tick(struct ui_view *v, uint64_t now_ms)
{
	unsigned int idle_s = v->p.config->limits.idle_timeout_s;
	enum ui_screen s = derive_screen(v);
	int minute = current_minute();

	v->now_ms = now_ms;
	if (minute != v->clock_minute) {
		v->clock_minute = minute;
		v->dirty = true;
	}
	if (v->toast[0] && now_ms >= v->toast_until_ms) {
		v->toast[0] = '\0';
		v->dirty = true;
	}
	if (idle_s && s != UI_SCREEN_OVERVIEW && s != UI_SCREEN_RUNNING &&
	    now_ms - v->last_input_ms >= (uint64_t)idle_s * 1000u) {
		const struct station_snapshot *st = view_station(v, v->station);

		/* Nobody is here: the next member must not inherit this flow. */
		if (st && !v->staff && member_flow_state(st->state))
			view_submit_simple(v, CMD_CANCEL, v->station);
		view_go_overview(v);
	}
	refresh(v);
}

bool ui_view_dirty(const struct ui_view *v)
{
	return v->dirty;
}

bool ui_view_animating(const struct ui_view *v)
{
	const struct station_snapshot *st = view_station(v, v->station);
	return st && (st->state == STATION_RUNNING || st->state == STATION_PAUSED ||
	              st->state == STATION_VENTING);
}

uint64_t ui_view_next_deadline_ms(const struct ui_view *v, uint64_t now_ms)
{
	uint64_t next = now_ms + 60000u - (uint64_t)(time(NULL) % 60) * 1000u;
	unsigned int idle_s = v->p.config->limits.idle_timeout_s;

	if (v->toast[0] && v->toast_until_ms < next)
		next = v->toast_until_ms;
	if (idle_s && v->screen != UI_SCREEN_OVERVIEW) {
		uint64_t t = v->last_input_ms + (uint64_t)idle_s * 1000u;
		if (t < next)
			next = t;
	}
	return next < now_ms ? now_ms : next;
}

void view_layout(struct ui_view *v, enum ui_screen s)
{
	struct ui_layout_input in;

	memset(&in, 0, sizeof(in));
	in.station_count = v->snap ? v->snap->station_count : 0;
	in.program_count = v->p.programs ? v->p.programs->count : 0;
	in.program_page = v->program_page;
	ui_layout_compute(&v->layout, &v->m, s, &in);
}

void ui_view_render(struct ui_view *v, uint64_t now_ms)
{
	enum ui_screen s = derive_screen(v);

	v->now_ms = now_ms;
	if (s != v->screen && v->pressed != UI_BTN_NONE)
		v->pressed = UI_BTN_NONE;
	v->screen = s;
	memset(v->active, 0, sizeof(v->active));
	view_layout(v, s);
	widget_background(v);
	screens[s]->draw(v);
	widget_toast(v);
	v->signature = signature(v, s);
	v->dirty = false;
}

enum ui_screen ui_view_screen(const struct ui_view *v)
{
	return derive_screen(v);
}

int ui_view_station(const struct ui_view *v)
{
	return v->staff ? v->staff_station : v->station;
}

const struct ui_metrics *ui_view_metrics(const struct ui_view *v)
{
	return &v->m;
}

void ui_view_show(struct ui_view *v, enum ui_screen s, int station)
{
	view_go_overview(v);
	v->last_input_ms = v->now_ms;
	switch (s) {
	case UI_SCREEN_OVERVIEW:
		break;
	case UI_SCREEN_PIN:
		view_open_pin(v, PIN_FOR_STAFF, station);
		v->pin_len = 3;
		memcpy(v->pin, "123", 3);
		break;
	case UI_SCREEN_STAFF:
		v->staff = true;
		break;
	case UI_SCREEN_STAFF_STATION:
		v->staff = true;
		v->staff_station = station;
		break;
	default:
		v->station = station;
		if (view_station(v, station))
			v->seen_state = view_station(v, station)->state;
		break;
	}
	v->dirty = true;
}

void ui_view_text_stats(const struct ui_view *v, unsigned long *hits, unsigned long *misses)
{
	text_cache_stats(v->text, hits, misses);
}

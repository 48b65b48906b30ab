/* SPDX-License-Identifier: MIT */
#include "ui/model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/settings.h"
#include "core/program.h"
#include "core/screening.h"
#include "ui/i18n.h"

static void wipe(void *p, size_t n)
{
	volatile unsigned char *b = p;
	while (n--)
		*b++ = 0;
}

void model_init(struct ui_model *md, const struct ui_model_params *p)
{
	memset(md, 0, sizeof(*md));
	md->p = *p;
	md->station = -1;
	md->staff_station = -1;
	md->pin_station = -1;
	md->dirty = true;
	md->clock_minute = -1;
	md->program_pages = 1;
	if (md->p.lang_count == 0) {
		snprintf(md->p.langs[0], sizeof(md->p.langs[0]), "en");
		md->p.lang_count = 1;
	}
	if (!md->p.site_lang[0])
		snprintf(md->p.site_lang, sizeof(md->p.site_lang), "%s", md->p.langs[0]);
}

void model_fini(struct ui_model *md)
{
	wipe(md->pin, sizeof(md->pin));
	md->pin_len = 0;
}

const struct station_snapshot *model_station(const struct ui_model *md, int index)
{
	if (!md->snap || index < 0 || (size_t)index >= md->snap->station_count)
		return NULL;
	return &md->snap->stations[index];
}

const struct program *model_program(const struct ui_model *md, const struct station_snapshot *st)
{
	if (!st || !md->p.programs || st->program_index < 0 ||
	    (size_t)st->program_index >= md->p.programs->count)
		return NULL;
	return &md->p.programs->items[st->program_index];
}

enum ui_screen model_screen(const struct ui_model *md)
{
	const struct station_snapshot *st;

	if (md->pin_open)
		return UI_SCREEN_PIN;
	if (md->staff) {
		if (!model_station(md, md->staff_station))
			return UI_SCREEN_STAFF;
		if (md->reason_open)
			return UI_SCREEN_SERVICE_REASON;
		if (md->fault_info)
			return UI_SCREEN_STAFF_FAULT;
		return UI_SCREEN_STAFF_STATION;
	}
	st = model_station(md, md->station);
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
		if (st->screening_view == SCREENING_VIEW_NEEDS_APPROVAL && !md->pending.active)
			return UI_SCREEN_APPROVAL;
		{
			struct screening_unit u;

			model_unit(md, st, &u);
			if (u.kind == UNIT_AGREE)
				return UI_SCREEN_AGREE;
			if (u.kind == UNIT_GROUP &&
			    (md->which_open || model_question_on_screen(md, st) > u.first))
				return UI_SCREEN_WHICH;
		}
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

void model_toast(struct ui_model *md, const char *msg, enum theme_role role)
{
	snprintf(md->toast, sizeof(md->toast), "%s", msg ? msg : "");
	md->toast_role = role;
	md->toast_until_ms = md->now_ms + UI_TOAST_MS;
	md->dirty = true;
}

void model_go_overview(struct ui_model *md)
{
	md->station = -1;
	md->seen_state = STATION_IDLE;
	md->program_page = 0;
	md->staff = false;
	md->staff_station = -1;
	md->which_open = false;
	md->reason_open = false;
	md->fault_info = false;
	md->pending.active = false;
	model_close_pin(md);
	md->dirty = true;
}

/* The member's flow is over: every station again, in the site's language. */
static void end_member_flow(struct ui_model *md)
{
	model_go_overview(md);
	model_site_language(md);
}

void model_cancel_flow(struct ui_model *md)
{
	model_submit_simple(md, CMD_CANCEL, md->station);
	end_member_flow(md);
}

bool model_language_switched(const struct ui_model *md)
{
	return strcmp(i18n_language(), md->p.site_lang) != 0;
}

void model_next_language(struct ui_model *md)
{
	size_t i = 0;

	while (i < md->p.lang_count && strcmp(md->p.langs[i], i18n_language()) != 0)
		i++;
	i18n_set_language(md->p.langs[(i + 1) % md->p.lang_count]);
	md->dirty = true;
}

void model_site_language(struct ui_model *md)
{
	if (model_language_switched(md)) {
		i18n_set_language(md->p.site_lang);
		md->dirty = true;
	}
}

void model_open_pin(struct ui_model *md, enum pin_purpose purpose, int station)
{
	wipe(md->pin, sizeof(md->pin));
	md->pin_len = 0;
	md->pin_open = true;
	md->pin_purpose = purpose;
	md->pin_station = station;
	md->dirty = true;
}

void model_close_pin(struct ui_model *md)
{
	wipe(md->pin, sizeof(md->pin));
	md->pin_len = 0;
	md->pin_open = false;
	md->pin_station = -1;
	md->dirty = true;
}

int model_submit(struct ui_model *md, struct command *cmd)
{
	int rc;

	cmd->source = SOURCE_UI;
	rc = md->p.submit ? md->p.submit(md->p.submit_ctx, cmd) : -ENOSYS;
	wipe(cmd->pin, sizeof(cmd->pin));
	if (rc < 0 && cmd->action != CMD_TOUCH)
		model_toast(md,
		            rc == -EAGAIN ? tr("Busy, please press again.")
		                          : tr("That did not work. Please try again."),
		            THEME_WARN);
	return rc;
}

int model_submit_simple(struct ui_model *md, enum command_action action, int station)
{
	struct command cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.action = action;
	cmd.station = (unsigned int)station;
	return model_submit(md, &cmd);
}

static bool member_flow_state(enum station_state s)
{
	return s == STATION_SETUP || s == STATION_SCREENING || s == STATION_READY;
}

void model_set_snapshot(struct ui_model *md, const struct kiosk_snapshot *snap)
{
	const struct station_snapshot *st;

	md->snap = snap;
	model_history_snapshot(md);
	model_screening_seen(md);
	st = model_station(md, md->station);
	if (md->station >= 0 && !st) {
		end_member_flow(md);
	} else if (st) {
		/* Back to idle from anywhere else (cancelled, timed out,
		 * cleaned): the flow is over, show every station again. */
		if (st->state == STATION_IDLE && md->seen_state != STATION_IDLE && !md->staff)
			end_member_flow(md);
		else
			md->seen_state = st->state;
	}
	if (md->pin_open && md->pin_purpose == PIN_FOR_APPROVAL) {
		const struct station_snapshot *ps = model_station(md, md->pin_station);
		if (!ps || ps->state != STATION_SCREENING ||
		    ps->screening_view != SCREENING_VIEW_NEEDS_APPROVAL)
			model_close_pin(md);
	}
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

/* What a refused command means for the person at the screen. */
static const char *status_words(enum command_status s)
{
	switch (s) {
	case CMD_ERR_BAD_STATION:
		return N_("This station is not available.");
	case CMD_ERR_BAD_STATE:
		return N_("Not possible right now: the station has moved on.");
	case CMD_ERR_NOT_SCREENED:
		return N_("Please answer the health questions first.");
	case CMD_ERR_BAD_ARGUMENT:
		return N_("That setting is not allowed for this program.");
	case CMD_ERR_BAD_PIN:
		return N_("Wrong PIN.");
	case CMD_ERR_PRESSURISED:
		return N_("The boots still hold air: wait until they are empty, then try again.");
	case CMD_ERR_QUEUE_FULL:
		return N_("Busy, please press again.");
	case CMD_ERR_HARDWARE:
		return N_("The valves or pump do not respond: check the wiring before a reset.");
	default:
		return N_("That did not work. Please try again.");
	}
}

void model_event(struct ui_model *md, const struct kiosk_event *ev)
{
	if (ev->kind != EVENT_COMMAND_RESULT) {
		model_history_event(md, ev);
		return;
	}
	if (ev->source != SOURCE_UI || !result_worth_showing(ev))
		return;
	if (ev->status == CMD_ERR_BAD_PIN)
		model_pin_wrong(md);
	else
		model_toast(md, tr(status_words(ev->status)), THEME_WARN);
}

void model_pin_wrong(struct ui_model *md)
{
	unsigned int shift = md->wrong_pins < 6 ? md->wrong_pins + 1 : 6;
	unsigned int wait_s = 1u << shift;

	if (wait_s > UI_PIN_DELAY_MAX_S)
		wait_s = UI_PIN_DELAY_MAX_S;
	md->wrong_pins++;
	md->pin_wrong = true;
	md->pin_locked_until_ms = md->now_ms + (uint64_t)wait_s * 1000u;
	md->dirty = true;
}

unsigned int model_pin_wait_s(const struct ui_model *md)
{
	if (md->now_ms >= md->pin_locked_until_ms)
		return 0;
	return (unsigned int)((md->pin_locked_until_ms - md->now_ms + 999u) / 1000u);
}

bool model_staff_notified(const struct ui_model *md, const struct station_snapshot *st)
{
	uint64_t seq = st ? md->stats[st->index % UI_MAX_CARDS].fault_seq : 0;

	return md->p.events_delivered && seq && md->p.events_delivered(md->p.events_ctx, seq);
}

/* A fault on screen whose delivery to the broker is not confirmed yet. */
static bool awaiting_delivery(const struct ui_model *md)
{
	for (size_t i = 0; md->p.events_delivered && md->snap && i < md->snap->station_count; i++)
		if (md->snap->stations[i].state == STATION_FAULT &&
		    !model_staff_notified(md, &md->snap->stations[i]))
			return true;
	return false;
}

static uint64_t boots_on_limit_ms(const struct ui_model *md)
{
	const struct kiosk_limits *l = &md->p.config->limits;
	return (uint64_t)(l->boots_on_timeout_s ? l->boots_on_timeout_s : l->idle_timeout_s) *
	       1000u;
}

uint64_t model_boots_on_left_ms(const struct ui_model *md)
{
	uint64_t idle = md->now_ms - md->last_input_ms, limit = boots_on_limit_ms(md);
	return idle >= limit ? 0 : limit - idle;
}

bool model_still_there(const struct ui_model *md)
{
	return model_screen(md) == UI_SCREEN_BOOTS_ON &&
	       model_boots_on_left_ms(md) <= UI_STILL_THERE_MS;
}

void model_touch(struct ui_model *md)
{
	const struct station_snapshot *st = model_station(md, md->station);

	md->last_input_ms = md->now_ms;
	if (st && !md->staff && member_flow_state(st->state))
		model_submit_simple(md, CMD_TOUCH, md->station);
}

static int current_minute(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

/* How long screen s waits for a touch before the flow is wiped (0 = for
 * ever). */
static uint64_t idle_limit_ms(const struct ui_model *md, enum ui_screen s)
{
	if (s == UI_SCREEN_RUNNING || s == UI_SCREEN_OVERVIEW)
		return 0;
	if (s == UI_SCREEN_BOOTS_ON)
		return boots_on_limit_ms(md);
	return (uint64_t)md->p.config->limits.idle_timeout_s * 1000u;
}

void model_tick(struct ui_model *md)
{
	enum ui_screen s = model_screen(md);
	uint64_t limit = idle_limit_ms(md, s);
	uint64_t idle = md->now_ms - md->last_input_ms;
	int minute = current_minute();

	if (minute != md->clock_minute) {
		md->clock_minute = minute;
		md->dirty = true;
	}
	if (md->toast[0] && md->now_ms >= md->toast_until_ms) {
		md->toast[0] = '\0';
		md->dirty = true;
	}
	if (limit && idle >= limit) {
		const struct station_snapshot *st = model_station(md, md->station);

		/* Nobody is here: the next member must not inherit this flow. */
		if (st && !md->staff && member_flow_state(st->state))
			model_submit_simple(md, CMD_CANCEL, md->station);
		end_member_flow(md);
	} else if (s == UI_SCREEN_OVERVIEW && model_language_switched(md) &&
	           idle >= (uint64_t)md->p.config->limits.idle_timeout_s * 1000u) {
		/* A visitor switched the language and walked away. */
		model_site_language(md);
	}
	if (md->pin_wrong && s != UI_SCREEN_PIN)
		md->pin_wrong = false;
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The next whole second of a count-down that ends at end_ms. */
static uint64_t next_second(uint64_t now_ms, uint64_t end_ms)
{
	uint64_t left = end_ms > now_ms ? end_ms - now_ms : 0;
	return now_ms + (left % 1000u ? left % 1000u : 1000u);
}

uint64_t model_next_deadline_ms(const struct ui_model *md, enum ui_screen shown)
{
	uint64_t now_ms = md->now_ms;
	uint64_t next = now_ms + 60000u - (uint64_t)(time(NULL) % 60) * 1000u;
	uint64_t limit = idle_limit_ms(md, shown);

	if (md->toast[0])
		next = earlier(next, md->toast_until_ms);
	if (limit)
		next = earlier(next, md->last_input_ms + limit);
	if (shown == UI_SCREEN_OVERVIEW && model_language_switched(md))
		next = earlier(next, md->last_input_ms +
		                         (uint64_t)md->p.config->limits.idle_timeout_s * 1000u);
	if (shown == UI_SCREEN_BOOTS_ON) {
		uint64_t end = md->last_input_ms + limit;
		/* The count-down starts, then ticks every second. */
		if (model_still_there(md))
			next = earlier(next, next_second(now_ms, end));
		else if (end > UI_STILL_THERE_MS)
			next = earlier(next, end - UI_STILL_THERE_MS);
	}
	/* Nothing wakes the UI when the broker acknowledges: look again once
	 * a second while a fault waits for it. */
	if (awaiting_delivery(md))
		next = earlier(next, now_ms + 1000u);
	if (shown == UI_SCREEN_PIN && model_pin_wait_s(md) > 0)
		next = earlier(next, next_second(now_ms, md->pin_locked_until_ms));
	return next < now_ms ? now_ms : next;
}

bool model_animating(const struct ui_model *md)
{
	const struct station_snapshot *st = model_station(md, md->station);
	return st && (st->state == STATION_RUNNING || st->state == STATION_PAUSED ||
	              st->state == STATION_VENTING);
}

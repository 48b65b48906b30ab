/* SPDX-License-Identifier: MIT */
#include "ui/model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/settings.h"
#include "core/program.h"

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
	if (md->staff)
		return model_station(md, md->staff_station) ? UI_SCREEN_STAFF_STATION
		                                            : UI_SCREEN_STAFF;
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
	model_close_pin(md);
	md->dirty = true;
}

void model_cancel_flow(struct ui_model *md)
{
	model_submit_simple(md, CMD_CANCEL, md->station);
	model_go_overview(md);
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
		model_toast(md, rc == -EAGAIN ? "Busy, please press again." : "That did not work.",
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
	st = model_station(md, md->station);
	if (md->station >= 0 && !st) {
		model_go_overview(md);
	} else if (st) {
		/* Back to idle from anywhere else (cancelled, timed out,
		 * cleaned): the flow is over, show every station again. */
		if (st->state == STATION_IDLE && md->seen_state != STATION_IDLE && !md->staff)
			model_go_overview(md);
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

void model_event(struct ui_model *md, const struct kiosk_event *ev)
{
	if (ev->kind != EVENT_COMMAND_RESULT || ev->source != SOURCE_UI ||
	    !result_worth_showing(ev))
		return;
	if (ev->status == CMD_ERR_BAD_PIN)
		model_toast(md, "Wrong PIN. Please try again.", THEME_STOP);
	else
		model_toast(md, command_status_message(ev->status), THEME_WARN);
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

void model_tick(struct ui_model *md)
{
	unsigned int idle_s = md->p.config->limits.idle_timeout_s;
	enum ui_screen s = model_screen(md);
	int minute = current_minute();

	if (minute != md->clock_minute) {
		md->clock_minute = minute;
		md->dirty = true;
	}
	if (md->toast[0] && md->now_ms >= md->toast_until_ms) {
		md->toast[0] = '\0';
		md->dirty = true;
	}
	if (idle_s && s != UI_SCREEN_OVERVIEW && s != UI_SCREEN_RUNNING &&
	    md->now_ms - md->last_input_ms >= (uint64_t)idle_s * 1000u) {
		const struct station_snapshot *st = model_station(md, md->station);

		/* Nobody is here: the next member must not inherit this flow. */
		if (st && !md->staff && member_flow_state(st->state))
			model_submit_simple(md, CMD_CANCEL, md->station);
		model_go_overview(md);
	}
}

uint64_t model_next_deadline_ms(const struct ui_model *md, enum ui_screen shown)
{
	uint64_t now_ms = md->now_ms;
	uint64_t next = now_ms + 60000u - (uint64_t)(time(NULL) % 60) * 1000u;
	unsigned int idle_s = md->p.config->limits.idle_timeout_s;

	if (md->toast[0] && md->toast_until_ms < next)
		next = md->toast_until_ms;
	if (idle_s && shown != UI_SCREEN_OVERVIEW) {
		uint64_t t = md->last_input_ms + (uint64_t)idle_s * 1000u;
		if (t < next)
			next = t;
	}
	return next < now_ms ? now_ms : next;
}

bool model_animating(const struct ui_model *md)
{
	const struct station_snapshot *st = model_station(md, md->station);
	return st && (st->state == STATION_RUNNING || st->state == STATION_PAUSED ||
	              st->state == STATION_VENTING);
}

/* SPDX-License-Identifier: MIT */
/*
 * The station's commands: a table indexed by enum command_action giving the
 * states a command is allowed in, the sources it is accepted from, and its
 * handler.  A refused command changes nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/safety.h"
#include "core/session.h"
#include "core/station_private.h"

#define IN(s) (1u << (s))
#define MEMBER_FLOW (IN(STATION_SETUP) | IN(STATION_SCREENING) | IN(STATION_READY))
#define SESSION (IN(STATION_RUNNING) | IN(STATION_PAUSED))
#define FROM(src) (1u << (src))
#define ANY_SOURCE                                                                                 \
	(FROM(SOURCE_UI) | FROM(SOURCE_MQTT) | FROM(SOURCE_BUTTON) | FROM(SOURCE_INTERNAL))
/* Health questions are answered on the member's screen only: nothing that
 * carries or skips an answer is accepted over MQTT. */
#define KIOSK_SCREEN (FROM(SOURCE_UI) | FROM(SOURCE_INTERNAL))

/* One command as a handler sees it: the command, the PIN verdict taken by
 * the caller (CMD_STAFF_APPROVE only), the time and where events go. */
struct cmd_call {
	const struct command *cmd;
	bool pin_ok;
	uint64_t now_ms;
	const struct event_sink *sink;
};

typedef enum command_status (*command_fn)(struct station *st, const struct cmd_call *call);

static bool in_range(double v, double lo, double hi)
{
	return v >= lo - 1e-9 && v <= hi + 1e-9;
}

static enum command_status choose_duration(const struct station *st, const struct program *p,
                                           unsigned int asked_s, unsigned int *out_s)
{
	uint64_t cap_s = station_session_cap_ms(st) / 1000u;
	unsigned int d = asked_s;

	if (d == 0) {
		d = p->duration_s;
		if (d > cap_s)
			d = (unsigned int)cap_s;
	} else if (d < p->duration_min_s || d > p->duration_max_s || d > cap_s) {
		return CMD_ERR_BAD_ARGUMENT;
	}
	if (d == 0)
		return CMD_ERR_BAD_ARGUMENT;
	*out_s = d;
	return CMD_OK;
}

static enum command_status choose_target(const struct station *st, const struct program *p,
                                         double asked_mmhg, double *out_mmhg)
{
	double ceiling = safety_ceiling_mmhg(st->limits);
	double t = asked_mmhg;

	if (t == 0.0) {
		t = p->target_mmhg;
		if (t > ceiling)
			t = ceiling;
	} else if (!in_range(t, p->intensity_min_mmhg, p->intensity_max_mmhg) || t > ceiling) {
		return CMD_ERR_BAD_ARGUMENT;
	}
	if (!(t > 0.0))
		return CMD_ERR_BAD_ARGUMENT;
	*out_mmhg = t;
	return CMD_OK;
}

/* A program whose skip_zones leave out every zone this station has (e.g.
 * zones 1-2 skipped on a two-zone sleeve) has nothing to fill: START would
 * refuse it only after the whole screening, so it is refused here. */
static bool program_fits(const struct station *st, const struct program *p)
{
	uint8_t zones = (uint8_t)((1u << st->zone_count) - 1u);

	return (p->skip_mask & zones) != zones;
}

static enum command_status cmd_select(struct station *st, const struct cmd_call *call)
{
	const struct program *p;
	unsigned int d;
	double t;
	enum command_status rc;

	if (st->ctx.programs == NULL || call->cmd->program_index >= st->ctx.programs->count)
		return CMD_ERR_BAD_ARGUMENT;
	p = &st->ctx.programs->items[call->cmd->program_index];
	if (!program_fits(st, p))
		return CMD_ERR_BAD_ARGUMENT;
	rc = choose_duration(st, p, call->cmd->duration_s, &d);
	if (rc == CMD_OK)
		rc = choose_target(st, p, call->cmd->target_mmhg, &t);
	if (rc != CMD_OK)
		return rc;
	if (st->state == STATION_IDLE)
		station_set_state(st, STATION_SETUP, call->now_ms);
	st->program = p;
	st->program_index = (int)call->cmd->program_index;
	st->member_skip_mask = 0;
	st->member_boost_zone = 0;
	st->duration_s = d;
	st->target_mmhg = t;
	st->last_stop = STOP_NONE;
	st->elapsed_final_ms = 0;
	return CMD_OK;
}

/* The member's skip and boost (see STATION_MEMBER_BOOST_MMHG). */
static enum command_status choose_zones(const struct station *st, const struct command *cmd)
{
	uint8_t zones = (uint8_t)((1u << st->zone_count) - 1u);
	uint8_t skipped = (uint8_t)(st->program->skip_mask | cmd->skip_mask);

	if ((cmd->skip_mask & ~zones) != 0 || (skipped & zones) == zones)
		return CMD_ERR_BAD_ARGUMENT;
	if (cmd->boost_zone != 0 &&
	    (st->program->boost_zone != 0 || cmd->boost_zone > st->zone_count ||
	     (skipped & (1u << (cmd->boost_zone - 1u))) != 0))
		return CMD_ERR_BAD_ARGUMENT;
	return CMD_OK;
}

static enum command_status cmd_adjust(struct station *st, const struct cmd_call *call)
{
	unsigned int d = st->duration_s;
	double t = st->target_mmhg;
	enum command_status rc = CMD_OK;

	if (call->cmd->duration_s != 0)
		rc = choose_duration(st, st->program, call->cmd->duration_s, &d);
	if (rc == CMD_OK && call->cmd->target_mmhg != 0.0)
		rc = choose_target(st, st->program, call->cmd->target_mmhg, &t);
	if (rc == CMD_OK && call->cmd->set_zones)
		rc = choose_zones(st, call->cmd);
	if (rc != CMD_OK)
		return rc;
	st->duration_s = d;
	st->target_mmhg = t;
	if (call->cmd->set_zones) {
		st->member_skip_mask = call->cmd->skip_mask;
		st->member_boost_zone = call->cmd->boost_zone;
	}
	return CMD_OK;
}

static enum command_status cmd_begin_screening(struct station *st, const struct cmd_call *call)
{
	/* No questions is a broken install, never a pass. */
	if (st->ctx.screening == NULL || st->ctx.screening->count == 0)
		return CMD_ERR_BAD_STATE;
	station_set_state(st, STATION_SCREENING, call->now_ms);
	return CMD_OK;
}

static void screening_block(struct station *st)
{
	screening_answers_wipe(&st->answers);
	st->screening_view = SCREENING_VIEW_BLOCKED;
}

static void screening_conclude(struct station *st, uint64_t now_ms)
{
	switch (screening_evaluate(st->ctx.screening, &st->answers)) {
	case SCREENING_PASSED:
		station_set_state(st, STATION_READY, now_ms);
		st->screening_passed = true;
		break;
	case SCREENING_NEEDS_APPROVAL:
		st->screening_view = SCREENING_VIEW_NEEDS_APPROVAL;
		break;
	case SCREENING_INCOMPLETE:
		/* Every question must be answered: go back to the first gap. */
		st->screening_index = 0;
		while (st->screening_index < st->ctx.screening->count &&
		       st->answers.answer[st->screening_index] != SCREENING_UNANSWERED)
			st->screening_index++;
		if (st->screening_index >= st->ctx.screening->count)
			screening_block(st);
		break;
	case SCREENING_BLOCKED_ABSOLUTE:
	case SCREENING_BLOCKED_ACK:
	default:
		screening_block(st);
		break;
	}
}

static enum command_status cmd_answer(struct station *st, const struct cmd_call *call)
{
	const struct screening_set *set = st->ctx.screening;
	enum screening_class cls;

	if (st->screening_view != SCREENING_VIEW_ASKING)
		return CMD_ERR_BAD_STATE;
	if (call->cmd->question != st->screening_index || call->cmd->question >= set->count)
		return CMD_ERR_BAD_ARGUMENT;
	st->answers.answer[call->cmd->question] =
	    (uint8_t)(call->cmd->yes ? SCREENING_YES : SCREENING_NO);
	cls = set->items[call->cmd->question].cls;
	if ((cls == SCREENING_ABSOLUTE && call->cmd->yes) ||
	    (cls == SCREENING_ACKNOWLEDGE && !call->cmd->yes)) {
		screening_block(st);
		return CMD_OK;
	}
	st->screening_index++;
	if (st->screening_index >= set->count)
		screening_conclude(st, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_screening_back(struct station *st, const struct cmd_call *call)
{
	switch (st->screening_view) {
	case SCREENING_VIEW_BLOCKED:
		return CMD_ERR_BAD_STATE;
	case SCREENING_VIEW_NEEDS_APPROVAL:
		st->screening_view = SCREENING_VIEW_ASKING;
		st->screening_index = (unsigned int)st->ctx.screening->count;
		break;
	case SCREENING_VIEW_ASKING:
		break;
	}
	if (st->screening_index == 0) {
		/* Back from the first question: to the program choice. */
		station_wipe_screening(st);
		station_set_state(st, STATION_SETUP, call->now_ms);
		return CMD_OK;
	}
	st->screening_index--;
	st->answers.answer[st->screening_index] = SCREENING_UNANSWERED;
	return CMD_OK;
}

static enum command_status cmd_staff_approve(struct station *st, const struct cmd_call *call)
{
	if (st->screening_view != SCREENING_VIEW_NEEDS_APPROVAL)
		return CMD_ERR_BAD_STATE;
	if (!call->pin_ok)
		return CMD_ERR_BAD_PIN;
	st->answers.staff_approved = true;
	if (screening_evaluate(st->ctx.screening, &st->answers) != SCREENING_PASSED) {
		screening_block(st);
		return CMD_ERR_BAD_STATE;
	}
	station_set_state(st, STATION_READY, call->now_ms);
	st->screening_passed = true;
	/* Which question needed approval is nobody's business but the member's. */
	station_emit(st, call->sink, EVENT_SCREENING_APPROVED, STOP_NONE, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_cancel(struct station *st, const struct cmd_call *call)
{
	station_set_state(st, STATION_IDLE, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_touch(struct station *st, const struct cmd_call *call)
{
	(void)st;
	(void)call;
	return CMD_OK; /* the activity time is refreshed for every accepted command */
}

static enum command_status cmd_start(struct station *st, const struct cmd_call *call)
{
	struct session_params sp;

	if (st->state != STATION_READY)
		return st->state <= STATION_SCREENING ? CMD_ERR_NOT_SCREENED : CMD_ERR_BAD_STATE;
	/* Checked again here: READY is only reached through a pass, and this
	 * makes sure of it. */
	if (!st->screening_passed ||
	    screening_evaluate(st->ctx.screening, &st->answers) != SCREENING_PASSED)
		return CMD_ERR_NOT_SCREENED;
	sp = (struct session_params){
	    .program = st->program,
	    .zone_count = st->zone_count,
	    .foot_target_mmhg = st->target_mmhg,
	    .max_zone_mmhg = safety_ceiling_mmhg(st->limits) - STATION_TARGET_MARGIN_MMHG,
	    .has_sensor = st->has_sensor,
	    /* Open loop: no config passes the compiled cap (safety.h). */
	    .open_loop_fill_ms = safety_open_loop_fill_ms(st->ctx.station->open_loop_fill_ms),
	    .vent_ms = safety_vent_ms(st->limits),
	    .timed_vent_ms = safety_vent_ms(st->limits) > SAFETY_OPEN_LOOP_VENT_MIN_MS
	                         ? safety_vent_ms(st->limits)
	                         : SAFETY_OPEN_LOOP_VENT_MIN_MS,
	    .residual_mmhg = safety_residual_mmhg(st->limits),
	    .extra_skip_mask = st->member_skip_mask,
	    .boost_zone = st->member_boost_zone,
	    .boost_mmhg = STATION_MEMBER_BOOST_MMHG,
	};
	if (session_begin(&st->session, &sp, call->now_ms) < 0)
		return CMD_ERR_BAD_ARGUMENT;
	safety_session_begin(&st->safety);
	st->used_mask = st->session.used_mask;
	/* With a sensor every session begins by proving the valves close
	 * (vent_begin_seal_check()); enter_running starts it. */
	st->sealing = st->has_sensor;
	/* The answers did their job; the member's health data goes now. */
	station_wipe_screening(st);
	st->session_active = true;
	st->boots_used = true;
	st->start_ms = call->now_ms;
	st->clock_started = false;
	st->clock_start_ms = 0;
	st->paused_total_ms = 0;
	st->pause_used_ms = 0;
	st->paused_at_clock_ms = 0;
	st->elapsed_final_ms = 0;
	st->last_stop = STOP_NONE;
	station_set_state(st, STATION_RUNNING, call->now_ms);
	station_emit(st, call->sink, EVENT_SESSION_STARTED, STOP_NONE, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_pause(struct station *st, const struct cmd_call *call)
{
	if (station_paused_ms(st, call->now_ms) >= (uint64_t)st->limits->max_pause_s * 1000u)
		return CMD_ERR_BAD_STATE; /* no pause time left */
	station_set_state(st, STATION_PAUSED, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_resume(struct station *st, const struct cmd_call *call)
{
	/* Everything vented during the pause: the cycle starts again at the foot. */
	session_restart_cycle(&st->session, call->now_ms);
	station_set_state(st, STATION_RUNNING, call->now_ms);
	return CMD_OK;
}

static enum stop_reason stop_reason_for(enum command_source src)
{
	switch (src) {
	case SOURCE_UI:
		return STOP_MEMBER;
	case SOURCE_MQTT:
		return STOP_STAFF;
	case SOURCE_BUTTON:
		return STOP_BUTTON;
	case SOURCE_INTERNAL:
		return STOP_SHUTDOWN;
	}
	return STOP_STAFF;
}

static enum command_status cmd_stop(struct station *st, const struct cmd_call *call)
{
	if (st->state == STATION_VENTING)
		return CMD_OK; /* already stopping */
	if (!st->session_active) {
		station_set_state(st, STATION_IDLE,
		                  call->now_ms); /* setup/screening/ready: cancel */
		return CMD_OK;
	}
	station_end_session(st,
	                    call->cmd->action == CMD_SYMPTOM_STOP
	                        ? STOP_SYMPTOM
	                        : stop_reason_for(call->cmd->source),
	                    call->now_ms, call->sink);
	return CMD_OK;
}

static enum command_status cmd_cleaned(struct station *st, const struct cmd_call *call)
{
	st->boots_used = false;
	station_set_state(st, STATION_IDLE, call->now_ms);
	station_emit(st, call->sink, EVENT_CLEANED, STOP_NONE, call->now_ms);
	return CMD_OK;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Can the control sensor judge a vent now?  Fresh readings, and not a
 * fault that says those readings are themselves wrong. */
static bool sensor_trusted(const struct station *st, uint64_t now_ms)
{
	switch (st->fault) {
	case FAULT_SENSOR_FROZEN:
	case FAULT_SENSOR_ZERO:
	case FAULT_SENSOR_DISAGREE:
		return false;
	default:
		return safety_sensor_usable(&st->safety, now_ms);
	}
}

/* What a reset or a return to service must not hide: a pump that still
 * runs, a boot that still reads pressurised. */
static enum command_status check_before_freeing(const struct station *st, uint64_t now_ms)
{
	if (st->pump_running)
		return CMD_ERR_HARDWARE;
	if (sensor_trusted(st, now_ms) && safety_pressurised(&st->safety, st->limits))
		return CMD_ERR_PRESSURISED;
	return CMD_OK;
}

/* A reset verifies every zone before the station is free (VENTING, then
 * NEEDS_CLEANING or IDLE).  After a sensor that cannot be trusted the
 * boots cannot be verified: the reset is taken (the hardware has vented
 * them, DESIGN) but the station goes out of service until the sensor is
 * repaired and IN_SERVICE verifies them: the staff way out that never
 * calls a station free on a dead sensor's word. */
static enum command_status cmd_reset_fault(struct station *st, const struct cmd_call *call)
{
	enum command_status rc;
	bool trusted = !st->has_sensor || sensor_trusted(st, call->now_ms);

	/* An open stop circuit: fix the wiring first. */
	if (st->button_fault && st->button_held)
		return CMD_ERR_BAD_STATE;
	rc = check_before_freeing(st, call->now_ms);
	if (rc != CMD_OK)
		return rc;
	station_emit(st, call->sink, EVENT_FAULT_RESET, STOP_NONE, call->now_ms);
	st->button_fault = false;
	if (!trusted) {
		copy_str(st->service_note, sizeof(st->service_note), "repair");
		copy_str(st->service_by, sizeof(st->service_by), "kiosk");
		st->parked_fault = FAULT_NONE;
		station_set_state(st, STATION_OUT_OF_SERVICE, call->now_ms);
		station_emit(st, call->sink, EVENT_OUT_OF_SERVICE, STOP_NONE, call->now_ms);
		return CMD_OK;
	}
	station_vent_then(st, st->boots_used ? STATION_NEEDS_CLEANING : STATION_IDLE, call->now_ms);
	return CMD_OK;
}

static enum command_status cmd_out_of_service(struct station *st, const struct cmd_call *call)
{
	/* A fault goes out of service with the station and comes back with it. */
	if (st->state == STATION_FAULT)
		st->parked_fault = st->fault;
	memcpy(st->service_note, call->cmd->note, sizeof(st->service_note));
	st->service_note[sizeof(st->service_note) - 1] = '\0';
	memcpy(st->service_by, call->cmd->by, sizeof(st->service_by));
	st->service_by[sizeof(st->service_by) - 1] = '\0';
	station_set_state(st, STATION_OUT_OF_SERVICE, call->now_ms);
	station_wipe_screening(st);
	station_emit(st, call->sink, EVENT_OUT_OF_SERVICE, STOP_NONE, call->now_ms);
	return CMD_OK;
}

/* Back in service through the same verification as a reset. */
static enum command_status cmd_in_service(struct station *st, const struct cmd_call *call)
{
	enum command_status rc = check_before_freeing(st, call->now_ms);

	if (st->parked_fault != FAULT_NONE) {
		/* Back to the lock it left: a reset still has to verify. */
		st->fault = st->parked_fault;
		st->parked_fault = FAULT_NONE;
		station_set_state(st, STATION_FAULT, call->now_ms);
		station_emit(st, call->sink, EVENT_IN_SERVICE, STOP_NONE, call->now_ms);
		return CMD_OK;
	}
	if (rc != CMD_OK)
		return rc;
	station_emit(st, call->sink, EVENT_IN_SERVICE, STOP_NONE, call->now_ms);
	/* Every zone read down before it went out (and no air since: out of
	 * service every output is de-energised): free at once.  Otherwise
	 * (the way out after a sensor fault) it verifies first. */
	if (st->verified == (uint8_t)((1u << st->zone_count) - 1u))
		station_set_state(st, st->boots_used ? STATION_NEEDS_CLEANING : STATION_IDLE,
		                  call->now_ms);
	else
		station_vent_then(st, st->boots_used ? STATION_NEEDS_CLEANING : STATION_IDLE,
		                  call->now_ms);
	return CMD_OK;
}

struct command_rule {
	unsigned int states;  /* IN(state) bits where the command is allowed */
	unsigned int sources; /* FROM(source) bits it is accepted from */
	command_fn handle;
};

/* clang-format off */
static const struct command_rule command_table[CMD_ACTION_COUNT] = {
	[CMD_SELECT_PROGRAM] = {IN(STATION_IDLE) | IN(STATION_SETUP), ANY_SOURCE, cmd_select},
	[CMD_ADJUST] = {IN(STATION_SETUP), ANY_SOURCE, cmd_adjust},
	[CMD_BEGIN_SCREENING] = {IN(STATION_SETUP), KIOSK_SCREEN, cmd_begin_screening},
	[CMD_ANSWER] = {IN(STATION_SCREENING), KIOSK_SCREEN, cmd_answer},
	[CMD_SCREENING_BACK] = {IN(STATION_SCREENING), KIOSK_SCREEN, cmd_screening_back},
	[CMD_STAFF_APPROVE] = {IN(STATION_SCREENING), KIOSK_SCREEN, cmd_staff_approve},
	[CMD_CANCEL] = {MEMBER_FLOW, ANY_SOURCE, cmd_cancel},
	[CMD_TOUCH] = {~0u, ANY_SOURCE, cmd_touch},
	/* START checks its state itself to say "not screened". */
	[CMD_START] = {~0u, KIOSK_SCREEN, cmd_start},
	[CMD_PAUSE] = {IN(STATION_RUNNING), ANY_SOURCE, cmd_pause},
	[CMD_RESUME] = {IN(STATION_PAUSED), ANY_SOURCE, cmd_resume},
	[CMD_STOP] = {MEMBER_FLOW | SESSION | IN(STATION_VENTING), ANY_SOURCE, cmd_stop},
	[CMD_SYMPTOM_STOP] = {SESSION | IN(STATION_VENTING), ANY_SOURCE, cmd_stop},
	[CMD_CLEANED] = {IN(STATION_NEEDS_CLEANING), ANY_SOURCE, cmd_cleaned},
	[CMD_RESET_FAULT] = {IN(STATION_FAULT), ANY_SOURCE, cmd_reset_fault},
	[CMD_OUT_OF_SERVICE] = {IN(STATION_IDLE) | MEMBER_FLOW | IN(STATION_NEEDS_CLEANING) |
	                        IN(STATION_FAULT), ANY_SOURCE, cmd_out_of_service},
	[CMD_IN_SERVICE] = {IN(STATION_OUT_OF_SERVICE), ANY_SOURCE, cmd_in_service},
};
/* clang-format on */

static enum command_status dispatch(struct station *st, const struct cmd_call *call)
{
	const struct command *cmd = call->cmd;
	const struct command_rule *rule;
	enum command_status rc;

	if (cmd == NULL || (unsigned int)cmd->action >= CMD_ACTION_COUNT ||
	    (unsigned int)cmd->source > SOURCE_INTERNAL)
		return CMD_ERR_BAD_ARGUMENT;
	rule = &command_table[cmd->action];
	if (!(rule->sources & FROM(cmd->source)) || !(rule->states & IN(st->state)))
		return cmd->action == CMD_START && st->state <= STATION_SCREENING
		           ? CMD_ERR_NOT_SCREENED
		           : CMD_ERR_BAD_STATE;
	rc = rule->handle(st, call);
	/* A member doing something keeps the flow alive. */
	if (rc == CMD_OK || cmd->action == CMD_TOUCH)
		st->activity_ms = call->now_ms;
	return rc;
}

enum command_status station_command(struct station *st, const struct command *cmd, uint64_t now_ms,
                                    const struct event_sink *sink)
{
	struct cmd_call call = {.cmd = cmd, .now_ms = now_ms, .sink = sink};

	if (cmd != NULL && cmd->action == CMD_STAFF_APPROVE)
		call.pin_ok = kiosk_config_pin_matches(st->ctx.config, cmd->pin);
	return dispatch(st, &call);
}

enum command_status station_command_pin_checked(struct station *st, const struct command *cmd,
                                                bool pin_ok, uint64_t now_ms,
                                                const struct event_sink *sink)
{
	struct cmd_call call = {.cmd = cmd, .pin_ok = pin_ok, .now_ms = now_ms, .sink = sink};

	return dispatch(st, &call);
}

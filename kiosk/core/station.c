/* SPDX-License-Identifier: MIT */
/*
 * One station's state machine.  The states are a table of enter / tick /
 * exit handlers indexed by enum station_state; the commands are a table of
 * allowed states, allowed sources and a handler indexed by enum
 * command_action.  The safety supervisor (safety.c) runs first in every tick;
 * the compression pattern lives in session.c.
 */
#include "core/station.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/safety.h"
#include "core/session.h"
#include "core/station_private.h"

/* ---------------------------------------------------------------- helpers */

static void set_outputs(struct station *st, const struct station_outputs *out, uint64_t now_ms)
{
	st->out = *out;
	safety_outputs_changed(&st->safety, now_ms, &st->out);
}

static void set_safe(struct station *st, uint64_t now_ms)
{
	struct station_outputs safe = station_outputs_safe(st->zone_count);

	set_outputs(st, &safe, now_ms);
}

void station_wipe_screening(struct station *st)
{
	screening_answers_wipe(&st->answers);
	st->screening_index = 0;
	st->screening_view = SCREENING_VIEW_ASKING;
	st->screening_passed = false;
}

uint64_t station_session_cap_ms(const struct station *st)
{
	unsigned int cap = st->limits->max_session_s;

	if (cap == 0 || cap > KIOSK_COMPILED_MAX_SESSION_S)
		cap = KIOSK_COMPILED_MAX_SESSION_S;
	return (uint64_t)cap * 1000u;
}

static uint64_t session_end_point(const struct station *st, uint64_t now_ms)
{
	return st->state == STATION_PAUSED ? st->pause_since_ms : now_ms;
}

/* Session clock: from the first cycle at pressure, pauses excluded. */
static uint64_t elapsed_ms(const struct station *st, uint64_t now_ms)
{
	uint64_t t;

	if (!st->session_active)
		return st->elapsed_final_ms;
	if (!st->clock_started)
		return 0;
	t = session_end_point(st, now_ms);
	return t - st->clock_start_ms - (st->paused_total_ms - st->paused_at_clock_ms);
}

/* Time the pump program has run since Start, pauses excluded. */
static uint64_t run_ms(const struct station *st, uint64_t now_ms)
{
	return session_end_point(st, now_ms) - st->start_ms - st->paused_total_ms;
}

uint64_t station_paused_ms(const struct station *st, uint64_t now_ms)
{
	uint64_t p = st->paused_total_ms;

	if (st->state == STATION_PAUSED)
		p += now_ms - st->pause_since_ms;
	return p;
}

void station_emit(const struct station *st, const struct event_sink *sink, enum event_kind kind,
                  enum stop_reason reason, uint64_t now_ms)
{
	struct kiosk_event ev;

	if (sink == NULL || sink->emit == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.station = st->ctx.index;
	if (st->program != NULL) {
		memcpy(ev.program_id, st->program->id, sizeof(ev.program_id));
		ev.program_id[sizeof(ev.program_id) - 1] = '\0';
		ev.duration_s = st->duration_s;
		ev.target_mmhg = st->target_mmhg;
	}
	ev.elapsed_s = (unsigned int)(elapsed_ms(st, now_ms) / 1000u);
	ev.reason = reason;
	ev.fault = st->fault;
	ev.fault_zone = -1;
	if (kind == EVENT_OUT_OF_SERVICE) {
		memcpy(ev.note, st->service_note, sizeof(ev.note));
		memcpy(ev.by, st->service_by, sizeof(ev.by));
	}
	sink->emit(sink->ctx, &ev);
}

/* ------------------------------------------------------------ state table */

struct state_ops {
	void (*enter)(struct station *st, uint64_t now_ms);
	void (*tick)(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
	             const struct event_sink *sink);
	void (*exit)(struct station *st, uint64_t now_ms);
};

static void enter_idle(struct station *st, uint64_t now_ms)
{
	station_wipe_screening(st);
	st->program = NULL;
	st->program_index = -1;
	st->duration_s = 0;
	st->target_mmhg = 0.0;
	set_safe(st, now_ms);
}

static void enter_member_flow(struct station *st, uint64_t now_ms)
{
	st->activity_ms = now_ms;
	set_safe(st, now_ms);
}

static void enter_screening(struct station *st, uint64_t now_ms)
{
	station_wipe_screening(st);
	enter_member_flow(st, now_ms);
}

/* setup, screening and ready give up after a while without a touch, so the
 * next member never inherits someone else's choice or answers. */
static unsigned int flow_timeout_s(const struct station *st)
{
	/* Strapping in takes longer than answering questions. */
	if (st->state == STATION_READY && st->limits->boots_on_timeout_s)
		return st->limits->boots_on_timeout_s;
	return st->limits->idle_timeout_s;
}

static void tick_member_flow(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                             const struct event_sink *sink)
{
	unsigned int limit_s = flow_timeout_s(st);

	(void)r;
	(void)sink;
	if (limit_s == 0)
		return;
	if (now_ms - st->activity_ms >= (uint64_t)limit_s * 1000u)
		station_set_state(st, STATION_IDLE, now_ms);
}

void station_end_session(struct station *st, enum stop_reason reason, uint64_t now_ms,
                         const struct event_sink *sink)
{
	st->elapsed_final_ms = elapsed_ms(st, now_ms);
	st->session_active = false;
	st->last_stop = reason;
	station_emit(st, sink,
	             reason == STOP_COMPLETED ? EVENT_SESSION_COMPLETED : EVENT_SESSION_STOPPED,
	             reason, now_ms);
	station_set_state(st, reason == STOP_FAULT ? STATION_FAULT : STATION_VENTING, now_ms);
}

static void enter_running(struct station *st, uint64_t now_ms)
{
	set_outputs(st, &st->session.out, now_ms);
}

static void tick_running(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                         const struct event_sink *sink)
{
	bool fresh = st->has_sensor && r->status == PRESSURE_OK;

	if (st->clock_started && elapsed_ms(st, now_ms) >= (uint64_t)st->duration_s * 1000u) {
		station_end_session(st, STOP_COMPLETED, now_ms, sink);
		return;
	}
	/* Backstop for a clock that never starts: the hard session cap. */
	if (run_ms(st, now_ms) >= station_session_cap_ms(st)) {
		station_end_session(st, STOP_COMPLETED, now_ms, sink);
		return;
	}
	if (session_step(&st->session, now_ms, fresh, r->mmhg) && !st->clock_started) {
		st->clock_started = true;
		st->clock_start_ms = now_ms;
		st->paused_at_clock_ms = st->paused_total_ms;
	}
	set_outputs(st, &st->session.out, now_ms);
}

static void enter_paused(struct station *st, uint64_t now_ms)
{
	st->pause_since_ms = now_ms;
	set_safe(st, now_ms);
}

static void tick_paused(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                        const struct event_sink *sink)
{
	(void)r;
	if (station_paused_ms(st, now_ms) >= (uint64_t)st->limits->max_pause_s * 1000u)
		station_end_session(st, STOP_PAUSE_LIMIT, now_ms, sink);
}

static void exit_paused(struct station *st, uint64_t now_ms)
{
	st->paused_total_ms += now_ms - st->pause_since_ms;
	/* Frozen at the pause for the final elapsed time. */
	st->pause_since_ms = now_ms;
}

static void enter_safe(struct station *st, uint64_t now_ms)
{
	set_safe(st, now_ms);
}

static void tick_venting(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                         const struct event_sink *sink)
{
	(void)r;
	(void)sink;
	/* The supervisor faults a boot still inflated after vent_ms. */
	if (now_ms - st->state_since_ms >= st->limits->vent_ms)
		station_set_state(st, STATION_NEEDS_CLEANING, now_ms);
}

static void enter_fault(struct station *st, uint64_t now_ms)
{
	station_wipe_screening(st);
	set_safe(st, now_ms);
}

static void exit_fault(struct station *st, uint64_t now_ms)
{
	(void)now_ms;
	st->fault = FAULT_NONE;
}

static const struct state_ops state_table[STATION_STATE_COUNT] = {
    [STATION_IDLE] = {.enter = enter_idle},
    [STATION_SETUP] = {.enter = enter_member_flow, .tick = tick_member_flow},
    [STATION_SCREENING] = {.enter = enter_screening, .tick = tick_member_flow},
    [STATION_READY] = {.enter = enter_member_flow, .tick = tick_member_flow},
    [STATION_RUNNING] = {.enter = enter_running, .tick = tick_running},
    [STATION_PAUSED] = {.enter = enter_paused, .tick = tick_paused, .exit = exit_paused},
    [STATION_VENTING] = {.enter = enter_safe, .tick = tick_venting},
    [STATION_NEEDS_CLEANING] = {.enter = enter_safe},
    [STATION_FAULT] = {.enter = enter_fault, .exit = exit_fault},
    [STATION_OUT_OF_SERVICE] = {.enter = enter_safe},
};

void station_set_state(struct station *st, enum station_state next, uint64_t now_ms)
{
	const struct state_ops *old = &state_table[st->state];

	if (old->exit != NULL)
		old->exit(st, now_ms);
	st->state = next;
	st->state_since_ms = now_ms;
	if (state_table[next].enter != NULL)
		state_table[next].enter(st, now_ms);
}

static void raise_fault(struct station *st, enum fault_code fault, uint64_t now_ms,
                        const struct event_sink *sink)
{
	if (st->state == STATION_FAULT)
		return;
	/* Vent first, tell afterwards. */
	set_safe(st, now_ms);
	st->fault = fault;
	if (st->session_active)
		station_end_session(st, STOP_FAULT, now_ms, sink);
	else
		station_set_state(st, STATION_FAULT, now_ms);
	st->fault = fault;
	station_emit(st, sink, EVENT_FAULT_RAISED, STOP_NONE, now_ms);
}

/* ------------------------------------------------------------- public API */

struct station *station_create(const struct station_context *ctx, uint64_t now_ms)
{
	struct station *st;
	size_t zones;

	if (ctx == NULL || ctx->config == NULL || ctx->station == NULL) {
		errno = EINVAL;
		return NULL;
	}
	zones = ctx->station->pins.zone_count;
	if (zones == 0 || zones > STATION_MAX_ZONES) {
		errno = EINVAL;
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->ctx = *ctx;
	st->limits = &ctx->config->limits;
	st->zone_count = zones;
	st->has_sensor = ctx->station->pins.sensor != SENSOR_NONE;
	st->out = station_outputs_safe(zones);
	safety_init(&st->safety, st->has_sensor, now_ms, &st->out);
	st->state = STATION_IDLE;
	st->state_since_ms = now_ms;
	enter_idle(st, now_ms);
	return st;
}

void station_destroy(struct station *st)
{
	if (st == NULL)
		return;
	screening_answers_wipe(&st->answers);
	free(st);
}

/* The stop button is an input like the pressure: pressed at start-up it is
 * an open circuit (a wiring fault); later it stops a session. */
static void read_button(struct station *st, uint64_t now_ms, bool pressed,
                        const struct event_sink *sink)
{
	st->button_held = pressed;
	if (!pressed)
		return;
	if (now_ms - st->first_tick_ms < STATION_BUTTON_STARTUP_MS) {
		raise_fault(st, FAULT_STOP_BUTTON, now_ms, sink);
		st->button_fault = true;
	} else if (st->state == STATION_RUNNING || st->state == STATION_PAUSED) {
		station_end_session(st, STOP_BUTTON, now_ms, sink);
	}
}

void station_tick(struct station *st, uint64_t now_ms, const struct station_inputs *in,
                  struct station_outputs *out, const struct event_sink *sink)
{
	static const struct station_inputs none = {
	    .pressure = {.status = PRESSURE_ABSENT},
	    .safety = {.status = PRESSURE_ABSENT},
	};
	const struct pressure_reading *r;
	enum fault_code fault;
	const struct state_ops *ops;

	if (in == NULL)
		in = &none;
	r = &in->pressure;
	if (!st->ticked) {
		st->ticked = true;
		st->first_tick_ms = now_ms;
	}
	read_button(st, now_ms, in->stop_button, sink);

	if (st->has_sensor && r->status == PRESSURE_OK) {
		st->manifold_mmhg = r->mmhg;
		/* The manifold sensor sees a zone only while its valve is open. */
		for (size_t k = 0; k < st->zone_count; k++) {
			if (st->out.zones_open & (1u << k))
				st->zone_mmhg[k] = r->mmhg;
		}
	}

	/* The supervisor first, independent of what the session wants. */
	fault = safety_check(&st->safety, st->limits, now_ms, r, &st->out);
	if (fault != FAULT_NONE && st->state != STATION_FAULT &&
	    st->state != STATION_OUT_OF_SERVICE) {
		raise_fault(st, fault, now_ms, sink);
	} else {
		ops = &state_table[st->state];
		if (ops->tick != NULL)
			ops->tick(st, now_ms, r, sink);
	}
	if (out != NULL)
		*out = st->out;
}

bool station_quiet(const struct station *st)
{
	struct station_outputs safe = station_outputs_safe(st->zone_count);

	if (st->session_active || st->state == STATION_VENTING)
		return false;
	return st->out.pump_on == safe.pump_on && st->out.exhaust_open == safe.exhaust_open &&
	       st->out.zones_open == safe.zones_open;
}

void station_hardware_failed(struct station *st, uint64_t now_ms, const struct event_sink *sink)
{
	raise_fault(st, FAULT_HARDWARE, now_ms, sink);
}

void station_raise_fault(struct station *st, enum fault_code fault, uint64_t now_ms,
                         const struct event_sink *sink)
{
	if (fault == FAULT_NONE || fault >= FAULT_CODE_COUNT)
		return;
	raise_fault(st, fault, now_ms, sink);
}

void station_current_outputs(const struct station *st, struct station_outputs *out)
{
	*out = st->out;
}

enum station_state station_state(const struct station *st)
{
	return st->state;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void station_snapshot(const struct station *st, uint64_t now_ms, struct station_snapshot *out)
{
	memset(out, 0, sizeof(*out));
	out->index = st->ctx.index;
	copy_str(out->name, sizeof(out->name), st->ctx.station->name);
	out->state = st->state;
	out->program_index = st->program_index;
	if (st->program != NULL) {
		copy_str(out->program_id, sizeof(out->program_id), st->program->id);
		copy_str(out->program_name, sizeof(out->program_name), st->program->name);
		out->target_mmhg = st->target_mmhg;
		out->duration_s = st->duration_s;
	}
	out->zone_count = st->zone_count;
	out->active_zone = -1;
	if (st->program != NULL) {
		out->skip_mask = (uint8_t)(st->program->skip_mask | st->member_skip_mask);
		out->boost_zone =
		    st->member_boost_zone ? st->member_boost_zone : st->program->boost_zone;
		out->boost_mmhg =
		    st->member_boost_zone ? STATION_MEMBER_BOOST_MMHG : st->program->boost_mmhg;
	}
	if (st->session_active) {
		uint64_t el = elapsed_ms(st, now_ms);
		uint64_t dur = (uint64_t)st->duration_s * 1000u;

		out->phase = st->state == STATION_RUNNING ? st->session.phase : PHASE_NONE;
		out->clock_started = st->clock_started;
		out->elapsed_s = (unsigned int)(el / 1000u);
		out->remaining_s = el >= dur ? 0u : (unsigned int)((dur - el + 999u) / 1000u);
		if (st->state == STATION_RUNNING)
			out->active_zone = session_active_zone(&st->session);
		for (size_t k = 0; k < st->zone_count; k++)
			out->zone_target_mmhg[k] = session_zone_target(&st->session, k);
		if (st->state == STATION_PAUSED) {
			uint64_t used = station_paused_ms(st, now_ms);
			uint64_t max = (uint64_t)st->limits->max_pause_s * 1000u;

			out->pause_left_s =
			    used >= max ? 0u : (unsigned int)((max - used + 999u) / 1000u);
		}
	} else if (st->program != NULL) {
		out->elapsed_s = (unsigned int)(st->elapsed_final_ms / 1000u);
		out->remaining_s =
		    st->state == STATION_VENTING || st->state == STATION_NEEDS_CLEANING
		        ? 0u
		        : st->duration_s;
	}
	memcpy(out->zone_mmhg, st->zone_mmhg, sizeof(out->zone_mmhg));
	out->manifold_mmhg = st->manifold_mmhg;
	out->has_sensor = st->has_sensor;
	out->outputs = st->out;
	out->fault = st->fault;
	out->parked_fault = st->parked_fault;
	out->fault_zone = -1;
	if (st->state == STATION_OUT_OF_SERVICE) {
		copy_str(out->service_note, sizeof(out->service_note), st->service_note);
		copy_str(out->service_by, sizeof(out->service_by), st->service_by);
	}
	copy_str(out->fault_message, sizeof(out->fault_message),
	         st->fault == FAULT_NONE ? "" : fault_code_message(st->fault));
	out->last_stop = st->last_stop;
	out->screening_index = st->screening_index;
	out->screening_count =
	    st->ctx.screening != NULL ? (unsigned int)st->ctx.screening->count : 0;
	out->screening_view = st->screening_view;
	if (st->state == STATION_SETUP || st->state == STATION_SCREENING ||
	    st->state == STATION_READY) {
		uint64_t limit = (uint64_t)flow_timeout_s(st) * 1000u;
		uint64_t idle = now_ms - st->activity_ms;

		out->idle_left_s =
		    idle >= limit ? 0u : (unsigned int)((limit - idle + 999u) / 1000u);
	}
}

void station_restore(struct station *st, const struct station_service *sv, uint64_t now_ms)
{
	if (sv == NULL)
		return;
	st->boots_used = sv->needs_cleaning;
	if (sv->fault != FAULT_NONE && (unsigned int)sv->fault < FAULT_CODE_COUNT) {
		station_set_state(st, STATION_FAULT, now_ms);
		st->fault = sv->fault;
	} else if (sv->out_of_service) {
		station_set_state(st, STATION_OUT_OF_SERVICE, now_ms);
		copy_str(st->service_note, sizeof(st->service_note), sv->note);
		copy_str(st->service_by, sizeof(st->service_by), sv->by);
	} else if (sv->needs_cleaning) {
		station_set_state(st, STATION_NEEDS_CLEANING, now_ms);
	}
}

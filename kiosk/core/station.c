/* SPDX-License-Identifier: MIT */
/*
 * One station's state machine.  The states are a table of enter / tick /
 * exit handlers indexed by enum station_state; the commands are a table of
 * allowed states, allowed sources and a handler indexed by enum
 * command_action (station_cmd.c).  The safety supervisor (safety.c) runs
 * first in every tick; the compression pattern lives in session.c; every
 * pause, end, fault and return to service vents through vent.c, so a
 * skipped zone stays shut until the manifold is down and no zone counts as
 * vented before it was read alone.
 */
#include "core/station.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/safety.h"
#include "core/session.h"
#include "core/station_private.h"
#include "core/vent.h"

/* ---------------------------------------------------------------- helpers */

static uint8_t all_zones(const struct station *st)
{
	return (uint8_t)((1u << st->zone_count) - 1u);
}

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
	/* A pause stops the clock once its vent is verified: until then the
	 * boots still squeeze, and that counts. */
	if (st->state == STATION_PAUSED && st->pause_vented_ms != 0)
		return st->pause_vented_ms;
	return now_ms;
}

uint64_t station_elapsed_ms(const struct station *st, uint64_t now_ms)
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
	uint64_t p = st->pause_used_ms;

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
	ev.elapsed_s = (unsigned int)(station_elapsed_ms(st, now_ms) / 1000u);
	ev.reason = reason;
	ev.fault = st->fault;
	ev.fault_zone = st->fault != FAULT_NONE ? st->fault_zone : -1;
	if (kind == EVENT_OUT_OF_SERVICE) {
		memcpy(ev.note, st->service_note, sizeof(ev.note));
		memcpy(ev.by, st->service_by, sizeof(ev.by));
	}
	sink->emit(sink->ctx, &ev);
}

/* ------------------------------------------------------------------ vents */

bool station_fault_blames_sensor(enum fault_code f)
{
	switch (f) {
	case FAULT_SENSOR:
	case FAULT_SENSOR_STALE:
	case FAULT_SENSOR_FROZEN:
	case FAULT_SENSOR_ZERO:
	case FAULT_SENSOR_DISAGREE:
	case FAULT_FILL_IMPLAUSIBLE:
		return true;
	default:
		return false;
	}
}

void station_begin_vent(struct station *st, uint64_t now_ms, uint8_t verify_zones, bool trust)
{
	unsigned int vent_ms = safety_vent_ms(st->limits);
	unsigned int timed_ms = vent_ms;
	struct vent_plan plan;

	/* Without a trusted reading the vent lasts what the worst boot needs,
	 * the skipped zones shut all that time. */
	if (timed_ms < SAFETY_OPEN_LOOP_VENT_MIN_MS)
		timed_ms = SAFETY_OPEN_LOOP_VENT_MIN_MS;
	/* Only the zones that may hold air open with the exhaust: the others
	 * (skipped, or read empty since their last air) would only take some
	 * of it. */
	plan = (struct vent_plan){
	    .zone_count = st->zone_count,
	    .open_mask = (uint8_t)(st->used_mask & ~st->verified),
	    .shut_mask = (uint8_t)(all_zones(st) & ~(st->used_mask & ~st->verified)),
	    .verify_mask = verify_zones,
	    /* A zone that had air proves its valve opens with a puff; a
	     * skipped zone never gets one. */
	    .pulse_mask = (uint8_t)(verify_zones & st->used_mask & ~st->verified),
	    .final = true,
	    .trust_sensor = trust && st->has_sensor,
	    .vent_ms = vent_ms,
	    .timed_ms = timed_ms,
	    .residual_mmhg = safety_residual_mmhg(st->limits),
	};
	vent_begin(&st->vent, &plan, now_ms);
	st->vent_active = true;
	set_outputs(st, &st->vent.out, now_ms);
}

/* Run the station's vent one tick.  Returns its status; when it ends the
 * outputs are every one de-energised. */
static enum vent_status step_vent(struct station *st, uint64_t now_ms,
                                  const struct pressure_reading *r)
{
	enum vent_status vs;

	if (!st->vent_active)
		return VENT_DONE;
	vs = vent_step(&st->vent, now_ms, r);
	if (vs == VENT_BUSY) {
		set_outputs(st, &st->vent.out, now_ms);
		return vs;
	}
	st->vent_active = false;
	if (vs == VENT_DONE) {
		st->verified |= st->vent.verified;
		session_mark_verified(&st->session, st->vent.verified);
		set_safe(st, now_ms);
	} else {
		set_outputs(st, &st->vent.out, now_ms); /* exhaust open, zones open */
	}
	return vs;
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
	st->used_mask = all_zones(st);
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
unsigned int station_flow_timeout_s(const struct station *st)
{
	/* Strapping in takes longer than answering questions. */
	if (st->state == STATION_READY && st->limits->boots_on_timeout_s)
		return st->limits->boots_on_timeout_s;
	return st->limits->idle_timeout_s;
}

static void tick_member_flow(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                             const struct event_sink *sink)
{
	unsigned int limit_s = station_flow_timeout_s(st);

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
	st->elapsed_final_ms = station_elapsed_ms(st, now_ms);
	st->session_active = false;
	st->last_stop = reason;
	station_emit(st, sink,
	             reason == STOP_COMPLETED ? EVENT_SESSION_COMPLETED : EVENT_SESSION_STOPPED,
	             reason, now_ms);
	if (reason == STOP_FAULT) {
		station_set_state(st, STATION_FAULT, now_ms);
		return;
	}
	station_vent_then(st, STATION_NEEDS_CLEANING, now_ms);
}

static void enter_running(struct station *st, uint64_t now_ms)
{
	if (st->sealing) {
		vent_begin_seal_check(&st->vent, st->zone_count, now_ms);
		st->vent_active = true;
		set_outputs(st, &st->vent.out, now_ms);
		return;
	}
	set_outputs(st, &st->session.out, now_ms);
}

static void start_clock(struct station *st, uint64_t now_ms)
{
	st->clock_started = true;
	st->clock_start_ms = now_ms;
	st->paused_at_clock_ms = st->paused_total_ms;
}

/* The zone being puffed or read alone, by the station's vent or the
 * session's release, or -1. */
static int puffed_zone(const struct station *st)
{
	const struct vent *v = st->vent_active ? &st->vent : NULL;

	if (v == NULL && st->state == STATION_RUNNING)
		v = session_release(&st->session);
	return v != NULL ? vent_reading_zone(v) : -1;
}

static void tick_running(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                         const struct event_sink *sink)
{
	uint64_t ran = run_ms(st, now_ms);
	/* The final vent fits in the allowance too. */
	uint64_t warmup = SAFETY_WARMUP_ALLOWANCE_MS - SAFETY_VENT_MAX_MS;
	uint64_t limit = (uint64_t)st->duration_s * 1000u + warmup;
	struct session_result res;

	if (limit > station_session_cap_ms(st))
		limit = station_session_cap_ms(st);
	/* Time under pressure is bounded whatever the commands: the clock
	 * starts at the first cycle at pressure or when the warm-up allowance
	 * is used up, and no session runs past duration + allowance. */
	if (!st->clock_started && ran >= warmup)
		start_clock(st, now_ms);
	if ((st->clock_started &&
	     station_elapsed_ms(st, now_ms) >= (uint64_t)st->duration_s * 1000u) ||
	    ran >= limit) {
		station_end_session(st, STOP_COMPLETED, now_ms, sink);
		return;
	}
	if (st->sealing) {
		/* Before any zone gets air: every valve must close. */
		enum vent_status vs = vent_step(&st->vent, now_ms, r);

		if (vs == VENT_BUSY) {
			set_outputs(st, &st->vent.out, now_ms);
			return;
		}
		st->sealing = false;
		st->vent_active = false;
		if (vs == VENT_FAULT) {
			station_fault(st, st->vent.fault, -1, now_ms, sink);
			return;
		}
		session_restart_cycle(&st->session, now_ms);
		set_outputs(st, &st->session.out, now_ms);
		return;
	}
	session_step(&st->session, now_ms, st->has_sensor ? r : NULL, &res);
	if (res.reached && !st->clock_started)
		start_clock(st, now_ms);
	if (res.fault != FAULT_NONE) {
		station_fault(st, res.fault, res.fault_zone, now_ms, sink);
		return;
	}
	set_outputs(st, &st->session.out, now_ms);
}

static void enter_paused(struct station *st, uint64_t now_ms)
{
	st->pause_since_ms = now_ms;
	st->pause_vented_ms = 0;
	/* Everything vents and is verified, the skipped zones shut until the
	 * manifold is down: a paused member is not under pressure. */
	station_begin_vent(st, now_ms, all_zones(st), true);
}

static void tick_paused(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                        const struct event_sink *sink)
{
	bool venting = st->vent_active;

	if (step_vent(st, now_ms, r) == VENT_FAULT) {
		station_fault(st, st->vent.fault, st->vent.fault_zone, now_ms, sink);
		return;
	}
	if (venting && !st->vent_active)
		st->pause_vented_ms = now_ms;
	if (station_paused_ms(st, now_ms) >= (uint64_t)st->limits->max_pause_s * 1000u)
		station_end_session(st, STOP_PAUSE_LIMIT, now_ms, sink);
}

static void exit_paused(struct station *st, uint64_t now_ms)
{
	st->vent_active = false;
	if (st->pause_vented_ms != 0)
		st->paused_total_ms += now_ms - st->pause_vented_ms;
	st->pause_used_ms += now_ms - st->pause_since_ms;
	/* Frozen at the pause for the final elapsed time. */
	st->pause_since_ms = now_ms;
}

void station_vent_then(struct station *st, enum station_state after, uint64_t now_ms)
{
	st->after_vent = after;
	station_set_state(st, STATION_VENTING, now_ms);
}

static void enter_venting(struct station *st, uint64_t now_ms)
{
	station_begin_vent(st, now_ms, all_zones(st), true);
}

static void tick_venting(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                         const struct event_sink *sink)
{
	switch (step_vent(st, now_ms, r)) {
	case VENT_BUSY:
		break;
	case VENT_FAULT:
		station_fault(st, st->vent.fault, st->vent.fault_zone, now_ms, sink);
		break;
	case VENT_DONE:
		/* Free only when every zone was read at or below the residual
		 * (or, without a sensor, after the timed vent). */
		station_set_state(st, st->after_vent, now_ms);
		break;
	}
}

static void exit_venting(struct station *st, uint64_t now_ms)
{
	(void)now_ms;
	st->vent_active = false;
}

static void enter_safe(struct station *st, uint64_t now_ms)
{
	set_safe(st, now_ms);
}

static void enter_fault(struct station *st, uint64_t now_ms)
{
	station_wipe_screening(st);
	/* Vent at once, the skipped zones shut until the manifold is down; on
	 * a sensor that may be the fault, for a fixed time.  Nothing is
	 * verified here: that is the reset's job. */
	station_begin_vent(st, now_ms, 0, !station_fault_blames_sensor(st->fault));
}

static void tick_fault(struct station *st, uint64_t now_ms, const struct pressure_reading *r,
                       const struct event_sink *sink)
{
	(void)sink;
	/* A vent that fails in a fault (the boots cannot let their air out)
	 * ends open all the same, except the member's skipped zones: opened
	 * now they would share the air that is still in the others.  They
	 * stay shut until a reset verifies every zone. */
	if (st->vent_active && step_vent(st, now_ms, r) == VENT_FAULT) {
		struct station_outputs out = station_outputs_safe(st->zone_count);

		out.zones_open &= st->used_mask;
		set_outputs(st, &out, now_ms);
	}
}

static void exit_fault(struct station *st, uint64_t now_ms)
{
	(void)now_ms;
	st->vent_active = false;
	st->fault = FAULT_NONE;
	st->fault_zone = -1;
}

static const struct state_ops state_table[STATION_STATE_COUNT] = {
    [STATION_IDLE] = {.enter = enter_idle},
    [STATION_SETUP] = {.enter = enter_member_flow, .tick = tick_member_flow},
    [STATION_SCREENING] = {.enter = enter_screening, .tick = tick_member_flow},
    [STATION_READY] = {.enter = enter_member_flow, .tick = tick_member_flow},
    [STATION_RUNNING] = {.enter = enter_running, .tick = tick_running},
    [STATION_PAUSED] = {.enter = enter_paused, .tick = tick_paused, .exit = exit_paused},
    [STATION_VENTING] = {.enter = enter_venting, .tick = tick_venting, .exit = exit_venting},
    [STATION_NEEDS_CLEANING] = {.enter = enter_safe},
    [STATION_FAULT] = {.enter = enter_fault, .tick = tick_fault, .exit = exit_fault},
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

void station_fault(struct station *st, enum fault_code fault, int zone, uint64_t now_ms,
                   const struct event_sink *sink)
{
	if (st->state == STATION_FAULT)
		return;
	/* Zones that had air may still hold it. */
	if (st->session_active)
		st->verified &= (uint8_t)~st->session.aired;
	st->fault = fault;
	st->fault_zone = zone;
	/* Vent first (entering FAULT does), tell afterwards. */
	if (st->session_active)
		station_end_session(st, STOP_FAULT, now_ms, sink);
	else
		station_set_state(st, STATION_FAULT, now_ms);
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
	st->has_safety_sensor = ctx->station->pins.safety_sensor != SENSOR_NONE;
	st->fault_zone = -1;
	/* The unpowered hardware vents every zone: at start-up they are taken
	 * as vented (docs/SAFETY.md). */
	st->verified = (uint8_t)((1u << zones) - 1u);
	st->out = station_outputs_safe(zones);
	safety_init(&st->safety, st->has_sensor, st->has_safety_sensor, now_ms, &st->out);
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
		station_fault(st, FAULT_STOP_BUTTON, -1, now_ms, sink);
		st->button_fault = true;
	} else if (st->state == STATION_RUNNING || st->state == STATION_PAUSED) {
		station_end_session(st, STOP_BUTTON, now_ms, sink);
	}
}

/* What this tick's reading says about each zone, with the valves as they
 * were when it was taken. */
static void see_zones(struct station *st, const struct station_inputs *in)
{
	const struct pressure_reading *r = &in->pressure;
	uint8_t open = st->out.zones_open;
	bool alone = !st->out.exhaust_open && open != 0 && (open & (open - 1u)) == 0;

	if (in->safety.status == PRESSURE_OK)
		st->safety_mmhg = in->safety.mmhg;
	if (!st->has_sensor || r->status != PRESSURE_OK)
		return;
	st->manifold_mmhg = r->mmhg;
	for (size_t k = 0; k < st->zone_count; k++) {
		if (!(open & (1u << k))) {
			if (st->zone_reading[k] == ZONE_READING_MEASURED)
				st->zone_reading[k] = ZONE_READING_ESTIMATED;
			continue;
		}
		/* One zone alone on a shut manifold: the reading is that zone's.
		 * Shared, or draining through the exhaust: an estimate. */
		st->zone_mmhg[k] = r->mmhg;
		st->zone_reading[k] = alone ? ZONE_READING_MEASURED : ZONE_READING_ESTIMATED;
	}
}

static bool open_to_air(const struct station *st)
{
	return st->has_sensor && st->out.exhaust_open && !st->out.pump_on &&
	       (st->out.zones_open & (uint8_t)~st->verified) == 0;
}

void station_tick(struct station *st, uint64_t now_ms, const struct station_inputs *in,
                  struct station_outputs *out, const struct event_sink *sink)
{
	static const struct station_inputs none = {
	    .pressure = {.status = PRESSURE_ABSENT},
	    .safety = {.status = PRESSURE_ABSENT},
	    .pump_sense = -1,
	};
	struct safety_inputs si;
	enum fault_code fault;
	const struct state_ops *ops;
	int zone = -1;

	if (in == NULL)
		in = &none;
	if (!st->ticked) {
		st->ticked = true;
		st->first_tick_ms = now_ms;
	}
	read_button(st, now_ms, in->stop_button, sink);
	st->pump_running = in->pump_sense == 1;
	see_zones(st, in);
	if (st->session_active)
		st->verified &= (uint8_t)~st->session.aired;

	/* The supervisor first, independent of what the session wants. */
	si = (struct safety_inputs){.pressure = in->pressure,
	                            .safety = in->safety,
	                            .pump_sense = in->pump_sense,
	                            .open_to_air = open_to_air(st)};
	fault = safety_check(&st->safety, st->limits, now_ms, &si, &st->out);
	if (fault == FAULT_BLOCKED_HOSE && (zone = puffed_zone(st)) >= 0)
		fault = FAULT_ZONE_STUCK_CLOSED; /* the zone did not take its puff */
	if (fault != FAULT_NONE && st->state != STATION_FAULT &&
	    st->state != STATION_OUT_OF_SERVICE) {
		station_fault(st, fault, fault == FAULT_ZONE_STUCK_CLOSED ? zone : -1, now_ms,
		              sink);
	} else {
		ops = &state_table[st->state];
		if (ops->tick != NULL)
			ops->tick(st, now_ms, &in->pressure, sink);
	}
	if (out != NULL)
		*out = st->out;
}

bool station_quiet(const struct station *st)
{
	struct station_outputs safe = station_outputs_safe(st->zone_count);

	if (st->session_active || st->state == STATION_VENTING || st->vent_active)
		return false;
	return st->out.pump_on == safe.pump_on && st->out.exhaust_open == safe.exhaust_open &&
	       st->out.zones_open == safe.zones_open;
}

void station_hardware_failed(struct station *st, uint64_t now_ms, const struct event_sink *sink)
{
	station_fault(st, FAULT_HARDWARE, -1, now_ms, sink);
}

void station_raise_fault(struct station *st, enum fault_code fault, uint64_t now_ms,
                         const struct event_sink *sink)
{
	if (fault == FAULT_NONE || fault >= FAULT_CODE_COUNT)
		return;
	station_fault(st, fault, -1, now_ms, sink);
}

void station_current_outputs(const struct station *st, struct station_outputs *out)
{
	*out = st->out;
}

enum station_state station_state(const struct station *st)
{
	return st->state;
}

static void copy_note(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void station_restore(struct station *st, const struct station_service *sv, uint64_t now_ms)
{
	if (sv == NULL)
		return;
	st->boots_used = sv->needs_cleaning;
	if (sv->fault != FAULT_NONE && (unsigned int)sv->fault < FAULT_CODE_COUNT) {
		st->fault = sv->fault;
		station_set_state(st, STATION_FAULT, now_ms);
		st->fault = sv->fault;
	} else if (sv->out_of_service) {
		station_set_state(st, STATION_OUT_OF_SERVICE, now_ms);
		copy_note(st->service_note, sizeof(st->service_note), sv->note);
		copy_note(st->service_by, sizeof(st->service_by), sv->by);
	} else if (sv->needs_cleaning) {
		station_set_state(st, STATION_NEEDS_CLEANING, now_ms);
	}
}

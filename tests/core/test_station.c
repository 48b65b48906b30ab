/* SPDX-License-Identifier: MIT */
/* Station state machine: screening enforcement, session flow and timing, on
 * a tiny deterministic model with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "core/safety.h"
#include "core/vent.h"

#define TICK_MS 20u

static bool outputs_safe(const struct station_outputs *o, size_t zones)
{
	struct station_outputs safe = station_outputs_safe(zones);

	return o->pump_on == safe.pump_on && o->exhaust_open == safe.exhaust_open &&
	       o->zones_open == safe.zones_open;
}

/* Venting now: pump off, exhaust open, and every zone that holds air (the
 * model's truth) open to it; an empty (or skipped) zone may stay shut. */
static bool venting(const struct station_outputs *o, const struct rig *r)
{
	if (o->pump_on || !o->exhaust_open)
		return false;
	for (size_t k = 0; k < r->model.zone_count; k++) {
		if (r->model.zone_mmhg[k] > r->cfg.limits.residual_mmhg &&
		    !(o->zones_open & (1u << k)))
			return false;
	}
	return true;
}

static void answer(struct rig *r, unsigned int q, bool yes, enum command_status want)
{
	struct command c = fixture_cmd(CMD_ANSWER);

	c.question = q;
	c.yes = yes;
	assert_int_equal(rig_cmd(r, &c), want);
}

static void select_program(struct rig *r, unsigned int idx)
{
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);

	c.program_index = idx;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
}

static struct station_snapshot snap(struct rig *r)
{
	struct station_snapshot s;

	station_snapshot(r->st, r->now_ms, &s);
	return s;
}

static void test_station_starts_idle_with_safe_outputs(void **state)
{
	struct rig *r = rig_new(6, true);

	(void)state;
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_true(outputs_safe(&r->out, 6));
	rig_run_ms(r, 1000);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_true(outputs_safe(&r->out, 6));
	assert_int_equal(r->rec.count, 0);
	rig_free(r);
}

/* ---- screening (issue 4) ------------------------------------------------ */

static void test_station_start_refused_without_screening(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, 1, false, CMD_OK);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	answer(r, 2, false, CMD_OK);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	assert_int_equal(station_state(r->st), STATION_SCREENING);
	answer(r, 3, true, CMD_OK);
	assert_int_equal(station_state(r->st), STATION_READY);
	assert_int_equal(rig_do(r, CMD_START), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_RUNNING);
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_STARTED, NULL), 1);
	rig_free(r);
}

static void test_station_absolute_yes_blocks_without_override(void **state)
{
	struct rig *r = rig_new(4, true);
	struct command c = fixture_cmd(CMD_STAFF_APPROVE);
	struct station_snapshot s;

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, FIXTURE_Q_ABS, true, CMD_OK);
	s = snap(r);
	assert_int_equal(s.state, STATION_SCREENING);
	assert_int_equal(s.screening_view, SCREENING_VIEW_BLOCKED);
	/* Nothing gets past a block: no more answers, no back, no PIN. */
	answer(r, 1, false, CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_SCREENING_BACK), CMD_ERR_BAD_STATE);
	snprintf(c.pin, sizeof(c.pin), "%s", FIXTURE_STAFF_PIN);
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_STATE);
	c.pin[0] = '\0';
	assert_int_equal(station_command_pin_checked(r->st, &c, true, r->now_ms, &r->sink),
	                 CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	assert_int_equal(recorder_count(&r->rec, EVENT_SCREENING_APPROVED, NULL), 0);
	assert_true(outputs_safe(&r->out, 4));
	/* Cancel goes back to idle; a new try starts from the first question. */
	assert_int_equal(rig_do(r, CMD_CANCEL), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	s = snap(r);
	assert_int_equal(s.screening_index, 0);
	assert_int_equal(s.screening_view, SCREENING_VIEW_ASKING);
	rig_free(r);
}

static void test_station_absolute_yes_late_in_list_blocks(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, 1, true, CMD_OK); /* relative */
	answer(r, 2, true, CMD_OK); /* absolute: beats the relative one */
	assert_int_equal(snap(r).screening_view, SCREENING_VIEW_BLOCKED);
	{
		struct command c = fixture_cmd(CMD_STAFF_APPROVE);

		assert_int_equal(station_command_pin_checked(r->st, &c, true, r->now_ms, &r->sink),
		                 CMD_ERR_BAD_STATE);
	}
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	rig_free(r);
}

static void test_station_relative_yes_needs_staff_pin(void **state)
{
	struct rig *r = rig_new(4, true);
	struct command c = fixture_cmd(CMD_STAFF_APPROVE);
	const struct kiosk_event *ev = NULL;

	(void)state;
	select_program(r, FIXTURE_GRADIENT);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, FIXTURE_Q_REL, true, CMD_OK);
	answer(r, 2, false, CMD_OK);
	answer(r, 3, true, CMD_OK);
	assert_int_equal(station_state(r->st), STATION_SCREENING);
	assert_int_equal(snap(r).screening_view, SCREENING_VIEW_NEEDS_APPROVAL);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);

	snprintf(c.pin, sizeof(c.pin), "%s", "1111");
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_PIN);
	assert_int_equal(station_state(r->st), STATION_SCREENING);
	/* The PIN is only accepted at the kiosk. */
	snprintf(c.pin, sizeof(c.pin), "%s", FIXTURE_STAFF_PIN);
	c.source = SOURCE_MQTT;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_STATE);
	c.source = SOURCE_UI;
	/* The caller's verdict decides, not the text of the PIN. */
	assert_int_equal(station_command_pin_checked(r->st, &c, false, r->now_ms, &r->sink),
	                 CMD_ERR_BAD_PIN);
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_READY);

	assert_int_equal(recorder_count(&r->rec, EVENT_SCREENING_APPROVED, &ev), 1);
	assert_non_null(ev);
	assert_int_equal(ev->station, 0);
	assert_string_equal(ev->program_id, "gradient");
	assert_int_equal(ev->reason, STOP_NONE);
	assert_int_equal(ev->fault, FAULT_NONE);
	assert_int_equal(rig_do(r, CMD_START), CMD_OK);
	rig_free(r);
}

static void test_station_relative_yes_blocks_until_approved(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, 1, true, CMD_OK);
	answer(r, 2, false, CMD_OK);
	answer(r, 3, true, CMD_OK);
	/* Without a PIN the flow never goes on, and times out to idle. */
	assert_true(rig_run_until_state(r, STATION_IDLE, 91000));
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	assert_int_equal(recorder_count(&r->rec, EVENT_SCREENING_APPROVED, NULL), 0);
	rig_free(r);
}

static void test_station_refused_acknowledgement_blocks(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, 1, false, CMD_OK);
	answer(r, 2, false, CMD_OK);
	answer(r, FIXTURE_Q_ACK, false, CMD_OK);
	assert_int_equal(snap(r).screening_view, SCREENING_VIEW_BLOCKED);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	rig_free(r);
}

static void test_station_answers_only_in_order(void **state)
{
	struct rig *r = rig_new(4, true);

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 1, false, CMD_ERR_BAD_ARGUMENT);
	answer(r, 3, true, CMD_ERR_BAD_ARGUMENT);
	answer(r, 0, false, CMD_OK);
	answer(r, 0, false, CMD_ERR_BAD_ARGUMENT);
	assert_int_equal(snap(r).screening_index, 1);
	/* Back undoes the last answer. */
	assert_int_equal(rig_do(r, CMD_SCREENING_BACK), CMD_OK);
	assert_int_equal(snap(r).screening_index, 0);
	/* Back from the first question returns to the program choice. */
	assert_int_equal(rig_do(r, CMD_SCREENING_BACK), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_SETUP);
	rig_free(r);
}

static void test_station_screening_refused_over_mqtt(void **state)
{
	struct rig *r = rig_new(4, true);
	struct command c;

	(void)state;
	select_program(r, FIXTURE_PULSE);
	c = fixture_cmd(CMD_BEGIN_SCREENING);
	c.source = SOURCE_MQTT;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	c = fixture_cmd(CMD_ANSWER);
	c.source = SOURCE_MQTT;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_STATE);
	assert_int_equal(snap(r).screening_index, 0);
	rig_free(r);
}

static void test_station_idle_timeout_wipes_and_returns_to_idle(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_snapshot s;

	(void)state;
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	answer(r, 0, false, CMD_OK);
	answer(r, 1, false, CMD_OK);
	/* A touch keeps the flow alive. */
	rig_run_ms(r, 80000);
	assert_int_equal(rig_do(r, CMD_TOUCH), CMD_OK);
	rig_run_ms(r, 80000);
	assert_int_equal(station_state(r->st), STATION_SCREENING);
	s = snap(r);
	assert_int_equal(s.screening_index, 2);
	assert_true(s.idle_left_s > 0 && s.idle_left_s <= 10);
	/* Then nothing for the time-out: back to idle with nothing kept. */
	assert_true(rig_run_until_state(r, STATION_IDLE, 11000));
	s = snap(r);
	assert_int_equal(s.screening_index, 0);
	assert_int_equal(s.program_index, -1);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	select_program(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	assert_int_equal(snap(r).screening_index, 0);
	/* READY (boots on) has its own, longer time-out: strapping in may take
	 * 4 minutes, but a passed screening does not wait for ever. */
	assert_int_equal(rig_do(r, CMD_CANCEL), CMD_OK);
	rig_to_ready(r, FIXTURE_PULSE);
	rig_run_ms(r, 240000);
	assert_int_equal(station_state(r->st), STATION_READY);
	s = snap(r);
	assert_true(s.idle_left_s > 0 && s.idle_left_s <= 60);
	assert_true(rig_run_until_state(r, STATION_IDLE, 61000));
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	rig_free(r);
}

static void test_station_second_session_asks_again(void **state)
{
	struct rig *r = rig_new(3, true);
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	rig_run_ms(r, 5000);
	assert_int_equal(rig_do(r, CMD_STOP), CMD_OK);
	assert_true(rig_run_until_state(r, STATION_NEEDS_CLEANING, 5000));
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_CLEANED), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	c.program_index = FIXTURE_PULSE;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	assert_int_equal(snap(r).screening_index, 0);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_NOT_SCREENED);
	rig_free(r);
}

/* ---- choices ------------------------------------------------------------ */

static void test_station_select_checks_ranges(void **state)
{
	struct rig *r = rig_new(4, true);
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);
	struct station_snapshot s;

	(void)state;
	c.program_index = FIXTURE_PROGRAM_COUNT;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	c.program_index = FIXTURE_PULSE;
	c.duration_s = 5u * 60u; /* under the program's 10 min */
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	c.duration_s = 31u * 60u;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	c.duration_s = 0;
	c.target_mmhg = 60.0; /* over the program's 55 */
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	c.target_mmhg = 0.0;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	s = snap(r);
	assert_int_equal(s.state, STATION_SETUP);
	assert_int_equal(s.duration_s, 20u * 60u);
	assert_true(s.target_mmhg == 40.0);

	c = fixture_cmd(CMD_ADJUST);
	c.duration_s = 15u * 60u;
	c.target_mmhg = 45.0;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	s = snap(r);
	assert_int_equal(s.duration_s, 15u * 60u);
	assert_true(s.target_mmhg == 45.0);
	/* Never above the ceiling, whatever the program allows. */
	r->programs.items[FIXTURE_PULSE].intensity_max_mmhg = 150.0;
	c.duration_s = 0;
	c.target_mmhg = 101.0;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	assert_true(snap(r).target_mmhg == 45.0);
	r->cfg.limits.ceiling_mmhg = 200.0; /* a config cannot pass the compiled one */
	c.target_mmhg = KIOSK_COMPILED_CEILING_MMHG + 1.0;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	/* And never longer than the session limit. */
	r->cfg.limits.max_session_s = 12u * 60u;
	c.target_mmhg = 0.0;
	c.duration_s = 13u * 60u;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	rig_free(r);
}

/* ---- session ------------------------------------------------------------ */

/* Records, per tick, which zone is being filled (pump on, exhaust shut). */
struct fill_log {
	int order[64];
	size_t count;
};

static void log_fill(struct fill_log *log, const struct station_outputs *o)
{
	int zone = -1;

	/* A fill: the pump into one zone (not the seal check's puff into the
	 * shut manifold). */
	if (!o->pump_on || o->exhaust_open || o->zones_open == 0)
		return;
	for (int k = 0; k < STATION_MAX_ZONES; k++) {
		if (o->zones_open & (1u << k)) {
			assert_int_equal(zone, -1); /* one zone at a time */
			zone = k;
		}
	}
	assert_true(zone >= 0);
	if (log->count == 0 || log->order[log->count - 1] != zone) {
		assert_true(log->count < 64);
		log->order[log->count++] = zone;
	}
}

static void test_station_sequential_pulse_fills_foot_to_thigh(void **state)
{
	struct rig *r = rig_new(5, true);
	struct fill_log log = {0};
	bool held_alone = false;

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	while (log.count < 10 && station_state(r->st) == STATION_RUNNING) {
		struct station_snapshot s;

		rig_tick(r);
		log_fill(&log, &r->out);
		s = snap(r);
		/* A pulse holds one zone while the others are empty. */
		if (s.phase == PHASE_HOLD) {
			int filled = 0;

			for (size_t k = 0; k < 5; k++)
				filled += r->model.zone_mmhg[k] > 10.0;
			assert_int_equal(filled, 1);
			held_alone = true;
		}
	}
	assert_int_equal(station_state(r->st), STATION_RUNNING);
	assert_true(held_alone);
	for (size_t i = 0; i < log.count; i++)
		assert_int_equal(log.order[i], (int)(i % 5));
	rig_free(r);
}

static void test_station_gradient_hold_keeps_lower_zones(void **state)
{
	struct rig *r = rig_new(4, true);
	struct fill_log log = {0};
	struct station_snapshot s;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	do {
		rig_tick(r);
		log_fill(&log, &r->out);
		s = snap(r);
	} while (s.phase != PHASE_HOLD);
	assert_int_equal(log.count, 4);
	for (size_t k = 0; k < 4; k++) {
		assert_int_equal(log.order[k], (int)k);
		/* Every zone holds near its (warm-up) target, graded up the leg. */
		assert_true(r->model.zone_mmhg[k] >= s.zone_target_mmhg[k]);
		assert_true(r->model.zone_mmhg[k] < s.zone_target_mmhg[k] + 1.0);
		assert_true(s.zone_mmhg[k] >= s.zone_target_mmhg[k]);
	}
	assert_true(s.zone_target_mmhg[0] > s.zone_target_mmhg[3]);
	assert_true(s.zone_target_mmhg[0] == 50.0 * 0.8); /* warm-up cycle */
	assert_false(r->out.pump_on);
	assert_int_equal(r->out.zones_open, 0);
	/* Hold, then release everything together. */
	rig_run_ms(r, 5000);
	assert_true(r->out.exhaust_open);
	assert_int_equal(r->out.zones_open, 0x0f);
	rig_free(r);
}

static void test_station_skipped_zone_never_fills(void **state)
{
	struct rig *r = rig_new(4, true);
	struct fill_log log = {0};

	(void)state;
	rig_start(r, FIXTURE_SKIP);
	for (int i = 0; i < 3000 && station_state(r->st) == STATION_RUNNING; i++) {
		rig_tick(r);
		log_fill(&log, &r->out);
		assert_true(r->model.zone_mmhg[1] == 0.0);
	}
	assert_true(log.count >= 6);
	static const int order[3] = {0, 2, 3};

	for (size_t i = 0; i < log.count; i++)
		assert_int_equal(log.order[i], order[i % 3]);
	rig_free(r);
}

static void test_station_clock_starts_when_first_cycle_at_pressure(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_snapshot s;
	uint64_t started;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	started = r->now_ms;
	do {
		s = snap(r);
		if (s.active_zone < 3 || s.phase != PHASE_HOLD) {
			assert_false(s.clock_started);
			assert_int_equal(s.elapsed_s, 0);
			assert_int_equal(s.remaining_s, 25u * 60u);
		}
		rig_tick(r);
		s = snap(r);
	} while (s.phase == PHASE_FILL);
	assert_true(s.clock_started);
	assert_true(r->now_ms - started > 4000);
	rig_run_ms(r, 10000);
	s = snap(r);
	assert_int_equal(s.elapsed_s, 10);
	assert_int_equal(s.remaining_s, 25u * 60u - 10u);
	rig_free(r);
}

static uint64_t run_to_clock_start(struct rig *r)
{
	struct station_snapshot s;

	do {
		rig_tick(r);
		s = snap(r);
	} while (!s.clock_started);
	return r->now_ms;
}

static void test_station_session_ends_within_one_tick(void **state)
{
	struct rig *r = rig_new(6, true);
	const struct kiosk_event *ev = NULL;
	uint64_t clock0, end;

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	clock0 = run_to_clock_start(r);
	assert_true(rig_run_until_state(r, STATION_VENTING, 21u * 60u * 1000u));
	end = r->now_ms;
	assert_true(end >= clock0 + 20u * 60u * 1000u);
	assert_true(end <= clock0 + 20u * 60u * 1000u + TICK_MS);
	assert_true(venting(&r->out, r));
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_COMPLETED, &ev), 1);
	assert_int_equal(ev->elapsed_s, 20u * 60u);
	assert_int_equal(ev->duration_s, 20u * 60u);
	assert_int_equal(ev->reason, STOP_COMPLETED);
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_STOPPED, NULL), 0);
	/* Vent and read every zone down (within vent_ms), then wait for
	 * cleaning, then idle. */
	assert_true(rig_run_until_state(r, STATION_NEEDS_CLEANING, 3100 + VENT_FLUSH_MS));
	assert_true(snap(r).zones_verified);
	for (size_t k = 0; k < 6; k++)
		assert_true(r->model.zone_mmhg[k] <= r->cfg.limits.residual_mmhg);
	assert_true(outputs_safe(&r->out, 6));
	rig_run_ms(r, 60000);
	assert_int_equal(station_state(r->st), STATION_NEEDS_CLEANING);
	assert_int_equal(rig_do(r, CMD_CLEANED), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_int_equal(recorder_count(&r->rec, EVENT_CLEANED, NULL), 1);
	rig_free(r);
}

static void test_station_stop_vents_at_once(void **state)
{
	struct rig *r = rig_new(6, true);
	struct station_outputs o;
	const struct kiosk_event *ev = NULL;
	struct command c = fixture_cmd(CMD_STOP);

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	rig_run_ms(r, 3000);
	assert_true(r->out.pump_on);
	c.source = SOURCE_MQTT;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	/* No tick needed: the outputs the controller applies next vent. */
	station_current_outputs(r->st, &o);
	assert_true(venting(&o, r));
	assert_int_equal(station_state(r->st), STATION_VENTING);
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_STAFF);
	assert_int_equal(snap(r).last_stop, STOP_STAFF);
	rig_free(r);
}

static void test_station_symptom_stop_reason(void **state)
{
	struct rig *r = rig_new(4, true);
	const struct kiosk_event *ev = NULL;
	struct station_outputs o;

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	rig_run_ms(r, 2000);
	assert_int_equal(rig_do(r, CMD_SYMPTOM_STOP), CMD_OK);
	station_current_outputs(r->st, &o);
	assert_true(venting(&o, r));
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_SYMPTOM);
	rig_free(r);
}

static void test_station_pause_vents_and_freezes_clock(void **state)
{
	struct rig *r = rig_new(4, true);
	struct station_snapshot s;
	struct station_outputs o;
	struct fill_log log = {0};

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	run_to_clock_start(r);
	rig_run_ms(r, 30000);
	while (snap(r).active_zone != 2)
		rig_tick(r);
	assert_int_equal(rig_do(r, CMD_PAUSE), CMD_OK);
	station_current_outputs(r->st, &o);
	assert_true(venting(&o, r));
	/* The clock stops once every zone reads down: until then the boots
	 * still squeeze. */
	while (!snap(r).zones_verified) {
		assert_int_equal(station_state(r->st), STATION_PAUSED);
		assert_true(r->now_ms < 1000000u);
		rig_tick(r);
	}
	s = snap(r);
	assert_int_equal(s.state, STATION_PAUSED);
	assert_true(outputs_safe(&r->out, 4));
	rig_run_ms(r, 60000);
	assert_int_equal(snap(r).elapsed_s, s.elapsed_s);
	assert_int_equal(snap(r).pause_left_s, s.pause_left_s - 60);
	for (size_t k = 0; k < 4; k++)
		assert_true(r->model.zone_mmhg[k] == 0.0);
	/* Resume starts the cycle again at the foot. */
	assert_int_equal(rig_do(r, CMD_RESUME), CMD_OK);
	for (int i = 0; i < 50; i++) {
		rig_tick(r);
		log_fill(&log, &r->out);
	}
	assert_true(log.count >= 1);
	assert_int_equal(log.order[0], 0);
	rig_free(r);
}

static void test_station_pause_limit_stops_session(void **state)
{
	struct rig *r = rig_new(4, true);
	const struct kiosk_event *ev = NULL;
	uint64_t paused;

	(void)state;
	rig_start(r, FIXTURE_PULSE);
	rig_run_ms(r, 5000);
	assert_int_equal(rig_do(r, CMD_PAUSE), CMD_OK);
	paused = r->now_ms;
	assert_true(rig_run_until_state(r, STATION_VENTING, 301000));
	assert_true(r->now_ms - paused >= 300000);
	assert_true(r->now_ms - paused <= 300000 + TICK_MS);
	assert_int_equal(recorder_count(&r->rec, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_PAUSE_LIMIT);
	/* The pause time is for the whole session, not per pause. */
	rig_free(r);
	r = rig_new(4, true);
	rig_start(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_PAUSE), CMD_OK);
	rig_run_ms(r, 200000);
	assert_int_equal(rig_do(r, CMD_RESUME), CMD_OK);
	rig_run_ms(r, 10000);
	assert_int_equal(rig_do(r, CMD_PAUSE), CMD_OK);
	assert_true(rig_run_until_state(r, STATION_VENTING, 101000));
	rig_free(r);
}

static void test_station_session_capped_by_limit(void **state)
{
	struct rig *r = rig_new(4, true);
	uint64_t started;

	(void)state;
	r->cfg.limits.max_session_s = 20u * 60u;
	rig_start(r, FIXTURE_PULSE); /* 20 min + the first cycle before the clock */
	started = r->now_ms;
	assert_true(rig_run_until_state(r, STATION_VENTING, 21u * 60u * 1000u));
	assert_true(r->now_ms - started <= 20u * 60u * 1000u + TICK_MS);
	rig_free(r);
}

static void test_station_without_sensor_fills_on_time(void **state)
{
	struct rig *r = rig_new(3, false);
	uint64_t t0;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	assert_true(r->out.pump_on);
	assert_int_equal(r->out.zones_open, 1);
	t0 = r->now_ms;
	while (r->out.zones_open == 1)
		rig_tick(r);
	/* open_loop_fill_ms asks 3000: the compiled cap gives 1800. */
	assert_int_equal(r->now_ms - t0, SAFETY_OPEN_LOOP_FILL_MAX_MS);
	assert_int_equal(r->out.zones_open, 2);
	assert_false(snap(r).has_sensor);
	rig_free(r);
}

static void test_station_zone_pressure_seen_only_when_open(void **state)
{
	struct rig *r = rig_new(3, true);
	struct station_snapshot s;

	(void)state;
	rig_start(r, FIXTURE_GRADIENT);
	while (snap(r).active_zone != 2)
		rig_tick(r);
	rig_run_ms(r, 200);
	s = snap(r);
	/* Zones 0 and 1 are shut and hold: the snapshot keeps what was last
	 * seen of them, not the manifold now filling zone 2. */
	assert_true(s.zone_mmhg[0] >= s.zone_target_mmhg[0]);
	assert_true(s.zone_mmhg[1] >= s.zone_target_mmhg[1]);
	assert_true(s.zone_mmhg[2] < s.zone_target_mmhg[2]);
	assert_true(s.manifold_mmhg == s.zone_mmhg[2]);
	rig_free(r);
}

static void test_station_service_states(void **state)
{
	struct rig *r = rig_new(3, true);
	const struct kiosk_event *ev = NULL;

	(void)state;
	assert_int_equal(rig_do(r, CMD_CLEANED), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_RESET_FAULT), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_IN_SERVICE), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_OUT_OF_SERVICE), CMD_OK);
	assert_int_equal(recorder_count(&r->rec, EVENT_OUT_OF_SERVICE, NULL), 1);
	assert_int_equal(station_state(r->st), STATION_OUT_OF_SERVICE);
	assert_int_equal(rig_do(r, CMD_SELECT_PROGRAM), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_START), CMD_ERR_BAD_STATE);
	rig_run_ms(r, 1000);
	assert_true(outputs_safe(&r->out, 3));
	assert_int_equal(rig_do(r, CMD_IN_SERVICE), CMD_OK);
	/* Every zone was read down before it went out: free at once. */
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_true(snap(r).zones_verified);
	assert_int_equal(recorder_count(&r->rec, EVENT_IN_SERVICE, &ev), 1);
	/* A running session must be stopped before the station goes out. */
	rig_start(r, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_OUT_OF_SERVICE), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_RESUME), CMD_ERR_BAD_STATE);
	assert_int_equal(rig_do(r, CMD_CLEANED), CMD_ERR_BAD_STATE);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_station_starts_idle_with_safe_outputs),
	    cmocka_unit_test(test_station_start_refused_without_screening),
	    cmocka_unit_test(test_station_absolute_yes_blocks_without_override),
	    cmocka_unit_test(test_station_absolute_yes_late_in_list_blocks),
	    cmocka_unit_test(test_station_relative_yes_needs_staff_pin),
	    cmocka_unit_test(test_station_relative_yes_blocks_until_approved),
	    cmocka_unit_test(test_station_refused_acknowledgement_blocks),
	    cmocka_unit_test(test_station_answers_only_in_order),
	    cmocka_unit_test(test_station_screening_refused_over_mqtt),
	    cmocka_unit_test(test_station_idle_timeout_wipes_and_returns_to_idle),
	    cmocka_unit_test(test_station_second_session_asks_again),
	    cmocka_unit_test(test_station_select_checks_ranges),
	    cmocka_unit_test(test_station_sequential_pulse_fills_foot_to_thigh),
	    cmocka_unit_test(test_station_gradient_hold_keeps_lower_zones),
	    cmocka_unit_test(test_station_skipped_zone_never_fills),
	    cmocka_unit_test(test_station_clock_starts_when_first_cycle_at_pressure),
	    cmocka_unit_test(test_station_session_ends_within_one_tick),
	    cmocka_unit_test(test_station_stop_vents_at_once),
	    cmocka_unit_test(test_station_symptom_stop_reason),
	    cmocka_unit_test(test_station_pause_vents_and_freezes_clock),
	    cmocka_unit_test(test_station_pause_limit_stops_session),
	    cmocka_unit_test(test_station_session_capped_by_limit),
	    cmocka_unit_test(test_station_without_sensor_fills_on_time),
	    cmocka_unit_test(test_station_zone_pressure_seen_only_when_open),
	    cmocka_unit_test(test_station_service_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

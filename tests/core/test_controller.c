/* SPDX-License-Identifier: MIT */
/*
 * The controller: safe state at create and stop, the command queue and its
 * bounds, results and events with per-reader cursors, snapshots published
 * only on change, the PIN checked off the control thread, and, with the real
 * control thread, a stop that reaches the pins well before the next tick.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "sim_rig.h"
#include "thread_rig.h"
#include "vent_check.h"

static const struct sim_station_spec sim4[2] = {
    {.zones = 4, .sensor = SENSOR_SIM},
    {.zones = 4, .sensor = SENSOR_SIM},
};

static void test_controller_create_drives_safe_state(void **state)
{
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct sim_hw *sim = sim_hw_create();
	struct gpio *gpio = sim_hw_gpio(sim);
	struct station_hw *hw[1];
	struct station_outputs busy = {.pump_on = true, .exhaust_open = false, .zones_open = 1};
	struct controller_params p;
	struct controller *c;
	char err[256];
	int level = -1;

	(void)state;
	fixture_config(&cfg, 1, 4, true);
	fixture_programs(&programs);
	fixture_screening(&screening);
	assert_int_equal(sim_hw_add_station(sim, &cfg.stations[0].pins, NULL, err, sizeof(err)), 0);
	hw[0] = station_hw_create_with(gpio, sim_hw_sensors(sim), "Station 1",
	                               &cfg.stations[0].pins, err, sizeof(err));
	assert_non_null(hw[0]);
	assert_int_equal(station_hw_apply(hw[0], &busy), 0);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 0, &level, NULL), 0);
	assert_int_equal(level, 1); /* pump energised */

	memset(&p, 0, sizeof(p));
	errno = 0;
	assert_null(controller_create(&p));
	assert_int_equal(errno, EINVAL);
	p.config = &cfg;
	p.programs = &programs;
	p.screening = &screening;
	assert_null(controller_create(&p)); /* no hardware */
	p.hw = hw;
	c = controller_create(&p);
	assert_non_null(c);
	assert_int_equal(gpio_sim_output(gpio, "gpiochip0", 0, &level, NULL), 0);
	assert_int_equal(level, 0);
	for (unsigned int line = 1; line < 6; line++) {
		assert_int_equal(gpio_sim_output(gpio, "gpiochip0", line, &level, NULL), 0);
		assert_int_equal(level, 0);
	}
	controller_destroy(c);
	controller_destroy(NULL);
	station_hw_destroy(hw[0]);
	sim_hw_destroy(sim);
}

static void test_controller_submit_checks_and_reports(void **state)
{
	struct sim_rig *r = sim_rig_new(2, sim4);
	struct command c = sim_cmd(CMD_TOUCH, 0);
	const struct kiosk_event *ev = NULL;

	(void)state;
	assert_int_equal(controller_submit(r->ctl, NULL), -EINVAL);
	c.action = CMD_ACTION_COUNT;
	assert_int_equal(controller_submit(r->ctl, &c), -EINVAL);
	c = sim_cmd(CMD_CANCEL, 7);
	snprintf(c.request_id, sizeof(c.request_id), "%s", "req-42");
	sim_submit(r, &c);
	c = sim_cmd(CMD_CLEANED, 1);
	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_count_events(r, 7, EVENT_COMMAND_RESULT, &ev), 1);
	assert_int_equal(ev->status, CMD_ERR_BAD_STATION);
	assert_string_equal(ev->request_id, "req-42");
	assert_int_equal(ev->action, CMD_CANCEL);
	assert_int_equal(sim_count_events(r, 1, EVENT_COMMAND_RESULT, &ev), 1);
	assert_int_equal(ev->status, CMD_ERR_BAD_STATE);
	assert_int_equal(ev->source, SOURCE_MQTT);
	assert_true(ev->seq > 0);
	assert_int_equal(ev->wall_ms, 1700000000000ull + r->now_ms);
	/* Start over MQTT is refused: the member starts at the kiosk. */
	c = sim_cmd(CMD_START, 0);
	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_START), CMD_ERR_NOT_SCREENED);
	sim_rig_free(r);
}

static void test_controller_queue_is_bounded(void **state)
{
	struct sim_rig *r = sim_rig_new(1, sim4);
	struct command c = sim_cmd(CMD_TOUCH, 0);
	struct controller_stats st;
	int rc = 0;
	size_t queued = 0;

	(void)state;
	while ((rc = controller_submit(r->ctl, &c)) == 0)
		queued++;
	assert_int_equal(rc, -EAGAIN);
	assert_int_equal(queued, 256);
	controller_get_stats(r->ctl, &st);
	assert_int_equal(st.queue_full, 1);
	sim_step(r);
	assert_int_equal(sim_count_events(r, 0, EVENT_COMMAND_RESULT, NULL), 256);
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	sim_rig_free(r);
}

static void test_controller_events_cursor_and_loss(void **state)
{
	struct sim_rig *r = sim_rig_new(1, sim4);
	struct command c = sim_cmd(CMD_TOUCH, 0);
	struct kiosk_event buf[64];
	uint64_t cursor = 0, lost = 0, last_seq = 0;
	size_t n, total = 0;

	(void)state;
	/* A second reader that never reads until the ring has wrapped. */
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 250; i++)
			assert_int_equal(controller_submit(r->ctl, &c), 0);
		r->now_ms += SIM_TICK_MS;
		controller_step(r->ctl, r->now_ms);
	}
	n = controller_events_read(r->ctl, &cursor, buf, 64, &lost);
	assert_int_equal(n, 64);
	assert_int_equal(lost, 5000 - CONTROLLER_EVENT_RING);
	assert_int_equal(buf[0].seq, 5000 - CONTROLLER_EVENT_RING + 1);
	for (size_t i = 1; i < n; i++)
		assert_int_equal(buf[i].seq, buf[i - 1].seq + 1);
	total = n;
	last_seq = buf[n - 1].seq;
	while ((n = controller_events_read(r->ctl, &cursor, buf, 64, &lost)) > 0) {
		assert_int_equal(lost, 0);
		assert_int_equal(buf[0].seq, last_seq + 1);
		last_seq = buf[n - 1].seq;
		total += n;
	}
	assert_int_equal(total, CONTROLLER_EVENT_RING);
	assert_int_equal(cursor, 5001);
	sim_rig_free(r);
}

static void test_controller_snapshot_only_on_change(void **state)
{
	struct sim_rig *r = sim_rig_new(1, sim4);
	const struct kiosk_snapshot *a, *b, *held[3];
	struct command c;
	uint64_t seq;

	(void)state;
	sim_step(r);
	a = controller_snapshot_acquire(r->ctl);
	seq = a->seq;
	assert_int_equal(a->station_count, 1);
	assert_int_equal(a->stations[0].state, STATION_IDLE);
	sim_run_ms(r, 5000);
	b = controller_snapshot_acquire(r->ctl);
	assert_true(a == b); /* idle: nothing visible changed, nothing published */
	assert_int_equal(b->seq, seq);
	controller_snapshot_release(r->ctl, b);

	c = sim_cmd(CMD_OUT_OF_SERVICE, 0);
	c.source = SOURCE_MQTT;
	sim_submit(r, &c);
	sim_step(r);
	b = controller_snapshot_acquire(r->ctl);
	assert_true(b->seq > seq);
	assert_int_equal(b->stations[0].state, STATION_OUT_OF_SERVICE);
	/* The old one is immutable while held. */
	assert_int_equal(a->seq, seq);
	assert_int_equal(a->stations[0].state, STATION_IDLE);
	controller_snapshot_release(r->ctl, a);
	controller_snapshot_release(r->ctl, b);

	/* Readers holding every spare buffer only delay publishing. */
	c = sim_cmd(CMD_IN_SERVICE, 0);
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_IDLE);
	held[0] = controller_snapshot_acquire(r->ctl);
	sim_start_session(r, 0, FIXTURE_PULSE, 0);
	held[1] = controller_snapshot_acquire(r->ctl);
	sim_run_ms(r, 1000);
	held[2] = controller_snapshot_acquire(r->ctl);
	assert_true(held[0] != held[1] && held[1] != held[2] && held[0] != held[2]);
	seq = held[2]->seq;
	sim_run_ms(r, 3000);
	b = controller_snapshot_acquire(r->ctl);
	assert_true(b->seq > seq); /* a fourth buffer was still free */
	controller_snapshot_release(r->ctl, b);
	for (int i = 0; i < 3; i++)
		controller_snapshot_release(r->ctl, held[i]);
	/* While a session runs it is republished at least once a second. */
	seq = controller_snapshot_acquire(r->ctl)->seq;
	controller_snapshot_release(r->ctl, controller_snapshot_acquire(r->ctl));
	controller_snapshot_release(r->ctl, controller_snapshot_acquire(r->ctl));
	sim_run_ms(r, 3000);
	b = controller_snapshot_acquire(r->ctl);
	assert_true(b->seq >= seq + 3);
	assert_int_equal(b->stations[0].state, STATION_RUNNING);
	controller_snapshot_release(r->ctl, b);
	/* Balance the unreleased acquire above. */
	b = controller_snapshot_acquire(r->ctl);
	controller_snapshot_release(r->ctl, b);
	sim_rig_free(r);
}

static bool bytes_contain(const void *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *h = hay;

	for (size_t i = 0; n > 0 && i + n <= len; i++) {
		if (memcmp(h + i, needle, n) == 0)
			return true;
	}
	return false;
}

static void test_controller_staff_pin_checked_by_submitter(void **state)
{
	struct sim_rig *r = sim_rig_new(1, sim4);
	struct command c = sim_cmd(CMD_SELECT_PROGRAM, 0);
	const struct kiosk_event *ev = NULL;
	struct station_snapshot s;
	bool asked_relative = false;

	(void)state;
	sim_submit(r, &c);
	c = sim_cmd(CMD_BEGIN_SCREENING, 0);
	sim_submit(r, &c);
	for (size_t q = 0; q < r->screening.count; q++) {
		c = sim_cmd(CMD_ANSWER, 0);
		c.question = (unsigned int)q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		if (r->screening.items[q].cls == SCREENING_RELATIVE && !asked_relative) {
			c.yes = true;
			asked_relative = true;
		}
		sim_submit(r, &c);
	}
	sim_step(r);
	sim_station(r, 0, &s);
	assert_int_equal(s.screening_view, SCREENING_VIEW_NEEDS_APPROVAL);
	c = sim_cmd(CMD_STAFF_APPROVE, 0);
	snprintf(c.pin, sizeof(c.pin), "%s", "0000");
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_STAFF_APPROVE), CMD_ERR_BAD_PIN);
	snprintf(c.pin, sizeof(c.pin), "%s", FIXTURE_STAFF_PIN);
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, 0, CMD_STAFF_APPROVE), CMD_OK);
	assert_int_equal(sim_state(r, 0), STATION_READY);
	assert_int_equal(sim_count_events(r, 0, EVENT_SCREENING_APPROVED, &ev), 1);
	/* Nothing on the event stream names a question or carries the PIN. */
	for (size_t i = 0; i < r->event_count; i++) {
		const char *bytes = (const char *)&r->events[i];

		for (size_t q = 0; q < r->screening.count; q++)
			assert_false(
			    bytes_contain(bytes, sizeof(r->events[i]), r->screening.items[q].id));
		assert_false(bytes_contain(bytes, sizeof(r->events[i]), FIXTURE_STAFF_PIN));
	}
	c = sim_cmd(CMD_START, 0);
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_RUNNING);
	sim_rig_free(r);
}

static void test_controller_stop_ends_sessions_safely(void **state)
{
	struct sim_rig *r = sim_rig_new(2, sim4);
	const struct kiosk_event *ev = NULL;

	(void)state;
	sim_start_session(r, 1, FIXTURE_GRADIENT, 0);
	sim_run_ms(r, 1500);
	assert_false(sim_outputs_safe(r, 1));
	controller_stop(r->ctl);
	assert_true(sim_outputs_safe(r, 0));
	assert_true(sim_outputs_safe(r, 1));
	sim_collect(r);
	assert_int_equal(sim_count_events(r, 1, EVENT_SESSION_STOPPED, &ev), 1);
	assert_int_equal(ev->reason, STOP_SHUTDOWN);
	sim_rig_free(r);
}

/* ---- the real control thread ------------------------------------------- */

struct live {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct station_hw *hw;
	struct boot_sim *boot; /* the truth, read on the control thread */
	uint64_t ticks;
	bool pump_on;
	uint64_t safe_at_ns; /* when the listener first saw safe outputs */
	uint64_t safe_tick;  /* tick count at that moment */
	uint64_t listener_calls;
};

/* Both run on the control thread, the only thread that may touch hw. */
static void live_observe(struct live *l)
{
	struct station_outputs o = station_hw_outputs(l->hw);
	/* Vented: pump off, exhaust open, every zone with air open to it. */
	bool safe = outputs_venting(&o, l->boot, 8.0);

	pthread_mutex_lock(&l->lock);
	l->pump_on = o.pump_on;
	if (safe && l->safe_at_ns == 0) {
		l->safe_at_ns = mono_ns();
		l->safe_tick = l->ticks;
	}
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static void live_listener(void *ctx)
{
	struct live *l = ctx;

	pthread_mutex_lock(&l->lock);
	l->listener_calls++;
	pthread_mutex_unlock(&l->lock);
	live_observe(l);
}

static void live_on_tick(void *ctx, uint64_t now_ms)
{
	struct live *l = ctx;

	(void)now_ms;
	pthread_mutex_lock(&l->lock);
	l->ticks++;
	pthread_mutex_unlock(&l->lock);
	live_observe(l);
}

/* Wait (bounded) until pred holds; the lock is held on return. */
static bool live_wait(struct live *l, bool (*pred)(const struct live *l, uint64_t arg),
                      uint64_t arg, unsigned int max_ms)
{
	struct timespec ts;
	uint64_t deadline = mono_ns() + (uint64_t)max_ms * 1000000ull;

	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	pthread_mutex_lock(&l->lock);
	while (!pred(l, arg)) {
		if (pthread_cond_timedwait(&l->cond, &l->lock, &ts) == ETIMEDOUT)
			return pred(l, arg);
	}
	return true;
}

static bool pred_pump_on(const struct live *l, uint64_t arg)
{
	(void)arg;
	return l->pump_on;
}

static bool pred_tick_after(const struct live *l, uint64_t arg)
{
	return l->ticks > arg;
}

static bool pred_safe(const struct live *l, uint64_t arg)
{
	(void)arg;
	return l->safe_at_ns != 0;
}

static void test_controller_thread_stop_beats_the_tick(void **state)
{
	struct thread_rig *r;
	struct controller *ctl;
	struct live l;
	struct command c;
	struct timing_probe probe;
	double worst_us = 0.0;

	(void)state;
	memset(&l, 0, sizeof(l));
	pthread_mutex_init(&l.lock, NULL);
	thread_cond_init_monotonic(&l.cond);
	r = thread_rig_new(live_on_tick, &l);
	l.hw = r->hw[0];
	l.boot = sim_hw_boot(r->simhw, 0);
	ctl = r->ctl;
	assert_int_equal(controller_add_listener(ctl, live_listener, &l), 0);
	timing_probe_start(&probe, CONTROLLER_TICK_MS);
	assert_int_equal(controller_start(ctl), 0);
	assert_int_equal(controller_start(ctl), -EALREADY);

	c = fixture_cmd(CMD_SELECT_PROGRAM);
	c.program_index = FIXTURE_GRADIENT;
	assert_int_equal(controller_submit(ctl, &c), 0);
	c = fixture_cmd(CMD_BEGIN_SCREENING);
	assert_int_equal(controller_submit(ctl, &c), 0);
	for (unsigned int q = 0; q < r->screening.count; q++) {
		c = fixture_cmd(CMD_ANSWER);
		c.question = q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		assert_int_equal(controller_submit(ctl, &c), 0);
	}

	/* Pause vents like a stop: measure it five times, then stop. */
	for (int round = 0; round < 6; round++) {
		uint64_t t_submit, ticks_before, tick_seen;
		double us;

		c = fixture_cmd(round == 0 ? CMD_START : CMD_RESUME);
		assert_int_equal(controller_submit(ctl, &c), 0);
		assert_true(live_wait(&l, pred_pump_on, 0, 2000));
		pthread_mutex_unlock(&l.lock);

		/* Right after a tick, so the next one is a whole period away. */
		do {
			pthread_mutex_lock(&l.lock);
			tick_seen = l.ticks;
			pthread_mutex_unlock(&l.lock);
			assert_true(live_wait(&l, pred_tick_after, tick_seen, 1000));
			tick_seen = l.ticks;
			l.safe_at_ns = 0;
			pthread_mutex_unlock(&l.lock);

			c = fixture_cmd(round == 5 ? CMD_STOP : CMD_PAUSE);
			pthread_mutex_lock(&l.lock);
			ticks_before = l.ticks;
			pthread_mutex_unlock(&l.lock);
		} while (ticks_before != tick_seen);
		t_submit = mono_ns();
		assert_int_equal(controller_submit(ctl, &c), 0);
		assert_true(live_wait(&l, pred_safe, 0, 2000));
		us = (double)(l.safe_at_ns - t_submit) / 1000.0;
		/* Applied by the command path, not by a tick. */
		assert_int_equal(l.safe_tick, ticks_before);
		pthread_mutex_unlock(&l.lock);
		if (us > worst_us)
			worst_us = us;
		print_message("%s to safe pins: %.0f us (tick period %u ms)\n",
		              round == 5 ? "stop" : "pause", us, CONTROLLER_TICK_MS);
	}
	timing_probe_stop(&probe);
	assert_true(worst_us < CONTROLLER_TICK_MS * 1000.0 / 2.0 + probe.max_late_us);

	controller_stop(ctl);
	assert_int_equal(station_hw_outputs(r->hw[0]).pump_on, false);
	thread_rig_free(r);
	pthread_cond_destroy(&l.cond);
	pthread_mutex_destroy(&l.lock);
}

/* The flood: at every tick, as many commands as the queue takes and then
 * some (until one is refused), from another thread, for FLOOD_TICKS ticks. */
#define FLOOD_TICKS 25u

struct flood {
	struct controller *ctl;
	struct live *l;
	uint64_t sent;
	uint64_t refused;
	float lateness_us[FLOOD_TICKS + 8];
	size_t samples;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	struct command c = fixture_cmd(CMD_TOUCH);
	uint64_t seen;

	pthread_mutex_lock(&f->l->lock);
	seen = f->l->ticks;
	pthread_mutex_unlock(&f->l->lock);
	for (unsigned int t = 0; t < FLOOD_TICKS; t++) {
		int burst = 0;
		uint64_t refused_before = f->refused;

		if (!live_wait(f->l, pred_tick_after, seen, 2000)) {
			pthread_mutex_unlock(&f->l->lock);
			break;
		}
		seen = f->l->ticks;
		pthread_mutex_unlock(&f->l->lock);
		/* At least 300, and on until the queue overflows (the control
		 * thread drains it while the burst goes on), at most 5000: a
		 * burst must fit in its tick. */
		while (burst < 300 || (f->refused == refused_before && burst < 5000)) {
			if (controller_submit(f->ctl, &c) == 0)
				f->sent++;
			else
				f->refused++;
			burst++;
		}
	}
	return NULL;
}

struct flood_live {
	struct live l;
	struct flood *f;
	struct controller *ctl;
	bool recording;
	int control_tid; /* the control thread's, seen from on_tick */
};

static void flood_on_tick(void *ctx, uint64_t now_ms)
{
	struct flood_live *fl = ctx;
	struct controller_stats st;

	/* On the control thread: the lateness of the tick that just ran. */
	__atomic_store_n(&fl->control_tid, thread_self_tid(), __ATOMIC_RELEASE);
	if (fl->recording && fl->f->samples < FLOOD_TICKS + 8) {
		controller_get_stats(fl->ctl, &st);
		fl->f->lateness_us[fl->f->samples++] = (float)st.last_lateness_us;
	}
	live_on_tick(&fl->l, now_ms);
}

static void test_controller_thread_keeps_time_under_a_flood(void **state)
{
	struct thread_rig *r;
	struct flood_live fl;
	struct flood f;
	struct controller_stats st0, st1;
	struct timing_probe probe;
	pthread_t th;
	uint64_t t0, t1, rq0;
	double rq_ms;
	int tid;
	float worst = 0.0f;

	(void)state;
	memset(&fl, 0, sizeof(fl));
	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&fl.l.lock, NULL);
	thread_cond_init_monotonic(&fl.l.cond);
	fl.f = &f;
	r = thread_rig_new(flood_on_tick, &fl);
	fl.l.hw = r->hw[0];
	fl.l.boot = sim_hw_boot(r->simhw, 0);
	fl.ctl = r->ctl;
	f.ctl = fl.ctl;
	f.l = &fl.l;
	thread_rig_start_session(r);
	assert_int_equal(controller_start(fl.ctl), 0);
	assert_true(live_wait(&fl.l, pred_tick_after, 2, 2000));
	pthread_mutex_unlock(&fl.l.lock);
	controller_get_stats(fl.ctl, &st0);

	fl.recording = true;
	timing_probe_start(&probe, CONTROLLER_TICK_MS);
	tid = __atomic_load_n(&fl.control_tid, __ATOMIC_ACQUIRE);
	rq0 = thread_runqueue_wait_ns(tid);
	t0 = mono_ns();
	assert_int_equal(pthread_create(&th, NULL, flood_thread, &f), 0);
	pthread_join(th, NULL);
	t1 = mono_ns();
	rq_ms = (double)(thread_runqueue_wait_ns(tid) - rq0) / 1e6;
	timing_probe_stop(&probe);
	/* Let the last burst drain, then look. */
	assert_true(live_wait(&fl.l, pred_tick_after, fl.l.ticks + 2, 2000));
	pthread_mutex_unlock(&fl.l.lock);
	fl.recording = false;
	controller_get_stats(fl.ctl, &st1);
	for (size_t i = 0; i < f.samples; i++) {
		if (f.lateness_us[i] > worst)
			worst = f.lateness_us[i];
	}
	print_message("flood: %llu commands taken, %llu refused (queue full) over %u ticks in "
	              "%.0f ms; worst tick lateness %.0f us; the control thread waited %.1f ms "
	              "for a CPU\n",
	              (unsigned long long)f.sent, (unsigned long long)f.refused, FLOOD_TICKS,
	              (double)(t1 - t0) / 1e6, (double)worst, rq_ms);
	/* Each burst filled the queue and overflowed it... */
	assert_true(f.sent >= FLOOD_TICKS * 256u);
	assert_true(f.refused > 0);
	/* ...every accepted command was answered... */
	assert_int_equal(st1.commands - st0.commands, f.sent);
	/* ...and the ticks kept their period, give or take what the machine
	 * did at the same time: the probe's delays, and the time the control
	 * thread itself waited for a CPU (its own slowness is not in there). */
	assert_true((double)(t1 - t0) / 1e6 <
	            FLOOD_TICKS * CONTROLLER_TICK_MS * 1.5 + probe.sum_late_us / 1000.0 + rq_ms);
	assert_true(worst < (float)CONTROLLER_TICK_MS * 1000.0f / 2.0f + (float)probe.max_late_us +
	                        (float)rq_ms * 1000.0f);
	thread_rig_free(r);
	pthread_cond_destroy(&fl.l.cond);
	pthread_mutex_destroy(&fl.l.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_controller_create_drives_safe_state),
	    cmocka_unit_test(test_controller_submit_checks_and_reports),
	    cmocka_unit_test(test_controller_queue_is_bounded),
	    cmocka_unit_test(test_controller_events_cursor_and_loss),
	    cmocka_unit_test(test_controller_snapshot_only_on_change),
	    cmocka_unit_test(test_controller_staff_pin_checked_by_submitter),
	    cmocka_unit_test(test_controller_stop_ends_sessions_safely),
	    cmocka_unit_test(test_controller_thread_stop_beats_the_tick),
	    cmocka_unit_test(test_controller_thread_keeps_time_under_a_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The control thread's one wait: a stop-button edge wakes it and vents the
 * station before the next tick; a member's stop is never refused, however
 * full the queue is; vented idle stations are supervised at the idle rate
 * and a command brings the fast rate back at once; a listener can be
 * removed.  (SAFETY.md rows H4 "pressure on a member who asked to stop".)
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "sim_rig.h"
#include "thread_rig.h"
#include "vent_check.h"

static const struct sim_station_spec sim4 = {.zones = 4, .sensor = SENSOR_SIM};

/* ------------------------------------------------ the button wakes the wait */

/* Ticks after the start-up window (STATION_BUTTON_STARTUP_MS) that the
 * button is pressed at. */
#define PRESS_AT_TICK 70u

struct button_probe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct thread_rig *rig;
	uint64_t ticks;
	uint64_t press_ns;
	uint64_t press_tick;
	uint64_t safe_ns;
	uint64_t safe_tick;
};

static bool outputs_vented(const struct station_hw *hw)
{
	struct station_outputs o = station_hw_outputs(hw);

	return !o.pump_on && o.exhaust_open;
}

/* On the control thread, after every tick. */
static void press_on_tick(void *ctx, uint64_t now_ms)
{
	struct button_probe *b = ctx;

	(void)now_ms;
	pthread_mutex_lock(&b->lock);
	b->ticks++;
	if (b->ticks == PRESS_AT_TICK) {
		assert_false(outputs_vented(b->rig->hw[0]));
		b->press_tick = b->ticks;
		b->press_ns = mono_ns();
		assert_int_equal(
		    gpio_sim_set_input(b->rig->gpio, "gpiochip0", THREAD_RIG_BUTTON_LINE, 1), 0);
	}
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

/* On the control thread, after anything changed. */
static void press_listener(void *ctx)
{
	struct button_probe *b = ctx;

	pthread_mutex_lock(&b->lock);
	if (b->press_ns != 0 && b->safe_ns == 0 && outputs_vented(b->rig->hw[0])) {
		b->safe_ns = mono_ns();
		b->safe_tick = b->ticks;
	}
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

static void test_controller_button_edge_vents_before_the_next_tick(void **state)
{
	struct button_probe b;
	struct thread_rig *r;
	struct controller_stats st;
	struct station_snapshot s;
	const struct kiosk_snapshot *snap;
	struct timespec until;
	int rc = 0;

	(void)state;
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.lock, NULL);
	thread_cond_init_monotonic(&b.cond);
	r = thread_rig_new_with_button(press_on_tick, &b);
	b.rig = r;
	assert_int_equal(controller_add_listener(r->ctl, press_listener, &b), 0);
	thread_rig_start_session(r);
	assert_int_equal(controller_start(r->ctl), 0);

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&b.lock);
	while (b.safe_ns == 0 && rc == 0)
		rc = pthread_cond_timedwait(&b.cond, &b.lock, &until);
	pthread_mutex_unlock(&b.lock);
	controller_get_stats(r->ctl, &st);
	controller_stop(r->ctl);

	assert_true(b.safe_ns != 0);
	print_message("button edge to vented outputs: %.0f us (tick period %u ms)\n",
	              (double)(b.safe_ns - b.press_ns) / 1000.0, CONTROLLER_TICK_MS);
	/* Vented by the wake-up for the edge, not by a tick. */
	assert_int_equal(b.safe_tick, b.press_tick);
	assert_true(st.button_wakeups >= 1);
	snap = controller_snapshot_acquire(r->ctl);
	s = snap->stations[0];
	controller_snapshot_release(r->ctl, snap);
	assert_int_equal(s.last_stop, STOP_BUTTON);
	assert_int_equal(s.fault, FAULT_NONE);
	thread_rig_free(r);
	pthread_cond_destroy(&b.cond);
	pthread_mutex_destroy(&b.lock);
}

/* ---------------------------------------------- stops are never refused */

static void test_controller_stop_accepted_when_the_queue_is_full(void **state)
{
	struct sim_rig *r = sim_rig_new(2, (struct sim_station_spec[]){sim4, sim4});
	struct command touch = sim_cmd(CMD_TOUCH, 1);
	struct command stop;
	size_t stops = 0;

	(void)state;
	sim_start_session(r, 0, sim_program(r, "standard"), 0);
	sim_run_ms(r, 1000);
	/* Staff dashboards flood the queue for station 2... */
	touch.source = SOURCE_MQTT;
	while (controller_submit(r->ctl, &touch) == 0)
		;
	assert_int_equal(controller_submit(r->ctl, &touch), -EAGAIN);
	/* ...while the member on station 1 presses Stop, and keeps pressing,
	 * and staff and the button stop it too: every one is taken. */
	for (int i = 0; i < 200; i++) {
		stop = sim_cmd(i % 7 == 3 ? CMD_SYMPTOM_STOP : CMD_STOP, 0);
		stop.source = (enum command_source)(i % 3); /* UI, MQTT, BUTTON */
		assert_int_equal(controller_submit(r->ctl, &stop), 0);
		stops++;
	}
	assert_int_equal(controller_submit(r->ctl, &touch), -EAGAIN);
	sim_step(r);
	assert_int_equal(sim_state(r, 0), STATION_VENTING);
	assert_true(sim_venting(r, 0));
	/* The first stop (the member's, on the screen) is the one recorded. */
	{
		struct station_snapshot s;

		sim_station(r, 0, &s);
		assert_int_equal(s.last_stop, STOP_MEMBER);
	}
	/* Every stop got its answer. */
	{
		size_t answered = 0;

		for (size_t i = 0; i < r->event_count; i++) {
			const struct kiosk_event *e = &r->events[i];

			if (e->kind == EVENT_COMMAND_RESULT && e->station == 0 &&
			    (e->action == CMD_STOP || e->action == CMD_SYMPTOM_STOP)) {
				assert_int_equal(e->status, CMD_OK);
				answered++;
			}
		}
		assert_int_equal(answered, stops);
	}
	sim_rig_free(r);
}

struct flooder {
	struct controller *ctl;
	volatile int *stop;
	uint64_t sent, refused;
};

static void *flood_main(void *arg)
{
	struct flooder *f = arg;
	struct command c = fixture_cmd(CMD_TOUCH);

	c.source = SOURCE_MQTT;
	while (!__atomic_load_n(f->stop, __ATOMIC_ACQUIRE)) {
		if (controller_submit(f->ctl, &c) == 0)
			f->sent++;
		else
			f->refused++;
	}
	return NULL;
}

struct drain {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void drain_listener(void *ctx)
{
	struct drain *d = ctx;

	pthread_mutex_lock(&d->lock);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void test_controller_thread_takes_every_stop_under_a_flood(void **state)
{
	struct drain drain = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct thread_rig *r;
	struct flooder f[2];
	volatile int stop = 0;
	uint64_t sent = 0, refused = 0;
	pthread_t th[2];
	struct controller_stats st;
	unsigned int stops = 0;
	uint64_t until;

	(void)state;
	thread_cond_init_monotonic(&drain.cond);
	r = thread_rig_new(NULL, NULL);
	assert_int_equal(controller_add_listener(r->ctl, drain_listener, &drain), 0);
	thread_rig_start_session(r);
	memset(f, 0, sizeof(f));
	assert_int_equal(controller_start(r->ctl), 0);
	for (int i = 0; i < 2; i++) {
		f[i].ctl = r->ctl;
		f[i].stop = &stop;
		assert_int_equal(pthread_create(&th[i], NULL, flood_main, &f[i]), 0);
	}
	/* 300 ms of stops from every source while two threads flood. */
	until = mono_ns() + 300000000ull;
	while (mono_ns() < until) {
		struct command c = fixture_cmd(stops % 5 == 1 ? CMD_SYMPTOM_STOP : CMD_STOP);

		c.source = (enum command_source)(stops % 3);
		assert_int_equal(controller_submit(r->ctl, &c), 0);
		stops++;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		sent += f[i].sent;
		refused += f[i].refused;
	}
	/* Let the queue drain before the thread stops: the listener runs after
	 * every batch the thread takes. */
	{
		struct timespec deadline;
		int rc = 0;

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += 5;
		pthread_mutex_lock(&drain.lock);
		controller_get_stats(r->ctl, &st);
		while (st.commands < sent + stops + 3u + r->screening.count && rc == 0) {
			rc = pthread_cond_timedwait(&drain.cond, &drain.lock, &deadline);
			controller_get_stats(r->ctl, &st);
		}
		pthread_mutex_unlock(&drain.lock);
	}
	controller_stop(r->ctl);
	controller_get_stats(r->ctl, &st);
	print_message("flood: %llu commands taken, %llu refused; %u stops, none refused\n",
	              (unsigned long long)sent, (unsigned long long)refused, stops);
	assert_true(refused > 0); /* the queue really was full */
	/* Every command taken was answered, every stop among them. */
	assert_int_equal(st.commands, sent + stops + 3u + r->screening.count /* the session's */);
	assert_false(station_hw_outputs(r->hw[0]).pump_on);
	thread_rig_free(r);
	pthread_cond_destroy(&drain.cond);
}

/* ------------------------------------------------------- the idle rate */

#define RATE_TICKS 8u

struct rate_log {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int count;
	uint64_t at_ms[64];
};

static void rate_on_tick(void *ctx, uint64_t now_ms)
{
	struct rate_log *l = ctx;

	pthread_mutex_lock(&l->lock);
	if (l->count < 64)
		l->at_ms[l->count++] = now_ms;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static void rate_wait(struct rate_log *l, unsigned int count)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&l->lock);
	while (l->count < count && rc == 0)
		rc = pthread_cond_timedwait(&l->cond, &l->lock, &until);
	pthread_mutex_unlock(&l->lock);
	assert_true(l->count >= count);
}

static void test_controller_idle_rate_until_a_command_wakes_a_station(void **state)
{
	struct rate_log l;
	struct thread_rig *r;
	struct controller_stats st;
	struct timing_probe probe;
	struct command c;
	unsigned int first_fast;

	(void)state;
	memset(&l, 0, sizeof(l));
	pthread_mutex_init(&l.lock, NULL);
	thread_cond_init_monotonic(&l.cond);
	r = thread_rig_new(rate_on_tick, &l);
	timing_probe_start(&probe, CONTROLLER_TICK_MS);
	assert_int_equal(controller_start(r->ctl), 0);
	rate_wait(&l, RATE_TICKS);
	controller_get_stats(r->ctl, &st);
	assert_true(st.idle_rate);
	/* Idle: a tick every CONTROLLER_IDLE_TICK_MS (absolute deadlines: a late
	 * tick shortens the gap after it, never the span; one period is left
	 * for a late first tick). */
	assert_true(l.at_ms[RATE_TICKS - 1] - l.at_ms[1] >=
	            (RATE_TICKS - 3u) * CONTROLLER_IDLE_TICK_MS);

	/* A member picks a program: the fast rate from the next period on. */
	pthread_mutex_lock(&l.lock);
	first_fast = l.count;
	pthread_mutex_unlock(&l.lock);
	c = fixture_cmd(CMD_SELECT_PROGRAM);
	c.program_index = FIXTURE_GRADIENT;
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	c = fixture_cmd(CMD_BEGIN_SCREENING);
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	for (unsigned int q = 0; q < r->screening.count; q++) {
		c = fixture_cmd(CMD_ANSWER);
		c.question = q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		assert_int_equal(controller_submit(r->ctl, &c), 0);
	}
	c = fixture_cmd(CMD_START);
	assert_int_equal(controller_submit(r->ctl, &c), 0);
	rate_wait(&l, first_fast + RATE_TICKS);
	timing_probe_stop(&probe);
	controller_get_stats(r->ctl, &st);
	controller_stop(r->ctl);
	assert_false(st.idle_rate);
	/* Six periods at the fast rate take 120 ms, at the idle rate 1200 ms;
	 * the machine's own delays (the probe beside it) are allowed on top. */
	assert_true((double)(l.at_ms[first_fast + RATE_TICKS - 1] - l.at_ms[first_fast + 1]) <=
	            (RATE_TICKS - 2u) * CONTROLLER_TICK_MS * 1.5 + probe.sum_late_us / 1000.0);
	thread_rig_free(r);
	pthread_cond_destroy(&l.cond);
	pthread_mutex_destroy(&l.lock);
}

/* ---------------------------------------------------------- listeners */

static void count_call(void *ctx)
{
	(*(unsigned int *)ctx)++;
}

static void test_controller_removed_listener_is_never_called_again(void **state)
{
	struct sim_rig *r = sim_rig_new(1, &sim4);
	unsigned int a = 0, b = 0;
	struct command c = sim_cmd(CMD_SELECT_PROGRAM, 0);

	(void)state;
	assert_int_equal(controller_add_listener(r->ctl, count_call, &a), 0);
	assert_int_equal(controller_add_listener(r->ctl, count_call, &b), 0);
	sim_submit(r, &c);
	sim_step(r);
	assert_true(a > 0 && b > 0);
	assert_int_equal(controller_remove_listener(r->ctl, count_call, &a), 0);
	assert_int_equal(controller_remove_listener(r->ctl, count_call, &a), -ENOENT);
	a = b = 0;
	c = sim_cmd(CMD_CANCEL, 0);
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(a, 0);
	assert_true(b > 0);
	sim_rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_controller_button_edge_vents_before_the_next_tick),
	    cmocka_unit_test(test_controller_stop_accepted_when_the_queue_is_full),
	    cmocka_unit_test(test_controller_thread_takes_every_stop_under_a_flood),
	    cmocka_unit_test(test_controller_idle_rate_until_a_command_wakes_a_station),
	    cmocka_unit_test(test_controller_removed_listener_is_never_called_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

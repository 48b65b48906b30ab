/* SPDX-License-Identifier: MIT */
/*
 * The control thread.  Timing: deadlines are absolute on CLOCK_MONOTONIC,
 * one every tick period, kept in a timerfd (TFD_TIMER_ABSTIME); the thread
 * sleeps in one ppoll() on that timer, the mailbox's eventfd and the stop
 * buttons' edge fds.  Commands and button edges are applied to the outputs
 * as soon as they arrive; the tick keeps its own deadline whatever they do.
 * After an overrun the next deadline is max(deadline + period, now): the
 * missed slots are dropped, never raced through, and the lateness is still
 * measured against the slot.
 *
 * One record per station (struct station_slot).  Sharing: the mailbox (its
 * own lock), the published snapshots (slock, held only to move a pointer or
 * a reference count), the event ring (elock), the listeners (llock, held
 * while they are called) and the statistics (stats_lock).  Everything else
 * belongs to the control thread, or to the caller of controller_step() when
 * no thread runs.
 */
#define _GNU_SOURCE /* ppoll */
#include "core/controller.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/bulletin.h"
#include "core/mailbox.h"
#include "core/station.h"
#include "drivers/station_hw.h"

#define CONTROLLER_QUEUE_LEN 256u
/* A flood of commands is taken in bounded batches, so a tick that falls due
 * is never more than one batch late. */
#define CONTROLLER_CMDS_PER_WAKE 32u
#define CONTROLLER_LISTENERS_MAX 4u
/* While a session runs, pressures change all the time; they are published
 * at least this often even when nothing else changed. */
#define CONTROLLER_REFRESH_MS 1000u
/* A stop-button fd that stays readable after its events were read (a
 * bouncing contact, a driver that cannot clear it) is left out of the wait
 * until the next tick after this many wake-ups, so it cannot spin the
 * thread; the tick still reads the button. */
#define CONTROLLER_BUTTON_WAKES_PER_TICK 4u
#define NS_PER_MS 1000000ull
_Static_assert(CONTROLLER_EVENT_RING == BULLETIN_EVENT_RING, "one ring size");
#define TICK_NS ((uint64_t)CONTROLLER_TICK_MS * NS_PER_MS)
#define IDLE_TICK_NS ((uint64_t)CONTROLLER_IDLE_TICK_MS * NS_PER_MS)
#define POLL_TIMER 0u
#define POLL_MAILBOX 1u
#define POLL_FIXED 2u

struct listener {
	void (*fn)(void *ctx);
	void *ctx;
};

/* Everything the controller keeps about one station. */
struct station_slot {
	struct station *st;
	struct station_hw *hw;  /* not owned */
	bool safe_pending;      /* a safe-state write failed: drive it again */
	int button_fd;          /* edge-event fd of its stop button, -1 = none */
	unsigned int btn_wakes; /* button wake-ups since the last tick */
};

struct controller {
	struct controller_params p;
	size_t n;
	struct station_slot slot[KIOSK_MAX_STATIONS];
	struct event_sink sink;

	struct mailbox *mb;
	int timer_fd;
	atomic_bool stop_requested;
	bool running;
	bool idle_rate; /* control thread: the current period is the idle one */
	pthread_t thread;

	struct bulletin *board;
	struct kiosk_snapshot scratch;     /* control thread */
	struct kiosk_snapshot masked;      /* control thread */
	struct kiosk_snapshot last_masked; /* what was last published, pressures masked */
	uint64_t last_publish_ms;
	bool events_pending; /* control thread */

	/* Held while listeners are called and while the list changes, so a
	 * listener removed is never called again once removal returns. */
	pthread_mutex_t llock;
	struct listener listeners[CONTROLLER_LISTENERS_MAX];
	size_t listener_count;

	pthread_mutex_t stats_lock;
	struct controller_stats stats;
};

/* ------------------------------------------------------------------ clocks */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(const struct controller *c)
{
	if (c->p.clock.now_ms != NULL)
		return c->p.clock.now_ms(c->p.clock.ctx);
	return clock_ns(CLOCK_MONOTONIC) / NS_PER_MS;
}

static uint64_t wall_ms(const struct controller *c)
{
	if (c->p.clock.wall_ms != NULL)
		return c->p.clock.wall_ms(c->p.clock.ctx);
	return clock_ns(CLOCK_REALTIME) / NS_PER_MS;
}

/* ------------------------------------------------------------------ events */

static void controller_emit(void *ctx, const struct kiosk_event *ev)
{
	struct controller *c = ctx;
	struct kiosk_event e = *ev;

	e.wall_ms = wall_ms(c);
	bulletin_post(c->board, &e);
	c->events_pending = true;
}

size_t controller_events_read(struct controller *c, uint64_t *cursor, struct kiosk_event *out,
                              size_t max, uint64_t *lost)
{
	return bulletin_read(c->board, cursor, out, max, lost);
}

/* --------------------------------------------------------------- snapshots */

/* Pressures change at every reading: a change in them alone is published
 * only with the periodic refresh. */
static void station_mask(struct station_snapshot *st)
{
	memset(st->zone_mmhg, 0, sizeof(st->zone_mmhg));
	st->manifold_mmhg = 0.0;
	st->safety_mmhg = 0.0;
}

static bool session_visible(const struct kiosk_snapshot *s)
{
	for (size_t i = 0; i < s->station_count; i++) {
		enum station_state st = s->stations[i].state;

		if (st == STATION_RUNNING || st == STATION_PAUSED || st == STATION_VENTING)
			return true;
	}
	return false;
}

/* Build the snapshot; publish it when something visible changed, when a
 * session has not been republished for CONTROLLER_REFRESH_MS, or when
 * forced.  Returns true when published.  Only the configured stations are
 * built and compared (the rest of the arrays stay zero). */
static bool publish(struct controller *c, uint64_t now, bool force)
{
	struct kiosk_snapshot *s = &c->scratch;
	bool same = true;

	s->seq = 0;
	s->now_ms = now;
	s->station_count = c->n;
	for (size_t i = 0; i < c->n; i++) {
		struct station_snapshot *m = &c->masked.stations[i];

		station_snapshot(c->slot[i].st, now, &s->stations[i]);
		memcpy(m, &s->stations[i], sizeof(*m)); /* padding too: memcmp below */
		station_mask(m);
		if (same && memcmp(m, &c->last_masked.stations[i], sizeof(*m)) != 0)
			same = false;
	}
	if (!force && same &&
	    !(session_visible(s) && now - c->last_publish_ms >= CONTROLLER_REFRESH_MS))
		return false;
	if (!bulletin_publish(c->board, s))
		return false; /* every spare held by a reader: try again next tick */
	memcpy(c->last_masked.stations, c->masked.stations, c->n * sizeof(c->masked.stations[0]));
	c->last_publish_ms = now;
	pthread_mutex_lock(&c->stats_lock);
	c->stats.snapshots++;
	pthread_mutex_unlock(&c->stats_lock);
	return true;
}

const struct kiosk_snapshot *controller_snapshot_acquire(struct controller *c)
{
	return bulletin_acquire(c->board);
}

void controller_snapshot_release(struct controller *c, const struct kiosk_snapshot *snap)
{
	if (c == NULL)
		return;
	bulletin_release(c->board, snap);
}

static void notify(struct controller *c, bool changed)
{
	if (!changed && !c->events_pending)
		return;
	c->events_pending = false;
	pthread_mutex_lock(&c->llock);
	for (size_t i = 0; i < c->listener_count; i++)
		c->listeners[i].fn(c->listeners[i].ctx);
	pthread_mutex_unlock(&c->llock);
}

int controller_add_listener(struct controller *c, void (*fn)(void *ctx), void *ctx)
{
	int ret = 0;

	if (c == NULL || fn == NULL)
		return -EINVAL;
	pthread_mutex_lock(&c->llock);
	if (c->listener_count >= CONTROLLER_LISTENERS_MAX)
		ret = -ENOSPC;
	else
		c->listeners[c->listener_count++] = (struct listener){.fn = fn, .ctx = ctx};
	pthread_mutex_unlock(&c->llock);
	return ret;
}

int controller_remove_listener(struct controller *c, void (*fn)(void *ctx), void *ctx)
{
	int ret = -ENOENT;

	if (c == NULL || fn == NULL)
		return -EINVAL;
	pthread_mutex_lock(&c->llock);
	for (size_t i = 0; i < c->listener_count; i++) {
		if (c->listeners[i].fn != fn || c->listeners[i].ctx != ctx)
			continue;
		memmove(&c->listeners[i], &c->listeners[i + 1],
		        (c->listener_count - i - 1u) * sizeof(c->listeners[0]));
		c->listener_count--;
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&c->llock);
	return ret;
}

/* ---------------------------------------------------------------- hardware */

static void hardware_failed(struct controller *c, struct station_slot *sl, uint64_t now)
{
	station_hardware_failed(sl->st, now, &c->sink);
	/* Until every line has taken the safe level, drive it again each tick. */
	sl->safe_pending = station_hw_safe(sl->hw) < 0;
}

static void apply_outputs(struct controller *c, struct station_slot *sl, uint64_t now)
{
	struct station_outputs want, have;

	if (sl->safe_pending) {
		sl->safe_pending = station_hw_safe(sl->hw) < 0;
		/* A station whose lines refuse the safe level stays locked in
		 * FAULT whatever else happened (no-op when already there). */
		if (sl->safe_pending && station_state(sl->st) != STATION_FAULT)
			station_hardware_failed(sl->st, now, &c->sink);
		return;
	}
	station_current_outputs(sl->st, &want);
	have = station_hw_outputs(sl->hw);
	if (want.pump_on == have.pump_on && want.exhaust_open == have.exhaust_open &&
	    want.zones_open == have.zones_open)
		return;
	if (station_hw_apply(sl->hw, &want) < 0)
		hardware_failed(c, sl, now);
}

static void all_safe(struct controller *c, uint64_t now)
{
	for (size_t i = 0; i < c->n; i++) {
		if (station_hw_safe(c->slot[i].hw) < 0)
			hardware_failed(c, &c->slot[i], now);
	}
}

/* ---------------------------------------------------------------- commands */

static void process_command(struct controller *c, struct mailbox_item *it, uint64_t now)
{
	struct kiosk_event res;
	const struct command *cmd = &it->cmd;

	memset(&res, 0, sizeof(res));
	res.kind = EVENT_COMMAND_RESULT;
	res.fault_zone = -1;
	res.station = cmd->station;
	res.action = cmd->action;
	res.source = cmd->source;
	memcpy(res.request_id, cmd->request_id, sizeof(res.request_id));
	res.request_id[sizeof(res.request_id) - 1] = '\0';
	if (cmd->station >= c->n) {
		res.status = CMD_ERR_BAD_STATION;
	} else if (c->slot[cmd->station].safe_pending &&
	           (cmd->action == CMD_RESET_FAULT || cmd->action == CMD_IN_SERVICE)) {
		/* A line still refuses its de-energised level (the pump may
		 * still run): the lock stays until the safe state has taken. */
		res.status = CMD_ERR_HARDWARE;
	} else {
		struct station_slot *sl = &c->slot[cmd->station];

		res.status = station_command_pin_checked(sl->st, cmd, it->pin_ok, now, &c->sink);
		apply_outputs(c, sl, now);
	}
	/* One result for every stop folded into this one as well. */
	for (unsigned int k = 0; k <= it->folded; k++)
		controller_emit(c, &res);
	explicit_bzero(it, sizeof(*it));
}

static size_t run_commands(struct controller *c, uint64_t now, size_t max)
{
	struct mailbox_item batch[CONTROLLER_CMDS_PER_WAKE];
	size_t total = 0, folded = 0;

	while (total < max) {
		size_t want =
		    max - total < CONTROLLER_CMDS_PER_WAKE ? max - total : CONTROLLER_CMDS_PER_WAKE;
		size_t n = mailbox_take(c->mb, batch, want);

		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			folded += batch[i].folded;
			process_command(c, &batch[i], now);
		}
		total += n;
	}
	if (total > 0) {
		pthread_mutex_lock(&c->stats_lock);
		c->stats.commands += total + folded;
		pthread_mutex_unlock(&c->stats_lock);
		notify(c, publish(c, now, false));
	}
	return total;
}

int controller_submit(struct controller *c, const struct command *cmd)
{
	struct mailbox_item it;
	int ret;

	if (c == NULL || cmd == NULL || (unsigned int)cmd->action >= CMD_ACTION_COUNT ||
	    (unsigned int)cmd->source > SOURCE_INTERNAL)
		return -EINVAL;
	memset(&it, 0, sizeof(it));
	it.cmd = *cmd;
	/* crypt(3) is slow on purpose: hash on the caller's thread, never on
	 * the control thread; only the verdict travels. */
	if (cmd->action == CMD_STAFF_APPROVE)
		it.pin_ok = kiosk_config_pin_matches(c->p.config, cmd->pin);
	explicit_bzero(it.cmd.pin, sizeof(it.cmd.pin));
	it.cmd.request_id[sizeof(it.cmd.request_id) - 1] = '\0';

	ret = mailbox_post(c->mb, &it);
	if (ret == -EAGAIN) {
		pthread_mutex_lock(&c->stats_lock);
		c->stats.queue_full++;
		pthread_mutex_unlock(&c->stats_lock);
	}
	explicit_bzero(&it, sizeof(it));
	return ret;
}

/* -------------------------------------------------------------------- tick */

/* One station's inputs, its machine, its outputs: at every tick, and at once
 * when its stop button has an edge. */
static void tick_station(struct controller *c, struct station_slot *sl, uint64_t now)
{
	struct station_inputs in = {
	    .pressure = {.status = PRESSURE_ERROR},
	    .safety = {.status = PRESSURE_ABSENT},
	};
	struct station_outputs out;

	bool running = false;

	if (station_hw_read_pressure(sl->hw, now, &in.pressure) < 0)
		in.pressure.status = PRESSURE_ERROR;
	if (station_hw_read_safety_pressure(sl->hw, now, &in.safety) < 0)
		in.safety.status = PRESSURE_ERROR;
	in.pump_sense = station_hw_read_pump_sense(sl->hw, &running) == 0 ? (running ? 1 : 0) : -1;
	in.stop_button = station_hw_button_pressed(sl->hw, now);
	station_tick(sl->st, now, &in, &out, &c->sink);
	apply_outputs(c, sl, now);
}

static bool all_quiet(const struct controller *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!station_quiet(c->slot[i].st))
			return false;
	}
	return true;
}

/* timed: the control thread measures the tick's CPU (a system call each
 * side); controller_step() in virtual time does not. */
static void run_tick(struct controller *c, uint64_t now, uint64_t lateness_ns, bool timed)
{
	uint64_t cpu0 = timed ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : 0;
	uint64_t cpu1;
	double cpu_us;
	bool changed;

	for (size_t i = 0; i < c->n; i++) {
		c->slot[i].btn_wakes = 0;
		tick_station(c, &c->slot[i], now);
	}
	changed = publish(c, now, false);
	cpu1 = timed ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : 0;
	cpu_us = timed ? (double)(cpu1 - cpu0) / 1000.0 : 0.0;

	pthread_mutex_lock(&c->stats_lock);
	c->stats.ticks++;
	c->stats.last_tick_cpu_us = cpu_us;
	c->stats.total_tick_cpu_us += cpu_us;
	if (cpu_us > c->stats.max_tick_cpu_us)
		c->stats.max_tick_cpu_us = cpu_us;
	c->stats.last_lateness_us = (double)lateness_ns / 1000.0;
	if (c->stats.last_lateness_us > c->stats.max_lateness_us)
		c->stats.max_lateness_us = c->stats.last_lateness_us;
	if (lateness_ns > 2u * NS_PER_MS)
		c->stats.late_ticks_over_2ms++;
	c->stats.idle_rate = c->idle_rate;
	/* The thread's CPU since it started, read at no extra cost: the
	 * tick's own end. */
	if (timed)
		c->stats.thread_cpu_us = (double)cpu1 / 1000.0;
	pthread_mutex_unlock(&c->stats_lock);

	notify(c, changed);
	if (c->p.on_tick != NULL)
		c->p.on_tick(c->p.on_tick_ctx, now);
}

void controller_step(struct controller *c, uint64_t now)
{
	run_commands(c, now, SIZE_MAX);
	run_tick(c, now, 0, false);
}

/* ------------------------------------------------------------------ thread */

static void arm_timer(struct controller *c, uint64_t deadline_ns)
{
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)(deadline_ns / 1000000000ull),
	                 .tv_nsec = (long)(deadline_ns % 1000000000ull)},
	};

	(void)timerfd_settime(c->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The wait set: timer, mailbox, then every stop button not muted for this
 * tick.  station_of[k] is the slot of pollfd k (for k >= POLL_FIXED). */
static nfds_t wait_set(struct controller *c, struct pollfd *fds, size_t *station_of)
{
	nfds_t n = POLL_FIXED;

	fds[POLL_TIMER] = (struct pollfd){.fd = c->timer_fd, .events = POLLIN};
	fds[POLL_MAILBOX] = (struct pollfd){.fd = mailbox_fd(c->mb), .events = POLLIN};
	for (size_t i = 0; i < c->n; i++) {
		const struct station_slot *sl = &c->slot[i];

		if (sl->button_fd < 0 || sl->btn_wakes >= CONTROLLER_BUTTON_WAKES_PER_TICK)
			continue;
		fds[n] = (struct pollfd){.fd = sl->button_fd, .events = POLLIN};
		station_of[n] = i;
		n++;
	}
	return n;
}

/* A button edge: that station's tick runs now, so its stop acts at once. */
static void run_buttons(struct controller *c, const struct pollfd *fds, nfds_t n,
                        const size_t *station_of)
{
	bool any = false;
	uint64_t now = now_ms(c);

	for (nfds_t k = POLL_FIXED; k < n; k++) {
		struct station_slot *sl = &c->slot[station_of[k]];

		if (!(fds[k].revents & (POLLIN | POLLPRI | POLLERR)))
			continue;
		sl->btn_wakes++;
		tick_station(c, sl, now);
		any = true;
	}
	if (any) {
		pthread_mutex_lock(&c->stats_lock);
		c->stats.button_wakeups++;
		pthread_mutex_unlock(&c->stats_lock);
		notify(c, publish(c, now, false));
	}
}

static void count_wakeup(struct controller *c)
{
	pthread_mutex_lock(&c->stats_lock);
	c->stats.wakeups++;
	pthread_mutex_unlock(&c->stats_lock);
}

static void *control_thread(void *arg)
{
	struct controller *c = arg;
	struct pollfd fds[POLL_FIXED + KIOSK_MAX_STATIONS];
	size_t station_of[POLL_FIXED + KIOSK_MAX_STATIONS];
	/* due: the slot of the next tick, for the lateness statistics;
	 * deadline: when the thread runs it (later than due after an overrun). */
	uint64_t due, deadline;

	if (c->p.realtime_priority > 0) {
		struct sched_param sp = {.sched_priority = c->p.realtime_priority};
		bool rt = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;

		pthread_mutex_lock(&c->stats_lock);
		c->stats.realtime = rt;
		pthread_mutex_unlock(&c->stats_lock);
	}
	c->idle_rate = false;
	deadline = due = clock_ns(CLOCK_MONOTONIC) + TICK_NS;
	arm_timer(c, deadline);

	while (!atomic_load(&c->stop_requested)) {
		nfds_t n = wait_set(c, fds, station_of);
		/* Commands left from a bounded batch: look, but do not sleep. */
		struct timespec zero = {0, 0};
		bool busy = mailbox_count(c->mb) > 0;
		uint64_t t;

		if (ppoll(fds, n, busy ? &zero : NULL, NULL) < 0) {
			for (nfds_t k = 0; k < n; k++)
				fds[k].revents = 0;
		}
		if (atomic_load(&c->stop_requested))
			break;
		/* Acknowledge before taking, so a post racing with the take
		 * leaves the fd readable for the next wait. */
		if (fds[POLL_MAILBOX].revents & POLLIN)
			mailbox_ack(c->mb);
		/* Commands first: a stop reaches the valves now, not at the tick. */
		run_commands(c, now_ms(c), CONTROLLER_CMDS_PER_WAKE);
		run_buttons(c, fds, n, station_of);
		t = clock_ns(CLOCK_MONOTONIC);
		if (c->idle_rate && !all_quiet(c)) {
			/* A station woke: the fast rate from the next period on. */
			c->idle_rate = false;
			if (deadline > t + TICK_NS) {
				deadline = due = t + TICK_NS;
				arm_timer(c, deadline);
			}
		}
		if (t >= deadline) {
			uint64_t period;
			uint64_t expired;

			(void)!read(c->timer_fd, &expired, sizeof(expired));
			/* Lateness against the tick's own slot, so the tick run
			 * after an overrun reports how late it really was. */
			run_tick(c, now_ms(c), t - due, true);
			c->idle_rate = all_quiet(c);
			period = c->idle_rate ? IDLE_TICK_NS : TICK_NS;
			/* Next slot max(deadline + period, now): after an overrun
			 * one tick runs at once and the period restarts from it;
			 * the missed slots are dropped, never raced. */
			due = deadline + period;
			t = clock_ns(CLOCK_MONOTONIC);
			deadline = due > t ? due : t;
			arm_timer(c, deadline);
		}
		count_wakeup(c);
	}
	return NULL;
}

int controller_start(struct controller *c)
{
	int rc;

	if (c == NULL)
		return -EINVAL;
	if (c->running)
		return -EALREADY;
	atomic_store(&c->stop_requested, false);
	rc = pthread_create(&c->thread, NULL, control_thread, c);
	if (rc != 0)
		return -rc;
	c->running = true;
	return 0;
}

/* Join the thread, end what runs, vent everything.  Listeners are told only
 * when tell is set: controller_destroy() runs after its caller may already
 * have freed the listeners' contexts (main destroys the UI first). */
static void stop_and_vent(struct controller *c, bool tell)
{
	uint64_t now;
	bool changed;

	if (c->running) {
		atomic_store(&c->stop_requested, true);
		mailbox_wake(c->mb);
		pthread_join(c->thread, NULL);
		c->running = false;
	}
	/* This thread owns the stations now: end what runs, vent everything. */
	now = now_ms(c);
	for (size_t i = 0; i < c->n; i++) {
		enum station_state s = station_state(c->slot[i].st);

		if (s == STATION_RUNNING || s == STATION_PAUSED) {
			struct command stop = {.action = CMD_STOP,
			                       .source = SOURCE_INTERNAL,
			                       .station = (unsigned int)i};

			(void)station_command(c->slot[i].st, &stop, now, &c->sink);
		}
	}
	all_safe(c, now);
	changed = publish(c, now, false);
	if (tell)
		notify(c, changed);
}

void controller_stop(struct controller *c)
{
	if (c == NULL)
		return;
	stop_and_vent(c, true);
}

void controller_stop_silently(struct controller *c)
{
	if (c == NULL)
		return;
	stop_and_vent(c, false);
}

void controller_get_stats(struct controller *c, struct controller_stats *out)
{
	pthread_mutex_lock(&c->stats_lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->stats_lock);
}

/* ---------------------------------------------------------- create/destroy */

static void init_locks(struct controller *c)
{
	pthread_mutexattr_t ma;

	/* Priority inheritance: a reader preempted while holding a lock must
	 * not hold up a real-time control thread behind it. */
	pthread_mutexattr_init(&ma);
	(void)pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&c->llock, &ma);
	pthread_mutex_init(&c->stats_lock, &ma);
	pthread_mutexattr_destroy(&ma);
}

static void destroy_locks(struct controller *c)
{
	pthread_mutex_destroy(&c->stats_lock);
	pthread_mutex_destroy(&c->llock);
}

struct controller *controller_create(const struct controller_params *params)
{
	struct controller *c;
	uint64_t now;
	int err = EINVAL;
	size_t made = 0;

	if (params == NULL || params->config == NULL || params->hw == NULL ||
	    params->config->station_count == 0 ||
	    params->config->station_count > KIOSK_MAX_STATIONS)
		goto fail;
	for (size_t i = 0; i < params->config->station_count; i++) {
		if (params->hw[i] == NULL)
			goto fail;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err = ENOMEM;
		goto fail;
	}
	c->p = *params;
	c->n = params->config->station_count;
	c->sink = (struct event_sink){.emit = controller_emit, .ctx = c};
	c->board = bulletin_create();
	if (c->board == NULL) {
		err = errno;
		goto fail_free;
	}
	c->mb = mailbox_create(CONTROLLER_QUEUE_LEN);
	if (c->mb == NULL) {
		err = errno;
		goto fail_board;
	}
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->timer_fd < 0) {
		err = errno;
		goto fail_mailbox;
	}
	init_locks(c);

	now = now_ms(c);
	for (made = 0; made < c->n; made++) {
		struct station_context ctx = {
		    .config = params->config,
		    .station = &params->config->stations[made],
		    .programs = params->programs,
		    .screening = params->screening,
		    .index = (unsigned int)made,
		};
		struct station_slot *sl = &c->slot[made];

		sl->hw = params->hw[made];
		sl->button_fd = station_hw_button_fd(sl->hw);
		sl->st = station_create(&ctx, now);
		if (sl->st == NULL) {
			err = errno != 0 ? errno : EINVAL;
			goto fail_stations;
		}
		if (params->restore != NULL)
			station_restore(sl->st, &params->restore[made], now);
	}
	all_safe(c, now);
	publish(c, now, true);
	return c;

fail_stations:
	for (size_t i = 0; i < made; i++)
		station_destroy(c->slot[i].st);
	for (size_t i = 0; i < c->n; i++)
		(void)station_hw_safe(params->hw[i]);
	destroy_locks(c);
	close(c->timer_fd);
fail_mailbox:
	mailbox_destroy(c->mb);
fail_board:
	bulletin_destroy(c->board);
fail_free:
	free(c);
fail:
	errno = err;
	return NULL;
}

void controller_destroy(struct controller *c)
{
	if (c == NULL)
		return;
	stop_and_vent(c, false);
	c->listener_count = 0;
	for (size_t i = 0; i < c->n; i++)
		station_destroy(c->slot[i].st);
	destroy_locks(c);
	close(c->timer_fd);
	mailbox_destroy(c->mb);
	bulletin_destroy(c->board);
	free(c);
}

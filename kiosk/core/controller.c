/* SPDX-License-Identifier: MIT */
/*
 * The control thread.  Timing: deadlines are absolute on CLOCK_MONOTONIC,
 * one every CONTROLLER_TICK_MS; between them the thread waits on a condition
 * variable bound to CLOCK_MONOTONIC, so a queued command wakes it at once.
 * Commands are applied to the outputs as soon as they are taken; the tick
 * keeps its own deadline whatever the commands do.  After an overrun the
 * next deadline is max(deadline + tick, now): the missed slots are dropped,
 * never raced through, and the lateness is still measured against the slot.
 *
 * Sharing: the command queue (qlock + qcond), the published snapshots
 * (slock, held only to move a pointer or a reference count), the event ring
 * (elock) and the statistics (stats_lock).  Everything else belongs to the
 * control thread, or to the caller of controller_step() when no thread runs.
 */
#include "core/controller.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/station.h"
#include "drivers/station_hw.h"

#define CONTROLLER_QUEUE_LEN 256u
/* A flood of commands is taken in bounded batches, so a tick that falls due
 * is never more than one batch late. */
#define CONTROLLER_CMDS_PER_WAKE 32u
/* Readers may hold snapshots; with four buffers the thread finds a free one
 * unless three readers each hold a different old snapshot. */
#define CONTROLLER_SNAP_BUFS 4u
#define CONTROLLER_LISTENERS_MAX 4u
/* While a session runs, pressures change all the time; they are published
 * at least this often even when nothing else changed. */
#define CONTROLLER_REFRESH_MS 1000u
/* A stop button that reads pressed this soon after the first tick is an
 * open normally-closed circuit (a wiring fault), not a member.  Counted from
 * the first tick, not from create: the caller may spend seconds (UI setup)
 * between controller_create() and controller_start(). */
#define CONTROLLER_BUTTON_STARTUP_MS 1000u
#define NS_PER_MS 1000000ull
#define TICK_NS ((uint64_t)CONTROLLER_TICK_MS * NS_PER_MS)

struct queued_command {
	struct command cmd; /* pin wiped on entry */
	bool pin_ok;        /* CMD_STAFF_APPROVE: checked on the submitting thread */
};

struct snap_buf {
	struct kiosk_snapshot snap;
	unsigned int refs;
};

struct listener {
	void (*fn)(void *ctx);
	void *ctx;
};

struct controller {
	struct controller_params p;
	size_t n;
	struct station *st[KIOSK_MAX_STATIONS];
	struct station_hw *hw[KIOSK_MAX_STATIONS];
	bool safe_pending[KIOSK_MAX_STATIONS]; /* a safe-state write failed */
	bool button_held[KIOSK_MAX_STATIONS];  /* stop button read pressed last tick */
	bool button_fault[KIOSK_MAX_STATIONS]; /* locked for an open stop circuit */
	struct event_sink sink;
	bool ticked;            /* the first tick has run */
	uint64_t first_tick_ms; /* its time: the stop circuit's start-up window */

	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct queued_command queue[CONTROLLER_QUEUE_LEN];
	size_t qhead;
	/* Written under qlock; read without it so a full queue refuses a
	 * flood without ever contending for the lock the thread waits on. */
	_Atomic size_t qcount;
	bool stop_requested;
	bool running;
	pthread_t thread;

	pthread_mutex_t slock;
	struct snap_buf bufs[CONTROLLER_SNAP_BUFS];
	struct snap_buf *current;
	uint64_t snap_seq;
	struct kiosk_snapshot scratch;     /* control thread */
	struct kiosk_snapshot last_masked; /* what was last published, pressures masked */
	uint64_t last_publish_ms;

	pthread_mutex_t elock;
	struct kiosk_event ring[CONTROLLER_EVENT_RING];
	uint64_t next_seq;   /* the first event is seq 1 */
	bool events_pending; /* control thread */

	struct listener listeners[CONTROLLER_LISTENERS_MAX];
	size_t listener_count;
	/* Held while listeners are called and while the list changes, so a
	 * listener removed is never called again once removal returns. */
	pthread_mutex_t llock;

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
	pthread_mutex_lock(&c->elock);
	e.seq = c->next_seq++;
	c->ring[e.seq % CONTROLLER_EVENT_RING] = e;
	pthread_mutex_unlock(&c->elock);
	c->events_pending = true;
}

size_t controller_events_read(struct controller *c, uint64_t *cursor, struct kiosk_event *out,
                              size_t max, uint64_t *lost)
{
	uint64_t oldest, start, count;
	uint64_t missed = 0;

	pthread_mutex_lock(&c->elock);
	oldest = c->next_seq > CONTROLLER_EVENT_RING ? c->next_seq - CONTROLLER_EVENT_RING : 1u;
	start = *cursor;
	if (start < oldest) {
		missed = oldest - (start == 0 ? 1u : start);
		start = oldest;
	}
	count = start < c->next_seq ? c->next_seq - start : 0u;
	if (count > max)
		count = max;
	for (uint64_t i = 0; i < count; i++)
		out[i] = c->ring[(start + i) % CONTROLLER_EVENT_RING];
	*cursor = start + count;
	pthread_mutex_unlock(&c->elock);
	if (lost != NULL)
		*lost = missed;
	return (size_t)count;
}

/* --------------------------------------------------------------- snapshots */

static void snapshot_mask(struct kiosk_snapshot *s)
{
	s->seq = 0;
	s->now_ms = 0;
	for (size_t i = 0; i < s->station_count; i++) {
		memset(s->stations[i].zone_mmhg, 0, sizeof(s->stations[i].zone_mmhg));
		s->stations[i].manifold_mmhg = 0.0;
	}
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
 * forced.  Returns true when published. */
static bool publish(struct controller *c, uint64_t now, bool force)
{
	struct kiosk_snapshot *s = &c->scratch;
	struct snap_buf *buf = NULL;
	struct kiosk_snapshot masked;

	memset(s, 0, sizeof(*s));
	s->station_count = c->n;
	for (size_t i = 0; i < c->n; i++)
		station_snapshot(c->st[i], now, &s->stations[i]);
	memcpy(&masked, s, sizeof(masked));
	snapshot_mask(&masked);
	if (!force && memcmp(&masked, &c->last_masked, sizeof(masked)) == 0 &&
	    !(session_visible(s) && now - c->last_publish_ms >= CONTROLLER_REFRESH_MS))
		return false;

	pthread_mutex_lock(&c->slock);
	for (size_t i = 0; i < CONTROLLER_SNAP_BUFS; i++) {
		if (&c->bufs[i] != c->current && c->bufs[i].refs == 0) {
			buf = &c->bufs[i];
			break;
		}
	}
	pthread_mutex_unlock(&c->slock);
	if (buf == NULL)
		return false; /* every spare held by a reader: try again next tick */

	/* No reader can reach buf until it becomes current. */
	s->seq = ++c->snap_seq;
	s->now_ms = now;
	buf->snap = *s;
	pthread_mutex_lock(&c->slock);
	c->current = buf;
	pthread_mutex_unlock(&c->slock);
	memcpy(&c->last_masked, &masked, sizeof(masked));
	c->last_publish_ms = now;
	pthread_mutex_lock(&c->stats_lock);
	c->stats.snapshots++;
	pthread_mutex_unlock(&c->stats_lock);
	return true;
}

const struct kiosk_snapshot *controller_snapshot_acquire(struct controller *c)
{
	struct snap_buf *b;

	pthread_mutex_lock(&c->slock);
	b = c->current;
	b->refs++;
	pthread_mutex_unlock(&c->slock);
	return &b->snap;
}

void controller_snapshot_release(struct controller *c, const struct kiosk_snapshot *snap)
{
	if (c == NULL || snap == NULL)
		return;
	pthread_mutex_lock(&c->slock);
	for (size_t i = 0; i < CONTROLLER_SNAP_BUFS; i++) {
		if (&c->bufs[i].snap == snap && c->bufs[i].refs > 0) {
			c->bufs[i].refs--;
			break;
		}
	}
	pthread_mutex_unlock(&c->slock);
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
	int rc = 0;

	if (c == NULL || fn == NULL)
		return -EINVAL;
	pthread_mutex_lock(&c->llock);
	if (c->listener_count >= CONTROLLER_LISTENERS_MAX)
		rc = -ENOSPC;
	else
		c->listeners[c->listener_count++] = (struct listener){.fn = fn, .ctx = ctx};
	pthread_mutex_unlock(&c->llock);
	return rc;
}

int controller_remove_listener(struct controller *c, void (*fn)(void *ctx), void *ctx)
{
	int rc = -ENOENT;

	if (c == NULL || fn == NULL)
		return -EINVAL;
	pthread_mutex_lock(&c->llock);
	for (size_t i = 0; i < c->listener_count; i++) {
		if (c->listeners[i].fn != fn || c->listeners[i].ctx != ctx)
			continue;
		memmove(&c->listeners[i], &c->listeners[i + 1],
		        (c->listener_count - i - 1) * sizeof(c->listeners[0]));
		c->listener_count--;
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&c->llock);
	return rc;
}

/* ---------------------------------------------------------------- hardware */

static void hardware_failed(struct controller *c, size_t i, uint64_t now)
{
	station_hardware_failed(c->st[i], now, &c->sink);
	/* Until every line has taken the safe level, drive it again each tick. */
	c->safe_pending[i] = station_hw_safe(c->hw[i]) < 0;
}

static void apply_outputs(struct controller *c, size_t i, uint64_t now)
{
	struct station_outputs want, have;

	if (c->safe_pending[i]) {
		c->safe_pending[i] = station_hw_safe(c->hw[i]) < 0;
		/* A station whose lines refuse the safe level stays locked in
		 * FAULT whatever else happened (no-op when already there). */
		if (c->safe_pending[i] && station_state(c->st[i]) != STATION_FAULT)
			station_hardware_failed(c->st[i], now, &c->sink);
		return;
	}
	station_current_outputs(c->st[i], &want);
	have = station_hw_outputs(c->hw[i]);
	if (want.pump_on == have.pump_on && want.exhaust_open == have.exhaust_open &&
	    want.zones_open == have.zones_open)
		return;
	if (station_hw_apply(c->hw[i], &want) < 0)
		hardware_failed(c, i, now);
}

static void all_safe(struct controller *c, uint64_t now)
{
	for (size_t i = 0; i < c->n; i++) {
		if (station_hw_safe(c->hw[i]) < 0)
			hardware_failed(c, i, now);
	}
}

/* ---------------------------------------------------------------- commands */

static void process_command(struct controller *c, struct queued_command *qc, uint64_t now)
{
	struct kiosk_event res;
	const struct command *cmd = &qc->cmd;

	memset(&res, 0, sizeof(res));
	res.kind = EVENT_COMMAND_RESULT;
	res.station = cmd->station;
	res.action = cmd->action;
	res.source = cmd->source;
	memcpy(res.request_id, cmd->request_id, sizeof(res.request_id));
	res.request_id[sizeof(res.request_id) - 1] = '\0';
	if (cmd->station >= c->n) {
		res.status = CMD_ERR_BAD_STATION;
	} else if (c->safe_pending[cmd->station] &&
	           (cmd->action == CMD_RESET_FAULT || cmd->action == CMD_IN_SERVICE)) {
		/* A line still refuses its de-energised level (the pump may
		 * still run): the lock stays until the safe state has taken. */
		res.status = CMD_ERR_HARDWARE;
	} else if (cmd->action == CMD_RESET_FAULT && c->button_fault[cmd->station] &&
	           c->button_held[cmd->station]) {
		/* The stop circuit is still open: fix the wiring first. */
		res.status = CMD_ERR_BAD_STATE;
	} else {
		res.status = station_command_pin_checked(c->st[cmd->station], cmd, qc->pin_ok, now,
		                                         &c->sink);
		if (cmd->action == CMD_RESET_FAULT && res.status == CMD_OK)
			c->button_fault[cmd->station] = false;
		apply_outputs(c, cmd->station, now);
	}
	controller_emit(c, &res);
	explicit_bzero(qc, sizeof(*qc));
}

/* Take up to max queued commands into batch; the caller holds qlock. */
static size_t dequeue_locked(struct controller *c, struct queued_command *batch, size_t max)
{
	size_t n = 0;

	while (n < max && c->qcount > 0) {
		struct queued_command *q = &c->queue[c->qhead];

		batch[n++] = *q;
		explicit_bzero(q, sizeof(*q));
		c->qhead = (c->qhead + 1u) % CONTROLLER_QUEUE_LEN;
		atomic_fetch_sub_explicit(&c->qcount, 1u, memory_order_relaxed);
	}
	return n;
}

static size_t run_commands(struct controller *c, uint64_t now, size_t max)
{
	struct queued_command batch[CONTROLLER_CMDS_PER_WAKE];
	size_t total = 0;

	while (total < max) {
		size_t want =
		    max - total < CONTROLLER_CMDS_PER_WAKE ? max - total : CONTROLLER_CMDS_PER_WAKE;
		size_t n;

		pthread_mutex_lock(&c->qlock);
		n = dequeue_locked(c, batch, want);
		pthread_mutex_unlock(&c->qlock);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			process_command(c, &batch[i], now);
		total += n;
	}
	if (total > 0) {
		pthread_mutex_lock(&c->stats_lock);
		c->stats.commands += total;
		pthread_mutex_unlock(&c->stats_lock);
		notify(c, publish(c, now, false));
	}
	return total;
}

int controller_submit(struct controller *c, const struct command *cmd)
{
	struct queued_command qc;
	int ret = 0;

	if (c == NULL || cmd == NULL || (unsigned int)cmd->action >= CMD_ACTION_COUNT ||
	    (unsigned int)cmd->source > SOURCE_INTERNAL)
		return -EINVAL;
	qc.cmd = *cmd;
	qc.pin_ok = false;
	/* crypt(3) is slow on purpose: hash on the caller's thread, never on
	 * the control thread; only the verdict travels. */
	if (cmd->action == CMD_STAFF_APPROVE)
		qc.pin_ok = kiosk_config_pin_matches(c->p.config, cmd->pin);
	explicit_bzero(qc.cmd.pin, sizeof(qc.cmd.pin));
	qc.cmd.request_id[sizeof(qc.cmd.request_id) - 1] = '\0';

	if (atomic_load_explicit(&c->qcount, memory_order_relaxed) >= CONTROLLER_QUEUE_LEN) {
		ret = -EAGAIN;
	} else {
		pthread_mutex_lock(&c->qlock);
		if (c->qcount == CONTROLLER_QUEUE_LEN) {
			ret = -EAGAIN;
		} else {
			c->queue[(c->qhead + c->qcount) % CONTROLLER_QUEUE_LEN] = qc;
			atomic_fetch_add_explicit(&c->qcount, 1u, memory_order_relaxed);
			pthread_cond_signal(&c->qcond);
		}
		pthread_mutex_unlock(&c->qlock);
	}
	if (ret == -EAGAIN) {
		pthread_mutex_lock(&c->stats_lock);
		c->stats.queue_full++;
		pthread_mutex_unlock(&c->stats_lock);
	}
	explicit_bzero(&qc, sizeof(qc));
	return ret;
}

/* -------------------------------------------------------------------- tick */

static void tick_station(struct controller *c, size_t i, uint64_t now)
{
	struct pressure_reading r = {.status = PRESSURE_ERROR};
	struct station_outputs out;

	if (station_hw_read_pressure(c->hw[i], now, &r) < 0)
		r.status = PRESSURE_ERROR;
	c->button_held[i] = station_hw_button_pressed(c->hw[i], now);
	if (c->button_held[i]) {
		enum station_state s = station_state(c->st[i]);

		if (now - c->first_tick_ms < CONTROLLER_BUTTON_STARTUP_MS) {
			/* Pressed before anyone could press it: an open NC circuit.
			 * A reset is refused until the circuit closes. */
			station_raise_fault(c->st[i], FAULT_STOP_BUTTON, now, &c->sink);
			c->button_fault[i] = true;
		} else if (s == STATION_RUNNING || s == STATION_PAUSED) {
			struct command stop = {.action = CMD_STOP,
			                       .source = SOURCE_BUTTON,
			                       .station = (unsigned int)i};

			(void)station_command(c->st[i], &stop, now, &c->sink);
		}
	}
	station_tick(c->st[i], now, &r, &out, &c->sink);
	apply_outputs(c, i, now);
}

static void run_tick(struct controller *c, uint64_t now, uint64_t lateness_ns)
{
	uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	double cpu_us;
	bool changed;

	if (!c->ticked) {
		c->ticked = true;
		c->first_tick_ms = now;
	}
	for (size_t i = 0; i < c->n; i++)
		tick_station(c, i, now);
	changed = publish(c, now, false);
	cpu_us = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0) / 1000.0;

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
	pthread_mutex_unlock(&c->stats_lock);

	notify(c, changed);
	if (c->p.on_tick != NULL)
		c->p.on_tick(c->p.on_tick_ctx, now);
}

void controller_step(struct controller *c, uint64_t now)
{
	run_commands(c, now, CONTROLLER_QUEUE_LEN);
	run_tick(c, now, 0);
}

static struct timespec ns_to_timespec(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
	                         .tv_nsec = (long)(ns % 1000000000ull)};
}

static void *control_thread(void *arg)
{
	struct controller *c = arg;
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
	deadline = due = clock_ns(CLOCK_MONOTONIC) + TICK_NS;

	pthread_mutex_lock(&c->qlock);
	for (;;) {
		uint64_t t;

		while (!c->stop_requested && c->qcount == 0) {
			struct timespec ts = ns_to_timespec(deadline);

			if (clock_ns(CLOCK_MONOTONIC) >= deadline)
				break;
			pthread_cond_timedwait(&c->qcond, &c->qlock, &ts);
		}
		if (c->stop_requested)
			break;
		pthread_mutex_unlock(&c->qlock);

		/* Commands first: a stop reaches the valves now, not at the tick. */
		run_commands(c, now_ms(c), CONTROLLER_CMDS_PER_WAKE);
		t = clock_ns(CLOCK_MONOTONIC);
		if (t >= deadline) {
			/* Lateness against the tick's own slot, so the tick run
			 * after an overrun reports how late it really was. */
			run_tick(c, now_ms(c), t - due);
			/* Next slot max(deadline + TICK, now): after an overrun
			 * one tick runs at once and the period restarts from
			 * it; the missed slots are dropped, never raced. */
			due = deadline + TICK_NS;
			t = clock_ns(CLOCK_MONOTONIC);
			deadline = due > t ? due : t;
		}
		pthread_mutex_lock(&c->qlock);
	}
	pthread_mutex_unlock(&c->qlock);
	return NULL;
}

int controller_start(struct controller *c)
{
	int rc;

	if (c == NULL)
		return -EINVAL;
	if (c->running)
		return -EALREADY;
	c->stop_requested = false;
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
		pthread_mutex_lock(&c->qlock);
		c->stop_requested = true;
		pthread_cond_signal(&c->qcond);
		pthread_mutex_unlock(&c->qlock);
		pthread_join(c->thread, NULL);
		c->running = false;
	}
	/* This thread owns the stations now: end what runs, vent everything. */
	now = now_ms(c);
	for (size_t i = 0; i < c->n; i++) {
		enum station_state s = station_state(c->st[i]);

		if (s == STATION_RUNNING || s == STATION_PAUSED) {
			struct command stop = {.action = CMD_STOP,
			                       .source = SOURCE_INTERNAL,
			                       .station = (unsigned int)i};

			(void)station_command(c->st[i], &stop, now, &c->sink);
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

struct controller *controller_create(const struct controller_params *params)
{
	struct controller *c;
	pthread_condattr_t attr;
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
	c->next_seq = 1;
	c->current = &c->bufs[0];

	err = pthread_condattr_init(&attr);
	if (err != 0)
		goto fail_free;
	err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (err == 0)
		err = pthread_cond_init(&c->qcond, &attr);
	pthread_condattr_destroy(&attr);
	if (err != 0)
		goto fail_free;
	/* Priority inheritance: a reader preempted while holding a lock must
	 * not hold up a real-time control thread behind it. */
	{
		pthread_mutexattr_t ma;

		pthread_mutexattr_init(&ma);
		(void)pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
		pthread_mutex_init(&c->qlock, &ma);
		pthread_mutex_init(&c->slock, &ma);
		pthread_mutex_init(&c->elock, &ma);
		pthread_mutex_init(&c->stats_lock, &ma);
		pthread_mutex_init(&c->llock, &ma);
		pthread_mutexattr_destroy(&ma);
	}

	now = now_ms(c);
	for (made = 0; made < c->n; made++) {
		struct station_context ctx = {
		    .config = params->config,
		    .station = &params->config->stations[made],
		    .programs = params->programs,
		    .screening = params->screening,
		    .index = (unsigned int)made,
		};

		c->hw[made] = params->hw[made];
		c->st[made] = station_create(&ctx, now);
		if (c->st[made] == NULL) {
			err = errno != 0 ? errno : EINVAL;
			goto fail_stations;
		}
		if (params->restore != NULL)
			station_restore(c->st[made], &params->restore[made], now);
	}
	all_safe(c, now);
	publish(c, now, true);
	return c;

fail_stations:
	for (size_t i = 0; i < made; i++)
		station_destroy(c->st[i]);
	for (size_t i = 0; i < c->n; i++)
		(void)station_hw_safe(params->hw[i]);
	pthread_mutex_destroy(&c->llock);
	pthread_mutex_destroy(&c->stats_lock);
	pthread_mutex_destroy(&c->elock);
	pthread_mutex_destroy(&c->slock);
	pthread_mutex_destroy(&c->qlock);
	pthread_cond_destroy(&c->qcond);
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
		station_destroy(c->st[i]);
	pthread_mutex_destroy(&c->llock);
	pthread_mutex_destroy(&c->stats_lock);
	pthread_mutex_destroy(&c->elock);
	pthread_mutex_destroy(&c->slock);
	pthread_mutex_destroy(&c->qlock);
	pthread_cond_destroy(&c->qcond);
	explicit_bzero(c->queue, sizeof(c->queue));
	free(c);
}

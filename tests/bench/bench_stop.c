/* SPDX-License-Identifier: MIT */
/*
 * bench_stop: how long a stop takes from each of its three sources to every
 * output of the station de-energised.  8 simulated stations of 6 zones run
 * sessions on the real control thread, with the event log, history and MQTT
 * link wired as main.c wires them (bench_kiosk.h) to a real mosquitto on
 * 127.0.0.1, and a real ui_view that submits to the controller as ui.c does:
 *   touch   STOP on the running screen, pressed at its centre in the view
 *           (this thread plays the SDL main thread);
 *   mqtt    the staff stop command from a staff client through the broker;
 *   button  the stop switch opened on the simulator's backdoor
 *           (boot_sim_press_stop_button), as the wire would.
 * The clock starts just before the call that issues the stop and stops on
 * the control thread at the write that turns the pump off and opens the
 * exhaust (the stop acting), and at the write that leaves every output line
 * of the station de-energised (output_watch.h: a hook on each output line).
 * Each stop lands while a zone fills (the pump on and the exhaust shut:
 * the stop's own write turns both off), 50-850 ms after the session's
 * first energised output or a later try when no fill was under way then,
 * at a tick phase taken in turn, so every phase of the 20 ms tick is
 * covered; the station then vents, is cleaned and starts again.
 *
 *   bench_stop [--count N] [--hogs N] [--rt] [--unit FILE] [--vent-ms MS] [--seed S]
 *
 * --count   stops per source (default 1000)
 * --hogs    N CPU-bound processes spinning beside the benchmark
 * --rt      the shipped scheduling: the unit's limits and the shipped
 *           kiosk.conf's realtime_priority through the kiosk's own
 *           realtime_prepare() (bench_support.h); the benchmark makes
 *           the button's edge at one priority below the control thread,
 *           as the kernel's interrupt would come whatever the hogs do
 *           (the touch and the staff client stay at normal priority)
 * --unit    --rt with another unit file (an installed one with drop-ins)
 * --vent-ms the stations' venting time (default 1500 ms, shipped 3000): only
 *           how fast the stations come round again
 * Targets: touch and button p99 < 1 ms, MQTT p99 < 5 ms on loopback.
 * Build without sanitizers for meaningful figures.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bench_kiosk.h"
#include "bench_support.h"
#include "config/config.h"
#include "core/controller.h"
#include "core/program.h"
#include "core/screening.h"
#include "drivers/sim/boot_sim.h"
#include "mqtt_test_support.h"
#include "output_watch.h"
#include "store/event_log.h"
#include "ui/view.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define UNIT_TEMPLATE SOURCE_DIR "/systemd/recovery-kiosk.service.in"
#define STATIONS 8u
#define ZONES 6u
#define NS_PER_MS 1000000ull
#define TICK_NS ((uint64_t)CONTROLLER_TICK_MS * NS_PER_MS)
#define FIRE_MIN_NS (50ull * NS_PER_MS)
#define FIRE_SPAN_NS (800ull * NS_PER_MS)
#define STOP_TIMEOUT_NS (3000ull * NS_PER_MS)
/* Every output de-energised comes at the end of the vent's verification
 * (each zone read alone and puffed), seconds after the stop's own write. */
#define SAFE_TIMEOUT_NS (15000ull * NS_PER_MS)
#define START_TIMEOUT_NS (5000ull * NS_PER_MS)
#define BUTTON_HOLD_NS (60ull * NS_PER_MS)
#define PHASES 4u

enum source { SRC_TOUCH, SRC_MQTT, SRC_BUTTON, SRC_COUNT };
static const char *const source_name[SRC_COUNT] = {"touch", "mqtt", "button"};
static const double target_p99_ms[SRC_COUNT] = {1.0, 5.0, 1.0};

enum step {
	STEP_START,     /* bring the station to a running session */
	STEP_WAIT_RUN,  /* session asked for; wait until it runs */
	STEP_ARMED,     /* stop scheduled at fire_ns */
	STEP_WAIT_SAFE, /* stop sent at t0; wait for every output off */
	STEP_WAIT_VENT, /* measured; wait until the station can start again */
};

struct station_run {
	enum step step;
	enum source src;
	uint64_t deadline_ns;
	uint64_t fire_ns;
	uint64_t t0_ns;
	uint64_t release_ns;    /* button: when to let go, 0 = not held */
	uint64_t want_phase_ns; /* the tick phase this stop aims at */
	unsigned int phase;
	unsigned int program;
};

struct samples {
	double *ms;      /* to every output de-energised */
	double *acts_ms; /* to pump off and exhaust open */
	double *scratch; /* the report's copy of one of them */
	unsigned int *phase;
	size_t n;
	size_t timeouts;
};

struct bench {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct bench_hw hw;
	struct controller *ctl;
	struct bench_kiosk kiosk;
	struct test_broker broker;
	bool broker_up;
	struct test_client *staff;
	SDL_Surface *surface;
	SDL_Renderer *renderer;
	struct ui_view *view;
	const struct kiosk_snapshot *view_snap;
	struct output_watch watch[STATIONS];
	struct station_run run[STATIONS];
	struct samples s[SRC_COUNT];
	size_t count;
	atomic_uint_fast64_t last_tick_ns;
	unsigned int seed;
	double phase_seq;
	unsigned long faults, skipped, restarts, rid;
	unsigned long retries; /* fire times that found no fill under way */
	/* Under --rt, the priority the button's edge is made at: the edge
	 * plays the kernel's interrupt, which no CPU hog delays (0: none). */
	int edge_priority;
};

/* --------------------------------------------------------------- hooks */

static void on_tick(void *ctx, uint64_t now_ms)
{
	struct bench *b = ctx;

	(void)now_ms;
	atomic_store(&b->last_tick_ns, bench_now_ns());
}

static int watch_lines(struct bench *b)
{
	for (size_t i = 0; i < STATIONS; i++) {
		int rc = output_watch_start(&b->watch[i], b->hw.gpio, &b->cfg.stations[i].pins);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static void unwatch_lines(struct bench *b)
{
	for (size_t i = 0; i < STATIONS; i++)
		output_watch_stop(&b->watch[i], b->hw.gpio, &b->cfg.stations[i].pins);
}

/* ------------------------------------------------------------ commands */

static void submit(struct bench *b, enum command_action a, unsigned int station,
                   unsigned int question, bool yes, unsigned int program)
{
	struct command c;

	memset(&c, 0, sizeof(c));
	c.action = a;
	c.source = SOURCE_UI;
	c.station = station;
	c.question = question;
	c.yes = yes;
	c.program_index = program;
	(void)controller_submit(b->ctl, &c);
}

/* What a member does at the screen: program, screening, start. */
static void start_session(struct bench *b, unsigned int i, enum station_state s)
{
	struct station_run *r = &b->run[i];

	if (s == STATION_NEEDS_CLEANING)
		submit(b, CMD_CLEANED, i, 0, false, 0);
	/* Programs that skip a zone keep it shut while the others vent (vent.h):
	 * "every output de-energised" would then time the vent, not the stop. */
	do
		r->program = (r->program + 1u) % (unsigned int)b->programs.count;
	while (b->programs.items[r->program].skip_mask != 0);
	submit(b, CMD_SELECT_PROGRAM, i, 0, false, r->program);
	submit(b, CMD_BEGIN_SCREENING, i, 0, false, 0);
	for (unsigned int q = 0; q < b->screening.count; q++)
		submit(b, CMD_ANSWER, i, q, b->screening.items[q].cls == SCREENING_ACKNOWLEDGE, 0);
	submit(b, CMD_START, i, 0, false, 0);
	b->restarts++;
}

/* The source with the fewest samples that still needs some. */
static enum source next_source(const struct bench *b)
{
	size_t pending[SRC_COUNT] = {0};
	enum source best = SRC_COUNT;

	for (size_t i = 0; i < STATIONS; i++) {
		if (b->run[i].step == STEP_ARMED || b->run[i].step == STEP_WAIT_SAFE)
			pending[b->run[i].src]++;
	}
	for (int s = 0; s < SRC_COUNT; s++) {
		size_t have = b->s[s].n + b->s[s].timeouts + pending[s];

		if (have < b->count && (best == SRC_COUNT ||
		                        have < b->s[best].n + b->s[best].timeouts + pending[best]))
			best = (enum source)s;
	}
	return best;
}

static uint64_t random_ns(struct bench *b, uint64_t span)
{
	uint64_t r = ((uint64_t)rand_r(&b->seed) << 31) ^ (uint64_t)rand_r(&b->seed);

	return r % span;
}

/* When to fire the next stop: 50-850 ms from now, at a phase of the tick
 * taken in turn from a low-discrepancy sequence (golden-ratio steps), so the
 * stops cover every phase of the 20 ms tick evenly whatever the load does
 * to this thread's own wake-ups.  The phase is measured again at the stop. */
static uint64_t at_phase(const struct bench *b, uint64_t t, uint64_t want)
{
	uint64_t tick = atomic_load(&b->last_tick_ns);

	if (tick == 0 || tick > t)
		return t;
	return t + (want + TICK_NS - (t - tick) % TICK_NS) % TICK_NS;
}

static uint64_t fire_time(struct bench *b, struct station_run *r, uint64_t now)
{
	b->phase_seq = fmod(b->phase_seq + 0.6180339887498949, 1.0);
	r->want_phase_ns = (uint64_t)(b->phase_seq * (double)TICK_NS);
	return at_phase(b, now + FIRE_MIN_NS + random_ns(b, FIRE_SPAN_NS), r->want_phase_ns);
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {.tv_sec = (time_t)(t / 1000000000ull),
	                      .tv_nsec = (long)(t % 1000000000ull)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ------------------------------------------------------------- sources */

/* The running screen of station i up and drawn, as the member sees it. */
static void touch_prepare(struct bench *b, unsigned int i, struct ui_rect *stop)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(b->ctl);
	uint64_t now_ms = bench_now_ns() / NS_PER_MS;
	bool touchable = false;

	ui_view_set_snapshot(b->view, snap, now_ms);
	if (b->view_snap)
		controller_snapshot_release(b->ctl, b->view_snap);
	b->view_snap = snap;
	ui_view_show(b->view, UI_SCREEN_RUNNING, (int)i);
	ui_view_render(b->view, now_ms);
	/* Where STOP is in the frame just drawn. */
	*stop = ui_view_button(b->view, UI_BTN_STOP, &touchable);
	if (!touchable)
		stop->w = 0;
}

static int fire(struct bench *b, unsigned int i)
{
	struct station_run *r = &b->run[i];
	uint64_t tick;

	/* Stamps from here on are this stop's (no earlier than its t0). */
	atomic_store(&b->watch[i].armed_ns, bench_now_ns());
	switch (r->src) {
	case SRC_TOUCH: {
		struct ui_rect stop;
		uint64_t now_ms;
		int x, y;

		touch_prepare(b, i, &stop);
		if (stop.w <= 0 || ui_view_screen(b->view) != UI_SCREEN_RUNNING)
			return -ENOENT;
		/* Drawing the screen took time: back to the phase aimed at. */
		sleep_until(at_phase(b, bench_now_ns(), r->want_phase_ns));
		x = stop.x + stop.w / 2;
		y = stop.y + stop.h / 2;
		r->t0_ns = bench_now_ns();
		now_ms = r->t0_ns / NS_PER_MS;
		ui_view_pointer_down(b->view, x, y, now_ms);
		ui_view_pointer_up(b->view, x, y, now_ms);
		break;
	}
	case SRC_MQTT: {
		struct test_command tc;
		char rid[32];

		snprintf(rid, sizeof(rid), "bench-%lu", ++b->rid);
		r->t0_ns = bench_now_ns();
		if (test_client_send_command(b->staff, i + 1u, "stop", rid, &tc) < 0)
			return -EIO;
		break;
	}
	case SRC_BUTTON: {
		struct sched_param rt = {.sched_priority = b->edge_priority}, normal = {0};
		if (b->edge_priority > 0)
			pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt);
		r->t0_ns = bench_now_ns();
		boot_sim_press_stop_button(bench_hw_boot(&b->hw, i), true);
		if (b->edge_priority > 0)
			pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
		r->release_ns = r->t0_ns + BUTTON_HOLD_NS;
		break;
	}
	default:
		return -EINVAL;
	}
	tick = atomic_load(&b->last_tick_ns);
	r->phase = tick != 0 && r->t0_ns >= tick
	               ? (unsigned int)(((r->t0_ns - tick) % TICK_NS) * PHASES / TICK_NS)
	               : 0u;
	return 0;
}

static void record(struct bench *b, struct station_run *r, uint64_t safe_ns, uint64_t acts_ns)
{
	struct samples *s = &b->s[r->src];

	if (s->n < b->count) {
		/* -1: not every output de-energised within SAFE_TIMEOUT_NS. */
		s->ms[s->n] = safe_ns > r->t0_ns ? (double)(safe_ns - r->t0_ns) / 1e6 : -1.0;
		/* Pump and exhaust already off at the stop: the all-off write is it. */
		s->acts_ms[s->n] =
		    (double)((acts_ns > r->t0_ns ? acts_ns : safe_ns) - r->t0_ns) / 1e6;
		s->phase[s->n] = r->phase;
		s->n++;
	}
}

/* ---------------------------------------------------------- the driver */

static void advance(struct bench *b, unsigned int i, const struct station_snapshot *st,
                    uint64_t now)
{
	struct station_run *r = &b->run[i];
	struct output_watch *w = &b->watch[i];

	if (r->release_ns != 0 && now >= r->release_ns) {
		boot_sim_press_stop_button(bench_hw_boot(&b->hw, i), false);
		r->release_ns = 0;
	}
	if (st->state == STATION_FAULT && r->step != STEP_WAIT_SAFE) {
		fprintf(stderr, "bench_stop: station %u faulted (%s); resetting it\n", i + 1,
		        fault_code_name(st->fault));
		b->faults++;
		submit(b, CMD_RESET_FAULT, i, 0, false, 0);
		r->step = STEP_WAIT_VENT;
		return;
	}
	switch (r->step) {
	case STEP_START:
		if (r->release_ns != 0)
			break;
		if (st->state == STATION_IDLE || st->state == STATION_NEEDS_CLEANING) {
			if (next_source(b) == SRC_COUNT)
				break;
			start_session(b, i, st->state);
			r->step = STEP_WAIT_RUN;
			r->deadline_ns = now + START_TIMEOUT_NS;
		}
		break;
	case STEP_WAIT_RUN:
		if (st->state == STATION_RUNNING && atomic_load(&w->energised) != 0) {
			r->src = next_source(b);
			if (r->src == SRC_COUNT) {
				r->step = STEP_WAIT_VENT;
				submit(b, CMD_STOP, i, 0, false, 0);
				break;
			}
			r->fire_ns = fire_time(b, r, now);
			r->step = STEP_ARMED;
		} else if (now > r->deadline_ns) {
			fprintf(stderr, "bench_stop: station %u did not start (state %s)\n", i + 1,
			        station_state_name(st->state));
			r->step = STEP_START;
		}
		break;
	case STEP_ARMED:
		if (now < r->fire_ns)
			break;
		if (st->state != STATION_RUNNING || atomic_load(&w->energised) == 0) {
			b->skipped++;
			r->step = STEP_WAIT_VENT;
			break;
		}
		/* Pump and exhaust both energised: a fill under way, so the
		 * stop's write is the one that turns them off.  Otherwise
		 * (the seal check's reads, a hold, a release) try again later
		 * at the same phase. */
		if ((atomic_load(&w->energised) & 3u) != 3u) {
			b->retries++;
			r->fire_ns = fire_time(b, r, now);
			break;
		}
		if (fire(b, i) < 0) {
			fprintf(stderr, "bench_stop: station %u: the %s stop could not be sent\n",
			        i + 1, source_name[r->src]);
			b->skipped++;
			r->step = STEP_WAIT_VENT;
			break;
		}
		r->step = STEP_WAIT_SAFE;
		break;
	case STEP_WAIT_SAFE: {
		uint64_t safe = atomic_load(&w->safe_ns);
		uint64_t acts = atomic_load(&w->acts_ns);

		if (safe > r->t0_ns ||
		    (acts > r->t0_ns && bench_now_ns() > r->t0_ns + SAFE_TIMEOUT_NS)) {
			record(b, r, safe, acts);
			r->step = STEP_WAIT_VENT;
		} else if (acts <= r->t0_ns && bench_now_ns() > r->t0_ns + STOP_TIMEOUT_NS) {
			fprintf(stderr, "bench_stop: station %u: %s stop not applied within 3 s\n",
			        i + 1, source_name[r->src]);
			b->s[r->src].timeouts++;
			r->step = STEP_WAIT_VENT;
		}
		break;
	}
	case STEP_WAIT_VENT:
		if (st->state == STATION_NEEDS_CLEANING || st->state == STATION_IDLE)
			r->step = STEP_START;
		break;
	}
}

static bool finished(const struct bench *b)
{
	for (int s = 0; s < SRC_COUNT; s++) {
		if (b->s[s].n + b->s[s].timeouts < b->count)
			return false;
	}
	return true;
}

static uint64_t next_wake(const struct bench *b, uint64_t now)
{
	uint64_t t = now + NS_PER_MS;

	for (size_t i = 0; i < STATIONS; i++) {
		if (b->run[i].step == STEP_ARMED && b->run[i].fire_ns < t)
			t = b->run[i].fire_ns;
	}
	return t;
}

static int drive(struct bench *b)
{
	uint64_t last_report = bench_now_ns();

	while (!finished(b)) {
		const struct kiosk_snapshot *snap = controller_snapshot_acquire(b->ctl);
		uint64_t now = bench_now_ns();
		uint64_t wake;

		for (unsigned int i = 0; i < STATIONS; i++)
			advance(b, i, &snap->stations[i], now);
		controller_snapshot_release(b->ctl, snap);
		if (now - last_report > 10000ull * NS_PER_MS) {
			last_report = now;
			fprintf(stderr, "bench_stop: touch %zu, mqtt %zu, button %zu of %zu\n",
			        b->s[SRC_TOUCH].n, b->s[SRC_MQTT].n, b->s[SRC_BUTTON].n, b->count);
		}
		wake = next_wake(b, bench_now_ns());
		sleep_until(wake);
	}
	return 0;
}

/* -------------------------------------------------------------- report */

/* One table: every source's distribution against its target. */
static void report_table(struct bench *b, const char *what, bool acts)
{
	struct bench_dist d[SRC_COUNT];

	printf("\n%s:\n%-7s %6s %9s %9s %9s %9s   %s\n", what, "source", "stops", "p50 ms",
	       "p99 ms", "max ms", "target", "p99/target");
	for (int s = 0; s < SRC_COUNT; s++) {
		/* The all-off figure leaves out the stops whose vent did not end
		 * within SAFE_TIMEOUT_NS (counted below). */
		size_t kept = 0, late = 0;
		for (size_t k = 0; k < b->s[s].n; k++) {
			double v = acts ? b->s[s].acts_ms[k] : b->s[s].ms[k];
			if (v < 0)
				late++;
			else
				b->s[s].scratch[kept++] = v;
		}
		d[s] = bench_dist_of(b->s[s].scratch, kept);
		if (acts)
			printf("%-7s %6zu %9.3f %9.3f %9.3f %9.1f   %.2f %s", source_name[s],
			       d[s].n, d[s].p50, d[s].p99, d[s].max, target_p99_ms[s],
			       d[s].p99 / target_p99_ms[s],
			       d[s].p99 < target_p99_ms[s] && b->s[s].timeouts == 0 ? "met"
			                                                            : "MISSED");
		else /* the vent's verification by design: no target */
			printf("%-7s %6zu %9.3f %9.3f %9.3f %9s   -", source_name[s], d[s].n,
			       d[s].p50, d[s].p99, d[s].max, "-");
		if (b->s[s].timeouts)
			printf(" (%zu not applied within 3 s)", b->s[s].timeouts);
		if (late)
			printf(" (%zu not all off within %llu s)", late,
			       SAFE_TIMEOUT_NS / 1000000000ull);
		printf("\n");
	}
	printf("ratios of medians: mqtt/touch %.1f, button/touch %.1f\n",
	       d[SRC_TOUCH].p50 > 0 ? d[SRC_MQTT].p50 / d[SRC_TOUCH].p50 : 0.0,
	       d[SRC_TOUCH].p50 > 0 ? d[SRC_BUTTON].p50 / d[SRC_TOUCH].p50 : 0.0);
}

static void report(struct bench *b, const struct controller_stats *cs, double load0, double load1)
{
	report_table(b, "from the stop to its write: pump off and exhaust open", true);
	report_table(b,
	             "from the stop to every output of the station de-energised (the end of the "
	             "vent's verification: each zone read alone and puffed; no target)",
	             false);
	printf("\nby phase of the tick (ms after the control thread's last tick), to pump off and "
	       "exhaust open: stops, p50 / p99 ms\n%-7s",
	       "source");
	for (unsigned int p = 0; p < PHASES; p++)
		printf("  %9u-%-2u ms     ", p * 20 / PHASES, (p + 1) * 20 / PHASES);
	printf("\n");
	for (int s = 0; s < SRC_COUNT; s++) {
		struct samples *x = &b->s[s];
		double *v = malloc((x->n ? x->n : 1) * sizeof(double));

		printf("%-7s", source_name[s]);
		for (unsigned int p = 0; p < PHASES && v != NULL; p++) {
			struct bench_dist q;
			size_t n = 0;

			for (size_t k = 0; k < x->n; k++) {
				if (x->phase[k] == p)
					v[n++] = x->acts_ms[k];
			}
			q = bench_dist_of(v, n);
			printf("  %5zu %6.3f/%-6.3f", n, q.p50, q.p99);
		}
		printf("\n");
		free(v);
	}
	printf("\ncontrol thread: %llu ticks, lateness max %.0f us, %llu late > 2 ms, "
	       "%.1f us CPU per tick (whole thread), SCHED_FIFO %s\n",
	       (unsigned long long)cs->ticks, cs->max_lateness_us,
	       (unsigned long long)cs->late_ticks_over_2ms,
	       cs->ticks ? cs->thread_cpu_us / (double)cs->ticks : 0.0,
	       cs->realtime ? "yes" : "no");
	printf("sessions started %lu, stops skipped %lu, tries with no fill under way %lu, faults "
	       "%lu; load average %.2f -> %.2f\n",
	       b->restarts, b->skipped, b->retries, b->faults, load0, load1);
}

/* --------------------------------------------------------------- set-up */

/* ui.c's submit callback: the view's commands go to the controller. */
static int submit_to_controller(void *ctx, const struct command *cmd)
{
	return controller_submit(ctx, cmd);
}

static int view_up(struct bench *b)
{
	const int w = 1024, h = 600;
	struct ui_view_params p;
	char err[256] = "";

	if (TTF_Init() != 0)
		return -EIO;
	b->cfg.display.width = (unsigned int)w;
	b->cfg.display.height = (unsigned int)h;
	b->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	b->renderer = b->surface ? SDL_CreateSoftwareRenderer(b->surface) : NULL;
	if (b->renderer == NULL) {
		fprintf(stderr, "bench_stop: offscreen renderer: %s\n", SDL_GetError());
		return -EIO;
	}
	memset(&p, 0, sizeof(p));
	p.config = &b->cfg;
	p.programs = &b->programs;
	p.screening = &b->screening;
	p.renderer = b->renderer;
	p.fonts_dir = KIOSK_SOURCE_ASSETS "/fonts";
	/* As ui.c wires it: the view's commands go straight to the controller. */
	p.submit = submit_to_controller;
	p.submit_ctx = b->ctl;
	b->view = ui_view_create(&p, w, h, err, sizeof(err));
	if (b->view == NULL) {
		fprintf(stderr, "bench_stop: ui_view_create: %s\n", err);
		return -EIO;
	}
	return 0;
}

static void view_down(struct bench *b)
{
	ui_view_destroy(b->view);
	if (b->view_snap)
		controller_snapshot_release(b->ctl, b->view_snap);
	b->view_snap = NULL;
	if (b->renderer)
		SDL_DestroyRenderer(b->renderer);
	if (b->surface)
		SDL_FreeSurface(b->surface);
	TTF_Quit();
}

struct options {
	size_t count;
	size_t hogs;
	bool rt;
	const char *unit;
	unsigned int vent_ms;
	unsigned int seed;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		unsigned long n = 0;

		if (strcmp(a, "--rt") == 0) {
			o->rt = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--unit") == 0 && v != NULL) {
			o->unit = v;
			o->rt = true;
			i++;
			continue;
		}
		if (v != NULL)
			n = strtoul(v, &end, 10);
		if (v == NULL || end == v || *end != '\0') {
			fprintf(stderr, "bench_stop: '%s' needs a number after it\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--count") == 0 && n >= 1 && n <= 1000000)
			o->count = n;
		else if (strcmp(a, "--hogs") == 0 && n <= BENCH_MAX_HOGS)
			o->hogs = n;
		else if (strcmp(a, "--vent-ms") == 0 && n >= 500 && n <= 60000)
			o->vent_ms = (unsigned int)n;
		else if (strcmp(a, "--seed") == 0)
			o->seed = (unsigned int)n;
		else {
			fprintf(stderr, "bench_stop: bad option or value: %s %s\n", a, v);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct station_service restore[KIOSK_MAX_STATIONS];
	struct controller_params cp;
	struct controller_stats cs;
	struct bench_unit_rt unit;
	pid_t hog_pids[BENCH_MAX_HOGS] = {0};
	size_t hogs_started = 0;
	struct options o = {.count = 1000,
	                    .unit = UNIT_TEMPLATE,
	                    .vent_ms = 1500,
	                    .seed = (unsigned int)time(NULL)};
	char err[512] = "", rt_line[600] = "normal scheduling (no --rt)";
	double load0, load1;
	int rc, ret = 1;

	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		printf("usage: %s [--count N] [--hogs N] [--rt] [--unit FILE] [--vent-ms MS] "
		       "[--seed S]\n",
		       argv[0]);
		return rc > 0 ? 0 : 2;
	}
	b.count = o.count;
	b.seed = o.seed;
	signal(SIGPIPE, SIG_IGN);
	for (int s = 0; s < SRC_COUNT; s++) {
		b.s[s].ms = calloc(b.count, sizeof(double));
		b.s[s].phase = calloc(b.count, sizeof(unsigned int));
		b.s[s].acts_ms = calloc(b.count, sizeof(double));
		b.s[s].scratch = calloc(b.count, sizeof(double));
		if (!b.s[s].ms || !b.s[s].phase || !b.s[s].acts_ms || !b.s[s].scratch)
			return 1;
	}
	bench_config_stations(&b.cfg, STATIONS, ZONES, true);
	b.cfg.limits.vent_ms = o.vent_ms;
	if (test_broker_start(&b.broker, SOURCE_DIR) < 0) {
		fprintf(stderr, "bench_stop: cannot start mosquitto\n");
		goto out;
	}
	b.broker_up = true;
	if (bench_config_mqtt(&b.cfg, &b.broker) < 0 ||
	    bench_load_assets(&b.cfg, &b.programs, &b.screening, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_stop: %s\n", err);
		goto out;
	}
	for (rc = 0; rc < (int)b.programs.count && b.programs.items[rc].skip_mask != 0; rc++)
		;
	if (rc == (int)b.programs.count) {
		fprintf(stderr, "bench_stop: every program in assets/ skips a zone; keep one that "
		                "does not\n");
		goto out;
	}
	if (bench_hw_build(&b.hw, &b.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_stop: %s\n", err);
		goto out;
	}
	if (watch_lines(&b) < 0) {
		fprintf(stderr, "bench_stop: cannot watch the output lines\n");
		goto out;
	}

	if (event_log_load_service(&b.cfg, restore, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_stop: %s\n", err);
		goto out;
	}
	memset(&cp, 0, sizeof(cp));
	cp.restore = restore;
	cp.config = &b.cfg;
	cp.programs = &b.programs;
	cp.screening = &b.screening;
	cp.hw = b.hw.hw;
	cp.on_tick = on_tick;
	cp.on_tick_ctx = &b;
	if (o.rt) {
		bench_unit_rt_read(&unit, o.unit, KIOSK_SOURCE_ASSETS "/kiosk.conf");
		cp.realtime_priority = bench_unit_rt_apply(&unit, rt_line, sizeof(rt_line));
		/* Below the control thread, above everything at normal priority. */
		b.edge_priority = cp.realtime_priority > 1 ? cp.realtime_priority - 1 : 0;
	}
	b.ctl = controller_create(&cp);
	if (b.ctl == NULL) {
		perror("bench_stop: controller_create");
		goto out;
	}
	if (bench_kiosk_create(&b.kiosk, &b.cfg, b.ctl, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_stop: %s\n", err);
		goto out_kiosk;
	}
	b.staff = test_client_connect(b.broker.port, "staff", TEST_PW_STAFF, &rc);
	if (b.staff == NULL || view_up(&b) < 0) {
		fprintf(stderr, "bench_stop: staff client or view failed\n");
		goto out_view;
	}
	if (controller_start(b.ctl) < 0 || bench_kiosk_start(&b.kiosk) < 0) {
		fprintf(stderr, "bench_stop: cannot start the threads\n");
		goto out_view;
	}
	/* Past the stop circuit's start-up window before any press. */
	sleep(2);
	hogs_started = bench_hogs_start(hog_pids, o.hogs);
	load0 = bench_loadavg();
	printf("bench_stop: %u stations x %u zones running sessions, %zu stops per source, "
	       "vent %u ms, %zu CPU hog(s), %ld CPUs\n%s\n",
	       STATIONS, ZONES, b.count, o.vent_ms, hogs_started, sysconf(_SC_NPROCESSORS_ONLN),
	       rt_line);
	fflush(stdout);
	drive(&b);
	load1 = bench_loadavg();
	bench_hogs_stop(hog_pids, hogs_started);
	controller_get_stats(b.ctl, &cs);
	report(&b, &cs, load0, load1);
	ret = 0;
out_view:
	bench_hogs_stop(hog_pids, hogs_started);
	controller_stop(b.ctl);
	view_down(&b);
	test_client_destroy(b.staff);
out_kiosk:
	bench_kiosk_teardown(&b.kiosk, b.ctl);
out:
	unwatch_lines(&b);
	bench_hw_free(&b.hw);
	if (b.broker_up)
		test_broker_cleanup(&b.broker);
	for (int s = 0; s < SRC_COUNT; s++) {
		free(b.s[s].ms);
		free(b.s[s].phase);
		free(b.s[s].acts_ms);
		free(b.s[s].scratch);
	}
	return ret;
}

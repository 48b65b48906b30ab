/* SPDX-License-Identifier: MIT */
/*
 * The in-VM half of the kernel test (run_kernel_test.sh).  It runs inside a
 * stock Debian kernel under qemu, statically linked with the project's own
 * libgpiod backend (gpio_gpiod_create), station hardware (station_hw) and
 * control core (controller), and checks them against the kernel's gpio-sim:
 * lines are set up through configfs, their electrical levels read and their
 * inputs driven through sysfs (sim_gpioN/value, sim_gpioN/pull).
 *
 * One line per check on stdout, which the ctest side asserts:
 *   KTEST PASS <check> (<detail>)      KTEST FAIL <check>: <why>
 * Exit status: the number of failed checks.
 *
 * gpio-sim returns a released line to its pull value, so outputs are always
 * read while the program still holds them.  The controller is stepped by
 * hand (controller_step) on the real CLOCK_MONOTONIC at absolute 20 ms tick
 * deadlines, as its own thread would: the kernel's edge timestamps, the
 * debounce and "within one tick" then mean what they mean on a Pi.  A wait
 * on the kernel (an edge reaching a line's fd, a child holding a line) is a
 * poll() with a bounded deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/controller.h"
#include "drivers/gpio.h"
#include "drivers/gpio_gpiod.h"
#include "drivers/station_hw.h"

#include "ktest.h"

/* ------------------------------------------------------------- stations */

static struct gpio_pin pin(unsigned int offset, bool active_low)
{
	struct gpio_pin p;

	memset(&p, 0, sizeof(p));
	snprintf(p.chip, sizeof(p.chip), "%s", SIM_LABEL);
	p.offset = offset;
	p.active_low = active_low;
	return p;
}

static struct station_pins pins_plain(unsigned int pump, unsigned int exhaust, unsigned int zone1,
                                      size_t zones, bool active_low)
{
	struct station_pins p;

	memset(&p, 0, sizeof(p));
	p.pump = pin(pump, active_low);
	p.exhaust = pin(exhaust, active_low);
	for (size_t k = 0; k < zones; k++)
		p.zones[k] = pin(zone1 + (unsigned int)k, active_low);
	p.zone_count = zones;
	p.sensor = SENSOR_NONE;
	return p;
}

/* A normally-closed stop button as kiosk.conf defaults it: pull-up bias,
 * 20 ms debounce; closed circuit = line low = not pressed. */
static void add_nc_button(struct station_pins *p, unsigned int line)
{
	p->has_stop_button = true;
	p->stop_button = pin(line, false);
	p->stop_button_bias = GPIO_BIAS_PULL_UP;
	p->stop_button_debounce_ms = 20;
}

static struct station_pins pins_a(void)
{
	struct station_pins p = pins_plain(L_A_PUMP, L_A_EXHAUST, L_A_ZONE1, A_ZONES, false);

	add_nc_button(&p, L_A_BUTTON);
	return p;
}

static struct station_pins pins_b(void)
{
	struct station_pins p = pins_plain(L_B_PUMP, L_B_EXHAUST, L_B_ZONE1, B_ZONES, true);

	add_nc_button(&p, L_B_BUTTON);
	return p;
}

/* ------------------------------------------------------- controller glue */

static uint64_t tick_clock_now(void *ctx)
{
	return ((const struct ktest *)ctx)->now_ms;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One control tick at the next absolute deadline (a late tick runs at once,
 * at the real time, like the control thread's resync). */
static void step(struct ktest *kt)
{
	struct kiosk_event buf[32];
	uint64_t lost = 0;
	uint64_t real = monotonic_ms();
	size_t n;

	kt->now_ms += CONTROLLER_TICK_MS;
	if (kt->now_ms <= real) {
		kt->now_ms = real;
	} else {
		struct timespec ts = {.tv_sec = (time_t)(kt->now_ms / 1000u),
		                      .tv_nsec = (long)(kt->now_ms % 1000u) * 1000000L};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	controller_step(kt->ctl, kt->now_ms);
	do {
		n = controller_events_read(kt->ctl, &kt->cursor, buf, 32, &lost);
		for (size_t i = 0; i < n; i++)
			kt->events[kt->event_count++ % EVENT_LOG] = buf[i];
	} while (n == 32);
}

static struct station_snapshot snap(struct ktest *kt, unsigned int station)
{
	const struct kiosk_snapshot *s = controller_snapshot_acquire(kt->ctl);
	struct station_snapshot out = s->stations[station];

	controller_snapshot_release(kt->ctl, s);
	return out;
}

/* The newest event of this kind for the station since index `since`. */
static const struct kiosk_event *find_event(const struct ktest *kt, size_t since,
                                            enum event_kind kind, unsigned int station)
{
	size_t first = kt->event_count > EVENT_LOG ? kt->event_count - EVENT_LOG : 0;

	for (size_t i = kt->event_count; i > since && i > first; i--) {
		const struct kiosk_event *ev = &kt->events[(i - 1) % EVENT_LOG];
		if (ev->kind == kind && ev->station == station)
			return ev;
	}
	return NULL;
}

/* Submit a command and step until the station reaches want (<= 10 ticks). */
static bool command_to(struct ktest *kt, struct command cmd, enum station_state want, char *why,
                       size_t why_len)
{
	size_t since = kt->event_count;
	int e = controller_submit(kt->ctl, &cmd);

	if (e) {
		snprintf(why, why_len, "controller_submit(%s) = %d",
		         command_action_name(cmd.action), e);
		return false;
	}
	for (int i = 0; i < 10; i++) {
		step(kt);
		if (snap(kt, cmd.station).state == want)
			return true;
	}
	const struct kiosk_event *res = find_event(kt, since, EVENT_COMMAND_RESULT, cmd.station);
	snprintf(why, why_len, "%s left station %u in '%s', not '%s' (result: %s)",
	         command_action_name(cmd.action), cmd.station,
	         station_state_name(snap(kt, cmd.station).state), station_state_name(want),
	         res ? command_status_name(res->status) : "none");
	return false;
}

/* Start a session on station 0: program, screening (one acknowledgement), start. */
static bool start_session(struct ktest *kt, char *why, size_t why_len)
{
	struct command c = {.source = SOURCE_UI, .station = 0};

	c.action = CMD_SELECT_PROGRAM;
	if (!command_to(kt, c, STATION_SETUP, why, why_len))
		return false;
	c.action = CMD_BEGIN_SCREENING;
	if (!command_to(kt, c, STATION_SCREENING, why, why_len))
		return false;
	c.action = CMD_ANSWER;
	c.question = 0;
	c.yes = true;
	if (!command_to(kt, c, STATION_READY, why, why_len))
		return false;
	c.action = CMD_START;
	return command_to(kt, c, STATION_RUNNING, why, why_len);
}

static void fill_config(struct kiosk_config *cfg, struct program_set *programs,
                        struct screening_set *screening)
{
	kiosk_config_defaults(cfg);
	snprintf(cfg->site, sizeof(cfg->site), "ktest");
	cfg->station_count = 2;
	cfg->stations[0].number = 1;
	snprintf(cfg->stations[0].name, sizeof(cfg->stations[0].name), "Station A");
	cfg->stations[0].pins = pins_a();
	cfg->stations[0].open_loop_fill_ms = 300;
	cfg->stations[1].number = 2;
	snprintf(cfg->stations[1].name, sizeof(cfg->stations[1].name), "Station B");
	cfg->stations[1].pins = pins_b();
	cfg->stations[1].open_loop_fill_ms = 300;

	memset(programs, 0, sizeof(*programs));
	struct program *p = &programs->items[0];
	snprintf(p->id, sizeof(p->id), "ktest");
	snprintf(p->name, sizeof(p->name), "Kernel test");
	p->pattern = PATTERN_GRADIENT_HOLD;
	p->target_mmhg = 40;
	p->gradient_mmhg = 5;
	p->hold_ms = 1000;
	p->rest_ms = 1000;
	p->duration_s = 600;
	p->duration_min_s = 60;
	p->duration_max_s = 1800;
	p->intensity_min_mmhg = 30;
	p->intensity_max_mmhg = 60;
	p->intensity_step_mmhg = 5;
	p->warmup_cycles = 0;
	p->warmup_factor = 1.0;
	programs->count = 1;

	memset(screening, 0, sizeof(*screening));
	snprintf(screening->items[0].id, sizeof(screening->items[0].id), "stop_on_numbness");
	screening->items[0].cls = SCREENING_ACKNOWLEDGE;
	snprintf(screening->items[0].text[0], sizeof(screening->items[0].text[0]),
	         "I will stop at once on numbness, tingling or pain.");
	screening->count = 1;
	snprintf(screening->langs[0], sizeof(screening->langs[0]), "en");
	screening->lang_count = 1;
}

/* ----------------------------------------------------------------- checks */

/* A line held elsewhere: by a kernel hog, and by another process.  Runs
 * first, before this process holds any GPIO fd the child would inherit. */
static void check_busy_lines(struct ktest *kt)
{
	const char *name = "busy_line_names_holder";
	int ready[2], hold[2];
	char err_hog[256] = "", err_proc[256] = "";
	char ok = 0;
	pid_t child;

	if (pipe(ready) || pipe(hold)) {
		check(kt, name, false, "pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child == 0) {
		struct gpio_line_config lc = {
		    .chip = SIM_LABEL,
		    .offset = L_D_ZONE1,
		    .direction = GPIO_DIR_OUTPUT,
		    .name = "the other daemon's valve",
		};
		char err[256];
		struct gpio *g = gpio_gpiod_create();
		struct gpio_request *r =
		    g ? gpio_request_lines(g, OTHER_CONSUMER, &lc, 1, err, sizeof(err)) : NULL;
		char c = r ? 1 : 0;
		close(ready[0]);
		close(hold[1]);
		if (write(ready[1], &c, 1) != 1)
			_exit(2);
		while (read(hold[0], &c, 1) > 0) /* until the parent closes its end */
			;
		gpio_request_release(r);
		gpio_destroy(g);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	struct pollfd pfd = {.fd = ready[0], .events = POLLIN};
	if (child < 0 || poll(&pfd, 1, 10000) != 1 || read(ready[0], &ok, 1) != 1 || !ok) {
		check(kt, name, false, "a second process could not take line %u as '%s'",
		      (unsigned int)L_D_ZONE1, OTHER_CONSUMER);
		goto out;
	}

	struct gpio *gpio = gpio_gpiod_create();
	if (!gpio) {
		check(kt, name, false, "gpio_gpiod_create: %s", strerror(errno));
		goto out;
	}
	struct station_pins pc = pins_plain(L_C_PUMP, L_C_EXHAUST, L_C_ZONE1, 1, false);
	struct station_pins pd = pins_plain(L_D_PUMP, L_D_EXHAUST, L_D_ZONE1, 1, false);
	struct station_hw *hc = station_hw_create(gpio, "Station C", &pc, err_hog, sizeof(err_hog));
	struct station_hw *hd =
	    station_hw_create(gpio, "Station D", &pd, err_proc, sizeof(err_proc));
	/* Nothing of a refused station may stay requested. */
	struct gpio_line_config probe[4] = {
	    {.chip = SIM_LABEL, .offset = L_C_PUMP, .direction = GPIO_DIR_OUTPUT, .name = "probe"},
	    {.chip = SIM_LABEL, .offset = L_C_ZONE1, .direction = GPIO_DIR_OUTPUT, .name = "probe"},
	    {.chip = SIM_LABEL, .offset = L_D_PUMP, .direction = GPIO_DIR_OUTPUT, .name = "probe"},
	    {.chip = SIM_LABEL,
	     .offset = L_D_EXHAUST,
	     .direction = GPIO_DIR_OUTPUT,
	     .name = "probe"},
	};
	char err_probe[256] = "";
	struct gpio_request *pr =
	    gpio_request_lines(gpio, "ktest-probe", probe, 4, err_probe, sizeof(err_probe));
	bool hog_ok = !hc && strstr(err_hog, "exhaust") && strstr(err_hog, HOG_NAME);
	bool proc_ok = !hd && strstr(err_proc, "zone 1") && strstr(err_proc, OTHER_CONSUMER);
	check(kt, name, hog_ok && proc_ok && pr,
	      "kernel hog: \"%s\"; other process: \"%s\"; lines of refused stations free: %s",
	      hc ? "(station C was created)" : err_hog, hd ? "(station D was created)" : err_proc,
	      pr ? "yes" : err_probe);
	gpio_request_release(pr);
	station_hw_destroy(hc);
	station_hw_destroy(hd);
	gpio_destroy(gpio);
out:
	close(hold[1]);
	close(ready[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
}

/* Station A by label drives gpio-sim's chip, not gpiochip0; a wrong label
 * is an error naming it. */
static struct station_hw *check_label(struct ktest *kt, struct gpio *gpio)
{
	const char *name = "chip_found_by_label";
	struct station_pins pa = pins_a();
	struct station_pins bad = pins_a();
	char err[256] = "", err_bad[256] = "", on[16], off[16];
	struct station_hw *hw = station_hw_create(gpio, "Station A", &pa, err, sizeof(err));

	if (!hw) {
		check(kt, name, false, "station A on chip '%s': %s", SIM_LABEL, err);
		return NULL;
	}
	struct station_outputs all_on = {.pump_on = true, .exhaust_open = false, .zones_open = 0};
	int e = station_hw_apply(hw, &all_on);
	sim_levels(kt, L_A_PUMP, A_OUTPUTS, on);
	(void)station_hw_safe(hw);
	sim_levels(kt, L_A_PUMP, A_OUTPUTS, off);
	snprintf(bad.pump.chip, sizeof(bad.pump.chip), "no-such-chip");
	struct station_hw *hb =
	    station_hw_create(gpio, "Station X", &bad, err_bad, sizeof(err_bad));
	check(kt, name,
	      e == 0 && !strcmp(on, "1111111") && !strcmp(off, "0000000") && !hb &&
	          strstr(err_bad, "no-such-chip"),
	      "%s: lines 0-6 energised -> kernel %s, safe -> %s; unknown chip: \"%s\"",
	      gpio_backend_name(gpio), on, off, hb ? "(created!)" : err_bad);
	station_hw_destroy(hb);
	return hw;
}

/* Station B's outputs are all active-low: de-energised reads high in the
 * kernel, energised low. */
static struct station_hw *check_active_low(struct ktest *kt, struct gpio *gpio)
{
	const char *name = "active_low_honoured";
	struct station_pins pb = pins_b();
	char err[256] = "", idle[8], on[8], safe[8];
	struct station_hw *hw = station_hw_create(gpio, "Station B", &pb, err, sizeof(err));

	if (!hw) {
		check(kt, name, false, "station B: %s", err);
		return NULL;
	}
	sim_levels(kt, L_B_PUMP, 2 + B_ZONES, idle);
	/* pump on, exhaust closed, zone 1 closed, zone 2 open */
	struct station_outputs o = {.pump_on = true, .exhaust_open = false, .zones_open = 0x2};
	int e = station_hw_apply(hw, &o);
	sim_levels(kt, L_B_PUMP, 2 + B_ZONES, on);
	int s = station_hw_safe(hw);
	sim_levels(kt, L_B_PUMP, 2 + B_ZONES, safe);
	check(
	    kt, name,
	    e == 0 && s == 0 && !strcmp(idle, "1111") && !strcmp(on, "0001") &&
	        !strcmp(safe, "1111"),
	    "lines 8-11 after create %s (want 1111), pump+exhaust+zone1 energised %s (want 0001), "
	    "safe %s (want 1111)",
	    idle, on, safe);
	return hw;
}

/* B's NC stop circuit is open (pull-up, nothing pulls it down): within the
 * controller's first ticks it must lock with FAULT_STOP_BUTTON, outputs
 * de-energised.  The verdict is printed by check_nc_reset(). */
static void check_nc_at_start(struct ktest *kt)
{
	struct station_snapshot b = snap(kt, 1);
	int ticks = 1;

	while (b.state != STATION_FAULT && ticks < 25) {
		step(kt);
		ticks++;
		b = snap(kt, 1);
	}
	const struct kiosk_event *ev = find_event(kt, 0, EVENT_FAULT_RAISED, 1);
	char lv[8];

	sim_levels(kt, L_B_PUMP, 2 + B_ZONES, lv);
	kt->nc_start_ok = b.state == STATION_FAULT && b.fault == FAULT_STOP_BUTTON &&
	                  b.fault_message[0] && ev && ev->fault == FAULT_STOP_BUTTON &&
	                  !strcmp(lv, "1111");
	snprintf(kt->nc_start, sizeof(kt->nc_start),
	         "after %d tick(s) station B '%s', fault '%s', event %s, outputs %s: \"%.80s\"",
	         ticks, station_state_name(b.state), fault_code_name(b.fault),
	         ev ? fault_code_name(ev->fault) : "none", lv, b.fault_message);
}

/* Later (seconds after start), staff reset B with the circuit still open:
 * it must stay locked.  Once the wiring is fixed, a reset frees it. */
static void check_nc_reset(struct ktest *kt)
{
	const char *name = "nc_open_at_start_locks";
	struct command reset = {.action = CMD_RESET_FAULT, .source = SOURCE_MQTT, .station = 1};
	char why[256] = "";

	if (!kt->nc_start_ok) {
		check(kt, name, false,
		      "%s (want fault stop_button, event fault_raised, outputs 1111)",
		      kt->nc_start);
		return;
	}
	while (kt->now_ms - kt->created_ms < 1500)
		step(kt);
	(void)controller_submit(kt->ctl, &reset);
	for (int i = 0; i < 5; i++)
		step(kt);
	struct station_snapshot still = snap(kt, 1);
	if (still.state != STATION_FAULT) {
		check(kt, name, false,
		      "%s; but a staff reset %llu ms after start, with the circuit "
		      "still open, left station B '%s' (want it kept locked in fault)",
		      kt->nc_start, (unsigned long long)(kt->now_ms - kt->created_ms),
		      station_state_name(still.state));
		return;
	}
	sim_pull(kt, L_B_BUTTON, false); /* the installer fixes the wiring */
	for (int i = 0; i < 5; i++)
		step(kt);
	bool ok = command_to(kt, reset, STATION_IDLE, why, sizeof(why));
	check(kt, name, ok, "%s; reset refused while open; after closing: %s", kt->nc_start,
	      ok ? "idle" : why);
}

/* Start a session on A and sample the kernel's levels every tick: the
 * filling zone (pump on, exhaust closed, only that zone open) must walk
 * foot (zone 1) to thigh (zone 5). */
static bool check_zone_order(struct ktest *kt)
{
	const char *name = "zones_fill_foot_to_thigh";
	char why[256] = "", order[32] = "", lv[16];
	unsigned int seen[A_ZONES];
	size_t n = 0;

	if (!start_session(kt, why, sizeof(why))) {
		check(kt, name, false, "could not start a session on station A: %s", why);
		return false;
	}
	for (int i = 0; i < 3000 && n < A_ZONES; i++) {
		int v[A_OUTPUTS];
		int open_zone = -1, open_count = 0;
		for (unsigned int l = 0; l < A_OUTPUTS; l++)
			v[l] = sim_value(kt, L_A_PUMP + l);
		for (unsigned int k = 0; k < A_ZONES; k++) {
			if (v[L_A_ZONE1 + k] == 0) {
				open_zone = (int)k;
				open_count++;
			}
		}
		if (v[L_A_PUMP] == 1 && v[L_A_EXHAUST] == 1 && open_count == 1 &&
		    (n == 0 || seen[n - 1] != (unsigned int)open_zone))
			seen[n++] = (unsigned int)open_zone;
		if (snap(kt, 0).state != STATION_RUNNING)
			break;
		if (n < A_ZONES)
			step(kt);
	}
	bool ok = n == A_ZONES;
	for (size_t k = 0; k < n; k++) {
		char one[4];
		snprintf(one, sizeof(one), "%s%u", k ? "," : "", seen[k] + 1);
		strncat(order, one, sizeof(order) - strlen(order) - 1);
		ok = ok && seen[k] == k;
	}
	sim_levels(kt, L_A_PUMP, A_OUTPUTS, lv);
	check(kt, name, ok, "kernel saw zones fill in order %s (want 1,2,3,4,5); now %s",
	      n ? order : "(none)", lv);
	return ok;
}

/* Whether the fd polls readable within timeout_ms; the latency in *ms. */
static bool fd_readable_within(int fd, int timeout_ms, uint64_t *ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint64_t t0 = monotonic_ms();
	bool ready = poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN);

	if (ms)
		*ms = monotonic_ms() - t0;
	return ready;
}

/* Issue 15: the stop button's fd (the libgpiod request's edge-event fd) is
 * what the control thread sleeps on.  Before the controller exists, on A's
 * NC button: each kernel edge makes the fd readable, reading the button
 * drains it, and the debounce still only settles a release (20 ms after a
 * read saw it), never delays a press. */
static void check_button_fd(struct ktest *kt, struct station_hw *hw_a)
{
	const char *name = "button_fd_wakes_and_drains";
	int fd = station_hw_button_fd(hw_a);
	uint64_t t, press_ms = 0, release_ms = 0;
	bool settled, drained0, pressed, drained1, held, released, drained2;
	bool woke_press, woke_release;

	if (fd < 0) {
		check(kt, name, false, "station A's button has no fd");
		return;
	}
	/* The closing of the circuit just before (sim_pull down) is an edge:
	 * consume it and let it settle, so the fd starts quiet. */
	(void)fd_readable_within(fd, 2000, NULL);
	t = monotonic_ms();
	(void)station_hw_button_pressed(hw_a, t);
	settled = !station_hw_button_pressed(hw_a, t + 100);
	drained0 = !fd_readable_within(fd, 0, NULL);

	sim_pull(kt, L_A_BUTTON, true); /* the circuit opens: pressed */
	woke_press = fd_readable_within(fd, 2000, &press_ms);
	t = monotonic_ms();
	pressed = station_hw_button_pressed(hw_a, t);
	drained1 = !fd_readable_within(fd, 0, NULL);

	sim_pull(kt, L_A_BUTTON, false); /* closed again: released */
	woke_release = fd_readable_within(fd, 2000, &release_ms);
	t = monotonic_ms();
	held = station_hw_button_pressed(hw_a, t);
	released = !station_hw_button_pressed(hw_a, t + 20);
	drained2 = !fd_readable_within(fd, 0, NULL);
	check(kt, name,
	      settled && drained0 && woke_press && pressed && drained1 && woke_release && held &&
	          released && drained2,
	      "quiet at start %s/%s; press: fd readable %s after %llu ms, pressed %s, drained %s; "
	      "release: fd readable %s after %llu ms, still pressed until settled %s, released "
	      "20 ms later %s, drained %s",
	      settled ? "yes" : "NO", drained0 ? "yes" : "NO", woke_press ? "yes" : "NO",
	      (unsigned long long)press_ms, pressed ? "yes" : "NO", drained1 ? "yes" : "NO",
	      woke_release ? "yes" : "NO", (unsigned long long)release_ms, held ? "yes" : "NO",
	      released ? "yes" : "NO", drained2 ? "yes" : "NO");
}

/* The NC button on A opens (sysfs pull-up) while A fills: the kernel's edge
 * reaches the station's fd and the very next tick vents, reported as a stop
 * by the button. */
static void check_stop_button(struct ktest *kt, struct station_hw *hw_a)
{
	const char *name = "stop_button_vents_within_one_tick";
	char before[16], after[16];
	int fd = station_hw_button_fd(hw_a);
	size_t since = kt->event_count;

	sim_levels(kt, L_A_PUMP, A_OUTPUTS, before);
	if (fd < 0 || before[0] != '1') {
		check(kt, name, false, "button fd %d, outputs %s (want an fd and the pump running)",
		      fd, before);
		return;
	}
	uint64_t t0 = monotonic_ms();
	sim_pull(kt, L_A_BUTTON, true);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int pr = poll(&pfd, 1, 2000);
	uint64_t t1 = monotonic_ms(), t2;
	if (pr != 1) {
		check(kt, name, false,
		      "no edge reached the button fd within 2 s after sim_gpio%u/pull",
		      (unsigned int)L_A_BUTTON);
		return;
	}
	int ticks = 0;
	struct station_snapshot a;
	do {
		step(kt);
		ticks++;
		a = snap(kt, 0);
	} while (ticks < 10 && a.state == STATION_RUNNING);
	t2 = monotonic_ms();
	sim_levels(kt, L_A_PUMP, A_OUTPUTS, after);
	const struct kiosk_event *ev = find_event(kt, since, EVENT_SESSION_STOPPED, 0);
	/* The stop's own write, in the tick the edge woke: pump off (line 0)
	 * and exhaust open (line 1).  A zone that never filled stays shut
	 * until the manifold is down (the vent never blows air into an empty
	 * zone), so every line is de-energised a few ticks later. */
	char all[16];
	int vent_ticks = 0;
	do {
		sim_levels(kt, L_A_PUMP, A_OUTPUTS, all);
		if (!strcmp(all, "0000000"))
			break;
		step(kt);
		vent_ticks++;
	} while (vent_ticks < 500);
	bool ok = ticks == 1 && a.state != STATION_RUNNING && a.last_stop == STOP_BUTTON && ev &&
	          ev->reason == STOP_BUTTON && after[0] == '0' && after[1] == '0' &&
	          !strcmp(all, "0000000");
	check(
	    kt, name, ok,
	    "edge on fd after %llu ms; stopped after %d tick(s) (want 1), %llu ms after the edge: "
	    "state '%s', stop '%s', event %s, outputs %s -> %s (want pump off, exhaust open), "
	    "every output de-energised %d tick(s) later: %s (want 0000000)",
	    (unsigned long long)(t1 - t0), ticks, (unsigned long long)(t2 - t0),
	    station_state_name(a.state), stop_reason_name(a.last_stop),
	    ev ? stop_reason_name(ev->reason) : "none", before, after, vent_ticks, all);
	sim_pull(kt, L_A_BUTTON, false);
}

/* The safe state as the kernel sees it, while the lines are still held:
 * A (active-high) all 0, B (active-low) all 1.  mid is what
 * station_hw_safe() left mid-session; the exit is controller_destroy(). */
static void check_safe_state(struct ktest *kt, const char *mid_a, const char *mid_b)
{
	char a[16], b[8];

	controller_destroy(kt->ctl);
	kt->ctl = NULL;
	sim_levels(kt, L_A_PUMP, A_OUTPUTS, a);
	sim_levels(kt, L_B_PUMP, 2 + B_ZONES, b);
	check(kt, "safe_state_deenergised",
	      !strcmp(mid_a, "0000000") && !strcmp(mid_b, "1111") && !strcmp(a, "0000000") &&
	          !strcmp(b, "1111"),
	      "station_hw_safe mid-fill: A %s B %s; after controller_destroy: A %s B %s "
	      "(want A 0000000, B 1111)",
	      mid_a, mid_b, a, b);
}

int main(void)
{
	struct ktest *kt = calloc(1, sizeof(*kt));
	struct kiosk_config *cfg = calloc(1, sizeof(*cfg));
	struct program_set *programs = calloc(1, sizeof(*programs));
	struct screening_set *screening = calloc(1, sizeof(*screening));
	struct station_hw *hw[2] = {NULL, NULL};
	struct gpio *gpio = NULL;
	char mid_a[16] = "?", mid_b[8] = "?";
	int e;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!kt || !cfg || !programs || !screening)
		return 99;
	e = sim_chip_create(kt);
	if (e) {
		printf("KTEST FAIL setup: gpio-sim chip through configfs: %s\n", strerror(-e));
		return 99;
	}
	check_busy_lines(kt);

	gpio = gpio_gpiod_create();
	if (!gpio) {
		printf("KTEST FAIL setup: gpio_gpiod_create: %s\n", strerror(errno));
		return 99;
	}
	printf("KTEST INFO backend %s\n", gpio_backend_name(gpio));
	hw[0] = check_label(kt, gpio);
	hw[1] = check_active_low(kt, gpio);
	if (!hw[0] || !hw[1]) {
		kt->failures++;
		goto out;
	}
	/* A's NC button: the pull-up bias raised the line at request; the
	 * closed switch holds it low. */
	sim_pull(kt, L_A_BUTTON, false);
	check_button_fd(kt, hw[0]);

	fill_config(cfg, programs, screening);
	struct controller_params params = {
	    .config = cfg,
	    .programs = programs,
	    .screening = screening,
	    .hw = hw,
	    .clock = {.now_ms = tick_clock_now, .wall_ms = NULL, .ctx = kt},
	};
	kt->now_ms = kt->created_ms = monotonic_ms();
	kt->ctl = controller_create(&params);
	if (!kt->ctl) {
		printf("KTEST FAIL setup: controller_create: %s\n", strerror(errno));
		kt->failures++;
		goto out;
	}
	step(kt);
	check_nc_at_start(kt);
	if (check_zone_order(kt)) {
		/* Mid-fill, A is energised: drive the safe state under the
		 * controller's feet, read it, then put A's outputs back. */
		struct station_outputs prev_a = station_hw_outputs(hw[0]);
		struct station_outputs prev_b = station_hw_outputs(hw[1]);
		(void)station_hw_safe(hw[0]);
		(void)station_hw_safe(hw[1]);
		sim_levels(kt, L_A_PUMP, A_OUTPUTS, mid_a);
		sim_levels(kt, L_B_PUMP, 2 + B_ZONES, mid_b);
		(void)station_hw_apply(hw[0], &prev_a);
		(void)station_hw_apply(hw[1], &prev_b);
		check_stop_button(kt, hw[0]);
	}
	check_nc_reset(kt);
	check_safe_state(kt, mid_a, mid_b);
out:
	controller_destroy(kt->ctl);
	station_hw_destroy(hw[0]);
	station_hw_destroy(hw[1]);
	gpio_destroy(gpio);
	e = kt->failures;
	free(screening);
	free(programs);
	free(cfg);
	free(kt);
	return e;
}

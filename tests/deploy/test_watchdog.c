/* SPDX-License-Identifier: MIT */
/*
 * The watchdog against a fake systemd: the test binds the NOTIFY_SOCKET
 * datagram socket itself and counts the WATCHDOG=1 datagrams, while a ticker
 * thread plays the control loop calling on_tick.  Waits are bounded polls
 * on the socket, never bare sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "service/watchdog.h"

#define WATCHDOG_TEST_USEC 200000u /* WatchdogSec=200ms: pings every 100 ms */

struct fake_systemd {
	int fd;
	char name[64];
};

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* An abstract-namespace socket: NOTIFY_SOCKET=@name, no file to clean up. */
static int fake_systemd_open(struct fake_systemd *fs, const char *tag, bool with_watchdog)
{
	fs->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fs->fd < 0)
		return -errno;
	snprintf(fs->name, sizeof(fs->name), "recovery-kiosk-test-%d-%s", (int)getpid(), tag);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(fs->name);
	memcpy(sa.sun_path + 1, fs->name, len);
	if (bind(fs->fd, (struct sockaddr *)&sa,
	         (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0)
		return -errno;
	char env[80];
	snprintf(env, sizeof(env), "@%s", fs->name);
	setenv("NOTIFY_SOCKET", env, 1);
	if (with_watchdog) {
		char usec[32], pid[32];
		snprintf(usec, sizeof(usec), "%u", WATCHDOG_TEST_USEC);
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		setenv("WATCHDOG_USEC", usec, 1);
		setenv("WATCHDOG_PID", pid, 1);
	} else {
		unsetenv("WATCHDOG_USEC");
		unsetenv("WATCHDOG_PID");
	}
	return 0;
}

static void fake_systemd_close(struct fake_systemd *fs)
{
	close(fs->fd);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* Receive datagrams until deadline_ms from now; count those containing
 * needle and stop early once want of them arrived.  The last datagram
 * matching needle is copied into last (optional). */
static unsigned int fake_systemd_count(struct fake_systemd *fs, const char *needle,
                                       unsigned int want, uint64_t deadline_ms, char *last,
                                       size_t last_len)
{
	uint64_t end = mono_ms() + deadline_ms;
	unsigned int n = 0;
	for (;;) {
		uint64_t now = mono_ms();
		if (now >= end || n >= want)
			return n;
		struct pollfd pfd = {.fd = fs->fd, .events = POLLIN};
		int rc = poll(&pfd, 1, (int)(end - now));
		if (rc <= 0)
			continue;
		char buf[512];
		ssize_t got = recv(fs->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (got <= 0)
			continue;
		buf[got] = '\0';
		if (strstr(buf, needle)) {
			n++;
			if (last)
				snprintf(last, last_len, "%s", buf);
		}
	}
}

/* The control loop stand-in: ticks every 10 ms while ticking is set. */
struct ticker {
	struct watchdog *w;
	atomic_bool ticking;
	atomic_bool quit;
	atomic_uint_fast64_t ticks;
	pthread_t thread;
};

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&t->quit)) {
		if (atomic_load(&t->ticking)) {
			watchdog_tick(t->w, mono_ms());
			atomic_fetch_add(&t->ticks, 1);
		}
		next.tv_nsec += 10 * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

static void ticker_start(struct ticker *t, struct watchdog *w, bool ticking)
{
	t->w = w;
	atomic_init(&t->ticking, ticking);
	atomic_init(&t->quit, false);
	atomic_init(&t->ticks, 0);
	assert_int_equal(pthread_create(&t->thread, NULL, ticker_main, t), 0);
}

static void ticker_stop(struct ticker *t)
{
	atomic_store(&t->quit, true);
	pthread_join(t->thread, NULL);
}

static void test_watchdog_pings_while_control_loop_ticks(void **state)
{
	(void)state;
	struct fake_systemd fs;
	assert_int_equal(fake_systemd_open(&fs, "ticks", true), 0);
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	assert_true(watchdog_enabled(w));

	struct ticker t;
	ticker_start(&t, w, true);
	assert_int_equal(watchdog_start(w), 0);
	/* 100 ms period: five pings well within 2 s. */
	assert_int_equal(fake_systemd_count(&fs, "WATCHDOG=1", 5, 2000, NULL, 0), 5);

	ticker_stop(&t);
	/* stopping joins the ping thread, so its counter is final. */
	watchdog_stopping(w);
	assert_true(watchdog_pings(w) >= 5);
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

static void test_watchdog_stalled_control_loop_stops_pings_then_resumes(void **state)
{
	(void)state;
	struct fake_systemd fs;
	assert_int_equal(fake_systemd_open(&fs, "stall", true), 0);
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	struct ticker t;
	ticker_start(&t, w, true);
	assert_int_equal(watchdog_start(w), 0);
	assert_int_equal(fake_systemd_count(&fs, "WATCHDOG=1", 2, 2000, NULL, 0), 2);

	/* Stall the control loop.  A ping already judged fresh may still be on
	 * its way during the first half interval; drain that window. */
	atomic_store(&t.ticking, false);
	unsigned int in_flight = fake_systemd_count(&fs, "WATCHDOG=1", 100, 150, NULL, 0);
	assert_true(in_flight <= 2);

	/* Then silence for three full WatchdogSec: systemd would have fired. */
	assert_int_equal(
	    fake_systemd_count(&fs, "WATCHDOG=1", 1, 3 * WATCHDOG_TEST_USEC / 1000u, NULL, 0), 0);

	/* The loop recovers (a restart would too): pings resume. */
	atomic_store(&t.ticking, true);
	assert_int_equal(fake_systemd_count(&fs, "WATCHDOG=1", 2, 2000, NULL, 0), 2);

	ticker_stop(&t);
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

static void test_watchdog_no_ping_before_first_tick(void **state)
{
	(void)state;
	struct fake_systemd fs;
	assert_int_equal(fake_systemd_open(&fs, "first", true), 0);
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	assert_int_equal(watchdog_start(w), 0);
	/* A kiosk that never got its control loop running is never fed. */
	assert_int_equal(
	    fake_systemd_count(&fs, "WATCHDOG=1", 1, 3 * WATCHDOG_TEST_USEC / 1000u, NULL, 0), 0);
	assert_int_equal(watchdog_pings(w), 0);
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

static void test_watchdog_ready_status_and_stopping_reach_systemd(void **state)
{
	(void)state;
	struct fake_systemd fs;
	char msg[512];
	assert_int_equal(fake_systemd_open(&fs, "ready", false), 0);
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	assert_false(watchdog_enabled(w));

	watchdog_ready(w, "4 stations safe\nUI up");
	assert_int_equal(fake_systemd_count(&fs, "READY=1", 1, 2000, msg, sizeof(msg)), 1);
	/* The newline in the status must not start a new assignment. */
	assert_non_null(strstr(msg, "STATUS=4 stations safe UI up"));

	watchdog_status(w, "station 2: fault");
	assert_int_equal(fake_systemd_count(&fs, "STATUS=station 2: fault", 1, 2000, NULL, 0), 1);

	watchdog_stopping(w);
	assert_int_equal(fake_systemd_count(&fs, "STOPPING=1", 1, 2000, NULL, 0), 1);
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

static void test_watchdog_outside_systemd_is_a_no_op(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	assert_false(watchdog_enabled(w));
	assert_int_equal(watchdog_start(w), 0);
	watchdog_tick(w, 1);
	watchdog_ready(w, "ready");
	watchdog_stopping(w);
	assert_int_equal(watchdog_pings(w), 0);
	watchdog_destroy(w);
	watchdog_destroy(NULL);
	watchdog_tick(NULL, 1);
}

static void test_watchdog_for_another_pid_is_disabled(void **state)
{
	(void)state;
	struct fake_systemd fs;
	assert_int_equal(fake_systemd_open(&fs, "pid", true), 0);
	/* WATCHDOG_PID names a different process (a forked helper's parent). */
	setenv("WATCHDOG_PID", "1", 1);
	struct watchdog *w = watchdog_create();
	assert_non_null(w);
	assert_false(watchdog_enabled(w));
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

/* A fake clock through watchdog_create_with: freshness is judged on the
 * controller's own clock, whatever it is. */
struct fake_clock {
	_Atomic uint64_t now_ms;
};

static uint64_t fake_now(void *ctx)
{
	return atomic_load(&((struct fake_clock *)ctx)->now_ms);
}

static void test_watchdog_freshness_uses_the_controller_clock(void **state)
{
	(void)state;
	struct fake_systemd fs;
	assert_int_equal(fake_systemd_open(&fs, "clock", false), 0);
	struct fake_clock clk;
	atomic_init(&clk.now_ms, 1000000);
	struct watchdog_params p = {
	    .now_ms = fake_now,
	    .clock_ctx = &clk,
	    .override_interval = true,
	    .interval_us = WATCHDOG_TEST_USEC,
	};
	struct watchdog *w = watchdog_create_with(&p);
	assert_non_null(w);
	assert_true(watchdog_enabled(w));
	/* Ticks stamped "now" on the fake clock, which never moves: fresh. */
	watchdog_tick(w, 1000000);
	assert_int_equal(watchdog_start(w), 0);
	assert_int_equal(fake_systemd_count(&fs, "WATCHDOG=1", 2, 2000, NULL, 0), 2);
	/* The controller's clock moves on 101 ms without a tick: stale. */
	atomic_store(&clk.now_ms, 1000101);
	(void)fake_systemd_count(&fs, "WATCHDOG=1", 100, 150, NULL, 0);
	assert_int_equal(fake_systemd_count(&fs, "WATCHDOG=1", 1, 400, NULL, 0), 0);
	watchdog_destroy(w);
	fake_systemd_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_watchdog_pings_while_control_loop_ticks),
	    cmocka_unit_test(test_watchdog_stalled_control_loop_stops_pings_then_resumes),
	    cmocka_unit_test(test_watchdog_no_ping_before_first_tick),
	    cmocka_unit_test(test_watchdog_ready_status_and_stopping_reach_systemd),
	    cmocka_unit_test(test_watchdog_outside_systemd_is_a_no_op),
	    cmocka_unit_test(test_watchdog_for_another_pid_is_disabled),
	    cmocka_unit_test(test_watchdog_freshness_uses_the_controller_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Real-time as the deployment allows it (service/realtime.h): where the
 * site refuses SCHED_FIFO and memory locking (an unprivileged user without
 * LimitRTPRIO= or LimitMEMLOCK=) the kiosk is told so and says deadlines are
 * not guaranteed; where it allows them, memory is locked and the probing
 * thread is back on normal scheduling afterwards (only the control thread is
 * real-time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/realtime.h"

static void test_realtime_priority_zero_asks_for_nothing(void **state)
{
	struct realtime_report r;
	char text[96];
	(void)state;
	realtime_prepare(0, &r);
	assert_int_equal(r.priority, 0);
	assert_false(r.fifo_allowed);
	assert_false(r.memory_locked);
	realtime_describe(&r, text, sizeof(text));
	assert_string_equal(text, "no real-time: deadlines not guaranteed");
}

/* In a child that is an unprivileged user with no RLIMIT_RTPRIO and the
 * default 8 MiB RLIMIT_MEMLOCK (a unit without LimitRTPRIO=/LimitMEMLOCK=). */
static void test_realtime_refused_by_the_site_is_reported(void **state)
{
	int pipefd[2];
	(void)state;
	if (geteuid() != 0)
		skip(); /* needs to become another user */
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit none = {0, 0}, small = {8u << 20, 8u << 20};
		struct realtime_report r;
		char text[96];
		if (setrlimit(RLIMIT_RTPRIO, &none) < 0 || setrlimit(RLIMIT_MEMLOCK, &small) < 0 ||
		    setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		realtime_prepare(30, &r);
		realtime_describe(&r, text, sizeof(text));
		dprintf(pipefd[1], "%d %d %d %d %s", r.fifo_allowed, r.fifo_errno, r.memory_locked,
		        r.lock_errno, text);
		_exit(0);
	}
	close(pipefd[1]);
	char buf[256] = "";
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(n > 0);
	int allowed = -1, fifo_err = -1, locked = -1, lock_err = -1, used = 0;
	assert_int_equal(
	    sscanf(buf, "%d %d %d %d %n", &allowed, &fifo_err, &locked, &lock_err, &used), 4);
	assert_int_equal(allowed, 0);
	assert_int_equal(fifo_err, EPERM);
	assert_int_equal(locked, 0);
	assert_int_equal(lock_err, ENOMEM);
	assert_string_equal(buf + used, "no real-time: deadlines not guaranteed");
}

static void test_realtime_allowed_locks_memory_and_leaves_the_caller_normal(void **state)
{
	struct sched_param sp = {.sched_priority = 1};
	(void)state;
	/* Only where this process may use SCHED_FIFO at all. */
	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0)
		skip();
	sp.sched_priority = 0;
	assert_int_equal(pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp), 0);

	struct realtime_report r;
	char text[96];
	realtime_prepare(10, &r);
	assert_true(r.fifo_allowed);
	assert_true(r.memory_locked);
	int policy = -1;
	assert_int_equal(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	assert_int_equal(policy, SCHED_OTHER);
	realtime_describe(&r, text, sizeof(text));
	assert_string_equal(text, "real-time (SCHED_FIFO 10), memory locked");
	assert_int_equal(munlockall(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_realtime_priority_zero_asks_for_nothing),
	    cmocka_unit_test(test_realtime_refused_by_the_site_is_reported),
	    cmocka_unit_test(test_realtime_allowed_locks_memory_and_leaves_the_caller_normal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

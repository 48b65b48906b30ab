/* SPDX-License-Identifier: MIT */
#include "service/realtime.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static int lock_memory(void)
{
	struct rlimit rl;

	if (geteuid() != 0 && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < REALTIME_MEMLOCK_MIN_BYTES)
		return ENOMEM;
	/* MCL_ONFAULT: lock what is used, as it is used; reserved but untouched
	 * address space (thread stacks, SDL's arenas) stays unbacked. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0)
		return errno;
	return 0;
}

void realtime_prepare(unsigned int priority, struct realtime_report *out)
{
	struct sched_param sp = {.sched_priority = (int)priority};
	int rc;

	memset(out, 0, sizeof(*out));
	out->priority = priority;
	if (priority == 0)
		return;
	out->lock_errno = lock_memory();
	out->memory_locked = out->lock_errno == 0;
	/* The same call the control thread makes, on this thread, undone at
	 * once: what the seccomp filter, RLIMIT_RTPRIO and the capabilities
	 * allow is the same for every thread of the process. */
	rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	out->fifo_allowed = rc == 0;
	out->fifo_errno = rc;
	if (rc == 0) {
		sp.sched_priority = 0;
		(void)pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
	}
}

void realtime_describe(const struct realtime_report *r, char *out, size_t len)
{
	if (r->fifo_allowed)
		snprintf(out, len, "real-time (SCHED_FIFO %u)%s", r->priority,
		         r->memory_locked ? ", memory locked" : ", memory not locked");
	else
		snprintf(out, len, "no real-time: deadlines not guaranteed");
}

/* SPDX-License-Identifier: MIT */
/*
 * Real-time for the control thread, as the deployment allows it: with
 * [kiosk] realtime_priority = N (1..90) the kiosk locks its memory
 * (mlockall, so a page-in from the SD card never stalls the control loop)
 * and checks that SCHED_FIFO at N is allowed here, so main can say in the
 * log and in systemd's status whether the loop's deadlines hold under load.
 * The control thread takes SCHED_FIFO itself (controller_params
 * .realtime_priority); only it is real-time.  When the site refuses either
 * (no LimitRTPRIO=, RestrictRealtime=yes, a small LimitMEMLOCK=), the kiosk
 * still runs, with normal scheduling.
 *
 * Threading: main thread, before the other threads start.
 */
#ifndef KIOSK_SERVICE_REALTIME_H
#define KIOSK_SERVICE_REALTIME_H

#include <stdbool.h>
#include <stddef.h>

/* Memory is only locked when RLIMIT_MEMLOCK allows at least this much (or
 * the process may lock without limit): a smaller limit would make later
 * allocations fail once it is reached (MCL_FUTURE). */
#define REALTIME_MEMLOCK_MIN_BYTES (256u * 1024u * 1024u)

struct realtime_report {
	unsigned int priority; /* asked for; 0 = normal scheduling by choice */
	bool fifo_allowed;     /* SCHED_FIFO at priority works here */
	int fifo_errno;        /* why not */
	bool memory_locked;
	int lock_errno; /* why not (ENOMEM also for a too small RLIMIT_MEMLOCK) */
};

/* Lock memory and probe SCHED_FIFO (the calling thread goes back to normal
 * scheduling at once).  priority 0 does nothing. */
void realtime_prepare(unsigned int priority, struct realtime_report *out);

/* For the status line: "real-time (SCHED_FIFO 30), memory locked" or
 * "no real-time: deadlines not guaranteed". */
void realtime_describe(const struct realtime_report *r, char *out, size_t len);

#endif

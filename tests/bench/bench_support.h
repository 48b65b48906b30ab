/* SPDX-License-Identifier: MIT */
/*
 * What the issue-15 benchmarks (bench_stop, bench_soak) share: a simulated
 * kiosk of N stations built as --sim builds it, the kiosk's MQTT section
 * pointed at a test broker, percentiles, /proc readings of a process, CPU
 * hogs, and the shipped unit's scheduling settings applied to this process.
 *
 * Threading: everything here runs on the benchmark's main thread, except
 * bench_now_ns(), which any thread may call.
 */
#ifndef TESTS_BENCH_SUPPORT_H
#define TESTS_BENCH_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/config.h"
#include "drivers/gpio.h"
#include "drivers/station_hw.h"

#define BENCH_STOP_BUTTON_LINE 22u
#define BENCH_MAX_HOGS 16u

struct boot_sim;
struct sim_hw;
struct test_broker;

/* CLOCK_MONOTONIC in ns.  Any thread. */
uint64_t bench_now_ns(void);

/* Defaults, then n stations of zones zones on chips gpiochip<i> (pump 0,
 * exhaust 1, zones 2..), the simulator's sensor, all lines active-high (so a
 * de-energised output reads electrical 0), and when with_button a stop
 * button on line BENCH_STOP_BUTTON_LINE (pull-down, 20 ms debounce). */
void bench_config_stations(struct kiosk_config *cfg, size_t n, size_t zones, bool with_button);

struct program_set;
struct screening_set;
/* The programs and screening questions shipped in assets/, checked against
 * cfg's limits.  0, or -EINVAL with the loader's message in err. */
int bench_load_assets(const struct kiosk_config *cfg, struct program_set *programs,
                      struct screening_set *screening, char *err, size_t len);

/* Site, state_dir (<broker dir>/state) and the [mqtt] section pointed at the
 * test broker as user "kiosk" with a password file in the broker's folder.
 * 0 or -errno. */
int bench_config_mqtt(struct kiosk_config *cfg, const struct test_broker *broker);

/* The simulated hardware of every station in cfg, built as the kiosk's --sim
 * builds it (drivers/sim/sim_hw.h). */
struct bench_hw {
	struct sim_hw *sim;
	struct gpio *gpio; /* the simulator's, owned by sim */
	struct station_hw *hw[KIOSK_MAX_STATIONS];
	size_t n;
};
/* 0, or -errno with a message in err. */
int bench_hw_build(struct bench_hw *b, const struct kiosk_config *cfg, char *err, size_t len);
void bench_hw_free(struct bench_hw *b);
/* Station i's boot physics model (its stop-button backdoor), or NULL. */
struct boot_sim *bench_hw_boot(struct bench_hw *b, size_t i);

/* p in [0, 1] of n sorted values (nearest rank); 0 when n is 0. */
double bench_percentile(const double *sorted, size_t n, double p);
void bench_sort(double *v, size_t n);
/* p50, p99 and max of n values (a sorted copy; v is left as it is). */
struct bench_dist {
	size_t n;
	double p50, p99, max;
};
struct bench_dist bench_dist_of(const double *v, size_t n);

/* /proc/<pid>/... readings (pid 0 = this process).  -1 when unreadable. */
long bench_proc_rss_kb(pid_t pid);
long bench_proc_threads(pid_t pid);
long bench_proc_fds(pid_t pid);
/* write_bytes (what reached the block layer) and wchar (what write(2) was
 * given) from /proc/<pid>/io.  0 or -1. */
int bench_proc_io(pid_t pid, uint64_t *write_bytes, uint64_t *wchar);
/* CPU time (user + system, s) of this process's threads named name (their
 * comm, e.g. "kiosk-history"), or -1. */
double bench_thread_cpu_s(const char *name);
/* The 1-minute load average, or -1. */
double bench_loadavg(void);

/* n CPU-bound child processes (each spins in user space; killed with the
 * benchmark, even when it dies).  Returns how many started. */
size_t bench_hogs_start(pid_t *pids, size_t n);
void bench_hogs_stop(pid_t *pids, size_t n);

/* The shipped scheduling, as the unit and the kiosk set it up:
 *   - the unit (systemd/recovery-kiosk.service.in): RestrictRealtime=,
 *     LimitRTPRIO= (the highest priority it lets the kiosk take) and
 *     LimitMEMLOCK=;
 *   - the kiosk: [kiosk] realtime_priority in the shipped kiosk.conf
 *     (assets/kiosk.conf), which main.c hands to realtime_prepare()
 *     (service/realtime.h: mlockall, a SCHED_FIFO probe) and to the
 *     controller for its thread.
 * bench_unit_rt_apply() sets this process's RLIMIT_RTPRIO and RLIMIT_MEMLOCK
 * as systemd would, then makes the kiosk's own call, realtime_prepare(), at
 * the priority the kiosk asks for, capped by LimitRTPRIO= (none with
 * RestrictRealtime=yes, whose seccomp filter refuses it).  It returns the
 * priority for controller_params.realtime_priority (0: normal scheduling)
 * and writes one line saying what was applied to out.  Run as root, the
 * rlimits bind nothing, so the cap is applied here. */
struct bench_unit_rt {
	char path[256];
	bool found;         /* the unit file was read */
	bool restrict_rt;   /* RestrictRealtime=yes */
	int rtprio_limit;   /* LimitRTPRIO=, -1 when absent */
	long long memlock;  /* LimitMEMLOCK= in bytes, -1 = infinity, -2 = absent */
	int kiosk_priority; /* realtime_priority in the kiosk.conf, 0 when absent */
	int priority;       /* what the control thread asks for */
	bool fifo_allowed;  /* realtime_prepare() could take SCHED_FIFO */
	bool memory_locked; /* realtime_prepare() locked the memory */
};
void bench_unit_rt_read(struct bench_unit_rt *u, const char *unit_path, const char *kiosk_conf);
int bench_unit_rt_apply(struct bench_unit_rt *u, char *out, size_t out_len);

#endif

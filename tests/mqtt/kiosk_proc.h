/* SPDX-License-Identifier: MIT */
/*
 * The real recovery-kiosk binary (--sim --headless) for end-to-end tests: a
 * kiosk.conf made from assets/kiosk-sim.conf pointed at the test broker
 * (site TEST_SITE, user kiosk), started, killed with SIGKILL or stopped
 * with SIGTERM, its stderr kept in a log file.
 */
#ifndef TESTS_MQTT_KIOSK_PROC_H
#define TESTS_MQTT_KIOSK_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct test_broker;

struct kiosk_proc {
	char conf[192];
	char state_dir[192];
	char log[192];
	pid_t pid;
};

/* Variants of the example configuration. */
struct kiosk_conf_opts {
	const char *site;          /* NULL: TEST_SITE */
	const char *name;          /* file and folder prefix: "kiosk" when NULL */
	unsigned int drop_station; /* leave [station.N] out; 0 keeps all */
};

/* Writes <broker dir>/<name>.conf (and the password file) and sets the
 * paths in k. */
void kiosk_proc_config(struct kiosk_proc *k, const struct test_broker *b,
                       const struct kiosk_conf_opts *opts);
void kiosk_proc_start(struct kiosk_proc *k);
/* Waits (bounded) for the kiosk to exit; its wait status, or -1. */
int kiosk_proc_reap(struct kiosk_proc *k, unsigned int timeout_ms);
void kiosk_proc_kill9(struct kiosk_proc *k);
/* SIGTERM and wait: true when it exited 0. */
bool kiosk_proc_stop(struct kiosk_proc *k);
void kiosk_proc_dump_log(const struct kiosk_proc *k);
/* test_client_wait for 8 s; at the deadline the kiosk's log is printed and
 * the test fails. */
struct test_client;
struct test_msg;
const struct test_msg *kiosk_proc_wait(const struct kiosk_proc *k, struct test_client *c,
                                       size_t from, const char *topic, const char *contains);
/* True when the log has a line containing text. */
bool kiosk_proc_log_has(const struct kiosk_proc *k, const char *text);
/* Runs the binary with extra arguments (e.g. --check-config --mqtt) to the
 * end; its stdout and stderr go to out_path.  Returns the exit status, or -1. */
int kiosk_proc_run(const struct kiosk_proc *k, const char *const *args, const char *out_path);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (built, not registered as a test): what the kiosk writes to its
 * storage per session.  The real controller in virtual time with 8
 * simulated stations, the real event log (SQLite) and MQTT link, a real
 * mosquitto acknowledging every event (so the outbox deletions are in the
 * figure); sessions of the "standard" program run to completion and are
 * confirmed cleaned, all stations at once.  Bytes written are read from
 * /proc/self/io (write_bytes: what this process sent to the block device,
 * fsyncs included), so the state folder must be on a real disk (not tmpfs).
 *
 * Two ways: "together" (every station starts at once, so their events share
 * transactions) and "alone" (one station at a time, waiting for the broker's
 * acknowledgements in between: every event its own transaction, the worst
 * case for an SD card).
 *
 *   bench_store_io [rounds] [state-dir-parent] [together|alone]
 *                  (default 10, /var/tmp, alone)
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiosk_side.h"
#include "mqtt_test_support.h"
#include "sim_rig.h"
#include "store/event_log.h"
#include "store/store.h"

#define STATIONS 8
#define SESSION_S 1200u /* the shortest standard session */

static long long io_write_bytes(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/self/io", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "write_bytes: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static struct event_log *bench_log;

/* Until the broker acknowledged everything (the removals may wait). */
static void drain(struct store *s)
{
	(void)s;
	for (int i = 0; i < 500 && event_log_outbox_depth(bench_log) > 0; i++)
		poll(NULL, 0, 10);
}

/* Stations first..last-1 through one session: start, run to the end, vent,
 * cleaned; with alone, the log and the broker catch up after each step. */
static void sessions(struct sim_rig *r, struct store *s, size_t program, size_t first, size_t last,
                     bool alone)
{
	for (size_t i = first; i < last; i++)
		sim_start_session(r, i, program, SESSION_S);
	if (alone)
		drain(s);
	for (size_t guard = 0; guard < 200000; guard++) {
		size_t dirty = 0;
		for (size_t i = first; i < last; i++)
			dirty += sim_state(r, i) == STATION_NEEDS_CLEANING;
		if (dirty == last - first)
			break;
		sim_step(r);
	}
	if (alone)
		drain(s);
	for (size_t i = first; i < last; i++) {
		struct command c = sim_cmd(CMD_CLEANED, i);
		sim_submit(r, &c);
	}
	sim_step(r);
	drain(s);
}

static void round_of_sessions(struct sim_rig *r, struct store *s, size_t program, bool alone)
{
	if (!alone) {
		sessions(r, s, program, 0, STATIONS, false);
		return;
	}
	for (size_t i = 0; i < STATIONS; i++)
		sessions(r, s, program, i, i + 1, true);
}

int main(int argc, char **argv)
{
	static struct sim_station_spec specs[STATIONS];
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 10u;
	const char *parent = argc > 2 ? argv[2] : "/var/tmp";
	bool alone = !(argc > 3 && strcmp(argv[3], "together") == 0);
	struct test_broker broker;
	char err[256], dir[256];

	for (size_t i = 0; i < STATIONS; i++)
		specs[i] = (struct sim_station_spec){5, SENSOR_SIM};
	if (test_broker_start(&broker, KIOSK_SOURCE_ASSETS "/..") < 0) {
		fprintf(stderr, "bench: cannot start mosquitto\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/bench-store-XXXXXX", parent);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	struct sim_rig *r = sim_rig_new(STATIONS, specs);
	struct kiosk_config *cfg = &r->cfg;
	kiosk_side_config(cfg, &broker);
	/* On a real disk: the broker's folder may be tmpfs. */
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", dir);
	struct kiosk_side *side = kiosk_side_start_with(
	    cfg, r->ctl, "bench", EVENT_LOG_DELIVERED_DELAY_MS, err, sizeof(err));
	if (!side) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	struct store *s = event_log_store(side->log);
	bench_log = side->log;
	size_t program = sim_program(r, "standard");

	/* Warm-up: the database's pages exist, the WAL has its size. */
	round_of_sessions(r, s, program, alone);
	store_checkpoint(s);
	long long w0 = io_write_bytes();
	struct store_stats st0, st1;
	store_get_stats(s, &st0);
	for (unsigned int k = 0; k < rounds; k++) {
		round_of_sessions(r, s, program, alone);
	}
	/* The WAL's pages reach the database at a checkpoint: count it. */
	store_checkpoint(s);
	long long w1 = io_write_bytes();
	store_get_stats(s, &st1);
	unsigned int sessions_run = rounds * STATIONS;
	printf("sessions %u (8 stations x %u rounds, %u s each, %s, MQTT acknowledged)\n",
	       sessions_run, rounds, SESSION_S, alone ? "one station at a time" : "all together");
	printf("bytes written %lld, per session %.0f\n", w1 - w0,
	       (double)(w1 - w0) / (double)sessions_run);
	printf("transactions %llu, per session %.1f\n",
	       (unsigned long long)(st1.transactions - st0.transactions),
	       (double)(st1.transactions - st0.transactions) / (double)sessions_run);
	printf("database %lld bytes, WAL %lld bytes after the checkpoint, outbox %lld\n",
	       (long long)store_file_bytes(s, false), (long long)store_file_bytes(s, true),
	       (long long)store_outbox_count(s));
	kiosk_side_destroy(side);
	sim_rig_free(r);
	test_broker_cleanup(&broker);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
	return 0;
}

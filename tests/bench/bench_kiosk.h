/* SPDX-License-Identifier: MIT */
/*
 * The kiosk's threads beside the controller, wired for the benchmarks in
 * one place exactly as kiosk/main.c wires them: the event log (the store
 * thread and recovery-kiosk.db), the MQTT link over it when [mqtt] is
 * enabled, and the history recorder (history.db).  When main.c's wiring
 * changes, this file follows it.
 *
 * Threading: the benchmark's main thread.
 */
#ifndef TESTS_BENCH_KIOSK_H
#define TESTS_BENCH_KIOSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct controller;
struct event_log;
struct history_recorder;
struct kiosk_config;
struct mqtt_link;

struct bench_kiosk {
	struct event_log *log;
	struct mqtt_link *mqtt;
	struct history_recorder *history;
};

/* After controller_create, before controller_start (each registers its
 * controller listener).  wall_ms is the clock of the history's plot points
 * (NULL: CLOCK_REALTIME; a virtual controller clock passes the same clock).
 * 0, or -errno with a message in err (what was made is freed by
 * bench_kiosk_teardown). */
int bench_kiosk_create(struct bench_kiosk *k, const struct kiosk_config *cfg,
                       struct controller *ctl, uint64_t (*wall_ms)(void *ctx), void *clock_ctx,
                       char *err, size_t err_len);
/* The same, with or without the history recorder (and so without the MQTT
 * link's history answers, usage and session summaries): the benchmarks
 * compare the two.  time_scale: virtual seconds per real second (1 in real
 * time); the event log's delivered delay (EVENT_LOG_DELIVERED_DELAY_MS, on
 * the real clock) is divided by it, so it spans the same virtual time. */
int bench_kiosk_create_with(struct bench_kiosk *k, const struct kiosk_config *cfg,
                            struct controller *ctl, uint64_t (*wall_ms)(void *ctx), void *clock_ctx,
                            bool history, double time_scale, char *err, size_t err_len);
/* Starts their threads.  0 or -errno. */
int bench_kiosk_start(struct bench_kiosk *k);
/* main.c's teardown: stops the controller (every station vents), lets the
 * log commit, the link deliver and the history record the last events,
 * destroys them and the controller in main.c's order.  ctl may be NULL. */
void bench_kiosk_teardown(struct bench_kiosk *k, struct controller *ctl);

#endif

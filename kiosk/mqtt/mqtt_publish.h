/* SPDX-License-Identifier: MIT */
/*
 * The publisher thread: everything the kiosk says on its own initiative.
 * Woken by an eventfd (controller changes, commits of the event log,
 * broker acknowledgements), it publishes retained station and kiosk status,
 * availability, Home Assistant discovery and the events of the outbox,
 * removing an event from the outbox only when the broker acknowledged it.
 * It is the only thread that reads or deletes outbox rows.
 *
 * Threading: create/start/stop/destroy from one thread (main).
 * mqtt_publisher_wake() from any thread; the mqtt_publisher_on_*() calls
 * from the client's net thread (they only record and wake).
 */
#ifndef KIOSK_MQTT_PUBLISH_H
#define KIOSK_MQTT_PUBLISH_H

#include <stdint.h>

struct controller;
struct event_log;
struct kiosk_config;
struct mqtt_client;
struct mqtt_publisher;

struct mqtt_publisher_params {
	const struct kiosk_config *config;
	struct controller *controller;
	struct event_log *log; /* the outbox and its persisted cursor */
	struct mqtt_client *client;
	const char *version;
	const char *backend;
	uint64_t start_ms; /* CLOCK_MONOTONIC when the kiosk started, for uptime */
};

/* NULL + errno. */
struct mqtt_publisher *mqtt_publisher_create(const struct mqtt_publisher_params *p);
int mqtt_publisher_start(struct mqtt_publisher *pub); /* 0 or -errno */
/* Delivers what it can (bounded, about 1 s), publishes availability
 * offline and waits briefly for its acknowledgement, then joins the thread.
 * Call it while the client still runs.  Idempotent. */
void mqtt_publisher_stop(struct mqtt_publisher *pub);
void mqtt_publisher_destroy(struct mqtt_publisher *pub); /* NULL ok */

/* Something changed (snapshot, event committed): publish what is due. */
void mqtt_publisher_wake(struct mqtt_publisher *pub);

/* Net thread: a new connection; a PUBACK (reason code); Home Assistant
 * said it is online (republish discovery). */
void mqtt_publisher_on_connect(struct mqtt_publisher *pub);
void mqtt_publisher_on_ack(struct mqtt_publisher *pub, int mid, int reason);
void mqtt_publisher_on_ha_online(struct mqtt_publisher *pub);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The publisher thread: everything the kiosk says on its own initiative.
 * Woken by an eventfd (controller changes, commits of the event log,
 * broker acknowledgements), it publishes retained station and kiosk status,
 * availability, the instance claim, Home Assistant discovery (and clears
 * what is no longer configured), and the events of the outbox.
 *
 * Every publish is QoS 1 and every PUBACK reason code is checked: an event
 * leaves the outbox only on a success code; one the broker refuses stays,
 * is retried with back-off (1 s doubling to 60 s) and shows on the kiosk's
 * status.  It is the only thread that reads or deletes outbox rows.
 *
 * Threading: create/start/stop/destroy from one thread (main).
 * mqtt_publisher_wake() from any thread; the mqtt_publisher_on_*() calls
 * from the client's net thread (they only record and wake).
 */
#ifndef KIOSK_MQTT_PUBLISH_H
#define KIOSK_MQTT_PUBLISH_H

#include <stddef.h>
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
 * offline (kiosk and stations) and waits briefly for the acknowledgements,
 * then joins the thread.  Call it while the client still runs.
 * Idempotent. */
void mqtt_publisher_stop(struct mqtt_publisher *pub);
void mqtt_publisher_destroy(struct mqtt_publisher *pub); /* NULL ok */

/* Any thread: every event with a controller seq below this has been
 * acknowledged by the broker (0 before the first delivery). */
uint64_t mqtt_publisher_delivered_below(struct mqtt_publisher *pub);

/* Something changed (snapshot, event committed): publish what is due. */
void mqtt_publisher_wake(struct mqtt_publisher *pub);

/* This kiosk's instance id (the database's tag) and host name, as its
 * claim says them. */
const char *mqtt_publisher_instance(const struct mqtt_publisher *pub);

/* Another kiosk's claim seen on this site: its instance and host, "" when
 * none.  Any thread. */
void mqtt_publisher_duplicate(struct mqtt_publisher *pub, char *instance, size_t ilen, char *host,
                              size_t hlen);

/* Net thread: a new connection (its handler has subscribed: announce
 * now); the connection lost (publish nothing until the next announce);
 * a PUBACK (reason code); Home Assistant said it is online (republish
 * discovery); a claim on kiosk/claim (instance, host) that may be another
 * kiosk's. */
void mqtt_publisher_on_connect(struct mqtt_publisher *pub);
void mqtt_publisher_on_disconnect(struct mqtt_publisher *pub);
void mqtt_publisher_on_ack(struct mqtt_publisher *pub, int mid, int reason);
void mqtt_publisher_on_ha_online(struct mqtt_publisher *pub);
void mqtt_publisher_on_claim(struct mqtt_publisher *pub, const char *instance, const char *host);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The MQTT link: the kiosk's conversation with the broker, wired from its
 * parts (each its own file):
 *   - mqtt_client:    the libmosquitto connection and its net thread;
 *   - mqtt_publish:   the publisher thread (status, availability, outbox
 *                     events, discovery);
 *   - mqtt_intake:    staff commands in, into controller_submit (SOURCE_MQTT);
 *   - mqtt_discovery: Home Assistant discovery payloads;
 *   - mqtt_history:   history queries, usage summaries, session summaries.
 * It reads the event log (store/event_log.h) for the outbox and never
 * writes the database except to remove a delivered event.
 *
 * Topics: see mqtt_topic.h and docs/MQTT.md.
 *
 * Threading: create/start/stop/destroy from one thread (main).  The
 * controller listener it registers only writes to an eventfd.
 */
#ifndef KIOSK_MQTT_LINK_H
#define KIOSK_MQTT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt/mqtt_client.h"

struct controller;
struct event_log;
struct history;
struct history_session;
struct kiosk_config;
struct mqtt_link;

struct mqtt_link_params {
	const struct kiosk_config *config; /* site and [mqtt] */
	struct controller *controller;
	struct event_log *log;
	const char *version; /* PROJECT_VERSION */
	const char *backend; /* "simulator" or "libgpiod 1.6" */
};

/* Prepares the client (password file, TLS) and registers the controller
 * listener.  NULL + message in err on failure. */
struct mqtt_link *mqtt_link_create(const struct mqtt_link_params *p, char *err, size_t err_len);

/* Starts the net and publisher threads.  0 or -errno. */
int mqtt_link_start(struct mqtt_link *l);

/* Delivers what it can (bounded, about 1 s), publishes availability offline,
 * disconnects and joins its threads.  Idempotent. */
void mqtt_link_stop(struct mqtt_link *l);

/* Any thread: whether the broker has acknowledged every event up to and
 * including controller seq (false while the link is down or the event
 * waits in the outbox; false for NULL). */
bool mqtt_link_delivered(struct mqtt_link *l, uint64_t seq);

/* The session history the link reads (history_recorder_history()), before
 * mqtt_link_start.  Without it, history queries are answered "unavailable"
 * and no usage or session summary is published. */
void mqtt_link_attach_history(struct mqtt_link *l, struct history *h);
/* history_recorder_params hooks, with ctx = the link (recorder thread; they
 * only flag and wake): a session's summary was written; a station's
 * (1-based) usage changed. */
void mqtt_link_history_session_ended(void *link, const struct history_session *s);
void mqtt_link_history_usage_changed(void *link, unsigned int station);

/* Stops, removes the controller listener, frees.  NULL ok. */
void mqtt_link_destroy(struct mqtt_link *l);

/* What the staff screen shows of the link: the broker connection, refused
 * publishes, configuration problems (each with its fix), the outbox, and
 * another kiosk claiming the site.  Any thread but the control thread (it
 * reads the database for the outbox depth). */
struct mqtt_link_health {
	struct mqtt_client_health client;
	int64_t outbox_depth;        /* -1 unknown */
	char duplicate_instance[64]; /* "" when no other kiosk claims the site */
	char duplicate_host[64];
};
void mqtt_link_health(struct mqtt_link *l, struct mqtt_link_health *out);

#endif

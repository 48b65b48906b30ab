/* SPDX-License-Identifier: MIT */
/*
 * The outbox window: up to MQTT_OUTBOX_WINDOW events of the store's outbox
 * in flight at once, each published QoS 1 and removed from the outbox only
 * when the broker's PUBACK carries a success code.  An event the broker
 * refuses stays in its slot and in the outbox and is sent again after a
 * back-off (1 s doubling to MQTT_OUTBOX_BACKOFF_MAX_MS, at once after a new
 * connection); one not acknowledged within MQTT_OUTBOX_ACK_MS while
 * connected is sent again (the event id makes a duplicate harmless).
 *
 * Threading: the publisher thread only.
 */
#ifndef KIOSK_MQTT_OUTBOX_H
#define KIOSK_MQTT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MQTT_OUTBOX_WINDOW 32u
#define MQTT_OUTBOX_BACKOFF_MAX_MS 60000u
#define MQTT_OUTBOX_ACK_MS 60000u

struct event_log;
struct mqtt_client;
struct mqtt_outbox;

/* Reads the log's outbox; acknowledged events go back to the log
 * (event_log_delivered), which removes them. */
struct mqtt_outbox *mqtt_outbox_create(struct event_log *log, struct mqtt_client *client,
                                       const char *site); /* NULL + errno */
void mqtt_outbox_destroy(struct mqtt_outbox *ob);         /* NULL ok */

/* A new connection: refused events are due at once. */
void mqtt_outbox_on_connect(struct mqtt_outbox *ob, uint64_t now_ms);
/* A PUBACK: true when mid was one of the outbox's. */
bool mqtt_outbox_ack(struct mqtt_outbox *ob, int mid, int reason, uint64_t now_ms);
/* Hands the acknowledged events to the log, which removes them. */
void mqtt_outbox_commit(struct mqtt_outbox *ob);
/* Publishes new outbox rows into free slots and whatever is due again.
 * Returns how many it published; *due_ms gets the ms until the next retry
 * or time-out falls due (UINT64_MAX: none). */
int mqtt_outbox_pump(struct mqtt_outbox *ob, uint64_t now_ms, uint64_t *due_ms);
/* Slots waiting for an acknowledgement / waiting to retry after a refusal. */
size_t mqtt_outbox_inflight(const struct mqtt_outbox *ob);
size_t mqtt_outbox_refused(const struct mqtt_outbox *ob);

#endif

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"
#include "store/event_log.h"
#include "store/store.h"

#define BACKOFF_MIN_MS 1000u

enum slot_state { SLOT_FREE, SLOT_INFLIGHT, SLOT_REFUSED };

struct slot {
	enum slot_state state;
	int mid;
	struct store_outbox_row row;
	uint64_t sent_ms;
	uint64_t retry_ms; /* SLOT_REFUSED: when to send again */
	unsigned int backoff_ms;
};

struct mqtt_outbox {
	struct event_log *log;
	struct store *store;
	struct mqtt_client *client;
	char site[64];
	struct slot slots[MQTT_OUTBOX_WINDOW];
	int64_t last_row; /* the newest row taken into a slot */
	int64_t acked[MQTT_OUTBOX_WINDOW * 4];
	size_t acked_count;
	bool refusing; /* the broker refused the last event it answered */
};

struct mqtt_outbox *mqtt_outbox_create(struct event_log *log, struct mqtt_client *client,
                                       const char *site)
{
	struct mqtt_outbox *ob = calloc(1, sizeof(*ob));

	if (!ob)
		return NULL;
	ob->log = log;
	ob->store = event_log_store(log);
	ob->client = client;
	snprintf(ob->site, sizeof(ob->site), "%s", site);
	return ob;
}

void mqtt_outbox_destroy(struct mqtt_outbox *ob)
{
	free(ob);
}

void mqtt_outbox_on_connect(struct mqtt_outbox *ob, uint64_t now_ms)
{
	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++)
		if (ob->slots[i].state == SLOT_REFUSED)
			ob->slots[i].retry_ms = now_ms;
}

bool mqtt_outbox_ack(struct mqtt_outbox *ob, int mid, int reason, uint64_t now_ms)
{
	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++) {
		struct slot *s = &ob->slots[i];
		if (s->state != SLOT_INFLIGHT || s->mid != mid)
			continue;
		if (reason < 0x80) {
			if (ob->refusing)
				mqtt_log(MQTT_LOG_NOTICE, "the broker accepts events again");
			ob->refusing = false;
			if (ob->acked_count == sizeof(ob->acked) / sizeof(ob->acked[0]))
				mqtt_outbox_commit(ob);
			ob->acked[ob->acked_count++] = s->row.id;
			s->state = SLOT_FREE;
			return true;
		}
		/* Refused: kept, sent again later.  The client logged the topic
		 * and reason once, with the fix. */
		if (!ob->refusing)
			mqtt_log(MQTT_LOG_WARNING,
			         "events the broker refuses stay in the outbox and are sent again "
			         "with back-off up to %u s",
			         MQTT_OUTBOX_BACKOFF_MAX_MS / 1000u);
		ob->refusing = true;
		s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2u : BACKOFF_MIN_MS;
		if (s->backoff_ms > MQTT_OUTBOX_BACKOFF_MAX_MS)
			s->backoff_ms = MQTT_OUTBOX_BACKOFF_MAX_MS;
		s->state = SLOT_REFUSED;
		s->retry_ms = now_ms + s->backoff_ms;
		return true;
	}
	return false;
}

void mqtt_outbox_commit(struct mqtt_outbox *ob)
{
	if (ob->acked_count == 0)
		return;
	event_log_delivered(ob->log, ob->acked, ob->acked_count);
	ob->acked_count = 0;
}

static int send_slot(struct mqtt_outbox *ob, struct slot *s, uint64_t now_ms)
{
	char id[96], topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];

	mqtt_payload_event_id(id, sizeof(id), ob->site, store_tag(ob->store), s->row.id);
	int len = mqtt_payload_event(payload, sizeof(payload), id, &s->row.event);
	if (len <= 0 ||
	    mqtt_topic_station(topic, sizeof(topic), ob->site, s->row.event.station, "event") < 0)
		return -EINVAL;
	struct mqtt_outbound m = {
	    .topic = topic, .payload = payload, .len = (size_t)len, .qos = 1, .json = true};
	if (mqtt_client_publish(ob->client, &m, &s->mid) < 0)
		return -EIO;
	s->state = SLOT_INFLIGHT;
	s->sent_ms = now_ms;
	return 0;
}

static struct slot *free_slot(struct mqtt_outbox *ob)
{
	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++)
		if (ob->slots[i].state == SLOT_FREE)
			return &ob->slots[i];
	return NULL;
}

static void due_in(uint64_t *due, uint64_t at, uint64_t now)
{
	uint64_t d = at > now ? at - now : 0;

	if (d < *due)
		*due = d;
}

int mqtt_outbox_pump(struct mqtt_outbox *ob, uint64_t now_ms, uint64_t *due_ms)
{
	struct store_outbox_row rows[MQTT_OUTBOX_WINDOW];
	size_t free_count = 0;
	int sent = 0;

	*due_ms = UINT64_MAX;
	/* What is due again first: retries after a refusal, lost acknowledgements. */
	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++) {
		struct slot *s = &ob->slots[i];
		uint64_t at = s->state == SLOT_REFUSED    ? s->retry_ms
		              : s->state == SLOT_INFLIGHT ? s->sent_ms + MQTT_OUTBOX_ACK_MS
		                                          : 0;
		if (s->state == SLOT_FREE) {
			free_count++;
			continue;
		}
		if (at > now_ms) {
			due_in(due_ms, at, now_ms);
			continue;
		}
		if (send_slot(ob, s, now_ms) == 0)
			sent++;
		due_in(due_ms, now_ms + (s->state == SLOT_INFLIGHT ? MQTT_OUTBOX_ACK_MS : 1000u),
		       now_ms);
	}
	if (free_count == 0)
		return sent;
	int n = store_outbox_peek(ob->store, ob->last_row, rows, free_count);
	if (n < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot read the outbox: %s", store_errmsg(ob->store));
		return sent;
	}
	for (int k = 0; k < n; k++) {
		struct slot *s = free_slot(ob);
		if (!s)
			break;
		memset(s, 0, sizeof(*s));
		s->row = rows[k];
		ob->last_row = rows[k].id;
		if (send_slot(ob, s, now_ms) == 0) {
			sent++;
		} else if (s->state == SLOT_FREE) {
			/* Cannot be built or queued: try it again in a second. */
			s->state = SLOT_REFUSED;
			s->retry_ms = now_ms + BACKOFF_MIN_MS;
			due_in(due_ms, s->retry_ms, now_ms);
		}
	}
	return sent;
}

size_t mqtt_outbox_inflight(const struct mqtt_outbox *ob)
{
	size_t n = 0;

	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++)
		n += ob->slots[i].state == SLOT_INFLIGHT;
	return n;
}

size_t mqtt_outbox_refused(const struct mqtt_outbox *ob)
{
	size_t n = 0;

	for (size_t i = 0; i < MQTT_OUTBOX_WINDOW; i++)
		n += ob->slots[i].state == SLOT_REFUSED;
	return n;
}

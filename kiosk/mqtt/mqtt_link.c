/* SPDX-License-Identifier: MIT */
/* Wiring: the client's handlers route to the intake and the publisher. */
#include "mqtt/mqtt_link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/controller.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_history.h"
#include "mqtt/mqtt_intake.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_publish.h"
#include "mqtt/mqtt_topic.h"
#include "store/event_log.h"

struct mqtt_link {
	struct mqtt_link_params p;
	struct mqtt_client *client;
	struct mqtt_publisher *pub;
	struct mqtt_intake *intake;
	struct mqtt_history *history;
	bool listening;
	bool started;
	char ha_status[80]; /* <discovery_prefix>/status, "" without discovery */
	char claim[MQTT_TOPIC_MAX];
};

/* Control thread: must not block. */
static void on_controller_change(void *ctx)
{
	struct mqtt_link *l = ctx;

	mqtt_publisher_wake(l->pub);
}

/* Store thread, after a commit. */
static void on_persisted(void *ctx)
{
	struct mqtt_link *l = ctx;

	mqtt_publisher_wake(l->pub);
}

/* ---- client handlers: net thread ---- */

static void on_connected(void *ctx, bool session_present)
{
	struct mqtt_link *l = ctx;

	(void)session_present;
	mqtt_intake_on_connect(l->intake);
	mqtt_history_on_connect(l->history);
	/* Another kiosk's claim on this site shows here, retained at each
	 * connect (two kiosks with one client id share one session and never
	 * see each other's claims live) or live. */
	mqtt_client_subscribe(l->client, l->claim, true, NULL);
	if (l->ha_status[0])
		mqtt_client_subscribe(l->client, l->ha_status, false, NULL);
	mqtt_publisher_on_connect(l->pub);
}

static void on_disconnected(void *ctx)
{
	struct mqtt_link *l = ctx;

	mqtt_publisher_on_disconnect(l->pub);
}

static void on_acked(void *ctx, int mid, int reason)
{
	struct mqtt_link *l = ctx;

	mqtt_publisher_on_ack(l->pub, mid, reason);
	mqtt_history_on_ack(l->history, mid, reason);
}

static void on_message(void *ctx, const struct mqtt_inbound *msg)
{
	struct mqtt_link *l = ctx;

	if (l->ha_status[0] && strcmp(msg->topic, l->ha_status) == 0) {
		if (msg->len == 6 && memcmp(msg->payload, "online", 6) == 0)
			mqtt_publisher_on_ha_online(l->pub);
		return;
	}
	if (strcmp(msg->topic, l->claim) == 0) {
		char instance[64], host[64];
		if (mqtt_payload_claim_parse(msg->payload, msg->len, instance, sizeof(instance),
		                             host, sizeof(host)) == 0)
			mqtt_publisher_on_claim(l->pub, instance, host);
		return;
	}
	if (mqtt_history_on_message(l->history, msg))
		return;
	mqtt_intake_on_message(l->intake, msg);
}

/* ---- lifecycle ---- */

struct mqtt_link *mqtt_link_create(const struct mqtt_link_params *p, char *err, size_t err_len)
{
	const struct kiosk_config *cfg = p->config;
	struct mqtt_link *l;
	char will[MQTT_TOPIC_MAX];
	int rc = -ENOMEM;

	if (!p->config || !p->controller || !p->log) {
		snprintf(err, err_len, "mqtt: config, controller and event log are required");
		errno = EINVAL;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, err_len, "mqtt: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	l->p = *p;
	if (cfg->mqtt.discovery_prefix[0])
		snprintf(l->ha_status, sizeof(l->ha_status), "%s/status",
		         cfg->mqtt.discovery_prefix);
	if (mqtt_topic_kiosk(will, sizeof(will), cfg->site, "availability") < 0 ||
	    mqtt_topic_kiosk(l->claim, sizeof(l->claim), cfg->site, "claim") < 0) {
		snprintf(err, err_len, "mqtt: site '%s' is too long; use a shorter site name",
		         cfg->site);
		rc = -ENAMETOOLONG;
		goto err_free;
	}
	struct mqtt_client_handlers h = {
	    .connected = on_connected,
	    .disconnected = on_disconnected,
	    .acked = on_acked,
	    .message = on_message,
	    .ctx = l,
	};
	l->client = mqtt_client_create(cfg, will, &h, err, err_len);
	if (!l->client) {
		rc = -errno;
		goto err_free;
	}
	struct mqtt_publisher_params pp = {
	    .config = cfg,
	    .controller = p->controller,
	    .log = p->log,
	    .client = l->client,
	    .version = p->version ? p->version : "unknown",
	    .backend = p->backend ? p->backend : "unknown",
	    .start_ms = mqtt_now_ms(),
	};
	l->pub = mqtt_publisher_create(&pp);
	struct mqtt_intake_params ip = {
	    .config = cfg,
	    .controller = p->controller,
	    .log = p->log,
	    .client = l->client,
	};
	l->intake = mqtt_intake_create(&ip);
	struct mqtt_history_params hp = {.config = cfg, .client = l->client};
	l->history = mqtt_history_create(&hp);
	if (!l->pub || !l->intake || !l->history) {
		snprintf(err, err_len, "mqtt: out of memory");
		rc = -ENOMEM;
		goto err_parts;
	}
	rc = controller_add_listener(p->controller, on_controller_change, l);
	if (rc < 0) {
		snprintf(err, err_len, "mqtt: cannot listen to the controller: %s", strerror(-rc));
		goto err_parts;
	}
	l->listening = true;
	return l;

err_parts:
	mqtt_history_destroy(l->history);
	mqtt_intake_destroy(l->intake);
	mqtt_publisher_destroy(l->pub);
	mqtt_client_destroy(l->client);
err_free:
	free(l);
	errno = -rc;
	return NULL;
}

void mqtt_link_health(struct mqtt_link *l, struct mqtt_link_health *out)
{
	memset(out, 0, sizeof(*out));
	mqtt_client_health(l->client, &out->client);
	out->outbox_depth = event_log_outbox_depth(l->p.log);
	mqtt_publisher_duplicate(l->pub, out->duplicate_instance, sizeof(out->duplicate_instance),
	                         out->duplicate_host, sizeof(out->duplicate_host));
}

int mqtt_link_start(struct mqtt_link *l)
{
	int rc;

	if (l->started)
		return -EALREADY;
	event_log_watch(l->p.log, on_persisted, l);
	rc = mqtt_client_start(l->client);
	if (rc == 0)
		rc = mqtt_publisher_start(l->pub);
	if (rc == 0)
		rc = mqtt_history_start(l->history);
	l->started = true;
	if (rc < 0)
		mqtt_link_stop(l);
	return rc;
}

void mqtt_link_stop(struct mqtt_link *l)
{
	if (!l || !l->started)
		return;
	/* The publisher says goodbye through the client: it stops first. */
	mqtt_publisher_stop(l->pub);
	mqtt_history_stop(l->history);
	mqtt_client_stop(l->client);
	event_log_watch(l->p.log, NULL, NULL);
	l->started = false;
}

void mqtt_link_destroy(struct mqtt_link *l)
{
	if (!l)
		return;
	mqtt_link_stop(l);
	if (l->listening)
		controller_remove_listener(l->p.controller, on_controller_change, l);
	mqtt_history_destroy(l->history);
	mqtt_intake_destroy(l->intake);
	mqtt_publisher_destroy(l->pub);
	mqtt_client_destroy(l->client);
	free(l);
}

bool mqtt_link_delivered(struct mqtt_link *l, uint64_t seq)
{
	return l && mqtt_publisher_delivered_below(l->pub) > seq;
}

void mqtt_link_attach_history(struct mqtt_link *l, struct history *h)
{
	mqtt_history_attach(l->history, h);
}

void mqtt_link_history_session_ended(void *link, const struct history_session *s)
{
	struct mqtt_link *l = link;

	(void)s; /* the history says which summaries are due */
	mqtt_history_session_ended(l->history);
}

void mqtt_link_history_usage_changed(void *link, unsigned int station)
{
	struct mqtt_link *l = link;

	mqtt_history_usage_changed(l->history, station);
}

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_discovery.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"

#define CHECK_MAX 96u

struct probe {
	char topic[MQTT_TOPIC_MAX + 64];
	bool subscribe;
	int mid;
	int result; /* -1 no answer, else granted QoS / reason code */
};

struct check {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool connected;
	char refused[96];
	struct probe probes[CHECK_MAX];
	size_t count;
	char claim_instance[64];
	char claim_host[64];
	bool claim_echo; /* our probe on the claim topic came back: reads work */
};

static void on_connected(void *ctx, bool session_present)
{
	struct check *k = ctx;

	(void)session_present;
	pthread_mutex_lock(&k->lock);
	k->connected = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

static void on_refused(void *ctx, const char *reason)
{
	struct check *k = ctx;

	pthread_mutex_lock(&k->lock);
	snprintf(k->refused, sizeof(k->refused), "%s", reason);
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

static void record(struct check *k, int mid, bool subscribe, int result)
{
	pthread_mutex_lock(&k->lock);
	for (size_t i = 0; i < k->count; i++)
		if (k->probes[i].mid == mid && k->probes[i].subscribe == subscribe)
			k->probes[i].result = result;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

static void on_acked(void *ctx, int mid, int reason)
{
	record(ctx, mid, false, reason);
}

static void on_subscribed(void *ctx, int mid, int count, const int *granted)
{
	record(ctx, mid, true, count > 0 ? granted[0] : 0x80);
}

static void on_message(void *ctx, const struct mqtt_inbound *msg)
{
	struct check *k = ctx;
	char instance[64], host[64];

	if (!strstr(msg->topic, "/kiosk/claim"))
		return;
	if (msg->len == 14 && memcmp(msg->payload, "{\"probe\":true}", 14) == 0) {
		pthread_mutex_lock(&k->lock);
		k->claim_echo = true;
		pthread_cond_broadcast(&k->cond);
		pthread_mutex_unlock(&k->lock);
		return;
	}
	if (mqtt_payload_claim_parse(msg->payload, msg->len, instance, sizeof(instance), host,
	                             sizeof(host)) < 0)
		return;
	pthread_mutex_lock(&k->lock);
	snprintf(k->claim_instance, sizeof(k->claim_instance), "%s", instance);
	snprintf(k->claim_host, sizeof(k->claim_host), "%s", host);
	pthread_mutex_unlock(&k->lock);
}

static void deadline(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000u);
	ts->tv_nsec += (long)(ms % 1000u) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static struct probe *add(struct check *k, const char *topic, bool subscribe)
{
	if (k->count == CHECK_MAX)
		return NULL;
	struct probe *p = &k->probes[k->count++];
	snprintf(p->topic, sizeof(p->topic), "%s", topic);
	p->subscribe = subscribe;
	p->result = -1;
	return p;
}

/* Every topic the kiosk writes, and every filter it reads. */
static void plan(struct check *k, const struct kiosk_config *cfg)
{
	static const char *const kiosk_leaves[] = {"status", "availability", "claim"};
	static const char *const station_leaves[] = {"status",     "event", "availability",
	                                             "cmd/result", "usage", "summary"};
	char t[MQTT_TOPIC_MAX + 64];

	mqtt_topic_site(t, sizeof(t), cfg->site, "station/+/cmd");
	add(k, t, true);
	mqtt_topic_kiosk(t, sizeof(t), cfg->site, "claim");
	add(k, t, true);
	mqtt_topic_kiosk(t, sizeof(t), cfg->site, "history");
	add(k, t, true);
	if (cfg->mqtt.discovery_prefix[0]) {
		snprintf(t, sizeof(t), "%s/status", cfg->mqtt.discovery_prefix);
		add(k, t, true);
	}
	for (size_t i = 0; i < sizeof(kiosk_leaves) / sizeof(kiosk_leaves[0]); i++) {
		mqtt_topic_kiosk(t, sizeof(t), cfg->site, kiosk_leaves[i]);
		add(k, t, false);
	}
	for (unsigned int n = 0; n < cfg->station_count && n < MQTT_STATIONS_MAX; n++)
		for (size_t i = 0; i < sizeof(station_leaves) / sizeof(station_leaves[0]); i++) {
			mqtt_topic_station(t, sizeof(t), cfg->site, n, station_leaves[i]);
			add(k, t, false);
		}
	mqtt_topic_site(t, sizeof(t), cfg->site, "reply/recovery-kiosk-check");
	add(k, t, false);
	if (cfg->mqtt.discovery_prefix[0]) {
		snprintf(t, sizeof(t), "%s/sensor/recovery_%s_kiosk/probe/config",
		         cfg->mqtt.discovery_prefix, cfg->site);
		add(k, t, false);
	}
}

static bool wait_until(struct check *k, bool (*done)(struct check *), unsigned int ms)
{
	struct timespec until;
	bool ok;

	deadline(&until, ms);
	pthread_mutex_lock(&k->lock);
	while (!(ok = done(k)) && pthread_cond_timedwait(&k->cond, &k->lock, &until) == 0)
		;
	ok = done(k);
	pthread_mutex_unlock(&k->lock);
	return ok;
}

static bool connected_or_refused(struct check *k)
{
	return k->connected || k->refused[0];
}

static bool all_answered(struct check *k)
{
	for (size_t i = 0; i < k->count; i++)
		if (k->probes[i].mid && k->probes[i].result < 0)
			return false;
	return true;
}

static bool echoed(struct check *k)
{
	return k->claim_echo;
}

static int report(struct check *k, const struct kiosk_config *cfg, FILE *out)
{
	const char *user = cfg->mqtt.username[0] ? cfg->mqtt.username : "(anonymous)";
	size_t denied = 0;

	for (size_t i = 0; i < k->count; i++) {
		const struct probe *p = &k->probes[i];
		const char *verb = p->subscribe ? "read " : "write";
		bool claim = strstr(p->topic, "/kiosk/claim") != NULL;
		if (p->result >= 0 && p->result < 0x80 && p->subscribe && claim && !k->claim_echo) {
			/* mosquitto accepts any subscription and drops what the ACL
			 * does not let through: the claim is the topic the kiosk both
			 * writes and reads, so its probe must come back. */
			denied++;
			fprintf(
			    out,
			    "mqtt: read  %s: NOT DELIVERED (the probe written to it did not come "
			    "back); add \"topic readwrite %s\" and \"topic read " MQTT_TOPIC_ROOT
			    "/%s/station/+/cmd\" under \"user %s\" in the broker's ACL, or fix "
			    "site in "
			    "kiosk.conf\n",
			    p->topic, p->topic, cfg->site, user);
			continue;
		}
		if (p->result >= 0 && p->result < 0x80) {
			fprintf(out, "mqtt: %s %s: %s\n", verb, p->topic,
			        !p->subscribe ? "allowed"
			        : claim       ? "allowed (the probe came back)"
			                      : "subscription accepted");
			continue;
		}
		denied++;
		if (p->result < 0)
			fprintf(out, "mqtt: %s %s: NO ANSWER from the broker in %u ms\n", verb,
			        p->topic, MQTT_CHECK_TIMEOUT_MS);
		else
			fprintf(
			    out,
			    "mqtt: %s %s: DENIED (%s); add \"topic %s %s\" under \"user %s\" in "
			    "the broker's ACL, or fix site in kiosk.conf\n",
			    verb, p->topic, p->result == 0x80 ? "failure" : "not authorized",
			    p->subscribe ? "read" : "write", p->topic, user);
	}
	if (k->claim_instance[0])
		fprintf(out,
		        "mqtt: a kiosk claims site '%s' already: instance %s on host '%s'; if that "
		        "is not this machine's kiosk, give one of them another site\n",
		        cfg->site, k->claim_instance, k->claim_host);
	fprintf(out, "mqtt: %s:%u as user %s: %s\n", cfg->mqtt.host, cfg->mqtt.port, user,
	        denied ? "the ACL refuses what is listed above" : "OK, everything allowed");
	return denied ? -EACCES : 0;
}

int mqtt_check_run(const struct kiosk_config *cfg, FILE *out)
{
	static struct check k; /* one check per process; large */
	char id[96], err[512];
	int rc;

	memset(&k, 0, sizeof(k));
	pthread_mutex_init(&k.lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k.cond, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(id, sizeof(id), "%.60s-check",
	         cfg->mqtt.client_id[0] ? cfg->mqtt.client_id : "recovery-kiosk");
	struct mqtt_client_handlers h = {
	    .connected = on_connected,
	    .refused = on_refused,
	    .acked = on_acked,
	    .subscribed = on_subscribed,
	    .message = on_message,
	    .ctx = &k,
	};
	struct mqtt_client *c = mqtt_client_create_transient(cfg, id, &h, err, sizeof(err));
	if (!c) {
		fprintf(out, "mqtt: %s\n", err);
		rc = -EINVAL;
		goto out;
	}
	if (mqtt_client_start(c) < 0 ||
	    !wait_until(&k, connected_or_refused, MQTT_CHECK_TIMEOUT_MS)) {
		fprintf(out,
		        "mqtt: no broker answered at %s:%u within %u ms; check host and port in "
		        "[mqtt] and that the broker runs\n",
		        cfg->mqtt.host, cfg->mqtt.port, MQTT_CHECK_TIMEOUT_MS);
		rc = -EHOSTUNREACH;
		goto out_client;
	}
	if (k.refused[0]) {
		fprintf(out,
		        "mqtt: %s:%u refused the connection: %s; check username and password_file "
		        "in [mqtt] and the broker's password file\n",
		        cfg->mqtt.host, cfg->mqtt.port, k.refused);
		rc = -ECONNREFUSED;
		goto out_client;
	}
	plan(&k, cfg);
	for (size_t i = 0; i < k.count; i++) {
		struct probe *p = &k.probes[i];
		int mid = 0;
		pthread_mutex_lock(&k.lock);
		if (p->subscribe) {
			mqtt_client_subscribe(c, p->topic, true, &mid);
		} else {
			bool discovery = strstr(p->topic, "/config") != NULL;
			struct mqtt_outbound m = {
			    .topic = p->topic,
			    .payload = discovery ? "" : "{\"probe\":true}",
			    .len = discovery ? 0u : 14u,
			    .qos = 1,
			    .expiry_s = 1,
			    .probe = true,
			};
			mqtt_client_publish(c, &m, &mid);
		}
		p->mid = mid;
		pthread_mutex_unlock(&k.lock);
	}
	wait_until(&k, all_answered, MQTT_CHECK_TIMEOUT_MS);
	wait_until(&k, echoed, 1000);
	rc = report(&k, cfg, out);
out_client:
	mqtt_client_destroy(c);
out:
	pthread_cond_destroy(&k.cond);
	pthread_mutex_destroy(&k.lock);
	return rc;
}

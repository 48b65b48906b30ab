/* SPDX-License-Identifier: MIT */
/* The publisher thread.  Facts from the net thread (connection generation,
 * acknowledgements, claims, Home Assistant's birth) are handed over under
 * pub->lock; everything else belongs to the publisher thread. */
#include "mqtt/mqtt_publish.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "config/config.h"
#include "core/controller.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_discovery.h"
#include "mqtt/mqtt_outbox.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"
#include "store/event_log.h"
#include "store/store.h"

#define PUB_ACKS_MAX 1024u
/* The kiosk's status carries up to MQTT_PROBLEMS_MAX long lines. */
#define PUB_KIOSK_STATUS_MAX (MQTT_PAYLOAD_MAX + MQTT_PROBLEMS_MAX * MQTT_PROBLEM_LEN)
#define PUB_STATUS_MIN_MS 1000u    /* running status updates at most 1/s */
#define PUB_IDLE_DEADBAND_MMHG 1.0 /* sensor noise on a resting station is not news */
#define PUB_KIOSK_STATUS_MS 60000u /* the kiosk's status at least this often */
#define PUB_KIOSK_MIN_MS 1000u     /* and at most once a second */
#define PUB_FLUSH_MS 1000u
#define PUB_GOODBYE_MS 300u
/* The kiosk reads its own claim back within this, or it cannot read. */
#define PUB_CLAIM_ECHO_MS 5000u

struct station_cache {
	bool published;
	enum station_state state;
	enum fault_code fault;
	int program_index;
	uint64_t published_ms;
	double zone_mmhg[STATION_MAX_ZONES];
	double manifold_mmhg;
	char payload[MQTT_PAYLOAD_MAX];
};

struct ack {
	int mid;
	int reason;
};

struct mqtt_publisher {
	struct mqtt_publisher_params p;
	struct store *store;
	struct mqtt_outbox *outbox;
	int efd;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	char instance[STORE_TAG_LEN + 1];
	char host[64];
	uint64_t since_wall_ms;

	/* Written by the net thread, read by the publisher. */
	pthread_mutex_t lock;
	unsigned int connect_gen;
	/* From each disconnect (and the start) until the connect handler has
	 * run: the client says connected a moment before its subscriptions and
	 * connect_gen are done, and nothing is published before announce(). */
	bool down;
	bool ha_online;
	struct ack acked[PUB_ACKS_MAX];
	size_t acked_count;
	char dup_instance[STORE_TAG_LEN * 4 + 1];
	char dup_host[64];
	bool dup_changed;
	bool claim_seen; /* our own claim came back since the last connect */

	/* Publisher thread only. */
	unsigned int seen_gen;
	uint64_t claim_sent_ms; /* 0: no echo awaited */
	uint64_t kiosk_status_ms;
	uint64_t kiosk_checked_ms;
	char kiosk_last[PUB_KIOSK_STATUS_MAX]; /* the last kiosk status, uptime left out */
	int goodbye_mids[MQTT_STATIONS_MAX + 1];
	size_t goodbye_left;
	/* Every event with seq below this is acknowledged by the broker. */
	_Atomic uint64_t delivered_below;
	struct station_cache cache[KIOSK_MAX_STATIONS];
};

static void drain(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending. */
	}
}

void mqtt_publisher_wake(struct mqtt_publisher *pub)
{
	uint64_t one = 1;

	/* Non-blocking eventfd: this never stalls the control thread. */
	if (write(pub->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: already woken. */
	}
}

const char *mqtt_publisher_instance(const struct mqtt_publisher *pub)
{
	return pub->instance;
}

void mqtt_publisher_duplicate(struct mqtt_publisher *pub, char *instance, size_t ilen, char *host,
                              size_t hlen)
{
	pthread_mutex_lock(&pub->lock);
	snprintf(instance, ilen, "%s", pub->dup_instance);
	snprintf(host, hlen, "%s", pub->dup_host);
	pthread_mutex_unlock(&pub->lock);
}

/* ---- net thread ---- */

void mqtt_publisher_on_connect(struct mqtt_publisher *pub)
{
	pthread_mutex_lock(&pub->lock);
	pub->connect_gen++;
	pub->down = false;
	pthread_mutex_unlock(&pub->lock);
	mqtt_publisher_wake(pub);
}

void mqtt_publisher_on_disconnect(struct mqtt_publisher *pub)
{
	pthread_mutex_lock(&pub->lock);
	pub->down = true;
	pthread_mutex_unlock(&pub->lock);
	mqtt_publisher_wake(pub);
}

void mqtt_publisher_on_ack(struct mqtt_publisher *pub, int mid, int reason)
{
	pthread_mutex_lock(&pub->lock);
	if (pub->acked_count < PUB_ACKS_MAX)
		pub->acked[pub->acked_count++] = (struct ack){mid, reason};
	/* else: lost; the outbox sends that event again after its time-out. */
	pthread_mutex_unlock(&pub->lock);
	mqtt_publisher_wake(pub);
}

void mqtt_publisher_on_ha_online(struct mqtt_publisher *pub)
{
	pthread_mutex_lock(&pub->lock);
	pub->ha_online = true;
	pthread_mutex_unlock(&pub->lock);
	mqtt_publisher_wake(pub);
}

void mqtt_publisher_on_claim(struct mqtt_publisher *pub, const char *instance, const char *host)
{
	if (strcmp(instance, pub->instance) == 0 && strcmp(host, pub->host) == 0) {
		pthread_mutex_lock(&pub->lock);
		pub->claim_seen = true;
		pthread_mutex_unlock(&pub->lock);
		return;
	}
	pthread_mutex_lock(&pub->lock);
	bool fresh = strcmp(pub->dup_instance, instance) != 0;
	if (fresh) {
		snprintf(pub->dup_instance, sizeof(pub->dup_instance), "%s", instance);
		snprintf(pub->dup_host, sizeof(pub->dup_host), "%s", host);
		pub->dup_changed = true;
	}
	pthread_mutex_unlock(&pub->lock);
	if (fresh) {
		mqtt_log(MQTT_LOG_ERR,
		         "a second kiosk claims site '%s': instance %s on host '%s' (this is %s on "
		         "'%s'); two kiosks on one site fight over its stations and commands: give "
		         "each its own site in kiosk.conf",
		         pub->p.config->site, instance, host, pub->instance, pub->host);
		mqtt_publisher_wake(pub);
	}
}

/* ---- publisher thread ---- */

static int publish(struct mqtt_publisher *pub, const char *topic, const char *payload, size_t len,
                   bool retain, int *mid)
{
	struct mqtt_outbound m = {
	    .topic = topic,
	    .payload = payload,
	    .len = len,
	    .qos = 1,
	    .retain = retain,
	    .json = len > 0 && payload[0] == '{',
	};

	return mqtt_client_publish(pub->p.client, &m, mid);
}

static void kiosk_info(struct mqtt_publisher *pub, uint64_t now, struct mqtt_client_health *h,
                       struct mqtt_kiosk_info *info, const char **problems)
{
	const struct kiosk_config *cfg = pub->p.config;
	struct store_stats ss;
	struct controller_stats cs;

	mqtt_client_health(pub->p.client, h);
	store_get_stats(pub->store, &ss);
	controller_get_stats(pub->p.controller, &cs);
	for (size_t i = 0; i < h->problem_count; i++)
		problems[i] = h->problems[i];
	*info = (struct mqtt_kiosk_info){
	    .site = cfg->site,
	    .instance = pub->instance,
	    .host = pub->host,
	    .version = pub->p.version,
	    .backend = pub->p.backend,
	    .uptime_s = (now - pub->p.start_ms) / 1000u,
	    .station_count = (unsigned int)cfg->station_count,
	    .client_id = mqtt_client_id(pub->p.client),
	    .connected = h->connected,
	    .session_present = h->session_present,
	    .connects = h->connects,
	    .outbox_depth = event_log_outbox_depth(pub->p.log),
	    .refused = h->refused,
	    .refused_topic = h->refused ? h->refused_topic : NULL,
	    .refused_reason = h->refused_reason,
	    .outbox_dropped = ss.outbox_dropped,
	    .deadlines_guaranteed = cs.realtime,
	    .problems = problems,
	    .problem_count = h->problem_count,
	};
}

/* Publishes the kiosk's status when it changed (at most 1/s) or every
 * PUB_KIOSK_STATUS_MS; returns ms until it is next due. */
static uint64_t publish_kiosk_status(struct mqtt_publisher *pub, uint64_t now, bool force)
{
	char topic[MQTT_TOPIC_MAX], payload[PUB_KIOSK_STATUS_MAX], same[PUB_KIOSK_STATUS_MAX];
	struct mqtt_client_health h;
	struct mqtt_kiosk_info info;
	const char *problems[MQTT_PROBLEMS_MAX];

	/* Looked at once a second at most: a running session wakes the
	 * publisher many times a second. */
	if (!force && now - pub->kiosk_checked_ms < PUB_KIOSK_MIN_MS)
		return PUB_KIOSK_MIN_MS - (now - pub->kiosk_checked_ms);
	pub->kiosk_checked_ms = now;
	kiosk_info(pub, now, &h, &info, problems);
	pthread_mutex_lock(&pub->lock);
	char dup_i[sizeof(pub->dup_instance)], dup_h[sizeof(pub->dup_host)];
	memcpy(dup_i, pub->dup_instance, sizeof(dup_i));
	memcpy(dup_h, pub->dup_host, sizeof(dup_h));
	pthread_mutex_unlock(&pub->lock);
	if (dup_i[0]) {
		info.duplicate_instance = dup_i;
		info.duplicate_host = dup_h;
	}
	/* Uptime alone is not a change. */
	uint64_t up = info.uptime_s;
	info.uptime_s = 0;
	if (mqtt_payload_kiosk_status(same, sizeof(same), &info) < 0)
		return PUB_KIOSK_STATUS_MS;
	bool changed = strcmp(same, pub->kiosk_last) != 0;
	uint64_t since = now - pub->kiosk_status_ms;
	if (!force && !(changed && since >= PUB_KIOSK_MIN_MS) && since < PUB_KIOSK_STATUS_MS)
		return changed ? PUB_KIOSK_MIN_MS - since : PUB_KIOSK_STATUS_MS - since;
	info.uptime_s = up;
	int n = mqtt_payload_kiosk_status(payload, sizeof(payload), &info);
	if (n > 0 && mqtt_topic_kiosk(topic, sizeof(topic), info.site, "status") >= 0 &&
	    publish(pub, topic, payload, (size_t)n, true, NULL) == 0) {
		memcpy(pub->kiosk_last, same, sizeof(same));
		pub->kiosk_status_ms = now;
	}
	return PUB_KIOSK_STATUS_MS;
}

static void publish_claim(struct mqtt_publisher *pub, uint64_t now)
{
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	struct mqtt_client_health h;
	struct mqtt_kiosk_info info;
	const char *problems[MQTT_PROBLEMS_MAX];

	kiosk_info(pub, now, &h, &info, problems);
	int n = mqtt_payload_claim(payload, sizeof(payload), &info, pub->since_wall_ms);
	if (n > 0 && mqtt_topic_kiosk(topic, sizeof(topic), info.site, "claim") >= 0 &&
	    publish(pub, topic, payload, (size_t)n, true, NULL) == 0) {
		pthread_mutex_lock(&pub->lock);
		pub->claim_seen = false;
		pthread_mutex_unlock(&pub->lock);
		pub->claim_sent_ms = now;
	}
}

/* The claim is the one topic the kiosk both writes and reads: when it never
 * comes back, the broker lets the kiosk read nothing of its site (mosquitto
 * accepts any subscription and drops what the ACL does not let through). */
static uint64_t check_claim_echo(struct mqtt_publisher *pub, uint64_t now)
{
	char topic[MQTT_TOPIC_MAX];

	if (!pub->claim_sent_ms)
		return UINT64_MAX;
	pthread_mutex_lock(&pub->lock);
	bool seen = pub->claim_seen;
	pthread_mutex_unlock(&pub->lock);
	if (seen) {
		pub->claim_sent_ms = 0;
		return UINT64_MAX;
	}
	if (now - pub->claim_sent_ms < PUB_CLAIM_ECHO_MS)
		return pub->claim_sent_ms + PUB_CLAIM_ECHO_MS - now;
	pub->claim_sent_ms = 0;
	mqtt_topic_kiosk(topic, sizeof(topic), pub->p.config->site, "claim");
	mqtt_client_problem(pub->p.client,
	                    "the kiosk does not receive its own claim on '%s': the broker does not "
	                    "let it read its site, so staff commands cannot reach it either; grant "
	                    "'topic readwrite %s' and 'topic read " MQTT_TOPIC_ROOT
	                    "/%s/station/+/cmd' in the ACL, or fix site in kiosk.conf",
	                    topic, topic, pub->p.config->site);
	return UINT64_MAX;
}

static int discovery_one(void *ctx, const char *topic, const char *payload, size_t len)
{
	struct mqtt_publisher *pub = ctx;

	publish(pub, topic, payload, len, true, NULL);
	return 0;
}

static void publish_discovery(struct mqtt_publisher *pub)
{
	const struct kiosk_config *cfg = pub->p.config;
	struct mqtt_discovery_site d = {
	    .prefix = cfg->mqtt.discovery_prefix,
	    .site = cfg->site,
	    .version = pub->p.version,
	};

	if (!cfg->mqtt.discovery_prefix[0])
		return;
	for (size_t i = 0; i < cfg->station_count && i < MQTT_STATIONS_MAX; i++) {
		d.stations[i].present = true;
		d.stations[i].name = cfg->stations[i].name;
		d.stations[i].has_sensor = cfg->stations[i].pins.sensor != SENSOR_NONE;
	}
	int rc = mqtt_discovery_foreach(&d, discovery_one, pub);
	if (rc < 0)
		mqtt_log(MQTT_LOG_ERR, "cannot build the Home Assistant discovery: %s",
		         strerror(-rc));
}

/* On a new connection: who is here.  Station slots no longer configured
 * lose their retained status and availability. */
static void announce(struct mqtt_publisher *pub, uint64_t now)
{
	const struct kiosk_config *cfg = pub->p.config;
	char topic[MQTT_TOPIC_MAX];

	if (mqtt_topic_kiosk(topic, sizeof(topic), cfg->site, "availability") >= 0)
		publish(pub, topic, "online", 6, true, NULL);
	publish_claim(pub, now);
	for (unsigned int i = 0; i < MQTT_STATIONS_MAX; i++) {
		bool present = i < cfg->station_count;
		if (mqtt_topic_station(topic, sizeof(topic), cfg->site, i, "availability") >= 0)
			publish(pub, topic, present ? "online" : "", present ? 6u : 0u, true, NULL);
		if (!present &&
		    mqtt_topic_station(topic, sizeof(topic), cfg->site, i, "status") >= 0)
			publish(pub, topic, "", 0, true, NULL);
	}
	publish_discovery(pub);
	publish_kiosk_status(pub, now, true);
}

static bool station_active(enum station_state s)
{
	return s == STATION_RUNNING || s == STATION_PAUSED || s == STATION_VENTING;
}

/* On a resting station, true when only the pressures moved, and by less than
 * the deadband: the sensor's noise is not worth a message a second. */
static bool only_noise(const struct station_cache *c, const struct station_snapshot *st)
{
	struct station_snapshot same = *st;
	char buf[MQTT_PAYLOAD_MAX];

	if (station_active(st->state) || !c->published)
		return false;
	for (size_t z = 0; z < STATION_MAX_ZONES; z++) {
		if (fabs(st->zone_mmhg[z] - c->zone_mmhg[z]) >= PUB_IDLE_DEADBAND_MMHG)
			return false;
		same.zone_mmhg[z] = c->zone_mmhg[z];
	}
	if (fabs(st->manifold_mmhg - c->manifold_mmhg) >= PUB_IDLE_DEADBAND_MMHG)
		return false;
	same.manifold_mmhg = c->manifold_mmhg;
	return mqtt_payload_station_status(buf, sizeof(buf), &same) > 0 &&
	       strcmp(buf, c->payload) == 0;
}

/* Publishes what changed; returns ms until a rate-limited update is due. */
static uint64_t publish_statuses(struct mqtt_publisher *pub, bool force)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(pub->p.controller);
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	uint64_t next = UINT64_MAX;
	/* Stamped after the snapshot: a status is never dated before the
	 * change it shows, so the 1 s limit counts from the change or later. */
	uint64_t now = mqtt_now_ms();

	if (!snap)
		return next;
	size_t count =
	    snap->station_count < KIOSK_MAX_STATIONS ? snap->station_count : KIOSK_MAX_STATIONS;
	for (size_t i = 0; i < count; i++) {
		const struct station_snapshot *st = &snap->stations[i];
		struct station_cache *c = &pub->cache[i];
		int n = mqtt_payload_station_status(payload, sizeof(payload), st);
		if (n <= 0)
			continue;
		if (!force && c->published &&
		    (strcmp(payload, c->payload) == 0 || only_noise(c, st)))
			continue;
		bool immediate = force || !c->published || c->state != st->state ||
		                 c->fault != st->fault || c->program_index != st->program_index;
		if (!immediate && now - c->published_ms < PUB_STATUS_MIN_MS) {
			uint64_t due = c->published_ms + PUB_STATUS_MIN_MS - now;
			next = due < next ? due : next;
			continue;
		}
		if (mqtt_topic_station(topic, sizeof(topic), pub->p.config->site, (unsigned int)i,
		                       "status") < 0 ||
		    publish(pub, topic, payload, (size_t)n, true, NULL) < 0)
			continue;
		c->published = true;
		c->state = st->state;
		c->fault = st->fault;
		c->program_index = st->program_index;
		c->published_ms = now;
		memcpy(c->zone_mmhg, st->zone_mmhg, sizeof(c->zone_mmhg));
		c->manifold_mmhg = st->manifold_mmhg;
		memcpy(c->payload, payload, (size_t)n + 1u);
	}
	controller_snapshot_release(pub->p.controller, snap);
	return next;
}

static size_t take_acks(struct mqtt_publisher *pub, struct ack *acks)
{
	pthread_mutex_lock(&pub->lock);
	size_t n = pub->acked_count;
	memcpy(acks, pub->acked, n * sizeof(acks[0]));
	pub->acked_count = 0;
	pthread_mutex_unlock(&pub->lock);
	return n;
}

static void handle_acks(struct mqtt_publisher *pub, const struct ack *acks, size_t n, uint64_t now)
{
	for (size_t k = 0; k < n; k++) {
		if (mqtt_outbox_ack(pub->outbox, acks[k].mid, acks[k].reason, now))
			continue;
		for (size_t g = 0; g < pub->goodbye_left; g++) {
			if (pub->goodbye_mids[g] == acks[k].mid) {
				pub->goodbye_mids[g] = pub->goodbye_mids[--pub->goodbye_left];
				break;
			}
		}
	}
	mqtt_outbox_commit(pub->outbox);
}

/* Says goodbye explicitly (a clean disconnect does not fire the will):
 * every station and the kiosk offline, acknowledged or PUB_GOODBYE_MS. */
static void say_offline(struct mqtt_publisher *pub)
{
	const struct kiosk_config *cfg = pub->p.config;
	struct ack acks[PUB_ACKS_MAX];
	char topic[MQTT_TOPIC_MAX];

	if (!mqtt_client_connected(pub->p.client))
		return;
	pub->goodbye_left = 0;
	for (unsigned int i = 0; i < cfg->station_count && i < MQTT_STATIONS_MAX; i++) {
		int mid = 0;
		if (mqtt_topic_station(topic, sizeof(topic), cfg->site, i, "availability") >= 0 &&
		    publish(pub, topic, "offline", 7, true, &mid) == 0)
			pub->goodbye_mids[pub->goodbye_left++] = mid;
	}
	int mid = 0;
	if (mqtt_topic_kiosk(topic, sizeof(topic), cfg->site, "availability") >= 0 &&
	    publish(pub, topic, "offline", 7, true, &mid) == 0)
		pub->goodbye_mids[pub->goodbye_left++] = mid;
	uint64_t until = mqtt_now_ms() + PUB_GOODBYE_MS;
	while (pub->goodbye_left > 0 && mqtt_now_ms() < until) {
		struct pollfd pfd = {.fd = pub->efd, .events = POLLIN};
		poll(&pfd, 1, 20);
		drain(pub->efd);
		handle_acks(pub, acks, take_acks(pub, acks), mqtt_now_ms());
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void *thread_main(void *arg)
{
	struct mqtt_publisher *pub = arg;
	uint64_t deadline = 0;
	uint64_t due = UINT64_MAX;
	struct ack acks[PUB_ACKS_MAX];

	for (;;) {
		int timeout = due == UINT64_MAX ? -1 : (int)min_u64(due, PUB_KIOSK_STATUS_MS);
		if (deadline)
			timeout = 20;
		struct pollfd pfd = {.fd = pub->efd, .events = POLLIN};
		poll(&pfd, 1, timeout);
		drain(pub->efd);
		uint64_t now = mqtt_now_ms();
		/* Read before the outbox is: what was committed by now and is
		 * not in the outbox any more has been acknowledged. */
		uint64_t persisted = event_log_persisted(pub->p.log);

		size_t nacks = take_acks(pub, acks);
		/* The client's flag before the handler's: a connection seen up
		 * here with down false afterwards has had its handler run, and
		 * gen tells whether it is new. */
		bool link_up = mqtt_client_connected(pub->p.client);
		pthread_mutex_lock(&pub->lock);
		unsigned int gen = pub->connect_gen;
		bool down = pub->down;
		bool ha_online = pub->ha_online;
		bool dup_changed = pub->dup_changed;
		pub->ha_online = false;
		pub->dup_changed = false;
		pthread_mutex_unlock(&pub->lock);
		bool connected = link_up && !down;

		handle_acks(pub, acks, nacks, now);
		bool fresh = connected && gen != pub->seen_gen;
		due = UINT64_MAX;
		if (fresh) {
			pub->seen_gen = gen;
			mqtt_outbox_on_connect(pub->outbox, now);
			announce(pub, now);
		} else if (connected && ha_online) {
			publish_discovery(pub);
		}
		int sent = 0;
		if (connected) {
			due = min_u64(due, publish_statuses(pub, fresh));
			due = min_u64(due, check_claim_echo(pub, now));
			due = min_u64(due, publish_kiosk_status(pub, now, dup_changed));
			uint64_t outbox_due;
			sent = mqtt_outbox_pump(pub->outbox, now, &outbox_due);
			due = min_u64(due, outbox_due);
		}
		if (connected && sent == 0 && mqtt_outbox_inflight(pub->outbox) == 0 &&
		    mqtt_outbox_refused(pub->outbox) == 0)
			atomic_store(&pub->delivered_below, persisted);

		if (atomic_load(&pub->stop) && !deadline)
			deadline = now + PUB_FLUSH_MS;
		if (deadline) {
			bool idle = sent == 0 && mqtt_outbox_inflight(pub->outbox) == 0;
			if (!connected || idle || now >= deadline)
				break;
		}
	}
	say_offline(pub);
	return NULL;
}

/* ---- lifecycle ---- */

struct mqtt_publisher *mqtt_publisher_create(const struct mqtt_publisher_params *p)
{
	struct mqtt_publisher *pub = calloc(1, sizeof(*pub));
	int e;

	if (!pub)
		return NULL;
	pub->p = *p;
	pub->down = true; /* until the first connect handler */
	pub->store = event_log_store(p->log);
	snprintf(pub->instance, sizeof(pub->instance), "%s", store_tag(pub->store));
	if (gethostname(pub->host, sizeof(pub->host)) < 0)
		snprintf(pub->host, sizeof(pub->host), "unknown");
	pub->host[sizeof(pub->host) - 1] = '\0';
	pub->since_wall_ms = mqtt_wall_ms();
	pub->outbox = mqtt_outbox_create(p->log, p->client, p->config->site);
	if (!pub->outbox) {
		free(pub);
		errno = ENOMEM;
		return NULL;
	}
	pub->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pub->efd < 0) {
		e = errno;
		mqtt_outbox_destroy(pub->outbox);
		free(pub);
		errno = e;
		return NULL;
	}
	pthread_mutex_init(&pub->lock, NULL);
	return pub;
}

int mqtt_publisher_start(struct mqtt_publisher *pub)
{
	int rc;

	if (pub->started)
		return -EALREADY;
	rc = -pthread_create(&pub->thread, NULL, thread_main, pub);
	if (rc < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot start the MQTT publisher thread: %s", strerror(-rc));
		return rc;
	}
	pub->started = true;
	return 0;
}

void mqtt_publisher_stop(struct mqtt_publisher *pub)
{
	if (!pub || !pub->started)
		return;
	atomic_store(&pub->stop, true);
	mqtt_publisher_wake(pub);
	pthread_join(pub->thread, NULL);
	pub->started = false;
}

void mqtt_publisher_destroy(struct mqtt_publisher *pub)
{
	if (!pub)
		return;
	mqtt_publisher_stop(pub);
	mqtt_outbox_destroy(pub->outbox);
	close(pub->efd);
	pthread_mutex_destroy(&pub->lock);
	free(pub);
}

uint64_t mqtt_publisher_delivered_below(struct mqtt_publisher *pub)
{
	return pub ? atomic_load(&pub->delivered_below) : 0;
}

/* SPDX-License-Identifier: MIT */
/* The publisher thread.  Facts from the net thread (connection generation,
 * acknowledged message ids) are handed over under pub->lock; everything
 * else belongs to the publisher thread. */
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
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"
#include "store/event_log.h"
#include "store/store.h"

#define PUB_WINDOW 32u /* outbox events in flight at once */
#define PUB_ACKS_MAX 256u
#define PUB_STATUS_MIN_MS 1000u    /* running status updates at most 1/s */
#define PUB_IDLE_DEADBAND_MMHG 1.0 /* sensor noise on a resting station is not news */
#define PUB_KIOSK_STATUS_MS 60000u
#define PUB_FLUSH_MS 1000u

struct inflight {
	int mid; /* 0 = free slot */
	int64_t row;
};

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
	int efd;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	char t_avail[MQTT_TOPIC_MAX];

	/* Written by the net thread, read by the publisher. */
	pthread_mutex_t lock;
	unsigned int connect_gen;
	bool ha_online;
	struct ack acked[PUB_ACKS_MAX];
	size_t acked_count;
	bool acked_overflow;

	/* Publisher thread only. */
	unsigned int seen_gen;
	struct inflight inflight[PUB_WINDOW];
	int64_t last_sent_row;
	uint64_t result_cursor;
	uint64_t kiosk_status_ms;
	int offline_mid;
	bool offline_acked;
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

/* ---- net thread ---- */

void mqtt_publisher_on_connect(struct mqtt_publisher *pub)
{
	pthread_mutex_lock(&pub->lock);
	pub->connect_gen++;
	pthread_mutex_unlock(&pub->lock);
	mqtt_publisher_wake(pub);
}

void mqtt_publisher_on_ack(struct mqtt_publisher *pub, int mid, int reason)
{
	pthread_mutex_lock(&pub->lock);
	if (pub->acked_count < PUB_ACKS_MAX)
		pub->acked[pub->acked_count++] = (struct ack){mid, reason};
	else
		pub->acked_overflow = true;
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

/* ---- publisher thread ---- */

static int publish(struct mqtt_publisher *pub, const char *topic, const char *payload, int len,
                   int qos, bool retain, int *mid)
{
	struct mqtt_outbound m = {
	    .topic = topic,
	    .payload = payload,
	    .len = (size_t)len,
	    .qos = qos,
	    .retain = retain,
	};

	return mqtt_client_publish(pub->p.client, &m, mid);
}

static void publish_kiosk_status(struct mqtt_publisher *pub, uint64_t now)
{
	const struct kiosk_config *cfg = pub->p.config;
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	struct mqtt_kiosk_info info = {
	    .site = cfg->site,
	    .version = pub->p.version,
	    .backend = pub->p.backend,
	    .uptime_s = (now - pub->p.start_ms) / 1000u,
	    .station_count = (unsigned int)cfg->station_count,
	};
	int n = mqtt_payload_kiosk_status(payload, sizeof(payload), &info);

	if (n > 0 && mqtt_topic_site(topic, sizeof(topic), cfg->site, "kiosk/status") >= 0)
		publish(pub, topic, payload, n, 1, true, NULL);
	pub->kiosk_status_ms = now;
}

static void publish_discovery(struct mqtt_publisher *pub)
{
	const struct kiosk_config *cfg = pub->p.config;
	char topic[256], payload[MQTT_PAYLOAD_MAX];

	if (!cfg->mqtt.discovery_prefix[0])
		return;
	for (size_t i = 0; i < cfg->station_count; i++) {
		struct mqtt_discovery_params p = {
		    .prefix = cfg->mqtt.discovery_prefix,
		    .site = cfg->site,
		    .version = pub->p.version,
		    .index = (unsigned int)i,
		    .station_name = cfg->stations[i].name,
		};
		for (unsigned int item = 0; item < MQTT_DISCOVERY_ITEMS; item++) {
			int n = mqtt_discovery_item(&p, item, topic, sizeof(topic), payload,
			                            sizeof(payload));
			if (n > 0)
				publish(pub, topic, payload, n, 1, true, NULL);
		}
	}
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
static uint64_t publish_statuses(struct mqtt_publisher *pub, uint64_t now, bool force)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(pub->p.controller);
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	uint64_t next = UINT64_MAX;

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
		    publish(pub, topic, payload, n, 0, true, NULL) < 0)
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

/* Command results go out only once the store thread has committed every
 * event before them, so an "ok" means the event is on disk. */
static void publish_results(struct mqtt_publisher *pub)
{
	struct kiosk_event ev[32];
	uint64_t persisted = event_log_persisted(pub->p.log);
	uint64_t lost = 0;
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	size_t n;

	while (pub->result_cursor < persisted) {
		uint64_t cursor = pub->result_cursor;
		n = controller_events_read(pub->p.controller, &cursor, ev, 32, &lost);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (ev[i].seq >= persisted) {
				pub->result_cursor =
				    ev[i].seq; /* not on disk yet: come back later */
				return;
			}
			pub->result_cursor = ev[i].seq + 1u;
			if (ev[i].kind != EVENT_COMMAND_RESULT || ev[i].source != SOURCE_MQTT)
				continue;
			int len = mqtt_payload_command_result(
			    payload, sizeof(payload), ev[i].request_id,
			    command_action_name(ev[i].action), ev[i].status == CMD_OK,
			    command_status_name(ev[i].status),
			    command_status_message(ev[i].status));
			if (len > 0 && mqtt_topic_station(topic, sizeof(topic), pub->p.config->site,
			                                  ev[i].station, "cmd/result") >= 0)
				publish(pub, topic, payload, len, 1, false, NULL);
		}
	}
}

static size_t inflight_count(const struct mqtt_publisher *pub)
{
	size_t n = 0;

	for (size_t i = 0; i < PUB_WINDOW; i++)
		n += pub->inflight[i].mid != 0;
	return n;
}

static void handle_acks(struct mqtt_publisher *pub, const struct ack *acks, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		if (acks[k].mid == pub->offline_mid && pub->offline_mid != 0)
			pub->offline_acked = true;
		for (size_t i = 0; i < PUB_WINDOW; i++) {
			if (pub->inflight[i].mid != acks[k].mid)
				continue;
			if (store_outbox_delete(pub->store, pub->inflight[i].row) < 0)
				mqtt_log(MQTT_LOG_ERR,
				         "cannot remove a delivered event from the outbox: %s",
				         store_errmsg(pub->store));
			pub->inflight[i].mid = 0;
			break;
		}
	}
}

/* Returns the number of rows published, or -EIO. */
static int publish_outbox(struct mqtt_publisher *pub)
{
	const char *site = pub->p.config->site;
	struct store_outbox_row rows[PUB_WINDOW];
	char id[96], topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	size_t free_slots = PUB_WINDOW - inflight_count(pub);
	int sent = 0;

	if (free_slots == 0)
		return 0;
	int n = store_outbox_peek(pub->store, pub->last_sent_row, rows, free_slots);
	if (n < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot read the outbox: %s", store_errmsg(pub->store));
		return -EIO;
	}
	for (int k = 0; k < n; k++) {
		int mid = 0;
		mqtt_payload_event_id(id, sizeof(id), site, store_tag(pub->store), rows[k].id);
		int len = mqtt_payload_event(payload, sizeof(payload), id, &rows[k].event);
		if (len <= 0 || mqtt_topic_station(topic, sizeof(topic), site,
		                                   rows[k].event.station, "event") < 0) {
			/* Cannot be built (should not happen): drop it rather than block the queue.
			 */
			store_outbox_delete(pub->store, rows[k].id);
			pub->last_sent_row = rows[k].id;
			continue;
		}
		if (publish(pub, topic, payload, len, 1, false, &mid) < 0)
			break;
		for (size_t i = 0; i < PUB_WINDOW; i++) {
			if (pub->inflight[i].mid == 0) {
				pub->inflight[i].mid = mid;
				pub->inflight[i].row = rows[k].id;
				break;
			}
		}
		pub->last_sent_row = rows[k].id;
		sent++;
	}
	return sent;
}

static void publish_availability(struct mqtt_publisher *pub, const char *what, int *mid)
{
	publish(pub, pub->t_avail, what, (int)strlen(what), 1, true, mid);
}

static size_t take_acks(struct mqtt_publisher *pub, struct ack *acks, bool *overflow)
{
	pthread_mutex_lock(&pub->lock);
	size_t n = pub->acked_count;
	memcpy(acks, pub->acked, n * sizeof(acks[0]));
	pub->acked_count = 0;
	if (overflow)
		*overflow = pub->acked_overflow;
	pub->acked_overflow = false;
	pthread_mutex_unlock(&pub->lock);
	return n;
}

/* Says goodbye explicitly: a clean disconnect does not fire the will. */
static void say_offline(struct mqtt_publisher *pub)
{
	struct ack acks[PUB_ACKS_MAX];

	if (!mqtt_client_connected(pub->p.client))
		return;
	uint64_t until = mqtt_now_ms() + 300u;
	pub->offline_acked = false;
	pub->offline_mid = 0;
	publish_availability(pub, "offline", &pub->offline_mid);
	while (!pub->offline_acked && mqtt_now_ms() < until) {
		struct pollfd pfd = {.fd = pub->efd, .events = POLLIN};
		poll(&pfd, 1, 20);
		drain(pub->efd);
		handle_acks(pub, acks, take_acks(pub, acks, NULL));
	}
}

static void *thread_main(void *arg)
{
	struct mqtt_publisher *pub = arg;
	uint64_t deadline = 0;
	uint64_t due = UINT64_MAX;
	struct ack acks[PUB_ACKS_MAX];

	for (;;) {
		int timeout =
		    due == UINT64_MAX ? (int)PUB_KIOSK_STATUS_MS : (int)(due > 1000u ? 1000u : due);
		if (deadline)
			timeout = 20;
		struct pollfd pfd = {.fd = pub->efd, .events = POLLIN};
		poll(&pfd, 1, timeout);
		drain(pub->efd);
		uint64_t now = mqtt_now_ms();

		bool overflow = false;
		size_t nacks = take_acks(pub, acks, &overflow);
		pthread_mutex_lock(&pub->lock);
		unsigned int gen = pub->connect_gen;
		bool ha_online = pub->ha_online;
		pub->ha_online = false;
		pthread_mutex_unlock(&pub->lock);
		bool connected = mqtt_client_connected(pub->p.client);

		handle_acks(pub, acks, nacks);
		bool fresh = connected && gen != pub->seen_gen;
		if (fresh || overflow) {
			/* New session with the broker: resend everything not yet acked. */
			memset(pub->inflight, 0, sizeof(pub->inflight));
			pub->last_sent_row = 0;
		}
		if (fresh) {
			pub->seen_gen = gen;
			publish_availability(pub, "online", NULL);
			publish_kiosk_status(pub, now);
			publish_discovery(pub);
		} else if (connected && ha_online) {
			publish_discovery(pub);
		}
		publish_results(pub);
		due = connected ? publish_statuses(pub, now, fresh) : UINT64_MAX;
		if (connected && now - pub->kiosk_status_ms >= PUB_KIOSK_STATUS_MS)
			publish_kiosk_status(pub, now);
		int sent = connected ? publish_outbox(pub) : 0;

		if (atomic_load(&pub->stop) && !deadline)
			deadline = now + PUB_FLUSH_MS;
		if (deadline) {
			bool idle = sent == 0 && inflight_count(pub) == 0;
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

	if (!pub)
		return NULL;
	pub->p = *p;
	pub->store = event_log_store(p->log);
	if (mqtt_topic_site(pub->t_avail, sizeof(pub->t_avail), p->config->site, "availability") <
	    0) {
		free(pub);
		errno = ENAMETOOLONG;
		return NULL;
	}
	pub->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pub->efd < 0) {
		int e = errno;
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
	close(pub->efd);
	pthread_mutex_destroy(&pub->lock);
	free(pub);
}

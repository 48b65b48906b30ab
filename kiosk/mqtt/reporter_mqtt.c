/* SPDX-License-Identifier: MIT */
/*
 * The MQTT side of the reporter.  Two threads:
 *   - net: our own mosquitto_loop loop (socket I/O, reconnect with back-off, and
 *     every libmosquitto callback: connect, disconnect, PUBACK, commands);
 *   - publisher: woken by an eventfd, publishes statuses, outbox events,
 *     command results, availability and discovery.  It is the only thread
 *     that touches the outbox after the store thread wrote it.
 * Callbacks hand facts to the publisher under r->lock; they never touch
 * SQLite.
 */
#include <errno.h>
#include <math.h>
#include <mosquitto.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/controller.h"
#include "mqtt/mqtt_topic.h"
#include "mqtt/reporter_private.h"
#include "store/store.h"

#define NET_LOOP_MS 500
#define NET_BACKOFF_MIN_MS 1000u
#define NET_BACKOFF_MAX_MS 30000u

static void drain(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending. */
	}
}

static int read_password(const char *path, char *out, size_t len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		snprintf(err, err_len,
		         "mqtt: cannot read password_file '%s': %s; put the kiosk user's broker "
		         "password on its first "
		         "line (chmod 600)",
		         path, strerror(errno));
		return -errno;
	}
	if (!fgets(out, (int)len, f)) {
		fclose(f);
		snprintf(err, err_len,
		         "mqtt: password_file '%s' is empty; put the password on its first line",
		         path);
		return -EINVAL;
	}
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (n == 0) {
		snprintf(
		    err, err_len,
		    "mqtt: password_file '%s' starts with an empty line; put the password on it",
		    path);
		return -EINVAL;
	}
	return 0;
}

/* ---- callbacks: net thread ---- */

static void on_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
	(void)mosq;
	(void)obj;
	/* libmosquitto's own lines name packets, never payloads; keep warnings up. */
	if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
		reporter_log(level & MOSQ_LOG_ERR ? REPORTER_LOG_ERR : REPORTER_LOG_WARNING,
		             "libmosquitto: %s", str);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct reporter *r = obj;
	char topic[MQTT_TOPIC_MAX];

	if (rc != 0) {
		if (rc != r->last_refusal)
			reporter_log(REPORTER_LOG_ERR,
			             "broker %s:%u refused the connection: %s; check username and "
			             "password_file in [mqtt] and the broker's ACL",
			             r->cfg->mqtt.host, r->cfg->mqtt.port,
			             mosquitto_connack_string(rc));
		r->last_refusal = rc;
		return;
	}
	r->last_refusal = 0;
	r->net_backoff_ms = NET_BACKOFF_MIN_MS;
	reporter_log(REPORTER_LOG_INFO, "connected to broker %s:%u as '%s'", r->cfg->mqtt.host,
	             r->cfg->mqtt.port, r->client_id);
	if (mqtt_topic_site(topic, sizeof(topic), r->cfg->site, "+/cmd") >= 0)
		mosquitto_subscribe(mosq, NULL, topic, 1);
	if (r->cfg->mqtt.discovery_prefix[0]) {
		snprintf(topic, sizeof(topic), "%s/status", r->cfg->mqtt.discovery_prefix);
		mosquitto_subscribe(mosq, NULL, topic, 1);
	}
	pthread_mutex_lock(&r->lock);
	r->connected = true;
	r->connect_gen++;
	pthread_mutex_unlock(&r->lock);
	reporter_wake(r->mqtt_efd);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct reporter *r = obj;

	(void)mosq;
	pthread_mutex_lock(&r->lock);
	bool was = r->connected;
	r->connected = false;
	pthread_mutex_unlock(&r->lock);
	if (rc != 0 && was)
		reporter_log(REPORTER_LOG_WARNING,
		             "lost the broker connection; reconnecting with back-off, events wait "
		             "in the outbox");
	reporter_wake(r->mqtt_efd);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct reporter *r = obj;

	(void)mosq;
	pthread_mutex_lock(&r->lock);
	if (r->acked_count < REPORTER_ACKS_MAX)
		r->acked[r->acked_count++] = mid;
	else
		r->acked_overflow = true;
	pthread_mutex_unlock(&r->lock);
	reporter_wake(r->mqtt_efd);
}

static void publish_error(struct reporter *r, const char *cmd_topic, const char *request_id,
                          const char *action, const char *status, const char *message)
{
	char topic[MQTT_TOPIC_MAX + 8];
	char payload[MQTT_PAYLOAD_MAX];
	int n;

	if ((size_t)snprintf(topic, sizeof(topic), "%s/result", cmd_topic) >= sizeof(topic))
		return;
	n = mqtt_payload_command_result(payload, sizeof(payload), request_id, action, false, status,
	                                message);
	if (n > 0)
		mosquitto_publish(r->mosq, NULL, topic, n, payload, 1, false);
}

/* A topic fit for a log line: printable ASCII only, bounded. */
static const char *printable(const char *topic, char *buf, size_t len)
{
	size_t i = 0;

	for (; topic[i] && i + 1 < len; i++)
		buf[i] = topic[i] >= 0x20 && topic[i] < 0x7f ? topic[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* A flood: true when this command is to be dropped without a reply; one log
 * line when the flood starts, then at most one a second with the count. */
static bool flood_drop(struct reporter *r, uint64_t now)
{
	if (mqtt_rate_limit_take(&r->cmd_limit, now))
		return false;
	if (r->flood_dropped == 0 && now - r->flood_logged_ms >= 1000u) {
		reporter_log(REPORTER_LOG_WARNING, "command flood: dropping commands above %.0f/s",
		             REPORTER_CMD_RATE_PER_S);
		r->flood_logged_ms = now;
	} else if (now - r->flood_logged_ms >= 1000u) {
		reporter_log(REPORTER_LOG_WARNING,
		             "command flood: dropped %llu commands in the last %.1f s",
		             (unsigned long long)r->flood_dropped,
		             (double)(now - r->flood_logged_ms) / 1000.0);
		r->flood_logged_ms = now;
		r->flood_dropped = 0;
	}
	r->flood_dropped++;
	return true;
}

static void handle_command(struct reporter *r, const struct mosquitto_message *msg)
{
	char shown[96];
	struct mqtt_command_request req;
	struct command cmd;
	unsigned int station;
	char why[200];
	uint64_t now = reporter_now_ms();
	int rc;

	rc = mqtt_topic_parse_cmd(msg->topic, r->cfg->site, (unsigned int)r->cfg->station_count,
	                          &station);
	if (rc == -EINVAL)
		return;
	enum mqtt_command_error perr =
	    mqtt_command_parse(msg->payload, (size_t)(msg->payloadlen > 0 ? msg->payloadlen : 0),
	                       &req, why, sizeof(why));
	/* A stop is never rate-limited: a flood of junk on the command topics
	 * must not keep staff from stopping a station.  Stops are idempotent,
	 * and the controller's bounded queue still caps them. */
	if (!(perr == MQTT_CMD_OK && req.action == CMD_STOP) && flood_drop(r, now))
		return;
	if (perr != MQTT_CMD_OK) {
		reporter_log(REPORTER_LOG_NOTICE, "rejected a command on %s: %s",
		             printable(msg->topic, shown, sizeof(shown)),
		             mqtt_command_error_name(perr));
		publish_error(r, msg->topic, req.request_id, NULL, mqtt_command_error_name(perr),
		              why);
		return;
	}
	if (rc == -ENOENT) {
		reporter_log(REPORTER_LOG_NOTICE, "rejected a command on %s: no such station",
		             printable(msg->topic, shown, sizeof(shown)));
		snprintf(why, sizeof(why), "no such station; use station-1 .. station-%zu",
		         r->cfg->station_count);
		publish_error(r, msg->topic, req.request_id, command_action_name(req.action),
		              "unknown_station", why);
		return;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.action = req.action;
	cmd.source = SOURCE_MQTT;
	cmd.station = station;
	memcpy(cmd.request_id, req.request_id, sizeof(cmd.request_id));
	rc = controller_submit(r->ctl, &cmd);
	if (rc < 0) {
		enum command_status st = rc == -EAGAIN ? CMD_ERR_QUEUE_FULL : CMD_ERR_BAD_ARGUMENT;
		publish_error(r, msg->topic, req.request_id, command_action_name(req.action),
		              command_status_name(st), command_status_message(st));
	}
	/* Otherwise the result arrives as EVENT_COMMAND_RESULT. */
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct reporter *r = obj;
	char ha_status[sizeof(r->cfg->mqtt.discovery_prefix) + 8];

	(void)mosq;
	if (!msg->topic)
		return;
	snprintf(ha_status, sizeof(ha_status), "%s/status", r->cfg->mqtt.discovery_prefix);
	if (r->cfg->mqtt.discovery_prefix[0] && strcmp(msg->topic, ha_status) == 0) {
		if (msg->payloadlen == 6 && memcmp(msg->payload, "online", 6) == 0) {
			pthread_mutex_lock(&r->lock);
			r->ha_online = true;
			pthread_mutex_unlock(&r->lock);
			reporter_wake(r->mqtt_efd);
		}
		return;
	}
	handle_command(r, msg);
}

/* ---- net thread ---- */

static const char *net_hint(int rc)
{
	if (rc == MOSQ_ERR_TLS)
		return "; check ca_file in [mqtt] and that host matches the broker's certificate";
	if (rc == MOSQ_ERR_EAI)
		return "; check host in [mqtt]";
	return "";
}

/* Our own loop rather than mosquitto_loop_forever: every wait is bounded
 * (select up to NET_LOOP_MS, back-off on an eventfd), so a stop is seen at
 * once even while the broker is away, and no thread is ever cancelled.
 * Connects are non-blocking (only the name lookup blocks). */
static void *net_thread_main(void *arg)
{
	struct reporter *r = arg;
	bool first = true;
	bool want_connect = true;
	int rc;

	r->net_backoff_ms = NET_BACKOFF_MIN_MS;
	while (!atomic_load(&r->stop_net)) {
		if (want_connect) {
			rc = first ? mosquitto_connect_async(r->mosq, r->cfg->mqtt.host,
			                                     (int)r->cfg->mqtt.port,
			                                     (int)r->cfg->mqtt.keepalive_s)
			           : mosquitto_reconnect_async(r->mosq);
			first = false;
			want_connect = rc != MOSQ_ERR_SUCCESS;
		} else {
			rc = mosquitto_loop(r->mosq, NET_LOOP_MS, 1);
			want_connect = rc != MOSQ_ERR_SUCCESS;
		}
		if (!want_connect || atomic_load(&r->stop_net))
			continue;
		/* Not connected: wait, then try again. */
		if (rc != MOSQ_ERR_NO_CONN && rc != MOSQ_ERR_CONN_LOST &&
		    rc != MOSQ_ERR_CONN_REFUSED)
			reporter_log(REPORTER_LOG_WARNING,
			             "cannot reach broker %s:%u (%s%s); retrying in %.0f s",
			             r->cfg->mqtt.host, r->cfg->mqtt.port,
			             rc == MOSQ_ERR_ERRNO ? strerror(errno)
			                                  : mosquitto_strerror(rc),
			             net_hint(rc), (double)r->net_backoff_ms / 1000.0);
		struct pollfd pfd = {.fd = r->net_efd, .events = POLLIN};
		poll(&pfd, 1, (int)r->net_backoff_ms);
		drain(r->net_efd);
		r->net_backoff_ms = r->net_backoff_ms * 2u > NET_BACKOFF_MAX_MS
		                        ? NET_BACKOFF_MAX_MS
		                        : r->net_backoff_ms * 2u;
	}
	return NULL;
}

/* ---- publisher thread ---- */

static int publish(struct reporter *r, const char *topic, const char *payload, int len, int qos,
                   bool retain, int *mid)
{
	int rc = mosquitto_publish(r->mosq, mid, topic, len, payload, qos, retain);

	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

static void publish_kiosk_status(struct reporter *r, uint64_t now)
{
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	struct mqtt_kiosk_info info = {
	    .site = r->cfg->site,
	    .version = r->version,
	    .backend = r->backend,
	    .uptime_s = (now - r->start_ms) / 1000u,
	    .station_count = (unsigned int)r->cfg->station_count,
	};
	int n = mqtt_payload_kiosk_status(payload, sizeof(payload), &info);

	if (n > 0 && mqtt_topic_site(topic, sizeof(topic), r->cfg->site, "kiosk/status") >= 0)
		publish(r, topic, payload, n, 1, true, NULL);
	r->kiosk_status_ms = now;
}

static void publish_discovery(struct reporter *r)
{
	char topic[256], payload[MQTT_PAYLOAD_MAX];

	if (!r->cfg->mqtt.discovery_prefix[0])
		return;
	for (size_t i = 0; i < r->cfg->station_count; i++) {
		struct mqtt_discovery_params p = {
		    .prefix = r->cfg->mqtt.discovery_prefix,
		    .site = r->cfg->site,
		    .version = r->version,
		    .index = (unsigned int)i,
		    .station_name = r->cfg->stations[i].name,
		};
		for (unsigned int item = 0; item < MQTT_DISCOVERY_ITEMS; item++) {
			int n = mqtt_discovery_item(&p, item, topic, sizeof(topic), payload,
			                            sizeof(payload));
			if (n > 0)
				publish(r, topic, payload, n, 1, true, NULL);
		}
	}
}

static bool station_active(enum station_state s)
{
	return s == STATION_RUNNING || s == STATION_PAUSED || s == STATION_VENTING;
}

/* On a resting station, true when only the pressures moved, and by less than
 * the deadband: the sensor's noise is not worth a message a second. */
static bool only_noise(const struct reporter_station_cache *c, const struct station_snapshot *st)
{
	struct station_snapshot same = *st;
	char buf[MQTT_PAYLOAD_MAX];

	if (station_active(st->state) || !c->published)
		return false;
	for (size_t z = 0; z < STATION_MAX_ZONES; z++) {
		if (fabs(st->zone_mmhg[z] - c->zone_mmhg[z]) >= REPORTER_IDLE_DEADBAND_MMHG)
			return false;
		same.zone_mmhg[z] = c->zone_mmhg[z];
	}
	if (fabs(st->manifold_mmhg - c->manifold_mmhg) >= REPORTER_IDLE_DEADBAND_MMHG)
		return false;
	same.manifold_mmhg = c->manifold_mmhg;
	return mqtt_payload_station_status(buf, sizeof(buf), &same) > 0 &&
	       strcmp(buf, c->payload) == 0;
}

/* Publishes what changed; returns ms until a rate-limited update is due. */
static uint64_t publish_statuses(struct reporter *r, uint64_t now, bool force)
{
	const struct kiosk_snapshot *snap = controller_snapshot_acquire(r->ctl);
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	uint64_t next = UINT64_MAX;

	if (!snap)
		return next;
	size_t count =
	    snap->station_count < KIOSK_MAX_STATIONS ? snap->station_count : KIOSK_MAX_STATIONS;
	for (size_t i = 0; i < count; i++) {
		const struct station_snapshot *st = &snap->stations[i];
		struct reporter_station_cache *c = &r->cache[i];
		int n = mqtt_payload_station_status(payload, sizeof(payload), st);
		if (n <= 0)
			continue;
		if (!force && c->published &&
		    (strcmp(payload, c->payload) == 0 || only_noise(c, st)))
			continue;
		bool immediate = force || !c->published || c->state != st->state ||
		                 c->fault != st->fault || c->program_index != st->program_index;
		if (!immediate && now - c->published_ms < REPORTER_STATUS_MIN_MS) {
			uint64_t due = c->published_ms + REPORTER_STATUS_MIN_MS - now;
			next = due < next ? due : next;
			continue;
		}
		if (mqtt_topic_station(topic, sizeof(topic), r->cfg->site, (unsigned int)i,
		                       "status") < 0 ||
		    publish(r, topic, payload, n, 0, true, NULL) < 0)
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
	controller_snapshot_release(r->ctl, snap);
	return next;
}

/* Command results go out only once the store thread has committed every
 * event before them, so an "ok" means the event is on disk. */
static void publish_results(struct reporter *r)
{
	struct kiosk_event ev[32];
	uint64_t persisted = atomic_load(&r->persisted_cursor);
	uint64_t lost = 0;
	char topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	size_t n;

	while (r->result_cursor < persisted) {
		uint64_t cursor = r->result_cursor;
		n = controller_events_read(r->ctl, &cursor, ev, 32, &lost);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (ev[i].seq >= persisted) {
				r->result_cursor = ev[i].seq; /* not on disk yet: come back later */
				return;
			}
			r->result_cursor = ev[i].seq + 1u;
			if (ev[i].kind != EVENT_COMMAND_RESULT || ev[i].source != SOURCE_MQTT)
				continue;
			int len = mqtt_payload_command_result(
			    payload, sizeof(payload), ev[i].request_id,
			    command_action_name(ev[i].action), ev[i].status == CMD_OK,
			    command_status_name(ev[i].status),
			    command_status_message(ev[i].status));
			if (len > 0 && mqtt_topic_station(topic, sizeof(topic), r->cfg->site,
			                                  ev[i].station, "cmd/result") >= 0)
				publish(r, topic, payload, len, 1, false, NULL);
		}
	}
}

static size_t inflight_count(const struct reporter *r)
{
	size_t n = 0;

	for (size_t i = 0; i < REPORTER_WINDOW; i++)
		n += r->inflight[i].mid != 0;
	return n;
}

static void handle_acks(struct reporter *r, const int *mids, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		if (mids[k] == r->offline_mid && r->offline_mid != 0)
			r->offline_acked = true;
		for (size_t i = 0; i < REPORTER_WINDOW; i++) {
			if (r->inflight[i].mid != mids[k])
				continue;
			if (store_outbox_delete(r->store, r->inflight[i].row) < 0)
				reporter_log(REPORTER_LOG_ERR,
				             "cannot remove a delivered event from the outbox: %s",
				             store_errmsg(r->store));
			r->inflight[i].mid = 0;
			break;
		}
	}
}

/* Returns the number of rows published, or -EIO. */
static int publish_outbox(struct reporter *r)
{
	struct store_outbox_row rows[REPORTER_WINDOW];
	char id[96], topic[MQTT_TOPIC_MAX], payload[MQTT_PAYLOAD_MAX];
	size_t free_slots = REPORTER_WINDOW - inflight_count(r);
	int sent = 0;

	if (free_slots == 0)
		return 0;
	int n = store_outbox_peek(r->store, r->last_sent_row, rows, free_slots);
	if (n < 0) {
		reporter_log(REPORTER_LOG_ERR, "cannot read the outbox: %s",
		             store_errmsg(r->store));
		return -EIO;
	}
	for (int k = 0; k < n; k++) {
		int mid = 0;
		mqtt_payload_event_id(id, sizeof(id), r->cfg->site, store_tag(r->store),
		                      rows[k].id);
		int len = mqtt_payload_event(payload, sizeof(payload), id, &rows[k].event);
		if (len <= 0 || mqtt_topic_station(topic, sizeof(topic), r->cfg->site,
		                                   rows[k].event.station, "event") < 0) {
			/* Cannot be built (should not happen): drop it rather than block the queue.
			 */
			store_outbox_delete(r->store, rows[k].id);
			r->last_sent_row = rows[k].id;
			continue;
		}
		if (publish(r, topic, payload, len, 1, false, &mid) < 0)
			break;
		for (size_t i = 0; i < REPORTER_WINDOW; i++) {
			if (r->inflight[i].mid == 0) {
				r->inflight[i].mid = mid;
				r->inflight[i].row = rows[k].id;
				break;
			}
		}
		r->last_sent_row = rows[k].id;
		sent++;
	}
	return sent;
}

static void publish_availability(struct reporter *r, const char *what, int *mid)
{
	publish(r, r->t_avail, what, (int)strlen(what), 1, true, mid);
}

static void *mqtt_thread_main(void *arg)
{
	struct reporter *r = arg;
	uint64_t deadline = 0;
	uint64_t due = UINT64_MAX;
	int mids[REPORTER_ACKS_MAX];

	r->result_cursor = 0;
	for (;;) {
		int timeout = due == UINT64_MAX ? (int)REPORTER_KIOSK_STATUS_MS
		                                : (int)(due > 1000u ? 1000u : due);
		if (deadline)
			timeout = 20;
		struct pollfd pfd = {.fd = r->mqtt_efd, .events = POLLIN};
		poll(&pfd, 1, timeout);
		drain(r->mqtt_efd);
		uint64_t now = reporter_now_ms();

		pthread_mutex_lock(&r->lock);
		bool connected = r->connected;
		unsigned int gen = r->connect_gen;
		bool ha_online = r->ha_online;
		bool overflow = r->acked_overflow;
		size_t nacks = r->acked_count;
		memcpy(mids, r->acked, nacks * sizeof(mids[0]));
		r->acked_count = 0;
		r->ha_online = false;
		r->acked_overflow = false;
		pthread_mutex_unlock(&r->lock);

		handle_acks(r, mids, nacks);
		bool fresh = connected && gen != r->seen_gen;
		if (fresh || overflow) {
			/* New session with the broker: resend everything not yet acked. */
			memset(r->inflight, 0, sizeof(r->inflight));
			r->last_sent_row = 0;
		}
		if (fresh) {
			r->seen_gen = gen;
			publish_availability(r, "online", NULL);
			publish_kiosk_status(r, now);
			publish_discovery(r);
		} else if (connected && ha_online) {
			publish_discovery(r);
		}
		publish_results(r);
		due = connected ? publish_statuses(r, now, fresh) : UINT64_MAX;
		if (connected && now - r->kiosk_status_ms >= REPORTER_KIOSK_STATUS_MS)
			publish_kiosk_status(r, now);
		int sent = connected ? publish_outbox(r) : 0;

		if (atomic_load(&r->stop_mqtt) && !deadline)
			deadline = now + REPORTER_FLUSH_MS;
		if (deadline) {
			bool idle = sent == 0 && inflight_count(r) == 0;
			if (!connected || idle || now >= deadline)
				break;
		}
	}

	/* Say goodbye explicitly: a clean disconnect does not fire the will. */
	pthread_mutex_lock(&r->lock);
	bool connected = r->connected;
	pthread_mutex_unlock(&r->lock);
	if (connected) {
		uint64_t until = reporter_now_ms() + 300u;
		r->offline_acked = false;
		r->offline_mid = 0;
		publish_availability(r, "offline", &r->offline_mid);
		while (!r->offline_acked && reporter_now_ms() < until) {
			struct pollfd pfd = {.fd = r->mqtt_efd, .events = POLLIN};
			poll(&pfd, 1, 20);
			drain(r->mqtt_efd);
			pthread_mutex_lock(&r->lock);
			size_t nacks = r->acked_count;
			memcpy(mids, r->acked, nacks * sizeof(mids[0]));
			r->acked_count = 0;
			pthread_mutex_unlock(&r->lock);
			handle_acks(r, mids, nacks);
		}
	}
	return NULL;
}

/* ---- lifecycle ---- */

int reporter_mqtt_create(struct reporter *r, char *err, size_t err_len)
{
	const struct mqtt_config *m = &r->cfg->mqtt;
	int rc;

	r->net_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->net_efd < 0) {
		snprintf(err, err_len, "mqtt: eventfd: %s", strerror(errno));
		return -errno;
	}
	if (m->username[0] && m->password_file[0]) {
		rc =
		    read_password(m->password_file, r->password, sizeof(r->password), err, err_len);
		if (rc < 0)
			goto err_efd;
	}
	if (m->client_id[0])
		snprintf(r->client_id, sizeof(r->client_id), "%s", m->client_id);
	else
		snprintf(r->client_id, sizeof(r->client_id), "recovery-kiosk-%s", r->cfg->site);
	if (mqtt_topic_site(r->t_avail, sizeof(r->t_avail), r->cfg->site, "availability") < 0) {
		snprintf(err, err_len, "mqtt: site '%s' is too long; use a shorter site name",
		         r->cfg->site);
		rc = -ENAMETOOLONG;
		goto err_efd;
	}
	mosquitto_lib_init();
	r->mosq_lib = true;
	r->mosq = mosquitto_new(r->client_id, true, r);
	if (!r->mosq) {
		rc = -(errno ? errno : ENOMEM);
		snprintf(err, err_len, "mqtt: cannot create the client: %s", strerror(-rc));
		goto err_lib;
	}
	rc = -EINVAL;
	mosquitto_threaded_set(r->mosq, true);
	mosquitto_int_option(r->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (m->username[0] &&
	    mosquitto_username_pw_set(r->mosq, m->username, r->password[0] ? r->password : NULL)) {
		snprintf(err, err_len,
		         "mqtt: username '%s' is not valid UTF-8; fix username in [mqtt]",
		         m->username);
		goto err_mosq;
	}
	if (m->tls) {
		int trc =
		    mosquitto_tls_set(r->mosq, m->ca_file[0] ? m->ca_file : NULL,
		                      m->ca_file[0] ? NULL : "/etc/ssl/certs", NULL, NULL, NULL);
		if (trc != MOSQ_ERR_SUCCESS) {
			snprintf(err, err_len,
			         "mqtt: TLS set-up failed (%s) for ca_file '%s'; point ca_file at "
			         "a readable "
			         "PEM CA certificate",
			         mosquitto_strerror(trc), m->ca_file);
			goto err_mosq;
		}
	}
	if (mosquitto_will_set(r->mosq, r->t_avail, 7, "offline", 1, true) != MOSQ_ERR_SUCCESS) {
		snprintf(err, err_len, "mqtt: cannot set the last will on '%s'", r->t_avail);
		goto err_mosq;
	}
	mosquitto_log_callback_set(r->mosq, on_log);
	mosquitto_connect_callback_set(r->mosq, on_connect);
	mosquitto_disconnect_callback_set(r->mosq, on_disconnect);
	mosquitto_publish_callback_set(r->mosq, on_publish);
	mosquitto_message_callback_set(r->mosq, on_message);
	mqtt_rate_limit_init(&r->cmd_limit, REPORTER_CMD_RATE_PER_S, REPORTER_CMD_BURST);
	return 0;

err_mosq:
	mosquitto_destroy(r->mosq);
	r->mosq = NULL;
err_lib:
	mosquitto_lib_cleanup();
	r->mosq_lib = false;
err_efd:
	explicit_bzero(r->password, sizeof(r->password));
	close(r->net_efd);
	r->net_efd = -1;
	return rc;
}

int reporter_mqtt_start(struct reporter *r)
{
	int rc = -pthread_create(&r->net_thread, NULL, net_thread_main, r);

	if (rc < 0) {
		reporter_log(REPORTER_LOG_ERR, "cannot start the MQTT network thread: %s",
		             strerror(-rc));
		return rc;
	}
	r->net_started = true;
	rc = -pthread_create(&r->mqtt_thread, NULL, mqtt_thread_main, r);
	if (rc < 0) {
		reporter_log(REPORTER_LOG_ERR, "cannot start the MQTT publisher thread: %s",
		             strerror(-rc));
		return rc;
	}
	r->mqtt_started = true;
	return 0;
}

void reporter_mqtt_stop(struct reporter *r)
{
	if (r->mqtt_started) {
		atomic_store(&r->stop_mqtt, true);
		reporter_wake(r->mqtt_efd);
		pthread_join(r->mqtt_thread, NULL);
		r->mqtt_started = false;
	}
	if (r->net_started) {
		atomic_store(&r->stop_net, true);
		/* Sends DISCONNECT if connected and wakes the loop's select. */
		mosquitto_disconnect(r->mosq);
		reporter_wake(r->net_efd);
		pthread_join(r->net_thread, NULL);
		r->net_started = false;
	}
}

void reporter_mqtt_destroy(struct reporter *r)
{
	if (r->mosq) {
		mosquitto_destroy(r->mosq);
		r->mosq = NULL;
	}
	if (r->mosq_lib) {
		mosquitto_lib_cleanup();
		r->mosq_lib = false;
	}
	explicit_bzero(r->password, sizeof(r->password));
	if (r->net_efd >= 0)
		close(r->net_efd);
	r->net_efd = -1;
}

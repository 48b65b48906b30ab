/* SPDX-License-Identifier: MIT */
/*
 * The libmosquitto client and its net thread.  Our own loop rather than
 * mosquitto_loop_forever: every wait is bounded (select up to NET_LOOP_MS,
 * back-off on an eventfd), so a stop is seen at once even while the broker
 * is away, and no thread is ever cancelled.
 */
#include "mqtt/mqtt_client.h"

#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"

/* The longest select while connected.  Nothing here needs a turn of the
 * loop to act: libmosquitto shortens the wait to its next keep-alive
 * message itself, a publish from another thread wakes it (its socket
 * pair), and so does mqtt_client_stop (its DISCONNECT).  At 500 ms the net
 * thread woke twice a second for nothing, a fifth of the idle kiosk's CPU
 * (bench_idle.sh).  Tried once before and taken back when
 * test_mqtt_history lost summaries' PUBACKs at 10 s: that was the
 * history's acknowledgement queue overflowing (mqtt_history.c), which the
 * 500 ms wait only made rarer. */
#define NET_LOOP_MS 10000
#define NET_BACKOFF_MIN_MS 1000u
#define NET_BACKOFF_MAX_MS 30000u
#define NET_PROBE_MS 5000 /* the first connect's reachability probe */
#define TRACK_SLOTS 512u  /* QoS 1 publishes and subscriptions remembered by mid */
#define REASON_SESSION_TAKEN_OVER 0x8e
/* A connection the broker closes this soon after opening it, this many
 * times in a row, is taken by another client with our id (mosquitto 2.0
 * closes the older one without a reason code). */
#define NET_SHORT_MS 5000u
#define NET_SHORT_STREAK 3u

struct tracked {
	int mid; /* 0 = free */
	bool subscribe;
	char topic[192];
};

struct mqtt_client {
	const struct kiosk_config *cfg;
	struct mqtt_client_handlers h;
	struct mosquitto *mosq;
	bool lib;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_bool connected;
	int efd; /* wakes the back-off wait */
	char password[256];
	char will_topic[192];
	char client_id[64];
	bool v5;         /* MQTT 5: properties may be sent */
	bool persistent; /* clean start off, session expiry, last will */

	/* Net thread only. */
	int last_refusal;
	unsigned int backoff_ms;
	bool props_set;            /* the connect properties are stored in libmosquitto */
	uint64_t connected_ms;     /* when the connection came up */
	unsigned int short_streak; /* connections closed within NET_SHORT_MS */

	/* Topics by mid for the log line of a refusal, and the health: under
	 * track_lock (held across a publish, so its PUBACK finds it). */
	pthread_mutex_t track_lock;
	struct tracked track[TRACK_SLOTS];
	size_t track_next;
	struct mqtt_client_health health;
};

void mqtt_log(int priority, const char *fmt, ...)
{
	char line[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so lines from threads do not interleave. */
	fprintf(stderr, "<%d>mqtt: %s\n", priority, line);
}

static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t mqtt_now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

uint64_t mqtt_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

static void drain(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending. */
	}
}

static void wake(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: already woken. */
	}
}

/* track_lock held. */
static void track_add(struct mqtt_client *c, int mid, bool subscribe, const char *topic)
{
	struct tracked *t = &c->track[c->track_next++ % TRACK_SLOTS];

	t->mid = mid;
	t->subscribe = subscribe;
	snprintf(t->topic, sizeof(t->topic), "%s", topic);
}

/* track_lock held.  The slot of mid, or NULL (forgotten: the ring wrapped). */
static struct tracked *track_find(struct mqtt_client *c, int mid, bool subscribe)
{
	for (size_t i = 0; i < TRACK_SLOTS; i++)
		if (c->track[i].mid == mid && c->track[i].subscribe == subscribe)
			return &c->track[i];
	return NULL;
}

/* track_lock held. */
static void problem_locked(struct mqtt_client *c, const char *line)
{
	struct mqtt_client_health *h = &c->health;

	for (size_t i = 0; i < h->problem_count; i++)
		if (strcmp(h->problems[i], line) == 0)
			return;
	mqtt_log(MQTT_LOG_ERR, "%s", line);
	if (h->problem_count < MQTT_PROBLEMS_MAX)
		snprintf(h->problems[h->problem_count++], MQTT_PROBLEM_LEN, "%s", line);
}

void mqtt_client_problem(struct mqtt_client *c, const char *fmt, ...)
{
	char line[MQTT_PROBLEM_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&c->track_lock);
	problem_locked(c, line);
	pthread_mutex_unlock(&c->track_lock);
}

void mqtt_client_health(struct mqtt_client *c, struct mqtt_client_health *out)
{
	pthread_mutex_lock(&c->track_lock);
	*out = c->health;
	pthread_mutex_unlock(&c->track_lock);
	out->connected = atomic_load(&c->connected);
}

static const char *user_of(const struct mqtt_client *c)
{
	return c->cfg->mqtt.username[0] ? c->cfg->mqtt.username : "(anonymous)";
}

static int read_password(const char *path, char *out, size_t len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		int e = errno;
		snprintf(err, err_len,
		         "mqtt: cannot read password_file '%s': %s; put the kiosk user's broker "
		         "password on its first line (chmod 600)",
		         path, strerror(e));
		return -e;
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
		mqtt_log(level & MOSQ_LOG_ERR ? MQTT_LOG_ERR : MQTT_LOG_WARNING, "libmosquitto: %s",
		         str);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc, int flags,
                       const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	if (rc != 0) {
		if (rc != c->last_refusal)
			mqtt_log(MQTT_LOG_ERR,
			         "broker %s:%u refused the connection: %s; check username and "
			         "password_file in [mqtt] and the broker's ACL",
			         c->cfg->mqtt.host, c->cfg->mqtt.port, mosquitto_reason_string(rc));
		c->last_refusal = rc;
		if (c->h.refused)
			c->h.refused(c->h.ctx, mosquitto_reason_string(rc));
		return;
	}
	bool present = (flags & 1) != 0;
	c->last_refusal = 0;
	c->connected_ms = mqtt_now_ms();
	/* A streak of short connections keeps its back-off growing. */
	if (c->short_streak == 0)
		c->backoff_ms = NET_BACKOFF_MIN_MS;
	mqtt_log(MQTT_LOG_INFO, "connected to broker %s:%u as '%s' (MQTT 5, session %s)",
	         c->cfg->mqtt.host, c->cfg->mqtt.port, c->client_id,
	         present ? "resumed: commands queued meanwhile follow" : "new");
	pthread_mutex_lock(&c->track_lock);
	c->health.connects++;
	c->health.session_present = present;
	pthread_mutex_unlock(&c->track_lock);
	atomic_store(&c->connected, true);
	if (c->h.connected)
		c->h.connected(c->h.ctx, present);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc,
                          const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	bool was = atomic_exchange(&c->connected, false);
	if (was && rc != 0 && mqtt_now_ms() - c->connected_ms < NET_SHORT_MS)
		c->short_streak++;
	else if (was)
		c->short_streak = 0;
	if (rc == REASON_SESSION_TAKEN_OVER || c->short_streak >= NET_SHORT_STREAK) {
		pthread_mutex_lock(&c->track_lock);
		c->health.takeovers++;
		pthread_mutex_unlock(&c->track_lock);
		mqtt_client_problem(
		    c,
		    "the broker keeps closing this kiosk's connection right after it opens: "
		    "another client uses its client id '%s' and takes its session; is a second "
		    "kiosk running for site '%s'? Give each kiosk its own site (or client_id in "
		    "[mqtt])",
		    c->client_id, c->cfg->site);
		/* Do not fight for the id: wait the longest back-off first. */
		c->backoff_ms = NET_BACKOFF_MAX_MS;
	} else if (rc != 0 && was) {
		mqtt_log(MQTT_LOG_WARNING,
		         "lost the broker connection (%s); reconnecting with back-off, events wait "
		         "in the outbox",
		         rc < 0x80 ? mosquitto_strerror(rc) : mosquitto_reason_string(rc));
	}
	if (c->h.disconnected)
		c->h.disconnected(c->h.ctx);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid, int reason,
                       const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	if (reason >= 0x80) {
		pthread_mutex_lock(&c->track_lock);
		struct tracked *t = track_find(c, mid, false);
		const char *topic = t ? t->topic : "(a forgotten topic)";
		c->health.refused++;
		snprintf(c->health.refused_topic, sizeof(c->health.refused_topic), "%s", topic);
		snprintf(c->health.refused_reason, sizeof(c->health.refused_reason), "%s",
		         mosquitto_reason_string(reason));
		char line[640];
		snprintf(
		    line, sizeof(line),
		    "broker refused a publish to '%s': %s; grant 'topic write %s' to user '%s' "
		    "in the broker's ACL, or fix site in kiosk.conf",
		    topic, mosquitto_reason_string(reason), topic, user_of(c));
		problem_locked(c, line);
		pthread_mutex_unlock(&c->track_lock);
	}
	if (c->h.acked)
		c->h.acked(c->h.ctx, mid, reason);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted,
                         const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	pthread_mutex_lock(&c->track_lock);
	struct tracked *t = track_find(c, mid, true);
	for (int i = 0; i < count; i++) {
		if (granted[i] < 0x80)
			continue;
		const char *filter = t ? t->topic : "(a forgotten filter)";
		char line[640];
		snprintf(line, sizeof(line),
		         "broker refused the subscription to '%s': %s; grant 'topic read %s' to "
		         "user '%s' in the broker's ACL, or fix site in kiosk.conf",
		         filter, mosquitto_reason_string(granted[i]), filter, user_of(c));
		problem_locked(c, line);
	}
	pthread_mutex_unlock(&c->track_lock);
	if (c->h.subscribed)
		c->h.subscribed(c->h.ctx, mid, count, granted);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
	struct mqtt_client *c = obj;
	struct mqtt_inbound in = {0};
	char *response = NULL;
	void *correlation = NULL;
	uint16_t correlation_len = 0;
	uint32_t expiry = 0;

	(void)mosq;
	if (!msg->topic || !c->h.message)
		return;
	in.topic = msg->topic;
	in.payload = msg->payload;
	in.len = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;
	in.qos = msg->qos;
	in.retain = msg->retain;
	if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC, &response, false))
		in.response_topic = response;
	if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &correlation,
	                                   &correlation_len, false)) {
		in.correlation = correlation;
		in.correlation_len = correlation_len;
	}
	if (mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &expiry,
	                                  false)) {
		in.has_expiry = true;
		in.expiry_s = expiry;
	}
	c->h.message(c->h.ctx, &in);
	free(response);
	free(correlation);
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

/* Whether host:port accepts a TCP connection within NET_PROBE_MS; a stop
 * (c->efd) cuts the wait short.  0, or MOSQ_ERR_EAI / MOSQ_ERR_ERRNO. */
static int probe(struct mqtt_client *c)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char port[16];
	int rc = MOSQ_ERR_ERRNO;

	snprintf(port, sizeof(port), "%u", c->cfg->mqtt.port);
	if (getaddrinfo(c->cfg->mqtt.host, port, &hints, &res) != 0)
		return MOSQ_ERR_EAI;
	for (struct addrinfo *a = res; a && rc != 0; a = a->ai_next) {
		int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			rc = 0;
		} else if (errno == EINPROGRESS) {
			struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
			                      {.fd = c->efd, .events = POLLIN}};
			int err = ETIMEDOUT;
			socklen_t len = sizeof(err);
			if (poll(p, 2, NET_PROBE_MS) > 0 &&
			    (p[0].revents & (POLLOUT | POLLERR | POLLHUP)))
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err == 0)
				rc = 0;
			else
				errno = err;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return rc;
}

/* libmosquitto 2.0 takes the MQTT 5 CONNECT properties (session expiry)
 * only in its blocking connect, and keeps them for every later reconnect:
 * the first connect is blocking, after a bounded reachability probe so it
 * cannot hang on an unreachable host; the others are non-blocking. */
static int connect_once(struct mqtt_client *c)
{
	mosquitto_property *props = NULL;
	int rc;

	if (c->props_set)
		return mosquitto_reconnect_async(c->mosq);
	rc = probe(c);
	if (rc != 0)
		return rc;
	if (c->persistent)
		mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
		                             MQTT_SESSION_EXPIRY_S);
	rc = mosquitto_connect_bind_v5(c->mosq, c->cfg->mqtt.host, (int)c->cfg->mqtt.port,
	                               (int)c->cfg->mqtt.keepalive_s, NULL, props);
	mosquitto_property_free_all(&props);
	c->props_set = rc != MOSQ_ERR_INVAL && rc != MOSQ_ERR_NOMEM;
	return rc;
}

static void *net_main(void *arg)
{
	struct mqtt_client *c = arg;
	bool want_connect = true;
	int rc;

	c->backoff_ms = NET_BACKOFF_MIN_MS;
	while (!atomic_load(&c->stop)) {
		if (want_connect) {
			rc = connect_once(c);
			want_connect = rc != MOSQ_ERR_SUCCESS;
		} else {
			rc = mosquitto_loop(c->mosq, NET_LOOP_MS, 1);
			want_connect = rc != MOSQ_ERR_SUCCESS;
		}
		if (!want_connect || atomic_load(&c->stop))
			continue;
		/* Not connected: wait, then try again. */
		if (rc != MOSQ_ERR_NO_CONN && rc != MOSQ_ERR_CONN_LOST &&
		    rc != MOSQ_ERR_CONN_REFUSED)
			mqtt_log(MQTT_LOG_WARNING,
			         "cannot reach broker %s:%u (%s%s); retrying in %.0f s",
			         c->cfg->mqtt.host, c->cfg->mqtt.port,
			         rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc),
			         net_hint(rc), (double)c->backoff_ms / 1000.0);
		struct pollfd pfd = {.fd = c->efd, .events = POLLIN};
		poll(&pfd, 1, (int)c->backoff_ms);
		drain(c->efd);
		c->backoff_ms = c->backoff_ms * 2u > NET_BACKOFF_MAX_MS ? NET_BACKOFF_MAX_MS
		                                                        : c->backoff_ms * 2u;
	}
	return NULL;
}

/* ---- lifecycle ---- */

static int set_up(struct mqtt_client *c, char *err, size_t err_len)
{
	const struct mqtt_config *m = &c->cfg->mqtt;

	mosquitto_threaded_set(c->mosq, true);
	mosquitto_int_option(c->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_int_option(c->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (m->username[0] &&
	    mosquitto_username_pw_set(c->mosq, m->username, c->password[0] ? c->password : NULL)) {
		snprintf(err, err_len,
		         "mqtt: username '%s' is not valid UTF-8; fix username in [mqtt]",
		         m->username);
		return -EINVAL;
	}
	if (m->tls) {
		int trc =
		    mosquitto_tls_set(c->mosq, m->ca_file[0] ? m->ca_file : NULL,
		                      m->ca_file[0] ? NULL : "/etc/ssl/certs", NULL, NULL, NULL);
		if (trc != MOSQ_ERR_SUCCESS) {
			snprintf(err, err_len,
			         "mqtt: TLS set-up failed (%s) for ca_file '%s'; point ca_file at "
			         "a readable PEM CA certificate",
			         mosquitto_strerror(trc), m->ca_file);
			return -EINVAL;
		}
	}
	if (c->will_topic[0] && mosquitto_will_set_v5(c->mosq, c->will_topic, 7, "offline", 1, true,
	                                              NULL) != MOSQ_ERR_SUCCESS) {
		snprintf(err, err_len, "mqtt: cannot set the last will on '%s'", c->will_topic);
		return -EINVAL;
	}
	mosquitto_log_callback_set(c->mosq, on_log);
	mosquitto_connect_v5_callback_set(c->mosq, on_connect);
	mosquitto_disconnect_v5_callback_set(c->mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(c->mosq, on_publish);
	mosquitto_subscribe_v5_callback_set(c->mosq, on_subscribe);
	mosquitto_message_v5_callback_set(c->mosq, on_message);
	return 0;
}

static struct mqtt_client *create(const struct kiosk_config *cfg, const char *will_topic,
                                  const char *client_id, bool persistent,
                                  const struct mqtt_client_handlers *h, char *err, size_t err_len)
{
	const struct mqtt_config *m = &cfg->mqtt;
	struct mqtt_client *c = calloc(1, sizeof(*c));
	int rc;

	if (!c) {
		snprintf(err, err_len, "mqtt: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	c->cfg = cfg;
	c->h = *h;
	c->v5 = true;
	c->persistent = persistent;
	pthread_mutex_init(&c->track_lock, NULL);
	snprintf(c->will_topic, sizeof(c->will_topic), "%s", will_topic ? will_topic : "");
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->efd < 0) {
		rc = -errno;
		snprintf(err, err_len, "mqtt: eventfd: %s", strerror(-rc));
		goto err_free;
	}
	if (m->username[0] && m->password_file[0]) {
		rc =
		    read_password(m->password_file, c->password, sizeof(c->password), err, err_len);
		if (rc < 0)
			goto err_efd;
	}
	if (client_id)
		snprintf(c->client_id, sizeof(c->client_id), "%s", client_id);
	else if (m->client_id[0])
		snprintf(c->client_id, sizeof(c->client_id), "%s", m->client_id);
	else
		snprintf(c->client_id, sizeof(c->client_id), "recovery-kiosk-%.40s", cfg->site);
	mosquitto_lib_init();
	c->lib = true;
	/* clean_session false: MQTT 5 clean start off, the session persists. */
	c->mosq = mosquitto_new(c->client_id, !persistent, c);
	if (!c->mosq) {
		rc = -(errno ? errno : ENOMEM);
		snprintf(err, err_len, "mqtt: cannot create the client: %s", strerror(-rc));
		goto err_lib;
	}
	rc = set_up(c, err, err_len);
	if (rc < 0)
		goto err_mosq;
	return c;

err_mosq:
	mosquitto_destroy(c->mosq);
err_lib:
	mosquitto_lib_cleanup();
err_efd:
	explicit_bzero(c->password, sizeof(c->password));
	close(c->efd);
err_free:
	pthread_mutex_destroy(&c->track_lock);
	free(c);
	errno = -rc;
	return NULL;
}

struct mqtt_client *mqtt_client_create(const struct kiosk_config *cfg, const char *will_topic,
                                       const struct mqtt_client_handlers *h, char *err,
                                       size_t err_len)
{
	return create(cfg, will_topic, NULL, true, h, err, err_len);
}

struct mqtt_client *mqtt_client_create_transient(const struct kiosk_config *cfg,
                                                 const char *client_id,
                                                 const struct mqtt_client_handlers *h, char *err,
                                                 size_t err_len)
{
	return create(cfg, NULL, client_id, false, h, err, err_len);
}

int mqtt_client_start(struct mqtt_client *c)
{
	int rc;

	if (c->started)
		return -EALREADY;
	rc = -pthread_create(&c->thread, NULL, net_main, c);
	if (rc < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot start the MQTT network thread: %s", strerror(-rc));
		return rc;
	}
	c->started = true;
	return 0;
}

void mqtt_client_stop(struct mqtt_client *c)
{
	if (!c || !c->started)
		return;
	atomic_store(&c->stop, true);
	/* Sends DISCONNECT if connected and wakes the loop's select. */
	mosquitto_disconnect(c->mosq);
	wake(c->efd);
	pthread_join(c->thread, NULL);
	c->started = false;
	atomic_store(&c->connected, false);
}

void mqtt_client_destroy(struct mqtt_client *c)
{
	if (!c)
		return;
	mqtt_client_stop(c);
	mosquitto_destroy(c->mosq);
	if (c->lib)
		mosquitto_lib_cleanup();
	explicit_bzero(c->password, sizeof(c->password));
	close(c->efd);
	pthread_mutex_destroy(&c->track_lock);
	free(c);
}

int mqtt_client_publish(struct mqtt_client *c, const struct mqtt_outbound *m, int *mid)
{
	mosquitto_property *props = NULL;
	int rc;

	if (m->len > (size_t)INT32_MAX)
		return -EMSGSIZE;
	if (m->correlation && c->v5)
		mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, m->correlation,
		                              m->correlation_len);
	if (m->expiry_s && c->v5)
		mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
		                             m->expiry_s);
	if (m->json && c->v5)
		mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "application/json");
	if (m->probe && c->v5)
		mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
		                                   "recovery-kiosk-probe", "1");
	int local = 0;
	pthread_mutex_lock(&c->track_lock);
	rc = mosquitto_publish_v5(c->mosq, &local, m->topic, (int)m->len, m->payload, m->qos,
	                          m->retain, props);
	/* QoS 1 while the link is down: queued, sent again after reconnecting. */
	if (m->qos > 0 && rc == MOSQ_ERR_NO_CONN)
		rc = MOSQ_ERR_SUCCESS;
	if (rc == MOSQ_ERR_SUCCESS && m->qos > 0)
		track_add(c, local, false, m->topic);
	pthread_mutex_unlock(&c->track_lock);
	mosquitto_property_free_all(&props);
	if (mid)
		*mid = local;
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

int mqtt_client_subscribe(struct mqtt_client *c, const char *filter, bool every_time, int *mid)
{
	int local = 0;
	int rc;

	pthread_mutex_lock(&c->track_lock);
	rc = mosquitto_subscribe_v5(
	    c->mosq, &local, filter, 1,
	    MQTT_SUB_OPT_RETAIN_AS_PUBLISHED |
	        (every_time ? MQTT_SUB_OPT_SEND_RETAIN_ALWAYS : MQTT_SUB_OPT_SEND_RETAIN_NEW),
	    NULL);
	if (rc == MOSQ_ERR_SUCCESS)
		track_add(c, local, true, filter);
	pthread_mutex_unlock(&c->track_lock);
	if (mid)
		*mid = local;
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

bool mqtt_client_connected(struct mqtt_client *c)
{
	return atomic_load(&c->connected);
}

const char *mqtt_client_id(const struct mqtt_client *c)
{
	return c->client_id;
}

/* SPDX-License-Identifier: MIT */
/*
 * The libmosquitto client and its net thread.  Our own loop rather than
 * mosquitto_loop_forever: every wait is bounded (select up to NET_LOOP_MS,
 * back-off on an eventfd), so a stop is seen at once even while the broker
 * is away, and no thread is ever cancelled.
 */
#include "mqtt/mqtt_client.h"

#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"

#define NET_LOOP_MS 500
#define NET_BACKOFF_MIN_MS 1000u
#define NET_BACKOFF_MAX_MS 30000u

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
	bool v5; /* MQTT 5: properties may be sent */

	/* Net thread only. */
	int last_refusal;
	unsigned int backoff_ms;
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
			         c->cfg->mqtt.host, c->cfg->mqtt.port,
			         mosquitto_connack_string(rc));
		c->last_refusal = rc;
		return;
	}
	c->last_refusal = 0;
	c->backoff_ms = NET_BACKOFF_MIN_MS;
	mqtt_log(MQTT_LOG_INFO, "connected to broker %s:%u as '%s'", c->cfg->mqtt.host,
	         c->cfg->mqtt.port, c->client_id);
	atomic_store(&c->connected, true);
	if (c->h.connected)
		c->h.connected(c->h.ctx, (flags & 1) != 0);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc,
                          const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	bool was = atomic_exchange(&c->connected, false);
	if (rc != 0 && was)
		mqtt_log(MQTT_LOG_WARNING,
		         "lost the broker connection; reconnecting with back-off, events wait "
		         "in the outbox");
	if (c->h.disconnected)
		c->h.disconnected(c->h.ctx);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid, int reason,
                       const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
	if (c->h.acked)
		c->h.acked(c->h.ctx, mid, reason);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted,
                         const mosquitto_property *props)
{
	struct mqtt_client *c = obj;

	(void)mosq;
	(void)props;
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

/* Connects are non-blocking (only the name lookup blocks). */
static void *net_main(void *arg)
{
	struct mqtt_client *c = arg;
	bool first = true;
	bool want_connect = true;
	int rc;

	c->backoff_ms = NET_BACKOFF_MIN_MS;
	while (!atomic_load(&c->stop)) {
		if (want_connect) {
			rc = first ? mosquitto_connect_async(c->mosq, c->cfg->mqtt.host,
			                                     (int)c->cfg->mqtt.port,
			                                     (int)c->cfg->mqtt.keepalive_s)
			           : mosquitto_reconnect_async(c->mosq);
			first = false;
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
	if (mosquitto_will_set(c->mosq, c->will_topic, 7, "offline", 1, true) != MOSQ_ERR_SUCCESS) {
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

struct mqtt_client *mqtt_client_create(const struct kiosk_config *cfg, const char *will_topic,
                                       const struct mqtt_client_handlers *h, char *err,
                                       size_t err_len)
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
	snprintf(c->will_topic, sizeof(c->will_topic), "%s", will_topic);
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
	if (m->client_id[0])
		snprintf(c->client_id, sizeof(c->client_id), "%s", m->client_id);
	else
		snprintf(c->client_id, sizeof(c->client_id), "recovery-kiosk-%.40s", cfg->site);
	mosquitto_lib_init();
	c->lib = true;
	c->mosq = mosquitto_new(c->client_id, true, c);
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
	free(c);
	errno = -rc;
	return NULL;
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
	rc = mosquitto_publish_v5(c->mosq, mid, m->topic, (int)m->len, m->payload, m->qos,
	                          m->retain, props);
	mosquitto_property_free_all(&props);
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

int mqtt_client_subscribe(struct mqtt_client *c, const char *filter, int *mid)
{
	return mosquitto_subscribe(c->mosq, mid, filter, 1) == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

bool mqtt_client_connected(struct mqtt_client *c)
{
	return atomic_load(&c->connected);
}

const char *mqtt_client_id(const struct mqtt_client *c)
{
	return c->client_id;
}

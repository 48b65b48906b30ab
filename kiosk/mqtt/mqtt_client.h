/* SPDX-License-Identifier: MIT */
/*
 * The broker connection: one libmosquitto client and the net thread that
 * runs it (socket I/O, reconnect with back-off, every libmosquitto
 * callback).  The rest of the MQTT link sees plain structs, never a
 * libmosquitto type: messages in arrive as struct mqtt_inbound, messages out
 * leave as struct mqtt_outbound.
 *
 * Threading: create/start/stop/destroy from one thread (main).
 * mqtt_client_publish() and mqtt_client_connected() from any thread.  The
 * handlers run on the net thread, one at a time; they may publish.
 */
#ifndef KIOSK_MQTT_CLIENT_H
#define KIOSK_MQTT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kiosk_config;
struct mqtt_client;

/* sd-daemon priorities: journald reads "<N>" at the start of a stderr line. */
enum { MQTT_LOG_ERR = 3, MQTT_LOG_WARNING = 4, MQTT_LOG_NOTICE = 5, MQTT_LOG_INFO = 6 };
/* One line on stderr, "<N>mqtt: ...", written at once. */
void mqtt_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in ms; CLOCK_REALTIME in ms since the epoch. */
uint64_t mqtt_now_ms(void);
uint64_t mqtt_wall_ms(void);

/* A message from the broker.  Pointers are valid during the handler only. */
struct mqtt_inbound {
	const char *topic;
	const void *payload;
	size_t len;
	int qos;
	bool retain;
	const char *response_topic; /* MQTT 5 request/response, NULL when absent */
	const void *correlation;    /* NULL when absent */
	uint16_t correlation_len;
	bool has_expiry; /* MQTT 5 message expiry interval was set */
	uint32_t expiry_s;
};

/* A message to the broker. */
struct mqtt_outbound {
	const char *topic;
	const void *payload;
	size_t len;
	int qos;
	bool retain;
	const void *correlation; /* sent as correlation data when not NULL */
	uint16_t correlation_len;
	uint32_t expiry_s; /* message expiry interval, 0 = none */
	bool json;         /* content type application/json */
	bool probe;        /* user property recovery-kiosk-probe (--check-config --mqtt) */
};

struct mqtt_client_handlers {
	/* The broker accepted the connection (a new one each time);
	 * session_present: it kept our session, subscriptions and the commands
	 * queued while we were away. */
	void (*connected)(void *ctx, bool session_present);
	void (*disconnected)(void *ctx);
	/* The broker refused the connection (reason in words). */
	void (*refused)(void *ctx, const char *reason);
	/* A QoS 1 publish was answered: reason is the PUBACK reason code
	 * (0 or 0x10 success, >= 0x80 refused). */
	void (*acked)(void *ctx, int mid, int reason);
	/* A SUBACK: granted[i] is the QoS granted to filter i, or a reason code
	 * >= 0x80 when refused. */
	void (*subscribed)(void *ctx, int mid, int count, const int *granted);
	void (*message)(void *ctx, const struct mqtt_inbound *msg);
	void *ctx;
};

/* MQTT 5, persistent session: the fixed client id ([mqtt] client_id,
 * "recovery-kiosk-<site>" by default), clean start off and this session
 * expiry, so the broker queues QoS 1 commands while the kiosk is away. */
#define MQTT_SESSION_EXPIRY_S (24u * 3600u)

/* What the client saw of the broker, for the kiosk's status and logs. */
#define MQTT_PROBLEMS_MAX 8u
#define MQTT_PROBLEM_LEN 400u
struct mqtt_client_health {
	bool connected;
	bool session_present;
	uint64_t connects;  /* successful connections */
	uint64_t takeovers; /* another client took our session (same client id) */
	uint64_t refused;   /* publishes answered with a reason code >= 0x80 */
	char refused_topic[192];
	char refused_reason[64];
	/* Misconfiguration, one line each with its fix: denied subscriptions
	 * and publishes, session take-overs.  Each distinct line once. */
	size_t problem_count;
	char problems[MQTT_PROBLEMS_MAX][MQTT_PROBLEM_LEN];
};

/* Reads the password file, prepares the client (TLS, last will on
 * will_topic = "offline", retained, QoS 1).  Does not connect yet.  NULL +
 * message in err (naming the file or key and the fix) on failure. */
struct mqtt_client *mqtt_client_create(const struct kiosk_config *cfg, const char *will_topic,
                                       const struct mqtt_client_handlers *h, char *err,
                                       size_t err_len);
/* The same for a short-lived client: client_id as given, clean start, no
 * session kept, no last will (will_topic NULL).  For --check-config --mqtt. */
struct mqtt_client *mqtt_client_create_transient(const struct kiosk_config *cfg,
                                                 const char *client_id,
                                                 const struct mqtt_client_handlers *h, char *err,
                                                 size_t err_len);
/* Starts the net thread: it connects and keeps reconnecting.  0 or -errno. */
int mqtt_client_start(struct mqtt_client *c);
/* Disconnects cleanly (no last will) and joins the net thread.  Idempotent. */
void mqtt_client_stop(struct mqtt_client *c);
void mqtt_client_destroy(struct mqtt_client *c); /* NULL ok */

/* Queues a publish; *mid (may be NULL) gets its message id.  0, or -EIO
 * when libmosquitto refuses it (not connected for QoS 0, bad topic...). */
int mqtt_client_publish(struct mqtt_client *c, const struct mqtt_outbound *m, int *mid);
/* Subscribes with QoS 1 and retain as published, so a command's retain flag
 * is always seen.  Retained messages come with every subscribe when
 * every_time, else only for a subscription the session did not have.  A
 * refusal in the SUBACK is logged with the filter and the fix.  0 or -EIO. */
int mqtt_client_subscribe(struct mqtt_client *c, const char *filter, bool every_time, int *mid);
/* A copy of what the client saw.  Any thread. */
void mqtt_client_health(struct mqtt_client *c, struct mqtt_client_health *out);
/* Adds a line to the health's problems (deduplicated) and logs it once. */
void mqtt_client_problem(struct mqtt_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool mqtt_client_connected(struct mqtt_client *c);
/* The client id it connects with. */
const char *mqtt_client_id(const struct mqtt_client *c);

#endif

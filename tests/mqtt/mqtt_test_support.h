/* SPDX-License-Identifier: MIT */
/*
 * Test support for the MQTT integration tests: a real mosquitto broker on a
 * free 127.0.0.1 port, configured from systemd/mosquitto/ (the example
 * mosquitto.conf with its paths and ports rewritten, and the example ACL as
 * it is) with a password file made by mosquitto_passwd -b; and a recording
 * MQTT client whose waits have deadlines instead of sleeps.
 */
#ifndef TESTS_MQTT_SUPPORT_H
#define TESTS_MQTT_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TEST_SITE "city-gym" /* the site the example ACL names */
#define TEST_PW_KIOSK "kiosk-secret"
#define TEST_PW_STAFF "staff-secret"
#define TEST_PW_VIEWER "viewer-secret"

struct test_broker {
	pid_t pid;
	unsigned int port;
	unsigned int tls_port; /* 0 unless started with test_broker_start_tls */
	char dir[64];          /* temp folder: conf, passwd, log, kiosk files */
	char conf[128];
	char acl[128]; /* the ACL in use: a copy of the example's */
	char source_dir[256];
};

uint64_t test_now_ms(void);
uint64_t test_now_us(void);
uint64_t test_now_wall_ms(void); /* CLOCK_REALTIME, ms since the epoch */

/* Makes the temp folder, the password file and the conf from the examples
 * in source_dir/systemd/mosquitto, then starts the broker.  0 or -errno. */
int test_broker_start(struct test_broker *b, const char *source_dir);
/* Same, plus the example's TLS listener on tls_port (127.0.0.1) with a CA
 * and a server certificate for "localhost" made by openssl in the folder:
 * <dir>/ca.crt is the CA to trust, <dir>/other-ca.crt one that is not. */
int test_broker_start_tls(struct test_broker *b, const char *source_dir);
/* Rewrites the broker's ACL as the example's without the lines that contain
 * drop (NULL: the example as it is) and makes the running broker reload it
 * (SIGHUP); returns once the broker applies it.  A broker that is down
 * (test_broker_kill) gets it at test_broker_restart.  0 or -errno. */
int test_broker_set_acl(struct test_broker *b, const char *drop);
/* SIGKILL and reap. */
void test_broker_kill(struct test_broker *b);
/* Start again on the same port. */
int test_broker_restart(struct test_broker *b);
/* Kill and remove the folder. */
void test_broker_cleanup(struct test_broker *b);

struct test_msg {
	char *topic;
	char *payload; /* NUL-terminated copy */
	int len;
	bool retained;
	char *correlation; /* MQTT 5 correlation data (NUL-terminated copy), or NULL */
	bool has_expiry;
	uint32_t expiry_s;
	uint64_t at_ms; /* CLOCK_MONOTONIC when received */
	uint64_t at_us;
};

struct test_client;

/* Connects (blocking, up to 5 s).  user NULL = anonymous.  Returns NULL and
 * the CONNACK code (or -1 for no answer) in *rc on refusal. */
struct test_client *test_client_connect(unsigned int port, const char *user, const char *password,
                                        int *rc);
/* The same with MQTT 5 (clean start). */
struct test_client *test_client_connect_v5(unsigned int port, const char *user,
                                           const char *password, int *rc);
void test_client_destroy(struct test_client *c);
/* Subscribes and waits for the SUBACK.  0 or -1. */
int test_client_subscribe(struct test_client *c, const char *pattern);
/* Publishes; for qos 1 waits for the PUBACK.  0 or -1. */
int test_client_publish(struct test_client *c, const char *topic, const void *payload, int len,
                        int qos, bool retain);
int test_client_publish_str(struct test_client *c, const char *topic, const char *payload);
/* How long the client waits before it reconnects after losing the broker
 * (1 s unless set). */
void test_client_reconnect_delay(struct test_client *c, unsigned int seconds);
/* QoS 1 without waiting for the PUBACK: while the connection is down the
 * client keeps it and sends it when back.  0 or -1. */
int test_client_publish_nowait(struct test_client *c, const char *topic, const char *payload);
/* MQTT 5 (a v5 client): QoS 1 with a response topic, correlation data and
 * a message expiry when not NULL / 0.  Returns the PUBACK reason code (0
 * success, >= 0x80 refused), or -1 without one within 5 s. */
int test_client_request(struct test_client *c, const char *topic, const char *payload, bool retain,
                        const char *response_topic, const char *correlation, uint32_t expiry_s);
/* Subscribes and returns the SUBACK's granted QoS or reason code (>= 0x80
 * refused), or -1. */
int test_client_subscribe_granted(struct test_client *c, const char *pattern);
/* A staff command as a dashboard sends it: {"action","request_id"} on
 * recovery/TEST_SITE/station/<n>/cmd.  Fills where and how to find its reply:
 * mark (messages before the publish), the cmd/result topic and the payload
 * text naming the request id.  0, or -1 when the publish failed. */
struct test_command {
	size_t mark;
	char result_topic[96];
	char want[80];
};
int test_client_send_command(struct test_client *c, unsigned int station, const char *action,
                             const char *rid, struct test_command *out);
/* The client id it connected with (for response topics under
 * recovery/<site>/reply/<client id>/). */
const char *test_client_id(const struct test_client *c);
/* True while the client's connection is up. */
bool test_client_connected(struct test_client *c);

/* Messages received so far. */
size_t test_client_count(struct test_client *c);
/* Waits until a message at index >= from matches pattern (MQTT wildcards)
 * and, if contains is not NULL, has it in its payload.  Returns its index,
 * or -1 at the deadline.  *out gets a pointer valid until destroy. */
long test_client_wait(struct test_client *c, size_t from, const char *pattern, const char *contains,
                      unsigned int timeout_ms, const struct test_msg **out);
/* Counts messages at index >= from that match. */
size_t test_client_count_matching(struct test_client *c, size_t from, const char *pattern,
                                  const char *contains);
/* Waits until at least n messages at index >= from match.  true if so. */
bool test_client_wait_count(struct test_client *c, size_t from, const char *pattern,
                            const char *contains, size_t n, unsigned int timeout_ms);
/* Message i (i < count). */
const struct test_msg *test_client_msg(struct test_client *c, size_t i);

#endif

/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700 /* nftw */
#include "mqtt_test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

uint64_t test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t test_now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t test_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- broker ---- */

static unsigned int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned int port = 0;

	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;
	int rc;

	/* Quiet: openssl draws progress dots on stderr. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

static bool port_open(unsigned int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static int write_conf(struct test_broker *b, const char *source_dir)
{
	char src[512], line[512];
	bool in_tls = false;
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s/systemd/mosquitto/mosquitto.conf", source_dir);
	in = fopen(src, "r");
	if (!in)
		return -errno;
	out = fopen(b->conf, "w");
	if (!out) {
		fclose(in);
		return -errno;
	}
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, "# BEGIN TLS", 11) == 0)
			in_tls = true;
		if (in_tls && strncmp(line, "# END TLS", 9) == 0)
			in_tls = false;
		if (in_tls && !b->tls_port)
			continue;
		if (in_tls && strncmp(line, "listener ", 9) == 0)
			fprintf(out, "listener %u 127.0.0.1\n", b->tls_port);
		else if (in_tls && strncmp(line, "cafile ", 7) == 0)
			fprintf(out, "cafile %s/ca.crt\n", b->dir);
		else if (in_tls && strncmp(line, "certfile ", 9) == 0)
			fprintf(out, "certfile %s/server.crt\n", b->dir);
		else if (in_tls && strncmp(line, "keyfile ", 8) == 0)
			fprintf(out, "keyfile %s/server.key\n", b->dir);
		else if (strncmp(line, "listener ", 9) == 0)
			fprintf(out, "listener %u 127.0.0.1\n", b->port);
		else if (strncmp(line, "password_file ", 14) == 0)
			fprintf(out, "password_file %s/passwd\n", b->dir);
		else if (strncmp(line, "acl_file ", 9) == 0)
			fprintf(out, "acl_file %s\n", b->acl);
		else
			fputs(line, out);
	}
	/* Run as whoever runs the tests (as root mosquitto would switch to the
	 * mosquitto user and could not read the temp folder). */
	fprintf(out, "persistence false\nuser %s\n", geteuid() == 0 ? "root" : "nobody");
	fclose(in);
	return fclose(out) == 0 ? 0 : -EIO;
}

static int spawn_broker(struct test_broker *b)
{
	char log[128];
	posix_spawn_file_actions_t fa;
	char *argv[] = {"mosquitto", "-c", b->conf, NULL};

	snprintf(log, sizeof(log), "%s/broker.log", b->dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	int rc = posix_spawnp(&b->pid, "mosquitto", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		b->pid = 0;
		return -rc;
	}
	/* Ready when it accepts connections; give up after 5 s. */
	uint64_t until = test_now_ms() + 5000u;
	while (test_now_ms() < until) {
		if (port_open(b->port))
			return 0;
		int status;
		if (waitpid(b->pid, &status, WNOHANG) == b->pid) {
			b->pid = 0;
			return -ECHILD;
		}
		poll(NULL, 0, 10);
	}
	return -ETIMEDOUT;
}

static int test_broker_start_opts(struct test_broker *b, const char *source_dir, bool tls);

/* The example ACL, less the lines containing drop. */
static int write_acl(struct test_broker *b, const char *drop)
{
	char src[512], line[512];
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s/systemd/mosquitto/recovery-kiosk.acl", b->source_dir);
	in = fopen(src, "r");
	if (!in)
		return -errno;
	out = fopen(b->acl, "w");
	if (!out) {
		fclose(in);
		return -errno;
	}
	while (fgets(line, sizeof(line), in))
		if (!drop || !strstr(line, drop))
			fputs(line, out);
	fclose(in);
	return fclose(out) == 0 ? 0 : -EIO;
}

/* How many times the broker's log says it reloaded its configuration. */
static unsigned int broker_reloads(const struct test_broker *b)
{
	char log[128], line[512];
	unsigned int n = 0;

	snprintf(log, sizeof(log), "%s/broker.log", b->dir);
	FILE *fp = fopen(log, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		n += strstr(line, "Reloading config.") != NULL;
	fclose(fp);
	return n;
}

int test_broker_set_acl(struct test_broker *b, const char *drop)
{
	int rc = write_acl(b, drop);

	if (rc < 0)
		return rc;
	if (b->pid <= 0)
		return 0; /* down: the next test_broker_restart() reads it */
	unsigned int before = broker_reloads(b);
	if (kill(b->pid, SIGHUP) != 0)
		return -ESRCH;
	/* SIGHUP only raises a flag: mosquitto logs "Reloading config." and then
	 * applies the new ACL in the same turn of its loop.  Once the line is
	 * there, a CONNECT it answers was read after the reload was done. */
	uint64_t until = test_now_ms() + 5000u;
	while (broker_reloads(b) == before) {
		if (test_now_ms() >= until)
			return -ETIMEDOUT;
		poll(NULL, 0, 10);
	}
	int refused = 0;
	struct test_client *probe = test_client_connect(b->port, NULL, NULL, &refused);
	if (probe)
		test_client_destroy(probe);
	return probe || refused > 0 ? 0 : -ECONNREFUSED;
}

static int make_certs(struct test_broker *b)
{
	char ca_key[128], ca_crt[128], other_key[128], other_crt[128], key[128], csr[128], crt[128],
	    ext[128];
	FILE *fp;

	snprintf(ca_key, sizeof(ca_key), "%s/ca.key", b->dir);
	snprintf(ca_crt, sizeof(ca_crt), "%s/ca.crt", b->dir);
	snprintf(other_key, sizeof(other_key), "%s/other-ca.key", b->dir);
	snprintf(other_crt, sizeof(other_crt), "%s/other-ca.crt", b->dir);
	snprintf(key, sizeof(key), "%s/server.key", b->dir);
	snprintf(csr, sizeof(csr), "%s/server.csr", b->dir);
	snprintf(crt, sizeof(crt), "%s/server.crt", b->dir);
	snprintf(ext, sizeof(ext), "%s/san.ext", b->dir);
	fp = fopen(ext, "w");
	if (!fp)
		return -errno;
	fputs("subjectAltName=DNS:localhost,IP:127.0.0.1\n", fp);
	fclose(fp);
	char *ca[] = {"openssl",
	              "req",
	              "-x509",
	              "-new",
	              "-nodes",
	              "-newkey",
	              "rsa:2048",
	              "-days",
	              "2",
	              "-subj",
	              "/CN=recovery-kiosk test CA",
	              "-keyout",
	              ca_key,
	              "-out",
	              ca_crt,
	              NULL};
	char *other[] = {"openssl",  "req",   "-x509",   "-new",  "-nodes",           "-newkey",
	                 "rsa:2048", "-days", "2",       "-subj", "/CN=someone else", "-keyout",
	                 other_key,  "-out",  other_crt, NULL};
	char *req[] = {"openssl",       "req",     "-new", "-nodes", "-newkey", "rsa:2048", "-subj",
	               "/CN=localhost", "-keyout", key,    "-out",   csr,       NULL};
	char *sign[] = {
	    "openssl",         "x509",  "-req", "-in",      csr, "-CA",  ca_crt, "-CAkey", ca_key,
	    "-CAcreateserial", "-days", "2",    "-extfile", ext, "-out", crt,    NULL};
	if (run(ca) < 0 || run(other) < 0 || run(req) < 0 || run(sign) < 0)
		return -EIO;
	return 0;
}

int test_broker_start_tls(struct test_broker *b, const char *source_dir)
{
	return test_broker_start_opts(b, source_dir, true);
}

int test_broker_start(struct test_broker *b, const char *source_dir)
{
	return test_broker_start_opts(b, source_dir, false);
}

static int test_broker_start_opts(struct test_broker *b, const char *source_dir, bool tls)
{
	char passwd[128];
	int rc;

	memset(b, 0, sizeof(*b));
	snprintf(b->dir, sizeof(b->dir), "/tmp/kiosk-mqtt-XXXXXX");
	if (!mkdtemp(b->dir))
		return -errno;
	chmod(b->dir, 0755);
	b->port = free_port();
	if (!b->port)
		return -EADDRNOTAVAIL;
	if (tls) {
		b->tls_port = free_port();
		while (b->tls_port == b->port)
			b->tls_port = free_port();
		rc = make_certs(b);
		if (rc < 0)
			return rc;
	}
	snprintf(passwd, sizeof(passwd), "%s/passwd", b->dir);
	snprintf(b->conf, sizeof(b->conf), "%s/mosquitto.conf", b->dir);
	char *kiosk[] = {"mosquitto_passwd", "-c", "-b", passwd, "kiosk", TEST_PW_KIOSK, NULL};
	char *staff[] = {"mosquitto_passwd", "-b", passwd, "staff", TEST_PW_STAFF, NULL};
	char *viewer[] = {"mosquitto_passwd", "-b", passwd, "viewer", TEST_PW_VIEWER, NULL};
	if (run(kiosk) < 0 || run(staff) < 0 || run(viewer) < 0)
		return -EIO;
	snprintf(b->source_dir, sizeof(b->source_dir), "%s", source_dir);
	snprintf(b->acl, sizeof(b->acl), "%s/acl", b->dir);
	rc = write_acl(b, NULL);
	if (rc < 0)
		return rc;
	rc = write_conf(b, source_dir);
	if (rc < 0)
		return rc;
	return spawn_broker(b);
}

void test_broker_kill(struct test_broker *b)
{
	if (b->pid > 0) {
		kill(b->pid, SIGKILL);
		waitpid(b->pid, NULL, 0);
		b->pid = 0;
	}
}

int test_broker_restart(struct test_broker *b)
{
	test_broker_kill(b);
	return spawn_broker(b);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_broker_cleanup(struct test_broker *b)
{
	test_broker_kill(b);
	if (b->dir[0] && !getenv("KIOSK_TEST_KEEP"))
		nftw(b->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- client ---- */

struct test_client {
	struct mosquitto *mosq;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct test_msg **msgs; /* each allocated once: pointers stay valid */
	size_t count, cap;
	int connack; /* -1 until answered */
	bool connected;
	unsigned int disconnects; /* the loop thread has closed the socket */
	int acked_mid;            /* last PUBACK / SUBACK mid */
	int acked_reason;
	int subacked_mid;
	int subacked_granted;
	char id[64];
};

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	struct test_client *c = obj;

	(void)m;
	pthread_mutex_lock(&c->lock);
	c->connack = rc;
	c->connected = rc == 0;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	struct test_client *c = obj;

	(void)m;
	(void)rc;
	pthread_mutex_lock(&c->lock);
	c->connected = false;
	c->disconnects++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void on_publish(struct mosquitto *m, void *obj, int mid, int reason,
                       const mosquitto_property *props)
{
	struct test_client *c = obj;

	(void)m;
	(void)props;
	pthread_mutex_lock(&c->lock);
	c->acked_mid = mid;
	c->acked_reason = reason;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *qos)
{
	struct test_client *c = obj;

	(void)m;
	pthread_mutex_lock(&c->lock);
	c->subacked_mid = mid;
	c->subacked_granted = n > 0 ? qos[0] : -1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
	struct test_client *c = obj;
	struct test_msg *t = calloc(1, sizeof(*t));
	void *corr = NULL;
	uint16_t corr_len = 0;
	uint32_t expiry = 0;

	(void)m;
	if (t && mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &corr, &corr_len,
	                                        false)) {
		t->correlation = malloc((size_t)corr_len + 1u);
		if (t->correlation) {
			memcpy(t->correlation, corr, corr_len);
			t->correlation[corr_len] = '\0';
		}
		free(corr);
	}
	if (t && mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &expiry,
	                                       false)) {
		t->has_expiry = true;
		t->expiry_s = expiry;
	}
	if (!t)
		abort();
	t->at_us = test_now_us();
	t->at_ms = t->at_us / 1000u;
	t->topic = strdup(msg->topic);
	t->len = msg->payloadlen;
	t->payload = malloc((size_t)msg->payloadlen + 1u);
	if (!t->topic || !t->payload)
		abort();
	if (msg->payloadlen > 0)
		memcpy(t->payload, msg->payload, (size_t)msg->payloadlen);
	t->payload[msg->payloadlen] = '\0';
	t->retained = msg->retain;
	pthread_mutex_lock(&c->lock);
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2u : 256u;
		c->msgs = realloc(c->msgs, c->cap * sizeof(*c->msgs));
		if (!c->msgs)
			abort();
	}
	c->msgs[c->count++] = t;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void deadline_in(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000u);
	ts->tv_nsec += (long)(ms % 1000u) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static struct test_client *connect_as(unsigned int port, const char *user, const char *password,
                                      bool v5, int *rc);

struct test_client *test_client_connect(unsigned int port, const char *user, const char *password,
                                        int *rc)
{
	return connect_as(port, user, password, false, rc);
}

struct test_client *test_client_connect_v5(unsigned int port, const char *user,
                                           const char *password, int *rc)
{
	return connect_as(port, user, password, true, rc);
}

static struct test_client *connect_as(unsigned int port, const char *user, const char *password,
                                      bool v5, int *rc)
{
	struct test_client *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;
	struct timespec until;
	char id[64];
	static unsigned int counter;

	*rc = -1;
	if (!c)
		return NULL;
	mosquitto_lib_init();
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	c->connack = -1;
	snprintf(id, sizeof(id), "test-%d-%u", (int)getpid(),
	         __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->mosq = mosquitto_new(id, true, c);
	if (!c->mosq)
		goto fail;
	if (v5)
		mosquitto_int_option(c->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	if (user)
		mosquitto_username_pw_set(c->mosq, user, password);
	mosquitto_connect_callback_set(c->mosq, on_connect);
	mosquitto_disconnect_callback_set(c->mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(c->mosq, on_publish);
	mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
	mosquitto_message_v5_callback_set(c->mosq, on_message);
	mosquitto_reconnect_delay_set(c->mosq, 1, 1, false);
	if (mosquitto_connect(c->mosq, "127.0.0.1", (int)port, 30) != MOSQ_ERR_SUCCESS)
		goto fail;
	mosquitto_loop_start(c->mosq);
	deadline_in(&until, 5000);
	pthread_mutex_lock(&c->lock);
	while (c->connack < 0 && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
		;
	*rc = c->connack;
	pthread_mutex_unlock(&c->lock);
	if (*rc != 0)
		goto fail;
	return c;
fail:
	test_client_destroy(c);
	return NULL;
}

void test_client_destroy(struct test_client *c)
{
	if (!c)
		return;
	if (c->mosq) {
		/* The loop thread closes the socket itself after DISCONNECT; only
		 * then is it cancelled (loop_stop's force), so the cancel cannot
		 * land inside libmosquitto's handling of a message arriving (a
		 * write on its socketpair there is a cancellation point, and the
		 * message would leak).  Forced all the same: with the broker dead
		 * a plain stop can wait on reconnects for ever. */
		struct timespec until;
		pthread_mutex_lock(&c->lock);
		unsigned int before = c->disconnects;
		pthread_mutex_unlock(&c->lock);
		if (mosquitto_disconnect(c->mosq) == MOSQ_ERR_SUCCESS) {
			deadline_in(&until, 2000);
			pthread_mutex_lock(&c->lock);
			while (c->disconnects == before &&
			       pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
				;
			pthread_mutex_unlock(&c->lock);
		}
		mosquitto_loop_stop(c->mosq, true);
		mosquitto_destroy(c->mosq);
	}
	for (size_t i = 0; i < c->count; i++) {
		free(c->msgs[i]->topic);
		free(c->msgs[i]->payload);
		free(c->msgs[i]->correlation);
		free(c->msgs[i]);
	}
	free(c->msgs);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	mosquitto_lib_cleanup();
}

int test_client_subscribe(struct test_client *c, const char *pattern)
{
	struct timespec until;
	int mid = 0;
	int ok;

	pthread_mutex_lock(&c->lock);
	if (mosquitto_subscribe(c->mosq, &mid, pattern, 1) != MOSQ_ERR_SUCCESS) {
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	deadline_in(&until, 5000);
	while (c->subacked_mid != mid && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
		;
	ok = c->subacked_mid == mid;
	pthread_mutex_unlock(&c->lock);
	return ok ? 0 : -1;
}

int test_client_publish(struct test_client *c, const char *topic, const void *payload, int len,
                        int qos, bool retain)
{
	struct timespec until;
	int mid = 0;
	int ok;

	pthread_mutex_lock(&c->lock);
	if (mosquitto_publish(c->mosq, &mid, topic, len, payload, qos, retain) !=
	    MOSQ_ERR_SUCCESS) {
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	if (qos == 0) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	deadline_in(&until, 5000);
	while (c->acked_mid != mid && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
		;
	ok = c->acked_mid == mid;
	pthread_mutex_unlock(&c->lock);
	return ok ? 0 : -1;
}

int test_client_request(struct test_client *c, const char *topic, const char *payload, bool retain,
                        const char *response_topic, const char *correlation, uint32_t expiry_s)
{
	mosquitto_property *props = NULL;
	struct timespec until;
	int mid = 0;
	int rc = -1;

	if (response_topic)
		mosquitto_property_add_string(&props, MQTT_PROP_RESPONSE_TOPIC, response_topic);
	if (correlation)
		mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, correlation,
		                              (uint16_t)strlen(correlation));
	if (expiry_s)
		mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, expiry_s);
	pthread_mutex_lock(&c->lock);
	if (mosquitto_publish_v5(c->mosq, &mid, topic, (int)strlen(payload), payload, 1, retain,
	                         props) == MOSQ_ERR_SUCCESS) {
		deadline_in(&until, 5000);
		while (c->acked_mid != mid &&
		       pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
			;
		if (c->acked_mid == mid)
			rc = c->acked_reason;
	}
	pthread_mutex_unlock(&c->lock);
	mosquitto_property_free_all(&props);
	return rc;
}

int test_client_subscribe_granted(struct test_client *c, const char *pattern)
{
	if (test_client_subscribe(c, pattern) < 0)
		return -1;
	pthread_mutex_lock(&c->lock);
	int g = c->subacked_granted;
	pthread_mutex_unlock(&c->lock);
	return g;
}

void test_client_reconnect_delay(struct test_client *c, unsigned int seconds)
{
	mosquitto_reconnect_delay_set(c->mosq, seconds, seconds, false);
}

int test_client_publish_nowait(struct test_client *c, const char *topic, const char *payload)
{
	return mosquitto_publish(c->mosq, NULL, topic, (int)strlen(payload), payload, 1, false) ==
	                   MOSQ_ERR_SUCCESS ||
	               !test_client_connected(c)
	           ? 0
	           : -1;
}

int test_client_publish_str(struct test_client *c, const char *topic, const char *payload)
{
	return test_client_publish(c, topic, payload, (int)strlen(payload), 1, false);
}

int test_client_send_command(struct test_client *c, unsigned int station, const char *action,
                             const char *rid, struct test_command *out)
{
	char topic[96], payload[128];

	out->mark = test_client_count(c);
	snprintf(topic, sizeof(topic), "recovery/" TEST_SITE "/station/%u/cmd", station);
	snprintf(payload, sizeof(payload), "{\"action\":\"%s\",\"request_id\":\"%s\"}", action,
	         rid);
	snprintf(out->result_topic, sizeof(out->result_topic),
	         "recovery/" TEST_SITE "/station/%u/cmd/result", station);
	snprintf(out->want, sizeof(out->want), "\"request_id\":\"%s\"", rid);
	return test_client_publish_str(c, topic, payload);
}

bool test_client_connected(struct test_client *c)
{
	pthread_mutex_lock(&c->lock);
	bool up = c->connected;
	pthread_mutex_unlock(&c->lock);
	return up;
}

size_t test_client_count(struct test_client *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}

const struct test_msg *test_client_msg(struct test_client *c, size_t i)
{
	pthread_mutex_lock(&c->lock);
	const struct test_msg *m = i < c->count ? c->msgs[i] : NULL;
	pthread_mutex_unlock(&c->lock);
	return m;
}

static bool matches(const struct test_msg *m, const char *pattern, const char *contains)
{
	bool result = false;

	mosquitto_topic_matches_sub(pattern, m->topic, &result);
	return result && (!contains || strstr(m->payload, contains));
}

long test_client_wait(struct test_client *c, size_t from, const char *pattern, const char *contains,
                      unsigned int timeout_ms, const struct test_msg **out)
{
	struct timespec until;
	long found = -1;
	size_t i = from;

	deadline_in(&until, timeout_ms);
	pthread_mutex_lock(&c->lock);
	for (;;) {
		for (; i < c->count; i++) {
			if (matches(c->msgs[i], pattern, contains)) {
				found = (long)i;
				if (out)
					*out = c->msgs[i];
				goto done;
			}
		}
		if (pthread_cond_timedwait(&c->cond, &c->lock, &until) != 0) {
			/* One last look after the deadline. */
			for (; i < c->count; i++)
				if (matches(c->msgs[i], pattern, contains)) {
					found = (long)i;
					if (out)
						*out = c->msgs[i];
					break;
				}
			break;
		}
	}
done:
	pthread_mutex_unlock(&c->lock);
	return found;
}

size_t test_client_count_matching(struct test_client *c, size_t from, const char *pattern,
                                  const char *contains)
{
	size_t n = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t i = from; i < c->count; i++)
		n += matches(c->msgs[i], pattern, contains);
	pthread_mutex_unlock(&c->lock);
	return n;
}

bool test_client_wait_count(struct test_client *c, size_t from, const char *pattern,
                            const char *contains, size_t n, unsigned int timeout_ms)
{
	struct timespec until;
	bool ok;

	deadline_in(&until, timeout_ms);
	pthread_mutex_lock(&c->lock);
	for (;;) {
		size_t have = 0;
		for (size_t i = from; i < c->count; i++)
			have += matches(c->msgs[i], pattern, contains);
		ok = have >= n;
		if (ok || pthread_cond_timedwait(&c->cond, &c->lock, &until) != 0)
			break;
	}
	if (!ok) {
		size_t have = 0;
		for (size_t i = from; i < c->count; i++)
			have += matches(c->msgs[i], pattern, contains);
		ok = have >= n;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

const char *test_client_id(const struct test_client *c)
{
	return c->id;
}

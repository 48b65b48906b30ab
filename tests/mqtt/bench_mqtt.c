/* SPDX-License-Identifier: MIT */
/*
 * MQTT benchmark (built, not registered: run it by hand on a quiet machine).
 *
 * 1. Latency from a state change in the core to the status message at a
 *    subscriber on loopback: the real controller is stepped with an
 *    out_of_service / in_service command; the clock starts just before the
 *    controller_step that changes the state and stops when the subscriber's
 *    libmosquitto thread has the retained status in hand.  p50/p90/p99/max.
 * 2. Control loop tick lateness with the controller's own thread running in
 *    real time, first quiet, then while a staff client floods the command
 *    topics as fast as it can (valid and malformed commands, QoS 0).
 *
 *   bench_mqtt [samples] [seconds-per-phase] [flood-per-s]
 *   (defaults 500, 5 and 0 = as fast as the client can publish)
 */
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mqtt_test_support.h"
#include "kiosk_side.h"
#include "sim_rig.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)ceil(p / 100.0 * (double)n);

	return v[i == 0 ? 0 : i - 1];
}

static void configure(struct kiosk_config *cfg, const struct test_broker *b)
{
	snprintf(cfg->site, sizeof(cfg->site), TEST_SITE);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/state", b->dir);
	cfg->mqtt.enabled = true;
	snprintf(cfg->mqtt.host, sizeof(cfg->mqtt.host), "127.0.0.1");
	cfg->mqtt.port = b->port;
	snprintf(cfg->mqtt.username, sizeof(cfg->mqtt.username), "kiosk");
	snprintf(cfg->mqtt.password_file, sizeof(cfg->mqtt.password_file), "%s/pw", b->dir);
	cfg->mqtt.keepalive_s = 30;
	snprintf(cfg->mqtt.discovery_prefix, sizeof(cfg->mqtt.discovery_prefix), "homeassistant");
	FILE *fp = fopen(cfg->mqtt.password_file, "w");
	if (!fp)
		abort();
	fprintf(fp, "%s\n", TEST_PW_KIOSK);
	fclose(fp);
}

static struct kiosk_side *reporter_up(struct kiosk_config *cfg, struct controller *ctl)
{
	char err[256];
	struct kiosk_side *r = kiosk_side_start(cfg, ctl, "bench", err, sizeof(err));

	if (!r) {
		fprintf(stderr, "bench: reporter: %s\n", err);
		exit(1);
	}
	return r;
}

static void bench_latency(size_t samples)
{
	static const struct sim_station_spec specs[4] = {
	    {5, SENSOR_SIM}, {5, SENSOR_SIM}, {4, SENSOR_SIM}, {3, SENSOR_NONE}};
	struct test_broker broker;
	int rc;

	if (test_broker_start(&broker, SOURCE_DIR) < 0) {
		fprintf(stderr, "bench: cannot start mosquitto\n");
		exit(1);
	}
	struct sim_rig *rig = sim_rig_new(4, specs);
	configure(&rig->cfg, &broker);
	struct test_client *sub = test_client_connect(broker.port, "viewer", TEST_PW_VIEWER, &rc);
	if (!sub || test_client_subscribe(sub, T "station/+/status") < 0)
		exit(1);
	struct kiosk_side *rep = reporter_up(&rig->cfg, rig->ctl);
	/* Let it connect and settle. */
	while (test_client_wait(sub, 0, T "station/4/status", NULL, 20, NULL) < 0)
		sim_step(rig);

	uint64_t *lat = calloc(samples, sizeof(*lat));
	for (size_t i = 0; i < samples; i++) {
		bool oos = i % 2 == 0;
		struct command cmd = sim_cmd(oos ? CMD_OUT_OF_SERVICE : CMD_IN_SERVICE, 3);
		sim_submit(rig, &cmd);
		size_t mark = test_client_count(sub);
		uint64_t t0 = test_now_us();
		sim_step(rig); /* the state changes in here */
		const struct test_msg *m = NULL;
		if (test_client_wait(sub, mark, T "station/4/status",
		                     oos ? "out_of_service" : "\"idle\"", 2000, &m) < 0) {
			fprintf(stderr, "bench: status %zu never arrived\n", i);
			exit(1);
		}
		lat[i] = m->at_us - t0;
	}
	qsort(lat, samples, sizeof(*lat), cmp_u64);
	printf("state change -> status at subscriber (loopback, %zu samples): p50 %.2f ms, p90 "
	       "%.2f ms, "
	       "p99 %.2f ms, max %.2f ms\n",
	       samples, (double)pct(lat, samples, 50) / 1000.0,
	       (double)pct(lat, samples, 90) / 1000.0, (double)pct(lat, samples, 99) / 1000.0,
	       (double)lat[samples - 1] / 1000.0);
	free(lat);
	kiosk_side_destroy(rep);
	sim_rig_free(rig);
	test_client_destroy(sub);
	test_broker_cleanup(&broker);
}

struct sampler {
	struct controller *ctl;
	volatile bool stop;
	uint64_t *lateness_us;
	size_t n, cap;
	pthread_t thread;
};

/* Samples the last tick's lateness about every tick. */
static void *sample_main(void *arg)
{
	struct sampler *s = arg;
	struct controller_stats st;
	uint64_t last_ticks = 0;

	while (!s->stop) {
		controller_get_stats(s->ctl, &st);
		if (st.ticks != last_ticks && s->n < s->cap)
			s->lateness_us[s->n++] = (uint64_t)st.last_lateness_us;
		last_ticks = st.ticks;
		poll(NULL, 0, (int)CONTROLLER_TICK_MS);
	}
	return NULL;
}

static void phase(struct controller *ctl, const char *name, unsigned int seconds,
                  struct test_client *flooder, unsigned int per_s)
{
	struct sampler s = {.ctl = ctl, .cap = 100000};
	struct controller_stats a, b;
	uint64_t sent = 0;

	s.lateness_us = calloc(s.cap, sizeof(*s.lateness_us));
	controller_get_stats(ctl, &a);
	pthread_create(&s.thread, NULL, sample_main, &s);
	uint64_t end = test_now_ms() + seconds * 1000u;
	if (flooder) {
		static const char *const payloads[] = {
		    "{\"action\":\"in_service\",\"request_id\":\"f\"}",
		    "{\"action\":\"stop\"}",
		    "garbage{{{",
		    "{\"action\":\"start\"}",
		};
		char topic[64];
		/* Bursts every 10 ms: per_s/100 messages each (or 100 when unpaced). */
		unsigned int burst = per_s ? (per_s + 99u) / 100u : 100u;
		while (test_now_ms() < end) {
			for (unsigned int k = 0; k < burst; k++, sent++) {
				snprintf(topic, sizeof(topic), T "station/%u/cmd",
				         (unsigned int)(sent % 4u) + 1u);
				const char *p = payloads[sent % 4u];
				test_client_publish(flooder, topic, p, (int)strlen(p), 0, false);
			}
			poll(NULL, 0, per_s ? 10 : 1); /* bounded loop */
		}
	} else {
		while (test_now_ms() < end)
			poll(NULL, 0, 100);
	}
	s.stop = true;
	pthread_join(s.thread, NULL);
	controller_get_stats(ctl, &b);
	qsort(s.lateness_us, s.n, sizeof(*s.lateness_us), cmp_u64);
	uint64_t ticks = b.ticks - a.ticks;
	printf("%-14s %u s: ticks %llu, late >2 ms %llu, lateness p50 %llu us, p99 %llu us, max "
	       "sampled %llu us, "
	       "max ever %.0f us, commands %llu, cpu/tick %.1f us%s",
	       name, seconds, (unsigned long long)ticks,
	       (unsigned long long)(b.late_ticks_over_2ms - a.late_ticks_over_2ms),
	       (unsigned long long)(s.n ? pct(s.lateness_us, s.n, 50) : 0),
	       (unsigned long long)(s.n ? pct(s.lateness_us, s.n, 99) : 0),
	       (unsigned long long)(s.n ? s.lateness_us[s.n - 1] : 0), b.max_lateness_us,
	       (unsigned long long)(b.commands - a.commands),
	       ticks ? (b.total_tick_cpu_us - a.total_tick_cpu_us) / (double)ticks : 0.0,
	       flooder ? "" : "\n");
	if (flooder)
		printf(", flood %llu msgs (%.0f/s)\n", (unsigned long long)sent,
		       (double)sent / seconds);
	free(s.lateness_us);
}

static void bench_lateness(unsigned int seconds, unsigned int per_s)
{
	static const struct sim_station_spec specs[4] = {
	    {5, SENSOR_SIM}, {5, SENSOR_SIM}, {4, SENSOR_SIM}, {3, SENSOR_NONE}};
	struct test_broker broker;
	int rc;

	if (test_broker_start(&broker, SOURCE_DIR) < 0)
		exit(1);
	struct sim_rig *rig = sim_rig_new(4, specs);
	configure(&rig->cfg, &broker);
	/* Swap the rig's virtual-time controller for one on the real clock. */
	controller_destroy(rig->ctl);
	struct controller_params p = {
	    .config = &rig->cfg,
	    .programs = &rig->programs,
	    .screening = &rig->screening,
	    .hw = rig->hw,
	};
	rig->ctl = controller_create(&p);
	if (!rig->ctl)
		exit(1);
	struct kiosk_side *rep = reporter_up(&rig->cfg, rig->ctl);
	if (controller_start(rig->ctl) < 0)
		exit(1);
	struct test_client *staff = test_client_connect(broker.port, "staff", TEST_PW_STAFF, &rc);
	if (!staff)
		exit(1);
	phase(rig->ctl, "quiet", seconds, NULL, 0);
	phase(rig->ctl, "command flood", seconds, staff, per_s);
	phase(rig->ctl, "quiet again", seconds, NULL, 0);
	controller_stop(rig->ctl);
	kiosk_side_destroy(rep);
	test_client_destroy(staff);
	sim_rig_free(rig);
	test_broker_cleanup(&broker);
}

int main(int argc, char **argv)
{
	size_t samples = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 500;
	unsigned int seconds = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 5;
	unsigned int per_s = argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 10) : 0;

	if (samples < 10)
		samples = 10;
	bench_latency(samples);
	bench_lateness(seconds, per_s);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internal to the reporter: the struct shared by reporter.c (lifecycle, store
 * thread) and reporter_mqtt.c (libmosquitto client and publisher thread).
 */
#ifndef KIOSK_MQTT_REPORTER_PRIVATE_H
#define KIOSK_MQTT_REPORTER_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/settings.h"
#include "core/protocol.h"
#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/reporter.h"

struct mosquitto;
struct store;

#define REPORTER_WINDOW 32u /* outbox events in flight at once */
#define REPORTER_ACKS_MAX 256u
#define REPORTER_CMD_RATE_PER_S 10.0 /* commands accepted per second, all stations */
#define REPORTER_CMD_BURST 20.0
#define REPORTER_STATUS_MIN_MS 1000u    /* running status updates at most 1/s */
#define REPORTER_IDLE_DEADBAND_MMHG 1.0 /* sensor noise on a resting station is not news */
#define REPORTER_KIOSK_STATUS_MS 60000u
#define REPORTER_FLUSH_MS 1000u

struct reporter_inflight {
	int mid; /* 0 = free slot */
	int64_t row;
};

struct reporter_station_cache {
	bool published;
	enum station_state state;
	enum fault_code fault;
	int program_index;
	uint64_t published_ms;
	double zone_mmhg[STATION_MAX_ZONES];
	double manifold_mmhg;
	char payload[MQTT_PAYLOAD_MAX];
};

struct reporter {
	const struct kiosk_config *cfg;
	struct controller *ctl;
	char version[32];
	char backend[48];
	struct store *store;
	int store_efd;     /* woken by the controller listener */
	int mqtt_efd;      /* woken by the listener, the store thread and libmosquitto callbacks */
	uint64_t start_ms; /* CLOCK_MONOTONIC at create */

	pthread_t store_thread;
	bool store_started;
	atomic_bool stop_store;
	_Atomic uint64_t persisted_cursor; /* every event with seq below it is committed */
	_Atomic uint64_t events_lost;

	/* MQTT; mosq is NULL when disabled. */
	struct mosquitto *mosq;
	bool mosq_lib;
	pthread_t net_thread; /* runs mosquitto_loop, i.e. every callback */
	bool net_started;
	atomic_bool stop_net;
	int net_efd; /* wakes the net thread's back-off wait */
	pthread_t mqtt_thread;
	bool mqtt_started;
	atomic_bool stop_mqtt;
	char password[256];
	char client_id[64];
	char t_avail[128];

	/* Written by the libmosquitto thread (callbacks), read by the publisher. */
	pthread_mutex_t lock;
	bool connected;
	unsigned int connect_gen;
	bool ha_online;
	int acked[REPORTER_ACKS_MAX];
	size_t acked_count;
	bool acked_overflow;

	/* libmosquitto thread only. */
	struct mqtt_rate_limit cmd_limit;
	uint64_t flood_dropped;
	uint64_t flood_logged_ms;
	int last_refusal;
	unsigned int net_backoff_ms;

	/* Publisher thread only. */
	unsigned int seen_gen;
	struct reporter_inflight inflight[REPORTER_WINDOW];
	int64_t last_sent_row;
	uint64_t result_cursor;
	uint64_t kiosk_status_ms;
	uint64_t snapshot_seq;
	bool statuses_forced;
	int offline_mid;
	bool offline_acked;
	struct reporter_station_cache cache[KIOSK_MAX_STATIONS];
};

/* sd-daemon priorities: journald reads "<N>" at the start of a stderr line. */
enum {
	REPORTER_LOG_ERR = 3,
	REPORTER_LOG_WARNING = 4,
	REPORTER_LOG_NOTICE = 5,
	REPORTER_LOG_INFO = 6
};
void reporter_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint64_t reporter_now_ms(void); /* CLOCK_MONOTONIC */
void reporter_wake(int efd);

/* reporter_mqtt.c */
int reporter_mqtt_create(struct reporter *r, char *err, size_t err_len);
int reporter_mqtt_start(struct reporter *r);
void reporter_mqtt_stop(struct reporter *r);
void reporter_mqtt_destroy(struct reporter *r);

#endif

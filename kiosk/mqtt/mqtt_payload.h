/* SPDX-License-Identifier: MIT */
/*
 * JSON payloads (cJSON) for every message the kiosk publishes.  None of them
 * ever carries a screening question or answer: they are built only from
 * snapshots and events, which have none.
 *
 * Pure functions, any thread.  Each writes a NUL-terminated string into buf
 * and returns its length, or -ENOSPC when buf is too small, -ENOMEM when
 * cJSON cannot allocate.
 */
#ifndef KIOSK_MQTT_PAYLOAD_H
#define KIOSK_MQTT_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define MQTT_PAYLOAD_MAX 2048u

/* recovery/<site>/station/<n>/status (docs/schemas/station-status.schema.json):
 * {"station":1,"name":"Station 1","state":"running","phase":"hold",
 *  "program":"standard","program_name":"Standard","target_mmhg":50,
 *  "duration_s":1200,"remaining_s":1100,"elapsed_s":100,"has_sensor":true,
 *  "pressure_mmhg":48.2,"zone_mmhg":[48.2,44.9,...],"fault":"none",
 *  "fault_message":"","service":null}
 * "program" is null when none is chosen; pressures are rounded to 0.1, and
 * null / [] on a station without a sensor; "service" is
 * {"reason":"repair","by":"front desk"} while out of service ("" when not
 * given). */
int mqtt_payload_station_status(char *buf, size_t len, const struct station_snapshot *st);

struct mqtt_kiosk_info {
	const char *site;
	const char *instance; /* the instance claim's id */
	const char *host;
	const char *version;
	const char *backend;
	uint64_t uptime_s;
	unsigned int station_count;
	/* The broker link. */
	const char *client_id;
	bool connected;
	bool session_present; /* the broker kept the session (queued commands) */
	uint64_t connects;    /* successful connections since start */
	/* The outbox. */
	int64_t outbox_depth;       /* events waiting; -1 when unknown */
	uint64_t refused;           /* publishes the broker refused (PUBACK >= 0x80) */
	const char *refused_topic;  /* the last one, NULL when none */
	const char *refused_reason; /* its reason string */
	uint64_t outbox_dropped;    /* undelivered events pruned past the cap */
	bool deadlines_guaranteed;  /* the control thread runs real-time */
	/* Misconfiguration seen (denied subscriptions or publishes, a session
	 * taken over): one line each with the fix. */
	const char *const *problems;
	size_t problem_count;
	/* Another kiosk claims this site: its instance and host, else NULL. */
	const char *duplicate_instance;
	const char *duplicate_host;
};
/* recovery/<site>/kiosk/status (docs/schemas/kiosk-status.schema.json). */
int mqtt_payload_kiosk_status(char *buf, size_t len, const struct mqtt_kiosk_info *info);

/* recovery/<site>/kiosk/claim (docs/schemas/kiosk-claim.schema.json):
 * {"instance":"1a2b3c4d","host":"pi-gym","client_id":"recovery-kiosk-gym1",
 *  "version":"0.1.0","since":"2025-05-01T10:00:00.123Z"} */
int mqtt_payload_claim(char *buf, size_t len, const struct mqtt_kiosk_info *info,
                       uint64_t since_wall_ms);
/* Reads a claim's instance and host.  0, or -EINVAL when it is not one. */
int mqtt_payload_claim_parse(const void *payload, size_t plen, char *instance, size_t ilen,
                             char *host, size_t hlen);

/* The event id: "<site>-<tag>-<row>" (tag: the database's instance tag). */
int mqtt_payload_event_id(char *buf, size_t len, const char *site, const char *tag, int64_t row);

/* recovery/<site>/station/<n>/event (docs/schemas/station-event.schema.json):
 * {"id":"gym1-1a2b3c4d-17","type":"session_stopped","station":1,
 *  "timestamp":"2025-05-01T10:00:00.123Z","timestamp_ms":1746093600123,
 *  "program":"standard","duration_s":1200,"elapsed_s":300,"target_mmhg":50,
 *  "reason":"staff"}
 * program fields appear when the event has a program, "reason" on
 * session_stopped, "fault"/"fault_message" on fault_raised, "service"
 * ({"reason","by"}) on out_of_service. */
int mqtt_payload_event(char *buf, size_t len, const char *id, const struct kiosk_event *ev);

/* recovery/<site>/station/<n>/cmd/result and the request's response topic
 * (docs/schemas/command-result.schema.json):
 * {"request_id":"x"|null,"action":"stop"|null,"station":1|null,"ok":true,
 *  "status":"ok","message":"...","duplicate":false} */
struct mqtt_result {
	const char *request_id; /* NULL or "" = null */
	const char *action;     /* NULL = null */
	unsigned int station;   /* 1..8, 0 = null */
	bool ok;
	const char *status;
	const char *message;
	bool duplicate; /* answered from the kept result of an earlier delivery */
};
int mqtt_payload_command_result(char *buf, size_t len, const struct mqtt_result *r);

/* Prints root compactly into buf and frees root.  Length, or -ENOSPC /
 * -ENOMEM (root NULL). */
struct cJSON;
int mqtt_payload_print(struct cJSON *root, char *buf, size_t len);

#endif

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

/* recovery/<site>/station-<n>/status:
 * {"station":1,"name":"Station 1","state":"running","phase":"hold",
 *  "program":"standard","program_name":"Standard","target_mmhg":50,
 *  "duration_s":1200,"remaining_s":1100,"elapsed_s":100,"pressure_mmhg":48.2,
 *  "zone_mmhg":[48.2,44.9,...],"fault":"none","fault_message":""}
 * "program" is null when none is chosen; pressures are rounded to 0.1. */
int mqtt_payload_station_status(char *buf, size_t len, const struct station_snapshot *st);

struct mqtt_kiosk_info {
	const char *site;
	const char *version;
	const char *backend;
	uint64_t uptime_s;
	unsigned int station_count;
};
/* recovery/<site>/kiosk/status:
 * {"site":"gym1","version":"0.1.0","uptime_s":12,"stations":2,"backend":"simulator"} */
int mqtt_payload_kiosk_status(char *buf, size_t len, const struct mqtt_kiosk_info *info);

/* The event id: "<site>-<tag>-<row>" (tag: the database's instance tag). */
int mqtt_payload_event_id(char *buf, size_t len, const char *site, const char *tag, int64_t row);

/* recovery/<site>/station-<n>/event:
 * {"id":"gym1-1a2b3c4d-17","type":"session_stopped","station":1,
 *  "timestamp":"2025-05-01T10:00:00.123Z","timestamp_ms":1746093600123,
 *  "program":"standard","duration_s":1200,"elapsed_s":300,"target_mmhg":50,
 *  "reason":"staff"}
 * program fields appear when the event has a program, "reason" on
 * session_stopped, "fault"/"fault_message" on fault_raised. */
int mqtt_payload_event(char *buf, size_t len, const char *id, const struct kiosk_event *ev);

/* recovery/<site>/station-<n>/cmd/result:
 * {"request_id":"x"|null,"action":"stop"|null,"ok":true,"status":"ok","message":"..."} */
int mqtt_payload_command_result(char *buf, size_t len, const char *request_id, const char *action,
                                bool ok, const char *status, const char *message);

/* Prints root compactly into buf and frees root.  Length, or -ENOSPC /
 * -ENOMEM (root NULL). */
struct cJSON;
int mqtt_payload_print(struct cJSON *root, char *buf, size_t len);

#endif

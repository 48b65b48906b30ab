/* SPDX-License-Identifier: MIT */
/*
 * Home Assistant MQTT discovery: the retained config payloads that make the
 * kiosk and each station a device with its entities, and the empty
 * retained payloads that remove what is no longer there (a station taken
 * out of kiosk.conf, the pressure entity of a station without a sensor).
 *
 * Per station n (device "recovery_<site>_station_<n>", via the kiosk):
 *   sensor state (enum), remaining (duration), pressure (only with a
 *   sensor); binary_sensor fault; select service (in service / out of
 *   service with a reason); buttons stop, reset_fault, cleaned (QoS 1, a
 *   fresh request id per press); events session, fault, command (the
 *   results of commands).  Available while both the kiosk and the station
 *   say "online".
 * The kiosk (device "recovery_<site>_kiosk"): uptime, broker link, outbox
 * depth, refused publishes, deadlines, second kiosk, configuration
 * problems, version.
 *
 * Pure functions, any thread.
 */
#ifndef KIOSK_MQTT_DISCOVERY_H
#define KIOSK_MQTT_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "mqtt/mqtt_topic.h"

#define MQTT_DISCOVERY_STATION_ITEMS 11u
#define MQTT_DISCOVERY_KIOSK_ITEMS 8u
#define MQTT_DISCOVERY_PAYLOAD_MAX 4096u

struct mqtt_discovery_station {
	bool present; /* configured now */
	const char *name;
	bool has_sensor;
};

struct mqtt_discovery_site {
	const char *prefix; /* "homeassistant" */
	const char *site;
	const char *version;
	struct mqtt_discovery_station stations[MQTT_STATIONS_MAX]; /* slot n-1 */
};

/* Calls fn for every discovery topic of the site: the kiosk's entities,
 * then for n = 1..8 each station entity, with its config payload, or with
 * len 0 (an empty retained payload: remove it) for a station slot not
 * present and the pressure entity of a station without a sensor.  Stops at
 * the first fn < 0 and returns it; 0 when all went, -ENOSPC /
 * -ENAMETOOLONG when a payload or topic does not fit. */
int mqtt_discovery_foreach(const struct mqtt_discovery_site *d,
                           int (*fn)(void *ctx, const char *topic, const char *payload, size_t len),
                           void *ctx);

/* The "status" values a command result can carry (the command event's
 * event_types), NULL-terminated. */
extern const char *const mqtt_discovery_result_statuses[];

#endif

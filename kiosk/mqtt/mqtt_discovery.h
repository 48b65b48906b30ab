/* SPDX-License-Identifier: MIT */
/*
 * Home Assistant MQTT discovery: the retained config payloads that make each
 * station a device with its entities.
 *
 * Pure functions, any thread.
 */
#ifndef KIOSK_MQTT_DISCOVERY_H
#define KIOSK_MQTT_DISCOVERY_H

#include <stddef.h>

/* Each station is one device with MQTT_DISCOVERY_ITEMS entities: sensors
 * state, remaining, pressure; binary sensor fault; buttons stop,
 * reset_fault, cleaned. */
#define MQTT_DISCOVERY_ITEMS 7u

struct mqtt_discovery_params {
	const char *prefix; /* "homeassistant" */
	const char *site;
	const char *version;
	unsigned int index;       /* station index */
	const char *station_name; /* "Station 1" */
};

/* Topic and retained config payload of entity item (0..MQTT_DISCOVERY_ITEMS-1).
 * Returns the payload length, or -ENOSPC / -ENAMETOOLONG / -EINVAL. */
int mqtt_discovery_item(const struct mqtt_discovery_params *p, unsigned int item, char *topic,
                        size_t topic_len, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Topic names.  Everything lives under recovery/<site>/:
 *   recovery/<site>/availability             retained "online" / "offline" (last will)
 *   recovery/<site>/kiosk/status             retained kiosk status
 *   recovery/<site>/station-<n>/status       retained station status
 *   recovery/<site>/station-<n>/event        QoS 1 events
 *   recovery/<site>/station-<n>/cmd          staff commands in
 *   recovery/<site>/station-<n>/cmd/result   command results out
 * <n> is the station index + 1 (station-1 .. station-8), whatever the
 * station's display name, so topics never change when a station is renamed.
 *
 * Pure functions, any thread.  Builders return the length written, or
 * -ENAMETOOLONG when buf is too small (buf then holds a truncated string).
 */
#ifndef KIOSK_MQTT_TOPIC_H
#define KIOSK_MQTT_TOPIC_H

#include <stddef.h>

#define MQTT_TOPIC_ROOT "recovery"
#define MQTT_TOPIC_MAX 192

/* recovery/<site>/station-<index+1>/<leaf> */
int mqtt_topic_station(char *buf, size_t len, const char *site, unsigned int index,
                       const char *leaf);
/* recovery/<site>/<leaf> */
int mqtt_topic_site(char *buf, size_t len, const char *site, const char *leaf);
/* The "station-<n>" segment alone (also the Home Assistant object id part). */
int mqtt_topic_station_slug(char *buf, size_t len, unsigned int index);

/* If topic is recovery/<site>/station-<n>/cmd, store n-1 in *index and
 * return 0.  -ENOENT when it names station-<n> with n outside
 * 1..station_count (or a malformed station segment); -EINVAL for any other
 * topic. */
int mqtt_topic_parse_cmd(const char *topic, const char *site, unsigned int station_count,
                         unsigned int *index);

#endif

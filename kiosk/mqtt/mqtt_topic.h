/* SPDX-License-Identifier: MIT */
/*
 * Topic names.  Everything lives under recovery/<site>/, and one level of
 * '+' never mixes kiosk and station payloads:
 *   recovery/<site>/station/<n>/status        retained station status (JSON)
 *   recovery/<site>/station/<n>/event         events, QoS 1, not retained
 *   recovery/<site>/station/<n>/availability  retained "online" / "offline"
 *   recovery/<site>/station/<n>/cmd           staff commands in
 *   recovery/<site>/station/<n>/cmd/result    command results out
 *   recovery/<site>/station/<n>/usage         retained usage summary (JSON)
 *   recovery/<site>/station/<n>/summary       one per finished session, QoS 1
 *   recovery/<site>/kiosk/status              retained kiosk status (JSON)
 *   recovery/<site>/kiosk/availability        retained "online" / "offline" (last will)
 *   recovery/<site>/kiosk/claim               retained instance claim (JSON)
 *   recovery/<site>/kiosk/history             MQTT 5 history queries in
 * <n> is the station's position in kiosk.conf, 1..8.  docs/MQTT.md is the
 * contract.
 *
 * Pure functions, any thread.  Builders return the length written, or
 * -ENAMETOOLONG when buf is too small (buf then holds a truncated string).
 */
#ifndef KIOSK_MQTT_TOPIC_H
#define KIOSK_MQTT_TOPIC_H

#include <stddef.h>

#define MQTT_TOPIC_ROOT "recovery"
#define MQTT_TOPIC_MAX 192
#define MQTT_STATIONS_MAX 8u /* n runs 1..MQTT_STATIONS_MAX */

/* recovery/<site>/station/<index+1>/<leaf> */
int mqtt_topic_station(char *buf, size_t len, const char *site, unsigned int index,
                       const char *leaf);
/* recovery/<site>/kiosk/<leaf> */
int mqtt_topic_kiosk(char *buf, size_t len, const char *site, const char *leaf);
/* recovery/<site>/<leaf> */
int mqtt_topic_site(char *buf, size_t len, const char *site, const char *leaf);

/* If topic is recovery/<site>/station/<n>/cmd, store n-1 in *index and
 * return 0.  -ENOENT when it names station/<n>/cmd with n outside
 * 1..station_count (or a malformed n); -EINVAL for any other topic. */
int mqtt_topic_parse_cmd(const char *topic, const char *site, unsigned int station_count,
                         unsigned int *index);

#endif

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_topic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int finish(int n, size_t len)
{
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return n;
}

int mqtt_topic_station(char *buf, size_t len, const char *site, unsigned int index,
                       const char *leaf)
{
	return finish(
	    snprintf(buf, len, MQTT_TOPIC_ROOT "/%s/station/%u/%s", site, index + 1u, leaf), len);
}

int mqtt_topic_kiosk(char *buf, size_t len, const char *site, const char *leaf)
{
	return finish(snprintf(buf, len, MQTT_TOPIC_ROOT "/%s/kiosk/%s", site, leaf), len);
}

int mqtt_topic_site(char *buf, size_t len, const char *site, const char *leaf)
{
	return finish(snprintf(buf, len, MQTT_TOPIC_ROOT "/%s/%s", site, leaf), len);
}

int mqtt_topic_parse_cmd(const char *topic, const char *site, unsigned int station_count,
                         unsigned int *index)
{
	static const char root[] = MQTT_TOPIC_ROOT "/";
	static const char station[] = "station/";
	size_t site_len = strlen(site);
	const char *p = topic;

	if (strncmp(p, root, sizeof(root) - 1) != 0)
		return -EINVAL;
	p += sizeof(root) - 1;
	if (strncmp(p, site, site_len) != 0 || p[site_len] != '/')
		return -EINVAL;
	p += site_len + 1;
	if (strncmp(p, station, sizeof(station) - 1) != 0)
		return -EINVAL;
	p += sizeof(station) - 1;

	const char *slash = strchr(p, '/');
	if (!slash || strcmp(slash, "/cmd") != 0)
		return -EINVAL;

	/* 1..station_count, decimal, no sign, no leading zero. */
	unsigned int n = 0;
	if (p == slash || *p == '0')
		return -ENOENT;
	for (; p < slash; p++) {
		if (*p < '0' || *p > '9' || n > 1000u)
			return -ENOENT;
		n = n * 10u + (unsigned int)(*p - '0');
	}
	if (n < 1u || n > station_count)
		return -ENOENT;
	*index = n - 1u;
	return 0;
}

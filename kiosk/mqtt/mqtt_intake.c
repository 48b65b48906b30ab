/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_intake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/controller.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_payload.h"
#include "mqtt/mqtt_topic.h"

#define INTAKE_RATE_PER_S 10.0 /* commands accepted per second, all stations */
#define INTAKE_BURST 20.0

struct mqtt_intake {
	struct mqtt_intake_params p;
	struct mqtt_rate_limit limit;
	uint64_t flood_dropped;
	uint64_t flood_logged_ms;
};

struct mqtt_intake *mqtt_intake_create(const struct mqtt_intake_params *p)
{
	struct mqtt_intake *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->p = *p;
	mqtt_rate_limit_init(&in->limit, INTAKE_RATE_PER_S, INTAKE_BURST);
	return in;
}

void mqtt_intake_destroy(struct mqtt_intake *in)
{
	free(in);
}

void mqtt_intake_on_connect(struct mqtt_intake *in)
{
	char topic[MQTT_TOPIC_MAX];

	if (mqtt_topic_site(topic, sizeof(topic), in->p.config->site, "+/cmd") >= 0)
		mqtt_client_subscribe(in->p.client, topic, NULL);
}

static void publish_error(struct mqtt_intake *in, const char *cmd_topic, const char *request_id,
                          const char *action, const char *status, const char *message)
{
	char topic[MQTT_TOPIC_MAX + 8];
	char payload[MQTT_PAYLOAD_MAX];
	int n;

	if ((size_t)snprintf(topic, sizeof(topic), "%s/result", cmd_topic) >= sizeof(topic))
		return;
	n = mqtt_payload_command_result(payload, sizeof(payload), request_id, action, false, status,
	                                message);
	if (n <= 0)
		return;
	struct mqtt_outbound m = {.topic = topic, .payload = payload, .len = (size_t)n, .qos = 1};
	mqtt_client_publish(in->p.client, &m, NULL);
}

/* A topic fit for a log line: printable ASCII only, bounded. */
static const char *printable(const char *topic, char *buf, size_t len)
{
	size_t i = 0;

	for (; topic[i] && i + 1 < len; i++)
		buf[i] = topic[i] >= 0x20 && topic[i] < 0x7f ? topic[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* A flood: true when this command is to be dropped without a reply; one log
 * line when the flood starts, then at most one a second with the count. */
static bool flood_drop(struct mqtt_intake *in, uint64_t now)
{
	if (mqtt_rate_limit_take(&in->limit, now))
		return false;
	if (in->flood_dropped == 0 && now - in->flood_logged_ms >= 1000u) {
		mqtt_log(MQTT_LOG_WARNING, "command flood: dropping commands above %.0f/s",
		         INTAKE_RATE_PER_S);
		in->flood_logged_ms = now;
	} else if (now - in->flood_logged_ms >= 1000u) {
		mqtt_log(MQTT_LOG_WARNING,
		         "command flood: dropped %llu commands in the last %.1f s",
		         (unsigned long long)in->flood_dropped,
		         (double)(now - in->flood_logged_ms) / 1000.0);
		in->flood_logged_ms = now;
		in->flood_dropped = 0;
	}
	in->flood_dropped++;
	return true;
}

bool mqtt_intake_on_message(struct mqtt_intake *in, const struct mqtt_inbound *msg)
{
	const struct kiosk_config *cfg = in->p.config;
	char shown[96];
	struct mqtt_command_request req;
	struct command cmd;
	unsigned int station;
	char why[200];
	uint64_t now = mqtt_now_ms();
	int rc;

	rc =
	    mqtt_topic_parse_cmd(msg->topic, cfg->site, (unsigned int)cfg->station_count, &station);
	if (rc == -EINVAL)
		return false;
	enum mqtt_command_error perr =
	    mqtt_command_parse(msg->payload, msg->len, &req, why, sizeof(why));
	/* A stop is never rate-limited: a flood of junk on the command topics
	 * must not keep staff from stopping a station.  Stops are idempotent,
	 * and the controller's bounded queue still caps them. */
	if (!(perr == MQTT_CMD_OK && req.action == CMD_STOP) && flood_drop(in, now))
		return true;
	if (perr != MQTT_CMD_OK) {
		mqtt_log(MQTT_LOG_NOTICE, "rejected a command on %s: %s",
		         printable(msg->topic, shown, sizeof(shown)),
		         mqtt_command_error_name(perr));
		publish_error(in, msg->topic, req.request_id, NULL, mqtt_command_error_name(perr),
		              why);
		return true;
	}
	if (rc == -ENOENT) {
		mqtt_log(MQTT_LOG_NOTICE, "rejected a command on %s: no such station",
		         printable(msg->topic, shown, sizeof(shown)));
		snprintf(why, sizeof(why), "no such station; use station-1 .. station-%zu",
		         cfg->station_count);
		publish_error(in, msg->topic, req.request_id, command_action_name(req.action),
		              "unknown_station", why);
		return true;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.action = req.action;
	cmd.source = SOURCE_MQTT;
	cmd.station = station;
	memcpy(cmd.request_id, req.request_id, sizeof(cmd.request_id));
	rc = controller_submit(in->p.controller, &cmd);
	if (rc < 0) {
		enum command_status st = rc == -EAGAIN ? CMD_ERR_QUEUE_FULL : CMD_ERR_BAD_ARGUMENT;
		publish_error(in, msg->topic, req.request_id, command_action_name(req.action),
		              command_status_name(st), command_status_message(st));
	}
	/* Otherwise the result arrives as EVENT_COMMAND_RESULT. */
	return true;
}

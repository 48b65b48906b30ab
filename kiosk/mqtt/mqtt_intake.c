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
#include "store/event_log.h"
#include "store/store.h"

#define INTAKE_RATE_PER_S 10.0 /* commands accepted per second, all stations */
#define INTAKE_BURST 20.0
#define INTAKE_EVENTS 64u

struct mqtt_intake {
	struct mqtt_intake_params p;
	struct mqtt_rate_limit limit;
	uint64_t flood_dropped;
	uint64_t flood_logged_ms;
	uint64_t cursor; /* over the controller's event stream */
	/* Its own read-only connection for the repeat check, so a command
	 * (a stop) never waits behind the event log's commit and fsync; the
	 * event log's connection when it cannot be opened. */
	struct store *reader;
	struct kiosk_event events[INTAKE_EVENTS];
};

/* Where and how one command is answered. */
struct reply {
	const char *cmd_topic;
	const char *response_topic; /* NULL: cmd/result only */
	const void *correlation;
	uint16_t correlation_len;
	unsigned int station; /* 1..8, 0 unknown */
	const char *request_id;
	const char *action;
};

struct mqtt_intake *mqtt_intake_create(const struct mqtt_intake_params *p)
{
	struct mqtt_intake *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->p = *p;
	mqtt_rate_limit_init(&in->limit, INTAKE_RATE_PER_S, INTAKE_BURST);
	if (p->log) {
		char err[300];
		in->reader = store_open_reader(event_log_store(p->log), err, sizeof(err));
		if (!in->reader)
			mqtt_log(MQTT_LOG_WARNING,
			         "%s; repeated commands are checked on the event log's connection",
			         err);
	}
	return in;
}

void mqtt_intake_destroy(struct mqtt_intake *in)
{
	if (in)
		store_close(in->reader);
	free(in);
}

static struct store *lookup_store(struct mqtt_intake *in)
{
	return in->reader ? in->reader : event_log_store(in->p.log);
}

void mqtt_intake_on_connect(struct mqtt_intake *in)
{
	char topic[MQTT_TOPIC_MAX];

	if (mqtt_topic_site(topic, sizeof(topic), in->p.config->site, "station/+/cmd") >= 0)
		mqtt_client_subscribe(in->p.client, topic, false, NULL);
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

/* A response topic we may publish to: no wildcard, not empty, bounded. */
static bool response_topic_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	return n > 0 && n < MQTT_TOPIC_MAX && !strpbrk(t, "+#");
}

static void answer(struct mqtt_intake *in, const struct reply *r, bool ok, const char *status,
                   const char *message, bool duplicate)
{
	char topic[MQTT_TOPIC_MAX + 8], payload[MQTT_PAYLOAD_MAX];
	struct mqtt_result res = {
	    .request_id = r->request_id,
	    .action = r->action,
	    .station = r->station,
	    .ok = ok,
	    .status = status,
	    .message = message,
	    .duplicate = duplicate,
	};
	int n = mqtt_payload_command_result(payload, sizeof(payload), &res);

	if (n <= 0)
		return;
	struct mqtt_outbound m = {
	    .payload = payload,
	    .len = (size_t)n,
	    .qos = 1,
	    .expiry_s = MQTT_INTAKE_RESULT_EXPIRY_S,
	    .json = true,
	};
	if ((size_t)snprintf(topic, sizeof(topic), "%s/result", r->cmd_topic) < sizeof(topic)) {
		m.topic = topic;
		mqtt_client_publish(in->p.client, &m, NULL);
	}
	if (r->response_topic) {
		m.topic = r->response_topic;
		m.correlation = r->correlation;
		m.correlation_len = r->correlation_len;
		mqtt_client_publish(in->p.client, &m, NULL);
	}
}

/* A flood: true when this command is to be turned away; one log line when
 * the flood starts, then at most one a second with the count. */
static bool flood(struct mqtt_intake *in, uint64_t now)
{
	if (mqtt_rate_limit_take(&in->limit, now))
		return false;
	if (in->flood_dropped == 0 && now - in->flood_logged_ms >= 1000u) {
		mqtt_log(MQTT_LOG_WARNING, "command flood: refusing commands above %.0f/s",
		         INTAKE_RATE_PER_S);
		in->flood_logged_ms = now;
	} else if (now - in->flood_logged_ms >= 1000u) {
		mqtt_log(MQTT_LOG_WARNING,
		         "command flood: refused %llu commands in the last %.1f s",
		         (unsigned long long)in->flood_dropped,
		         (double)(now - in->flood_logged_ms) / 1000.0);
		in->flood_logged_ms = now;
		in->flood_dropped = 0;
	}
	in->flood_dropped++;
	return true;
}

/* Reads the controller's events up to now; returns the result of cmd when
 * among them (and its seq in *seq). */
static const struct kiosk_event *scan(struct mqtt_intake *in, const struct command *cmd,
                                      size_t *count)
{
	uint64_t lost = 0;
	size_t n =
	    controller_events_read(in->p.controller, &in->cursor, in->events, INTAKE_EVENTS, &lost);

	*count = n;
	for (size_t i = 0; cmd && i < n; i++) {
		const struct kiosk_event *e = &in->events[i];
		if (e->kind == EVENT_COMMAND_RESULT && e->source == SOURCE_MQTT &&
		    e->station == cmd->station && e->action == cmd->action &&
		    strncmp(e->request_id, cmd->request_id, sizeof(e->request_id)) == 0)
			return e;
	}
	return NULL;
}

/* Submits cmd, waits for its result and for the log to have it on disk,
 * and answers. */
static void execute(struct mqtt_intake *in, const struct reply *r, const struct command *cmd)
{
	size_t n;
	uint64_t until = mqtt_now_ms() + MQTT_INTAKE_WAIT_MS;
	const struct kiosk_event *res = NULL;

	/* Everything before the command is of no interest. */
	do
		scan(in, NULL, &n);
	while (n == INTAKE_EVENTS);
	int rc = controller_submit(in->p.controller, cmd);
	if (rc < 0) {
		enum command_status st = rc == -EAGAIN ? CMD_ERR_QUEUE_FULL : CMD_ERR_BAD_ARGUMENT;
		answer(in, r, false, command_status_name(st), command_status_message(st), false);
		return;
	}
	for (;;) {
		res = scan(in, cmd, &n);
		if (res)
			break;
		if (n == INTAKE_EVENTS)
			continue;
		uint64_t now = mqtt_now_ms();
		if (now >= until || event_log_wait_persisted(in->p.log, in->cursor,
		                                             (unsigned int)(until - now)) < 0)
			break;
	}
	if (!res) {
		mqtt_log(MQTT_LOG_ERR, "the controller did not answer a %s within %u ms", r->action,
		         MQTT_INTAKE_WAIT_MS);
		answer(in, r, false, "timeout", "the controller did not answer; try again", false);
		return;
	}
	struct kiosk_event copy = *res;
	uint64_t now = mqtt_now_ms();
	if (event_log_wait_persisted(in->p.log, copy.seq,
	                             now < until ? (unsigned int)(until - now) : 1u) < 0)
		mqtt_log(MQTT_LOG_WARNING,
		         "answering a %s before its events are on disk: the database is slow or "
		         "failing",
		         r->action);
	answer(in, r, copy.status == CMD_OK, command_status_name(copy.status),
	       command_status_message(copy.status), false);
}

/* A request id done within MQTT_INTAKE_DEDUPE_MS: the first result again. */
static bool answered_before(struct mqtt_intake *in, const struct reply *r,
                            const struct command *cmd)
{
	struct store_command kept;

	if (!cmd->request_id[0] ||
	    store_command_lookup(lookup_store(in), cmd->request_id, &kept) != 1 ||
	    kept.station != cmd->station || kept.action != cmd->action ||
	    mqtt_wall_ms() - kept.wall_ms > MQTT_INTAKE_DEDUPE_MS)
		return false;
	mqtt_log(MQTT_LOG_NOTICE, "command %s delivered again: answering its first result",
	         cmd->request_id);
	answer(in, r, kept.status == CMD_OK, command_status_name(kept.status),
	       command_status_message(kept.status), true);
	return true;
}

bool mqtt_intake_on_message(struct mqtt_intake *in, const struct mqtt_inbound *msg)
{
	const struct kiosk_config *cfg = in->p.config;
	struct mqtt_command_request req;
	unsigned int station = 0;
	char why[200], shown[96];
	int rc;

	rc =
	    mqtt_topic_parse_cmd(msg->topic, cfg->site, (unsigned int)cfg->station_count, &station);
	if (rc == -EINVAL)
		return false;
	enum mqtt_command_error perr =
	    mqtt_command_parse(msg->payload, msg->len, &req, why, sizeof(why));
	struct reply r = {
	    .cmd_topic = msg->topic,
	    .response_topic = response_topic_ok(msg->response_topic) ? msg->response_topic : NULL,
	    .correlation = msg->correlation,
	    .correlation_len = msg->correlation_len,
	    .station = rc == 0 ? station + 1u : 0u,
	    .request_id = req.request_id,
	    .action = perr == MQTT_CMD_OK ? command_action_name(req.action) : NULL,
	};
	printable(msg->topic, shown, sizeof(shown));
	/* A stop is never turned away for the rate: a flood of junk on the
	 * command topics must not keep staff from stopping a station.  Junk in
	 * a flood gets no answer, a command gets "rate_limited". */
	if (!(perr == MQTT_CMD_OK && req.action == CMD_STOP) && flood(in, mqtt_now_ms())) {
		if (perr == MQTT_CMD_OK)
			answer(in, &r, false, "rate_limited",
			       "too many commands; send it again in a second", false);
		return true;
	}
	if (msg->retain) {
		mqtt_log(MQTT_LOG_WARNING,
		         "refused a retained command on %s: commands must be sent without the "
		         "retain flag (clear it with an empty retained message)",
		         shown);
		answer(in, &r, false, "retained_refused",
		       "a retained command is never executed; send it without retain and clear "
		       "the retained one",
		       false);
		return true;
	}
	if (perr != MQTT_CMD_OK) {
		mqtt_log(MQTT_LOG_NOTICE, "rejected a command on %s: %s", shown,
		         mqtt_command_error_name(perr));
		answer(in, &r, false, mqtt_command_error_name(perr), why, false);
		return true;
	}
	if (rc == -ENOENT) {
		mqtt_log(MQTT_LOG_NOTICE, "rejected a command on %s: no such station", shown);
		snprintf(why, sizeof(why), "no such station; use station/1 .. station/%zu",
		         cfg->station_count);
		answer(in, &r, false, "unknown_station", why, false);
		return true;
	}
	if ((msg->has_expiry && msg->expiry_s == 0) || mqtt_command_expired(&req, mqtt_wall_ms())) {
		mqtt_log(MQTT_LOG_NOTICE, "refused an expired %s on %s", r.action, shown);
		answer(in, &r, false, "expired", "the command expired before it arrived; not done",
		       false);
		return true;
	}
	struct command cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.action = req.action;
	cmd.source = SOURCE_MQTT;
	cmd.station = station;
	memcpy(cmd.request_id, req.request_id, sizeof(cmd.request_id));
	memcpy(cmd.note, req.note, sizeof(cmd.note));
	memcpy(cmd.by, req.by[0] ? req.by : "mqtt", req.by[0] ? sizeof(cmd.by) : 5u);
	if (answered_before(in, &r, &cmd))
		return true;
	execute(in, &r, &cmd);
	return true;
}

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_payload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mqtt/mqtt_topic.h"

static const char *phase_name(enum session_phase p)
{
	switch (p) {
	case PHASE_FILL:
		return "fill";
	case PHASE_HOLD:
		return "hold";
	case PHASE_RELEASE:
		return "release";
	case PHASE_REST:
		return "rest";
	case PHASE_NONE:
		break;
	}
	return "none";
}

static double tenth(double v)
{
	if (!isfinite(v))
		return 0.0;
	return round(v * 10.0) / 10.0;
}

int mqtt_payload_print(struct cJSON *root, char *buf, size_t len)
{
	int rc;

	if (!root)
		return -ENOMEM;
	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	/* cJSON wants 5 spare bytes to be sure a number fits. */
	if (len > 5 && cJSON_PrintPreallocated(root, buf, (int)len - 5, 0))
		rc = (int)strlen(buf);
	else
		rc = -ENOSPC;
	cJSON_Delete(root);
	if (rc < 0 && len)
		buf[0] = '\0';
	return rc;
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_service(cJSON *o, const char *note, const char *by)
{
	cJSON *sv = cJSON_AddObjectToObject(o, "service");

	if (!sv)
		return;
	cJSON_AddStringToObject(sv, "reason", note);
	cJSON_AddStringToObject(sv, "by", by);
}

int mqtt_payload_station_status(char *buf, size_t len, const struct station_snapshot *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *zones;
	double peak = st->manifold_mmhg;
	size_t nz = st->zone_count <= STATION_MAX_ZONES ? st->zone_count : STATION_MAX_ZONES;

	if (!o)
		return -ENOMEM;
	cJSON_AddNumberToObject(o, "station", st->index + 1u);
	cJSON_AddStringToObject(o, "name", st->name);
	cJSON_AddStringToObject(o, "state", station_state_name(st->state));
	cJSON_AddStringToObject(o, "phase", phase_name(st->phase));
	add_string_or_null(o, "program", st->program_index >= 0 ? st->program_id : NULL);
	add_string_or_null(o, "program_name", st->program_index >= 0 ? st->program_name : NULL);
	cJSON_AddNumberToObject(o, "target_mmhg", tenth(st->target_mmhg));
	cJSON_AddNumberToObject(o, "duration_s", st->duration_s);
	cJSON_AddNumberToObject(o, "remaining_s", st->remaining_s);
	cJSON_AddNumberToObject(o, "elapsed_s", st->elapsed_s);
	cJSON_AddBoolToObject(o, "has_sensor", st->has_sensor);
	zones = cJSON_AddArrayToObject(o, "zone_mmhg");
	for (size_t i = 0; zones && st->has_sensor && i < nz; i++) {
		cJSON_AddItemToArray(zones, cJSON_CreateNumber(tenth(st->zone_mmhg[i])));
		if (st->zone_mmhg[i] > peak)
			peak = st->zone_mmhg[i];
	}
	/* No sensor, no reading: never a made-up 0 mmHg. */
	if (st->has_sensor)
		cJSON_AddNumberToObject(o, "pressure_mmhg", tenth(peak));
	else
		cJSON_AddNullToObject(o, "pressure_mmhg");
	cJSON_AddStringToObject(o, "fault", fault_code_name(st->fault));
	cJSON_AddStringToObject(o, "fault_message",
	                        st->fault == FAULT_NONE ? "" : st->fault_message);
	if (st->state == STATION_OUT_OF_SERVICE)
		add_service(o, st->service_note, st->service_by);
	else
		cJSON_AddNullToObject(o, "service");
	return mqtt_payload_print(o, buf, len);
}

static void iso8601(char *out, size_t len, uint64_t wall_ms);

int mqtt_payload_kiosk_status(char *buf, size_t len, const struct mqtt_kiosk_info *info)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *b, *ob, *pr;

	if (!o)
		return -ENOMEM;
	cJSON_AddStringToObject(o, "site", info->site);
	cJSON_AddStringToObject(o, "instance", info->instance ? info->instance : "");
	cJSON_AddStringToObject(o, "host", info->host ? info->host : "");
	cJSON_AddStringToObject(o, "version", info->version ? info->version : "");
	cJSON_AddStringToObject(o, "backend", info->backend ? info->backend : "");
	cJSON_AddNumberToObject(o, "uptime_s", (double)info->uptime_s);
	cJSON_AddNumberToObject(o, "stations", info->station_count);
	b = cJSON_AddObjectToObject(o, "broker");
	if (b) {
		cJSON_AddBoolToObject(b, "connected", info->connected);
		cJSON_AddStringToObject(b, "client_id", info->client_id ? info->client_id : "");
		cJSON_AddBoolToObject(b, "session_present", info->session_present);
		cJSON_AddNumberToObject(b, "connects", (double)info->connects);
	}
	ob = cJSON_AddObjectToObject(o, "outbox");
	if (ob) {
		if (info->outbox_depth >= 0)
			cJSON_AddNumberToObject(ob, "depth", (double)info->outbox_depth);
		else
			cJSON_AddNullToObject(ob, "depth");
		cJSON_AddNumberToObject(ob, "refused", (double)info->refused);
		if (info->refused_topic) {
			cJSON *last = cJSON_AddObjectToObject(ob, "last_refused");
			if (last) {
				cJSON_AddStringToObject(last, "topic", info->refused_topic);
				cJSON_AddStringToObject(last, "reason",
				                        info->refused_reason ? info->refused_reason
				                                             : "");
			}
		} else {
			cJSON_AddNullToObject(ob, "last_refused");
		}
		cJSON_AddNumberToObject(ob, "dropped", (double)info->outbox_dropped);
	}
	cJSON_AddBoolToObject(o, "deadlines_guaranteed", info->deadlines_guaranteed);
	pr = cJSON_AddArrayToObject(o, "problems");
	for (size_t i = 0; pr && i < info->problem_count; i++)
		cJSON_AddItemToArray(pr, cJSON_CreateString(info->problems[i]));
	if (info->duplicate_instance) {
		cJSON *d = cJSON_AddObjectToObject(o, "duplicate");
		if (d) {
			cJSON_AddStringToObject(d, "instance", info->duplicate_instance);
			cJSON_AddStringToObject(d, "host",
			                        info->duplicate_host ? info->duplicate_host : "");
		}
	} else {
		cJSON_AddNullToObject(o, "duplicate");
	}
	return mqtt_payload_print(o, buf, len);
}

int mqtt_payload_claim(char *buf, size_t len, const struct mqtt_kiosk_info *info,
                       uint64_t since_wall_ms)
{
	cJSON *o = cJSON_CreateObject();
	char since[40];

	if (!o)
		return -ENOMEM;
	iso8601(since, sizeof(since), since_wall_ms);
	cJSON_AddStringToObject(o, "instance", info->instance ? info->instance : "");
	cJSON_AddStringToObject(o, "host", info->host ? info->host : "");
	cJSON_AddStringToObject(o, "client_id", info->client_id ? info->client_id : "");
	cJSON_AddStringToObject(o, "version", info->version ? info->version : "");
	cJSON_AddStringToObject(o, "since", since);
	return mqtt_payload_print(o, buf, len);
}

int mqtt_payload_claim_parse(const void *payload, size_t plen, char *instance, size_t ilen,
                             char *host, size_t hlen)
{
	cJSON *o = plen ? cJSON_ParseWithLength(payload, plen) : NULL;
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(o, "instance");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "host");
	int rc = -EINVAL;

	if (cJSON_IsString(i) && i->valuestring[0]) {
		snprintf(instance, ilen, "%s", i->valuestring);
		snprintf(host, hlen, "%s", cJSON_IsString(h) ? h->valuestring : "");
		rc = 0;
	}
	cJSON_Delete(o);
	return rc;
}

int mqtt_payload_event_id(char *buf, size_t len, const char *site, const char *tag, int64_t row)
{
	int n = snprintf(buf, len, "%s-%s-%lld", site, tag, (long long)row);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

static void iso8601(char *out, size_t len, uint64_t wall_ms)
{
	time_t secs = (time_t)(wall_ms / 1000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(out, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 || n >= len) {
		snprintf(out, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out + n, len - n, ".%03uZ", (unsigned int)(wall_ms % 1000u));
}

int mqtt_payload_event(char *buf, size_t len, const char *id, const struct kiosk_event *ev)
{
	cJSON *o = cJSON_CreateObject();
	char when[40];

	if (!o)
		return -ENOMEM;
	iso8601(when, sizeof(when), ev->wall_ms);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "type", event_kind_name(ev->kind));
	cJSON_AddNumberToObject(o, "station", ev->station + 1u);
	cJSON_AddStringToObject(o, "timestamp", when);
	cJSON_AddNumberToObject(o, "timestamp_ms", (double)ev->wall_ms);
	if (ev->program_id[0]) {
		char program[sizeof(ev->program_id) + 1];
		snprintf(program, sizeof(program), "%.*s", (int)sizeof(ev->program_id),
		         ev->program_id);
		cJSON_AddStringToObject(o, "program", program);
		cJSON_AddNumberToObject(o, "duration_s", ev->duration_s);
		cJSON_AddNumberToObject(o, "elapsed_s", ev->elapsed_s);
		cJSON_AddNumberToObject(o, "target_mmhg", tenth(ev->target_mmhg));
	}
	if (ev->kind == EVENT_SESSION_STOPPED)
		cJSON_AddStringToObject(o, "reason", stop_reason_name(ev->reason));
	if (ev->kind == EVENT_FAULT_RAISED) {
		cJSON_AddStringToObject(o, "fault", fault_code_name(ev->fault));
		cJSON_AddStringToObject(o, "fault_message", fault_code_message(ev->fault));
	}
	if (ev->kind == EVENT_OUT_OF_SERVICE) {
		char note[sizeof(ev->note) + 1], by[sizeof(ev->by) + 1];
		snprintf(note, sizeof(note), "%.*s", (int)sizeof(ev->note), ev->note);
		snprintf(by, sizeof(by), "%.*s", (int)sizeof(ev->by), ev->by);
		add_service(o, note, by);
	}
	return mqtt_payload_print(o, buf, len);
}

int mqtt_payload_command_result(char *buf, size_t len, const struct mqtt_result *r)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	add_string_or_null(o, "request_id", r->request_id);
	add_string_or_null(o, "action", r->action);
	if (r->station)
		cJSON_AddNumberToObject(o, "station", r->station);
	else
		cJSON_AddNullToObject(o, "station");
	cJSON_AddBoolToObject(o, "ok", r->ok);
	cJSON_AddStringToObject(o, "status", r->status);
	cJSON_AddStringToObject(o, "message", r->message ? r->message : "");
	cJSON_AddBoolToObject(o, "duplicate", r->duplicate);
	return mqtt_payload_print(o, buf, len);
}

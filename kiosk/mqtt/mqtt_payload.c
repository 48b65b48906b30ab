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

int mqtt_payload_station_status(char *buf, size_t len, const struct station_snapshot *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *zones;
	double peak = st->has_sensor ? st->manifold_mmhg : 0.0;
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
	zones = cJSON_AddArrayToObject(o, "zone_mmhg");
	for (size_t i = 0; zones && i < nz; i++) {
		cJSON_AddItemToArray(zones, cJSON_CreateNumber(tenth(st->zone_mmhg[i])));
		if (st->zone_mmhg[i] > peak)
			peak = st->zone_mmhg[i];
	}
	cJSON_AddNumberToObject(o, "pressure_mmhg", tenth(peak));
	cJSON_AddStringToObject(o, "fault", fault_code_name(st->fault));
	cJSON_AddStringToObject(o, "fault_message",
	                        st->fault == FAULT_NONE ? "" : st->fault_message);
	return mqtt_payload_print(o, buf, len);
}

int mqtt_payload_kiosk_status(char *buf, size_t len, const struct mqtt_kiosk_info *info)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	cJSON_AddStringToObject(o, "site", info->site);
	cJSON_AddStringToObject(o, "version", info->version ? info->version : "");
	cJSON_AddNumberToObject(o, "uptime_s", (double)info->uptime_s);
	cJSON_AddNumberToObject(o, "stations", info->station_count);
	cJSON_AddStringToObject(o, "backend", info->backend ? info->backend : "");
	return mqtt_payload_print(o, buf, len);
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
	return mqtt_payload_print(o, buf, len);
}

int mqtt_payload_command_result(char *buf, size_t len, const char *request_id, const char *action,
                                bool ok, const char *status, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	add_string_or_null(o, "request_id", request_id);
	add_string_or_null(o, "action", action);
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "message", message ? message : "");
	return mqtt_payload_print(o, buf, len);
}

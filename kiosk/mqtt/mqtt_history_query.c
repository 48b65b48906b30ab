/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_history_query.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const error_names[MQTT_HQ_ERR_COUNT] = {
    [MQTT_HQ_OK] = "ok",
    [MQTT_HQ_ERR_TOO_LARGE] = "too_large",
    [MQTT_HQ_ERR_NOT_JSON] = "not_json",
    [MQTT_HQ_ERR_NOT_OBJECT] = "not_object",
    [MQTT_HQ_ERR_BAD_FIELD] = "bad_field",
};

const char *mqtt_history_query_error_name(enum mqtt_history_query_error e)
{
	return (unsigned int)e < MQTT_HQ_ERR_COUNT ? error_names[e] : "unknown";
}

static enum mqtt_history_query_error fail(enum mqtt_history_query_error e, char *why,
                                          size_t why_len, const char *msg)
{
	snprintf(why, why_len, "%s", msg);
	return e;
}

static bool request_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(((struct mqtt_history_query *)0)->request_id))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* A whole number in lo..hi. */
static bool read_whole(const cJSON *item, double lo, double hi, double *out)
{
	double v;

	if (!cJSON_IsNumber(item))
		return false;
	v = item->valuedouble;
	if (!(v >= lo && v <= hi) || v != (double)(int64_t)v)
		return false;
	*out = v;
	return true;
}

enum mqtt_history_query_error mqtt_history_query_parse(const void *payload, size_t len,
                                                       unsigned int station_count,
                                                       struct mqtt_history_query *out, char *why,
                                                       size_t why_len)
{
	static const char *const keys[] = {"request_id", "last", "days", "station", "samples"};
	const cJSON *found[5] = {NULL};
	enum mqtt_history_query_error rc = MQTT_HQ_OK;
	const cJSON *item;
	char msg[160];
	double v;
	cJSON *root;

	memset(out, 0, sizeof(*out));
	out->last = MQTT_HISTORY_LAST_DEFAULT;
	out->days = MQTT_HISTORY_DAYS_DEFAULT;
	if (why_len)
		why[0] = '\0';
	if (len > MQTT_HISTORY_QUERY_MAX_BYTES)
		return fail(MQTT_HQ_ERR_TOO_LARGE, why, why_len,
		            "query larger than 1024 bytes; send {\"last\": 50, \"days\": 7}");
	if (len == 0)
		return MQTT_HQ_OK; /* an empty query asks for the defaults */
	if (!payload || memchr(payload, '\0', len) || !(root = cJSON_ParseWithLength(payload, len)))
		return fail(MQTT_HQ_ERR_NOT_JSON, why, why_len,
		            "payload is not JSON; send {\"last\": 50, \"days\": 7}");
	if (!cJSON_IsObject(root)) {
		rc = fail(MQTT_HQ_ERR_NOT_OBJECT, why, why_len,
		          "payload must be a JSON object like {\"last\": 50, \"days\": 7}");
		goto out;
	}
	cJSON_ArrayForEach(item, root)
	{
		if (item->string && strcmp(item->string, "request_id") == 0 &&
		    cJSON_IsString(item) && request_id_valid(item->valuestring)) {
			snprintf(out->request_id, sizeof(out->request_id), "%s", item->valuestring);
			break;
		}
	}
	cJSON_ArrayForEach(item, root)
	{
		size_t k = 0;
		while (k < 5 && (!item->string || strcmp(item->string, keys[k]) != 0))
			k++;
		if (k == 5) {
			rc =
			    fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len,
			         "unknown key; accepted: request_id, last, days, station, samples");
			goto out;
		}
		if (found[k]) {
			rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len,
			          "duplicate key; give each key once");
			goto out;
		}
		found[k] = item;
	}
	if (found[0] && !(cJSON_IsString(found[0]) && request_id_valid(found[0]->valuestring))) {
		rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len,
		          "request_id must be a string of 1-63 printable ASCII characters");
		goto out;
	}
	if (found[1]) {
		if (!read_whole(found[1], 0, MQTT_HISTORY_LAST_MAX, &v)) {
			snprintf(msg, sizeof(msg), "last must be a whole number from 0 to %u",
			         MQTT_HISTORY_LAST_MAX);
			rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len, msg);
			goto out;
		}
		out->last = (unsigned int)v;
	}
	if (found[2]) {
		if (!read_whole(found[2], 1, MQTT_HISTORY_DAYS_MAX, &v)) {
			snprintf(msg, sizeof(msg), "days must be a whole number from 1 to %u",
			         MQTT_HISTORY_DAYS_MAX);
			rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len, msg);
			goto out;
		}
		out->days = (unsigned int)v;
	}
	if (found[3]) {
		if (!read_whole(found[3], 0, station_count, &v)) {
			snprintf(msg, sizeof(msg),
			         "station must be a whole number from 1 to %u, or 0 for every "
			         "station",
			         station_count);
			rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len, msg);
			goto out;
		}
		out->station = (unsigned int)v;
	}
	if (found[4]) {
		if (!read_whole(found[4], 1, 9007199254740991.0, &v)) {
			rc = fail(MQTT_HQ_ERR_BAD_FIELD, why, why_len,
			          "samples must be a session id (a whole number from 1)");
			goto out;
		}
		out->samples = (int64_t)v;
	}
out:
	cJSON_Delete(root);
	return rc;
}

/* SPDX-License-Identifier: MIT */
#include "mqtt/mqtt_command.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	enum command_action action;
} remote_actions[] = {
    {"stop", CMD_STOP},
    {"reset_fault", CMD_RESET_FAULT},
    {"cleaned", CMD_CLEANED},
    {"out_of_service", CMD_OUT_OF_SERVICE},
    {"in_service", CMD_IN_SERVICE},
};

static const char *const error_names[MQTT_CMD_ERR_COUNT] = {
    [MQTT_CMD_OK] = "ok",
    [MQTT_CMD_ERR_TOO_LARGE] = "too_large",
    [MQTT_CMD_ERR_NOT_JSON] = "not_json",
    [MQTT_CMD_ERR_NOT_OBJECT] = "not_object",
    [MQTT_CMD_ERR_BAD_FIELD] = "bad_field",
    [MQTT_CMD_ERR_NO_ACTION] = "no_action",
    [MQTT_CMD_ERR_UNKNOWN_ACTION] = "unknown_action",
    [MQTT_CMD_ERR_REMOTE_START] = "remote_start_refused",
};

const char *mqtt_command_error_name(enum mqtt_command_error e)
{
	if ((unsigned int)e >= MQTT_CMD_ERR_COUNT)
		return "unknown";
	return error_names[e];
}

static bool request_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= COMMAND_REQUEST_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static enum mqtt_command_error fail(enum mqtt_command_error e, char *why, size_t why_len,
                                    const char *msg)
{
	snprintf(why, why_len, "%s", msg);
	return e;
}

static enum mqtt_command_error read_request_id(const cJSON *item, struct mqtt_command_request *out,
                                               char *why, size_t why_len)
{
	if (!cJSON_IsString(item) || !request_id_valid(item->valuestring))
		return fail(MQTT_CMD_ERR_BAD_FIELD, why, why_len,
		            "request_id must be a string of 1-63 printable ASCII characters");
	snprintf(out->request_id, sizeof(out->request_id), "%s", item->valuestring);
	return MQTT_CMD_OK;
}

/* A whole number of ms since the epoch: 0 < v < 2^53. */
static enum mqtt_command_error read_ms(const cJSON *item, uint64_t *out, const char *key, char *why,
                                       size_t why_len)
{
	double v = cJSON_IsNumber(item) ? item->valuedouble : -1.0;

	if (!(v > 0.0 && v < 9007199254740992.0) || v != (double)(uint64_t)v) {
		snprintf(why, why_len,
		         "%s must be a whole number of milliseconds since 1970-01-01 UTC", key);
		return MQTT_CMD_ERR_BAD_FIELD;
	}
	*out = (uint64_t)v;
	return MQTT_CMD_OK;
}

static bool text_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

static enum mqtt_command_error read_text(const cJSON *item, char *out, size_t max, const char *key,
                                         char *why, size_t why_len)
{
	if (!cJSON_IsString(item) || !text_valid(item->valuestring, max)) {
		snprintf(why, why_len, "%s must be a string of 1-%zu printable characters", key,
		         max - 1);
		return MQTT_CMD_ERR_BAD_FIELD;
	}
	snprintf(out, max, "%s", item->valuestring);
	return MQTT_CMD_OK;
}

bool mqtt_command_expired(const struct mqtt_command_request *req, uint64_t now_wall_ms)
{
	if (req->expires_ms)
		return now_wall_ms > req->expires_ms;
	return req->issued_ms && now_wall_ms > req->issued_ms + MQTT_COMMAND_MAX_AGE_MS;
}

static enum mqtt_command_error read_action(const cJSON *item, struct mqtt_command_request *out,
                                           char *why, size_t why_len)
{
	if (!cJSON_IsString(item))
		return fail(MQTT_CMD_ERR_BAD_FIELD, why, why_len,
		            "action must be a string: stop, reset_fault, cleaned, out_of_service "
		            "or in_service");
	for (size_t i = 0; i < sizeof(remote_actions) / sizeof(remote_actions[0]); i++) {
		if (strcmp(item->valuestring, remote_actions[i].name) == 0) {
			out->action = remote_actions[i].action;
			return MQTT_CMD_OK;
		}
	}
	if (strcmp(item->valuestring, "start") == 0 ||
	    strcmp(item->valuestring, "select_program") == 0)
		return fail(MQTT_CMD_ERR_REMOTE_START, why, why_len,
		            "sessions cannot be started remotely: the member must be at the "
		            "station and pass screening");
	return fail(MQTT_CMD_ERR_UNKNOWN_ACTION, why, why_len,
	            "unknown action; use stop, reset_fault, cleaned, out_of_service or in_service");
}

enum mqtt_command_error mqtt_command_parse(const void *payload, size_t len,
                                           struct mqtt_command_request *out, char *why,
                                           size_t why_len)
{
	enum mqtt_command_error rc = MQTT_CMD_OK;
	const cJSON *action = NULL;
	const cJSON *request_id = NULL;
	const cJSON *issued = NULL, *expires = NULL, *reason = NULL, *by = NULL;
	const cJSON *item;
	cJSON *root;

	memset(out, 0, sizeof(*out));
	if (why_len)
		why[0] = '\0';
	if (len > MQTT_COMMAND_MAX_BYTES)
		return fail(MQTT_CMD_ERR_TOO_LARGE, why, why_len,
		            "command larger than 4096 bytes; send {\"action\": ...}");
	if (len == 0 || !payload || memchr(payload, '\0', len))
		return fail(
		    MQTT_CMD_ERR_NOT_JSON, why, why_len,
		    "payload is not JSON; send {\"action\": \"stop\", \"request_id\": \"...\"}");
	root = cJSON_ParseWithLength(payload, len);
	if (!root)
		return fail(
		    MQTT_CMD_ERR_NOT_JSON, why, why_len,
		    "payload is not JSON; send {\"action\": \"stop\", \"request_id\": \"...\"}");
	if (!cJSON_IsObject(root)) {
		rc = fail(MQTT_CMD_ERR_NOT_OBJECT, why, why_len,
		          "payload must be a JSON object like {\"action\": \"stop\", "
		          "\"request_id\": \"...\"}");
		goto out;
	}

	/* Read request_id first so even a bad command's result can echo it. */
	cJSON_ArrayForEach(item, root)
	{
		if (item->string && strcmp(item->string, "request_id") == 0) {
			if (cJSON_IsString(item) && request_id_valid(item->valuestring))
				snprintf(out->request_id, sizeof(out->request_id), "%s",
				         item->valuestring);
			break;
		}
	}
	cJSON_ArrayForEach(item, root)
	{
		const cJSON **slot;
		if (!item->string) {
			rc = fail(MQTT_CMD_ERR_BAD_FIELD, why, why_len, "object key missing");
			goto out;
		}
		if (strcmp(item->string, "action") == 0) {
			slot = &action;
		} else if (strcmp(item->string, "request_id") == 0) {
			slot = &request_id;
		} else if (strcmp(item->string, "issued_ms") == 0) {
			slot = &issued;
		} else if (strcmp(item->string, "expires_ms") == 0) {
			slot = &expires;
		} else if (strcmp(item->string, "reason") == 0) {
			slot = &reason;
		} else if (strcmp(item->string, "by") == 0) {
			slot = &by;
		} else {
			rc = fail(
			    MQTT_CMD_ERR_BAD_FIELD, why, why_len,
			    "unknown key; accepted: action, request_id, issued_ms, expires_ms, "
			    "reason, by");
			goto out;
		}
		if (*slot) {
			rc = fail(MQTT_CMD_ERR_BAD_FIELD, why, why_len,
			          "duplicate key; give each key once");
			goto out;
		}
		*slot = item;
	}
	if (request_id) {
		rc = read_request_id(request_id, out, why, why_len);
		if (rc != MQTT_CMD_OK)
			goto out;
	}
	if (!action) {
		rc = fail(MQTT_CMD_ERR_NO_ACTION, why, why_len,
		          "missing \"action\"; use stop, reset_fault, cleaned, out_of_service or "
		          "in_service");
		goto out;
	}
	rc = read_action(action, out, why, why_len);
	if (rc == MQTT_CMD_OK && issued)
		rc = read_ms(issued, &out->issued_ms, "issued_ms", why, why_len);
	if (rc == MQTT_CMD_OK && expires)
		rc = read_ms(expires, &out->expires_ms, "expires_ms", why, why_len);
	if (rc == MQTT_CMD_OK && by)
		rc = read_text(by, out->by, sizeof(out->by), "by", why, why_len);
	if (rc == MQTT_CMD_OK && reason) {
		if (out->action != CMD_OUT_OF_SERVICE)
			rc = fail(MQTT_CMD_ERR_BAD_FIELD, why, why_len,
			          "reason is for out_of_service only; leave it out");
		else
			rc =
			    read_text(reason, out->note, sizeof(out->note), "reason", why, why_len);
	}
out:
	cJSON_Delete(root);
	return rc;
}

void mqtt_rate_limit_init(struct mqtt_rate_limit *rl, double rate_per_s, double burst)
{
	rl->tokens = burst;
	rl->last_ms = 0;
	rl->rate_per_s = rate_per_s;
	rl->burst = burst;
	rl->primed = false;
}

bool mqtt_rate_limit_take(struct mqtt_rate_limit *rl, uint64_t now_ms)
{
	if (!rl->primed) {
		rl->primed = true;
		rl->last_ms = now_ms;
	}
	if (now_ms > rl->last_ms) {
		rl->tokens += (double)(now_ms - rl->last_ms) * rl->rate_per_s / 1000.0;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last_ms = now_ms;
	}
	if (rl->tokens < 1.0)
		return false;
	rl->tokens -= 1.0;
	return true;
}

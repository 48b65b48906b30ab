/* SPDX-License-Identifier: MIT */
/*
 * Staff commands arriving on recovery/<site>/station/<n>/cmd, as JSON:
 *   {"action": "out_of_service", "request_id": "dash-42",
 *    "issued_ms": 1746093600123, "expires_ms": 1746093630123,
 *    "reason": "repair", "by": "front desk"}
 * action is one of stop, reset_fault, cleaned, out_of_service, in_service;
 * everything else is optional:
 *   request_id  1..63 printable ASCII characters, echoed in the result; a
 *               command delivered again with the same id is answered with
 *               the first result, never done twice;
 *   issued_ms   when it was sent (ms since the epoch): older than
 *               MQTT_COMMAND_MAX_AGE_MS is answered "expired";
 *   expires_ms  after this (ms since the epoch) it is answered "expired";
 *   reason      out_of_service only: 1..47 printable characters;
 *   by          who sends it: 1..31 printable characters.
 * Any other key, type or value is an error.  "start" is refused: a member
 * must be at the station and pass screening.
 *
 * The parser is a pure function (no I/O, no globals, no allocation that
 * outlives the call) so it can be unit-tested and fuzzed.  Any thread.
 */
#ifndef KIOSK_MQTT_COMMAND_H
#define KIOSK_MQTT_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"

#define MQTT_COMMAND_MAX_BYTES 4096u
/* A command carrying issued_ms (and no expires_ms) is stale after this. */
#define MQTT_COMMAND_MAX_AGE_MS (10u * 60u * 1000u)

enum mqtt_command_error {
	MQTT_CMD_OK,
	MQTT_CMD_ERR_TOO_LARGE,  /* over MQTT_COMMAND_MAX_BYTES */
	MQTT_CMD_ERR_NOT_JSON,   /* not UTF-8 JSON, or contains a NUL byte */
	MQTT_CMD_ERR_NOT_OBJECT, /* valid JSON but not an object */
	MQTT_CMD_ERR_BAD_FIELD,  /* unknown key, duplicate key, wrong type */
	MQTT_CMD_ERR_NO_ACTION,
	MQTT_CMD_ERR_UNKNOWN_ACTION,
	MQTT_CMD_ERR_REMOTE_START, /* start/select_program: refused by design */
	MQTT_CMD_ERR_COUNT
};

struct mqtt_command_request {
	enum command_action action;              /* valid when MQTT_CMD_OK */
	char request_id[COMMAND_REQUEST_ID_MAX]; /* "" when absent or invalid */
	uint64_t issued_ms;                      /* 0 when absent */
	uint64_t expires_ms;                     /* 0 when absent */
	char note[COMMAND_NOTE_MAX];             /* "reason", "" when absent */
	char by[COMMAND_BY_MAX];                 /* "" when absent */
};

/* Parses len bytes (need not be NUL-terminated).  Fills out (request_id is
 * filled whenever it could be read, even on error, so the error result can
 * echo it) and, on error, writes a one-line reason that names what was wrong
 * and how to fix it into why.  Never logs the payload. */
enum mqtt_command_error mqtt_command_parse(const void *payload, size_t len,
                                           struct mqtt_command_request *out, char *why,
                                           size_t why_len);

/* "too_large", "not_json", ... for the result's "error" field. */
const char *mqtt_command_error_name(enum mqtt_command_error e);

/* true when a parsed command is past its expires_ms, or older than
 * MQTT_COMMAND_MAX_AGE_MS by its issued_ms, at now_wall_ms. */
bool mqtt_command_expired(const struct mqtt_command_request *req, uint64_t now_wall_ms);

/* Token bucket for the command topic: rate_per_s sustained, burst at once.
 * now_ms is any monotonic clock. */
struct mqtt_rate_limit {
	double tokens;
	uint64_t last_ms;
	double rate_per_s;
	double burst;
	bool primed;
};
void mqtt_rate_limit_init(struct mqtt_rate_limit *rl, double rate_per_s, double burst);
/* true if one more message may pass at now_ms (and takes a token). */
bool mqtt_rate_limit_take(struct mqtt_rate_limit *rl, uint64_t now_ms);

#endif

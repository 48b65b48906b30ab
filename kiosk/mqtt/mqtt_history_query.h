/* SPDX-License-Identifier: MIT */
/*
 * History queries arriving on recovery/<site>/kiosk/history, as JSON:
 *   {"request_id": "web-7", "last": 50, "days": 7, "station": 0}
 *   {"request_id": "web-8", "samples": 42}
 * Every key is optional:
 *   request_id  1..63 printable ASCII characters, echoed in the answer;
 *   last        sessions wanted, newest first: 0..MQTT_HISTORY_LAST_MAX
 *               (default MQTT_HISTORY_LAST_DEFAULT);
 *   days        the kiosk's local days covered, today included:
 *               1..MQTT_HISTORY_DAYS_MAX (default MQTT_HISTORY_DAYS_DEFAULT);
 *   station     1..8 for one station, 0 (default) for every one;
 *   samples     a session id: its pressure plot instead of the history.
 * Any other key, a wrong type or a value out of range is an error.  The
 * answer is docs/MQTT.md's kiosk/history reply.
 *
 * A pure function (no I/O, no globals), for the unit tests and the fuzzer.
 * Any thread.
 */
#ifndef KIOSK_MQTT_HISTORY_QUERY_H
#define KIOSK_MQTT_HISTORY_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define MQTT_HISTORY_QUERY_MAX_BYTES 1024u
#define MQTT_HISTORY_LAST_MAX 500u
#define MQTT_HISTORY_LAST_DEFAULT 50u
#define MQTT_HISTORY_DAYS_MAX 366u
#define MQTT_HISTORY_DAYS_DEFAULT 7u

enum mqtt_history_query_error {
	MQTT_HQ_OK,
	MQTT_HQ_ERR_TOO_LARGE,
	MQTT_HQ_ERR_NOT_JSON,
	MQTT_HQ_ERR_NOT_OBJECT,
	MQTT_HQ_ERR_BAD_FIELD,
	MQTT_HQ_ERR_COUNT
};

struct mqtt_history_query {
	char request_id[64]; /* "" when absent or invalid */
	unsigned int last;
	unsigned int days;
	unsigned int station; /* 0 = every station */
	int64_t samples;      /* > 0: a plot request */
};

/* Parses len bytes (need not be NUL-terminated) into out.  request_id is
 * filled whenever it could be read, even on error, so the error answer can
 * echo it; on error a one-line reason naming the fix goes into why.
 * station_count bounds station. */
enum mqtt_history_query_error mqtt_history_query_parse(const void *payload, size_t len,
                                                       unsigned int station_count,
                                                       struct mqtt_history_query *out, char *why,
                                                       size_t why_len);

/* "too_large", "not_json", "not_object", "bad_field". */
const char *mqtt_history_query_error_name(enum mqtt_history_query_error e);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the staff command parser (mqtt_command_parse) and the
 * command topic parser: whatever bytes arrive on a cmd topic, the parser must
 * neither crash nor read out of bounds, and what it accepts must be sane.
 * Built for libFuzzer with clang, or linked to fuzz_replay.c under any
 * compiler.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request_id(const char *id)
{
	size_t n = strnlen(id, COMMAND_REQUEST_ID_MAX);

	if (n >= COMMAND_REQUEST_ID_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x20 || (unsigned char)id[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mqtt_command_request req;
	char why[200];
	enum mqtt_command_error e;

	/* Copy to an exact-size heap buffer so ASan sees any over-read. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	e = mqtt_command_parse(copy, size, &req, why, sizeof(why));
	if ((unsigned int)e >= MQTT_CMD_ERR_COUNT)
		abort();
	if (strnlen(why, sizeof(why)) >= sizeof(why))
		abort();
	check_request_id(req.request_id);
	if (e == MQTT_CMD_OK) {
		if (req.action != CMD_STOP && req.action != CMD_RESET_FAULT &&
		    req.action != CMD_CLEANED && req.action != CMD_OUT_OF_SERVICE &&
		    req.action != CMD_IN_SERVICE)
			abort();
		if (size > MQTT_COMMAND_MAX_BYTES)
			abort();
	} else if (why[0] == '\0') {
		abort(); /* every rejection says why */
	}

	/* The same bytes as a topic. */
	char topic[256];
	size_t n = size < sizeof(topic) - 1 ? size : sizeof(topic) - 1;
	memcpy(topic, copy, n);
	topic[n] = '\0';
	unsigned int idx = 1000;
	int rc = mqtt_topic_parse_cmd(topic, "gym1", 8, &idx);
	if (rc == 0 && idx >= 8)
		abort();
	if (rc != 0 && rc != -EINVAL && rc != -ENOENT)
		abort();
	free(copy);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Staff command intake (MQTT 5 request/response): subscribes to
 * recovery/<site>/station/+/cmd at QoS 1 on the persistent session, checks
 * each command and answers every one, on station/<n>/cmd/result (for 3.1.1
 * clients and observers) and, when the request names one, on its response
 * topic with its correlation data.
 *
 * A command is never executed when it arrives retained ("retained_refused"),
 * when it is past its expiry ("expired": the MQTT message expiry, or the
 * payload's expires_ms / issued_ms), when it is malformed, or when its
 * request id was already done in the last MQTT_INTAKE_DEDUPE_MS (the first
 * result is sent again, "duplicate": true).  Otherwise it goes to
 * controller_submit (SOURCE_MQTT) and the intake waits (up to
 * MQTT_INTAKE_WAIT_MS) for the controller's result and for the event log to
 * have it on disk, then answers.  Only then does the message handler
 * return, so libmosquitto sends the PUBACK after the command took effect: a
 * kiosk killed before that gets the command again from the broker.
 *
 * Threading: everything runs on the client's net thread (from its
 * handlers), except create/destroy (main).
 */
#ifndef KIOSK_MQTT_INTAKE_H
#define KIOSK_MQTT_INTAKE_H

#include <stdbool.h>

#define MQTT_INTAKE_WAIT_MS 5000u
#define MQTT_INTAKE_DEDUPE_MS (3600u * 1000u)
#define MQTT_INTAKE_RESULT_EXPIRY_S 300u /* results are not worth more */

struct controller;
struct event_log;
struct kiosk_config;
struct mqtt_client;
struct mqtt_inbound;
struct mqtt_intake;

struct mqtt_intake_params {
	const struct kiosk_config *config;
	struct controller *controller;
	struct event_log *log;
	struct mqtt_client *client;
};

struct mqtt_intake *mqtt_intake_create(const struct mqtt_intake_params *p); /* NULL + errno */
void mqtt_intake_destroy(struct mqtt_intake *in);                           /* NULL ok */

/* On every new connection: subscribe to the command topics. */
void mqtt_intake_on_connect(struct mqtt_intake *in);

/* A message on a command topic: false when the topic is not one (the
 * caller routes it elsewhere). */
bool mqtt_intake_on_message(struct mqtt_intake *in, const struct mqtt_inbound *msg);

#endif

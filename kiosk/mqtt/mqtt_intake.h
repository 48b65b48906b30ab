/* SPDX-License-Identifier: MIT */
/*
 * Staff command intake: subscribes to the stations' command topics, checks
 * each command (topic, JSON, rate), hands it to the controller
 * (SOURCE_MQTT) and answers what it refuses on the command's result topic.
 *
 * Threading: everything runs on the client's net thread (from its
 * handlers), except create/destroy (main).
 */
#ifndef KIOSK_MQTT_INTAKE_H
#define KIOSK_MQTT_INTAKE_H

#include <stdbool.h>

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

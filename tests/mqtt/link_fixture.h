/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the MQTT link tests: a real mosquitto 2.0 (example ACL,
 * password file) on 127.0.0.1, a fake core (fake_controller.c) the test
 * drives, the kiosk side (event log + MQTT link) on a two-station config,
 * and a staff client subscribed to recovery/# and homeassistant/#.
 */
#ifndef TESTS_MQTT_LINK_FIXTURE_H
#define TESTS_MQTT_LINK_FIXTURE_H

#include <stdint.h>

#include "config/config.h"
#include "core/protocol.h"
#include "kiosk_side.h"
#include "mqtt_test_support.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."
#define T "recovery/" TEST_SITE "/"

struct fx {
	struct test_broker broker;
	struct kiosk_config cfg;
	struct controller *ctl;
	struct kiosk_side *rep;
	struct test_client *staff;
};

/* cmocka setup/teardown: broker, fake core, staff client, kiosk side. */
int link_setup(void **state);
int link_teardown(void **state);

/* Starts the kiosk side again (after kiosk_side_destroy). */
void start_reporter(struct fx *f);
struct test_client *connect_as(struct fx *f, const char *user, const char *pw);
struct test_client *connect_v5(struct fx *f);
/* The message, or the test fails after 5 s. */
const struct test_msg *wait_msg(struct test_client *c, size_t from, const char *topic,
                                const char *contains);
struct kiosk_event ev_of(enum event_kind kind, unsigned int station);
/* Polls the database (a real condition) until the outbox holds want rows. */
void wait_outbox(struct fx *f, int64_t want);

#endif

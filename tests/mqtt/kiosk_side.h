/* SPDX-License-Identifier: MIT */
/*
 * The kiosk's side of the MQTT tests, wired as main.c wires it: the event
 * log (store thread) and, when config->mqtt.enabled, the MQTT link over it.
 */
#ifndef TESTS_MQTT_KIOSK_SIDE_H
#define TESTS_MQTT_KIOSK_SIDE_H

#include <stddef.h>

struct controller;
struct kiosk_config;
struct test_broker;

struct kiosk_side {
	struct event_log *log;
	struct mqtt_link *link;
};

/* Points cfg at the test broker as the example ACL wants it: site
 * TEST_SITE, user kiosk (its password in <broker dir>/pw), state in
 * <broker dir>/state, Home Assistant discovery on. */
void kiosk_side_config(struct kiosk_config *cfg, const struct test_broker *b);

/* Creates and starts both; delivered events leave the outbox at once, so a
 * test sees it empty as soon as the broker acknowledged.  NULL + message in
 * err on failure. */
struct kiosk_side *kiosk_side_start(const struct kiosk_config *cfg, struct controller *ctl,
                                    const char *version, char *err, size_t err_len);
/* The same with the event log's delivered_delay_ms (the kiosk's is
 * EVENT_LOG_DELIVERED_DELAY_MS). */
struct kiosk_side *kiosk_side_start_with(const struct kiosk_config *cfg, struct controller *ctl,
                                         const char *version, unsigned int delivered_delay_ms,
                                         char *err, size_t err_len);
/* The order main uses at exit: the log commits the last events, then the
 * link delivers what it can and says offline.  Idempotent. */
void kiosk_side_stop(struct kiosk_side *k);
void kiosk_side_destroy(struct kiosk_side *k); /* NULL ok */

#endif

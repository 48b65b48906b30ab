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

struct kiosk_side {
	struct event_log *log;
	struct mqtt_link *link;
};

/* Creates and starts both.  NULL + message in err on failure. */
struct kiosk_side *kiosk_side_start(const struct kiosk_config *cfg, struct controller *ctl,
                                    const char *version, char *err, size_t err_len);
/* The order main uses at exit: the log commits the last events, then the
 * link delivers what it can and says offline.  Idempotent. */
void kiosk_side_stop(struct kiosk_side *k);
void kiosk_side_destroy(struct kiosk_side *k); /* NULL ok */

#endif

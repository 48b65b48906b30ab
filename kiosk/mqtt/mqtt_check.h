/* SPDX-License-Identifier: MIT */
/*
 * recovery-kiosk --check-config --mqtt: a live check of the [mqtt] section
 * against the real broker.  With the kiosk's own credentials (and a client
 * id of its own, "<client_id>-check", so the kiosk's session is left alone)
 * it connects with MQTT 5, subscribes to every filter the kiosk reads,
 * publishes one probe to every topic the kiosk writes, and prints one line
 * per topic: allowed, or denied with the ACL line that allows it.  It also
 * says whether a kiosk already claims the site.
 *
 * Probes are QoS 1, not retained, expire after a second, carry the user
 * property "recovery-kiosk-probe" and the payload {"probe":true}; discovery
 * topics get an empty payload (Home Assistant ignores the removal of an
 * entity it does not know).  Run it before starting the service: a running
 * dashboard sees the probes.
 *
 * Threading: main, before anything else runs.  Blocks up to about
 * MQTT_CHECK_TIMEOUT_MS per step.
 */
#ifndef KIOSK_MQTT_CHECK_H
#define KIOSK_MQTT_CHECK_H

#include <stdio.h>

#define MQTT_CHECK_TIMEOUT_MS 5000u

struct kiosk_config;

/* 0 when everything the kiosk needs is allowed; -EACCES when the broker
 * refused something (each named in out), -ECONNREFUSED / -EHOSTUNREACH /
 * -EINVAL when it could not connect (the reason and fix in out). */
int mqtt_check_run(const struct kiosk_config *cfg, FILE *out);

#endif

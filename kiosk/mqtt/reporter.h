/* SPDX-License-Identifier: MIT */
/*
 * The reporter: everything the kiosk tells the outside world.
 *
 *   - a store thread that drains the controller's event stream into SQLite
 *     (session log + outbox, one transaction per batch), never losing an
 *     event; EVENT_COMMAND_RESULT is not stored but handed to MQTT;
 *   - an MQTT thread (libmosquitto) that publishes retained station and kiosk
 *     status, availability with a last will, events from the outbox (deleted
 *     only on PUBACK), Home Assistant discovery, and feeds staff commands from
 *     recovery/<site>/station-<n>/cmd into controller_submit (SOURCE_MQTT).
 *
 * Topics use "station-<index+1>" for <station> (station-1 .. station-8).
 *
 * Threading: create/start/stop/destroy from one thread (main).  The listener
 * registered with the controller only writes to an eventfd, so it never
 * blocks the control thread.
 */
#ifndef KIOSK_MQTT_REPORTER_H
#define KIOSK_MQTT_REPORTER_H

#include <stddef.h>

struct controller;
struct kiosk_config;
struct reporter;

struct reporter_params {
	const struct kiosk_config *config; /* site, mqtt section, state_dir */
	struct controller *controller;
	const char *version; /* PROJECT_VERSION */
	const char *backend; /* "simulator" or "libgpiod 1.6" */
};

/* Opens <state_dir>/recovery-kiosk.db (creating the folder), and prepares the
 * MQTT client if config->mqtt.enabled.  Registers its controller listener, so
 * call it before controller_start.  NULL + message in err on failure. */
struct reporter *reporter_create(const struct reporter_params *p, char *err, size_t err_len);

/* Starts the store thread (drains controller events into SQLite: session log +
 * outbox, in one transaction per batch) and the MQTT thread.  0 or -errno. */
int reporter_start(struct reporter *r);

/* Flushes what it can (bounded, ~1 s), publishes availability offline,
 * disconnects, stops threads.  Call it after controller_stop (so the last
 * events, e.g. the shutdown stop, are logged) and before controller_destroy
 * (it reads the controller one last time).  Idempotent. */
void reporter_stop(struct reporter *r);

/* Frees everything.  NULL ok.  The controller keeps calling the listener
 * registered by reporter_create until it is destroyed (controller_destroy
 * drives the safe state and notifies), so the order at exit is:
 *   controller_stop -> reporter_stop -> controller_destroy -> reporter_destroy */
void reporter_destroy(struct reporter *r);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * kiosk.conf: the site, display, staff PIN, MQTT connection, hard limits and
 * one [station.N] section per station.  Loaded with inih and validated
 * strictly: an unknown section or key, a bad number, a pin used twice, a
 * pressure above the ceiling or a missing file is an error that names the
 * file, the line and the fix.  Nothing starts on a config that fails.
 *
 * Threading: loaded once by main before any thread starts; read-only after.
 */
#ifndef KIOSK_CONFIG_CONFIG_H
#define KIOSK_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/settings.h"

/* Fill cfg with defaults, then read path.  On error returns a negative errno
 * and writes "file:line: what is wrong; how to fix it" into err. */
int kiosk_config_load(struct kiosk_config *cfg, const char *path, char *err, size_t err_len);

/* Defaults only (used by tests and by load). */
void kiosk_config_defaults(struct kiosk_config *cfg);

/* One line per station for --check-config: "station.1 'Station 1': 5 zones on
 * gpiochip0 [17 27 22 23 24], pump 5, exhaust 6, sensor hx710b (clk 13, data 19)" */
void kiosk_config_describe_station(const struct station_config *st, char *out, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The safe-state helper behind `recovery-kiosk --safe-state`, run by the
 * unit's ExecStopPost= after every stop, crash or watchdog kill.
 *
 * It works from the pin map alone (core/pin_map.h): each output line (pump,
 * exhaust, zone valve) is requested on its own, driven to its de-energised
 * level and read back, so one bad line, a missing expander or a station the
 * kiosk still holds never keeps any other line from venting.  It writes one
 * line per station to report, plus one per line that failed, and carries on
 * past every failure.  It needs nothing from the crashed process: the kernel
 * releases a dead process's lines, and the outputs are re-requested from
 * scratch.  A station without a pump or exhaust line in the map fails: that
 * output cannot be driven.
 *
 * Threading: a blocking routine for a process that runs nothing else.
 */
#ifndef KIOSK_SERVICE_SAFE_STATE_H
#define KIOSK_SERVICE_SAFE_STATE_H

#include <stdio.h>

#include "core/pin_map.h"
#include "core/settings.h"
#include "drivers/gpio.h"

/* 0 when every output of every station is de-energised; otherwise the first
 * negative errno (a line that could not be requested or driven, -ENOENT for
 * a station without a pump or exhaust line).  report may be NULL. */
int safe_state_run_map(const struct pin_map *map, struct gpio *gpio, FILE *report);
/* The same for the output lines of a loaded config. */
int safe_state_run(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report);

/* The same, but the lines stay requested (held at the safe level) until
 * safe_state_release, so a test can read every output back through the
 * simulator.  *out is set even on failure (it holds the lines that could be
 * requested); release it in every case. */
struct safe_state;
int safe_state_acquire_map(const struct pin_map *map, struct gpio *gpio, FILE *report,
                           struct safe_state **out);
int safe_state_acquire(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report,
                       struct safe_state **out);
/* Drives the safe level once more, releases the lines, frees.  NULL ok. */
void safe_state_release(struct safe_state *s);

#endif

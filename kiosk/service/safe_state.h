/* SPDX-License-Identifier: MIT */
/*
 * The safe-state helper behind `recovery-kiosk --safe-state`, run by the
 * unit's ExecStopPost= after every stop, crash or watchdog kill.
 *
 * For each configured station it requests the lines (station_hw_create drives
 * the safe state at request time), drives station_hw_safe again explicitly,
 * reads the outputs back, and writes one line per station to report.  It
 * keeps going past a station that fails so every other station still vents.
 * It needs nothing from the crashed process: the kernel releases a dead
 * process's lines, and the outputs are re-requested from scratch.
 *
 * Threading: a blocking routine for a process that runs nothing else.
 */
#ifndef KIOSK_SERVICE_SAFE_STATE_H
#define KIOSK_SERVICE_SAFE_STATE_H

#include <stdio.h>

#include "core/settings.h"
#include "drivers/gpio.h"

/* 0 when every output of every station is de-energised; otherwise the first
 * negative errno (a station whose lines could not be requested or driven).
 * report may be NULL. */
int safe_state_run(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report);

/* The same, but the lines stay requested (held at the safe level) until
 * safe_state_release, so a test can read every output back through the
 * simulator.  *out is set even on failure (it holds the stations that could
 * be requested); release it in every case. */
struct safe_state;
int safe_state_acquire(const struct kiosk_config *cfg, struct gpio *gpio, FILE *report,
                       struct safe_state **out);
/* Drives the safe state once more, releases the lines, frees.  NULL ok. */
void safe_state_release(struct safe_state *s);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A fault the simulated boot has from the start, named in kiosk.conf for
 * the simulator only ([station.N] sim_fault = leak): so a demonstration, a
 * browser test or a trainer can meet a real fault on the real binary
 * (recovery-kiosk --sim) without the in-process back doors of boot_sim.h.
 * kiosk/main.c refuses the key without --sim.
 *
 *   leak          every zone leaks 20 L/min at 60 mmHg: no zone reaches its
 *                 target within max_fill_ms (a leak fault);
 *   disconnected  the boots are unplugged: every zone port open to air;
 *   blocked       the hose is kinked: the pump only fills the manifold,
 *                 which climbs far faster than a zone can fill.
 *
 * Pure table lookups except sim_fault_apply(), which calls the model's back
 * doors (thread: the one that owns the model, before the control thread
 * starts).
 */
#ifndef DRIVERS_SIM_SIM_FAULT_H
#define DRIVERS_SIM_SIM_FAULT_H

#include "drivers/sim/boot_sim.h"

enum sim_fault {
	SIM_FAULT_NONE,
	SIM_FAULT_LEAK,
	SIM_FAULT_DISCONNECTED,
	SIM_FAULT_BLOCKED,
	SIM_FAULT_COUNT
};

#define SIM_FAULT_LEAK_LPM 20.0

/* "leak", "disconnected", "blocked" (or "none") into *out: 0, or -EINVAL. */
int sim_fault_parse(const char *name, enum sim_fault *out);
const char *sim_fault_name(enum sim_fault f);
/* "leak, disconnected or blocked", for a message that names the fix. */
const char *sim_fault_choices(void);
/* Gives the model the fault; SIM_FAULT_NONE does nothing. */
void sim_fault_apply(struct boot_sim *sim, enum sim_fault f);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * What "vented" means to the safety tests, judged on the physics model's
 * truth: pump off, exhaust open, and every zone that still holds air open
 * to the exhaust.  A zone without air may stay shut (a member's skipped
 * zone does until the manifold is down), so this is weaker than "every
 * output de-energised" (sim_outputs_safe) and is what a vent must give in
 * the tick it begins.
 */
#ifndef TESTS_CORE_VENT_CHECK_H
#define TESTS_CORE_VENT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sim_rig.h"

/* From the pins of station i and its model. */
bool sim_venting(const struct sim_rig *r, size_t i);

/* From outputs and a model, for rigs that keep their own. */
bool outputs_venting(const struct station_outputs *o, const struct boot_sim *sim,
                     double residual_mmhg);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * One station as a plant for the safety tests: the real controller (stepped
 * in virtual time) and drivers on the boot physics model, built with the
 * model's parameters, sensors and relief valve a test chooses, and a record
 * of the TRUTH while it runs: the model's own zone pressures, never what the
 * controller reads.  What it records is what docs/SAFETY.md bounds:
 *   - the highest zone pressure, and the longest time any zone stayed above
 *     the ceiling in one stretch;
 *   - the highest pressure in a zone the member's program skips;
 *   - the time under pressure (any zone above the residual) since Start;
 *   - the time the station was free for the next member (idle, setup,
 *     screening, ready, needs cleaning) while a zone held more than the
 *     residual, and how much it held.
 * Programs come from assets/programs.conf (durations may be shortened for
 * tests, see plant_start()).
 */
#ifndef TESTS_CORE_PLANT_RIG_H
#define TESTS_CORE_PLANT_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/controller.h"
#include "core/program.h"
#include "core/protocol.h"
#include "core/screening.h"
#include "drivers/sim/boot_sim.h"
#include "drivers/sim/sim_hw.h"
#include "drivers/station_hw.h"

#define PLANT_TICK_MS CONTROLLER_TICK_MS

struct plant_opts {
	size_t zones;                /* 0 = 6 */
	bool no_sensor;              /* open loop */
	bool hx710b;                 /* the HX710B driver at 10 Hz instead of SENSOR_SIM */
	bool safety_sensor;          /* a second, independent channel (SENSOR_SIM) */
	bool pump_sense;             /* a pump-sense line */
	double relief_mmhg;          /* a relief valve on the manifold (0 = none) */
	struct boot_sim_params phys; /* zero_phys = defaults */
	bool custom_phys;
	uint64_t seed; /* noise of the model (0 = the default seed) */
	void (*tweak)(struct kiosk_config *cfg);
};

struct plant_truth {
	double max_zone_mmhg;
	uint64_t above_ceiling_ms;     /* longest stretch, any zone above the ceiling */
	uint64_t above_ceiling_now_ms; /* the current stretch */
	double max_skipped_mmhg;       /* zones the session skips, while it runs or vents */
	uint64_t pressurised_ms;       /* any zone above the residual, since Start */
	uint64_t free_pressurised_ms;  /* free for a member while a zone holds air */
	double free_worst_mmhg;
};

struct plant {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct sim_hw *simhw;
	struct station_hw *hw[1];
	struct boot_sim *boot;
	struct controller *ctl;
	uint64_t now_ms;
	uint64_t cursor;
	uint8_t skip_mask;        /* zones the running program skips */
	enum station_state state; /* after the last step */
	bool session_seen;
	struct plant_truth truth;
	/* from the event stream */
	unsigned int faults;
	uint64_t start_ms;       /* plant_start() */
	uint64_t first_fault_ms; /* the first EVENT_FAULT_RAISED */
	enum fault_code first_fault;
	int first_fault_zone;
	enum command_status last_result[CMD_ACTION_COUNT];
	unsigned int sessions_ended;
};

/* Heap-allocated; asserts on the way. */
struct plant *plant_new(const struct plant_opts *opts);
void plant_free(struct plant *p);

/* One controller_step 20 ms later, then the truth is recorded. */
void plant_step(struct plant *p);
void plant_run_ms(struct plant *p, uint64_t ms);
/* Step until the station is in state (true) or max_ms passed (false). */
bool plant_run_until(struct plant *p, enum station_state state, uint64_t max_ms);

/* Submit a command from source and step once; returns its result. */
enum command_status plant_cmd(struct plant *p, enum command_action action,
                              enum command_source source);

/* Select program id (its duration shortened to duration_s when not 0, the
 * program's own range widened for it; target 0 = the program's), pass the
 * screening, Start; asserts the session runs. */
void plant_start(struct plant *p, const char *program_id, unsigned int duration_s,
                 double target_mmhg);
/* The same without asserting: false when the station did not start (a
 * fault before the session, for instance). */
bool plant_try_start(struct plant *p, const char *program_id, unsigned int duration_s,
                     double target_mmhg);

struct station_snapshot plant_snap(struct plant *p);
enum station_state plant_state(struct plant *p);
double plant_ceiling(const struct plant *p);
double plant_residual(const struct plant *p);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The compression engine of one running session: which zone fills, holds,
 * releases or rests, and the outputs for it.  Pure logic, time as input.
 *
 * Zones always fill foot to thigh (index 0 first), skipping the program's
 * skipped zones.  Patterns:
 *   sequential pulse: fill k, hold k (hold_ms), release, next zone; after
 *                     the last zone rest (rest_ms), next cycle.
 *   gradient hold:    fill 1..N in turn (each closes when full and stays
 *                     closed), hold all (hold_ms), release all, rest.
 * Fill: exhaust shut, only zone k open, pump on, until the sensor reads the
 * zone's target (with a sensor) or open_loop_fill_ms passed (without).
 * Release: the vent-and-verify sequence (vent.h) over the used zones, a
 * skipped zone kept shut so no air reaches it; a sequential pulse verifies
 * the zone it released before the next one fills, a gradient hold every used
 * zone before its rest.  Rest: pump off, exhaust and every used zone open;
 * with a sensor it ends with the seal check (vent.h): every valve must
 * close before the next cycle's air.
 * The first warmup_cycles cycles run at warmup_factor x pressure.
 *
 * Knows nothing about the session clock, pause or safety: the station does
 * those.  Plain struct embedded in struct station.
 */
#ifndef KIOSK_CORE_SESSION_H
#define KIOSK_CORE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"
#include "core/program.h"
#include "core/vent.h"

struct session_params {
	const struct program *program;
	size_t zone_count;
	double foot_target_mmhg;
	double max_zone_mmhg; /* zone targets are clamped to this */
	bool has_sensor;
	unsigned int open_loop_fill_ms; /* already within the compiled bound */
	unsigned int vent_ms;           /* a release that has not vented by then faults */
	unsigned int timed_vent_ms;     /* release length without a sensor */
	double residual_mmhg;
	/* The member's choice on top of the program's: zones left out (bit k
	 * = zone k) and one zone (1-based, 0 = none) boosted by boost_mmhg. */
	uint8_t extra_skip_mask;
	unsigned int boost_zone;
	double boost_mmhg;
};

struct session {
	struct session_params p;
	uint8_t used_mask;                     /* zones not skipped */
	uint8_t aired;                         /* zones filled since last verified */
	double target_mmhg[STATION_MAX_ZONES]; /* full-pressure targets; 0 = skipped */
	enum session_phase phase;
	int zone; /* zone filling / holding (sequential) */
	uint64_t phase_since_ms;
	unsigned int transitions; /* counts phase entries */
	unsigned int cycle;       /* 0-based */
	bool first_cycle_reached; /* every zone of cycle 0 reached pressure */
	bool sealing;             /* the seal check between a rest and the next cycle */
	struct vent vent;         /* the release */
	struct station_outputs out;
};

/* What one step found. */
struct session_result {
	bool reached;          /* the first cycle reached pressure on this step */
	enum fault_code fault; /* a release that did not verify; FAULT_NONE */
	int fault_zone;        /* -1 = none */
};

/* Prepare targets and start filling the first zone at now_ms.  -EINVAL when
 * the program leaves no zone to fill on this station. */
int session_begin(struct session *s, const struct session_params *p, uint64_t now_ms);

/* Advance at now_ms with this tick's control reading (NULL or not
 * PRESSURE_OK = no fresh reading). */
void session_step(struct session *s, uint64_t now_ms, const struct pressure_reading *r,
                  struct session_result *res);

/* After a pause (everything vented): start the current cycle again from the
 * first zone. */
void session_restart_cycle(struct session *s, uint64_t now_ms);

/* The station verified these zones vented (a pause, the end). */
void session_mark_verified(struct session *s, uint8_t zones);

/* Target of zone k in the current cycle (warm-up applied); 0 if skipped. */
double session_zone_target(const struct session *s, size_t zone);

/* Zone being filled, or held by a sequential pulse; -1 otherwise. */
int session_active_zone(const struct session *s);

/* The release's vent sequence while it runs (PHASE_RELEASE), else NULL. */
const struct vent *session_release(const struct session *s);

#endif

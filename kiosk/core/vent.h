/* SPDX-License-Identifier: MIT */
/*
 * Vent and verify: the one sequence every release, pause, stop, end, fault
 * and reset goes through.  A manifold sensor cannot see a zone whose valve
 * is shut, so "vented" is never judged on the manifold alone:
 *
 *   1. VENT    pump off, exhaust open, the zones in open_mask (those that
 *              may hold air) open; the zones in shut_mask (a member's
 *              skipped zones, zones already verified) stay shut so no air
 *              from the full zones reaches them.  Until the reading is
 *              down (VENT_DOWN_FRACTION, VENT_FLAT_DOWN).  After vent_ms: a
 *              reading that never fell is an exhaust that does not open
 *              (EXHAUST_STUCK); one that fell and stays flat above the
 *              residual with the exhaust open is the sensor (SENSOR_ZERO,
 *              SENSOR_FROZEN when its counts never change); one still
 *              falling is a boot that does not let its air out
 *              (STUCK_INFLATED).
 *   3. READ    each zone of verify_mask alone on the sensor (pump off,
 *              exhaust shut, only that zone open), foot first: after two
 *              fresh conversions the reading is the zone's own pressure
 *              (measured).  Above the residual the vent runs again (a
 *              venting manifold reads lower than the zones draining into
 *              it), until 2 x vent_ms, then STUCK_INFLATED.  A zone in
 *              pulse_mask (it had air) then gets a one-tick puff from the
 *              pump and is read again: a valve that opens lets the puff
 *              into the zone (< 1 mmHg), one stuck shut leaves it in the
 *              small manifold (~30 mmHg) -> ZONE_STUCK_CLOSED for that zone
 *              (the supervisor may see the same puff first as a
 *              blocked-hose rate; the station names it the same).
 *   4. FLUSH   (final plans) the zones that had air open to the exhaust
 *              again for VENT_FLUSH_MS: read at or under the residual, they
 *              drain to near zero before the station is free, and a shut
 *              zone opened next gets nothing of what they still held.
 *   5. OPEN    (final plans) the shut zones open too, and are read alone.
 *   6. DONE    final plans end with every output de-energised; others with
 *              the VENT outputs (the session's rest).
 * Without a trusted sensor (none fitted, or a sensor fault) the vent is
 * timed (timed_ms, the shut zones still shut until it ends) and nothing is
 * verified.
 *
 * Pure logic, time as input, a plain struct embedded in a station or a
 * session.  The control thread owns it.
 */
#ifndef KIOSK_CORE_VENT_H
#define KIOSK_CORE_VENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"
#include "drivers/station_hw.h"

/* Fresh conversions a decision waits for after the valves move: the first
 * may have been taken before they did (an HX710B at 10 Hz). */
#define VENT_FRESH_READINGS 2u
/* A reading flat within this band over VENT_FLAT_READINGS conversions with
 * the exhaust open is not a boot venting. */
#define VENT_FLAT_MMHG 0.8
#define VENT_FLAT_READINGS 10u
/* After this long a vent whose reading is still above VENT_EXHAUST_HELD of
 * its peak never reached the air: the exhaust did not open (six zones
 * venting through it lose far more than that in a second). */
#define VENT_EXHAUST_CHECK_MS 1000u
#define VENT_EXHAUST_HELD 0.95
/* A puff into a zone whose valve opens raises it by under a millimetre;
 * left in the manifold alone it adds ~30 mmHg per tick. */
#define VENT_PUFF_CLOSED_RISE_MMHG 8.0
/* The first zone read of a vent lasts at least this long, so the
 * supervisor's relay check (pump off, exhaust shut) gets to look once per
 * vent: a welded pump is found even when the exhaust hides it otherwise. */
#define VENT_FIRST_READ_MS 600u
/* The vent step ends, after VENT_MIN_MS, at VENT_DOWN_FRACTION of the
 * residual, or under the residual once flat for VENT_FLAT_DOWN conversions
 * (a sensor with a small offset never reads lower).  A zone read above the
 * residual afterwards vents again, until 2 x vent_ms after the first vent:
 * then it is stuck inflated. */
#define VENT_DOWN_FRACTION 0.25
/* A vent keeps the exhaust open at least this long before any zone is read
 * (which shuts it): the zones drain through their valves slower than the
 * manifold, which may read near zero while they still hold air. */
#define VENT_MIN_MS 1000u
/* A zone read above the residual vents again on its own, at least this. */
#define VENT_REVENT_MIN_MS 200u
/* After the reads of a final plan, the zones that had air vent this long
 * more before the shut ones open (a zone read at 6 mmHg drains to well under
 * 1 in it). */
#define VENT_FLUSH_MS 2000u
/* A zone counts as verified when read this far under the residual. */
#define VENT_VERIFY_MARGIN_MMHG 2.0
#define VENT_FLAT_DOWN 5u

/* The seal check before a session (vent_begin_seal_check()): with every
 * valve and the exhaust shut, one tick of pump must raise the small manifold
 * by at least this much (it adds ~30 mmHg); a valve stuck open lets the puff
 * into a zone (< 1 mmHg), an exhaust stuck open or a dead pump lets nothing
 * stay: FAULT_MANIFOLD_LEAK, before a skipped zone or anything else gets
 * air. */
#define VENT_SEAL_MIN_RISE_MMHG 8.0

enum vent_status { VENT_BUSY, VENT_DONE, VENT_FAULT };

struct vent_plan {
	size_t zone_count;
	uint8_t open_mask;   /* opened with the exhaust to let their air out */
	uint8_t shut_mask;   /* kept shut while air is left; opened at the end of a final plan */
	uint8_t verify_mask; /* read alone afterwards */
	uint8_t pulse_mask;  /* of those, puffed first to prove the valve opens */
	bool final;          /* end with every output de-energised */
	bool trust_sensor;   /* false: a timed vent, nothing verified */
	unsigned int vent_ms;
	unsigned int timed_ms;
	double residual_mmhg;
};

struct vent {
	struct vent_plan p;
	int step;
	uint64_t step_ms;
	unsigned int fresh; /* fresh readings in this step */
	int zone;           /* the zone being read, -1 = none */
	uint8_t todo;       /* zones still to read */
	uint64_t first_vent_ms;
	unsigned int revents;
	/* the vent step's readings */
	bool have_start;
	double start_mmhg;
	double peak_mmhg;
	double flat_min, flat_max;
	unsigned int flat_count;
	int32_t first_raw;
	bool raw_changed;
	double last_mmhg; /* the last fresh reading */
	double pre_mmhg;  /* the last fresh reading before the puff */
	bool first_read_done;
	bool flushed;
	bool shut_opened;
	uint8_t aired_mask; /* open_mask as planned (a re-vent narrows open_mask) */
	/* results */
	uint8_t verified; /* zones read at or below the residual */
	uint8_t measured; /* zones whose zone_mmhg was read alone */
	double zone_mmhg[STATION_MAX_ZONES];
	enum fault_code fault;
	int fault_zone;
	struct station_outputs out; /* what the valves and pump must be now */
};

/* Start the sequence at now_ms; v->out holds its first outputs at once, so
 * a stop that begins a vent reaches the valves in the same call. */
void vent_begin(struct vent *v, const struct vent_plan *plan, uint64_t now_ms);

/* The seal check: read the shut manifold, puff one tick, read again;
 * VENT_DONE leaves the manifold open to the exhaust, every zone shut. */
void vent_begin_seal_check(struct vent *v, size_t zone_count, uint64_t now_ms);

/* Advance with this tick's control reading.  VENT_BUSY: apply v->out.
 * VENT_DONE: finished (v->verified says which zones were verified).
 * VENT_FAULT: v->fault (and v->fault_zone) say what was found; the caller
 * vents everything. */
enum vent_status vent_step(struct vent *v, uint64_t now_ms, const struct pressure_reading *r);

/* The zone being puffed or read alone now, or -1. */
int vent_reading_zone(const struct vent *v);

/* True while the pump is on for a puff. */
bool vent_puffing(const struct vent *v);

#endif

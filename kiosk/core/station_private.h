/* SPDX-License-Identifier: MIT */
/*
 * Inside one station: the struct shared by the state machine (station.c)
 * and the command handlers (station_cmd.c).  Not part of the contract; only
 * those two files include it.
 */
#ifndef KIOSK_CORE_STATION_PRIVATE_H
#define KIOSK_CORE_STATION_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/safety.h"
#include "core/session.h"
#include "core/station.h"
#include "core/vent.h"

/* Zone targets stay this far under the ceiling, so the overshoot of one
 * tick of pump flow and the sensor noise never touch the overpressure trip. */
#define STATION_TARGET_MARGIN_MMHG 5.0

struct station {
	struct station_context ctx;
	const struct kiosk_limits *limits;
	size_t zone_count;
	bool has_sensor;

	enum station_state state;
	uint64_t state_since_ms;
	uint64_t activity_ms; /* last member activity (setup/screening/ready) */

	/* The member's choice. */
	const struct program *program;
	int program_index;
	unsigned int duration_s;
	double target_mmhg;
	uint8_t member_skip_mask;       /* zones the member left out */
	unsigned int member_boost_zone; /* 1-based, 0 = none */

	/* Screening: the answers never leave this struct. */
	struct screening_answers answers;
	unsigned int screening_index;
	enum screening_view screening_view;
	bool screening_passed;

	/* The running session. */
	struct session session;
	bool session_active;
	uint64_t start_ms;
	bool clock_started;
	uint64_t clock_start_ms;
	uint64_t paused_total_ms;
	uint64_t paused_at_clock_ms;
	uint64_t pause_since_ms;
	uint64_t pause_vented_ms; /* the pause's vent verified at; 0 = not yet */
	uint64_t pause_used_ms;   /* every past pause whole: the member's pause budget */
	uint64_t elapsed_final_ms;
	enum stop_reason last_stop;

	enum fault_code fault;
	enum fault_code parked_fault; /* a fault taken out of service */
	/* A member has worn the boots since the last confirmed cleaning: a
	 * fault reset or a return to service leads to NEEDS_CLEANING, never
	 * straight to IDLE. */
	bool boots_used;
	/* STATION_OUT_OF_SERVICE: the command's reason and who gave it. */
	char service_note[COMMAND_NOTE_MAX];
	char service_by[COMMAND_BY_MAX];

	/* The stop button (see STATION_BUTTON_STARTUP_MS). */
	bool ticked;            /* the first tick has run */
	uint64_t first_tick_ms; /* its time */
	bool button_held;       /* read pressed at the last tick */
	bool button_fault;      /* locked for an open stop circuit */

	struct station_outputs out;
	double manifold_mmhg;
	double zone_mmhg[STATION_MAX_ZONES];
	enum zone_reading zone_reading[STATION_MAX_ZONES];
	bool has_safety_sensor;
	double safety_mmhg;
	struct safety safety;

	/* The zones of the member's program (all zones outside a session's
	 * reach): the others are skipped and stay shut while air is left. */
	uint8_t used_mask;
	/* Zones read at or below the residual since they last had air.  The
	 * station is free only when every zone is in here. */
	uint8_t verified;
	/* The station's own vent (pause, end, fault, reset, return to
	 * service); the session's releases have theirs. */
	struct vent vent;
	bool vent_active;
	enum station_state after_vent; /* VENTING goes here once verified */
	int fault_zone;                /* -1 = none */
	bool pump_running;             /* pump sense read running at the last tick */
	bool sealing;                  /* START: the seal check runs before the first fill */
};

/* Faults whose cause may be the control sensor itself: the vent after one
 * is timed, and a reset leads out of service until the sensor is repaired
 * and the return to service verifies the boots. */
bool station_fault_blames_sensor(enum fault_code f);
/* Begin the station's own vent: final (every output de-energised at the
 * end), verify_zones read alone afterwards, on the sensor when trust. */
void station_begin_vent(struct station *st, uint64_t now_ms, uint8_t verify_zones, bool trust);
/* Enter VENTING: vent and verify every zone, then go to after. */
void station_vent_then(struct station *st, enum station_state after, uint64_t now_ms);
/* Raise a fault: vent, lock, tell. */
void station_fault(struct station *st, enum fault_code fault, int zone, uint64_t now_ms,
                   const struct event_sink *sink);

/* Leave the current state (its exit), enter next (its enter). */
void station_set_state(struct station *st, enum station_state next, uint64_t now_ms);
/* End the running or paused session: event, then VENTING (FAULT for STOP_FAULT). */
void station_end_session(struct station *st, enum stop_reason reason, uint64_t now_ms,
                         const struct event_sink *sink);
void station_emit(const struct station *st, const struct event_sink *sink, enum event_kind kind,
                  enum stop_reason reason, uint64_t now_ms);
/* Forget the answers, the question index and any pass. */
void station_wipe_screening(struct station *st);
/* min(limits.max_session_s, KIOSK_COMPILED_MAX_SESSION_S) in ms. */
uint64_t station_session_cap_ms(const struct station *st);
/* The member flow's time-out now (boots-on in READY, else idle). */
unsigned int station_flow_timeout_s(const struct station *st);
/* Session clock: from the first cycle at pressure, pauses excluded. */
uint64_t station_elapsed_ms(const struct station *st, uint64_t now_ms);
/* Pause time used in this session, the current pause included. */
uint64_t station_paused_ms(const struct station *st, uint64_t now_ms);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * One station's state machine and its safety supervisor, as pure logic:
 * time (now_ms), commands and pressure readings in; outputs and events out.
 * It never sleeps, never reads a clock and never touches hardware, so a
 * 45-minute session runs in milliseconds of virtual time in tests.
 *
 * The machine is table-driven (enter / tick / exit per enum station_state).
 * Every path out of RUNNING or PAUSED passes through the safe state; every
 * fault vents everything in the same tick it is detected and locks the
 * station in STATION_FAULT until a staff reset.
 *
 * Threading: owned by the control thread.
 */
#ifndef KIOSK_CORE_STATION_H
#define KIOSK_CORE_STATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/settings.h"
#include "core/protocol.h"
#include "core/program.h"
#include "core/screening.h"

struct station;

/* A member's own zone choice (CMD_ADJUST with set_zones, in setup): skip any
 * zones the program does not already skip as long as one zone is left, and
 * boost one used zone by this much when the program has no boost of its
 * own.  Zone targets stay clamped under the ceiling as for any program. */
#define STATION_MEMBER_BOOST_MMHG 10.0

struct event_sink {
	/* Called synchronously for each event (seq and wall_ms are filled in by
	 * the sink's owner).  Must not block. */
	void (*emit)(void *ctx, const struct kiosk_event *ev);
	void *ctx;
};

struct station_context {
	const struct kiosk_config *config; /* limits, staff PIN */
	const struct station_config *station;
	const struct program_set *programs;
	const struct screening_set *screening;
	unsigned int index; /* 0-based, for events */
};

/* What the station reads in one tick. */
struct station_inputs {
	struct pressure_reading pressure; /* manifold (control) sensor; PRESSURE_ABSENT without */
	struct pressure_reading safety;   /* independent safety sensor; PRESSURE_ABSENT without */
	bool stop_button;                 /* pressed since the last tick, or held now */
	int pump_sense;                   /* -1 not wired, 0 stopped, 1 running */
};

/* A stop button that reads pressed this soon after the station's first
 * tick is an open normally-closed circuit (a wiring fault), not a member:
 * FAULT_STOP_BUTTON, and RESET_FAULT is refused (CMD_ERR_BAD_STATE) while it
 * still reads pressed.  Counted from the first tick, not from create: the
 * caller may spend seconds (UI setup) between the two.  Later, a press stops
 * a running or paused session (STOP_BUTTON). */
#define STATION_BUTTON_STARTUP_MS 1000u

struct station *station_create(const struct station_context *ctx, uint64_t now_ms);
void station_destroy(struct station *st); /* wipes any screening answers; NULL ok */

/* Apply one command.  Emits the domain events it causes (not the command
 * result, which the caller reports).  Commands that would be unsafe in the
 * current state are refused with a status, never half-applied.
 * Screening commands (BEGIN_SCREENING, ANSWER, SCREENING_BACK,
 * STAFF_APPROVE) and START are accepted from SOURCE_UI and SOURCE_INTERNAL
 * only: health answers never travel over MQTT and nothing remote skips them.
 * START outside READY gives CMD_ERR_NOT_SCREENED (idle, setup, screening) or
 * CMD_ERR_BAD_STATE.  The PIN of STAFF_APPROVE is read, never copied; the
 * caller wipes its command.  SELECT_PROGRAM gives CMD_ERR_BAD_ARGUMENT for
 * a program whose skip_zones leave out every zone of this station (it
 * could never start).  RESET_FAULT and IN_SERVICE lead to
 * NEEDS_CLEANING instead of IDLE when a member wore the boots since the last
 * CLEANED. */
enum command_status station_command(struct station *st, const struct command *cmd, uint64_t now_ms,
                                    const struct event_sink *sink);

/* station_command() for a caller that has already checked the PIN of a
 * CMD_STAFF_APPROVE (pin_ok): the controller runs kiosk_config_pin_matches()
 * on the submitting thread, so a slow crypt(3) hash never delays the control
 * loop.  The verdict reaches the handler as an argument; pin_ok is ignored
 * for every other action. */
enum command_status station_command_pin_checked(struct station *st, const struct command *cmd,
                                                bool pin_ok, uint64_t now_ms,
                                                const struct event_sink *sink);

/* The outputs the station wants now (after a command, between ticks). */
void station_current_outputs(const struct station *st, struct station_outputs *out);

/* One tick: the stop button, then safety against the readings, then the
 * session; out gets what the outputs must be now.  in NULL = no sensor
 * reading and no button. */
void station_tick(struct station *st, uint64_t now_ms, const struct station_inputs *in,
                  struct station_outputs *out, const struct event_sink *sink);

/* True when the station needs no fast supervision: no session, every output
 * at its de-energised level and nothing left to vent or verify.  The
 * controller then ticks at its idle rate (see controller.h). */
bool station_quiet(const struct station *st);

/* The hardware refused a write: fault the station (FAULT_HARDWARE). */
void station_hardware_failed(struct station *st, uint64_t now_ms, const struct event_sink *sink);

/* Raise a fault from outside the machine (e.g. an NC stop circuit open at
 * start): vents and locks like any fault. */
void station_raise_fault(struct station *st, enum fault_code fault, uint64_t now_ms,
                         const struct event_sink *sink);

/* Fill a snapshot (never includes screening answers). */
void station_snapshot(const struct station *st, uint64_t now_ms, struct station_snapshot *out);

enum station_state station_state(const struct station *st);

/* At start only (before the first tick): put the station into the service
 * state a previous run left (FAULT with its code, else OUT_OF_SERVICE, else
 * NEEDS_CLEANING), outputs safe.  No event is emitted. */
void station_restore(struct station *st, const struct station_service *sv, uint64_t now_ms);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The words the screens use for the core's vocabulary, marked for
 * translation: station states, how a session ended, fault texts for the
 * member and advice for the technician, reasons for out of service and the
 * intensity of a pressure.  Each returns a translated string (tr()).
 *
 * Threading: UI (main) thread only (tr()).
 */
#ifndef KIOSK_UI_WORDS_H
#define KIOSK_UI_WORDS_H

#include <stdbool.h>

#include "core/protocol.h"

/* "Free", "In use", ... */
const char *words_state(enum station_state s);
/* How a session ended, in the member's words ("Completed", "You stopped
 * it", ...). */
const char *words_stop(enum stop_reason r);

struct fault_words {
	const char *member;   /* what happened and what to do, for the member */
	const char *detected; /* technician: what the controller saw */
	const char *check;    /* technician: what to check */
	const char *reset;    /* technician: what a reset does */
};
/* The texts of a fault code; false (and generic texts) for a code without
 * its own (a code newer than this table). */
bool words_fault(enum fault_code f, struct fault_words *w);

/* The reasons the staff screen offers for out of service: the note sent
 * with CMD_OUT_OF_SERVICE ("repair", ...), index 0 .. WORDS_REASONS - 1. */
#define WORDS_REASONS 5
const char *words_reason_note(size_t i);
/* A station's out-of-service note in words: a note the screen offers is
 * translated; one typed elsewhere (MQTT) is shown as it is; "" is "Not
 * available right now". */
const char *words_service_reason(const char *note);

/* "Light", "Medium" or "Firm": where target lies in [min, max]. */
const char *words_intensity(double target, double min, double max);

#endif

/* SPDX-License-Identifier: MIT */
/* Member flows through the real kiosk, shared by the Xvfb UI tests: every
 * step is a real click, followed by waiting for the station's MQTT state and
 * for the next screen to be drawn.  Each returns true when every step held. */
#ifndef TESTS_UI_FLOWS_H
#define TESTS_UI_FLOWS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/model.h"
#include "xharness.h"

/* Overview -> station card -> program (index on the first page) -> adjust
 * screen with the station in "setup".  shot: screenshot prefix or NULL. */
bool flow_choose_program(struct xh *x, size_t station, size_t program, const char *shot);

/* Adjust -> Continue -> first question drawn, station in "screening". */
bool flow_begin_screening(struct xh *x, size_t station, const char *shot);

/* Answer every screen of the screening from the first, as a member would:
 * Yes only for question yes_index (SIZE_MAX for none: "No, none of these"
 * on every group), "I agree" to the acknowledgements; after a Yes to a
 * group, which one, and No to the rest of it.  Stops after a Yes to an
 * absolute question.  Waits until each screen is drawn before a tap. */
bool flow_answer(struct xh *x, size_t station, size_t yes_index, const char *shot);

/* Wait until screen number (0-based) of total is on screen s (QUESTION or
 * AGREE): its progress segment filled, the next one not, Yes drawn. */
bool flow_wait_unit(struct xh *x, size_t number, size_t total, enum ui_screen s);
/* Wait until the "which one" screen with items list buttons is drawn. */
bool flow_wait_which(struct xh *x, size_t items);

/* The station is back in "idle" and the overview is drawn: Staff, and the
 * station's card as free. */
bool flow_back_to_overview(struct xh *x, size_t station);

/* Type a PIN on the keypad and press OK. */
bool flow_type_pin(struct xh *x, const char *pin);

/* Index of the first question of a class, SIZE_MAX if none. */
size_t flow_first_question(const struct xh *x, enum screening_class cls);

#endif

/* SPDX-License-Identifier: MIT */
/* Screening questions, blocked, staff approval and the PIN keypad. */
#ifndef KIOSK_UI_SCREENS_SCREENING_H
#define KIOSK_UI_SCREENS_SCREENING_H

#include "ui/screen.h"

extern const struct screen_ops screen_question_ops, screen_which_ops, screen_agree_ops,
    screen_blocked_ops, screen_approval_ops, screen_pin_ops;

#endif

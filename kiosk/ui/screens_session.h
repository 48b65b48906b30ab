/* SPDX-License-Identifier: MIT */
/* Boots on, running, finished, fault and out-of-service screens. */
#ifndef KIOSK_UI_SCREENS_SESSION_H
#define KIOSK_UI_SCREENS_SESSION_H

#include "ui/screen.h"

extern const struct screen_ops screen_boots_on_ops, screen_running_ops, screen_finished_ops,
    screen_fault_ops, screen_out_of_service_ops;

#endif

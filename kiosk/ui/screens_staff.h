/* SPDX-License-Identifier: MIT */
/* Staff mode: every station, and one station's page. */
#ifndef KIOSK_UI_SCREENS_STAFF_H
#define KIOSK_UI_SCREENS_STAFF_H

#include "ui/screen.h"

extern const struct screen_ops screen_staff_ops, screen_staff_station_ops, screen_staff_fault_ops,
    screen_service_reason_ops;

#endif

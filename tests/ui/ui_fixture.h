/* SPDX-License-Identifier: MIT */
/*
 * Fake data for the UI tests and the benchmark: a config, programs,
 * screening questions and snapshots in every state, built in memory so the
 * screens can be rendered without a controller.
 */
#ifndef TESTS_UI_FIXTURE_H
#define TESTS_UI_FIXTURE_H

#include <stddef.h>

#include "config/config.h"
#include "core/protocol.h"
#include "core/program.h"
#include "core/screening.h"

#define FIXTURE_PIN "2468"

struct ui_fixture {
	struct kiosk_config config;
	struct program_set programs;
	struct screening_set screening;
	struct kiosk_snapshot snap;
};

/* Config with w x h display, staff PIN FIXTURE_PIN, idle time-out 60 s;
 * five programs; four screening questions; a snapshot of n stations, idle. */
void ui_fixture_init(struct ui_fixture *f, unsigned int w, unsigned int h, size_t stations);

/* Put station i in a state with plausible data (a session at t seconds in,
 * pressures along the wave). */
void ui_fixture_station(struct ui_fixture *f, size_t i, enum station_state s);

/* The shipped programs and screening questions (assets/programs.conf, assets/screening.conf)
 * instead of the in-memory ones: words the catalogues translate. */
void ui_fixture_use_assets(struct ui_fixture *f);

/* Advance the fake session by dt_ms: moves the wave and the countdown. */
void ui_fixture_animate(struct ui_fixture *f, unsigned int dt_ms);

#endif

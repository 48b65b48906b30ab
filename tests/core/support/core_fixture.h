/* SPDX-License-Identifier: MIT */
/*
 * Shared fixtures for the control-core tests: a config with defaults and
 * simulated stations, a hand-made program set and screening set (the real
 * ones come from assets/ in the whole-session tests), an event recorder and
 * a tiny deterministic pneumatic model for station unit tests.
 */
#ifndef TESTS_CORE_FIXTURE_H
#define TESTS_CORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/protocol.h"
#include "core/program.h"
#include "core/screening.h"
#include "core/station.h"

/* The staff PIN whose hash fixture_config() stores. */
#define FIXTURE_STAFF_PIN "2468"

/* Defaults, staff PIN FIXTURE_STAFF_PIN, station_count stations of zones
 * zones each on chip "gpiochip<i>" (pump 0, exhaust 1, zones 2..), with a
 * SENSOR_SIM sensor when with_sensor. */
void fixture_config(struct kiosk_config *cfg, size_t station_count, size_t zones, bool with_sensor);

/* Index in fixture_programs(): */
enum fixture_program {
	FIXTURE_PULSE,    /* sequential pulse, 40 mmHg, gradient 5, hold 2 s, rest 1 s, 20 min */
	FIXTURE_GRADIENT, /* gradient hold, 50 mmHg, gradient 5, hold 5 s, rest 2 s, 25 min */
	FIXTURE_SKIP,     /* gradient hold, zone 2 skipped, boost zone 1 +10 */
	FIXTURE_PROGRAM_COUNT
};
void fixture_programs(struct program_set *set);

/* Questions: 0 absolute, 1 relative, 2 absolute, 3 acknowledge. */
enum { FIXTURE_Q_ABS = 0, FIXTURE_Q_REL = 1, FIXTURE_Q_ABS2 = 2, FIXTURE_Q_ACK = 3 };
void fixture_screening(struct screening_set *set);

/* Events recorded by a sink. */
#define RECORDER_MAX 256
struct recorder {
	struct kiosk_event ev[RECORDER_MAX];
	size_t count;
};
struct event_sink recorder_sink(struct recorder *rec);
/* How many recorded events of this kind; the last one in *last (may be NULL). */
size_t recorder_count(const struct recorder *rec, enum event_kind kind,
                      const struct kiosk_event **last);

/* A command with the given action for station 0 from the UI. */
struct command fixture_cmd(enum command_action action);

/* ---- tiny pneumatic model ------------------------------------------------
 * Each open zone connected to a running pump with a shut exhaust rises at
 * fill_rate_mmhg_per_s; with the exhaust open, open zones fall at
 * vent_rate_mmhg_per_s.  The manifold reads the highest open zone; with
 * every zone shut it keeps its value, rises at 1500 mmHg/s under the pump
 * with the exhaust shut, and falls to zero with the exhaust open.  Deterministic, no noise unless
 * noise_mmhg (alternating +/-). */
struct toy_model {
	size_t zone_count;
	double zone_mmhg[STATION_MAX_ZONES];
	double manifold_mmhg;
	double fill_rate_mmhg_per_s;
	double vent_rate_mmhg_per_s;
	double noise_mmhg;
	bool disconnected; /* zones never hold air */
	bool blocked;      /* the pump fills only the manifold, very fast */
	bool stuck_closed; /* exhaust and zone valves never open to vent */
	unsigned int flip;
	int32_t raw;
};
void toy_model_init(struct toy_model *m, size_t zone_count);
/* Advance dt_ms with outputs, then produce a reading. */
void toy_model_step(struct toy_model *m, const struct station_outputs *out, unsigned int dt_ms,
                    struct pressure_reading *reading);

/* A station under test: station + toy model + clock + recorder. */
struct rig {
	struct kiosk_config cfg;
	struct program_set programs;
	struct screening_set screening;
	struct station *st;
	struct toy_model model;
	struct recorder rec;
	struct event_sink sink;
	struct station_outputs out;
	struct pressure_reading reading;
	uint64_t now_ms;
	/* The safety sensor's reading (PRESSURE_ABSENT unless a test sets it)
	 * and the stop button, as the next ticks read them. */
	struct pressure_reading safety;
	bool button;
	/* Overrides the model's reading when set. */
	bool force_reading;
	struct pressure_reading forced;
};
/* Heap-allocated (it is large); rig_free() frees. */
struct rig *rig_new(size_t zones, bool with_sensor);
void rig_free(struct rig *r);
/* One 20 ms tick: model advances with the current outputs, station ticks. */
void rig_tick(struct rig *r);
/* Tick until the station reaches state or max_ms of virtual time pass;
 * true when reached. */
bool rig_run_until_state(struct rig *r, enum station_state state, uint64_t max_ms);
void rig_run_ms(struct rig *r, uint64_t ms);
enum command_status rig_cmd(struct rig *r, const struct command *cmd);
enum command_status rig_do(struct rig *r, enum command_action action);
/* Select a program, pass the screening with all No (Yes to the
 * acknowledgement) and land in READY.  Asserts on the way. */
void rig_to_ready(struct rig *r, unsigned int program_index);
/* rig_to_ready + START, then ticks through the seal check (with a sensor)
 * to the first fill. */
void rig_start(struct rig *r, unsigned int program_index);

#endif

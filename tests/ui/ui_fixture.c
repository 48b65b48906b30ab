/* SPDX-License-Identifier: MIT */
#include "ui_fixture.h"

#include "config/program_load.h"
#include "config/screening_load.h"

#include <crypt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static void add_program(struct program_set *set, const char *id, const char *name, const char *desc,
                        double mmhg, unsigned int min, unsigned int lo, unsigned int hi)
{
	struct program *p = &set->items[set->count++];

	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->description, sizeof(p->description), "%s", desc);
	p->pattern = PATTERN_SEQUENTIAL_PULSE;
	p->target_mmhg = mmhg;
	p->gradient_mmhg = 5;
	p->hold_ms = 30000;
	p->rest_ms = 15000;
	p->duration_s = min * 60;
	p->duration_min_s = lo * 60;
	p->duration_max_s = hi * 60;
	p->intensity_min_mmhg = mmhg - 10;
	p->intensity_max_mmhg = mmhg + 10;
	p->intensity_step_mmhg = 5;
}

static void add_question(struct screening_set *set, const char *id, enum screening_class cls,
                         const char *text)
{
	struct screening_question *q = &set->items[set->count++];

	memset(q, 0, sizeof(*q));
	snprintf(q->id, sizeof(q->id), "%s", id);
	q->cls = cls;
	snprintf(q->text[0], sizeof(q->text[0]), "%s", text);
}

void ui_fixture_init(struct ui_fixture *f, unsigned int w, unsigned int h, size_t stations)
{
	struct crypt_data cd;
	const char *hash;

	memset(f, 0, sizeof(*f));
	kiosk_config_defaults(&f->config);
	f->config.display.width = w;
	f->config.display.height = h;
	f->config.display.diagonal_mm = 178;
	snprintf(f->config.display.language, sizeof(f->config.display.language), "en");
	f->config.limits.idle_timeout_s = 60;
	memset(&cd, 0, sizeof(cd));
	hash = crypt_r(FIXTURE_PIN, "$6$uitestsalt$", &cd);
	snprintf(f->config.staff_pin_hash, sizeof(f->config.staff_pin_hash), "%s",
	         hash ? hash : "");

	add_program(&f->programs, "beginner", "Beginner",
	            "Gentle pressure to get used to compression.", 35, 20, 10, 30);
	add_program(&f->programs, "recovery", "Post-run recovery",
	            "Standard recovery after a run or a leg day.", 50, 25, 15, 30);
	add_program(&f->programs, "advanced", "High mileage",
	            "Firmer and longer, for heavy training weeks.", 60, 35, 20, 40);
	add_program(&f->programs, "priming", "Pre-run priming",
	            "Short and light to wake the legs up before a run.", 40, 15, 10, 20);
	add_program(&f->programs, "marathon", "Marathon week",
	            "Long, steady session for peak training or race week.", 50, 45, 30, 45);

	add_question(&f->screening, "clot", SCREENING_ABSOLUTE,
	             "Have you ever had a blood clot in your leg or lung?");
	add_question(&f->screening, "heart", SCREENING_ABSOLUTE,
	             "Do you have heart failure or fluid on the lungs?");
	add_question(&f->screening, "pregnant", SCREENING_RELATIVE, "Are you pregnant?");
	add_question(&f->screening, "ack", SCREENING_ACKNOWLEDGE,
	             "I will stop at once if I feel numbness, tingling or pain, and I am in "
	             "good health to use compression.");

	f->snap.seq = 1;
	f->snap.station_count = stations;
	for (size_t i = 0; i < stations; i++) {
		struct station_snapshot *st = &f->snap.stations[i];
		st->index = (unsigned int)i;
		snprintf(st->name, sizeof(st->name), "Station %zu", i + 1);
		st->program_index = -1;
		st->zone_count = 5;
		st->active_zone = -1;
		st->has_sensor = true;
		st->state = STATION_IDLE;
	}
}

void ui_fixture_station(struct ui_fixture *f, size_t i, enum station_state s)
{
	struct station_snapshot *st = &f->snap.stations[i];
	const struct program *p = &f->programs.items[1];

	st->state = s;
	st->program_index = s == STATION_IDLE || s == STATION_OUT_OF_SERVICE ? -1 : 1;
	if (st->program_index >= 0) {
		snprintf(st->program_id, sizeof(st->program_id), "%s", p->id);
		snprintf(st->program_name, sizeof(st->program_name), "%s", p->name);
		st->target_mmhg = p->target_mmhg;
		st->duration_s = p->duration_s;
	} else {
		st->program_id[0] = st->program_name[0] = '\0';
	}
	st->remaining_s = st->duration_s ? st->duration_s - 7 * 60 - 18 : 0;
	st->elapsed_s = st->duration_s - st->remaining_s;
	st->clock_started = true;
	st->screening_count = (unsigned int)f->screening.count;
	st->screening_index = 1;
	st->screening_view = SCREENING_VIEW_ASKING;
	st->fault = FAULT_NONE;
	st->fault_message[0] = '\0';
	st->active_zone = -1;
	for (size_t z = 0; z < st->zone_count; z++) {
		st->zone_target_mmhg[z] = st->target_mmhg - 5.0 * (double)z;
		st->zone_mmhg[z] = 0;
	}
	st->phase = PHASE_NONE;
	st->manifold_mmhg = 0;
	if (s == STATION_RUNNING || s == STATION_PAUSED) {
		st->phase = PHASE_FILL;
		st->active_zone = 2;
		st->zone_mmhg[0] = st->zone_target_mmhg[0];
		st->zone_mmhg[1] = st->zone_target_mmhg[1] - 1;
		st->zone_mmhg[2] = st->zone_target_mmhg[2] * 0.6;
		st->manifold_mmhg = st->zone_mmhg[2];
		st->pause_left_s = s == STATION_PAUSED ? 240 : 0;
	}
	if (s == STATION_VENTING) {
		for (size_t z = 0; z < st->zone_count; z++)
			st->zone_mmhg[z] = 12.0 - 2.0 * (double)z;
		st->phase = PHASE_RELEASE;
	}
	if (s == STATION_NEEDS_CLEANING)
		st->last_stop = STOP_COMPLETED;
	if (s == STATION_FAULT) {
		st->fault = FAULT_LEAK;
		snprintf(st->fault_message, sizeof(st->fault_message),
		         "Leak detected: check the hose is clicked in. Staff has been notified.");
	}
	f->snap.seq++;
}

void ui_fixture_animate(struct ui_fixture *f, unsigned int dt_ms)
{
	f->snap.now_ms += dt_ms;
	for (size_t i = 0; i < f->snap.station_count; i++) {
		struct station_snapshot *st = &f->snap.stations[i];
		double t = (double)f->snap.now_ms / 1000.0;

		if (st->state != STATION_RUNNING)
			continue;
		st->active_zone = (int)((unsigned long)(t / 2.0) % st->zone_count);
		for (size_t z = 0; z < st->zone_count; z++) {
			double phase = t - 2.0 * (double)z;
			st->zone_mmhg[z] = st->zone_target_mmhg[z] * (0.5 + 0.5 * sin(phase));
		}
		st->manifold_mmhg = st->zone_mmhg[st->active_zone];
		st->remaining_s =
		    st->duration_s - (unsigned int)(f->snap.now_ms / 1000u) % st->duration_s;
	}
	f->snap.seq++;
}

void ui_fixture_use_assets(struct ui_fixture *f)
{
	char err[512];

	if (program_set_load(&f->programs, KIOSK_SOURCE_ASSETS "/programs.conf", &f->config.limits,
	                     err, sizeof(err)) < 0 ||
	    screening_set_load(&f->screening, KIOSK_SOURCE_ASSETS "/screening.conf", err,
	                       sizeof(err)) < 0)
		fail_msg("%s", err);
	for (size_t i = 0; i < f->snap.station_count; i++)
		f->snap.stations[i].screening_count = (unsigned int)f->screening.count;
}

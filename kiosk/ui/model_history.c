/* SPDX-License-Identifier: MIT */
/*
 * What the UI remembers of sessions: the wave each station delivered (for
 * the member's summary) and the day's counts (for staff).  Only machine
 * figures: no answers, nothing about who sat there.
 */
#include <string.h>
#include <time.h>

#include "ui/model.h"

static int today(uint64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000u);
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_year * 400 + tm.tm_yday;
}

static double highest_zone(const struct station_snapshot *st)
{
	double p = st->manifold_mmhg;

	for (size_t z = 0; z < st->zone_count && z < STATION_MAX_ZONES; z++)
		if (st->zone_mmhg[z] > p)
			p = st->zone_mmhg[z];
	return p > 0 ? p : 0;
}

void model_history_snapshot(struct ui_model *md)
{
	for (size_t i = 0; md->snap && i < md->snap->station_count && i < UI_MAX_CARDS; i++) {
		const struct station_snapshot *st = &md->snap->stations[i];
		struct session_trace *t = &md->trace[i];
		bool in_session = st->state == STATION_RUNNING || st->state == STATION_PAUSED;
		enum station_state was = md->prev_state[i];

		if (in_session && was != STATION_RUNNING && was != STATION_PAUSED) {
			memset(t, 0, sizeof(*t));
			t->active = true;
		}
		if (in_session && st->duration_s > 0) {
			size_t k = (size_t)st->elapsed_s * UI_TRACE_POINTS / st->duration_s;
			float p = (float)highest_zone(st);

			if (k >= UI_TRACE_POINTS)
				k = UI_TRACE_POINTS - 1;
			if (p > t->mmhg[k])
				t->mmhg[k] = p;
			t->duration_s = st->duration_s;
			t->elapsed_s = st->elapsed_s;
			t->target_mmhg = st->target_mmhg;
		} else if (t->active &&
		           (st->state == STATION_VENTING || st->state == STATION_NEEDS_CLEANING ||
		            st->state == STATION_FAULT)) {
			/* The final figure the core kept for the session. */
			if (st->elapsed_s > t->elapsed_s)
				t->elapsed_s = st->elapsed_s;
		}
		if (st->state == STATION_IDLE)
			t->active = false;
		md->prev_state[i] = st->state;
	}
}

void model_history_event(struct ui_model *md, const struct kiosk_event *ev)
{
	struct station_stats *s;
	int day;

	if (ev->station >= UI_MAX_CARDS)
		return;
	s = &md->stats[ev->station];
	day = today(ev->wall_ms);
	if (s->day != day) {
		s->day = day;
		s->sessions_today = 0;
		s->seconds_today = 0;
	}
	switch (ev->kind) {
	case EVENT_SESSION_COMPLETED:
	case EVENT_SESSION_STOPPED:
		s->sessions_today++;
		s->seconds_today += ev->elapsed_s;
		s->last_session_wall_ms = ev->wall_ms;
		s->last_elapsed_s = ev->elapsed_s;
		s->last_reason = ev->reason;
		memcpy(s->last_program, ev->program_id, sizeof(s->last_program));
		s->last_program[sizeof(s->last_program) - 1] = '\0';
		break;
	case EVENT_CLEANED:
		s->last_cleaned_wall_ms = ev->wall_ms;
		break;
	case EVENT_FAULT_RAISED:
		s->fault_seq = ev->seq;
		break;
	default:
		break;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * What one station shows: its snapshot for the UI, MQTT and the log.  Never
 * a screening answer; per-zone pressures say whether they were measured on
 * the zone alone or are estimates.
 */
#include <string.h>

#include "core/session.h"
#include "core/station.h"
#include "core/station_private.h"

static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void station_snapshot(const struct station *st, uint64_t now_ms, struct station_snapshot *out)
{
	memset(out, 0, sizeof(*out));
	out->index = st->ctx.index;
	copy_str(out->name, sizeof(out->name), st->ctx.station->name);
	out->state = st->state;
	out->program_index = st->program_index;
	if (st->program != NULL) {
		copy_str(out->program_id, sizeof(out->program_id), st->program->id);
		copy_str(out->program_name, sizeof(out->program_name), st->program->name);
		out->target_mmhg = st->target_mmhg;
		out->duration_s = st->duration_s;
	}
	out->zone_count = st->zone_count;
	out->active_zone = -1;
	if (st->program != NULL) {
		out->skip_mask = (uint8_t)(st->program->skip_mask | st->member_skip_mask);
		out->boost_zone =
		    st->member_boost_zone ? st->member_boost_zone : st->program->boost_zone;
		out->boost_mmhg =
		    st->member_boost_zone ? STATION_MEMBER_BOOST_MMHG : st->program->boost_mmhg;
	}
	if (st->session_active) {
		uint64_t el = station_elapsed_ms(st, now_ms);
		uint64_t dur = (uint64_t)st->duration_s * 1000u;

		out->phase = st->state == STATION_RUNNING ? st->session.phase : PHASE_NONE;
		out->clock_started = st->clock_started;
		out->elapsed_s = (unsigned int)(el / 1000u);
		out->remaining_s = el >= dur ? 0u : (unsigned int)((dur - el + 999u) / 1000u);
		if (st->state == STATION_RUNNING)
			out->active_zone = session_active_zone(&st->session);
		for (size_t k = 0; k < st->zone_count; k++)
			out->zone_target_mmhg[k] = session_zone_target(&st->session, k);
		if (st->state == STATION_PAUSED) {
			uint64_t used = station_paused_ms(st, now_ms);
			uint64_t max = (uint64_t)st->limits->max_pause_s * 1000u;

			out->pause_left_s =
			    used >= max ? 0u : (unsigned int)((max - used + 999u) / 1000u);
		}
	} else if (st->program != NULL) {
		out->elapsed_s = (unsigned int)(st->elapsed_final_ms / 1000u);
		out->remaining_s =
		    st->state == STATION_VENTING || st->state == STATION_NEEDS_CLEANING
		        ? 0u
		        : st->duration_s;
	}
	for (size_t k = 0; k < st->zone_count; k++) {
		out->zone_mmhg[k] = st->has_sensor ? st->zone_mmhg[k] : 0.0;
		out->zone_reading[k] = st->has_sensor ? st->zone_reading[k] : ZONE_READING_NONE;
	}
	out->zones_verified = st->verified == (uint8_t)((1u << st->zone_count) - 1u) &&
	                      st->has_sensor && !st->vent_active;
	out->manifold_mmhg = st->manifold_mmhg;
	out->has_sensor = st->has_sensor;
	out->has_safety_sensor = st->has_safety_sensor;
	out->safety_mmhg = st->safety_mmhg;
	out->outputs = st->out;
	out->fault = st->fault;
	out->fault_zone = st->fault != FAULT_NONE ? st->fault_zone : -1;
	out->parked_fault = st->parked_fault;
	if (st->state == STATION_OUT_OF_SERVICE) {
		copy_str(out->service_note, sizeof(out->service_note), st->service_note);
		copy_str(out->service_by, sizeof(out->service_by), st->service_by);
	}
	copy_str(out->fault_message, sizeof(out->fault_message),
	         st->fault == FAULT_NONE ? "" : fault_code_message(st->fault));
	out->last_stop = st->last_stop;
	out->screening_index = st->screening_index;
	out->screening_count =
	    st->ctx.screening != NULL ? (unsigned int)st->ctx.screening->count : 0;
	out->screening_view = st->screening_view;
	if (st->state == STATION_SETUP || st->state == STATION_SCREENING ||
	    st->state == STATION_READY) {
		uint64_t limit = (uint64_t)station_flow_timeout_s(st) * 1000u;
		uint64_t idle = now_ms - st->activity_ms;

		out->idle_left_s =
		    idle >= limit ? 0u : (unsigned int)((limit - idle + 999u) / 1000u);
	}
}

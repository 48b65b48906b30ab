/* SPDX-License-Identifier: MIT */
/* Shared fixtures for the control-core tests; see core_fixture.h. */
#include "core_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TICK_MS 20u

void fixture_config(struct kiosk_config *cfg, size_t station_count, size_t zones, bool with_sensor)
{
	kiosk_config_defaults(cfg);
	snprintf(cfg->staff_pin_hash, sizeof(cfg->staff_pin_hash), "%s",
	         "$6$kiosktest$MafER1boO5p5sibD1maxwT81ZR64QNS1LVluZLMAGFsnM1FV2zYTlWQIRR/"
	         "T0S4qDxlEMqtgLzJkx5zkYX.Bx1");
	cfg->station_count = station_count;
	for (size_t i = 0; i < station_count; i++) {
		struct station_config *s = &cfg->stations[i];
		struct station_pins *p = &s->pins;

		s->number = (unsigned int)i + 1u;
		snprintf(s->name, sizeof(s->name), "Station %zu", i + 1u);
		s->open_loop_fill_ms = 3000;
		snprintf(p->pump.chip, sizeof(p->pump.chip), "gpiochip%zu", i);
		p->pump.offset = 0;
		snprintf(p->exhaust.chip, sizeof(p->exhaust.chip), "gpiochip%zu", i);
		p->exhaust.offset = 1;
		p->zone_count = zones;
		for (size_t k = 0; k < zones; k++) {
			snprintf(p->zones[k].chip, sizeof(p->zones[k].chip), "gpiochip%zu", i);
			p->zones[k].offset = 2u + (unsigned int)k;
		}
		p->sensor = with_sensor ? SENSOR_SIM : SENSOR_NONE;
		p->sensor_mmhg_per_count = 0.0;
	}
}

static void program_fill(struct program *p, const char *id, enum program_pattern pattern,
                         double target, unsigned int hold_ms, unsigned int rest_ms,
                         unsigned int duration_s)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->name, sizeof(p->name), "Test %s", id);
	p->pattern = pattern;
	p->target_mmhg = target;
	p->gradient_mmhg = 5.0;
	p->hold_ms = hold_ms;
	p->rest_ms = rest_ms;
	p->duration_s = duration_s;
	p->duration_min_s = 10u * 60u;
	p->duration_max_s = 30u * 60u;
	p->intensity_min_mmhg = target - 10.0;
	p->intensity_max_mmhg = target + 15.0;
	p->intensity_step_mmhg = 5.0;
	p->warmup_cycles = 1;
	p->warmup_factor = 0.8;
}

void fixture_programs(struct program_set *set)
{
	memset(set, 0, sizeof(*set));
	program_fill(&set->items[FIXTURE_PULSE], "pulse", PATTERN_SEQUENTIAL_PULSE, 40.0, 2000,
	             1000, 20u * 60u);
	program_fill(&set->items[FIXTURE_GRADIENT], "gradient", PATTERN_GRADIENT_HOLD, 50.0, 5000,
	             2000, 25u * 60u);
	program_fill(&set->items[FIXTURE_SKIP], "skip", PATTERN_GRADIENT_HOLD, 50.0, 3000, 2000,
	             15u * 60u);
	set->items[FIXTURE_SKIP].skip_mask = 1u << 1;
	set->items[FIXTURE_SKIP].boost_zone = 1;
	set->items[FIXTURE_SKIP].boost_mmhg = 10.0;
	set->count = FIXTURE_PROGRAM_COUNT;
}

void fixture_screening(struct screening_set *set)
{
	static const struct {
		const char *id;
		enum screening_class cls;
		const char *text;
	} q[] = {
	    {"clot", SCREENING_ABSOLUTE, "Have you ever had a blood clot in your leg or lung?"},
	    {"pregnant", SCREENING_RELATIVE, "Are you pregnant?"},
	    {"wound", SCREENING_ABSOLUTE, "Do you have an open wound on your legs?"},
	    {"ack", SCREENING_ACKNOWLEDGE, "I will stop at once on numbness, tingling or pain."},
	};

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(set->items[i].id, sizeof(set->items[i].id), "%s", q[i].id);
		set->items[i].cls = q[i].cls;
		snprintf(set->items[i].text[0], sizeof(set->items[i].text[0]), "%s", q[i].text);
	}
	set->count = sizeof(q) / sizeof(q[0]);
	snprintf(set->langs[0], sizeof(set->langs[0]), "en");
	set->lang_count = 1;
}

static void recorder_emit(void *ctx, const struct kiosk_event *ev)
{
	struct recorder *rec = ctx;

	assert_true(rec->count < RECORDER_MAX);
	rec->ev[rec->count] = *ev;
	rec->ev[rec->count].seq = rec->count;
	rec->count++;
}

struct event_sink recorder_sink(struct recorder *rec)
{
	return (struct event_sink){.emit = recorder_emit, .ctx = rec};
}

size_t recorder_count(const struct recorder *rec, enum event_kind kind,
                      const struct kiosk_event **last)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->count; i++) {
		if (rec->ev[i].kind == kind) {
			n++;
			if (last != NULL)
				*last = &rec->ev[i];
		}
	}
	return n;
}

struct command fixture_cmd(enum command_action action)
{
	struct command c;

	memset(&c, 0, sizeof(c));
	c.action = action;
	c.source = SOURCE_UI;
	return c;
}

/* ---- toy model ---------------------------------------------------------- */

void toy_model_init(struct toy_model *m, size_t zone_count)
{
	memset(m, 0, sizeof(*m));
	m->zone_count = zone_count;
	m->fill_rate_mmhg_per_s = 15.0;
	m->vent_rate_mmhg_per_s = 60.0;
}

void toy_model_step(struct toy_model *m, const struct station_outputs *out, unsigned int dt_ms,
                    struct pressure_reading *reading)
{
	double dt = dt_ms / 1000.0;
	bool any_open = false;
	double top = 0.0;

	for (size_t k = 0; k < m->zone_count; k++) {
		double *p = &m->zone_mmhg[k];

		if (!(out->zones_open & (1u << k)))
			continue;
		any_open = true;
		if (m->disconnected) {
			*p = 0.0;
		} else if (out->exhaust_open && !m->stuck_closed) {
			*p -= m->vent_rate_mmhg_per_s * dt;
			if (*p < 0.0)
				*p = 0.0;
		} else if (out->pump_on && !m->blocked) {
			*p += m->fill_rate_mmhg_per_s * dt;
		}
		if (*p > top)
			top = *p;
	}
	/* The pump into the manifold alone (every valve shut, or the hose
	 * blocked) raises it as fast as a kink does. */
	if ((m->blocked || !any_open) && out->pump_on && !out->exhaust_open)
		m->manifold_mmhg += 1500.0 * dt;
	else if (!any_open && out->exhaust_open)
		m->manifold_mmhg = 0.0;
	else if (any_open && !m->blocked)
		m->manifold_mmhg = top;
	else if (m->blocked && out->exhaust_open)
		m->manifold_mmhg = 0.0;
	m->flip++;
	reading->status = PRESSURE_OK;
	reading->mmhg = m->manifold_mmhg + ((m->flip & 1u) ? m->noise_mmhg : -m->noise_mmhg);
	reading->raw = (int32_t)(reading->mmhg * 1000.0);
}

/* ---- rig ---------------------------------------------------------------- */

struct rig *rig_new(size_t zones, bool with_sensor)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct station_context ctx;

	assert_non_null(r);
	fixture_config(&r->cfg, 1, zones, with_sensor);
	fixture_programs(&r->programs);
	fixture_screening(&r->screening);
	toy_model_init(&r->model, zones);
	r->sink = recorder_sink(&r->rec);
	r->safety.status = PRESSURE_ABSENT;
	r->now_ms = 1000;
	ctx = (struct station_context){
	    .config = &r->cfg,
	    .station = &r->cfg.stations[0],
	    .programs = &r->programs,
	    .screening = &r->screening,
	    .index = 0,
	};
	r->st = station_create(&ctx, r->now_ms);
	assert_non_null(r->st);
	station_current_outputs(r->st, &r->out);
	return r;
}

void rig_free(struct rig *r)
{
	if (r == NULL)
		return;
	station_destroy(r->st);
	free(r);
}

void rig_tick(struct rig *r)
{
	struct station_inputs in;

	station_current_outputs(r->st, &r->out);
	toy_model_step(&r->model, &r->out, TICK_MS, &r->reading);
	r->now_ms += TICK_MS;
	if (r->cfg.stations[0].pins.sensor == SENSOR_NONE)
		r->reading = (struct pressure_reading){.status = PRESSURE_ABSENT};
	if (r->force_reading)
		r->reading = r->forced;
	in.pressure = r->reading;
	in.safety = r->safety;
	in.stop_button = r->button;
	in.pump_sense = -1;
	station_tick(r->st, r->now_ms, &in, &r->out, &r->sink);
}

bool rig_run_until_state(struct rig *r, enum station_state state, uint64_t max_ms)
{
	uint64_t end = r->now_ms + max_ms;

	while (station_state(r->st) != state) {
		if (r->now_ms >= end)
			return false;
		rig_tick(r);
	}
	return true;
}

void rig_run_ms(struct rig *r, uint64_t ms)
{
	uint64_t end = r->now_ms + ms;

	while (r->now_ms < end)
		rig_tick(r);
}

enum command_status rig_cmd(struct rig *r, const struct command *cmd)
{
	enum command_status rc = station_command(r->st, cmd, r->now_ms, &r->sink);

	station_current_outputs(r->st, &r->out);
	return rc;
}

enum command_status rig_do(struct rig *r, enum command_action action)
{
	struct command c = fixture_cmd(action);

	return rig_cmd(r, &c);
}

void rig_to_ready(struct rig *r, unsigned int program_index)
{
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);

	c.program_index = program_index;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	assert_int_equal(rig_do(r, CMD_BEGIN_SCREENING), CMD_OK);
	for (unsigned int q = 0; q < r->screening.count; q++) {
		c = fixture_cmd(CMD_ANSWER);
		c.question = q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		assert_int_equal(rig_cmd(r, &c), CMD_OK);
	}
	assert_int_equal(station_state(r->st), STATION_READY);
}

void rig_start(struct rig *r, unsigned int program_index)
{
	rig_to_ready(r, program_index);
	assert_int_equal(rig_do(r, CMD_START), CMD_OK);
	assert_int_equal(station_state(r->st), STATION_RUNNING);
	/* With a sensor the session first proves every valve closes (the
	 * seal check: every zone shut); the first fill follows. */
	for (int i = 0; i < 50 && station_state(r->st) == STATION_RUNNING && r->out.zones_open == 0;
	     i++)
		rig_tick(r);
}

/* SPDX-License-Identifier: MIT */
/* One station as a plant, with the truth recorded; see plant_rig.h. */
#include "plant_rig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/program_load.h"
#include "config/screening_load.h"
#include "core/safety.h"
#include "core_fixture.h"

static uint64_t plant_clock(void *ctx)
{
	const struct plant *p = ctx;

	return p->now_ms;
}

static uint64_t plant_wall(void *ctx)
{
	const struct plant *p = ctx;

	return 1700000000000ull + p->now_ms;
}

static void load_assets(struct plant *p)
{
	char err[512] = "";

	if (program_set_load(&p->programs, KIOSK_SOURCE_ASSETS "/programs.conf", &p->cfg.limits,
	                     err, sizeof(err)) < 0)
		fail_msg("programs.conf: %s", err);
	if (screening_set_load(&p->screening, KIOSK_SOURCE_ASSETS "/screening.conf", err,
	                       sizeof(err)) < 0)
		fail_msg("screening.conf: %s", err);
}

struct plant *plant_new(const struct plant_opts *o)
{
	struct plant *p = calloc(1, sizeof(*p));
	struct station_pins *pins;
	struct boot_sim_params prm;
	struct controller_params cp;
	size_t zones = o->zones != 0 ? o->zones : 6;
	char err[256] = "";

	assert_non_null(p);
	fixture_config(&p->cfg, 1, zones, !o->no_sensor);
	pins = &p->cfg.stations[0].pins;
	if (o->hx710b) {
		pins->sensor = SENSOR_HX710B;
		snprintf(pins->sensor_clock.chip, sizeof(pins->sensor_clock.chip), "gpiochip0");
		pins->sensor_clock.offset = 20;
		snprintf(pins->sensor_data.chip, sizeof(pins->sensor_data.chip), "gpiochip0");
		pins->sensor_data.offset = 21;
		pins->sensor_offset_counts = 120000.0;
		pins->sensor_mmhg_per_count = 0.0001;
	}
	if (o->safety_sensor)
		pins->safety_sensor = SENSOR_SIM;
	if (o->pump_sense) {
		pins->has_pump_sense = true;
		snprintf(pins->pump_sense.chip, sizeof(pins->pump_sense.chip), "gpiochip0");
		pins->pump_sense.offset = 23;
		pins->pump_sense_bias = GPIO_BIAS_PULL_DOWN;
	}
	if (o->relief_mmhg > 0)
		p->cfg.stations[0].relief_valve_mmhg = o->relief_mmhg;
	if (o->tweak != NULL)
		o->tweak(&p->cfg);
	load_assets(p);

	if (o->custom_phys)
		prm = o->phys;
	else
		boot_sim_params_default(&prm);
	if (o->seed != 0)
		prm.seed = o->seed;
	p->simhw = sim_hw_create();
	assert_non_null(p->simhw);
	if (sim_hw_add_station(p->simhw, pins, &prm, err, sizeof(err)) < 0)
		fail_msg("sim_hw_add_station: %s", err);
	p->hw[0] = station_hw_create_with(sim_hw_gpio(p->simhw), sim_hw_sensors(p->simhw),
	                                  "Station 1", pins, err, sizeof(err));
	if (p->hw[0] == NULL)
		fail_msg("station_hw_create_with: %s", err);
	p->boot = sim_hw_boot(p->simhw, 0);
	if (o->relief_mmhg > 0)
		boot_sim_set_relief_valve(p->boot, o->relief_mmhg, 0.27);
	p->now_ms = 10000;
	boot_sim_advance(p->boot, p->now_ms);

	memset(&cp, 0, sizeof(cp));
	cp.config = &p->cfg;
	cp.programs = &p->programs;
	cp.screening = &p->screening;
	cp.hw = p->hw;
	cp.clock =
	    (struct controller_clock){.now_ms = plant_clock, .wall_ms = plant_wall, .ctx = p};
	p->ctl = controller_create(&cp);
	assert_non_null(p->ctl);
	p->first_fault_zone = -1;
	for (size_t i = 0; i < CMD_ACTION_COUNT; i++)
		p->last_result[i] = CMD_ERR_BAD_ARGUMENT;
	return p;
}

void plant_free(struct plant *p)
{
	if (p == NULL)
		return;
	controller_destroy(p->ctl);
	station_hw_destroy(p->hw[0]);
	sim_hw_destroy(p->simhw);
	free(p);
}

double plant_ceiling(const struct plant *p)
{
	return safety_ceiling_mmhg(&p->cfg.limits);
}

double plant_residual(const struct plant *p)
{
	return safety_residual_mmhg(&p->cfg.limits);
}

static void collect(struct plant *p)
{
	struct kiosk_event buf[32];
	size_t n;

	do {
		n = controller_events_read(p->ctl, &p->cursor, buf, 32, NULL);
		for (size_t i = 0; i < n; i++) {
			const struct kiosk_event *e = &buf[i];

			if (e->kind == EVENT_FAULT_RAISED) {
				if (p->faults++ == 0) {
					p->first_fault_ms = p->now_ms;
					p->first_fault = e->fault;
					p->first_fault_zone = e->fault_zone;
				}
			} else if (e->kind == EVENT_COMMAND_RESULT) {
				p->last_result[e->action] = e->status;
			} else if (e->kind == EVENT_SESSION_COMPLETED ||
			           e->kind == EVENT_SESSION_STOPPED) {
				p->sessions_ended++;
			}
		}
	} while (n > 0);
}

static bool state_free(enum station_state s)
{
	return s == STATION_IDLE || s == STATION_SETUP || s == STATION_SCREENING ||
	       s == STATION_READY || s == STATION_NEEDS_CLEANING;
}

/* The truth after this step. */
static void record(struct plant *p)
{
	struct plant_truth *t = &p->truth;
	enum station_state st = plant_state(p);

	p->state = st;
	double top = 0.0;

	for (size_t k = 0; k < boot_sim_zone_count(p->boot); k++) {
		double z = boot_sim_zone_mmhg(p->boot, k);

		if (z > top)
			top = z;
		if ((p->skip_mask & (1u << k)) && p->session_seen && z > t->max_skipped_mmhg)
			t->max_skipped_mmhg = z;
	}
	if (top > t->max_zone_mmhg)
		t->max_zone_mmhg = top;
	if (top > plant_ceiling(p)) {
		t->above_ceiling_now_ms += PLANT_TICK_MS;
		if (t->above_ceiling_now_ms > t->above_ceiling_ms)
			t->above_ceiling_ms = t->above_ceiling_now_ms;
	} else {
		t->above_ceiling_now_ms = 0;
	}
	if (top > plant_residual(p)) {
		if (p->session_seen)
			t->pressurised_ms += PLANT_TICK_MS;
		if (state_free(st)) {
			t->free_pressurised_ms += PLANT_TICK_MS;
			if (top > t->free_worst_mmhg)
				t->free_worst_mmhg = top;
		}
	}
}

void plant_step(struct plant *p)
{
	p->now_ms += PLANT_TICK_MS;
	controller_step(p->ctl, p->now_ms);
	collect(p);
	record(p);
}

void plant_run_ms(struct plant *p, uint64_t ms)
{
	uint64_t end = p->now_ms + ms;

	while (p->now_ms < end)
		plant_step(p);
}

bool plant_run_until(struct plant *p, enum station_state state, uint64_t max_ms)
{
	uint64_t end = p->now_ms + max_ms;

	while (plant_state(p) != state) {
		if (p->now_ms >= end)
			return false;
		plant_step(p);
	}
	return true;
}

struct station_snapshot plant_snap(struct plant *p)
{
	const struct kiosk_snapshot *s = controller_snapshot_acquire(p->ctl);
	struct station_snapshot out = s->stations[0];

	controller_snapshot_release(p->ctl, s);
	return out;
}

enum station_state plant_state(struct plant *p)
{
	return plant_snap(p).state;
}

static void submit(struct plant *p, const struct command *c)
{
	assert_int_equal(controller_submit(p->ctl, c), 0);
}

enum command_status plant_cmd(struct plant *p, enum command_action action,
                              enum command_source source)
{
	struct command c = fixture_cmd(action);

	c.source = source;
	p->last_result[action] = CMD_ERR_BAD_ARGUMENT;
	submit(p, &c);
	plant_step(p);
	return p->last_result[action];
}

void plant_start(struct plant *p, const char *program_id, unsigned int duration_s,
                 double target_mmhg)
{
	assert_true(plant_try_start(p, program_id, duration_s, target_mmhg));
}

bool plant_try_start(struct plant *p, const char *program_id, unsigned int duration_s,
                     double target_mmhg)
{
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);
	size_t idx = p->programs.count;

	p->last_result[CMD_START] = CMD_ERR_BAD_ARGUMENT;
	for (size_t i = 0; i < p->programs.count; i++) {
		if (strcmp(p->programs.items[i].id, program_id) == 0)
			idx = i;
	}
	if (idx == p->programs.count)
		fail_msg("no program %s", program_id);
	if (duration_s != 0 && duration_s < p->programs.items[idx].duration_min_s)
		p->programs.items[idx].duration_min_s = duration_s;
	if (target_mmhg > p->programs.items[idx].intensity_max_mmhg)
		p->programs.items[idx].intensity_max_mmhg = target_mmhg;
	c.program_index = (unsigned int)idx;
	c.duration_s = duration_s;
	c.target_mmhg = target_mmhg;
	submit(p, &c);
	c = fixture_cmd(CMD_BEGIN_SCREENING);
	submit(p, &c);
	for (size_t q = 0; q < p->screening.count; q++) {
		c = fixture_cmd(CMD_ANSWER);
		c.question = (unsigned int)q;
		c.yes = p->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		submit(p, &c);
	}
	c = fixture_cmd(CMD_START);
	submit(p, &c);
	plant_step(p);
	if (p->last_result[CMD_START] != CMD_OK || plant_state(p) != STATION_RUNNING)
		return false;
	p->skip_mask = plant_snap(p).skip_mask;
	p->session_seen = true;
	p->start_ms = p->now_ms;
	return true;
}

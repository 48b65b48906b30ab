/* SPDX-License-Identifier: MIT */
/* Whole-station simulations; see sim_rig.h. */
#include "sim_rig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "config/program_load.h"
#include "config/screening_load.h"

static uint64_t sim_clock(void *ctx)
{
	const struct sim_rig *r = ctx;

	return r->now_ms;
}

static uint64_t sim_wall(void *ctx)
{
	const struct sim_rig *r = ctx;

	return 1700000000000ull + r->now_ms;
}

static void load_assets(struct sim_rig *r)
{
	char err[512] = "";
	int rc;

	rc = program_set_load(&r->programs, KIOSK_SOURCE_ASSETS "/programs.conf", &r->cfg.limits,
	                      err, sizeof(err));
	if (rc < 0)
		fail_msg("programs.conf: %s", err);
	rc = screening_set_load(&r->screening, KIOSK_SOURCE_ASSETS "/screening.conf", err,
	                        sizeof(err));
	if (rc < 0)
		fail_msg("screening.conf: %s", err);
	assert_true(r->programs.count >= 5);
	assert_true(r->screening.count >= 5);
}

struct sim_rig *sim_rig_new_with(size_t n, const struct sim_station_spec *specs,
                                 void (*tweak)(struct kiosk_config *cfg))
{
	struct sim_rig *r = calloc(1, sizeof(*r));
	struct controller_params p;

	assert_non_null(r);
	fixture_config(&r->cfg, n, 1, true);
	for (size_t i = 0; i < n; i++) {
		struct station_pins *pins = &r->cfg.stations[i].pins;

		pins->zone_count = specs[i].zones;
		for (size_t k = 0; k < specs[i].zones; k++) {
			snprintf(pins->zones[k].chip, sizeof(pins->zones[k].chip), "gpiochip%zu",
			         i);
			pins->zones[k].offset = 2u + (unsigned int)k;
		}
		pins->sensor = specs[i].sensor;
		if (specs[i].sensor == SENSOR_HX710B) {
			snprintf(pins->sensor_clock.chip, sizeof(pins->sensor_clock.chip),
			         "gpiochip%zu", i);
			pins->sensor_clock.offset = 20;
			snprintf(pins->sensor_data.chip, sizeof(pins->sensor_data.chip),
			         "gpiochip%zu", i);
			pins->sensor_data.offset = 21;
			pins->sensor_offset_counts = 120000.0;
			pins->sensor_mmhg_per_count = 0.0001;
		}
	}
	if (tweak != NULL)
		tweak(&r->cfg);
	load_assets(r);

	/* As kiosk/main.c does in --sim: every model first, then the stations
	 * on the simulator's GPIO and sensors. */
	r->simhw = sim_hw_create();
	assert_non_null(r->simhw);
	r->gpio = sim_hw_gpio(r->simhw);
	r->now_ms = 10000;
	for (size_t i = 0; i < n; i++) {
		char err[256] = "";

		if (sim_hw_add_station(r->simhw, &r->cfg.stations[i].pins, NULL, err,
		                       sizeof(err)) != (int)i)
			fail_msg("sim_hw_add_station: %s", err);
		r->sim[i] = sim_hw_boot(r->simhw, i);
		assert_non_null(r->sim[i]);
	}
	for (size_t i = 0; i < n; i++) {
		char err[256] = "";

		r->hw[i] = station_hw_create_with(r->gpio, sim_hw_sensors(r->simhw),
		                                  r->cfg.stations[i].name, &r->cfg.stations[i].pins,
		                                  err, sizeof(err));
		if (r->hw[i] == NULL)
			fail_msg("station_hw_create_with: %s", err);
		boot_sim_advance(r->sim[i], r->now_ms);
	}
	memset(&p, 0, sizeof(p));
	p.config = &r->cfg;
	p.programs = &r->programs;
	p.screening = &r->screening;
	p.hw = r->hw;
	p.clock = (struct controller_clock){.now_ms = sim_clock, .wall_ms = sim_wall, .ctx = r};
	r->ctl = controller_create(&p);
	assert_non_null(r->ctl);
	return r;
}

struct sim_rig *sim_rig_new(size_t n, const struct sim_station_spec *specs)
{
	return sim_rig_new_with(n, specs, NULL);
}

void sim_rig_free(struct sim_rig *r)
{
	if (r == NULL)
		return;
	controller_destroy(r->ctl);
	for (size_t i = 0; i < r->cfg.station_count; i++)
		station_hw_destroy(r->hw[i]);
	sim_hw_destroy(r->simhw);
	free(r);
}

size_t sim_program(const struct sim_rig *r, const char *id)
{
	for (size_t i = 0; i < r->programs.count; i++) {
		if (strcmp(r->programs.items[i].id, id) == 0)
			return i;
	}
	fail_msg("no program %s in assets/programs.conf", id);
	return 0;
}

void sim_with_stop_button(struct kiosk_config *cfg)
{
	struct station_pins *p = &cfg->stations[0].pins;

	p->has_stop_button = true;
	snprintf(p->stop_button.chip, sizeof(p->stop_button.chip), "%s", "gpiochip0");
	p->stop_button.offset = SIM_STOP_BUTTON_LINE;
	p->stop_button_bias = GPIO_BIAS_PULL_DOWN;
	p->stop_button_debounce_ms = 20;
}

static void station_pin(struct gpio_pin *pin, size_t station, unsigned int offset)
{
	snprintf(pin->chip, sizeof(pin->chip), "gpiochip%zu", station);
	pin->offset = offset;
	pin->active_low = false;
}

void sim_pins_add_safety_sensor(struct station_pins *pins, size_t station, enum sensor_kind kind)
{
	pins->safety_sensor = kind;
	if (kind != SENSOR_HX710B)
		return;
	station_pin(&pins->safety_clock, station, 24);
	station_pin(&pins->safety_data, station, 25);
	pins->safety_offset_counts = -50000.0;
	pins->safety_mmhg_per_count = 0.0002;
}

void sim_pins_add_pump_sense(struct station_pins *pins, size_t station)
{
	pins->has_pump_sense = true;
	station_pin(&pins->pump_sense, station, 23);
	pins->pump_sense_bias = GPIO_BIAS_PULL_DOWN;
}

void sim_with_safety_sensor(struct kiosk_config *cfg)
{
	for (size_t i = 0; i < cfg->station_count; i++)
		sim_pins_add_safety_sensor(&cfg->stations[i].pins, i, SENSOR_SIM);
}

void sim_with_safety_hx710b(struct kiosk_config *cfg)
{
	for (size_t i = 0; i < cfg->station_count; i++)
		sim_pins_add_safety_sensor(&cfg->stations[i].pins, i, SENSOR_HX710B);
}

void sim_with_pump_sense(struct kiosk_config *cfg)
{
	for (size_t i = 0; i < cfg->station_count; i++)
		sim_pins_add_pump_sense(&cfg->stations[i].pins, i);
}

void sim_collect(struct sim_rig *r)
{
	struct kiosk_event buf[64];
	size_t n;

	do {
		uint64_t lost = 0;

		n = controller_events_read(r->ctl, &r->cursor, buf, 64, &lost);
		assert_int_equal(lost, 0);
		for (size_t i = 0; i < n; i++) {
			if (r->event_count < SIM_EVENTS_MAX)
				r->events[r->event_count++] = buf[i];
		}
	} while (n > 0);
}

void sim_step(struct sim_rig *r)
{
	r->now_ms += SIM_TICK_MS;
	controller_step(r->ctl, r->now_ms);
	sim_collect(r);
}

void sim_run_ms(struct sim_rig *r, uint64_t ms)
{
	uint64_t end = r->now_ms + ms;

	while (r->now_ms < end)
		sim_step(r);
}

void sim_station(struct sim_rig *r, size_t station, struct station_snapshot *out)
{
	const struct kiosk_snapshot *s = controller_snapshot_acquire(r->ctl);

	assert_true(station < s->station_count);
	*out = s->stations[station];
	controller_snapshot_release(r->ctl, s);
}

enum station_state sim_state(struct sim_rig *r, size_t station)
{
	struct station_snapshot s;

	sim_station(r, station, &s);
	return s.state;
}

struct command sim_cmd(enum command_action action, size_t station)
{
	struct command c = fixture_cmd(action);

	c.station = (unsigned int)station;
	return c;
}

void sim_submit(struct sim_rig *r, const struct command *cmd)
{
	assert_int_equal(controller_submit(r->ctl, cmd), 0);
}

enum command_status sim_last_result(const struct sim_rig *r, size_t station,
                                    enum command_action action)
{
	for (size_t i = r->event_count; i > 0; i--) {
		const struct kiosk_event *e = &r->events[i - 1];

		if (e->kind == EVENT_COMMAND_RESULT && e->station == station && e->action == action)
			return e->status;
	}
	fail_msg("no result for %s on station %zu", command_action_name(action), station);
	return CMD_ERR_BAD_ARGUMENT;
}

void sim_start_session(struct sim_rig *r, size_t station, size_t program, unsigned int duration_s)
{
	struct command c = sim_cmd(CMD_SELECT_PROGRAM, station);

	c.program_index = (unsigned int)program;
	c.duration_s = duration_s;
	sim_submit(r, &c);
	c = sim_cmd(CMD_BEGIN_SCREENING, station);
	sim_submit(r, &c);
	for (size_t q = 0; q < r->screening.count; q++) {
		c = sim_cmd(CMD_ANSWER, station);
		c.question = (unsigned int)q;
		c.yes = r->screening.items[q].cls == SCREENING_ACKNOWLEDGE;
		sim_submit(r, &c);
	}
	c = sim_cmd(CMD_START, station);
	sim_submit(r, &c);
	sim_step(r);
	assert_int_equal(sim_last_result(r, station, CMD_SELECT_PROGRAM), CMD_OK);
	assert_int_equal(sim_last_result(r, station, CMD_START), CMD_OK);
	assert_int_equal(sim_state(r, station), STATION_RUNNING);
}

size_t sim_count_events(const struct sim_rig *r, size_t station, enum event_kind kind,
                        const struct kiosk_event **last)
{
	size_t n = 0;

	for (size_t i = 0; i < r->event_count; i++) {
		if (r->events[i].kind == kind && r->events[i].station == station) {
			n++;
			if (last != NULL)
				*last = &r->events[i];
		}
	}
	return n;
}

int sim_pin_level(const struct sim_rig *r, const struct gpio_pin *pin)
{
	int level = -1;

	if (gpio_sim_output(r->gpio, pin->chip, pin->offset, &level, NULL) < 0)
		return -1;
	return level;
}

bool sim_outputs_safe(const struct sim_rig *r, size_t station)
{
	const struct station_pins *pins = &r->cfg.stations[station].pins;

	/* The pins themselves: every output de-energised (pump off, exhaust and
	 * zone valves open as wired). */
	if (sim_pin_level(r, &pins->pump) != 0 || sim_pin_level(r, &pins->exhaust) != 0)
		return false;
	for (size_t k = 0; k < pins->zone_count; k++) {
		if (sim_pin_level(r, &pins->zones[k]) != 0)
			return false;
	}
	return true;
}

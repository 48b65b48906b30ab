/* SPDX-License-Identifier: MIT */
/*
 * A program must fit the station it is chosen on: one whose skip_zones
 * leave out every zone a smaller station has is refused when it is
 * selected, not after the member has answered the whole screening.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_fixture.h"

/* FIXTURE_PULSE with zones 1 and 2 (foot and calf) skipped; returns its index. */
static unsigned int add_upper_leg_program(struct rig *r)
{
	struct program *p = &r->programs.items[r->programs.count];

	assert_true(r->programs.count < PROGRAM_MAX);
	*p = r->programs.items[FIXTURE_PULSE];
	strcpy(p->id, "upper_leg");
	p->skip_mask = 0x03;
	p->boost_zone = 0;
	return (unsigned int)r->programs.count++;
}

static void test_station_select_refuses_program_skipping_every_zone(void **state)
{
	struct rig *r = rig_new(2, true);
	unsigned int upper = add_upper_leg_program(r);
	struct command c = fixture_cmd(CMD_SELECT_PROGRAM);
	struct station_snapshot s;

	(void)state;
	/* Idle: refused, nothing changes, nothing is said. */
	c.program_index = upper;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	assert_int_equal(station_state(r->st), STATION_IDLE);
	assert_int_equal(r->rec.count, 0);

	/* In setup with a program that fits: refused, the choice is kept. */
	c.program_index = FIXTURE_PULSE;
	assert_int_equal(rig_cmd(r, &c), CMD_OK);
	c.program_index = upper;
	assert_int_equal(rig_cmd(r, &c), CMD_ERR_BAD_ARGUMENT);
	station_snapshot(r->st, r->now_ms, &s);
	assert_int_equal(s.state, STATION_SETUP);
	assert_int_equal(s.program_index, FIXTURE_PULSE);
	assert_int_equal(rig_do(r, CMD_CANCEL), CMD_OK);

	/* The program that skips only one of the two zones still runs. */
	rig_start(r, FIXTURE_SKIP);
	rig_free(r);
}

static void test_station_select_accepts_program_fitting_larger_station(void **state)
{
	struct rig *r = rig_new(4, true);
	unsigned int upper = add_upper_leg_program(r);

	(void)state;
	/* On four zones, zones 3 and 4 are left: the session runs there. */
	rig_start(r, upper);
	rig_run_ms(r, 200);
	assert_int_equal(station_state(r->st), STATION_RUNNING);
	assert_int_equal(r->out.zones_open & 0x03, 0);
	assert_true(r->out.zones_open & 0x04);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_station_select_refuses_program_skipping_every_zone),
	    cmocka_unit_test(test_station_select_accepts_program_fitting_larger_station),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

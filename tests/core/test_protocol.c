/* SPDX-License-Identifier: MIT */
/*
 * The shared vocabulary (core/protocol.h): every state, fault, event,
 * command, stop reason, status and zone reading has a name, and every fault a
 * message that fits the snapshot and tells the member what to do; the UI,
 * MQTT and the log show words, never numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/protocol.h"

static void test_protocol_name_tables_are_complete(void **state)
{
	(void)state;
	for (int i = 0; i < STATION_STATE_COUNT; i++)
		assert_string_not_equal(station_state_name((enum station_state)i), "unknown");
	for (int i = 0; i < FAULT_CODE_COUNT; i++) {
		assert_string_not_equal(fault_code_name((enum fault_code)i), "unknown");
		/* Fits the snapshot and says what to do. */
		assert_true(strlen(fault_code_message((enum fault_code)i)) < 160);
	}
	for (int i = FAULT_NONE + 1; i < FAULT_CODE_COUNT; i++)
		assert_non_null(strstr(fault_code_message((enum fault_code)i), "staff"));
	for (int i = 0; i < EVENT_KIND_COUNT; i++)
		assert_string_not_equal(event_kind_name((enum event_kind)i), "unknown");
	for (int i = 0; i < CMD_ACTION_COUNT; i++)
		assert_string_not_equal(command_action_name((enum command_action)i), "unknown");
	for (int i = STOP_NONE; i <= STOP_SHUTDOWN; i++)
		assert_string_not_equal(stop_reason_name((enum stop_reason)i), "unknown");
	for (int i = CMD_OK; i <= CMD_ERR_HARDWARE; i++) {
		assert_string_not_equal(command_status_name((enum command_status)i), "unknown");
		assert_string_not_equal(command_status_message((enum command_status)i),
		                        "Unknown result");
	}
	for (int i = ZONE_READING_NONE; i <= ZONE_READING_ESTIMATED; i++)
		assert_string_not_equal(zone_reading_name((enum zone_reading)i), "unknown");
	assert_string_equal(station_state_name(STATION_NEEDS_CLEANING), "needs_cleaning");
	assert_string_equal(fault_code_name(FAULT_BLOCKED_HOSE), "blocked_hose");
	assert_string_equal(station_state_name((enum station_state)99), "unknown");
	assert_string_equal(command_action_name(CMD_RESET_FAULT), "reset_fault");
	assert_non_null(strstr(fault_code_message(FAULT_LEAK), "hose is clicked in"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_protocol_name_tables_are_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

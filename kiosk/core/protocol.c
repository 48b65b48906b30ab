/* SPDX-License-Identifier: MIT */
/* Name and message tables for the shared vocabulary (protocol.h). */
#include "core/protocol.h"

#define TABLE_GET(table, idx, fallback)                                                            \
	(((size_t)(idx) < sizeof(table) / sizeof((table)[0]) && (table)[(idx)] != NULL)            \
	     ? (table)[(idx)]                                                                      \
	     : (fallback))

/* clang-format off */
static const char *const state_names[STATION_STATE_COUNT] = {
	[STATION_IDLE] = "idle",
	[STATION_SETUP] = "setup",
	[STATION_SCREENING] = "screening",
	[STATION_READY] = "ready",
	[STATION_RUNNING] = "running",
	[STATION_PAUSED] = "paused",
	[STATION_VENTING] = "venting",
	[STATION_NEEDS_CLEANING] = "needs_cleaning",
	[STATION_FAULT] = "fault",
	[STATION_OUT_OF_SERVICE] = "out_of_service",
};

static const char *const fault_names[FAULT_CODE_COUNT] = {
	[FAULT_NONE] = "none",
	[FAULT_OVERPRESSURE] = "overpressure",
	[FAULT_LEAK] = "leak",
	[FAULT_BLOCKED_HOSE] = "blocked_hose",
	[FAULT_STUCK_INFLATED] = "stuck_inflated",
	[FAULT_SENSOR] = "sensor",
	[FAULT_PUMP_RUNTIME] = "pump_runtime",
	[FAULT_HARDWARE] = "hardware",
	[FAULT_STOP_BUTTON] = "stop_button",
	[FAULT_SENSOR_STALE] = "sensor_stale",
	[FAULT_SENSOR_FROZEN] = "sensor_frozen",
	[FAULT_SENSOR_ZERO] = "sensor_zero",
	[FAULT_SENSOR_DISAGREE] = "sensor_disagree",
	[FAULT_SAFETY_SENSOR] = "safety_sensor",
	[FAULT_FILL_IMPLAUSIBLE] = "fill_implausible",
	[FAULT_PUMP_RELAY] = "pump_relay",
	[FAULT_EXHAUST_STUCK] = "exhaust_stuck",
	[FAULT_ZONE_STUCK_CLOSED] = "zone_stuck_closed",
	[FAULT_MANIFOLD_LEAK] = "manifold_leak",
};

/* Shown to the member on the card and to staff on the dashboard: what
 * happened, what the station did, and what to do next. */
static const char *const fault_messages[FAULT_CODE_COUNT] = {
	[FAULT_NONE] = "",
	[FAULT_OVERPRESSURE] =
	    "Pressure went above the safe limit: the boots have been vented and the station is "
	    "locked; staff has been notified",
	[FAULT_LEAK] = "Leak detected: check the hose is clicked in and the boots are zipped; "
	               "staff has been notified",
	[FAULT_BLOCKED_HOSE] = "Blocked or kinked hose: the boots may stay tight, so open the "
	                       "zips and take them off, then straighten the hoses; staff has "
	                       "been notified",
	[FAULT_STUCK_INFLATED] = "Boots did not deflate: open the zips and take the boots off; "
	                         "staff has been notified",
	[FAULT_SENSOR] = "Pressure sensor not working: the boots have been vented and the "
	                 "station is locked; staff has been notified",
	[FAULT_PUMP_RUNTIME] = "Pump ran too long: the boots have been vented and the station "
	                       "is locked; staff has been notified",
	[FAULT_HARDWARE] = "Valve or pump control failed: the boots have been vented and the "
	                   "station is locked; staff has been notified",
	[FAULT_STOP_BUTTON] = "Stop button circuit is open: staff must check the stop button "
	                      "wiring before the station can be used",
	[FAULT_SENSOR_STALE] = "Pressure sensor stopped answering: the pump was stopped and the "
	                       "boots vented; staff has been notified",
	[FAULT_SENSOR_FROZEN] = "Pressure sensor is frozen on one value: the boots have been "
	                        "vented; if they still feel tight, open the zips; staff has been "
	                        "notified",
	[FAULT_SENSOR_ZERO] = "Pressure sensor does not read zero with the boots open to the air: "
	                      "the station is locked; staff has been notified",
	[FAULT_SENSOR_DISAGREE] = "The two pressure sensors disagree: the boots have been vented "
	                          "and the station is locked; staff has been notified",
	[FAULT_SAFETY_SENSOR] = "Safety pressure sensor not working: the boots have been vented "
	                        "and the station is locked; staff has been notified",
	[FAULT_FILL_IMPLAUSIBLE] = "The boots filled differently from the cycles before: the "
	                           "boots have been vented; staff has been notified",
	[FAULT_PUMP_RELAY] = "The pump keeps running when switched off: the boots are held open "
	                     "to vent; if they feel tight, open the zips; staff must switch the "
	                     "station off",
	[FAULT_EXHAUST_STUCK] = "The boots cannot let their air out: open the zips and take the "
	                        "boots off now; staff has been notified",
	[FAULT_MANIFOLD_LEAK] = "The station could not hold air with its valves shut (a valve "
	                        "stuck open, or the pump): staff has been notified",
	[FAULT_ZONE_STUCK_CLOSED] = "One part of the boots did not open to deflate: open the "
	                            "zips and take the boots off now; staff has been notified",
};

static const char *const zone_reading_names[] = {
	[ZONE_READING_NONE] = "none",
	[ZONE_READING_MEASURED] = "measured",
	[ZONE_READING_ESTIMATED] = "estimated",
};

static const char *const stop_names[] = {
	[STOP_NONE] = "none",
	[STOP_COMPLETED] = "completed",
	[STOP_MEMBER] = "member",
	/* A member stopping because of numbness or tingling is health data: to
	 * the log, the store and MQTT it is a stop by the member, no more. */
	[STOP_SYMPTOM] = "member",
	[STOP_STAFF] = "staff",
	[STOP_BUTTON] = "button",
	[STOP_FAULT] = "fault",
	[STOP_PAUSE_LIMIT] = "pause_limit",
	[STOP_SHUTDOWN] = "shutdown",
};

static const char *const event_names[EVENT_KIND_COUNT] = {
	[EVENT_SESSION_STARTED] = "session_started",
	[EVENT_SESSION_COMPLETED] = "session_completed",
	[EVENT_SESSION_STOPPED] = "session_stopped",
	[EVENT_FAULT_RAISED] = "fault_raised",
	[EVENT_FAULT_RESET] = "fault_reset",
	[EVENT_CLEANED] = "cleaned",
	[EVENT_OUT_OF_SERVICE] = "out_of_service",
	[EVENT_IN_SERVICE] = "in_service",
	[EVENT_SCREENING_APPROVED] = "screening_approved",
	[EVENT_COMMAND_RESULT] = "command_result",
};

static const char *const action_names[CMD_ACTION_COUNT] = {
	[CMD_SELECT_PROGRAM] = "select_program",
	[CMD_ADJUST] = "adjust",
	[CMD_BEGIN_SCREENING] = "begin_screening",
	[CMD_ANSWER] = "answer",
	[CMD_SCREENING_BACK] = "screening_back",
	[CMD_STAFF_APPROVE] = "staff_approve",
	[CMD_CANCEL] = "cancel",
	[CMD_TOUCH] = "touch",
	[CMD_START] = "start",
	[CMD_PAUSE] = "pause",
	[CMD_RESUME] = "resume",
	[CMD_STOP] = "stop",
	[CMD_SYMPTOM_STOP] = "symptom_stop",
	[CMD_CLEANED] = "cleaned",
	[CMD_RESET_FAULT] = "reset_fault",
	[CMD_OUT_OF_SERVICE] = "out_of_service",
	[CMD_IN_SERVICE] = "in_service",
};

static const char *const status_names[] = {
	[CMD_OK] = "ok",
	[CMD_ERR_BAD_STATION] = "bad_station",
	[CMD_ERR_BAD_STATE] = "bad_state",
	[CMD_ERR_NOT_SCREENED] = "not_screened",
	[CMD_ERR_BAD_ARGUMENT] = "bad_argument",
	[CMD_ERR_BAD_PIN] = "bad_pin",
	[CMD_ERR_PRESSURISED] = "pressurised",
	[CMD_ERR_QUEUE_FULL] = "queue_full",
	[CMD_ERR_HARDWARE] = "hardware_unsafe",
};

static const char *const status_messages[] = {
	[CMD_OK] = "Done",
	[CMD_ERR_BAD_STATION] = "No such station: use a station number shown on the kiosk",
	[CMD_ERR_BAD_STATE] = "Not possible in the station's current state: check the station's "
	                      "status and try the action it offers",
	[CMD_ERR_NOT_SCREENED] = "The session cannot start before the health questions have been "
	                         "answered and passed",
	[CMD_ERR_BAD_ARGUMENT] = "A value is out of range: choose a program, duration and "
	                         "intensity the kiosk offers",
	[CMD_ERR_BAD_PIN] = "Wrong staff PIN: try again",
	[CMD_ERR_PRESSURISED] = "The boots are still pressurised: wait until they have deflated, "
	                        "then reset",
	[CMD_ERR_QUEUE_FULL] = "The station is busy: try again in a moment",
	[CMD_ERR_HARDWARE] = "The station's outputs cannot be driven to the safe state: check the "
	                     "wiring and GPIO before resetting",
};
/* clang-format on */

const char *station_state_name(enum station_state s)
{
	return TABLE_GET(state_names, s, "unknown");
}

const char *fault_code_name(enum fault_code f)
{
	return TABLE_GET(fault_names, f, "unknown");
}

const char *fault_code_message(enum fault_code f)
{
	return TABLE_GET(fault_messages, f, "Unknown fault: staff has been notified");
}

const char *zone_reading_name(enum zone_reading z)
{
	return TABLE_GET(zone_reading_names, z, "unknown");
}

const char *stop_reason_name(enum stop_reason r)
{
	return TABLE_GET(stop_names, r, "unknown");
}

const char *event_kind_name(enum event_kind k)
{
	return TABLE_GET(event_names, k, "unknown");
}

const char *command_action_name(enum command_action a)
{
	return TABLE_GET(action_names, a, "unknown");
}

const char *command_status_name(enum command_status s)
{
	return TABLE_GET(status_names, s, "unknown");
}

const char *command_status_message(enum command_status s)
{
	return TABLE_GET(status_messages, s, "Unknown result");
}

/* SPDX-License-Identifier: MIT */
/*
 * A link-time stand-in for the controller's thread-facing API (submit,
 * snapshots, event stream, listeners), so the reporter can be tested against
 * a real broker with full control over what the "core" does.  Commands are
 * recorded; each gets an EVENT_COMMAND_RESULT (status chosen by the test)
 * and, when CMD_OK, the event the real core would emit.
 */
#ifndef TESTS_MQTT_FAKE_CONTROLLER_H
#define TESTS_MQTT_FAKE_CONTROLLER_H

#include "core/controller.h"

struct controller *fake_controller_create(size_t station_count);
void fake_controller_destroy(struct controller *c);

/* Append an event (seq and wall_ms filled in) and call the listeners. */
void fake_controller_emit(struct controller *c, const struct kiosk_event *ev);
/* Change a station's snapshot fields and call the listeners. */
void fake_controller_set_state(struct controller *c, unsigned int station, enum station_state state,
                               enum fault_code fault);
void fake_controller_set_pressure(struct controller *c, unsigned int station, double mmhg,
                                  unsigned int remaining_s);

/* The status the next commands get (CMD_OK by default). */
void fake_controller_set_result(struct controller *c, enum command_status status);
/* Commands received so far; copies command i into *out. */
size_t fake_controller_commands(struct controller *c);
void fake_controller_command(struct controller *c, size_t i, struct command *out);
/* How many snapshots are still acquired (should be 0 when idle). */
int fake_controller_snapshots_out(struct controller *c);
/* What controller_get_stats() says of real-time scheduling. */
void fake_controller_set_realtime(struct controller *c, bool realtime);

#endif

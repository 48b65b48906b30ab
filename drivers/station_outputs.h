/* SPDX-License-Identifier: MIT */
/*
 * What a station's outputs are, in plumbing terms: the vocabulary the core's
 * snapshots and the station hardware (station_hw.h) share.  Plain data, no
 * GPIO: including this pulls in nothing of the GPIO seam.
 *
 * Energised levels (what the installer wires, see DESIGN.md): the pump runs
 * when energised; the exhaust valve and every zone valve are normally open,
 * i.e. CLOSED when energised.  So the safe state, every output de-energised,
 * is: pump off, exhaust open, every zone open to the manifold -> boots vent.
 */
#ifndef DRIVERS_STATION_OUTPUTS_H
#define DRIVERS_STATION_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATION_MAX_ZONES 8

/* What the control core wants the station to do this tick, in plumbing terms. */
struct station_outputs {
	bool pump_on;
	bool exhaust_open;
	uint8_t zones_open; /* bit k = zone k valve open to the manifold */
};

/* The safe state as outputs: pump off, exhaust open, every zone open
 * (defined in station_hw.c). */
struct station_outputs station_outputs_safe(size_t zone_count);

/* Outputs that connect zone alone to the manifold sensors: pump off, exhaust
 * closed, only that zone open.  Held for a settling time (about 150 ms), the
 * control and safety channels then read that zone's pressure.  zone must be
 * below STATION_MAX_ZONES. */
struct station_outputs station_outputs_probe(size_t zone);

#endif

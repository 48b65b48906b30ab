/* SPDX-License-Identifier: MIT */
#include "ui/words.h"

#include <string.h>

#include "ui/i18n.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *words_state(enum station_state s)
{
	static const char *const labels[STATION_STATE_COUNT] = {
	    [STATION_IDLE] = N_("Free"),
	    [STATION_SETUP] = N_("Being set up"),
	    [STATION_SCREENING] = N_("Being set up"),
	    [STATION_READY] = N_("Ready to start"),
	    [STATION_RUNNING] = N_("In use"),
	    [STATION_PAUSED] = N_("Paused"),
	    [STATION_VENTING] = N_("Finishing"),
	    [STATION_NEEDS_CLEANING] = N_("Needs cleaning"),
	    [STATION_FAULT] = N_("Fault"),
	    [STATION_OUT_OF_SERVICE] = N_("Out of service"),
	};
	return tr((unsigned)s < STATION_STATE_COUNT ? labels[s] : N_("Unknown"));
}

const char *words_stop(enum stop_reason r)
{
	switch (r) {
	case STOP_COMPLETED:
		return tr(N_("Completed: the full session"));
	case STOP_MEMBER:
		return tr(N_("You stopped it"));
	case STOP_SYMPTOM:
		return tr(N_("Stopped because of numbness or tingling"));
	case STOP_STAFF:
		return tr(N_("Stopped by staff"));
	case STOP_BUTTON:
		return tr(N_("Stopped with the stop button"));
	case STOP_FAULT:
		return tr(N_("Stopped safely by the station"));
	case STOP_PAUSE_LIMIT:
		return tr(N_("Ended after a long pause"));
	case STOP_SHUTDOWN:
		return tr(N_("Ended: the kiosk was switched off"));
	default:
		return tr(N_("Ended"));
	}
}

/* clang-format off */
static const struct fault_words faults[FAULT_CODE_COUNT] = {
	[FAULT_OVERPRESSURE] = {
		N_("The pressure went above the safe limit. The boots have been emptied and the station is locked."),
		N_("A zone or the manifold read above the pressure ceiling; every valve was opened and the pump stopped in the same tick."),
		N_("Look for a kinked or pinched hose and a zone valve that does not open. Compare the sensor with a gauge at zero and at 50 mmHg."),
		N_("A reset unlocks the station once the pressure is down. It needs cleaning before the next member if the boots were worn."),
	},
	[FAULT_LEAK] = {
		N_("The boots did not fill. Check that both hoses are clicked in and the boots are zipped."),
		N_("A zone did not reach its target within the longest fill time."),
		N_("Check the hose connectors, the zips, the bladders for a puncture and the pump for output."),
		N_("A reset unlocks the station; the next session fills from the start."),
	},
	[FAULT_BLOCKED_HOSE] = {
		N_("A hose seems blocked or kinked. Straighten the hoses and make sure nothing presses on them."),
		N_("The pressure rose far faster than a zone can fill."),
		N_("Look for a kinked hose, a closed clamp or a zone valve that does not open."),
		N_("A reset unlocks the station once the pressure is down."),
	},
	[FAULT_STUCK_INFLATED] = {
		N_("The boots did not empty. Open the zips and take the boots off."),
		N_("The pressure stayed high after the release time."),
		N_("Check the exhaust valve and its wiring; the manifold must read zero with everything open."),
		N_("A reset is refused while pressure remains; it unlocks the station once the boots are empty."),
	},
	[FAULT_SENSOR] = {
		N_("The pressure sensor is not working. The boots have been emptied and the station is locked."),
		N_("The sensor read out of range, stayed frozen, did not rise with the pump or failed to answer."),
		N_("Check the sensor's clock and data wires, its supply and the tube to the manifold."),
		N_("A reset unlocks the station; the sensor is checked again at the next fill."),
	},
	[FAULT_PUMP_RUNTIME] = {
		N_("The pump ran too long. The boots have been emptied and the station is locked."),
		N_("The pump ran longer than its continuous limit without reaching pressure."),
		N_("Check for a leak or a worn pump, and that the pump stops when the valves close."),
		N_("A reset unlocks the station once the pressure is down."),
	},
	[FAULT_HARDWARE] = {
		N_("The valves or pump did not respond. The boots have been emptied and the station is locked."),
		N_("A GPIO write to a valve or the pump failed."),
		N_("Check the GPIO wiring, the expander and the relay board's supply; run the self-test."),
		N_("A reset is refused until every output has taken its safe level."),
	},
	[FAULT_STOP_BUTTON] = {
		N_("The stop button circuit is open. Staff must check it before the station can be used."),
		N_("The normally-closed stop circuit was open when it should have been closed."),
		N_("Check the stop button, its cable and connector; the circuit must be closed when released."),
		N_("A reset is refused while the circuit stays open."),
	},
	[FAULT_SENSOR_STALE] = {
		N_("The pressure sensor stopped answering. The boots have been emptied and the station is locked."),
		N_("The sensor gave no fresh reading while the pump ran."),
		N_("Check the sensor's clock and data wires and its supply; run the self-test."),
		N_("A reset unlocks the station; the sensor is checked again at the next fill."),
	},
	[FAULT_SENSOR_FROZEN] = {
		N_("The pressure sensor is stuck. The boots have been emptied and the station is locked."),
		N_("The sensor gave the same reading while the pressure had to change."),
		N_("Check the tube from the manifold to the sensor for a kink or water, and the sensor itself."),
		N_("A reset unlocks the station; the sensor is checked again at the next fill."),
	},
	[FAULT_SENSOR_ZERO] = {
		N_("The pressure sensor reads wrong. The boots have been emptied and the station is locked."),
		N_("The sensor read away from zero while the manifold was open to the air."),
		N_("Check the sensor's zero and its tube; a drifting sensor needs replacing."),
		N_("A reset unlocks the station; the zero is checked at every release."),
	},
	[FAULT_SENSOR_DISAGREE] = {
		N_("The two pressure sensors disagree. The boots have been emptied and the station is locked."),
		N_("The control sensor and the independent safety sensor read too far apart."),
		N_("Compare both sensors with a gauge; check both tubes and the wiring of each."),
		N_("A reset unlocks the station; the sensors are compared again at every fill."),
	},
	[FAULT_SAFETY_SENSOR] = {
		N_("The safety pressure sensor is not working. The boots have been emptied and the station is locked."),
		N_("The independent safety sensor failed: no answer, stale or out of range."),
		N_("Check the safety sensor's wiring, supply and tube."),
		N_("A reset unlocks the station once the safety sensor answers again."),
	},
	[FAULT_FILL_IMPLAUSIBLE] = {
		N_("A zone filled in a way that does not fit. The boots have been emptied and the station is locked."),
		N_("A fill took far more or far less pump time than this station has learned it needs."),
		N_("Check the zone named on this page: its valve, bladder and hose, and the sensor."),
		N_("A reset unlocks the station; the fill is checked again at the next session."),
	},
	[FAULT_PUMP_RELAY] = {
		N_("The pump does not switch off. The boots have been emptied and the station is locked."),
		N_("The pressure rose while the pump was switched off: its relay may be welded."),
		N_("Check the pump relay and its driver; cut the pump's supply until it is replaced."),
		N_("A reset unlocks the station; do not reset before the relay is checked."),
	},
	[FAULT_EXHAUST_STUCK] = {
		N_("The boots do not let the air out. Open the zips and take the boots off."),
		N_("The manifold did not vent with the exhaust valve open."),
		N_("Check the exhaust valve, its wiring and the exhaust outlet for a blockage."),
		N_("A reset is refused while pressure remains."),
	},
	[FAULT_ZONE_STUCK_CLOSED] = {
		N_("A zone may still hold air. Open the zips and take the boots off."),
		N_("A zone did not answer when its valve was opened: it may still be inflated."),
		N_("Check the valve of the zone named on this page and its wiring; squeeze the zone to feel for air."),
		N_("A reset unlocks the station once every zone reads empty."),
	},
	[FAULT_MANIFOLD_LEAK] = {
		N_("The station failed its safety check before filling, so the boots were not filled. The station is locked."),
		N_("With every valve shut, a puff of air did not stay in the manifold: a zone or exhaust valve stuck open, or the pump does not run."),
		N_("Check each zone valve and the exhaust valve for one that stays open, then the pump, its relay and the hoses inside the station."),
		N_("A reset unlocks the station; the check runs again before the next session."),
	},
};
/* clang-format on */

bool words_fault(enum fault_code f, struct fault_words *w)
{
	static const struct fault_words generic = {
	    N_("The station has stopped safely and is locked."),
	    N_("The controller detected a fault."),
	    N_("See the kiosk's log (journalctl -u recovery-kiosk) for the details."),
	    N_("A reset unlocks the station once the pressure is down."),
	};
	bool known = (unsigned)f < FAULT_CODE_COUNT && faults[f].member != NULL;
	const struct fault_words *src = known ? &faults[f] : &generic;

	w->member = tr(src->member);
	w->detected = tr(src->detected);
	w->check = tr(src->check);
	w->reset = tr(src->reset);
	return known || f == FAULT_NONE;
}

static const struct {
	const char *note, *words;
} reasons[WORDS_REASONS] = {
    {"repair", N_("Waiting for a repair")},   {"cleaning", N_("Deep cleaning")},
    {"boots", N_("Boots or hoses damaged")},  {"reserved", N_("Reserved")},
    {"other", N_("Other reason: ask staff")},
};

const char *words_reason_note(size_t i)
{
	return i < COUNT(reasons) ? reasons[i].note : "";
}

const char *words_service_reason(const char *note)
{
	if (!note || !note[0])
		return tr(N_("Not available right now"));
	for (size_t i = 0; i < COUNT(reasons); i++)
		if (strcmp(reasons[i].note, note) == 0)
			return tr(reasons[i].words);
	return note;
}

const char *words_intensity(double target, double min, double max)
{
	double span = max - min;
	double at = span > 0.5 ? (target - min) / span : 0.5;

	if (at < 1.0 / 3.0)
		return tr(N_("Light"));
	if (at <= 2.0 / 3.0)
		return tr(N_("Medium"));
	return tr(N_("Firm"));
}

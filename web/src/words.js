// SPDX-License-Identifier: MIT
// What staff read: station states in words and colours, fault advice for the
// technician, command names and answers.

export const STATES = {
  idle: { words: 'Free', tone: 'free' },
  setup: { words: 'Member choosing', tone: 'busy' },
  screening: { words: 'Health questions', tone: 'busy' },
  ready: { words: 'Boots on, ready', tone: 'busy' },
  running: { words: 'In session', tone: 'run' },
  paused: { words: 'Paused', tone: 'warn' },
  venting: { words: 'Releasing pressure', tone: 'run' },
  needs_cleaning: { words: 'Needs cleaning', tone: 'warn' },
  fault: { words: 'Fault', tone: 'bad' },
  out_of_service: { words: 'Out of service', tone: 'off' },
};

export function stateWords(state) {
  return (STATES[state] || { words: state || 'Unknown' }).words;
}

export function stateTone(state) {
  return (STATES[state] || { tone: 'off' }).tone;
}

// For the technician: what the kiosk detected and what to check, per fault
// code (core/protocol.h).  The kiosk's own fault_message is the member's text.
export const FAULT_ADVICE = {
  overpressure: {
    detected: 'A zone or the manifold read above the pressure ceiling; the station vented and locked.',
    check: 'Check the pressure sensor against a gauge and its tube for kinks; check the pump relay does not stick on.',
  },
  leak: {
    detected: 'A zone did not reach its target pressure within the maximum fill time.',
    check: 'Check the boots are connected and zipped, the hose couplings are pushed home, and the boot bladders for holes.',
  },
  blocked_hose: {
    detected: 'Pressure rose far faster than a zone can fill: air is not reaching the boot.',
    check: 'Look for a kinked, pinched or blocked hose between the station and the boots; check the zone valve opens.',
  },
  stuck_inflated: {
    detected: 'Pressure stayed high after the vent time: a boot may still hold air.',
    check: 'Release the member first. Check the exhaust valve and the zone valves open when unpowered; check the exhaust port is not blocked.',
  },
  sensor: {
    detected: 'The pressure reading was out of range, frozen, or did not rise while the pump ran.',
    check: 'Check the sensor wiring (clock and data lines), its supply, and the sensor tube; run recovery-kiosk --self-test.',
  },
  pump_runtime: {
    detected: 'The pump ran longer without a break than the configured limit.',
    check: 'Check for a leak that keeps the pump filling, and that pump_max_on_ms in kiosk.conf suits the pump.',
  },
  hardware: {
    detected: 'A GPIO write to a valve or the pump failed; outputs are held in the safe state.',
    check: 'Check the relay board or the MCP23017 expander, its power and I2C wiring; see the kiosk journal.',
  },
  stop_button: {
    detected: 'The stop circuit (normally closed) was open at start.',
    check: 'Check the stop button is released and its wiring is intact; a cut wire reads as pressed.',
  },
};

export function faultAdvice(code) {
  if (!code || code === 'none') return null;
  return FAULT_ADVICE[code] || { detected: `Fault "${code}".`, check: 'See the kiosk journal (journalctl -u recovery-kiosk).' };
}

export const ACTIONS = {
  stop: 'Stop',
  reset_fault: 'Reset fault',
  cleaned: 'Cleaned',
  out_of_service: 'Out of service',
  in_service: 'Back in service',
};

// Which staff actions a station in this state offers.
export function actionsFor(state) {
  switch (state) {
    case 'running': case 'paused': case 'setup': case 'screening': case 'ready':
      return ['stop', 'out_of_service'];
    case 'fault': return ['reset_fault', 'out_of_service'];
    case 'needs_cleaning': return ['cleaned', 'out_of_service'];
    case 'out_of_service': return ['in_service'];
    case 'venting': return [];
    default: return ['out_of_service'];
  }
}

export function mmss(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// SPDX-License-Identifier: MIT
// Everything the dashboard knows, built from MQTT messages only: clubs
// (sites), each with its kiosk's health and its stations.  No DOM here.

import { parseTopic } from './topics.js';

const WAVE_POINTS = 90; // recent pressure readings kept per station for the sparkline
const EVENTS_KEPT = 100;

export function createModel() {
  return { sites: new Map(), events: [], seq: 0, summaries: 0 };
}

export function site(model, name) {
  let s = model.sites.get(name);
  if (!s) {
    s = {
      name,
      kiosk: null, // kiosk/status
      kioskOnline: null, // kiosk/availability: true, false, null = unknown
      bridgeUp: null, // bridge/state at a central broker: true, false, null = no bridge seen
      stations: new Map(),
      seenAt: 0,
    };
    model.sites.set(name, s);
  }
  return s;
}

export function station(s, n) {
  let st = s.stations.get(n);
  if (!st) {
    st = { n, status: null, online: null, usage: null, lastSummary: null, wave: [], lastEvent: null, changedAt: 0 };
    s.stations.set(n, st);
  }
  return st;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Folds one message in; returns what changed ({site, station?, kind}) or null.
export function apply(model, topic, text, now = Date.now()) {
  const t = parseTopic(topic);
  if (!t) return null;
  model.seq++;
  const s = site(model, t.site);
  s.seenAt = now;
  if (t.kind === 'bridge') {
    // mosquitto's bridge notification: "1" connected, "0" lost.
    s.bridgeUp = text.trim() === '1' || text.trim() === 'online';
    return { site: t.site, kind: 'bridge' };
  }
  if (t.kind === 'kiosk') {
    if (t.leaf === 'status') {
      if (text === '') s.kiosk = null;
      else s.kiosk = parseJson(text) || s.kiosk;
    } else if (t.leaf === 'availability') {
      s.kioskOnline = text === '' ? null : text === 'online';
    } else return null;
    return { site: t.site, kind: 'kiosk' };
  }
  if (t.kind !== 'station') return null;
  if (t.leaf === 'cmd/result' || t.leaf === 'cmd') return { site: t.site, station: t.station, kind: t.leaf };
  const st = station(s, t.station);
  if (t.leaf === 'status') {
    if (text === '') {
      // An empty retained status: the station was removed from kiosk.conf.
      s.stations.delete(t.station);
      return { site: t.site, station: t.station, kind: 'removed' };
    }
    const v = parseJson(text);
    if (!v) return null;
    if (!st.status || st.status.state !== v.state) st.changedAt = now;
    st.status = v;
    if (Array.isArray(v.zone_mmhg)) {
      st.wave.push({ t: now, zones: v.zone_mmhg.slice() });
      if (st.wave.length > WAVE_POINTS) st.wave.shift();
    }
  } else if (t.leaf === 'availability') {
    st.online = text === '' ? null : text === 'online';
  } else if (t.leaf === 'usage') {
    // Retained: today and the last 7 days; empty when the station went away.
    st.usage = text === '' ? null : parseJson(text);
  } else if (t.leaf === 'summary') {
    // One finished session (at least once: the same session may come again).
    const v = parseJson(text);
    if (!v || (st.lastSummary && st.lastSummary.session === v.session)) return null;
    st.lastSummary = v;
    model.summaries++;
  } else if (t.leaf === 'event') {
    const v = parseJson(text);
    if (!v) return null;
    st.lastEvent = v;
    model.events.unshift({ site: t.site, station: t.station, ...v });
    if (model.events.length > EVENTS_KEPT) model.events.pop();
  } else return null;
  return { site: t.site, station: t.station, kind: t.leaf };
}

// A club is online when its kiosk says so and, behind a bridge, the bridge
// is up (a dead club keeps its last retained "online" at the centre; the
// bridge's notification topic is what tells).
export function siteOnline(s) {
  if (s.bridgeUp === false) return false;
  return s.kioskOnline === true;
}

export function fleetSummary(model) {
  let clubs = 0, online = 0, inUse = 0, faults = 0, offService = 0, stations = 0;
  for (const s of model.sites.values()) {
    clubs++;
    if (siteOnline(s)) online++;
    for (const st of s.stations.values()) {
      if (!st.status) continue;
      stations++;
      const state = st.status.state;
      if (state === 'running' || state === 'paused' || state === 'venting') inUse++;
      if (state === 'fault') faults++;
      if (state === 'out_of_service') offService++;
    }
  }
  return { clubs, online, inUse, faults, offService, stations };
}

export function siteSummary(s) {
  let inUse = 0, faults = 0, offService = 0, dirty = 0;
  for (const st of s.stations.values()) {
    const state = st.status && st.status.state;
    if (state === 'running' || state === 'paused' || state === 'venting') inUse++;
    if (state === 'fault') faults++;
    if (state === 'out_of_service') offService++;
    if (state === 'needs_cleaning') dirty++;
  }
  return { stations: s.stations.size, inUse, faults, offService, dirty };
}

export function sortedSites(model) {
  return [...model.sites.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function sortedStations(s) {
  return [...s.stations.values()].sort((a, b) => a.n - b.n);
}

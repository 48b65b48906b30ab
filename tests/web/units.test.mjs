// SPDX-License-Identifier: MIT
// The dashboard's pure modules in Node: topic layout, the model built from
// messages, and the sessions CSV (the same row tests/store/test_history.c
// expects from --report).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopic, subscriptions } from '../../web/src/topics.js';
import { apply, createModel, fleetSummary, siteOnline } from '../../web/src/model.js';
import { CSV_HEADER, minutesText, sessionsCsv } from '../../web/src/csv.js';
import { actionsFor, faultAdvice } from '../../web/src/words.js';

describe('topics', () => {
  it('parses station, kiosk, bridge and reply topics and refuses others', () => {
    assert.deepEqual(parseTopic('recovery/city-gym/station/3/cmd/result'), { site: 'city-gym', kind: 'station', station: 3, leaf: 'cmd/result' });
    assert.deepEqual(parseTopic('recovery/a/kiosk/status'), { site: 'a', kind: 'kiosk', leaf: 'status' });
    assert.equal(parseTopic('recovery/a/bridge/state').kind, 'bridge');
    assert.equal(parseTopic('recovery/a/station/0/status'), null);
    assert.equal(parseTopic('recovery/a/station-1/status'), null);
    assert.equal(parseTopic('homeassistant/sensor/x/config'), null);
  });

  it('gives a viewer no command topics', () => {
    const viewer = subscriptions('', 'dash-1', false);
    assert.ok(viewer.every((t) => !/\/cmd/.test(t)));
    assert.ok(subscriptions('x', 'dash-1', true).includes('recovery/x/station/+/cmd/result'));
  });
});

describe('model', () => {
  it('keeps stations, kiosk health and the bridge per club', () => {
    const m = createModel();
    apply(m, 'recovery/a/kiosk/availability', 'online');
    apply(m, 'recovery/a/station/1/status', '{"state":"running","zone_mmhg":[40,35]}');
    apply(m, 'recovery/a/station/2/status', '{"state":"fault","fault":"leak"}');
    apply(m, 'recovery/b/kiosk/availability', 'online');
    apply(m, 'recovery/b/bridge/state', '0');
    const f = fleetSummary(m);
    assert.deepEqual([f.clubs, f.online, f.inUse, f.faults], [2, 1, 1, 1]);
    assert.equal(siteOnline(m.sites.get('b')), false);
    assert.equal(m.sites.get('a').stations.get(1).wave.length, 1);
    apply(m, 'recovery/a/station/2/status', '');
    assert.equal(m.sites.get('a').stations.has(2), false);
  });

  it('keeps the retained usage and counts each session summary once', () => {
    const m = createModel();
    apply(m, 'recovery/a/station/3/usage', '{"station":3,"today":{"sessions":2,"minutes":31.5}}');
    assert.equal(m.sites.get('a').stations.get(3).usage.today.sessions, 2);
    apply(m, 'recovery/a/station/3/usage', '');
    assert.equal(m.sites.get('a').stations.get(3).usage, null);
    const summary = '{"session":7,"station":3,"end":"stopped"}';
    assert.equal(apply(m, 'recovery/a/station/3/summary', summary).kind, 'summary');
    assert.equal(apply(m, 'recovery/a/station/3/summary', summary), null);
    assert.equal(m.summaries, 1);
    assert.ok(subscriptions('a', 'dash-1', false).includes('recovery/a/station/+/summary'));
  });
});

describe('csv', () => {
  it('writes the row --report writes for the same session', () => {
    const s = {
      session: 2, station: 3, program: 'standard', started: '2026-11-26T08:00:00Z', ended: '2026-11-26T08:01:35Z',
      planned_s: 1200, delivered_s: 95, end: 'stopped', stop_reason: 'member', zones: 3,
      peak_mmhg: [50, 51, 52], mean_mmhg: [44.9, 45.9, 46.9], fault_count: 0, faults: [],
    };
    assert.equal(sessionsCsv([s]), `${CSV_HEADER}\n2,3,standard,2026-11-26T08:00:00Z,2026-11-26T08:01:35Z,20.0,1.6,stopped,member,3,50.0;51.0;52.0,44.9;45.9;46.9,0,\n`);
    assert.equal(minutesText(29), '0.5');
    assert.equal(minutesText(0), '0.0');
  });
});

describe('words', () => {
  it('offers the actions that fit the state and advice for every fault', () => {
    assert.deepEqual(actionsFor('fault'), ['reset_fault', 'out_of_service']);
    assert.deepEqual(actionsFor('out_of_service'), ['in_service']);
    for (const f of ['overpressure', 'leak', 'blocked_hose', 'stuck_inflated', 'sensor', 'pump_runtime', 'hardware', 'stop_button'])
      assert.ok(faultAdvice(f).check.length > 10, f);
    assert.equal(faultAdvice('none'), null);
  });
});

// SPDX-License-Identifier: MIT
// Sessions the browser watches, against the real kiosk with its touchscreen:
// recovery-kiosk --sim under Xvfb on a real mosquitto (the example ACL, the
// dashboard's websockets listener), a member's session started with real
// clicks through the UI harness (tests/ui), staff in headless Chromium.
//  - staff stop a RUNNING session and mark the station cleaned, each press
//    with the kiosk's answer shown;
//  - a boot configured to leak (sim_fault = leak, the simulator's kiosk.conf
//    key) faults during a session; staff read the advice and reset it;
//  - the history view shows those sessions with the right counts and
//    minutes, and its CSV export is the bytes of recovery-kiosk --report;
//  - the usage and session summaries the kiosk published say the same, follow
//    docs/schemas, and no message carries a screening question.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  KIOSK, PASSWORDS, SOURCE, aclFile, buildDashboard, cleanup, kioskConfig, passwordFile, startBroker, tempDir, until,
} from './support/env.mjs';
import { DESKTOP, PHONE, launch, login, openPage, screenshot } from './support/browser.mjs';
import { connect, matching, waitMessage } from './support/client.mjs';
import { startTouchscreen } from './support/touchscreen.mjs';

const SITE = 'test-gym';
const STOP_STATION = 3; // sensor, no stop button: nothing but the test touches it
const LEAK_STATION = 1;
const STANDARD = 1; // program index on the first page: gradient hold, its clock starts after one fill of every zone
const T = `recovery/${SITE}/`;
let dir, broker, ts, browser, page, staff;
const seen = { running: 0, stopAnswered: 0 };

// kiosk.conf for the touchscreen: assets/kiosk-sim.conf on this broker and
// site, a boot that leaks on LEAK_STATION, a shorter fill limit so the leak
// shows in seconds, and a plot point every second.
function template() {
  const conf = kioskConfig(dir, { site: SITE, port: broker.port, stateDir: join(dir, 'state'), history: 'sample_s = 1' });
  const text = readFileSync(conf, 'utf8')
    .replace(`[station.${LEAK_STATION}]\n`, `[station.${LEAK_STATION}]\nsim_fault = leak\n`)
    .replace(/^max_fill_ms = \d+$/m, 'max_fill_ms = 5000');
  writeFileSync(conf, text);
  return conf;
}

function cardState(n) {
  return page.$eval(`[data-station="${n}"]`, (c) => c.dataset.state).catch(() => null);
}

async function waitCard(n, state, timeoutMs = 15000) {
  await page.waitForSelector(`[data-station="${n}"][data-state="${state}"]`, { timeout: timeoutMs });
}

// Presses a staff button on a card; returns the result text once the
// kiosk's answer (not the pending line) is shown.
async function press(n, action) {
  await page.evaluate((k) => {
    window.__results = window.__results || {};
    window.__results[k] = [];
    const box = document.querySelector(`[data-station="${k}"] .result`);
    new MutationObserver(() => window.__results[k].push(box.className)).observe(box, { attributes: true, attributeFilter: ['class'] });
  }, n);
  await page.click(`[data-station="${n}"] button[data-action="${action}"]`);
  // Pending first, then the kiosk's answer (or the time-out).
  await page.waitForFunction((k) => {
    const seen = window.__results[k];
    const at = seen.indexOf('result pending');
    return at >= 0 && seen.slice(at + 1).some((c) => c !== 'result pending');
  }, { timeout: 12000 }, n);
  return page.$eval(`[data-station="${n}"] .result`, (e) => e.textContent);
}

function lastJson(re) {
  const m = matching(staff, re);
  return m.length ? JSON.parse(m[m.length - 1].text) : null;
}

before(async () => {
  dir = tempDir('sessions');
  const dist = buildDashboard();
  const passwd = passwordFile(dir);
  broker = await startBroker({ dir, site: SITE, passwd, acl: aclFile(dir, SITE), ws: true, httpDir: dist });
  staff = await connect(broker.port, 'staff', PASSWORDS.staff);
  await staff.subscribeAsync(`${T}#`);
  ts = await startTouchscreen({
    port: broker.port, template: template(), user: 'staff', password: PASSWORDS.staff, log: join(dir, 'ui_driver.log'),
  });
  browser = await launch();
  page = await openPage(browser, broker.url, DESKTOP);
  await login(page, { user: 'staff', password: PASSWORDS.staff, site: SITE, broker: broker.wsUrl });
  await page.waitForFunction(() => document.querySelectorAll('[data-station][data-state="idle"]').length === 4, { timeout: 5000 });
});

after(async () => {
  await browser?.close();
  const bye = await ts?.stop();
  if (bye && !/^bye 0$/.test(bye)) console.log(`# the kiosk under Xvfb ended with: ${bye}`);
  await staff?.endAsync();
  await broker?.stop();
  cleanup(dir);
});

describe('sessions started on the touchscreen, watched and commanded in the browser', () => {
  it('refuses the simulator-only sim_fault without --sim, naming file, line and fix', () => {
    const r = spawnSync(KIOSK, ['--check-config', '--config', ts.conf], { encoding: 'utf8' });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /kiosk\.conf:\d+: sim_fault is for the simulator only; remove it, or start with --sim/);
  });

  it('stops a running session for staff and shows the answer, then the station waits for cleaning', async () => {
    const t0 = Date.now();
    await ts.must(`start ${STOP_STATION} ${STANDARD}`, 90000);
    await waitCard(STOP_STATION, 'running', 2000);
    seen.running = Date.now();
    console.log(`# a member's session started with real clicks in ${seen.running - t0} ms`);
    // Until the session clock runs (every zone filled once) and some more.
    await until(() => { const s = lastJson(new RegExp(`^${T}station/${STOP_STATION}/status$`)); return s && s.elapsed_s >= 8; }, 60000, 'the session clock');
    assert.match(await page.$eval(`[data-station="${STOP_STATION}"] .prog`, (e) => e.textContent), /left/);
    await screenshot(page, 'session-running-desktop');
    const text = await press(STOP_STATION, 'stop');
    seen.stopAnswered = Date.now();
    assert.match(text, /^Stop: done$/);
    await waitCard(STOP_STATION, 'needs_cleaning');
    const ev = await waitMessage(staff, new RegExp(`^${T}station/${STOP_STATION}/event$`), (m) => /"session_stopped"/.test(m.text));
    assert.equal(JSON.parse(ev.text).reason, 'staff');
    await ts.must(`state ${STOP_STATION} needs_cleaning 5000`);
  });

  it('marks the station cleaned after the session and shows the answer and the time', async () => {
    const text = await press(STOP_STATION, 'cleaned');
    assert.match(text, /^Cleaned: done$/);
    await waitCard(STOP_STATION, 'idle');
    // The touchscreen is back on the overview with the station free.
    await ts.must(`overview ${STOP_STATION}`);
    const usage = await waitMessage(staff, new RegExp(`^${T}station/${STOP_STATION}/usage$`), (m) => /"last_cleaned":"/.test(m.text));
    assert.equal(JSON.parse(usage.text).today.stopped, 1);
    await page.waitForFunction((n) => /Today: 1 session/.test(document.querySelector(`[data-station="${n}"] .usage`)?.textContent || ''), { timeout: 3000 }, STOP_STATION);
  });

  it('shows a fault from a leaking boot with the technician\'s advice and resets it for staff', async () => {
    await ts.must(`start ${LEAK_STATION} ${STANDARD}`, 90000);
    await waitCard(LEAK_STATION, 'fault', 30000);
    const fault = await page.$eval(`[data-station="${LEAK_STATION}"] .fault`, (e) => e.textContent);
    assert.match(fault, /leak/);
    assert.match(fault, /Detected: A zone did not reach its target pressure/);
    assert.match(fault, /Check: /);
    await screenshot(page, 'fault-desktop');
    const text = await press(LEAK_STATION, 'reset_fault');
    assert.match(text, /^Reset fault: done$/);
    await until(async () => (await cardState(LEAK_STATION)) !== 'fault', 10000, 'the station out of fault');
    const after = await cardState(LEAK_STATION);
    if (after === 'needs_cleaning') assert.match(await press(LEAK_STATION, 'cleaned'), /^Cleaned: done$/);
    const ev = await waitMessage(staff, new RegExp(`^${T}station/${LEAK_STATION}/event$`), (m) => /"fault_reset"/.test(m.text));
    assert.ok(ev);
  });

  it('publishes a summary of each session with how it ended, per-zone pressures and faults', async () => {
    const stop = JSON.parse((await waitMessage(staff, new RegExp(`^${T}station/${STOP_STATION}/summary$`))).text);
    const stopped = JSON.parse(matching(staff, new RegExp(`^${T}station/${STOP_STATION}/event$`)).find((m) => /"session_stopped"/.test(m.text)).text);
    assert.equal(stop.end, 'stopped');
    assert.equal(stop.stop_reason, 'staff');
    assert.equal(stop.delivered_s, stopped.elapsed_s);
    assert.ok(stop.delivered_s >= 8, `delivered ${stop.delivered_s} s`);
    assert.ok(stop.delivered_s <= Math.ceil((seen.stopAnswered - seen.running) / 1000) + 1);
    assert.equal(stop.zones, 4);
    assert.ok(stop.peak_mmhg.every((v) => v > 20), `peaks ${stop.peak_mmhg}`);
    assert.ok(stop.mean_mmhg.every((v, i) => v > 0 && v <= stop.peak_mmhg[i]));
    const leak = JSON.parse((await waitMessage(staff, new RegExp(`^${T}station/${LEAK_STATION}/summary$`), () => true, 10000)).text);
    assert.equal(leak.end, 'faulted');
    assert.deepEqual(leak.faults, ['leak']);
    assert.equal(leak.fault_count, 1);
  });

  it('shows those sessions in the history view with the right counts and minutes, and its CSV is --report\'s', async () => {
    await page.evaluate((s) => { location.hash = `#/site/${s}/history`; }, SITE);
    await page.waitForFunction((s) => { const h = window.dashboard.history.get(s); return h && !h.loading && h.data; }, { timeout: 10000 }, SITE);
    assert.equal(await page.evaluate((s) => window.dashboard.history.get(s).error, SITE), '');
    const report = JSON.parse(execFileSync(KIOSK, ['--report', '--format', 'json', '--config', ts.conf], { encoding: 'utf8' }));
    assert.equal(report.sessions.length, 2);
    const byStation = (n) => report.sessions.find((s) => s.station === n);
    const rows = await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(rows.length, 2);
    // Newest first: the leak, then the stopped session.
    assert.equal(rows[1][1], String(STOP_STATION));
    assert.equal(rows[1][4], byStation(STOP_STATION).delivered_min.toFixed(1));
    assert.match(rows[1][5], /^stopped \(staff\)$/);
    assert.match(rows[0][5], /^faulted/);
    assert.equal(rows[0][7], 'leak');
    const usage = async (n, cls) => page.$eval(`#usage tr[data-station="${n}"] .${cls}`, (e) => e.textContent);
    assert.equal(await usage(STOP_STATION, 'n-sessions'), '1');
    assert.equal(await usage(STOP_STATION, 'n-minutes'), (Math.round(byStation(STOP_STATION).delivered_s / 6) / 10).toFixed(1));
    assert.equal(await usage(LEAK_STATION, 'n-sessions'), '1');
    assert.match(await page.$eval('#cleaned', (e) => e.textContent), new RegExp(`Station ${STOP_STATION}:`));
    await screenshot(page, 'history-sessions-desktop');
    // The export is the same bytes as the manager's report on the Pi.
    const csv = await page.evaluate((s) => window.dashboard.sessionsCsv(s), SITE);
    assert.equal(csv, execFileSync(KIOSK, ['--report', '--format', 'csv', '--config', ts.conf], { encoding: 'utf8' }));
    // One session's plot, sampled by the kiosk.
    await page.click(`#sessions tr[data-session="${byStation(STOP_STATION).session}"] .plot-btn`);
    await page.waitForSelector('#plot svg.plot', { timeout: 10000 });
    await page.setViewport(PHONE);
    await screenshot(page, 'history-sessions-phone');
    await page.setViewport(DESKTOP);
  });

  it('sends nothing a schema does not allow, and no screening question anywhere', () => {
    const ids = [...readFileSync(join(SOURCE, 'assets/screening.conf'), 'utf8').matchAll(/^\[question\.([a-z_]+)\]/gm)].map((m) => m[1]);
    const words = ids.filter((id) => id.length >= 6).concat(['symptom', 'question']);
    for (const m of staff.seen)
      for (const w of words) assert.ok(!m.text.includes(w), `${w} in ${m.topic}: ${m.text.slice(0, 120)}`);
    const probe = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('# python3-jsonschema missing: the schema check is skipped (scripts/setup-deps.sh installs it)');
      return;
    }
    const lines = staff.seen.map((m) => JSON.stringify({ topic: m.topic, payload: m.text })).join('\n');
    const r = spawnSync('python3', [join(SOURCE, 'tests/web/support/validate.py'), join(SOURCE, 'docs/schemas')], { input: lines, encoding: 'utf8' });
    console.log(`# ${r.stdout.trim().split('\n').pop()}`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

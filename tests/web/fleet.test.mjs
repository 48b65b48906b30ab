// SPDX-License-Identifier: MIT
// A gym chain on loopback: two clubs, each with its real kiosk and its own
// broker, bridged with the shipped bridge-site.conf (TLS, per-club login,
// persistent sessions, notification topic) to a central broker made from
// bridge-central.conf and bridge-central.acl.  The dashboard, pointed at
// the centre, shows both clubs; a command from the centre reaches the right
// station and its answer comes back; events produced while a club's link is
// cut arrive once it is restored (counted); a club whose broker dies shows
// offline at the centre (time measured).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  PASSWORDS, SOURCE, aclFile, buildDashboard, cleanup, freePort, passwordFile, startBroker, startKiosk, tempDir, until,
} from './support/env.mjs';
import { DESKTOP, PHONE, launch, login, openPage, screenshot } from './support/browser.mjs';
import { connect, matching, waitMessage } from './support/client.mjs';
import { startProxy } from './support/proxy.mjs';

const CLUBS = ['club-north', 'club-south'];
const CLUB_PW = { 'club-north': 'north-pw', 'club-south': 'south-pw' };
const EVENTS_WHILE_CUT = 10;
let dir, central, sites = {}, browser, page, watcher;

function makeCerts(d) {
  const run = (args) => execFileSync('openssl', args, { cwd: d, stdio: 'ignore' });
  run(['req', '-x509', '-new', '-nodes', '-newkey', 'rsa:2048', '-days', '2', '-subj', '/CN=test chain CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  run(['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(d, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt']);
}

// bridge-central.conf with its paths and ports on this machine; the
// dashboard's listener without TLS (the browser would not trust the CA).
function centralConf(d, tlsPort, wsPort, dist) {
  return readFileSync(join(SOURCE, 'systemd/mosquitto/bridge-central.conf'), 'utf8')
    .split('\n').filter((l) => !/^(per_listener_settings|allow_anonymous|password_file|acl_file|listener 1883)/.test(l))
    .join('\n')
    .replace('persistence_location /var/lib/mosquitto/', `persistence_location ${d}/`)
    .replace('listener 8883', `listener ${tlsPort} 127.0.0.1`)
    .replace(/listener 8443\nprotocol websockets\nhttp_dir \S+\ncafile \S+\ncertfile \S+\nkeyfile \S+\ntls_version \S+/,
      `listener ${wsPort} 127.0.0.1\nprotocol websockets\nhttp_dir ${dist}`)
    .replaceAll('/etc/mosquitto/certs/', `${d}/`);
}

// bridge-site.conf for one club, its address pointed at the club's relay.
function siteBridge(site, d, certDir, proxyPort) {
  return readFileSync(join(SOURCE, 'systemd/mosquitto/bridge-site.conf'), 'utf8')
    .replaceAll('city-gym', site)
    .replace('central.example.org:8883', `127.0.0.1:${proxyPort}`)
    .replace('remote_password change-me', `remote_password ${CLUB_PW[site]}`)
    .replace('persistence_location /var/lib/mosquitto/', `persistence_location ${d}/`)
    .replace('restart_timeout 2 30', 'restart_timeout 1 2')
    .replaceAll('/etc/mosquitto/certs/central-ca.crt', `${certDir}/ca.crt`);
}

async function startSite(site, certDir, dist, centralTls) {
  const d = join(dir, site);
  const port = await freePort();
  const proxy = await startProxy(await freePort(), centralTls);
  const extra = siteBridge(site, d, certDir, proxy.port);
  mkdirSync(d, { recursive: true });
  const passwd = passwordFile(d);
  const broker = await startBroker({ dir: d, name: site, site, passwd, port, extra, acl: aclFile(d, site) });
  const kiosk = await startKiosk(d, { site, port });
  return { site, dir: d, port, proxy, broker, kiosk, passwd, extra };
}

before(async () => {
  dir = tempDir('fleet');
  const dist = buildDashboard();
  makeCerts(dir);
  const passwd = passwordFile(dir, { ...PASSWORDS, ...CLUB_PW });
  const tls = await freePort();
  const ws = await freePort();
  const acl = join(dir, 'central.acl');
  writeFileSync(acl, readFileSync(join(SOURCE, 'systemd/mosquitto/bridge-central.acl'), 'utf8'));
  central = await startBroker({ dir, name: 'central', passwd, acl, extra: centralConf(dir, tls, ws, dist) });
  central.wsUrl = `ws://127.0.0.1:${ws}/mqtt`;
  central.url = `http://127.0.0.1:${ws}/`;
  watcher = await connect(central.port, 'staff', PASSWORDS.staff);
  await watcher.subscribeAsync('recovery/#', { qos: 1 });
  for (const s of CLUBS) sites[s] = await startSite(s, dir, dist, tls);
  for (const s of CLUBS)
    await waitMessage(watcher, new RegExp(`^recovery/${s}/station/4/status$`), () => true, 15000);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await watcher?.endAsync();
  for (const s of Object.values(sites)) {
    await s.kiosk.stop();
    await s.broker.stop();
    await s.proxy.stop();
  }
  await central?.stop();
  cleanup(dir);
});

describe('a chain of clubs at the central broker', () => {
  it('shows both clubs online with their stations in the fleet overview', async () => {
    page = await openPage(browser, central.url, DESKTOP);
    await login(page, { user: 'staff', password: PASSWORDS.staff, site: '', broker: central.wsUrl });
    await page.waitForFunction(() => document.querySelector('#fleet-online')?.textContent === '2/2', { timeout: 5000 });
    for (const s of CLUBS)
      assert.match(await page.$eval(`#fleet tr[data-site="${s}"]`, (r) => r.textContent), /online\s*4/);
    await screenshot(page, 'fleet-chain-desktop');
  });

  it('sends a command from the centre to the right station and shows its answer', async () => {
    await page.evaluate(() => { location.hash = '#/site/club-south'; });
    await page.waitForSelector('[data-station="3"][data-state="idle"]');
    const out = await page.evaluate(() => window.dashboard.send('club-south', 3, 'out_of_service'));
    assert.equal(out.kind, 'answer');
    assert.equal(out.body.ok, true);
    await page.waitForSelector('[data-station="3"][data-state="out_of_service"]', { timeout: 2000 });
    const north = JSON.parse(matching(watcher, /^recovery\/club-north\/station\/3\/status$/).at(-1).text);
    assert.equal(north.state, 'idle');
    await screenshot(page, 'fleet-club-desktop');
    const back = await page.evaluate(() => window.dashboard.send('club-south', 3, 'in_service'));
    assert.equal(back.kind, 'answer');
  });

  it('delivers every event produced while a club was cut off once its link is back', async () => {
    const north = sites['club-north'];
    const local = await connect(north.port, 'staff', PASSWORDS.staff);
    await local.subscribeAsync(['recovery/club-north/station/1/event', 'recovery/club-north/station/1/status'], { qos: 1 });
    await north.proxy.cut();
    const from = watcher.seen.length;
    for (let i = 0; i < EVENTS_WHILE_CUT / 2; i++) {
      for (const action of ['out_of_service', 'in_service']) {
        const n = local.seen.length;
        await local.publishAsync('recovery/club-north/station/1/cmd', JSON.stringify({ action, request_id: `cut-${i}-${action}` }), { qos: 1 });
        await waitMessage(local, /\/event$/, () => true, 3000, n);
        // Back in service vents and checks every zone first: free again
        // (idle) before the next command.
        const want = action === 'out_of_service' ? 'out_of_service' : 'idle';
        await waitMessage(local, /\/status$/, (m) => JSON.parse(m.text).state === want, 10000, n);
      }
    }
    const made = local.seen.filter((m) => m.topic.endsWith('/event')).map((m) => JSON.parse(m.text).id);
    assert.equal(made.length, EVENTS_WHILE_CUT);
    assert.equal(matching({ seen: watcher.seen.slice(from) }, /^recovery\/club-north\/station\/1\/event$/).length, 0);
    const t0 = Date.now();
    await north.proxy.restore();
    const arrived = await until(() => {
      const ids = watcher.seen.slice(from).filter((m) => m.topic === 'recovery/club-north/station/1/event').map((m) => JSON.parse(m.text).id);
      return made.every((id) => ids.includes(id)) && ids;
    }, 20000, 'the events made while cut off');
    const unique = new Set(arrived);
    console.log(`# events while cut: ${made.length} produced, ${unique.size} arrived at the centre (${arrived.length - unique.size} duplicates) ${Date.now() - t0} ms after the link came back`);
    assert.equal(unique.size, EVENTS_WHILE_CUT);
    await local.endAsync();
  });

  it('shows a club offline at the centre when its broker dies', async () => {
    await page.evaluate(() => { location.hash = '#/fleet'; });
    await page.waitForFunction(() => document.querySelector('#fleet-online')?.textContent === '2/2', { timeout: 5000 });
    const t0 = Date.now();
    await sites['club-south'].broker.stop('SIGKILL');
    await page.waitForSelector('#fleet tr[data-site="club-south"].offline', { timeout: 60000 });
    const ms = Date.now() - t0;
    console.log(`# club broker killed -> offline at the centre's dashboard in ${ms} ms`);
    assert.ok(ms < 5000);
    assert.equal(await page.$eval('#fleet-online', (e) => e.textContent), '1/2');
    await screenshot(page, 'fleet-offline-desktop');
    await page.setViewport(PHONE);
    await screenshot(page, 'fleet-offline-phone');
  });
});

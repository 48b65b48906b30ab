// SPDX-License-Identifier: MIT
// Real services for the dashboard tests: mosquitto brokers made from the
// shipped configuration (systemd/mosquitto, web/mosquitto-dashboard.conf)
// with their paths pointed at a temporary folder, the real recovery-kiosk
// in simulation, and headless Chromium.  Ports are picked free on 127.0.0.1.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KIOSK = process.env.KIOSK_BINARY || join(SOURCE, 'build/kiosk/recovery-kiosk');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORDS = { kiosk: 'kiosk-pw', staff: 'staff-pw', viewer: 'viewer-pw' };
export const ARTIFACTS = process.env.WEB_ARTIFACTS || join(SOURCE, 'build/web-artifacts');

const children = new Set();
process.on('exit', () => {
  for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ }
});

export function tempDir(tag) {
  return mkdtempSync(join(tmpdir(), `kiosk-web-${tag}-`));
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export function waitPort(port, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  return new Promise((res, rej) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) rej(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls fn until it returns a truthy value; fails after timeoutMs.
export async function until(fn, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function spawnLogged(cmd, args, logFile, env = process.env) {
  const out = logFile ? ['ignore', 'pipe', 'pipe'] : 'ignore';
  const p = spawn(cmd, args, { stdio: out, env });
  children.add(p);
  p.on('exit', () => children.delete(p));
  if (logFile) {
    const chunks = [];
    const keep = (d) => { chunks.push(d); writeFileSync(logFile, Buffer.concat(chunks)); };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
  }
  return p;
}

export function passwordFile(dir, users = PASSWORDS) {
  const file = join(dir, 'passwd');
  writeFileSync(file, '');
  for (const [u, pw] of Object.entries(users))
    execFileSync('mosquitto_passwd', ['-b', file, u, pw]);
  return file;
}

// The example ACL for one site (city-gym replaced), plus extra lines.
export function aclFile(dir, site, extra = '') {
  const acl = readFileSync(join(SOURCE, 'systemd/mosquitto/recovery-kiosk.acl'), 'utf8').replaceAll('city-gym', site);
  const file = join(dir, 'acl');
  writeFileSync(file, `${acl}\n${extra}\n`);
  return file;
}

// A broker from the shipped files: an MQTT listener on 127.0.0.1 (the
// kiosk's), optionally the dashboard's websockets listener without TLS
// serving httpDir, and any extra lines (bridges).
export async function startBroker({ dir, name = 'broker', site, acl, passwd, ws = false, httpDir, extra = '', persistence = false, port }) {
  mkdirSync(dir, { recursive: true });
  const mqttPort = port || await freePort();
  const wsPort = ws ? await freePort() : 0;
  const conf = join(dir, `${name}.conf`);
  const lines = [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${passwd}`,
    `acl_file ${acl || aclFile(dir, site)}`,
    `listener ${mqttPort} 127.0.0.1`,
    'set_tcp_nodelay true',
    'max_queued_messages 1000',
    persistence ? `persistence true\npersistence_location ${dir}/` : 'persistence false',
    process.getuid && process.getuid() === 0 ? 'user root' : '',
    'log_type error\nlog_type warning\nlog_type notice\nlog_type information',
    'log_dest stderr',
  ];
  if (ws) {
    // The shipped snippet's plain variant, on a free port.
    lines.push(`listener ${wsPort} 127.0.0.1`, 'protocol websockets', `http_dir ${httpDir}`);
  }
  lines.push(extra);
  writeFileSync(conf, lines.join('\n') + '\n');
  const log = join(dir, `${name}.log`);
  const proc = spawnLogged('mosquitto', ['-c', conf], log);
  await waitPort(mqttPort);
  if (ws) await waitPort(wsPort);
  return {
    proc, port: mqttPort, wsPort, conf, log, dir, name,
    url: `http://127.0.0.1:${wsPort}/`,
    wsUrl: `ws://127.0.0.1:${wsPort}/mqtt`,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await gone;
    },
  };
}

// The kiosk's configuration: assets/kiosk-sim.conf on this broker and site.
export function kioskConfig(dir, { site, port, stateDir, history = '' }) {
  const pw = join(dir, 'kiosk-password');
  writeFileSync(pw, `${PASSWORDS.kiosk}\n`, { mode: 0o600 });
  let inMqtt = false;
  const out = [];
  for (const line of readFileSync(join(SOURCE, 'assets/kiosk-sim.conf'), 'utf8').split('\n')) {
    if (line.startsWith('[')) inMqtt = line.startsWith('[mqtt]');
    if (/^site\s*=/.test(line)) out.push(`site = ${site}`);
    else if (/^programs\s*=/.test(line)) out.push(`programs = ${SOURCE}/assets/programs.conf`);
    else if (/^screening\s*=/.test(line)) out.push(`screening = ${SOURCE}/assets/screening.conf`);
    else if (/^state_dir\s*=/.test(line)) out.push(`state_dir = ${stateDir}`);
    else if (inMqtt && /^host\s*=/.test(line)) out.push('host = 127.0.0.1', 'username = kiosk', `password_file = ${pw}`);
    else if (inMqtt && /^port\s*=/.test(line)) out.push(`port = ${port}`);
    else if (inMqtt && /^enabled\s*=/.test(line)) out.push('enabled = true');
    else if (inMqtt && /^keepalive_s\s*=/.test(line)) out.push('keepalive_s = 5');
    else out.push(line);
  }
  if (history) out.push('', '[history]', history);
  const conf = join(dir, 'kiosk.conf');
  writeFileSync(conf, out.join('\n'));
  return conf;
}

export async function startKiosk(dir, opts) {
  const stateDir = opts.stateDir || join(dir, 'state');
  const conf = kioskConfig(dir, { ...opts, stateDir });
  const proc = spawnLogged(KIOSK, ['--sim', '--headless', '--config', conf], join(dir, `kiosk-${opts.site}.log`));
  return {
    proc, conf, stateDir,
    report(args = []) {
      return execFileSync(KIOSK, ['--report', '--config', conf, ...args], { encoding: 'utf8' });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}

// The dashboard bundle, built once per run into the build tree.
export function buildDashboard() {
  const out = process.env.WEB_DIST || join(SOURCE, 'build/web-dist');
  if (!existsSync(join(SOURCE, 'web/node_modules/mqtt')))
    throw new Error('web/node_modules is missing: run scripts/setup-deps.sh (it runs npm ci in web/)');
  execFileSync('node', [join(SOURCE, 'web/build.mjs'), out], { stdio: 'inherit' });
  return out;
}

export function cleanup(dir) {
  if (!process.env.KEEP_WEB_TMP) rmSync(dir, { recursive: true, force: true });
}

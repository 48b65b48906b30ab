// SPDX-License-Identifier: MIT
// The real kiosk with its touchscreen, for the tests where a member starts a
// session: web_ui_driver (tests/web/ui_driver.c) runs it under a private
// Xvfb on the test's broker and clicks through the UI harness of tests/ui.
// One command a line in, one answer a line out.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';

export const UI_DRIVER = process.env.WEB_UI_DRIVER || '';

export async function startTouchscreen({ port, template, user, password, log }) {
  if (!UI_DRIVER) throw new Error('WEB_UI_DRIVER is not set: build the web_ui_driver target (needs the UI harness, Xvfb and xdotool)');
  const proc = spawn(UI_DRIVER, ['--port', String(port), '--template', template, '--user', user, '--password', password],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = [];
  const errors = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  proc.stderr.on('data', (d) => {
    errors.push(d);
    if (log) writeFileSync(log, Buffer.concat(errors));
  });
  const next = (timeoutMs) => new Promise((resolve, reject) => {
    if (lines.length) return resolve(lines.shift());
    const timer = setTimeout(() => reject(new Error(`web_ui_driver said nothing within ${timeoutMs} ms; ${Buffer.concat(errors).toString().slice(-600)}`)), timeoutMs);
    waiters.push((line) => { clearTimeout(timer); resolve(line); });
  });
  const first = await next(60000);
  const m = /^ready (\S+) (\S+) (\S+)$/.exec(first);
  if (!m) throw new Error(`the kiosk's touchscreen did not come up: ${first}; ${Buffer.concat(errors).toString().slice(-600)}`);
  const ts = {
    proc,
    conf: m[1],
    stateDir: m[2],
    appLog: m[3],
    // Sends one command and returns its answer line ("ok ..." or "fail ...").
    async ask(command, timeoutMs = 60000) {
      proc.stdin.write(`${command}\n`);
      return next(timeoutMs);
    },
    // The same, failing the test unless the answer starts with "ok".
    async must(command, timeoutMs) {
      const a = await ts.ask(command, timeoutMs);
      if (!a.startsWith('ok')) throw new Error(`touchscreen: ${command}: ${a}`);
      return a;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode) return null;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.stdin.write('quit\n');
      const bye = await next(30000).catch(() => null);
      await gone;
      return bye;
    },
  };
  return ts;
}

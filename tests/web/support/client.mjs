// SPDX-License-Identifier: MIT
// A plain MQTT client for the tests (MQTT.js in Node, the same library the
// page uses): it records every message with its arrival time.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SOURCE, until } from './env.mjs';

const require = createRequire(join(SOURCE, 'web/package.json'));
const mqtt = require('mqtt');

export async function connect(port, username, password, { v5 = true, clientId } = {}) {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    username, password, protocolVersion: v5 ? 5 : 4, reconnectPeriod: 0, clean: true, clientId,
  });
  c.seen = [];
  c.on('message', (topic, payload, packet) => c.seen.push({ topic, text: payload.toString(), at: Date.now(), retain: packet.retain }));
  return c;
}

export function matching(c, re) {
  return c.seen.filter((m) => re.test(m.topic));
}

export async function waitMessage(c, re, pred = () => true, timeoutMs = 5000, from = 0) {
  return until(() => c.seen.slice(from).find((m) => re.test(m.topic) && pred(m)), timeoutMs, `a message on ${re}`);
}

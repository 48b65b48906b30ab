// SPDX-License-Identifier: MIT
// The dashboard's one MQTT 5 connection over websockets: log in with broker
// credentials (the broker's ACL decides staff or viewer), subscribe, and run
// MQTT 5 request/response for commands and history queries: each request
// carries a response topic of this client, fresh correlation data and a
// message expiry, and ends in exactly one answer: the kiosk's reply, the
// broker's refusal, or a time-out.

import mqtt from 'mqtt/dist/mqtt.esm';
import { kioskTopic, replyTopic, stationTopic, subscriptions } from './topics.js';

export const COMMAND_TIMEOUT_MS = 10000;
export const COMMAND_EXPIRY_S = 30;
export const STAFF_CHECK_TOPIC = 'recovery-dashboard/staff-check';

function randomId(prefix) {
  const a = new Uint8Array(6);
  crypto.getRandomValues(a);
  return prefix + Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

const decoder = new TextDecoder();
function text(buf) {
  if (buf == null) return '';
  return typeof buf === 'string' ? buf : decoder.decode(buf);
}

// Broker refusals a person can act on (MQTT 5 reason codes).
const REFUSALS = {
  134: 'wrong user name or password',
  135: 'not authorised by the broker (this login may only watch)',
  144: 'topic name not accepted by the broker',
  151: 'quota exceeded at the broker',
};

export function refusalText(code) {
  return REFUSALS[code] || `refused by the broker (reason code ${code})`;
}

export class Link {
  constructor({ url, username, password, site, onMessage, onState }) {
    this.url = url;
    this.username = username;
    this.password = password;
    this.site = site || '';
    this.clientId = randomId('dash-');
    this.onMessage = onMessage;
    this.onState = onState;
    this.pending = new Map(); // correlation -> {resolve, timer, requestId}
    this.byRequestId = new Map(); // request_id -> correlation (3.1.1 replies)
    this.staff = null; // decided by the broker's SUBACK
    this.connected = false;
  }

  // Resolves on the first CONNACK, rejects with a readable reason.
  connect() {
    return new Promise((resolve, reject) => {
      let settled = false;
      const c = mqtt.connect(this.url, {
        protocolVersion: 5,
        clientId: this.clientId,
        username: this.username,
        password: this.password,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 8000,
        resubscribe: false,
        properties: { sessionExpiryInterval: 0 },
      });
      this.client = c;
      c.on('connect', async () => {
        this.connected = true;
        try {
          await this.subscribeAll();
        } catch (e) {
          if (!settled) {
            settled = true;
            reject(e);
          }
          return;
        }
        this.onState?.({ connected: true, staff: this.staff });
        if (!settled) {
          settled = true;
          resolve(this);
        }
      });
      c.on('message', (topic, payload, packet) => this.handle(topic, payload, packet));
      c.on('close', () => {
        this.connected = false;
        this.onState?.({ connected: false, staff: this.staff });
      });
      c.on('error', (err) => {
        const why = err && err.code ? refusalText(err.code) : String(err && err.message);
        if (!settled) {
          settled = true;
          c.end(true);
          reject(new Error(why));
        } else {
          this.onState?.({ connected: false, staff: this.staff, error: why });
        }
      });
    });
  }

  // The broker's ACL decides who may command: staff may publish to
  // STAFF_CHECK_TOPIC (no one reads it), a viewer gets PUBACK "not
  // authorised".  mosquitto grants any subscription and filters what it
  // delivers, so a SUBACK tells nothing.
  checkStaff() {
    return new Promise((resolve) => {
      this.client.publish(STAFF_CHECK_TOPIC, '', { qos: 1, retain: false }, (err) => resolve(!err));
    });
  }

  async subscribeAll() {
    this.staff = await this.checkStaff();
    const subs = subscriptions(this.site, this.clientId, this.staff);
    return new Promise((resolve, reject) => {
      this.client.subscribe(subs, { qos: 1 }, (err, granted) => (err ? reject(err) : resolve(granted)));
    });
  }

  handle(topic, payload, packet) {
    const body = text(payload);
    const props = packet.properties || {};
    if (props.correlationData !== undefined) {
      const corr = text(props.correlationData);
      if (this.pending.has(corr)) {
        this.finish(corr, { kind: 'answer', body: parseOr(body) });
        return;
      }
    }
    if (topic.endsWith('/cmd/result')) {
      const v = parseOr(body);
      const corr = v && this.byRequestId.get(v.request_id);
      if (corr && this.pending.has(corr)) this.finish(corr, { kind: 'answer', body: v });
      return;
    }
    this.onMessage?.(topic, body, packet);
  }

  finish(corr, outcome) {
    const p = this.pending.get(corr);
    if (!p) return;
    this.pending.delete(corr);
    this.byRequestId.delete(p.requestId);
    clearTimeout(p.timer);
    p.resolve(outcome);
  }

  // One request: resolves with {kind: 'answer', body} | {kind: 'refused',
  // why} | {kind: 'timeout'}; never rejects.
  request(site, topic, leaf, message, timeoutMs = COMMAND_TIMEOUT_MS) {
    const corr = randomId('c-');
    const requestId = message.request_id || randomId('web-');
    const body = JSON.stringify({ ...message, request_id: requestId });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(corr, { kind: 'timeout' }), timeoutMs);
      this.pending.set(corr, { resolve, timer, requestId });
      this.byRequestId.set(requestId, corr);
      this.client.publish(topic, body, {
        qos: 1,
        retain: false,
        properties: {
          responseTopic: replyTopic(site, this.clientId, leaf),
          correlationData: corr,
          messageExpiryInterval: COMMAND_EXPIRY_S,
          contentType: 'application/json',
        },
      }, (err) => {
        if (err) this.finish(corr, { kind: 'refused', why: err.code ? refusalText(err.code) : err.message });
      });
    });
  }

  // "by" names the login, so the kiosk's log and status say who did it.
  command(site, stationNo, action, extra = {}) {
    const by = this.username.replace(/[^\x20-\x7e]/g, '').slice(0, 31);
    return this.request(site, stationTopic(site, stationNo, 'cmd'), 'cmd', { action, ...(by ? { by } : {}), ...extra });
  }

  history(site, query) {
    return this.request(site, kioskTopic(site, 'history'), 'history', query);
  }

  close() {
    for (const corr of [...this.pending.keys()]) this.finish(corr, { kind: 'timeout' });
    this.client?.end(true);
  }
}

function parseOr(body) {
  try {
    return JSON.parse(body);
  } catch {
    return { ok: false, status: 'not_json', message: body };
  }
}

// SPDX-License-Identifier: MIT
// The kiosk's MQTT topic layout (docs/MQTT.md):
//   recovery/<site>/station/<n>/{status,event,availability,usage,summary,cmd,cmd/result}
//   recovery/<site>/kiosk/{status,availability,claim,history}
//   recovery/<site>/bridge/state        the club's bridge, at a central broker
//   recovery/<site>/reply/<client>/...  MQTT 5 response topics of one dashboard
// One '+' never mixes kiosk and station payloads.

export const ROOT = 'recovery';

export function stationTopic(site, n, leaf) {
  return `${ROOT}/${site}/station/${n}/${leaf}`;
}

export function kioskTopic(site, leaf) {
  return `${ROOT}/${site}/kiosk/${leaf}`;
}

export function replyTopic(site, clientId, leaf) {
  return `${ROOT}/${site}/reply/${clientId}/${leaf}`;
}

// What the dashboard subscribes to; site is a name or '+' for every club.
// Staff also hear the 3.1.1 command results (a bridge or an old kiosk may
// drop MQTT 5 response topics); a viewer never asks for them.
export function subscriptions(site, clientId, staff) {
  const s = site || '+';
  const list = [
    `${ROOT}/${s}/station/+/status`,
    `${ROOT}/${s}/station/+/availability`,
    `${ROOT}/${s}/station/+/event`,
    `${ROOT}/${s}/station/+/usage`,
    `${ROOT}/${s}/station/+/summary`,
    `${ROOT}/${s}/kiosk/status`,
    `${ROOT}/${s}/kiosk/availability`,
    `${ROOT}/${s}/bridge/state`,
    `${ROOT}/${s}/reply/${clientId}/#`,
  ];
  if (staff) list.push(`${ROOT}/${s}/station/+/cmd/result`);
  return list;
}

// A topic the dashboard subscribes to, split into its parts, or null.
export function parseTopic(topic) {
  const p = topic.split('/');
  if (p.length < 4 || p[0] !== ROOT) return null;
  const site = p[1];
  if (p[2] === 'station' && p.length >= 5) {
    const n = Number(p[3]);
    if (!Number.isInteger(n) || n < 1) return null;
    return { site, kind: 'station', station: n, leaf: p.slice(4).join('/') };
  }
  if (p[2] === 'kiosk') return { site, kind: 'kiosk', leaf: p.slice(3).join('/') };
  if (p[2] === 'bridge') return { site, kind: 'bridge', leaf: p.slice(3).join('/') };
  if (p[2] === 'reply' && p.length >= 5)
    return { site, kind: 'reply', client: p[3], leaf: p.slice(4).join('/') };
  return null;
}

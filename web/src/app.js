// SPDX-License-Identifier: MIT
// The staff dashboard: log in, then the fleet (every club), one club's
// stations live, and one club's history and usage.  Routes live in the URL
// hash (#/fleet, #/site/<site>, #/site/<site>/history) so a front-desk
// tablet can be bookmarked on its club.

import { Link } from './link.js';
import { apply, createModel, fleetSummary, siteOnline, siteSummary, sortedSites, sortedStations } from './model.js';
import { ACTIONS, actionsFor, faultAdvice, mmss, stateTone, stateWords } from './words.js';
import { bars, esc, sessionPlot, wave } from './charts.js';
import { sessionsCsv, usageCsv, minutesText, tenthText } from './csv.js';

const $ = (sel, root = document) => root.querySelector(sel);

const app = {
  link: null,
  model: createModel(),
  results: new Map(), // "site/n" -> {action, status, text}
  history: new Map(), // site -> {loading, data, error, plot}
  dirty: false,
  renders: 0,
  lastRenderAt: 0,
};

// ---- login ----

function defaultBrokerUrl() {
  const ws = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return location.host ? `${ws}//${location.host}/mqtt` : 'ws://127.0.0.1:9001/mqtt';
}

function showLogin(error) {
  const params = new URLSearchParams(location.search);
  document.body.dataset.view = 'login';
  $('#main').innerHTML = `
    <form id="login" class="login" autocomplete="on">
      <h2>Log in</h2>
      <p class="muted">Use your broker login: staff may command, a viewer only watches.</p>
      <label>User <input name="username" autocomplete="username" required value="${esc(params.get('user') || '')}"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <label>Club (site) <input name="site" placeholder="every club" value="${esc(params.get('site') || '')}"></label>
      <details><summary>Broker</summary>
        <label>Address <input name="url" value="${esc(params.get('broker') || defaultBrokerUrl())}"></label>
      </details>
      <button type="submit">Log in</button>
      <p class="error" role="alert">${esc(error || '')}</p>
    </form>`;
  $('#login').addEventListener('submit', onLogin);
}

async function onLogin(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const button = $('#login button');
  button.disabled = true;
  button.textContent = 'Connecting…';
  const link = new Link({
    url: String(f.get('url')),
    username: String(f.get('username')),
    password: String(f.get('password')),
    site: String(f.get('site')).trim(),
    onMessage: (topic, body) => {
      const change = apply(app.model, topic, body);
      if (!change) return;
      if (change.kind === 'summary') historyStale(change.site);
      schedule();
    },
    onState: () => schedule(),
  });
  try {
    await link.connect();
  } catch (e) {
    showLogin(`Could not log in: ${e.message}`);
    return;
  }
  app.link = link;
  app.connectedAt = performance.now();
  if (link.site && !location.hash.startsWith('#/site/')) location.hash = `#/site/${link.site}`;
  else if (!location.hash || location.hash === '#/') location.hash = '#/fleet';
  render();
}

function logout() {
  app.link?.close();
  app.link = null;
  app.model = createModel();
  app.results.clear();
  app.history.clear();
  showLogin();
}

// ---- rendering ----

function schedule() {
  if (app.dirty) return;
  app.dirty = true;
  requestAnimationFrame(() => {
    app.dirty = false;
    render();
  });
}

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'site' && parts[1]) return { view: parts[2] === 'history' ? 'history' : 'site', site: parts[1] };
  return { view: 'fleet' };
}

function header(r) {
  const l = app.link;
  const sites = sortedSites(app.model);
  const options = [`<option value="">All clubs</option>`]
    .concat(sites.map((s) => `<option value="${esc(s.name)}" ${r.site === s.name ? 'selected' : ''}>${esc(s.name)}</option>`))
    .join('');
  $('#bar').innerHTML = `
    <span class="conn ${l.connected ? 'ok' : 'bad'}" id="conn">${l.connected ? 'Connected' : 'Reconnecting…'}</span>
    <span class="role" id="role">${l.staff ? 'Staff' : 'Watch only'} · ${esc(l.username)}</span>
    <label class="picker">Club <select id="site-picker">${options}</select></label>
    <nav>
      <a href="#/fleet" class="${r.view === 'fleet' ? 'on' : ''}">Fleet</a>
      ${r.site ? `<a href="#/site/${encodeURIComponent(r.site)}" class="${r.view === 'site' ? 'on' : ''}">Stations</a>
      <a href="#/site/${encodeURIComponent(r.site)}/history" class="${r.view === 'history' ? 'on' : ''}">History</a>` : ''}
    </nav>
    <button id="logout" class="quiet">Log out</button>`;
  $('#site-picker').addEventListener('change', (e) => {
    location.hash = e.target.value ? `#/site/${encodeURIComponent(e.target.value)}` : '#/fleet';
  });
  $('#logout').addEventListener('click', logout);
}

function render() {
  if (!app.link) return;
  const r = route();
  document.body.dataset.view = r.view;
  document.body.dataset.role = app.link.staff ? 'staff' : 'viewer';
  header(r);
  if (r.view !== 'history') delete $('#main').dataset.history;
  if (r.view === 'fleet') renderFleet();
  else if (r.view === 'site') renderSite(r.site);
  else renderHistory(r.site);
  app.renders++;
  app.lastRenderAt = performance.now();
}

function since(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleString();
}

function renderFleet() {
  const f = fleetSummary(app.model);
  const rows = sortedSites(app.model).map((s) => {
    const sum = siteSummary(s);
    const online = siteOnline(s);
    return `<tr data-site="${esc(s.name)}" class="${online ? '' : 'offline'}">
      <td><a href="#/site/${encodeURIComponent(s.name)}">${esc(s.name)}</a></td>
      <td><span class="dot ${online ? 'ok' : 'bad'}"></span>${online ? 'online' : 'offline'}</td>
      <td>${sum.stations}</td><td>${sum.inUse}</td>
      <td class="${sum.faults ? 'bad' : ''}">${sum.faults}</td>
      <td>${sum.offService}</td><td>${sum.dirty}</td>
      <td>${esc(s.kiosk?.version || '')}</td></tr>`;
  }).join('');
  $('#main').innerHTML = `
    <section class="tiles" id="fleet-summary">
      <div class="tile"><b id="fleet-online">${f.online}/${f.clubs}</b><span>clubs online</span></div>
      <div class="tile"><b id="fleet-inuse">${f.inUse}</b><span>stations in use</span></div>
      <div class="tile ${f.faults ? 'bad' : ''}"><b id="fleet-faults">${f.faults}</b><span>faults</span></div>
      <div class="tile"><b>${f.offService}</b><span>out of service</span></div>
    </section>
    <div class="scroll"><table class="fleet" id="fleet">
      <thead><tr><th>Club</th><th>Link</th><th>Stations</th><th>In use</th><th>Faults</th><th>Out of service</th><th>Needs cleaning</th><th>Version</th></tr></thead>
      <tbody>${rows || '<tr><td colspan="8" class="muted">Waiting for the first club…</td></tr>'}</tbody>
    </table></div>
    ${recentEvents(null)}`;
}

function duration(seconds) {
  const m = Math.floor(Number(seconds) / 60);
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${Math.floor(m / 1440)} days`;
}

function kioskHealth(s) {
  const k = s.kiosk || {};
  const online = siteOnline(s);
  const items = [
    ['Kiosk', online ? 'online' : 'offline'],
    s.bridgeUp !== null ? ['Bridge to centre', s.bridgeUp ? 'up' : 'down'] : null,
    k.version ? ['Version', k.version] : null,
    k.uptime_s !== undefined ? ['Up', duration(k.uptime_s)] : null,
    k.broker ? ['Broker link', k.broker.connected ? 'connected' : 'down'] : null,
    k.outbox && k.outbox.depth !== null && k.outbox.depth !== undefined ? ['Events waiting', String(k.outbox.depth)] : null,
    k.outbox && k.outbox.refused ? ['Refused by the broker', String(k.outbox.refused)] : null,
    k.duplicate ? ['Second kiosk on this site', `${k.duplicate.host} (${k.duplicate.instance})`] : null,
  ].filter(Boolean);
  const problems = (k.problems || []).map((p) => `<p class="problem">${esc(p)}</p>`).join('');
  return `<section class="health ${online ? '' : 'offline'}" id="health">${items
    .map(([a, b]) => `<div><span>${esc(a)}</span><b>${esc(b)}</b></div>`).join('')}${problems}</section>`;
}

function renderSite(name) {
  const s = app.model.sites.get(name);
  const main = $('#main');
  if (!s) {
    main.innerHTML = `<p class="muted">Waiting for club “${esc(name)}”…</p>`;
    return;
  }
  let grid = $('#stations');
  if (!grid || grid.dataset.site !== name) {
    main.innerHTML = `<div id="health-slot"></div><section class="grid" id="stations" data-site="${esc(name)}"></section><div id="events-slot"></div>`;
    grid = $('#stations');
  }
  $('#health-slot').innerHTML = kioskHealth(s);
  const offline = !siteOnline(s);
  for (const st of sortedStations(s)) {
    let card = grid.querySelector(`[data-station="${st.n}"]`);
    if (!card) {
      card = document.createElement('article');
      card.className = 'card';
      card.dataset.station = String(st.n);
      card.innerHTML = `<header><h3></h3><span class="state"></span></header>
        <div class="prog"></div><div class="wave-slot"></div><div class="pressure"></div>
        <div class="usage muted"></div>
        <div class="fault"></div><div class="oos"></div>
        <div class="actions"></div>
        <form class="oos-form" hidden><label>Reason <input name="reason" maxlength="60" placeholder="e.g. torn boot, waiting for parts"></label>
          <button type="submit">Take out of service</button> <button type="button" class="quiet cancel">Cancel</button></form>
        <div class="result" aria-live="polite"></div>`;
      wireCard(card, name, st.n);
      grid.appendChild(card);
    }
    updateCard(card, name, st, offline);
  }
  for (const card of [...grid.children]) if (!s.stations.has(Number(card.dataset.station))) card.remove();
  $('#events-slot').innerHTML = recentEvents(name);
}

function updateCard(card, site, st, offline) {
  const v = st.status || {};
  const state = v.state || 'unknown';
  card.dataset.state = state;
  card.className = `card tone-${stateTone(state)}${offline || st.online === false ? ' stale' : ''}`;
  card.querySelector('h3').textContent = v.name || `Station ${st.n}`;
  card.querySelector('.state').textContent = stateWords(state) + (offline ? ' (last known)' : '');
  const active = state === 'running' || state === 'paused' || state === 'venting';
  card.querySelector('.prog').textContent = v.program_name || v.program
    ? `${v.program_name || v.program}${active ? ` · ${mmss(v.remaining_s)} left` : ''}`
    : '';
  const waveHtml = wave(v.zone_mmhg, v.target_mmhg);
  const slot = card.querySelector('.wave-slot');
  if (slot.dataset.html !== waveHtml) {
    slot.innerHTML = waveHtml;
    slot.dataset.html = waveHtml;
  }
  card.querySelector('.pressure').textContent = Array.isArray(v.zone_mmhg) && v.zone_mmhg.length
    ? `${Math.round(Math.max(0, v.pressure_mmhg || 0))} mmHg` : '';
  card.querySelector('.usage').textContent = usageLine(st.usage);
  const advice = faultAdvice(v.fault);
  card.querySelector('.fault').innerHTML = advice
    ? `<strong>${esc((v.fault || '').replace(/_/g, ' '))}</strong><p>${esc(v.fault_message || '')}</p>
       <p><b>Detected:</b> ${esc(advice.detected)}</p><p><b>Check:</b> ${esc(advice.check)}</p>`
    : '';
  const service = v.service || {};
  card.querySelector('.oos').textContent = state === 'out_of_service'
    ? `Reason: ${service.reason || 'not given'}${service.by ? ` (${service.by})` : ''}` : '';
  const actions = app.link.staff ? actionsFor(state) : [];
  const key = actions.join(',') + (offline ? '!' : '');
  const box = card.querySelector('.actions');
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.innerHTML = actions.map((a) => `<button type="button" data-action="${a}" class="${a === 'stop' ? 'danger' : ''}">${ACTIONS[a]}</button>`).join('');
  }
  const res = app.results.get(`${site}/${st.n}`);
  const resBox = card.querySelector('.result');
  resBox.className = `result ${res ? res.status : ''}`;
  resBox.textContent = res ? res.text : '';
}

// The retained usage summary in one line: today's sessions and minutes, and
// when the boots were last cleaned.
function usageLine(u) {
  if (!u || !u.today) return '';
  const n = u.today.sessions;
  const cleaned = u.last_cleaned_ms ? ` · cleaned ${since(u.last_cleaned_ms)}` : '';
  return `Today: ${n} session${n === 1 ? '' : 's'}, ${Number(u.today.minutes).toFixed(1)} min · 7 days: ${u.last_7_days?.sessions ?? 0}${cleaned}`;
}

function wireCard(card, site, n) {
  card.querySelector('.actions').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    if (b.dataset.action === 'out_of_service') {
      const form = card.querySelector('.oos-form');
      form.hidden = false;
      form.querySelector('input').focus();
      return;
    }
    send(site, n, b.dataset.action);
  });
  const form = card.querySelector('.oos-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const reason = form.querySelector('input').value.trim();
    form.hidden = true;
    form.reset();
    send(site, n, 'out_of_service', reason ? { reason } : {});
  });
  form.querySelector('.cancel').addEventListener('click', () => {
    form.hidden = true;
    form.reset();
  });
}

const OUTCOME_WORDS = { timeout: 'no answer from the kiosk (timed out after 10 s)' };

async function send(site, n, action, extra = {}) {
  const key = `${site}/${n}`;
  app.results.set(key, { action, status: 'pending', text: `${ACTIONS[action]}: sent, waiting for the kiosk…` });
  schedule();
  const out = await app.link.command(site, n, action, extra);
  let status, text;
  if (out.kind === 'answer') {
    const ok = out.body && out.body.ok === true;
    status = ok ? 'ok' : 'refused';
    text = `${ACTIONS[action]}: ${ok ? 'done' : `refused: ${out.body?.message || out.body?.status || 'no reason given'}`}`;
  } else if (out.kind === 'refused') {
    status = 'refused';
    text = `${ACTIONS[action]}: ${out.why}`;
  } else {
    status = 'timeout';
    text = `${ACTIONS[action]}: ${OUTCOME_WORDS.timeout}`;
  }
  app.results.set(key, { action, status, text, answer: out });
  schedule();
  return out;
}

function recentEvents(siteName) {
  const list = app.model.events.filter((e) => !siteName || e.site === siteName).slice(0, 12);
  if (!list.length) return '';
  const rows = list.map((e) => `<li><time>${esc(new Date(e.timestamp_ms || Date.now()).toLocaleTimeString())}</time>
    ${siteName ? '' : `${esc(e.site)} · `}station ${e.station}: ${esc(String(e.type || '').replace(/_/g, ' '))}${e.reason ? ` (${esc(e.reason)})` : ''}${e.fault ? ` — ${esc(e.fault)}` : ''}</li>`).join('');
  return `<section class="events"><h3>Recent events</h3><ul id="events">${rows}</ul></section>`;
}

// ---- history ----

// h.version counts what the history view shows changing, so a view that
// did not change is not rebuilt under the staff member's finger.
async function loadHistory(site, extra = {}) {
  const h = app.history.get(site) || { version: 0 };
  h.loading = true;
  h.error = '';
  h.version++;
  app.history.set(site, h);
  schedule();
  if (!extra.samples) h.stale = false;
  const out = await app.link.history(site, { last: 500, days: 7, ...extra });
  h.loading = false;
  h.version++;
  if (out.kind === 'answer' && out.body && out.body.ok !== false) {
    if (extra.samples) h.plot = out.body.samples || null;
    else h.data = out.body;
  } else {
    h.error = out.kind === 'answer' ? (out.body?.message || 'the kiosk refused') : out.kind === 'refused' ? out.why : 'no answer from the kiosk (timed out)';
  }
  schedule();
}

// A session ended at this club: the history shown is out of date.  The open
// history view reloads (at most once a second); another one reloads when
// it is next shown.
function historyStale(site) {
  const h = app.history.get(site);
  if (!h) return;
  h.stale = true;
  const r = route();
  if (r.view !== 'history' || r.site !== site || h.loading || h.reloadTimer) return;
  h.reloadTimer = setTimeout(() => {
    h.reloadTimer = null;
    if (h.stale && !h.loading) loadHistory(site);
  }, 1000);
}

function download(name, text) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 0);
}

function renderHistory(site) {
  const h = app.history.get(site);
  if (!h) {
    loadHistory(site);
    $('#main').innerHTML = '<p class="muted">Asking the kiosk for its history…</p>';
    return;
  }
  if (h.stale && !h.loading && !h.reloadTimer) loadHistory(site);
  const main = $('#main');
  const key = `${site}|${h.version}`;
  if (main.dataset.history === key) return;
  main.dataset.history = key;
  const d = h.data;
  const status = h.loading ? '<p class="muted">Loading…</p>' : h.error ? `<p class="error" role="alert">History: ${esc(h.error)}</p>` : '';
  if (!d) {
    $('#main').innerHTML = `${status}<button id="reload">Try again</button>`;
    $('#reload').addEventListener('click', () => loadHistory(site));
    return;
  }
  const sessions = d.sessions || [];
  const usage = d.usage || [];
  const perDay = new Map();
  for (const u of usage) {
    const row = perDay.get(u.day) || { completed: 0, stopped: 0, faulted: 0, interrupted: 0, faults: 0, minutes: 0 };
    row.completed += u.completed; row.stopped += u.stopped; row.faulted += u.faulted;
    row.interrupted += u.interrupted; row.faults += u.faults; row.minutes += u.minutes;
    perDay.set(u.day, row);
  }
  const dayRows = [...perDay.entries()].map(([day, r]) => ({
    label: day,
    values: [
      { n: r.completed, cls: 'b-ok', title: 'completed' },
      { n: r.stopped, cls: 'b-warn', title: 'stopped' },
      { n: r.faulted, cls: 'b-bad', title: 'faulted' },
      { n: r.interrupted, cls: 'b-off', title: 'interrupted' },
    ],
  }));
  const faultRows = [...perDay.entries()].map(([day, r]) => ({ label: day, values: [{ n: r.faults, cls: 'b-bad', title: 'faults' }] }));
  const usageTable = usage.map((u) => `<tr data-day="${esc(u.day)}" data-station="${u.station}">
    <td>${esc(u.day)}</td><td>${u.station}</td><td class="n-sessions">${u.sessions}</td><td class="n-minutes">${Number(u.minutes).toFixed(1)}</td>
    <td>${u.completed}</td><td>${u.stopped}</td><td>${u.faulted}</td><td>${u.faults}</td></tr>`).join('');
  const cleaned = (d.last_cleaned || []).map((c) => `<li>Station ${c.station}: <time>${esc(since(c.at_ms))}</time></li>`).join('');
  const sessRows = sessions.map((s) => `<tr data-session="${s.session}" class="${h.plotSession === s.session ? 'on' : ''}">
    <td>${esc(since(s.started_ms))}</td><td>${s.station}</td><td>${esc(s.program)}</td>
    <td>${minutesText(s.planned_s)}</td><td>${minutesText(s.delivered_s)}</td><td>${esc(s.end)}${s.stop_reason ? ` (${esc(s.stop_reason)})` : ''}</td>
    <td>${(s.peak_mmhg || []).map(tenthText).join(' ')}</td><td>${esc((s.faults || []).join(', '))}</td>
    <td>${s.samples ? '<button class="quiet plot-btn">Plot</button>' : ''}</td></tr>`).join('');
  const plot = h.plot ? `<section class="card-plain" id="plot"><h3>Session ${h.plot.session}: pressure over time</h3>${sessionPlot(h.plot.points, h.plot.zones)}</section>` : '';
  $('#main').innerHTML = `${status}
    <div class="toolbar"><button id="reload">Refresh</button>
      <button id="csv">Export sessions (CSV)</button><button id="csv-usage" class="quiet">Export usage (CSV)</button>
      <span class="muted">${sessions.length} session(s) · usage over ${esc(String(d.days || 7))} days</span></div>
    <section class="card-plain"><h3>Sessions per day</h3>${bars(dayRows)}
      <div class="legend"><span class="chip b-ok">completed</span><span class="chip b-warn">stopped</span><span class="chip b-bad">faulted</span><span class="chip b-off">interrupted</span></div></section>
    <section class="card-plain"><h3>Faults over time</h3>${bars(faultRows)}</section>
    <section class="card-plain"><h3>Per station and day</h3><div class="scroll"><table id="usage"><thead><tr><th>Day</th><th>Station</th><th>Sessions</th><th>Minutes</th><th>Completed</th><th>Stopped</th><th>Faulted</th><th>Faults</th></tr></thead><tbody>${usageTable}</tbody></table></div></section>
    <section class="card-plain"><h3>Last cleaned</h3><ul id="cleaned">${cleaned || '<li class="muted">No cleaning recorded.</li>'}</ul></section>
    ${plot}
    <section class="card-plain"><h3>Sessions</h3><div class="scroll"><table id="sessions"><thead><tr><th>Started</th><th>Station</th><th>Program</th><th>Planned min</th><th>Delivered min</th><th>Ended</th><th>Peak mmHg per zone</th><th>Faults</th><th></th></tr></thead><tbody>${sessRows}</tbody></table></div></section>`;
  $('#reload').addEventListener('click', () => loadHistory(site));
  $('#csv').addEventListener('click', () => download(`${site}-sessions.csv`, sessionsCsv(sessions)));
  $('#csv-usage').addEventListener('click', () => download(`${site}-usage.csv`, usageCsv(usage)));
  $('#sessions').addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-session]');
    if (!row || !e.target.closest('.plot-btn')) return;
    h.plotSession = Number(row.dataset.session);
    h.version++;
    loadHistory(site, { samples: h.plotSession, last: 0 });
  });
}

// ---- start ----

window.addEventListener('hashchange', render);
showLogin();

// For the browser tests and the benchmarks: read-only views of the state.
window.dashboard = {
  get model() { return app.model; },
  get staff() { return app.link?.staff; },
  get connected() { return !!app.link?.connected; },
  get renders() { return app.renders; },
  get connectedAt() { return app.connectedAt; },
  results: app.results,
  history: app.history,
  sessionsCsv: (site) => sessionsCsv(app.history.get(site)?.data?.sessions || []),
  send,
};

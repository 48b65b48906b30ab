// SPDX-License-Identifier: MIT
// The sessions CSV, column for column and byte for byte what
// `recovery-kiosk --report --format csv` prints (kiosk/store/history_report.h):
// minutes with one decimal rounded half up from whole seconds, pressures in
// tenths joined by ';', UTC ISO 8601 times, RFC 4180 quoting, "\n" line ends.

export const CSV_HEADER =
  'session,station,program,started,ended,planned_min,delivered_min,end,stop_reason,zones,' +
  'peak_mmhg,mean_mmhg,fault_count,faults';

export function minutesText(seconds) {
  const t = Math.floor((Number(seconds) * 10 + 30) / 60);
  return `${Math.floor(t / 10)}.${t % 10}`;
}

export function tenthText(v) {
  const t = Math.round(Number(v) * 10);
  const a = Math.abs(t);
  return `${t < 0 ? '-' : ''}${Math.floor(a / 10)}.${a % 10}`;
}

function field(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function sessionRow(s) {
  return [
    s.session,
    s.station,
    field(s.program),
    s.started,
    s.ended || '',
    minutesText(s.planned_s),
    minutesText(s.delivered_s),
    s.end,
    s.stop_reason || '',
    s.zones,
    (s.peak_mmhg || []).map(tenthText).join(';'),
    (s.mean_mmhg || []).map(tenthText).join(';'),
    s.fault_count,
    (s.faults || []).join(';'),
  ].join(',');
}

// Oldest first, as --report prints them.
export function sessionsCsv(sessions) {
  const rows = [...sessions].sort((a, b) => a.session - b.session).map(sessionRow);
  return `${CSV_HEADER}\n${rows.map((r) => `${r}\n`).join('')}`;
}

export function usageCsv(usage) {
  const head = 'day,station,sessions,minutes,completed,stopped,faulted,interrupted,faults';
  const rows = usage.map((u) =>
    [u.day, u.station, u.sessions, Number(u.minutes).toFixed(1), u.completed, u.stopped,
      u.faulted, u.interrupted, u.faults].join(','));
  return `${head}\n${rows.map((r) => `${r}\n`).join('')}`;
}

// SPDX-License-Identifier: MIT
// Small SVG pictures, as strings: the per-zone pressure wave of a station
// (foot zone on the left, like the touchscreen), one session's pressure over
// time, and bar charts for usage and faults.  Numbers are escaped by being
// numbers; every text goes through esc().

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ZONE_COLOURS = ['#2f80ed', '#27ae60', '#f2994a', '#9b51e0', '#eb5757', '#00a3a3', '#b8860b', '#6d6d6d'];

export function zoneColour(i) {
  return ZONE_COLOURS[i % ZONE_COLOURS.length];
}

// Bars per zone with a smooth wave through their tops; scale to 100 mmHg
// (the usual ceiling) or the highest reading.
export function wave(zones, target, width = 220, height = 64) {
  const z = Array.isArray(zones) ? zones : [];
  if (!z.length) return `<svg class="wave" viewBox="0 0 ${width} ${height}" role="img" aria-label="no pressure sensor"><text x="4" y="${height / 2}" class="muted">no sensor</text></svg>`;
  const max = Math.max(100, ...z.map(Number));
  const bw = width / z.length;
  const y = (v) => height - 4 - (Math.max(0, Number(v)) / max) * (height - 14);
  let bars = '';
  const pts = [];
  z.forEach((v, i) => {
    const x = i * bw;
    const top = y(v);
    bars += `<rect x="${(x + 2).toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${(height - 4 - top).toFixed(1)}" fill="${zoneColour(i)}" opacity="0.35"/>`;
    pts.push([x + bw / 2, top]);
  });
  let d = `M ${pts[0][0].toFixed(1)} ${pts[0][1].toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    const mx = (x0 + x1) / 2;
    d += ` C ${mx.toFixed(1)} ${y0.toFixed(1)}, ${mx.toFixed(1)} ${y1.toFixed(1)}, ${x1.toFixed(1)} ${y1.toFixed(1)}`;
  }
  const label = z.map((v) => Math.round(Number(v))).join(', ');
  const tline = target > 0 ? `<line x1="0" x2="${width}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" class="target"/>` : '';
  return `<svg class="wave" viewBox="0 0 ${width} ${height}" role="img" aria-label="zone pressures ${esc(label)} mmHg">${bars}${tline}<path d="${d}" class="wave-line"/></svg>`;
}

// One session: a line per zone, x in seconds since start, y in mmHg.
export function sessionPlot(points, zones, width = 640, height = 220) {
  if (!points || !points.length) return '<p class="muted">No pressure plot kept for this session.</p>';
  const tMax = Math.max(1, ...points.map((p) => p[0]));
  const vMax = Math.max(60, ...points.flatMap((p) => p.slice(1)));
  const pad = 32;
  const x = (t) => pad + (t / tMax) * (width - pad - 8);
  const y = (v) => height - 20 - (v / vMax) * (height - 30);
  let paths = '';
  for (let z = 0; z < zones; z++) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'} ${x(p[0]).toFixed(1)} ${y(p[z + 1] || 0).toFixed(1)}`).join(' ');
    paths += `<path d="${d}" stroke="${zoneColour(z)}" class="plot-line"><title>zone ${z + 1}</title></path>`;
  }
  const ticks = [0, vMax / 2, vMax].map((v) => `<text x="2" y="${(y(v) + 4).toFixed(1)}" class="axis">${Math.round(v)}</text>`).join('');
  const tl = `<text x="${pad}" y="${height - 4}" class="axis">0</text><text x="${width - 60}" y="${height - 4}" class="axis">${Math.round(tMax / 60)} min</text>`;
  const legend = Array.from({ length: zones }, (_, z) => `<span class="chip" style="--c:${zoneColour(z)}">zone ${z + 1}</span>`).join(' ');
  return `<svg class="plot" viewBox="0 0 ${width} ${height}" role="img" aria-label="session pressure over time">${ticks}${tl}${paths}</svg><div class="legend">mmHg, foot zone first: ${legend}</div>`;
}

// Bars: rows of {label, values: [{n, cls}]} stacked.
export function bars(rows, width = 640, rowH = 22) {
  if (!rows.length) return '<p class="muted">Nothing yet.</p>';
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, v) => a + v.n, 0)));
  const labelW = 130;
  let out = '';
  rows.forEach((r, i) => {
    let x = labelW;
    const yy = i * rowH;
    out += `<text x="0" y="${yy + 15}" class="axis">${esc(r.label)}</text>`;
    for (const v of r.values) {
      const w = (v.n / max) * (width - labelW - 40);
      if (v.n > 0) out += `<rect x="${x.toFixed(1)}" y="${yy + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" class="${esc(v.cls)}"><title>${esc(v.title || '')}: ${v.n}</title></rect>`;
      x += w;
    }
    out += `<text x="${(x + 4).toFixed(1)}" y="${yy + 15}" class="axis">${esc(r.total ?? r.values.reduce((a, v) => a + v.n, 0))}</text>`;
  });
  return `<svg class="bars" viewBox="0 0 ${width} ${rows.length * rowH}" role="img">${out}</svg>`;
}

// The calls-per-hour chart: inline SVG bars (calls, and the answered
// part of them), built as DOM nodes, scaled to the busiest hour.

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// barChart draws points [{hour, calls, answered}], oldest first.
export function barChart(points) {
  const W = 720, H = 220, L = 36, B = 24, T = 10;
  const max = Math.max(1, ...points.map((p) => Number(p.calls) || 0));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `Calls per hour, the last ${points.length} hours; the busiest hour had ${max} calls` });
  const y = (v) => T + (H - T - B) * (1 - v / top);
  for (let v = 0; v <= top; v += step) {
    svg.append(s('line', { x1: L, x2: W, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
  }
  const n = Math.max(points.length, 1);
  const bw = (W - L) / n;
  points.forEach((p, i) => {
    const x = L + i * bw + bw * 0.15;
    const w = bw * 0.7;
    const calls = Number(p.calls) || 0;
    const answered = Math.min(calls, Number(p.answered) || 0);
    const d = new Date(p.hour);
    const label = Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const g = s('g', { class: 'bar' });
    g.append(s('title', {}, `${label}: ${calls} calls, ${answered} answered`));
    g.append(s('rect', { x, y: y(calls), width: w, height: y(0) - y(calls), class: 'calls' }));
    g.append(s('rect', { x, y: y(answered), width: w, height: y(0) - y(answered), class: 'answered' }));
    svg.append(g);
    if (i % Math.ceil(n / 8) === 0) svg.append(s('text', { x: x + w / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, label));
  });
  return svg;
}

function niceStep(max) {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return Math.max(1, m * mag);
  return Math.max(1, 10 * mag);
}

// lineChart draws series [{key, label, cls}] of points [{hour, ...}],
// oldest first, as polylines on a shared scale (peak calls and
// registrations per hour).
export function lineChart(points, series) {
  const W = 720, H = 220, L = 36, B = 24, T = 10;
  const max = Math.max(1, ...points.flatMap((p) => series.map((sr) => Number(p[sr.key]) || 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `${series.map((sr) => sr.label).join(' and ')} per hour, the last ${points.length} hours; at most ${max}` });
  const y = (v) => T + (H - T - B) * (1 - v / top);
  for (let v = 0; v <= top; v += step) {
    svg.append(s('line', { x1: L, x2: W, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
  }
  const n = Math.max(points.length, 1);
  const bw = (W - L) / n;
  const x = (i) => L + i * bw + bw / 2;
  for (const sr of series) {
    const pts = points.map((p, i) => `${x(i).toFixed(1)},${y(Number(p[sr.key]) || 0).toFixed(1)}`).join(' ');
    svg.append(s('polyline', { points: pts, class: 'line ' + sr.cls }));
    points.forEach((p, i) => {
      const c = s('circle', { cx: x(i), cy: y(Number(p[sr.key]) || 0), r: 3, class: 'dot ' + sr.cls });
      const d = new Date(p.hour);
      c.append(s('title', {}, `${Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}: ${Number(p[sr.key]) || 0} ${sr.label}`));
      svg.append(c);
    });
  }
  points.forEach((p, i) => {
    if (i % Math.ceil(n / 8) !== 0) return;
    const d = new Date(p.hour);
    const label = Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    svg.append(s('text', { x: x(i), y: H - 6, class: 'axis', 'text-anchor': 'middle' }, label));
  });
  return svg;
}

// SIP trace: a call's messages (both B2BUA legs) as a ladder diagram, one
// column per address, arrows labelled with method or status and the time
// since the first message; clicking an arrow shows the raw message.
// #/trace/CALL-ID (GET /api/v1/calls/{id}/trace); a pcap download. The
// CDR list and the dashboard's live calls link here (traceLink).

import * as api from './api.js';
import { h, pageHeader, errorBox, loading, emptyState, busy, toast } from './ui.js';

// TRACE_ROLES may read traces (web/auth/policy.go): the menu entry and the
// links show to them alone, so nobody is offered a page that answers 403.
export const TRACE_ROLES = ['admin', 'operator'];

export function canTrace() {
  return TRACE_ROLES.includes((api.currentUser() || {}).role || 'admin');
}

// traceLink is the "SIP trace" action of a call (a CDR or a live call);
// null for roles that may not read traces.
export function traceLink(callID, what) {
  if (!callID || !canTrace()) return null;
  return h('a.btn.small.trace-link', { href: '#/trace/' + api.enc(callID), 'aria-label': `SIP trace of ${what}` }, 'SIP trace');
}

const SVGNS = 'http://www.w3.org/2000/svg';
const COL = 220;
const ROW = 28;

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function label(m) {
  const f = m.first_line.split(' ');
  return f[0].startsWith('SIP/') ? `${f.slice(1).join(' ')} (${m.method})` : f[0];
}

export function ladder(msgs, onPick) {
  const cols = [];
  for (const m of msgs) for (const a of [m.src, m.dst]) if (!cols.includes(a)) cols.push(a);
  const t0 = msgs.length ? Date.parse(msgs[0].time) : 0;
  const width = Math.max(cols.length, 2) * COL;
  const height = 50 + msgs.length * ROW + 10;
  const s = svg('svg', { width, height, class: 'ladder', role: 'group', 'aria-label': 'SIP ladder diagram' });
  cols.forEach((c, i) => {
    const x = COL / 2 + i * COL;
    s.append(svg('text', { x, y: 16, 'text-anchor': 'middle', class: 'ladder-host' }, c));
    s.append(svg('line', { x1: x, y1: 24, x2: x, y2: height, stroke: '#999', 'stroke-dasharray': '4 3' }));
  });
  msgs.forEach((m, i) => {
    const y = 50 + i * ROW;
    const x1 = COL / 2 + cols.indexOf(m.src) * COL;
    const x2 = COL / 2 + cols.indexOf(m.dst) * COL;
    const g = svg('g', { class: 'ladder-msg', tabindex: '0', role: 'button', 'data-index': String(i), 'data-call-id': m.call_id, 'data-dir': m.dir, 'data-label': label(m) });
    g.append(svg('title', {}, `${m.first_line} (Call-ID ${m.call_id})`));
    // The whole row answers a click, not just the thin arrow (admin.css
    // shades it when hovered or selected).
    g.append(svg('rect', { class: 'ladder-hit', x: 0, y: y - ROW / 2, width, height: ROW, fill: 'transparent' }));
    const dir = x2 >= x1 ? 1 : -1;
    g.append(svg('line', { x1, y1: y, x2: x2 - dir * 6, y2: y, stroke: m.dir === 'in' ? '#1565c0' : '#2e7d32', 'stroke-width': 2 }));
    g.append(svg('path', { d: `M${x2},${y} l${-dir * 8},-4 l0,8 z`, fill: m.dir === 'in' ? '#1565c0' : '#2e7d32' }));
    g.append(svg('text', { x: (x1 + x2) / 2, y: y - 5, 'text-anchor': 'middle' }, label(m)));
    g.append(svg('text', { x: 4, y: y + 4, class: 'muted' }, `+${((Date.parse(m.time) - t0) / 1000).toFixed(3)}s`));
    g.addEventListener('click', () => onPick(m, i));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') onPick(m, i); });
    s.append(g);
  });
  return s;
}

export async function render(ctx) {
  const id = ctx.params[0] || '';
  const form = h('form.filters#trace-form', { role: 'search' },
    h('label', 'Call-ID', h('input#trace-call', { name: 'call_id', type: 'search', maxlength: 256, value: id })),
    h('button.btn.primary', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = form.elements.call_id.value.trim();
    if (v) ctx.go('#/trace/' + api.enc(v));
  });
  const box = h('div#trace-result');
  ctx.root.append(pageHeader('SIP trace', 'A call’s SIP messages, both legs, as the switch sent and received them.'), form, box);
  if (!id) return;
  box.replaceChildren(loading());
  let tr;
  try {
    tr = await api.get(`/api/v1/calls/${api.enc(id)}/trace`);
  } catch (err) {
    if (!ctx.alive()) return;
    box.replaceChildren(missing(err) || errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const raw = h('pre#trace-raw.raw', { 'aria-live': 'polite' }, 'Click an arrow to see the message.');
  const pcap = h('button.btn#trace-pcap', { type: 'button' }, 'Download pcap');
  pcap.addEventListener('click', () => busy(pcap, async () => {
    try {
      await api.download(`/api/v1/calls/${api.enc(id)}/trace.pcap`, `call-${fileSafe(id)}.pcap`);
    } catch (err) {
      toast(missing(err) ? 'The SIP trace of this call is no longer kept.' : err.message, 'error');
    }
  }));
  const pick = (m, i) => {
    for (const g of box.querySelectorAll('.ladder-msg')) g.classList.toggle('selected', g.dataset.index === String(i));
    raw.textContent = `${m.time} ${m.dir} ${m.transport} ${m.src} -> ${m.dst}\n\n${m.raw}`;
  };
  box.replaceChildren(
    h('p', `${tr.messages.length} messages, Call-IDs: ${tr.call_ids.join(', ')} `, pcap),
    h('div.ladder-wrap', ladder(tr.messages, pick)),
    raw);
}

// missing is the empty state of a trace the switch does not have: 404
// (an unknown Call-ID, or a call older than the last --sip-trace calls the
// switch keeps in memory) or 503 (tracing off). Other errors: null.
function missing(err) {
  if (err && err.status === 404) {
    return h('div#trace-missing', emptyState('The SIP trace of this call is no longer kept: the switch keeps the SIP messages of ' +
      'the last calls only (1000 by default, --sip-trace), in memory, so older calls and calls from before a restart have none. ' +
      'Check the Call-ID, or look at a more recent call.', h('a.btn', { href: '#/cdrs' }, 'Calls & CDRs')));
  }
  if (err && err.status === 503) {
    return h('div#trace-missing', emptyState('SIP tracing is off on this switch: start it with --sip-trace N (N calls kept, 1000 by default) to trace calls.'));
  }
  return null;
}

// fileSafe keeps a Call-ID usable as a file name (as the API's own
// Content-Disposition does).
function fileSafe(s) {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
}

// Dashboard: live registrations and calls (with hang-up and SIP trace),
// the system's CPU, memory and goroutines, and calls per hour.

import * as api from './api.js';
import { subscribe } from './live.js';
import { barChart, lineChart } from './chart.js';
import { traceLink } from './trace.js';
import { h, pageHeader, table, emptyState, badge, confirm, toast, fmtBytes, fmtDuration, fmtTime, notAvailable, isMissing } from './ui.js';

export async function render(ctx) {
  const mode = badge('connecting…');
  const tiles = {
    calls: tile('Active calls', '—'),
    regs: tile('Registrations', '—'),
    cpu: tile('CPU', '—'),
    mem: tile('Memory (RSS)', '—'),
    heap: tile('Go heap', '—'),
    gor: tile('Goroutines', '—'),
    up: tile('Uptime', '—'),
  };
  const callsBox = h('div#live-calls', h('p.muted', 'Waiting for the switch…'));
  const regsBox = h('div#live-regs', h('p.muted', 'Waiting for the switch…'));
  const trunksBox = h('div#live-trunks');
  const chartBox = h('div.chart-box', h('p.muted', 'Loading…'));
  const peakBox = h('div.chart-box#stats-peaks', h('p.muted', 'Loading…'));
  const tenantBox = h('div#stats-tenants');
  ctx.root.append(
    pageHeader('Dashboard', 'The switch right now.', mode),
    h('div.tiles', Object.values(tiles).map((t) => t.el)),
    h('section.card', h('h2', 'Live calls'), callsBox),
    h('div.grid2',
      h('section.card', h('h2', 'Registrations'), regsBox),
      h('section.card', h('h2', 'Calls per hour'), chartBox)),
    h('div.grid2',
      h('section.card', h('h2', 'Peak calls and registrations'), peakBox),
      h('section.card', h('h2', 'Calls per tenant, 24 h'), tenantBox)),
    h('section.card', h('h2', 'Trunks'), trunksBox),
  );

  let calls = [];
  const drawCalls = () => {
    tiles.calls.set(String(calls.length));
    if (!calls.length) {
      callsBox.replaceChildren(emptyState('No calls right now.'));
      return;
    }
    const now = Date.now();
    callsBox.replaceChildren(table([
      { label: 'From', value: (c) => c.caller_name ? `${c.caller_name} <${c.caller}>` : c.caller },
      { label: 'To', value: (c) => c.callee },
      { label: 'Direction', value: (c) => c.direction },
      { label: 'State', value: (c) => badge(c.state, c.state === 'talking' ? 'ok' : 'warn') },
      { label: 'Duration', value: (c) => fmtDuration((now - new Date(c.answer_time || c.start_time).getTime()) / 1000) },
      { label: 'Trunk', value: (c) => c.trunk },
      { label: '', cls: 'right', value: (c) => h('span.row-actions', traceLink(c.call_id, `the call from ${c.caller} to ${c.callee}`),
        h('button.btn.small.danger', { type: 'button', 'aria-label': `Hang up the call from ${c.caller} to ${c.callee}`, onclick: () => hangup(c) }, 'Hang up')) },
    ], calls, (c) => c.call_id));
  };
  async function hangup(c) {
    if (!await confirm('Hang up this call?', `The call from ${c.caller} to ${c.callee} ends for both sides.`, 'Hang up')) return;
    try {
      await api.del('/api/v1/calls/' + api.enc(c.call_id));
      toast('Call hung up');
      calls = calls.filter((x) => x.call_id !== c.call_id);
      drawCalls();
    } catch (err) {
      toast(err.status === 404 ? 'That call has already ended.' : err.message, 'error');
    }
  }
  const drawRegs = (list) => {
    list = Array.isArray(list) ? list : [];
    tiles.regs.set(String(list.length));
    if (!list.length) {
      regsBox.replaceChildren(emptyState('No phone is registered. Point a phone at this switch with an extension’s number and password.'));
      return;
    }
    regsBox.replaceChildren(table([
      { label: 'Extension', value: (b) => b.aor },
      { label: 'Contact', value: (b) => b.source || b.contact },
      { label: 'Transport', value: (b) => (b.transport || '').toUpperCase() },
      { label: 'Agent', value: (b) => b.user_agent },
      { label: 'Expires', value: (b) => fmtTime(b.expires) },
    ], list, (b) => b.aor + ' ' + b.contact));
  };
  const drawTrunks = (list) => {
    list = Array.isArray(list) ? list : [];
    if (!list.length) {
      trunksBox.replaceChildren(emptyState('No trunks yet. Add one to call outside.', h('a.btn', { href: '#/trunks/new' }, 'Add a trunk')));
      return;
    }
    trunksBox.replaceChildren(table([
      { label: 'Trunk', value: (t) => t.name },
      { label: 'Kind', value: (t) => t.kind },
      { label: 'State', value: (t) => trunkState(t.state || t) },
    ], list, (t) => t.name));
  };

  const stop = subscribe((name, v) => {
    switch (name) {
      case 'calls': calls = Array.isArray(v) ? v : []; drawCalls(); break;
      case 'calls:missing': callsBox.replaceChildren(notAvailable('Live call listing')); break;
      case 'registrations': drawRegs(v); break;
      case 'trunks': drawTrunks(v); break;
      case 'status': // polling: the status route's counts
        if (v) {
          tiles.calls.set(String(v.active_calls ?? '—'));
          tiles.regs.set(String(v.registrations ?? '—'));
        }
        break;
      case 'system':
        if (v) {
          tiles.cpu.set(`${(Number(v.cpu_percent) || 0).toFixed(1)} %`);
          tiles.mem.set(fmtBytes(v.rss_bytes));
          tiles.heap.set(fmtBytes(v.heap_bytes));
          tiles.gor.set(String(v.goroutines ?? '—'));
          tiles.up.set(fmtDuration(v.uptime_s));
        }
        break;
    }
  }, (m) => {
    mode.textContent = { stream: 'live', polling: 'polling every 5 s', offline: 'reconnecting…' }[m] || m;
    mode.className = 'badge ' + (m === 'stream' ? 'ok' : m === 'offline' ? 'warn' : '');
  });

  // Trunks come with the stream; without one, from their list.
  api.get('/api/v1/trunks').then(drawTrunks).catch(() => drawTrunks([]));
  loadChart(chartBox, peakBox, tenantBox);
  const tick = setInterval(() => { if (calls.length) drawCalls(); }, 1000);
  return () => { stop(); clearInterval(tick); };
}

// loadChart draws the hourly statistics (GET /api/v1/stats/hourly):
// attempts vs answered, peaks and registrations, the split per tenant. A
// switch without them gets the calls-per-hour chart alone.
async function loadChart(box, peakBox, tenantBox) {
  let list;
  try {
    list = await api.get('/api/v1/stats/hourly?hours=24');
  } catch (err) {
    if (!isMissing(err)) {
      box.replaceChildren(h('p.form-error', err.message));
      peakBox.replaceChildren();
      return;
    }
    peakBox.replaceChildren(notAvailable('Peak statistics'));
    try {
      list = (await api.get('/api/v1/stats/calls?hours=24')).map((p) => ({ ...p, attempts: p.calls }));
    } catch (err2) {
      box.replaceChildren(isMissing(err2) ? notAvailable('Call statistics') : h('p.form-error', err2.message));
      return;
    }
  }
  list = Array.isArray(list) ? list : [];
  const bars = list.map((p) => ({ hour: p.hour, calls: p.attempts, answered: p.answered }));
  box.replaceChildren(list.some((p) => p.attempts) ? barChart(bars) : emptyState('No calls in the last 24 hours.'),
    h('p.legend', h('span.key.calls'), ' attempts ', h('span.key.answered'), ' answered'));
  if (list.length && 'peak_calls' in list[0]) {
    peakBox.replaceChildren(lineChart(list, [{ key: 'peak_calls', label: 'peak calls', cls: 'peak' }, { key: 'registrations', label: 'registrations', cls: 'regs' }]),
      h('p.legend', h('span.key.peak'), ' peak calls at once ', h('span.key.regs'), ' registrations'));
    const totals = new Map();
    for (const p of list) {
      for (const t of p.tenants || []) {
        const x = totals.get(t.tenant) || { tenant: t.tenant, attempts: 0, answered: 0 };
        x.attempts += t.attempts;
        x.answered += t.answered;
        totals.set(t.tenant, x);
      }
    }
    const rows = [...totals.values()].sort((a, b) => b.attempts - a.attempts);
    tenantBox.replaceChildren(rows.length ? table([
      { label: 'Tenant', value: (t) => t.tenant || h('span.muted', 'no tenant') },
      { label: 'Attempts', cls: 'num', value: (t) => String(t.attempts) },
      { label: 'Answered', cls: 'num', value: (t) => String(t.answered) },
    ], rows, (t) => t.tenant || '-') : emptyState('No calls in the last 24 hours.'));
  }
}

function tile(label, value) {
  const v = h('div.tile-value', value);
  return { el: h('div.tile', h('div.tile-label', label), v), set: (x) => { v.textContent = x; } };
}

function trunkState(st) {
  const reg = st && st.registration;
  const q = st && st.qualify;
  const text = (reg && (reg.state || '')) || (q && (q.health || '')) || 'unknown';
  const ok = /registered|up/.test(text) && !/un/.test(text);
  return badge(String(text), ok ? 'ok' : 'warn');
}

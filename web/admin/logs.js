// Logs: the switch's recent log records (kept in memory), filtered by
// level, text and Call-ID, newest first; "Follow" tails new records live
// (GET /api/v1/logs/stream). A record's Call-ID links to its CDR.

import * as api from './api.js';
import { read } from './live.js';
import { h, pageHeader, emptyState, errorBox, loading, badge, fmtTime, notAvailable, isMissing } from './ui.js';

const LIMIT = 500;
// MAX_ROWS bounds the rows a long follow keeps in the page.
const MAX_ROWS = 2000;
const LEVELS = [['debug', 'Debug and up'], ['info', 'Info and up'], ['warn', 'Warnings and errors'], ['error', 'Errors']];
const KIND = { ERROR: 'warn', WARN: 'warn', INFO: 'ok' };

export async function render(ctx) {
  const form = h('form.filters#log-filters', { role: 'search' },
    h('label', 'Level', h('select#log-level', { name: 'level' }, LEVELS.map(([v, l]) => h('option', { value: v, selected: v === 'info' || null }, l)))),
    h('label', 'Text', h('input#log-q', { name: 'q', type: 'search', maxlength: 256, placeholder: 'message or key=value' })),
    h('label', 'Call-ID', h('input#log-call', { name: 'call_id', type: 'search', maxlength: 256, value: ctx.params[0] || '' })),
    h('button.btn.primary', { type: 'submit' }, 'Search'),
    h('label.check', h('input#log-follow', { type: 'checkbox', name: 'follow' }), ' Follow'));
  const state = h('span.muted#log-state', { role: 'status' });
  const box = h('div#log-results', loading());
  ctx.root.append(pageHeader('Logs', 'The switch’s recent log records, newest first.', state), form, box);

  let tbody = null;
  let last = 0; // the cursor a tail continues from
  let ctl = null; // the running tail

  const filters = () => {
    const el = form.elements;
    return { level: el.level.value, q: el.q.value.trim(), call_id: el.call_id.value.trim() };
  };

  function row(r) {
    const attrs = Object.entries(r.attrs || {}).filter(([k]) => k !== 'call_id' && k !== 'call-id');
    return h('tr', { dataset: { seq: String(r.seq) } },
      h('td.nowrap', { 'data-label': 'When' }, fmtTime(r.time)),
      h('td', { 'data-label': 'Level' }, badge(r.level, KIND[r.level] || '')),
      h('td', { 'data-label': 'Message' }, r.msg,
        attrs.length ? h('div.muted.log-attrs', attrs.map(([k, v]) => `${k}=${v}`).join('  ')) : null),
      h('td', { 'data-label': 'Call' }, r.call_id ? h('a.log-call', { href: '#/cdrs/' + encodeURIComponent(r.call_id), title: 'The call’s CDR' }, r.call_id) : h('span.muted', '—')));
  }

  function draw(records) {
    if (!records.length) {
      tbody = null;
      box.replaceChildren(emptyState('No log records match.'));
      return;
    }
    tbody = h('tbody', records.map(row));
    box.replaceChildren(h('div.table-wrap', h('table.log-table',
      h('thead', h('tr', ['When', 'Level', 'Message', 'Call'].map((l) => h('th', { scope: 'col' }, l)))), tbody)));
  }

  function prepend(r) {
    if (!ctx.alive()) return;
    if (!tbody) draw([r]);
    else {
      tbody.prepend(row(r));
      while (tbody.children.length > MAX_ROWS) tbody.lastElementChild.remove();
    }
    last = Math.max(last, r.seq);
  }

  async function load() {
    stopTail();
    box.replaceChildren(loading());
    let page;
    try {
      page = await api.get('/api/v1/logs' + api.query({ ...filters(), limit: LIMIT }));
    } catch (err) {
      box.replaceChildren(isMissing(err) ? notAvailable('The log view') : errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    last = page.last || 0;
    draw(page.records || []);
    if (form.elements.follow.checked) startTail();
  }

  // startTail reads the stream from the cursor; on a drop it reconnects
  // from the last record shown, so nothing is missed or doubled.
  async function startTail() {
    stopTail();
    const my = (ctl = new AbortController());
    let backoff = 1000;
    while (ctl === my && ctx.alive()) {
      state.textContent = 'Following…';
      try {
        const res = await fetch('/api/v1/logs/stream' + api.query({ ...filters(), after: last }),
          { headers: { ...api.authHeaders(), Accept: 'text/event-stream' }, credentials: 'same-origin', cache: 'no-store', signal: my.signal });
        if (!res.ok || !res.body) throw new Error(`the stream answered ${res.status}`);
        backoff = 1000;
        await read(res.body, (ev, r) => { if (ev === 'log' && r && typeof r === 'object') prepend(r); }, my.signal);
      } catch { /* dropped or stopped: see below */ }
      if (ctl !== my) return;
      state.textContent = 'Reconnecting…';
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 30000);
    }
  }

  function stopTail() {
    if (ctl) ctl.abort();
    ctl = null;
    state.textContent = '';
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.elements.follow.addEventListener('change', () => (form.elements.follow.checked ? startTail() : stopTail()));
  form.elements.level.addEventListener('change', () => load());
  load();
  return stopTail;
}

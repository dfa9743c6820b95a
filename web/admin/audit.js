// Audit log: who changed what, when and from where, with filters.

import * as api from './api.js';
import { h, pageHeader, table, emptyState, errorBox, loading, fmtTime, notAvailable, isMissing, badge } from './ui.js';

const PAGE = 50;

export async function render(ctx) {
  const form = h('form.filters', { role: 'search' },
    h('label', 'User', h('input', { name: 'user', type: 'search', maxlength: 128 })),
    h('label', 'Path contains', h('input', { name: 'path', type: 'search', maxlength: 128, placeholder: 'e.g. /trunks' })),
    h('label', 'From', h('input', { name: 'since', type: 'datetime-local' })),
    h('label', 'To', h('input', { name: 'until', type: 'datetime-local' })),
    h('button.btn.primary', { type: 'submit' }, 'Search'));
  const box = h('div', loading());
  ctx.root.append(pageHeader('Audit log', 'Every change, with who made it, when and from where.'), form, box);
  let offset = 0;

  async function load() {
    box.replaceChildren(loading());
    const el = form.elements;
    const iso = (v) => (v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
    let data;
    try {
      data = await api.get('/api/v1/audit' + api.query({ user: el.user.value.trim(), since: iso(el.since.value), until: iso(el.until.value), limit: PAGE, offset }));
    } catch (err) {
      box.replaceChildren(isMissing(err) ? notAvailable('The audit log') : errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    let list = Array.isArray(data) ? data : (data && (data.entries || data.items)) || [];
    // The switch filters by user and time; the path within this page.
    const path = el.path.value.trim().toLowerCase();
    const fetched = list.length;
    if (path) list = list.filter((e) => `${e.route || ''} ${e.path || ''}`.toLowerCase().includes(path));
    const total = data && Number.isInteger(data.total) ? data.total : null;
    if (!fetched) {
      box.replaceChildren(emptyState(offset ? 'No more entries.' : 'Nothing logged for this search.'));
      return;
    }
    box.replaceChildren(table([
      { label: 'When', cls: 'nowrap', value: (e) => fmtTime(e.time) },
      { label: 'User', value: (e) => e.user },
      { label: 'Role', value: (e) => e.role },
      { label: 'Via', value: (e) => e.via },
      { label: 'From', value: (e) => e.ip },
      { label: 'Action', value: (e) => [e.method, e.path].filter(Boolean).join(' ') },
      { label: 'Result', value: (e) => (e.status ? badge(String(e.status), e.status < 400 ? 'ok' : 'warn') : null) },
      { label: 'What', value: (e) => e.summary },
    ], list), h('div.pager', h('span.muted', `${offset + 1}–${offset + fetched}${total !== null ? ' of ' + total : ''}`),
      h('button.btn.small', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, '‹ Previous'),
      h('button.btn.small', { type: 'button', disabled: total !== null ? offset + fetched >= total : fetched < PAGE, onclick: () => { offset += PAGE; load(); } }, 'Next ›')));
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  load();
}

// Calls & CDRs: a search form (number, from/to, status), the matching
// records a page at a time, a CSV export of the same search, playback
// of a call's recording and a link to its SIP trace.

import * as api from './api.js';
import { h, pageHeader, table, emptyState, errorBox, loading, badge, fmtTime, fmtDuration, toast, busy } from './ui.js';
import { traceLink } from './trace.js';

const PAGE = 50;
const DIRECTIONS = [['', 'Any direction'], ['internal', 'Internal'], ['inbound', 'Inbound'], ['outbound', 'Outbound'], ['transit', 'Transit']];
const STATUSES = [['', 'Any status'], ['answered', 'Answered'], ['no_answer', 'No answer'], ['busy', 'Busy'], ['failed', 'Failed'], ['canceled', 'Canceled'], ['rejected', 'Rejected']];

export async function render(ctx) {
  const form = h('form.filters#cdr-search', { role: 'search' },
    h('label', 'Number', h('input', { name: 'q', type: 'search', maxlength: 64, placeholder: 'Caller, callee or name' })),
    h('label', 'From', h('input', { name: 'since', type: 'datetime-local' })),
    h('label', 'To', h('input', { name: 'until', type: 'datetime-local' })),
    h('label', 'Status', h('select', { name: 'status' }, STATUSES.map(([v, l]) => h('option', { value: v }, l)))),
    h('label', 'Direction', h('select', { name: 'direction' }, DIRECTIONS.map(([v, l]) => h('option', { value: v }, l)))),
    h('button.btn.primary', { type: 'submit' }, 'Search'));
  const exportBtn = h('button.btn#cdr-export', { type: 'button' }, 'Export CSV');
  const result = h('div#cdr-results', loading());
  const player = h('div.player', { hidden: true });
  ctx.root.append(pageHeader('Calls & CDRs', 'Every call the switch handled.', exportBtn), form, player, result);

  let page = 0;
  const filters = () => {
    const el = form.elements;
    const iso = (v) => (v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
    // #/cdrs/CALL-ID (the log page's links) shows that call's records.
    return { q: el.q.value.trim(), from: iso(el.since.value), to: iso(el.until.value), status: el.status.value, direction: el.direction.value, call_id: ctx.params[0] || '' };
  };

  // The switch pages: limit and offset in, the list and X-Total-Count out.
  async function search() {
    result.replaceChildren(loading());
    const f = filters();
    let rows, total;
    try {
      const res = await api.request('GET', '/api/v1/cdrs' + api.query({ ...f, limit: PAGE, offset: page * PAGE }), { raw: true });
      rows = await res.json();
      const n = Number(res.headers.get('X-Total-Count'));
      total = Number.isFinite(n) && res.headers.has('X-Total-Count') ? n : page * PAGE + rows.length;
    } catch (err) {
      result.replaceChildren(errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    draw(Array.isArray(rows) ? rows : [], total);
  }

  function draw(rows, total) {
    if (!rows.length) {
      result.replaceChildren(emptyState(page ? 'No more calls.' : 'No calls match. Change the search, or make a call first.'));
      return;
    }
    const t = table([
      { label: 'Start', cls: 'nowrap', value: (c) => fmtTime(c.start_time) },
      { label: 'From', value: (c) => c.caller_display_name ? `${c.caller_display_name} <${c.caller}>` : c.caller },
      { label: 'To', value: (c) => c.callee },
      { label: 'Direction', value: (c) => c.direction },
      { label: 'Status', value: (c) => badge(c.call_status, c.call_status === 'answered' ? 'ok' : 'warn') },
      { label: 'Ring', cls: 'num', value: (c) => fmtDuration(c.ring_duration) },
      { label: 'Talk', cls: 'num', value: (c) => fmtDuration(c.talk_duration) },
      { label: 'Trunk', value: (c) => c.trunk || c.inbound_trunk },
      { label: '', cls: 'right', value: (c) => actions(c) },
    ], rows, (c) => c.id);
    const pager = h('div.pager', h('span.muted', `${page * PAGE + 1}–${page * PAGE + rows.length} of ${total}`),
      h('button.btn.small', { type: 'button', disabled: page === 0, onclick: () => { page--; search(); } }, '‹ Previous'),
      h('button.btn.small', { type: 'button', disabled: (page + 1) * PAGE >= total, onclick: () => { page++; search(); } }, 'Next ›'));
    result.replaceChildren(t, pager);
  }

  // actions: Play for an answered call; its SIP trace for the roles that
  // may read one (any call: a failed one is where a trace helps most).
  function actions(c) {
    const playBtn = c.call_status === 'answered' ? h('button.btn.small', { type: 'button', 'aria-label': `Play the recording of the call from ${c.caller}`, onclick: (ev) => play(c, ev.currentTarget) }, 'Play') : null;
    const trace = traceLink(c.call_id, `the call from ${c.caller} to ${c.callee}`);
    return playBtn || trace ? h('span.row-actions', playBtn, trace) : null;
  }

  let playing = '';
  async function play(c, btn) {
    await busy(btn, async () => {
      // Recordings carry the call's Call-ID: the call's own, newest first.
      let list;
      try {
        list = await api.get('/api/v1/recordings' + api.query({ call_id: c.call_id, limit: 10 }));
      } catch (err) {
        toast(err.status === 503 ? 'Recordings are not configured on this switch.' : err.message, 'error');
        return;
      }
      const recs = (list && list.recordings) || [];
      if (!recs.length) {
        toast('This call was not recorded.', 'error');
        return;
      }
      if (playing.startsWith('blob:')) URL.revokeObjectURL(playing);
      playing = await api.mediaURL('/api/v1/recordings/' + api.enc(recs[0].id) + '/audio');
      player.replaceChildren(h('span', `Recording of ${c.caller} → ${c.callee}, ${fmtTime(recs[0].started)}`),
        h('audio', { controls: true, autoplay: true, src: playing }),
        h('button.btn.small', { type: 'button', onclick: () => { player.hidden = true; player.replaceChildren(); } }, 'Close'));
      player.hidden = false;
    });
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); page = 0; search(); });
  exportBtn.addEventListener('click', () => busy(exportBtn, async () => {
    try {
      await api.download('/api/v1/cdrs' + api.query({ ...filters(), format: 'csv' }), 'cdrs.csv');
    } catch (err) {
      toast(err.message, 'error');
    }
  }));
  search();
  return () => { if (playing.startsWith('blob:')) URL.revokeObjectURL(playing); };
}

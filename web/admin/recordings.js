// Recordings: call, conference and program recordings, newest first,
// filtered by kind and number, played in the page, deleted with a
// confirmation. The switch pages this list (total, limit, offset).

import * as api from './api.js';
import { h, pageHeader, table, emptyState, errorBox, loading, toast, confirm, fmtTime, fmtDuration, fmtBytes } from './ui.js';

const PAGE = 50;

export async function render(ctx) {
  const form = h('form.filters', { role: 'search' },
    h('label', 'Kind', h('select', { name: 'kind' }, [['', 'Any'], ['call', 'Calls'], ['conference', 'Conferences'], ['program', 'Programs']].map(([v, l]) => h('option', { value: v }, l)))),
    h('label', 'From', h('input', { name: 'from', type: 'search', maxlength: 64 })),
    h('label', 'To', h('input', { name: 'to', type: 'search', maxlength: 64 })),
    h('button.btn.primary', { type: 'submit' }, 'Search'));
  const player = h('div.player', { hidden: true });
  const box = h('div', loading());
  ctx.root.append(pageHeader('Recordings', 'Recorded calls, conferences and messages.'), form, player, box);
  let offset = 0;
  let url = '';

  async function load() {
    box.replaceChildren(loading());
    const el = form.elements;
    let data;
    try {
      data = await api.get('/api/v1/recordings' + api.query({ kind: el.kind.value, from: el.from.value.trim(), to: el.to.value.trim(), limit: PAGE, offset }));
    } catch (err) {
      box.replaceChildren(err.status === 503 ? emptyState('Recordings are not configured on this switch.') : errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    const list = (data && data.recordings) || [];
    const total = (data && data.total) || 0;
    if (!list.length) {
      box.replaceChildren(emptyState(total ? 'No more recordings.' : 'No recordings yet. Calls are recorded by the dial plan or with the one-touch code.'));
      return;
    }
    box.replaceChildren(table([
      { label: 'Started', cls: 'nowrap', value: (r) => fmtTime(r.started) },
      { label: 'Kind', value: (r) => r.kind },
      { label: 'From', value: (r) => r.from },
      { label: 'To', value: (r) => r.to },
      { label: 'Length', cls: 'num', value: (r) => fmtDuration(r.duration) },
      { label: 'Size', cls: 'num', value: (r) => fmtBytes(r.bytes) },
      { label: '', cls: 'right', value: (r) => h('span.row-actions',
        h('button.btn.small', { type: 'button', onclick: () => play(r) }, 'Play'),
        h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete the recording of ${r.from}`, onclick: () => remove(r) }, 'Delete')) },
    ], list, (r) => r.id), h('div.pager', h('span.muted', `${offset + 1}–${offset + list.length} of ${total}`),
      h('button.btn.small', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, '‹ Previous'),
      h('button.btn.small', { type: 'button', disabled: offset + list.length >= total, onclick: () => { offset += PAGE; load(); } }, 'Next ›')));
  }
  async function play(r) {
    try {
      if (url.startsWith('blob:')) URL.revokeObjectURL(url);
      url = await api.mediaURL(`/api/v1/recordings/${api.enc(r.id)}/audio`);
      player.replaceChildren(h('span', `${r.from} → ${r.to}, ${fmtTime(r.started)}`), h('audio', { controls: true, autoplay: true, src: url }),
        h('button.btn.small', { type: 'button', onclick: () => { player.hidden = true; player.replaceChildren(); } }, 'Close'));
      player.hidden = false;
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function remove(r) {
    if (!await confirm('Delete this recording?', `The recording of ${r.from} → ${r.to} is removed for good.`)) return;
    try {
      await api.del(`/api/v1/recordings/${api.enc(r.id)}`);
      toast('Recording deleted');
      load();
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  load();
  return () => { if (url.startsWith('blob:')) URL.revokeObjectURL(url); };
}

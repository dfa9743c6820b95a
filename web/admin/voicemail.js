// Voicemail: every box's messages (listen, mark heard, delete).

import * as api from './api.js';
import { h, pageHeader, listView, emptyState, errorBox, loading, toast, confirm, badge, fmtTime, fmtDuration } from './ui.js';

export async function render(ctx) {
  const player = h('div.player', { hidden: true });
  const box = h('div', loading());
  ctx.root.append(pageHeader('Voicemail', 'Messages in every extension’s box.'), player, box);
  let url = '';
  let rows;
  try {
    rows = await api.get('/api/v1/voicemail');
  } catch (err) {
    box.replaceChildren(err.status === 503 ? emptyState('Voicemail is not configured on this switch.') : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const path = (m) => `/api/v1/voicemail/${api.enc(m.box)}/${api.enc(m.id)}`;
  const lv = listView({
    label: 'messages',
    rows: (rows || []).slice().reverse(), // newest first
    search: (m) => `${m.box} ${m.caller} ${m.caller_name || ''}`,
    rowId: (m) => m.id,
    empty: 'No voicemail messages.',
    columns: [
      { label: 'Box', value: (m) => m.box },
      { label: 'From', value: (m) => (m.caller_name ? `${m.caller_name} <${m.caller}>` : m.caller) },
      { label: 'Received', value: (m) => fmtTime(m.received) },
      { label: 'Length', cls: 'num', value: (m) => fmtDuration(m.duration) },
      { label: 'Folder', value: (m) => badge(m.folder, m.folder === 'new' ? 'warn' : '') },
      { label: '', cls: 'right', value: (m) => h('span.row-actions',
        h('button.btn.small', { type: 'button', onclick: () => play(m) }, 'Play'),
        h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete the message from ${m.caller}`, onclick: () => remove(m) }, 'Delete')) },
    ],
  });
  box.replaceChildren(lv.el);

  async function play(m) {
    try {
      if (url.startsWith('blob:')) URL.revokeObjectURL(url);
      url = await api.mediaURL(path(m) + '/audio');
      player.replaceChildren(h('span', `Box ${m.box}: ${m.caller}, ${fmtTime(m.received)}`), h('audio', { controls: true, autoplay: true, src: url }),
        h('button.btn.small', { type: 'button', onclick: () => { player.hidden = true; player.replaceChildren(); } }, 'Close'));
      player.hidden = false;
      if (m.folder === 'new') {
        await api.put(path(m), { folder: 'saved' });
        m.folder = 'saved';
        lv.set(rows.slice().reverse());
      }
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function remove(m) {
    if (!await confirm('Delete this message?', `The message from ${m.caller} in box ${m.box} is removed for good.`)) return;
    try {
      await api.del(path(m));
      rows = rows.filter((x) => x !== m);
      lv.set(rows.slice().reverse());
      toast('Message deleted');
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  return () => { if (url.startsWith('blob:')) URL.revokeObjectURL(url); };
}

// Portal: the user's voicemail box (listen, which marks a message heard;
// delete after a confirmation) and the PIN the phone's menu asks for.

import * as api from './api.js';
import { h, pageHeader, listView, emptyState, errorBox, loading, toast, confirm, badge, fmtTime, fmtDuration, field, showError, clearErrors, busy } from './ui.js';

const BASE = '/api/v1/me/voicemail';

export async function render(ctx) {
  const player = h('div.player#vm-player', { hidden: true });
  const box = h('div', loading());
  ctx.root.append(pageHeader('Voicemail', 'Messages left for you, newest first.'), player, box);
  let url = '';
  let data;
  try {
    data = await api.get(BASE);
  } catch (err) {
    box.replaceChildren(err.status === 503 ? emptyState('Voicemail is not configured on this switch.') : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  let rows = data.messages || [];
  const counts = () => showBadge(rows.filter((m) => m.folder === 'new').length);
  const from = (m) => (m.caller_name ? `${m.caller_name} <${m.caller || 'unknown'}>` : m.caller || 'Unknown caller');
  const lv = listView({
    label: 'messages',
    rows,
    search: (m) => `${m.caller} ${m.caller_name || ''}`,
    rowId: (m) => m.id,
    empty: 'No messages.',
    columns: [
      { label: '', value: (m) => (m.folder === 'new' ? badge('new', 'warn') : badge('heard')) },
      { label: 'From', value: from },
      { label: 'Received', value: (m) => fmtTime(m.received) },
      { label: 'Length', cls: 'num', value: (m) => fmtDuration(m.duration) },
      { label: '', cls: 'right', value: (m) => h('span.row-actions',
        h('button.btn.small.vm-play', { type: 'button', 'aria-label': `Play the message from ${from(m)}`, onclick: () => play(m) }, 'Play'),
        h('button.btn.small.danger.vm-delete', { type: 'button', 'aria-label': `Delete the message from ${from(m)}`, onclick: () => remove(m) }, 'Delete')) },
    ],
  });
  box.replaceChildren(lv.el, pinForm());
  counts();

  async function play(m) {
    try {
      url = await api.mediaURL(`${BASE}/${api.enc(m.id)}/audio`);
      player.replaceChildren(h('span', `${from(m)}, ${fmtTime(m.received)}`), h('audio', { controls: true, autoplay: true, src: url }),
        h('button.btn.small', { type: 'button', onclick: () => { player.hidden = true; player.replaceChildren(); } }, 'Close'));
      player.hidden = false;
      if (m.folder === 'new') {
        await api.put(`${BASE}/${api.enc(m.id)}`, { folder: 'saved' });
        m.folder = 'saved';
        lv.set(rows);
        counts();
      }
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function remove(m) {
    if (!await confirm('Delete this message?', `The message from ${from(m)} is removed for good.`)) return;
    try {
      await api.del(`${BASE}/${api.enc(m.id)}`);
      rows = rows.filter((x) => x !== m);
      lv.set(rows);
      counts();
      if (!player.hidden) { player.hidden = true; player.replaceChildren(); }
      toast('Message deleted');
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}

function pinForm() {
  const form = h('form.form.card#pin-form', { novalidate: true },
    h('h2', 'Voicemail PIN'),
    h('p.muted', 'The PIN your phone asks for when you call your voicemail.'),
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'pin', label: 'New PIN', type: 'password', help: '4 to 10 digits.', max: 10, autocomplete: 'new-password', attrs: { inputmode: 'numeric' } }, 'vm'),
    h('div.actions', h('button.btn.primary#pin-save', { type: 'submit' }, 'Change PIN')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form.querySelector('#pin-save'), async () => {
      clearErrors(form);
      try {
        await api.put(`${BASE}/pin`, { pin: form.elements.pin.value });
        form.elements.pin.value = '';
        toast('PIN changed');
      } catch (err) {
        showError(form, err);
      }
    });
  });
  return form;
}

// refreshBadge puts the number of unheard messages next to Voicemail in
// the navigation (nothing when there are none).
export async function refreshBadge() {
  let s;
  try {
    s = await api.get('/api/v1/me/portal');
  } catch {
    return; // the badge is a hint; the page itself reports errors
  }
  showBadge(s.voicemail ? s.voicemail.new : 0);
}

export function showBadge(n) {
  const link = document.querySelector('#nav a[data-page="my-voicemail"]');
  if (!link) return;
  let b = link.querySelector('.badge');
  if (!n) {
    if (b) b.remove();
    return;
  }
  if (!b) {
    b = h('span.badge.warn.unread');
    link.append(' ', b);
  }
  b.textContent = String(n);
  b.setAttribute('aria-label', `${n} new`);
}

// Portal: do not disturb and call forwarding of the user's extension.
// The rest of its features (follow-me, what it may dial, caller IDs) are
// the administrator's.

import * as api from './api.js';
import { h, pageHeader, field, showError, clearErrors, toast, busy, loading, errorBox } from './ui.js';

const FORWARDS = [
  ['all', 'Always', 'Every call goes there; your phone does not ring.'],
  ['busy', 'When busy', ''],
  ['no_answer', 'When not answered', ''],
  ['unavailable', 'When your phone is offline', ''],
];

export async function render(ctx) {
  ctx.root.append(pageHeader('Forwarding & DND', 'Where your calls go when you cannot take them.'));
  const box = h('div', loading());
  ctx.root.append(box);
  let f;
  try {
    f = await api.get('/api/v1/me/features');
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const fwd = f.forward || {};
  const form = h('form.form.card#fwd-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'dnd', label: 'Do not disturb', type: 'checkbox', value: f.dnd }, 'fwd'),
    h('p.help', 'While it is on, callers hear busy or reach your voicemail.'),
    h('fieldset', h('legend', 'Forward calls to'),
      FORWARDS.map(([k, l, help]) => field({ name: 'forward.' + k, label: l, value: fwd[k] || '', placeholder: 'Extension or number', max: 32, help, attrs: { inputmode: 'tel' } }, 'fwd'))),
    h('div.actions', h('button.btn.primary#fwd-save', { type: 'submit' }, 'Save')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const forward = {};
    for (const [k] of FORWARDS) forward[k] = el['forward.' + k].value.trim();
    busy(form.querySelector('#fwd-save'), async () => {
      clearErrors(form);
      try {
        await api.put('/api/v1/me/features', { dnd: el.dnd.checked, forward });
        toast('Forwarding saved');
      } catch (err) {
        // "invalid forward.busy: ...": the field is the whole path.
        const m = /invalid (forward\.[a-z_]+)/.exec(err.message || '');
        if (m) err.field = m[1];
        showError(form, err);
      }
    });
  });
  box.replaceChildren(form);
}

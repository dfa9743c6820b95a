// Extensions: the list (search, pages), create, call features, delete.
// Fields as the API takes them (store.Extension): number, name,
// password, email, max_contacts; features at .../features.

import * as api from './api.js';
import { h, pageHeader, listView, field, showError, clearErrors, confirm, toast, busy, loading, errorBox, badge } from './ui.js';

export async function render(ctx) {
  const [num, sub] = ctx.params;
  if (num === 'new') return createForm(ctx);
  if (num) return featuresForm(ctx, num, sub);
  return list(ctx);
}

async function list(ctx) {
  const add = h('a.btn.primary#ext-add', { href: '#/extensions/new' }, 'Add extension');
  ctx.root.append(pageHeader('Extensions', 'Phones and users: a number, a SIP password, call features.', add));
  const box = h('div', loading());
  ctx.root.append(box);
  let rows;
  try {
    rows = await api.get('/api/v1/extensions');
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const lv = listView({
    label: 'extensions',
    rows: rows || [],
    search: (e) => `${e.number} ${e.name || ''} ${e.email || ''}`,
    rowId: (e) => e.number,
    empty: h('div.empty', h('p', 'No extensions yet. Add one for each phone or user.'), h('a.btn.primary', { href: '#/extensions/new' }, 'Add the first extension')),
    columns: [
      { label: 'Number', value: (e) => h('a', { href: '#/extensions/' + api.enc(e.number) }, e.number) },
      { label: 'Name', value: (e) => e.name },
      { label: 'Email', value: (e) => e.email },
      { label: 'Devices', value: (e) => String(e.max_contacts || '') },
      { label: 'Features', value: (e) => featureBadges(e.features || {}) },
      { label: '', cls: 'right', value: (e) => h('span.row-actions',
        h('a.btn.small', { href: '#/extensions/' + api.enc(e.number) }, 'Features'),
        h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete extension ${e.number}`, onclick: () => remove(e) }, 'Delete')) },
    ],
  });
  box.replaceChildren(lv.el);

  async function remove(e) {
    if (!await confirm(`Delete extension ${e.number}?`, 'Its phones are unregistered and its settings removed. This cannot be undone.')) return;
    try {
      await api.del('/api/v1/extensions/' + api.enc(e.number));
      rows = rows.filter((x) => x.number !== e.number);
      lv.set(rows);
      toast(`Extension ${e.number} deleted`);
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}

function featureBadges(f) {
  const out = [];
  if (f.dnd) out.push(badge('DND', 'warn'));
  if (f.forward && Object.keys(f.forward).length) out.push(badge('forward'));
  if (f.follow_me && f.follow_me.length) out.push(badge('follow-me'));
  if (f.class) out.push(badge(f.class));
  return out.length ? h('span', out) : null;
}

// strongPassword makes a password the switch accepts (letters and
// digits, 16 characters).
function strongPassword() {
  const abc = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const b = crypto.getRandomValues(new Uint8Array(16));
  let pw = Array.from(b, (x) => abc[x % abc.length]).join('');
  if (!/\d/.test(pw)) pw = pw.slice(0, -1) + '7';
  if (!/[a-z]/i.test(pw)) pw = 'k' + pw.slice(1);
  return pw;
}

function createForm(ctx) {
  const form = h('form.form.card#ext-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'number', label: 'Number', required: true, help: '2–11 digits, e.g. 1001.', attrs: { inputmode: 'numeric' }, max: 11 }, 'ext'),
    field({ name: 'name', label: 'Name', help: 'Shown as the caller name.', max: 64 }, 'ext'),
    h('div.inline',
      field({ name: 'password', label: 'SIP password', required: true, type: 'text', help: 'At least 8 characters, letters and digits.', max: 128 }, 'ext'),
      h('button.btn#ext-genpw', { type: 'button', onclick: () => { form.elements.password.value = strongPassword(); } }, 'Generate')),
    field({ name: 'email', label: 'Email', type: 'email', help: 'For voicemail notifications.', max: 254 }, 'ext'),
    field({ name: 'max_contacts', label: 'Devices at once', type: 'number', value: 2, min: 1, maxValue: 5, help: 'How many phones may register (1–5).' }, 'ext'),
    h('div.actions', h('a.btn', { href: '#/extensions' }, 'Cancel'), h('button.btn.primary#ext-save', { type: 'submit' }, 'Create extension')));
  form.elements.password.value = strongPassword();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const body = {
      number: el.number.value.trim(),
      name: el.name.value.trim(),
      password: el.password.value,
      email: el.email.value.trim(),
      max_contacts: Number(el.max_contacts.value) || 0,
    };
    // The browser's own checks are off (novalidate): the API's errors are
    // the ones shown, next to the field they name.
    busy(el['ext-save'] || form.querySelector('#ext-save'), async () => {
      clearErrors(form);
      try {
        await api.post('/api/v1/extensions', body);
        toast(`Extension ${body.number} created`);
        ctx.go('#/extensions');
      } catch (err) {
        showError(form, err);
      }
    });
  });
  ctx.root.append(pageHeader('New extension', 'A number and the password its phone registers with.'), form);
  form.elements.number.focus();
}

const FORWARDS = [['all', 'Always'], ['busy', 'When busy'], ['no_answer', 'When not answered'], ['unavailable', 'When unreachable']];
const CLASSES = [['', 'International (default)'], ['national', 'National'], ['local', 'Local'], ['internal', 'Internal only']];

async function featuresForm(ctx, number) {
  ctx.root.append(pageHeader(`Extension ${number}`, 'Call features: do not disturb, forwarding, follow-me and what it may dial.',
    h('a.btn', { href: '#/extensions' }, 'Back to the list')));
  const box = h('div', loading());
  ctx.root.append(box);
  let f;
  try {
    f = await api.get('/api/v1/extensions/' + api.enc(number) + '/features');
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  f = f || {};
  const fwd = f.forward || {};
  const steps = h('div.rows');
  const addStep = (s = { number: '', timeout: 20 }) => {
    const row = h('div.row',
      h('input', { 'aria-label': 'Follow-me number', name: 'fm_number', value: s.number, maxlength: 32, placeholder: 'Number' }),
      h('input', { 'aria-label': 'Seconds', name: 'fm_timeout', type: 'number', min: 5, max: 120, value: s.timeout }),
      h('button.btn.small', { type: 'button', 'aria-label': 'Remove this step', onclick: () => row.remove() }, 'Remove'));
    steps.append(row);
  };
  (f.follow_me || []).forEach(addStep);
  const form = h('form.form.card#features-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'dnd', label: 'Do not disturb', type: 'checkbox', value: f.dnd }, 'feat'),
    h('fieldset', h('legend', 'Forward calls'), h('div.field', { dataset: { field: 'forward' } },
      FORWARDS.map(([k, l]) => field({ name: 'fwd_' + k, label: l, value: fwd[k] || '', placeholder: 'Extension or number', max: 32 }, 'feat')),
      h('p.field-error', { hidden: true }))),
    h('fieldset', h('legend', 'Follow-me'), h('div.field', { dataset: { field: 'follow_me' } },
      h('p.help', 'Numbers rung one after another, each for some seconds.'), steps,
      h('button.btn.small', { type: 'button', onclick: () => addStep() }, 'Add a number'),
      h('p.field-error', { hidden: true }))),
    field({ name: 'class', label: 'May dial', type: 'select', options: CLASSES, value: f.class || '' }, 'feat'),
    field({ name: 'outbound_cid1', label: 'Outside caller ID 1', value: f.outbound_cid1 || '', max: 32 }, 'feat'),
    field({ name: 'outbound_cid2', label: 'Outside caller ID 2', value: f.outbound_cid2 || '', max: 32 }, 'feat'),
    h('div.actions', h('a.btn', { href: '#/extensions' }, 'Cancel'), h('button.btn.primary#features-save', { type: 'submit' }, 'Save features')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const forward = {};
    for (const [k] of FORWARDS) {
      const v = el['fwd_' + k].value.trim();
      if (v) forward[k] = v;
    }
    const follow = [...steps.querySelectorAll('.row')].map((r) => ({
      number: r.querySelector('[name=fm_number]').value.trim(),
      timeout: Number(r.querySelector('[name=fm_timeout]').value) || 0,
    })).filter((s) => s.number);
    const body = { dnd: el.dnd.checked, forward, follow_me: follow, class: el.class.value, outbound_cid1: el.outbound_cid1.value.trim(), outbound_cid2: el.outbound_cid2.value.trim() };
    busy(form.querySelector('#features-save'), async () => {
      clearErrors(form);
      try {
        await api.put('/api/v1/extensions/' + api.enc(number) + '/features', body);
        toast(`Features of ${number} saved`);
      } catch (err) {
        showError(form, err);
      }
    });
  });
  box.replaceChildren(form);
}

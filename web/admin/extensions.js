// Extensions: the list (search, pages), create, the editor (identity,
// tenant and the per-phone settings of SPEC P1), call features, delete.
// Fields as the API takes them (store.Extension): number, name,
// password, email, max_contacts, tenant, codecs, dtmf_mode, permit_ip,
// recording, language, pickup_group, call_waiting, voicemail; features at
// .../features. A tenant admin's extensions are its tenant's: the API
// confines it (web/tenantscope.go), the UI only leaves the choice out.

import * as api from './api.js';
import { quota } from './entities.js';
import { h, pageHeader, listView, field, showError, clearErrors, confirm, toast, busy, loading, errorBox, badge } from './ui.js';

export async function render(ctx) {
  const [num, sub] = ctx.params;
  if (num === 'new') return createForm(ctx);
  if (num && sub === 'features') return featuresForm(ctx, num);
  if (num) return editForm(ctx, num);
  return list(ctx);
}

async function list(ctx) {
  const add = h('a.btn.primary#ext-add', { href: '#/extensions/new' }, 'Add extension');
  const me = api.currentUser() || {};
  ctx.root.append(pageHeader('Extensions', me.tenant ? `Tenant ${me.tenant}: its phones and users.` : 'Phones and users: a number, a SIP password, call features.', add));
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
  if (me.tenant) {
    // The tenant's quota, next to what counts against it.
    api.get(`/api/v1/tenants/${api.enc(me.tenant)}/usage`).then((u) => {
      box.before(h('p.muted#ext-usage', quota(u.extensions, u.max_extensions, 'extensions'), ' · ', quota(u.calls, u.max_calls, 'calls now')));
    }).catch(() => {});
  }
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
      ...(me.tenant ? [] : [{ label: 'Tenant', value: (e) => (e.tenant ? badge(e.tenant) : null) }]),
      { label: 'Features', value: (e) => featureBadges(e.features || {}) },
      { label: '', cls: 'right', value: (e) => h('span.row-actions',
        h('a.btn.small', { href: '#/extensions/' + api.enc(e.number) + '/features' }, 'Features'),
        h('a.btn.small', { href: '#/extensions/' + api.enc(e.number), 'aria-label': `Edit extension ${e.number}` }, 'Edit'),
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

// tenantField is the admin's tenant choice; null for a principal with a
// tenant (the API forces its own).
async function tenantField(value) {
  const me = api.currentUser() || {};
  if (me.tenant || me.role !== 'admin') return null;
  let list = [];
  try {
    list = (await api.get('/api/v1/tenants')) || [];
  } catch { /* no tenants page: the switch's own only */ }
  const opts = [['', 'None (the switch’s own)'], ...list.map((t) => [t.name, `${t.name} (${t.domain})`])];
  if (value && !list.some((t) => t.name === value)) opts.push([value, value]);
  return field({ name: 'tenant', label: 'Tenant', type: 'select', options: opts, value: value || '', help: 'The company it belongs to; it registers under that tenant’s SIP domain.' }, 'ext');
}

async function createForm(ctx) {
  const tenant = await tenantField('');
  const form = h('form.form.card#ext-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'number', label: 'Number', required: true, help: '2–11 digits, e.g. 1001.', attrs: { inputmode: 'numeric' }, max: 11 }, 'ext'),
    field({ name: 'name', label: 'Name', help: 'Shown as the caller name.', max: 64 }, 'ext'),
    h('div.inline',
      field({ name: 'password', label: 'SIP password', required: true, type: 'text', help: 'At least 8 characters, letters and digits.', max: 128 }, 'ext'),
      h('button.btn#ext-genpw', { type: 'button', onclick: () => { form.elements.password.value = strongPassword(); } }, 'Generate')),
    field({ name: 'email', label: 'Email', type: 'email', help: 'For voicemail notifications.', max: 254 }, 'ext'),
    field({ name: 'max_contacts', label: 'Devices at once', type: 'number', value: 2, min: 1, maxValue: 5, help: 'How many phones may register (1–5).' }, 'ext'),
    tenant,
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
    if (el.tenant && el.tenant.value) body.tenant = el.tenant.value;
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
    h('a.btn', { href: '#/extensions/' + api.enc(number) }, 'Phone settings'),
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

// The codecs an extension may be limited to (store.SettingsCodecs: what
// the media layer relays).
const CODECS = [['PCMU', 'G.711 µ-law (PCMU)'], ['PCMA', 'G.711 A-law (PCMA)'], ['G722', 'G.722 wideband']];
const DTMF = [['', 'Default (RFC 2833)'], ['rfc2833', 'RFC 2833 events'], ['info', 'SIP INFO'], ['inband', 'In-band tones']];
const RECORDING = [['', 'Default (on demand)'], ['on_demand', 'On demand (*1)'], ['always', 'Always'], ['never', 'Never']];

// codecPicker is an ordered multi-select: a row per codec, ticked ones
// allowed, in the rows' order (moved with the arrows). None ticked: the
// switch's list.
function codecPicker(chosen) {
  const order = [...chosen.filter((c) => CODECS.some(([k]) => k === c)), ...CODECS.map(([k]) => k).filter((k) => !chosen.includes(k))];
  const list = h('ol.codecs', { id: 'ext-codecs', 'aria-label': 'Codecs in order of preference' });
  const row = (k) => {
    const label = CODECS.find(([c]) => c === k)[1];
    const li = h('li.row', { dataset: { codec: k } },
      h('label.check', h('input', { type: 'checkbox', name: 'codec', value: k, checked: chosen.includes(k) }), ' ', label),
      h('button.btn.small', { type: 'button', 'aria-label': `Move ${k} up`, onclick: () => { if (li.previousElementSibling) li.previousElementSibling.before(li); } }, '↑'),
      h('button.btn.small', { type: 'button', 'aria-label': `Move ${k} down`, onclick: () => { if (li.nextElementSibling) li.nextElementSibling.after(li); } }, '↓'));
    return li;
  };
  order.forEach((k) => list.append(row(k)));
  const el = h('div.field', { dataset: { field: 'codecs' } },
    h('span.label', 'Codecs'),
    h('p.help', 'Tick the codecs it may use, most preferred first. None ticked: the switch’s list.'),
    list, h('p.field-error', { hidden: true }));
  return { el, get: () => [...list.querySelectorAll('input[name=codec]')].filter((c) => c.checked).map((c) => c.value) };
}

// editForm edits one extension: its identity, tenant and phone settings,
// saved with one PUT (a password left empty is kept).
async function editForm(ctx, number) {
  const me = api.currentUser() || {};
  ctx.root.append(pageHeader(`Extension ${number}`, 'Who it is and how its phones behave.',
    h('a.btn', { href: '#/extensions/' + api.enc(number) + '/features' }, 'Call features'),
    h('a.btn', { href: '#/extensions' }, 'Back to the list')));
  const box = h('div', loading());
  ctx.root.append(box);
  let e;
  let tenant;
  try {
    e = await api.get('/api/v1/extensions/' + api.enc(number));
    tenant = await tenantField(e.tenant || '');
  } catch (err) {
    box.replaceChildren(err.status === 404 ? h('div.empty', h('p', `Extension ${number} does not exist${me.tenant ? ` in tenant ${me.tenant}` : ''}.`), h('a.btn.primary', { href: '#/extensions' }, 'Back to the extensions')) : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const codecs = codecPicker(e.codecs || []);
  const form = h('form.form.card#ext-edit-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    h('fieldset', h('legend', 'Identity'),
      field({ name: 'name', label: 'Name', value: e.name || '', help: 'Shown as the caller name.', max: 64 }, 'ext'),
      field({ name: 'email', label: 'Email', type: 'email', value: e.email || '', help: 'For voicemail notifications.', max: 254 }, 'ext'),
      h('div.inline',
        field({ name: 'password', label: 'New SIP password', type: 'text', help: 'Leave empty to keep the current one.', max: 128 }, 'ext'),
        h('button.btn#ext-genpw', { type: 'button', onclick: () => { form.elements.password.value = strongPassword(); } }, 'Generate')),
      field({ name: 'max_contacts', label: 'Devices at once', type: 'number', value: e.max_contacts || 2, min: 1, maxValue: 5, help: 'How many phones may register (1–5).' }, 'ext'),
      tenant || (e.tenant ? h('p.help', 'Tenant: ', badge(e.tenant)) : null)),
    h('fieldset', h('legend', 'Phone settings'),
      codecs.el,
      field({ name: 'dtmf_mode', label: 'DTMF mode', type: 'select', options: DTMF, value: e.dtmf_mode || '' }, 'ext'),
      field({ name: 'permit_ip', label: 'Allowed networks', type: 'textarea', rows: 3, value: (e.permit_ip || []).join('\n'), placeholder: '192.0.2.0/24', help: 'Addresses or networks (CIDR) it may register and call from, one per line. Empty: anywhere.', max: 2000 }, 'ext'),
      field({ name: 'recording', label: 'Call recording', type: 'select', options: RECORDING, value: e.recording || '' }, 'ext'),
      field({ name: 'language', label: 'Prompt language', value: e.language || '', placeholder: 'en', help: 'A language tag such as en, de or pt-BR. Empty: the switch’s.', max: 16 }, 'ext'),
      field({ name: 'pickup_group', label: 'Pickup group', type: 'number', value: e.pickup_group || '', min: 0, maxValue: 64, help: '1–64: phones of the same group pick up each other’s calls. Empty: none.' }, 'ext'),
      field({ name: 'call_waiting', label: 'Call waiting (a second call rings while on a call)', type: 'checkbox', value: e.call_waiting !== false }, 'ext'),
      field({ name: 'voicemail', label: 'Voicemail (unanswered calls may leave a message)', type: 'checkbox', value: e.voicemail !== false }, 'ext')),
    h('div.actions', h('a.btn', { href: '#/extensions' }, 'Cancel'), h('button.btn.primary#ext-edit-save', { type: 'submit' }, 'Save')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const body = {
      name: el.name.value.trim(),
      email: el.email.value.trim(),
      max_contacts: Number(el.max_contacts.value) || 0,
      codecs: codecs.get(),
      dtmf_mode: el.dtmf_mode.value,
      permit_ip: el.permit_ip.value.split(/[\n,]/).map((x) => x.trim()).filter(Boolean),
      recording: el.recording.value,
      language: el.language.value.trim(),
      pickup_group: Number(el.pickup_group.value) || 0,
      call_waiting: el.call_waiting.checked,
      voicemail: el.voicemail.checked,
    };
    if (el.password.value) body.password = el.password.value;
    if (el.tenant) body.tenant = el.tenant.value;
    else if (e.tenant) body.tenant = e.tenant;
    busy(form.querySelector('#ext-edit-save'), async () => {
      clearErrors(form);
      try {
        e = await api.put('/api/v1/extensions/' + api.enc(number), body);
        el.password.value = '';
        toast(`Extension ${number} saved`);
      } catch (err) {
        showError(form, err);
      }
    });
  });
  box.replaceChildren(form);
  form.elements.name.focus();
}

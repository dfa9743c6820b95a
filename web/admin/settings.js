// PBX settings (/api/v1/settings): the operator, unrouted calls, office
// hours, anonymous callers and the voicemail limits. A field is either
// set here (stored, it wins) or unset, and then scripts/apps.lua's value
// applies: each row says which, and "Reset to default" unsets one field
// at once. Admins change them; operators read.

import * as api from './api.js';
import { h, pageHeader, clearErrors, showError, toast, busy, loading, errorBox, badge } from './ui.js';
import { canWrite, loadLists, optionsOf } from './pickers.js';

// The settings, by their JSON path. def: apps.lua's value as shipped
// (replaced by the running apps.lua's when an admin may read it).
const FIELDS = [
  { path: 'operator', label: 'Operator extension', kind: 'ext', def: '1000', help: 'Answers “0” in menus and voicemail.' },
  { path: 'unrouted_to_operator', label: 'Unrouted calls go to the operator', kind: 'bool', def: true, help: 'Trunk calls to a number nothing takes; otherwise they get 404.' },
  { path: 'office_hours', label: 'Office hours', kind: 'tc', def: 'office', help: 'The time condition saying when the office is open; IVRs’ closed menus follow it. None: always open.' },
  { path: 'block_anonymous', label: 'Refuse anonymous callers', kind: 'bool', def: false, help: 'Callers who hide their number get 433.' },
  { path: 'voicemail.min_seconds', label: 'Shortest message (s)', kind: 'int', def: 1, min: 0, max: 60, help: 'Shorter messages are dropped. 0–60.' },
  { path: 'voicemail.max_seconds', label: 'Longest message (s)', kind: 'int', def: 180, min: 5, max: 3600, help: 'A message stops here. 5–3600.' },
  { path: 'voicemail.silence', label: 'Silence that ends a message (s)', kind: 'int', def: 10, min: 1, max: 60, help: '1–60.' },
  { path: 'voicemail.greeting_seconds', label: 'Longest greeting (s)', kind: 'int', def: 60, min: 5, max: 600, help: '5–600.' },
  { path: 'voicemail.ring_before', label: 'Busy and unanswered calls go to voicemail', kind: 'bool', def: true },
  { path: 'voicemail.utc_offset', label: 'Message times: offset from UTC (s)', kind: 'int', def: 0, min: -50400, max: 50400, help: 'Seconds east of UTC, e.g. 3600 for UTC+1.' },
];

const getPath = (o, p) => p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
function setPath(o, p, v) {
  const ks = p.split('.');
  const last = ks.pop();
  for (const k of ks) o = o[k] ??= {};
  o[last] = v;
}
// without answers the settings with path unset (a copy).
function without(set, p) {
  const o = structuredClone(set);
  delete o.updated_at;
  const ks = p.split('.');
  const last = ks.pop();
  const parent = ks.reduce((x, k) => (x == null ? undefined : x[k]), o);
  if (parent) delete parent[last];
  if (o.voicemail && !Object.keys(o.voicemail).length) delete o.voicemail;
  return o;
}

// appsDefaults reads the running apps.lua's simple values (admins may
// read scripts); what it cannot find stays as shipped.
async function appsDefaults() {
  const out = {};
  let src;
  try {
    src = await api.get('/api/v1/scripts/apps.lua');
  } catch {
    return out;
  }
  if (typeof src !== 'string') return out;
  const val = (text, key) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*("([^"]*)"|true|false|-?\\d+)\\s*,`, 'm').exec(text);
    if (!m) return undefined;
    if (m[2] !== undefined) return m[2];
    return m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1]);
  };
  // Top-level keys at two spaces, the voicemail table's inside its braces.
  const top = src.split('\n').filter((l) => /^ {2}[a-z_]+\s*=/.test(l)).join('\n');
  const vm = /^ {2}voicemail\s*=\s*\{([\s\S]*?)^ {2}\}/m.exec(src);
  for (const f of FIELDS) {
    const [a, b] = f.path.split('.');
    const v = b ? (vm ? val(vm[1], b) : undefined) : val(top, a);
    if (v !== undefined && typeof v === typeof f.def) out[f.path] = v;
  }
  return out;
}

const show = (f, v) => (f.kind === 'bool' ? (v ? 'yes' : 'no') : f.kind === 'tc' && v === '' ? 'none' : String(v));

export async function render(ctx) {
  const write = canWrite('settings');
  ctx.root.append(pageHeader('PBX settings', 'What the default applications do. A value set here wins; an unset one is apps.lua’s.'));
  const box = h('div', loading());
  ctx.root.append(box);
  let set;
  let lists;
  let defs;
  try {
    [set, lists, defs] = await Promise.all([api.get('/api/v1/settings'), loadLists(['extension', 'timecondition']), write ? appsDefaults() : {}]);
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  set = set || {};
  const def = (f) => (f.path in defs ? defs[f.path] : f.def);

  const rows = FIELDS.map((f) => {
    const id = 'set-' + f.path.replace('.', '-');
    const input = control(f, id, lists, !write || null);
    const state = h('span.origin');
    const reset = write ? h('button.btn.small', { type: 'button', 'aria-label': `Reset ${f.label} to default`, onclick: (ev) => busy(ev.currentTarget, () => resetField(f)) }, 'Reset to default') : null;
    const el = h('div.field.setting', { dataset: { field: f.path } },
      h('label', { for: id }, f.label),
      h('div.setting-value', input.el, state, reset),
      f.help ? h('p.help', f.help) : null,
      h('p.field-error', { hidden: true }));
    const row = { f, input, el, state, reset, dirty: false };
    const mark = () => { row.dirty = true; paint(row); };
    input.el.addEventListener('input', mark);
    input.el.addEventListener('change', mark);
    return row;
  });

  // paint shows the value in force and where it comes from.
  function paint(row, fromStore) {
    const { f, input } = row;
    const v = getPath(set, f.path);
    if (fromStore) input.set(v === undefined ? def(f) : v, v === undefined);
    const stored = v !== undefined;
    row.el.classList.toggle('default', !stored && !row.dirty);
    row.el.dataset.origin = row.dirty ? 'changed' : stored ? 'store' : 'default';
    row.state.replaceChildren(row.dirty ? badge('changed', 'warn') : stored ? badge('set here', 'ok') : badge(`apps.lua: ${show(f, def(f))}`));
    if (row.reset) row.reset.hidden = !stored;
  }
  rows.forEach((r) => paint(r, true));

  const form = h('form.form.card#settings-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    h('fieldset', h('legend', 'Calls'), rows.slice(0, 4).map((r) => r.el)),
    h('fieldset', h('legend', 'Voicemail'), rows.slice(4).map((r) => r.el)),
    set.updated_at ? h('p.help#settings-updated', `Last changed ${new Date(set.updated_at).toLocaleString()}.`) : null,
    write ? h('div.actions', h('button.btn.primary#settings-save', { type: 'submit' }, 'Save')) : null);

  async function put(body, done) {
    clearErrors(form);
    try {
      set = (await api.put('/api/v1/settings', body)) || {};
      done();
    } catch (err) {
      showError(form, err);
    }
  }
  // resetField unsets one field now, keeping the other stored values
  // (and leaving other unsaved edits in their fields).
  function resetField(f) {
    return put(without(set, f.path), () => {
      const row = rows.find((r) => r.f === f);
      row.dirty = false;
      rows.forEach((r) => paint(r, r === row || !r.dirty));
      toast(`${f.label}: back to apps.lua’s ${show(f, def(f))}`);
    });
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // Stored fields and changed ones are sent; the rest stay unset.
    const body = {};
    for (const r of rows) {
      const cur = getPath(set, r.f.path);
      const v = r.dirty ? r.input.get() : cur;
      if (v !== undefined) setPath(body, r.f.path, v);
    }
    busy(form.querySelector('#settings-save'), () => put(body, () => {
      rows.forEach((r) => { r.dirty = false; paint(r, true); });
      toast('Settings saved');
    }));
  });
  box.replaceChildren(form);
}

// control is one setting's input: set(value, isDefault) and get() (the
// value, or undefined for an empty number).
function control(f, id, lists, disabled) {
  if (f.kind === 'bool') {
    const el = h('select', { id, disabled }, h('option', { value: 'true' }, 'Yes'), h('option', { value: 'false' }, 'No'));
    return { el, set: (v) => { el.value = String(!!v); }, get: () => el.value === 'true' };
  }
  if (f.kind === 'int') {
    const el = h('input', { id, type: 'number', min: f.min, max: f.max, disabled });
    return {
      el,
      set: (v) => { el.value = v === undefined ? '' : String(v); },
      get: () => (el.value.trim() === '' ? undefined : Number(el.value)),
    };
  }
  const choices = optionsOf(f.kind === 'ext' ? 'extension' : 'timecondition', f.kind === 'ext' ? lists.extension : lists.timecondition);
  if (!choices) { // this role may not read the list: the name as text
    const el = h('input', { id, maxlength: 64, disabled });
    return { el, set: (v) => { el.value = v ?? ''; }, get: () => el.value.trim() };
  }
  const el = h('select', { id, disabled });
  const fill = (v) => {
    const opts = [...(f.kind === 'tc' ? [['', 'None (always open)']] : []), ...choices];
    if (v && !opts.some(([x]) => x === v)) opts.push([v, `${v} (not found)`]);
    el.replaceChildren(...opts.map(([x, l]) => h('option', { value: x }, l)));
    el.value = v ?? '';
  };
  return { el, set: fill, get: () => el.value };
}

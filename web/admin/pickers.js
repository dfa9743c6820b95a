// Pieces the IVR, room and settings pages share: who may write, the
// lists a destination is picked from, the destination picker itself, the
// tenant choice, and field errors shown at the nearest field the API's
// dotted name reaches ("keys.1.target" -> keys.1).

import * as api from './api.js';
import { h, field, showError } from './ui.js';

// canWrite: admins write everything, tenant admins their IVRs and rooms
// (not the switch-wide settings); operators read (web/auth/policy.go).
export function canWrite(what) {
  const role = (api.currentUser() || {}).role || 'admin';
  if (role === 'admin') return true;
  return role === 'tenant_admin' && what !== 'settings';
}

// isAdmin: the switch-wide admin, who chooses tenants.
export function isAdmin() {
  const me = api.currentUser() || {};
  return (me.role || 'admin') === 'admin' && !me.tenant;
}

// loadLists fetches what destinations point at; a list this role may not
// read (or the switch does not have) is null, and its picker takes text.
export async function loadLists(names) {
  const paths = {
    extension: '/api/v1/extensions', group: '/api/v1/groups', queue: '/api/v1/queues',
    ivr: '/api/v1/ivrs', conference: '/api/v1/rooms', timecondition: '/api/v1/timeconditions',
    tenant: '/api/v1/tenants',
  };
  const out = {};
  await Promise.all(names.map(async (n) => {
    try {
      const v = await api.get(paths[n]);
      out[n] = Array.isArray(v) ? v : [];
    } catch {
      out[n] = null;
    }
  }));
  if (out.extension !== undefined) out.voicemail = out.extension; // a box is its extension's
  return out;
}

// optionsOf turns a list's records into [value, label] choices.
export function optionsOf(kind, list) {
  if (!list) return null;
  const t = (r) => (r.tenant ? ` (${r.tenant})` : '');
  if (kind === 'timecondition') return list.map((v) => (v.condition ? v.condition.name : v.name)).filter(Boolean).map((n) => [n, n]);
  if (kind === 'tenant') return list.map((v) => [v.name, `${v.name} (${v.domain})`]);
  return list.map((r) => [r.number, `${r.number}${r.name ? ' · ' + r.name : ''}${t(r)}`]);
}

// selectOf is a select of choices with a leading blank choice; a value
// not among them (gone, or another tenant's) stays choosable.
export function selectOf(attrs, choices, value, blank) {
  const opts = [...(blank ? [['', blank]] : []), ...choices];
  if (value && !opts.some(([v]) => v === value)) opts.push([value, `${value} (not found)`]);
  const sel = h('select', attrs, opts.map(([v, l]) => h('option', { value: v }, l)));
  sel.value = value || '';
  return sel;
}

export const IVR_KINDS = [
  ['extension', 'Extension'], ['group', 'Ring group'], ['queue', 'Queue'], ['voicemail', 'Voicemail box'],
  ['conference', 'Conference room'], ['ivr', 'Another IVR'], ['url', 'Web app (URL)'], ['hangup', 'Hang up'],
];

// destPicker is a kind select and a target: a select filled from the
// lists, a URL box for url, nothing for hangup. none labels the unset
// choice. get() answers {kind, target} or undefined.
export function destPicker(id, label, v, lists, none, disabled) {
  v = v || {};
  const kind = selectOf({ id, 'aria-label': `${label}: kind`, disabled }, IVR_KINDS, v.kind || '', none);
  const slot = h('span.dest-target');
  let target = null;
  const build = (keep) => {
    const k = kind.value;
    const cur = keep ?? (target ? target.value : '');
    target = null;
    if (k === 'url') {
      target = h('input', { type: 'url', 'aria-label': `${label}: URL`, placeholder: 'The web app’s http(s) URL', maxlength: 512, value: cur, disabled });
    } else if (k && k !== 'hangup') {
      const choices = optionsOf(k, lists[k]);
      target = choices
        ? selectOf({ 'aria-label': `${label}: target`, disabled }, choices, cur, 'Choose…')
        : h('input', { 'aria-label': `${label}: target`, placeholder: 'Number', maxlength: 64, value: cur, disabled });
    }
    slot.replaceChildren(target || '');
  };
  build(v.target || '');
  kind.addEventListener('change', () => build(''));
  return {
    kind, slot,
    get: () => {
      if (!kind.value) return undefined;
      if (kind.value === 'hangup') return { kind: 'hangup' };
      return { kind: kind.value, target: target ? target.value.trim() : '' };
    },
  };
}

// tenantPicker is the admin's tenant choice; null for everyone else (the
// API makes a tenant admin's records its tenant's).
export function tenantPicker(prefix, value, lists, help) {
  if (!isAdmin()) return null;
  const choices = optionsOf('tenant', lists.tenant) || [];
  return field({ name: 'tenant', label: 'Tenant', type: 'select', options: [['', 'None (the switch’s own)'], ...choices, ...(value && !choices.some(([v]) => v === value) ? [[value, value]] : [])], value: value || '', help }, prefix);
}

// showFieldError puts err at the field its name reaches: "keys.1.target"
// at keys.1, "when_closed.ivr" at when_closed.ivr or when_closed.
export function showFieldError(form, err) {
  let name = err && err.field;
  while (name) {
    if (form.querySelector(`.field[data-field="${CSS.escape(name)}"]`)) break;
    const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
    name = cut > 0 ? name.slice(0, cut) : '';
  }
  showError(form, name ? { message: err.message, field: name } : err);
}

// inUse explains a 409 on delete: what refers to the record, linked.
export function inUse(err, what) {
  const m = /in use by ivr (\d+)/.exec(err.message || '');
  return h('div.error-box', { role: 'alert' },
    `${what} cannot be deleted: ${err.message}`,
    m ? [' ', h('a', { href: `#/ivrs/${api.enc(m[1])}` }, `Open IVR ${m[1]}`)] : null);
}

// The generic configuration page: a list (search, pages, delete with a
// confirmation), and a create/edit form, both driven by a small
// description of the entity (entities.js): its routes, key, columns and
// fields. Field types beyond ui.field's: list (strings, one per line or
// comma-separated), rows (a list of small objects), destination ({kind,
// target}), weekdays (time ranges per day), json.

import * as api from './api.js';
import { h, pageHeader, listView, field, showError, clearErrors, confirm, toast, busy, loading, errorBox, notAvailable, isMissing } from './ui.js';

export async function entityPage(d, ctx) {
  if (d.singleton) return form(d, ctx, null, true);
  const [key] = ctx.params;
  if (key === 'new') return form(d, ctx, null, false);
  if (key !== undefined && key !== '') return form(d, ctx, key, false);
  return list(d, ctx);
}

async function fetchRows(d) {
  const data = await api.get(d.list);
  return d.rows ? d.rows(data) : (Array.isArray(data) ? data : []);
}

async function list(d, ctx) {
  const add = d.readOnly ? null : h('a.btn.primary', { href: `#/${d.id}/new`, id: `${d.id}-add` }, `Add ${d.singular}`);
  ctx.root.append(pageHeader(d.title, d.subtitle, add));
  const box = h('div', loading());
  ctx.root.append(box);
  let rows;
  try {
    rows = await fetchRows(d);
  } catch (err) {
    box.replaceChildren(isMissing(err) ? notAvailable(d.title) : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const keyOf = (r) => String(d.keyOf ? d.keyOf(r) : r[d.key]);
  const actions = (r) => h('span.row-actions',
    (d.actions || []).map((a) => h('button.btn.small', { type: 'button', onclick: (ev) => busy(ev.currentTarget, () => runAction(a, r)) }, a.label)),
    d.readOnly ? null : h('a.btn.small', { href: `#/${d.id}/${api.enc(keyOf(r))}` }, 'Edit'),
    d.readOnly ? null : h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete ${d.singular} ${keyOf(r)}`, onclick: () => remove(r) }, 'Delete'));
  const lv = listView({
    label: d.title.toLowerCase(),
    rows,
    search: d.search || ((r) => JSON.stringify(r)),
    rowId: keyOf,
    empty: h('div.empty', h('p', d.empty), add ? h('a.btn.primary', { href: `#/${d.id}/new` }, `Add ${d.singular}`) : null),
    columns: [
      ...d.columns.map((c, i) => i === 0 && !d.readOnly ? { ...c, value: (r) => h('a', { href: `#/${d.id}/${api.enc(keyOf(r))}` }, c.value(r) || keyOf(r)) } : c),
      { label: '', cls: 'right', value: actions },
    ],
  });
  box.replaceChildren(lv.el);

  async function reload() {
    rows = await fetchRows(d);
    lv.set(rows);
  }
  async function runAction(a, r) {
    try {
      await a.run(r);
      toast(a.done ? a.done(r) : 'Done');
      await reload();
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function remove(r) {
    const k = keyOf(r);
    if (!await confirm(`Delete ${d.singular} ${k}?`, d.deleteText || 'This cannot be undone.')) return;
    try {
      await api.del(d.item(k));
      rows = rows.filter((x) => keyOf(x) !== k);
      lv.set(rows);
      toast(`${cap(d.singular)} ${k} deleted`);
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

async function form(d, ctx, key, singleton) {
  const creating = !singleton && key === null;
  const title = singleton ? d.title : creating ? `New ${d.singular}` : `${cap(d.singular)} ${key}`;
  ctx.root.append(pageHeader(title, singleton ? d.subtitle : d.formHelp || d.subtitle, singleton ? null : h('a.btn', { href: `#/${d.id}` }, 'Back to the list')));
  const box = h('div', loading());
  ctx.root.append(box);
  let cur = {};
  try {
    if (singleton) cur = (await api.get(d.list)) || {};
    else if (!creating && d.getItem) cur = (await api.get(d.item(key))) || {};
    else if (!creating) {
      const found = (await fetchRows(d)).find((r) => String(d.keyOf ? d.keyOf(r) : r[d.key]) === key);
      if (!found) throw new api.APIError(404, `${cap(d.singular)} ${key} does not exist.`);
      cur = found;
    }
  } catch (err) {
    box.replaceChildren(isMissing(err) && singleton ? notAvailable(d.title) : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  if (d.toForm && !creating) cur = d.toForm(cur);
  const initial = {};
  const controls = d.fields.map((f) => {
    const c = control(f, creating ? f.default : cur[f.name], creating, d.id);
    initial[f.name] = JSON.stringify(c.get());
    return [f, c];
  });
  const saveLabel = creating ? `Create ${d.singular}` : 'Save';
  const formEl = h('form.form.card', { id: `${d.id}-form`, novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    controls.map(([, c]) => c.el),
    h('div.actions', singleton ? null : h('a.btn', { href: `#/${d.id}` }, 'Cancel'), h('button.btn.primary', { type: 'submit', id: `${d.id}-save` }, saveLabel)));
  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {};
    let bad = null;
    for (const [f, c] of controls) {
      let v;
      try {
        v = c.get();
      } catch (err) {
        bad = bad || { field: f.name, message: err.message };
        continue;
      }
      if (f.writeOnly && (v === '' || v === undefined)) continue; // kept by the switch
      if (f.keepIfUnchanged && !creating && JSON.stringify(v) === initial[f.name]) continue;
      if (v === undefined) continue;
      body[f.name] = v;
    }
    if (bad) {
      showError(formEl, bad);
      return;
    }
    const k = singleton ? null : creating ? String(body[d.key] ?? '').trim() : key;
    // A POST lets the API name what is missing; a PUT needs the key for
    // its URL.
    if (!singleton && creating && !k && d.create !== 'post') {
      showError(formEl, { field: d.key, message: `${cap(d.key)} is required.` });
      return;
    }
    const out = d.fromForm ? d.fromForm(body) : body;
    busy(formEl.querySelector('button[type=submit]'), async () => {
      clearErrors(formEl);
      try {
        if (singleton) await api.put(d.list, out);
        else if (creating && d.create === 'post') await api.post(d.list, out);
        else await api.put(d.item(k), out);
        toast(singleton ? `${d.title} saved` : creating ? `${cap(d.singular)} ${k} created` : `${cap(d.singular)} ${k} saved`);
        if (!singleton) ctx.go(`#/${d.id}`);
      } catch (err) {
        showError(formEl, err);
      }
    });
  });
  box.replaceChildren(formEl);
  const first = formEl.querySelector('input:not([disabled]), select, textarea');
  if (first) first.focus();
}

// control builds one field's input and answers its value for the body.
function control(f, value, creating, prefix) {
  const locked = f.key && !creating;
  switch (f.type) {
    case 'list': {
      const el = field({ ...f, type: 'textarea', rows: f.rows || 3, value: (value || []).join('\n'), help: f.help || 'One per line.' }, prefix);
      const ta = el.querySelector('textarea');
      return { el, get: () => ta.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean) };
    }
    case 'json': {
      const el = field({ ...f, type: 'textarea', rows: f.rows || 6, value: value === undefined ? '' : JSON.stringify(value, null, 2) }, prefix);
      const ta = el.querySelector('textarea');
      return {
        el,
        get: () => {
          if (!ta.value.trim()) return undefined;
          try { return JSON.parse(ta.value); } catch (err) { throw new Error(`${f.label}: not valid JSON (${err.message})`); }
        },
      };
    }
    case 'number': {
      const el = field({ ...f, value: value ?? '' }, prefix);
      const input = el.querySelector('input');
      return {
        el,
        get: () => {
          const s = input.value.trim();
          if (s === '') return f.omitEmpty ? undefined : 0;
          const n = Number(s);
          if (!Number.isFinite(n)) throw new Error(`${f.label}: not a number`);
          return n;
        },
      };
    }
    case 'checkbox': {
      const el = field({ ...f, value: !!value }, prefix);
      const input = el.querySelector('input');
      return { el, get: () => input.checked };
    }
    case 'tristate': { // a *bool: unset means the switch's default
      const el = field({ ...f, type: 'select', options: [['', `Default (${f.defaultText || 'yes'})`], ['true', 'Yes'], ['false', 'No']], value: value === undefined || value === null ? '' : String(value) }, prefix);
      const sel = el.querySelector('select');
      return { el, get: () => (sel.value === '' ? undefined : sel.value === 'true') };
    }
    case 'destination': return destination(f, value || {}, prefix);
    case 'rows': return rows(f, value || [], prefix);
    case 'weekdays': return weekdays(f, value || {}, prefix);
    default: {
      // A select without a value shows its first option.
      const el = field({ ...f, value: f.writeOnly ? '' : (value ?? (f.type === 'select' ? undefined : '')), attrs: { ...(f.attrs || {}), disabled: locked || null } }, prefix);
      const input = el.querySelector('input, select, textarea');
      return { el, get: () => (f.trim === false ? input.value : input.value.trim()) };
    }
  }
}

const DEST_KINDS = ['extension', 'group', 'queue', 'voicemail', 'ivr', 'conference', 'external', 'hangup'];

function destination(f, v, prefix) {
  const kinds = [['', f.required ? 'Choose…' : 'None'], ...DEST_KINDS.map((k) => [k, k])];
  const kind = h('select', { id: `${prefix}-${f.name}`, 'aria-label': `${f.label}: kind` }, kinds.map(([a, b]) => h('option', { value: a }, b)));
  kind.value = v.kind || '';
  const target = h('input', { 'aria-label': `${f.label}: target`, placeholder: 'Number or name', maxlength: 64, value: v.target || '' });
  const el = h('div.field', { dataset: { field: f.name } },
    h('label', { for: `${prefix}-${f.name}` }, f.label, f.required ? h('span.req', ' *') : null),
    h('div.inline', kind, target),
    f.help ? h('p.help', f.help) : null,
    h('p.field-error', { hidden: true }));
  return {
    el,
    get: () => (kind.value ? (kind.value === 'hangup' ? { kind: 'hangup' } : { kind: kind.value, target: target.value.trim() }) : undefined),
  };
}

// rows edits a list of small objects: f.sub are the columns.
function rows(f, list, prefix) {
  const body = h('div.rows');
  const add = (item = {}) => {
    const inputs = f.sub.map((s) => {
      const attrs = { 'aria-label': s.label, placeholder: s.label, name: s.name };
      if (s.type === 'number') return h('input', { ...attrs, type: 'number', value: item[s.name] ?? '' });
      if (s.type === 'select') {
        const sel = h('select', attrs, s.options.map(([a, b]) => h('option', { value: a }, b)));
        sel.value = item[s.name] ?? s.options[0][0];
        return sel;
      }
      if (s.type === 'list') return h('input', { ...attrs, value: (item[s.name] || []).join(', '), maxlength: 1000 });
      return h('input', { ...attrs, value: item[s.name] ?? '', maxlength: s.max || 256 });
    });
    const row = h('div.row', inputs, h('button.btn.small', { type: 'button', 'aria-label': `Remove this ${f.item || 'row'}`, onclick: () => row.remove() }, 'Remove'));
    body.append(row);
  };
  list.forEach(add);
  const el = h('div.field', { dataset: { field: f.name } },
    h('span.label', f.label, f.required ? h('span.req', ' *') : null),
    f.help ? h('p.help', f.help) : null,
    body,
    h('button.btn.small', { type: 'button', onclick: () => add() }, `Add ${f.item || 'a row'}`),
    h('p.field-error', { hidden: true }));
  return {
    el,
    get: () => [...body.querySelectorAll('.row')].map((row) => {
      const o = {};
      f.sub.forEach((s) => {
        const v = row.querySelector(`[name="${s.name}"]`).value.trim();
        if (s.type === 'number') { if (v !== '') o[s.name] = Number(v); } else if (s.type === 'list') o[s.name] = v.split(',').map((x) => x.trim()).filter(Boolean);
        else if (v !== '' || s.keepEmpty) o[s.name] = v;
      });
      return o;
    }).filter((o) => Object.keys(o).length),
  };
}

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];

function weekdays(f, v, prefix) {
  const inputs = DAYS.map(([k, l]) => {
    const input = h('input', { id: `${prefix}-${f.name}-${k}`, value: (v[k] || []).join(', '), placeholder: 'e.g. 09:00-12:00, 13:00-17:00', maxlength: 500 });
    return [k, h('div.day', h('label', { for: input.id }, l), input), input];
  });
  const el = h('div.field', { dataset: { field: f.name } },
    h('span.label', f.label), f.help ? h('p.help', f.help) : null,
    h('div.days', inputs.map(([, row]) => row)),
    h('p.field-error', { hidden: true }));
  return {
    el,
    get: () => {
      const o = {};
      for (const [k, , input] of inputs) {
        const list = input.value.split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length) o[k] = list;
      }
      return o;
    },
  };
}

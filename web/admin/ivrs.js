// IVRs (auto attendant menus, /api/v1/ivrs): the list, and the editor:
// prompts in play order, the key map (each key a destination picked from
// the switch's extensions, groups, queues, rooms and IVRs), timing, what
// happens after the last loop and while a time condition is closed.
// Errors appear at the field the API names (keys.1, prompts[0], ...).

import * as api from './api.js';
import { h, pageHeader, listView, field, clearErrors, confirm, toast, busy, loading, errorBox, badge } from './ui.js';
import { canWrite, isAdmin, loadLists, optionsOf, selectOf, destPicker, tenantPicker, showFieldError, inUse } from './pickers.js';

// The shipped prompts an IVR typically plays (prompts/en.txt): the
// suggestions when GET /api/v1/prompts cannot be read. Any name may be
// typed either way.
const PROMPTS = ['ivr/welcome', 'ivr/main_menu', 'ivr/enter_extension', 'ivr/invalid', 'ivr/timeout', 'ivr/transfer',
  'ivr/no_answer', 'ivr/closed', 'ivr/goodbye'];
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];

export async function render(ctx) {
  const [num] = ctx.params;
  if (num === 'new') return editor(ctx, null);
  if (num) return editor(ctx, num);
  return list(ctx);
}

async function list(ctx) {
  const write = canWrite('ivrs');
  const add = write ? h('a.btn.primary#ivrs-add', { href: '#/ivrs/new' }, 'Add IVR') : null;
  ctx.root.append(pageHeader('IVRs', 'Auto attendants: a number that plays a menu and sends each key somewhere.', add));
  const note = h('div');
  const box = h('div', loading());
  ctx.root.append(note, box);
  let rows;
  try {
    rows = (await api.get('/api/v1/ivrs')) || [];
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const lv = listView({
    label: 'IVRs',
    rows,
    search: (v) => `${v.number} ${v.name || ''} ${v.tenant || ''}`,
    rowId: (v) => v.number,
    empty: h('div.empty', h('p', 'No IVRs yet. Add one to greet callers with a menu: “for sales press 1…”.'),
      add ? h('a.btn.primary', { href: '#/ivrs/new' }, 'Add the first IVR') : null),
    columns: [
      { label: 'Number', value: (v) => h('a', { href: '#/ivrs/' + api.enc(v.number) }, v.number) },
      { label: 'Name', value: (v) => v.name },
      ...(isAdmin() ? [{ label: 'Tenant', value: (v) => (v.tenant ? badge(v.tenant) : null) }] : []),
      { label: 'Keys', cls: 'num', value: (v) => String(Object.keys(v.keys || {}).length) },
      { label: 'Direct dial', value: (v) => (v.direct_dial ? badge('on', 'ok') : null) },
      { label: 'When closed', value: (v) => (v.when_closed && v.when_closed.ivr ? `IVR ${v.when_closed.ivr} (${v.when_closed.time_condition})` : null) },
      { label: '', cls: 'right', value: (v) => h('span.row-actions',
        h('a.btn.small', { href: '#/ivrs/' + api.enc(v.number), 'aria-label': `${write ? 'Edit' : 'View'} IVR ${v.number}` }, write ? 'Edit' : 'View'),
        write ? h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete IVR ${v.number}`, onclick: () => remove(v) }, 'Delete') : null) },
    ],
  });
  box.replaceChildren(lv.el);

  async function remove(v) {
    if (!await confirm(`Delete IVR ${v.number}?`, 'Callers dialling it reach nothing any more. An IVR that another IVR runs when closed cannot be deleted until that one changes.')) return;
    note.replaceChildren();
    try {
      await api.del('/api/v1/ivrs/' + api.enc(v.number));
      rows = rows.filter((x) => x.number !== v.number);
      lv.set(rows);
      toast(`IVR ${v.number} deleted`);
    } catch (err) {
      if (err.status === 409) note.replaceChildren(inUse(err, `IVR ${v.number}`));
      else toast(err.message, 'error');
    }
  }
}

const SOURCES = { shipped: 'shipped', override: 'your recording', added: 'yours' };

// promptNames is the datalist every prompt field picks from (the browser
// filters it as one types): the API's prompts with their length,
// languages and origin, else the shipped IVR ones.
function promptNames(known) {
  const opts = known
    ? [...known.values()].map((p) => h('option', { value: p.name, label: promptLabel(p) }))
    : PROMPTS.map((p) => h('option', { value: p }));
  return h('datalist#ivr-prompt-names', opts);
}

const promptLabel = (p) => `${p.duration} s · ${(p.languages || []).join(', ')} · ${SOURCES[p.source] || p.source}${p.error ? ' · unreadable' : ''}`;

// promptInfo is the line under a prompt field saying what the typed name
// is: its length and origin, or that no such prompt is known (it plays
// only once its file exists). Nothing when the list could not be read.
function promptInfo(input, known) {
  const info = h('p.help.prompt-info', { 'aria-live': 'polite' });
  const show = () => {
    const name = input.value.trim().replace(/\.wav$/, '');
    const p = known && name ? known.get(name) : null;
    info.dataset.state = !known || !name ? '' : !p ? 'unknown' : p.error ? 'error' : 'ok';
    info.textContent = !known || !name ? '' : !p ? 'Not a known prompt: callers hear nothing until its file exists.'
      : p.error ? `${promptLabel(p)}: ${p.error}` : promptLabel(p);
    info.hidden = !info.textContent;
  };
  input.addEventListener('input', show);
  input.addEventListener('change', show);
  show();
  return info;
}

// promptList edits the prompts in play order: a row each, moved with the
// arrows; names picked from the switch's prompts (known: name -> prompt,
// null when unknown), any other name typed.
function promptList(values, disabled, known) {
  const ol = h('ol.prompts#ivr-prompts', { 'aria-label': 'Prompts in play order' });
  const row = (v) => {
    const input = h('input', { name: 'prompt', 'aria-label': 'Prompt name', list: 'ivr-prompt-names', placeholder: 'ivr/welcome', maxlength: 128, value: v, disabled, autocomplete: 'off' });
    const li = h('li.field.prompt', { dataset: { field: 'prompts' } },
      h('div.row',
        input,
        disabled ? null : [
          h('button.btn.small', { type: 'button', 'aria-label': 'Move up', onclick: () => { if (li.previousElementSibling) li.previousElementSibling.before(li); renumber(); } }, '↑'),
          h('button.btn.small', { type: 'button', 'aria-label': 'Move down', onclick: () => { if (li.nextElementSibling) li.nextElementSibling.after(li); renumber(); } }, '↓'),
          h('button.btn.small', { type: 'button', 'aria-label': 'Remove this prompt', onclick: () => { li.remove(); renumber(); } }, 'Remove')]),
      promptInfo(input, known),
      h('p.field-error', { hidden: true }));
    ol.append(li);
    renumber();
    return li;
  };
  // The API names a prompt by its place: prompts[1].
  const renumber = () => [...ol.children].forEach((li, i) => { li.dataset.field = `prompts[${i}]`; });
  values.forEach(row);
  const addBtn = disabled ? null : h('button.btn.small#ivr-add-prompt', { type: 'button', onclick: () => row('').querySelector('input').focus() }, 'Add a prompt');
  const el = h('div.field', { dataset: { field: 'prompts' } },
    h('span.label', 'Prompts'),
    h('p.help', known
      ? 'Played in this order while the caller chooses, e.g. ivr/welcome then ivr/main_menu. Type to search the switch’s prompts (shipped, and yours under the data directory’s prompts/); any other name works once its file is there.'
      : 'Played in this order while the caller chooses, e.g. ivr/welcome then ivr/main_menu. Names of the shipped prompts are suggested; a prompt you added under the prompts directory works by its name too.'),
    ol, addBtn, h('p.field-error', { hidden: true }),
    promptNames(known));
  return { el, get: () => [...ol.querySelectorAll('input[name=prompt]')].map((i) => i.value.trim()).filter(Boolean) };
}

// keyMap is the twelve keys, each unused or sent to a destination.
function keyMap(keys, lists, disabled) {
  const pickers = KEYS.map((k) => {
    const p = destPicker(`ivr-key-${keyId(k)}`, `Key ${k}`, keys[k], lists, 'Not used', disabled);
    const row = h('div.field.keyrow', { dataset: { field: `keys.${k}`, key: k } },
      h('label.key-label', { for: `ivr-key-${keyId(k)}` }, k),
      p.kind, p.slot,
      h('p.field-error', { hidden: true }));
    const dim = () => row.classList.toggle('unused', !p.kind.value);
    p.kind.addEventListener('change', dim);
    dim();
    return [k, p, row];
  });
  const el = h('div.field', { dataset: { field: 'keys' } },
    h('span.label', 'Keys'),
    h('p.help', 'What each key does. Voicemail sends the caller to leave a message in that box; a web app (URL) is asked what to do.'),
    h('div.keymap#ivr-keys', pickers.map(([, , row]) => row)),
    h('p.field-error', { hidden: true }));
  return {
    el,
    get: () => {
      const out = {};
      for (const [k, p] of pickers) {
        const d = p.get();
        if (d) out[k] = d;
      }
      return out;
    },
  };
}

const keyId = (k) => (k === '*' ? 'star' : k === '#' ? 'hash' : k);

async function editor(ctx, number) {
  const creating = number === null;
  const write = canWrite('ivrs');
  ctx.root.append(pageHeader(creating ? 'New IVR' : `IVR ${number}`, 'A menu callers hear: prompts, keys and what happens when they do nothing.',
    h('a.btn', { href: '#/ivrs' }, 'Back to the list')));
  const box = h('div', loading());
  ctx.root.append(box);
  let v = { prompts: [], keys: {} };
  let lists, known;
  try {
    [v, lists, known] = await Promise.all([
      creating ? Promise.resolve(v) : api.get('/api/v1/ivrs/' + api.enc(number)),
      loadLists(['extension', 'group', 'queue', 'ivr', 'conference', 'timecondition', ...(isAdmin() ? ['tenant'] : [])]),
      // The prompts to pick from; without them, names are typed freely.
      api.get('/api/v1/prompts').then((ps) => new Map((ps || []).map((p) => [p.name, p])), () => null),
    ]);
  } catch (err) {
    box.replaceChildren(err.status === 404 ? h('div.empty', h('p', `IVR ${number} does not exist.`), h('a.btn.primary', { href: '#/ivrs' }, 'Back to the IVRs')) : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const ro = !write || null;
  // An IVR does not send callers to itself by when_closed.
  if (lists.ivr) lists.ivr = lists.ivr.filter((x) => x.number !== number);
  const prompts = promptList(v.prompts || [], ro, known);
  // A single prompt field: the same list, and what the name is.
  const promptField = (f) => {
    const el = field(f, 'ivr');
    const input = el.querySelector('input');
    input.after(promptInfo(input, known));
    return el;
  };
  const keys = keyMap(v.keys || {}, lists, ro);
  const onTimeout = destPicker('ivr-on_timeout', 'After the last loop', v.on_timeout, lists, 'The operator (default)', ro);
  const wc = v.when_closed || {};
  const tcChoices = optionsOf('timecondition', lists.timecondition);
  const tc = tcChoices
    ? selectOf({ id: 'ivr-when_closed-tc', 'aria-label': 'Time condition', disabled: ro }, tcChoices, wc.time_condition || '', 'Always this menu')
    : h('input', { id: 'ivr-when_closed-tc', 'aria-label': 'Time condition', value: wc.time_condition || '', placeholder: 'office', disabled: ro });
  const closedIVR = selectOf({ id: 'ivr-when_closed-ivr', 'aria-label': 'IVR while closed', disabled: ro }, optionsOf('ivr', lists.ivr) || [], wc.ivr || '', 'Choose…');
  const num = (name, label, help, max, def) => field({ name, label, type: 'number', value: creating ? '' : (v[name] || ''), min: 1, maxValue: max, placeholder: String(def), help, attrs: { disabled: ro } }, 'ivr');
  const tenant = write ? tenantPicker('ivr', v.tenant || '', lists, 'Its destinations must be this tenant’s. A tenant admin’s IVRs are always its tenant’s.') : null;
  const form = h('form.form.card#ivr-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    h('fieldset', h('legend', 'Menu'),
      field({ name: 'number', label: 'Number', required: true, value: v.number || '', max: 10, help: '2–10 digits; callers dial it. Not an extension’s, group’s, queue’s or room’s number.', attrs: { inputmode: 'numeric', disabled: !creating || ro } }, 'ivr'),
      field({ name: 'name', label: 'Name', value: v.name || '', max: 64, attrs: { disabled: ro } }, 'ivr'),
      tenant || (v.tenant ? h('p.help', 'Tenant: ', badge(v.tenant)) : null)),
    h('fieldset', h('legend', 'What callers hear'),
      prompts.el,
      promptField({ name: 'invalid_prompt', label: 'On a wrong key', value: v.invalid_prompt || '', placeholder: 'ivr/invalid', max: 128, help: 'Empty: ivr/invalid.', attrs: { list: 'ivr-prompt-names', disabled: ro } }),
      promptField({ name: 'timeout_prompt', label: 'On silence', value: v.timeout_prompt || '', placeholder: 'ivr/timeout', max: 128, help: 'Empty: ivr/timeout.', attrs: { list: 'ivr-prompt-names', disabled: ro } })),
    h('fieldset', h('legend', 'Key map'),
      keys.el,
      field({ name: 'direct_dial', label: 'Direct dial: callers may dial any extension number', type: 'checkbox', value: v.direct_dial, attrs: { disabled: ro } }, 'ivr')),
    h('fieldset', h('legend', 'Timing'),
      h('div.inline',
        num('timeout', 'First key within (s)', '1–60, default 5.', 60, 5),
        num('inter_digit', 'Between digits (s)', '1–10, default 2.', 10, 2),
        num('loops', 'Loops', 'Menu repeats on a wrong key or silence: 1–10, default 3.', 10, 3)),
      h('div.field', { dataset: { field: 'on_timeout' } },
        h('label', { for: 'ivr-on_timeout' }, 'After the last loop'),
        h('div.inline', onTimeout.kind, onTimeout.slot),
        h('p.field-error', { hidden: true }))),
    h('fieldset', h('legend', 'When closed'),
      h('div.field', { dataset: { field: 'when_closed' } },
        h('p.help', 'While this time condition is closed, callers get another IVR instead (e.g. “our office is closed”).'),
        h('div.inline',
          h('div.field', { dataset: { field: 'when_closed.time_condition' } }, h('label', { for: 'ivr-when_closed-tc' }, 'Time condition'), tc, h('p.field-error', { hidden: true })),
          h('div.field', { dataset: { field: 'when_closed.ivr' } }, h('label', { for: 'ivr-when_closed-ivr' }, 'IVR while closed'), closedIVR, h('p.field-error', { hidden: true }))),
        h('p.field-error', { hidden: true }))),
    write ? h('div.actions', h('a.btn', { href: '#/ivrs' }, 'Cancel'), h('button.btn.primary#ivr-save', { type: 'submit' }, creating ? 'Create IVR' : 'Save')) : null);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const n = (name) => Number(el[name].value) || 0;
    const body = {
      number: creating ? el.number.value.trim() : number,
      name: el.name.value.trim(),
      prompts: prompts.get(),
      keys: keys.get(),
      direct_dial: el.direct_dial.checked,
      timeout: n('timeout'), inter_digit: n('inter_digit'), loops: n('loops'),
      invalid_prompt: el.invalid_prompt.value.trim(),
      timeout_prompt: el.timeout_prompt.value.trim(),
    };
    if (el.tenant) body.tenant = el.tenant.value;
    else if (v.tenant) body.tenant = v.tenant;
    const ot = onTimeout.get();
    if (ot) body.on_timeout = ot;
    if (tc.value || closedIVR.value) body.when_closed = { time_condition: tc.value.trim(), ivr: closedIVR.value };
    busy(form.querySelector('#ivr-save'), async () => {
      clearErrors(form);
      try {
        if (creating) await api.post('/api/v1/ivrs', body);
        else await api.put('/api/v1/ivrs/' + api.enc(number), body);
        toast(`IVR ${body.number} ${creating ? 'created' : 'saved'}`);
        ctx.go('#/ivrs');
      } catch (err) {
        showFieldError(form, err);
      }
    });
  });
  box.replaceChildren(form);
  const first = form.querySelector('input:not([disabled])');
  if (first) first.focus();
}

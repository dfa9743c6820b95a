// Conference rooms (/api/v1/rooms): the list, with the rooms in use now
// marked live, and the editor (PINs, leader, announcements, recording,
// size) showing who is in the room when it is in use (/api/v1/conferences,
// whose room name is the room's number).

import * as api from './api.js';
import { h, pageHeader, listView, field, clearErrors, confirm, toast, busy, loading, errorBox, badge, table, fmtTime } from './ui.js';
import { canWrite, isAdmin, loadLists, tenantPicker, showFieldError, inUse } from './pickers.js';

export async function render(ctx) {
  const [num] = ctx.params;
  if (num === 'new') return editor(ctx, null);
  if (num) return editor(ctx, num);
  return list(ctx);
}

// live answers the conferences in use by room name; empty when the
// switch cannot say (not running, or this role may not ask).
async function live() {
  try {
    const list = (await api.get('/api/v1/conferences')) || [];
    return new Map(list.map((c) => [c.name, c]));
  } catch {
    return new Map();
  }
}

const liveBadge = (c) => badge(`live · ${(c.members || []).length} in`, 'ok');

async function list(ctx) {
  const write = canWrite('rooms');
  const add = write ? h('a.btn.primary#rooms-add', { href: '#/rooms/new' }, 'Add room') : null;
  ctx.root.append(pageHeader('Conference rooms', 'Numbers callers dial to meet: PINs, a leader, recording.', add));
  const note = h('div');
  const box = h('div', loading());
  ctx.root.append(note, box);
  let rows;
  let now;
  try {
    [rows, now] = await Promise.all([api.get('/api/v1/rooms'), live()]);
    rows = rows || [];
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const lv = listView({
    label: 'rooms',
    rows,
    search: (r) => `${r.number} ${r.name || ''} ${r.tenant || ''}`,
    rowId: (r) => r.number,
    empty: h('div.empty', h('p', 'No conference rooms yet. Add one so callers can meet by dialling its number.'),
      add ? h('a.btn.primary', { href: '#/rooms/new' }, 'Add the first room') : null),
    columns: [
      { label: 'Number', value: (r) => h('a', { href: '#/rooms/' + api.enc(r.number) }, r.number) },
      { label: 'Name', value: (r) => r.name },
      ...(isAdmin() ? [{ label: 'Tenant', value: (r) => (r.tenant ? badge(r.tenant) : null) }] : []),
      { label: 'PIN', value: (r) => (r.pin ? badge('PIN') : h('span.muted', 'open')) },
      { label: 'Leader', value: (r) => (r.admin_pin ? (r.wait_leader ? 'waits for leader' : 'admin PIN') : null) },
      { label: 'Max', cls: 'num', value: (r) => (r.max_members ? String(r.max_members) : null) },
      { label: 'Now', value: (r) => (now.has(r.number) ? h('a.live-link', { href: `#/rooms/${api.enc(r.number)}`, dataset: { live: r.number } }, liveBadge(now.get(r.number))) : null) },
      { label: '', cls: 'right', value: (r) => h('span.row-actions',
        h('a.btn.small', { href: '#/rooms/' + api.enc(r.number), 'aria-label': `${write ? 'Edit' : 'View'} room ${r.number}` }, write ? 'Edit' : 'View'),
        write ? h('button.btn.small.danger', { type: 'button', 'aria-label': `Delete room ${r.number}`, onclick: () => remove(r) }, 'Delete') : null) },
    ],
  });
  box.replaceChildren(lv.el);

  async function remove(r) {
    if (!await confirm(`Delete room ${r.number}?`, 'Callers dialling it reach nothing any more; members in it now stay until they leave. A room an IVR sends callers to cannot be deleted until that IVR changes.')) return;
    note.replaceChildren();
    try {
      await api.del('/api/v1/rooms/' + api.enc(r.number));
      rows = rows.filter((x) => x.number !== r.number);
      lv.set(rows);
      toast(`Room ${r.number} deleted`);
    } catch (err) {
      if (err.status === 409) note.replaceChildren(inUse(err, `Room ${r.number}`));
      else toast(err.message, 'error');
    }
  }
}

// liveCard is who is in the room now.
function liveCard(c) {
  return h('section.card#room-live', { 'aria-label': 'In use now' },
    h('h2', 'In use now ', liveBadge(c), c.locked ? badge('locked', 'warn') : null, c.recording ? badge('recording', 'warn') : null),
    table([
      { label: 'Number', value: (m) => m.number },
      { label: 'Name', value: (m) => m.name },
      { label: 'Role', value: (m) => (m.admin ? badge('leader') : 'member') },
      { label: 'Muted', value: (m) => (m.muted ? badge('muted', 'warn') : null) },
      { label: 'Joined', value: (m) => fmtTime(m.joined) },
    ], c.members || [], (m) => m.call_id));
}

async function editor(ctx, number) {
  const creating = number === null;
  const write = canWrite('rooms');
  ctx.root.append(pageHeader(creating ? 'New conference room' : `Room ${number}`, 'Who may join, who leads, and what the room does.',
    h('a.btn', { href: '#/rooms' }, 'Back to the list')));
  const box = h('div', loading());
  ctx.root.append(box);
  let r = {};
  let lists;
  let now;
  try {
    [r, lists, now] = await Promise.all([
      creating ? Promise.resolve({}) : api.get('/api/v1/rooms/' + api.enc(number)),
      loadLists(isAdmin() ? ['tenant'] : []),
      creating ? Promise.resolve(new Map()) : live(),
    ]);
  } catch (err) {
    box.replaceChildren(err.status === 404 ? h('div.empty', h('p', `Room ${number} does not exist.`), h('a.btn.primary', { href: '#/rooms' }, 'Back to the rooms')) : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const ro = !write || null;
  const pin = (name, label, help) => field({ name, label, value: r[name] || '', max: 10, help, attrs: { inputmode: 'numeric', autocomplete: 'off', disabled: ro } }, 'room');
  const check = (name, label) => field({ name, label, type: 'checkbox', value: r[name], attrs: { disabled: ro } }, 'room');
  const tenant = write ? tenantPicker('room', r.tenant || '', lists, 'A tenant admin’s rooms are always its tenant’s.') : null;
  const form = h('form.form.card#room-form', { novalidate: true },
    h('p.form-error', { role: 'alert', hidden: true }),
    field({ name: 'number', label: 'Number', required: true, value: r.number || '', max: 10, help: '2–10 digits; callers dial it.', attrs: { inputmode: 'numeric', disabled: !creating || ro } }, 'room'),
    field({ name: 'name', label: 'Name', value: r.name || '', max: 64, attrs: { disabled: ro } }, 'room'),
    tenant || (r.tenant ? h('p.help', 'Tenant: ', badge(r.tenant)) : null),
    h('fieldset', h('legend', 'Joining'),
      h('div.inline',
        pin('pin', 'PIN', 'Asked to join, 1–10 digits. Empty: anybody joins.'),
        pin('admin_pin', 'Leader PIN', 'Joins as the leader (lock, kick, mute all). Not the same as the PIN.')),
      check('wait_leader', 'Members hear music until a leader is in (needs a leader PIN)'),
      check('announce', 'Announce names: members record their name, said on join and leave'),
      field({ name: 'max_members', label: 'Most members', type: 'number', value: r.max_members || '', min: 0, maxValue: 1000, help: 'Empty or 0: no limit.', attrs: { disabled: ro } }, 'room')),
    check('record', 'Record the room'),
    write ? h('div.actions', h('a.btn', { href: '#/rooms' }, 'Cancel'), h('button.btn.primary#room-save', { type: 'submit' }, creating ? 'Create room' : 'Save')) : null);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const body = {
      number: creating ? el.number.value.trim() : number,
      name: el.name.value.trim(),
      pin: el.pin.value.trim(),
      admin_pin: el.admin_pin.value.trim(),
      wait_leader: el.wait_leader.checked,
      announce: el.announce.checked,
      record: el.record.checked,
      max_members: Number(el.max_members.value) || 0,
    };
    if (el.tenant) body.tenant = el.tenant.value;
    else if (r.tenant) body.tenant = r.tenant;
    busy(form.querySelector('#room-save'), async () => {
      clearErrors(form);
      try {
        if (creating) await api.post('/api/v1/rooms', body);
        else await api.put('/api/v1/rooms/' + api.enc(number), body);
        toast(`Room ${body.number} ${creating ? 'created' : 'saved'}`);
        ctx.go('#/rooms');
      } catch (err) {
        showFieldError(form, err);
      }
    });
  });
  box.replaceChildren(...[!creating && now.has(number) ? liveCard(now.get(number)) : null, form].filter(Boolean));
  const first = form.querySelector('input:not([disabled])');
  if (first) first.focus();
}

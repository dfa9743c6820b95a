// Portal: the user's personal phone book (name and number): list and
// search, add, edit, delete after a confirmation.

import * as api from './api.js';
import { h, pageHeader, listView, field, showError, clearErrors, toast, busy, confirm, loading, errorBox } from './ui.js';

const BASE = '/api/v1/me/contacts';

export async function render(ctx) {
  const add = h('button.btn.primary#contact-add', { type: 'button', onclick: () => edit(null) }, 'Add contact');
  ctx.root.append(pageHeader('Contacts', 'Your personal phone book.', add));
  const formBox = h('div');
  const box = h('div', loading());
  ctx.root.append(formBox, box);
  let rows;
  try {
    rows = await api.get(BASE);
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const lv = listView({
    label: 'contacts',
    rows,
    search: (c) => `${c.name} ${c.number}`,
    rowId: (c) => c.id,
    empty: 'No contacts yet.',
    columns: [
      { label: 'Name', value: (c) => c.name },
      { label: 'Number', value: (c) => c.number },
      { label: '', cls: 'right', value: (c) => h('span.row-actions',
        h('button.btn.small.contact-edit', { type: 'button', 'aria-label': `Edit ${c.name}`, onclick: () => edit(c) }, 'Edit'),
        h('button.btn.small.danger.contact-delete', { type: 'button', 'aria-label': `Delete ${c.name}`, onclick: () => remove(c) }, 'Delete')) },
    ],
  });
  box.replaceChildren(lv.el);
  const sorted = () => rows.slice().sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));

  // edit shows the form for a new contact (c null) or for c.
  function edit(c) {
    const form = h('form.form.card#contact-form', { novalidate: true },
      h('h2', c ? `Edit ${c.name}` : 'New contact'),
      h('p.form-error', { role: 'alert', hidden: true }),
      field({ name: 'name', label: 'Name', required: true, max: 64, value: c ? c.name : '' }, 'contact'),
      field({ name: 'number', label: 'Number', required: true, max: 33, value: c ? c.number : '', placeholder: '+4930123456 or 1002', attrs: { inputmode: 'tel' } }, 'contact'),
      h('div.actions',
        h('button.btn', { type: 'button', onclick: () => formBox.replaceChildren() }, 'Cancel'),
        h('button.btn.primary#contact-save', { type: 'submit' }, c ? 'Save' : 'Add')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = { name: form.elements.name.value.trim(), number: form.elements.number.value.trim() };
      busy(form.querySelector('#contact-save'), async () => {
        clearErrors(form);
        try {
          if (c) {
            const out = await api.put(`${BASE}/${api.enc(c.id)}`, body);
            rows = rows.map((x) => (x.id === c.id ? out : x));
          } else {
            rows.push(await api.post(BASE, body));
          }
          rows = sorted();
          lv.set(rows);
          formBox.replaceChildren();
          toast(c ? 'Contact saved' : 'Contact added');
        } catch (err) {
          showError(form, err);
        }
      });
    });
    formBox.replaceChildren(form);
    form.elements.name.focus();
  }

  async function remove(c) {
    if (!await confirm(`Delete ${c.name}?`, `${c.name} (${c.number}) is removed from your contacts.`)) return;
    try {
      await api.del(`${BASE}/${api.enc(c.id)}`);
      rows = rows.filter((x) => x.id !== c.id);
      lv.set(rows);
      toast('Contact deleted');
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}

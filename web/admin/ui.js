// Shared widgets: an element builder, toasts, the confirmation dialog, a
// searchable paginated list, form fields with inline errors, and
// formatting. Everything builds DOM nodes (never HTML strings), so text
// from the switch is never markup.

// h builds an element: h('button.btn.primary#save', {type: 'submit', onclick}, 'Save').
export function h(spec, attrs, ...children) {
  const [, tag = 'div', rest = ''] = /^([a-z0-9]*)(.*)$/i.exec(spec);
  const el = document.createElement(tag || 'div');
  for (const m of rest.matchAll(/([.#])([^.#]+)/g)) {
    if (m[1] === '.') el.classList.add(m[2]);
    else el.id = m[2];
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

// toast shows a short message; kind is ok (default) or error.
export function toast(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const t = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : null }, text);
  box.append(t);
  setTimeout(() => t.classList.add('leaving'), 3500);
  setTimeout(() => t.remove(), 4000);
}

// confirm asks before a destructive action; resolves true to go ahead.
export function confirm(title, text, okLabel = 'Delete') {
  const dlg = document.getElementById('confirm');
  dlg.querySelector('#confirm-title').textContent = title;
  dlg.querySelector('#confirm-text').textContent = text;
  dlg.querySelector('#confirm-ok').textContent = okLabel;
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.showModal();
    dlg.querySelector('#confirm-cancel').focus();
  });
}

// pageHeader is a page's title row with its actions.
export function pageHeader(title, subtitle, ...actions) {
  return h('div.page-head', h('div', h('h1', title), subtitle ? h('p.muted', subtitle) : null), h('div.actions', actions));
}

export function emptyState(text, action) {
  return h('div.empty', h('p', text), action || null);
}

export function errorBox(err) {
  return h('div.error-box', { role: 'alert' }, err && err.message ? err.message : String(err));
}

export function loading() { return h('div.loading', { 'aria-busy': 'true' }, 'Loading…'); }

// listView is a table with a search box and pages, all in the browser.
// opts: columns [{label, value(row) -> node|text, cls}], rows, search(row)
// -> text, pageSize, empty (node or text when there are no rows at all),
// rowId(row), label (for the search box).
export function listView(opts) {
  const pageSize = opts.pageSize || 25;
  let rows = opts.rows || [];
  let page = 0;
  const input = h('input.search', { type: 'search', placeholder: 'Search…', 'aria-label': 'Search ' + (opts.label || ''), maxlength: 100 });
  const body = h('div.list-body');
  const pager = h('div.pager');
  const wrap = h('div.list', opts.search ? h('div.toolbar', input) : null, body, pager);

  function filtered() {
    const q = input.value.trim().toLowerCase();
    if (!q || !opts.search) return rows;
    return rows.filter((r) => opts.search(r).toLowerCase().includes(q));
  }
  function render() {
    const list = filtered();
    const pages = Math.max(1, Math.ceil(list.length / pageSize));
    page = Math.min(page, pages - 1);
    body.replaceChildren();
    pager.replaceChildren();
    // No search box over an empty list.
    if (input.parentElement) input.parentElement.hidden = rows.length === 0;
    if (rows.length === 0) {
      body.append(typeof opts.empty === 'string' || !opts.empty ? emptyState(opts.empty || 'Nothing here yet.') : opts.empty);
      return;
    }
    if (list.length === 0) {
      body.append(emptyState(`Nothing matches “${input.value.trim()}”.`));
      return;
    }
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    body.append(table(opts.columns, slice, opts.rowId));
    if (pages > 1 || list.length > 10) {
      const prev = h('button.btn.small', { type: 'button', disabled: page === 0, onclick: () => { page--; render(); } }, '‹ Previous');
      const next = h('button.btn.small', { type: 'button', disabled: page >= pages - 1, onclick: () => { page++; render(); } }, 'Next ›');
      pager.append(h('span.muted', `${page * pageSize + 1}–${page * pageSize + slice.length} of ${list.length}`), prev, next);
    }
  }
  input.addEventListener('input', () => { page = 0; render(); });
  render();
  return {
    el: wrap,
    set(newRows) { rows = newRows || []; render(); },
    search: input,
  };
}

// table renders rows under columns; rowId names a row for tests and links.
export function table(columns, rows, rowId) {
  return h('div.table-wrap', h('table',
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.cls || null }, c.label)))),
    h('tbody', rows.map((r) => h('tr', { dataset: rowId ? { id: rowId(r) } : {} },
      columns.map((c) => h('td', { class: c.cls || null, 'data-label': c.label }, cell(c.value(r)))))))));
}

function cell(v) {
  if (v === undefined || v === null || v === '') return h('span.muted', '—');
  return v instanceof Node ? v : String(v);
}

// field is one labelled form control with a slot for its error. f: name,
// label, type (text, password, number, email, select, checkbox,
// textarea), required, options [[value, label]], help, placeholder,
// value, attrs.
export function field(f, prefix = 'f') {
  const id = `${prefix}-${f.name}`;
  const errId = id + '-error';
  const common = { id, name: f.name, 'aria-describedby': errId + (f.help ? ` ${id}-help` : ''), required: f.required || null, ...(f.attrs || {}) };
  let control;
  switch (f.type) {
    case 'select':
      control = h('select', common, (f.options || []).map(([v, l]) => h('option', { value: v }, l)));
      control.value = f.value ?? (f.options && f.options[0] ? f.options[0][0] : '');
      break;
    case 'checkbox':
      control = h('input', { ...common, type: 'checkbox', checked: !!f.value });
      break;
    case 'textarea':
      control = h('textarea', { ...common, rows: f.rows || 4, placeholder: f.placeholder || null, maxlength: f.max || 65536 });
      control.value = f.value ?? '';
      break;
    default:
      control = h('input', { ...common, type: f.type || 'text', placeholder: f.placeholder || null, maxlength: f.type === 'number' ? null : (f.max || 256), min: f.min ?? null, max: f.type === 'number' ? (f.maxValue ?? null) : null, autocomplete: f.autocomplete || 'off' });
      control.value = f.value ?? '';
  }
  const label = h('label', { for: id }, f.label, f.required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null);
  return h('div.field' + (f.type === 'checkbox' ? '.check' : ''), { dataset: { field: f.name } },
    f.type === 'checkbox' ? [control, label] : [label, control],
    f.help ? h('p.help', { id: `${id}-help` }, f.help) : null,
    h('p.field-error', { id: errId, hidden: true }));
}

// clearErrors and showError put the API's error next to the field it
// names, or at the top of the form when it names none it shows.
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const top = form.querySelector('.form-error');
  if (top) { top.hidden = true; top.textContent = ''; }
}

export function showError(form, err) {
  clearErrors(form);
  const name = err && err.field;
  const box = name ? form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) : null;
  if (box) {
    const msg = box.querySelector('.field-error');
    msg.textContent = err.message;
    msg.hidden = false;
    const control = box.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
    return;
  }
  let top = form.querySelector('.form-error');
  if (!top) {
    top = h('p.form-error', { role: 'alert' });
    form.prepend(top);
  }
  top.textContent = err && err.message ? err.message : String(err);
  top.hidden = false;
}

// busy disables a button while fn runs.
export async function busy(btn, fn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally { btn.disabled = false; btn.removeAttribute('aria-busy'); }
}

// Formatting.
export function fmtTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2000) return '';
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function fmtDuration(sec) {
  sec = Math.max(0, Math.round(Number(sec) || 0));
  const hh = Math.floor(sec / 3600), mm = Math.floor(sec / 60) % 60, ss = sec % 60;
  const p = (n) => String(n).padStart(2, '0');
  return hh ? `${hh}:${p(mm)}:${p(ss)}` : `${mm}:${p(ss)}`;
}

export function fmtBytes(n) {
  n = Number(n) || 0;
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i && n < 10 ? 1 : 0)} ${u[i]}`;
}

export function badge(text, kind = '') {
  return h('span.badge' + (kind ? '.' + kind : ''), text);
}

// notAvailable is the state of a page whose API this switch does not
// have yet (404/501).
export function notAvailable(what) {
  return emptyState(`${what} is not available on this switch yet.`);
}

export function isMissing(err) { return err && (err.status === 404 || err.status === 405 || err.status === 501); }

// Plugins: the Wasm plugins the switch loads, and an upload (the switch
// validates and reloads; nothing changes when it refuses).

import * as api from './api.js';
import { h, pageHeader, listView, errorBox, loading, toast, busy, fmtBytes, fmtTime, showError, clearErrors, confirm, table } from './ui.js';

// The switch's own bound (web.maxPluginUpload).
const MAX_PLUGIN = 64 << 20;

export async function render(ctx) {
  const file = h('input#plugin-file', { type: 'file', name: 'plugin', accept: '.wasm,application/wasm', 'aria-describedby': 'f-plugin-error' });
  const upload = h('button.btn.primary', { type: 'submit' }, 'Upload and reload');
  const form = h('form.form.card.inline-form', { novalidate: true },
    h('div.field', { dataset: { field: 'plugin' } }, h('label', { for: 'plugin-file' }, 'Add or replace a plugin (.wasm)'), file, h('p.field-error#f-plugin-error', { hidden: true })),
    upload);
  const box = h('div', loading());
  ctx.root.append(pageHeader('Plugins', 'WebAssembly plugins: billing, dial plans and more.'), form, box);

  async function load() {
    try {
      const list = await api.get('/api/v1/plugins');
      if (!ctx.alive()) return;
      box.replaceChildren(listView({
        label: 'plugins',
        rows: list || [],
        search: (p) => p.name,
        rowId: (p) => p.name,
        empty: 'No plugins loaded. Upload a .wasm built with the hookswitch SDK.',
        columns: [
          { label: 'Plugin', value: (p) => p.name },
          { label: 'Size', cls: 'num', value: (p) => fmtBytes(p.size) },
          { label: 'SHA-256', value: (p) => h('code', (p.sha256 || '').slice(0, 16)) },
          { label: '', cls: 'right nowrap', value: (p) => h('span',
            h('button.btn.small.plugin-history', { type: 'button', 'aria-label': `Versions of ${p.name}`, onclick: () => showHistory(p.name) }, 'Versions'),
            h('button.btn.small.danger.plugin-delete', { type: 'button', 'aria-label': `Delete ${p.name}`, onclick: (ev) => remove(p.name, ev.currentTarget) }, 'Delete')) },
        ],
      }).el);
    } catch (err) {
      box.replaceChildren(errorBox(err));
    }
  }
  // showHistory lists a plugin's earlier versions, with a rollback to
  // the newest (after a delete too: the deleted file is the newest).
  const history = h('section.card#plugin-versions', { hidden: true });
  ctx.root.append(history);
  async function showHistory(name) {
    const title = h('h2', `Earlier versions of ${name}`);
    history.hidden = false;
    history.replaceChildren(title, loading());
    let vs;
    try {
      vs = await api.get('/api/v1/plugins/' + api.enc(name) + '/history');
    } catch (err) {
      history.replaceChildren(title, errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    const back = h('button.btn.primary#plugin-rollback', { type: 'button', disabled: !vs.length }, 'Roll back to the newest');
    back.addEventListener('click', async () => {
      if (!await confirm(`Roll back ${name}?`, `The version replaced ${fmtTime(vs[0].saved)} is checked, loaded and put back.`, 'Roll back')) return;
      busy(back, async () => {
        try {
          const r = await api.post('/api/v1/plugins/' + api.enc(name) + '/rollback');
          toast(`${name} rolled back: generation ${r.generation}`);
          load();
          showHistory(name);
        } catch (err) {
          toast(err.message, 'error');
        }
      });
    });
    history.replaceChildren(title,
      vs.length ? table([
        { label: 'Replaced', cls: 'nowrap', value: (v) => fmtTime(v.saved) },
        { label: 'Size', cls: 'num', value: (v) => fmtBytes(v.size) },
        { label: 'SHA-256', value: (v) => h('code', (v.sha256 || '').slice(0, 16)) },
      ], vs, (v) => v.version) : h('p.muted', 'No earlier version kept.'),
      h('div.actions', back, h('button.btn', { type: 'button', onclick: () => { history.hidden = true; } }, 'Close')));
  }

  async function remove(name, btn) {
    if (!await confirm(`Delete ${name}?`, 'The switch reloads without it. It stays among the versions, so a rollback brings it back.')) return;
    busy(btn, async () => {
      try {
        const r = await api.del('/api/v1/plugins/' + api.enc(name));
        toast(`${name} deleted: generation ${r.generation}`);
        load();
        showHistory(name);
      } catch (err) {
        toast(err.message, 'error');
      }
    });
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    clearErrors(form);
    if (!f) return showError(form, { field: 'plugin', message: 'Choose a .wasm file first.' });
    if (f.size > MAX_PLUGIN) return showError(form, { field: 'plugin', message: `The file is larger than ${fmtBytes(MAX_PLUGIN)}.` });
    busy(upload, async () => {
      try {
        const r = await api.request('POST', '/api/v1/plugins' + api.query({ name: f.name }), { body: f, type: 'application/wasm' });
        toast(`${r.plugin} loaded: generation ${r.generation}`);
        file.value = '';
        load();
      } catch (err) {
        showError(form, { field: 'plugin', message: err.message });
      }
    });
  });
  load();
}

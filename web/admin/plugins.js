// Plugins: the Wasm plugins the switch loads, and an upload (the switch
// validates and reloads; nothing changes when it refuses).

import * as api from './api.js';
import { h, pageHeader, listView, errorBox, loading, toast, busy, fmtBytes, showError, clearErrors } from './ui.js';

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
        ],
      }).el);
    } catch (err) {
      box.replaceChildren(errorBox(err));
    }
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

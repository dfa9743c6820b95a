// Scripts: the list, and an editor per script. Check & save PUTs the
// text: the switch checks it first and answers 422 with the error and its
// line (nothing changed), or saves it, keeps the previous version and
// reloads. Rollback brings the previous version back.

import * as api from './api.js';
import { h, pageHeader, listView, table, errorBox, loading, toast, confirm, busy, fmtTime, fmtBytes, notAvailable, isMissing } from './ui.js';

// Bounds a script the editor sends (the switch has its own limit).
const MAX_SCRIPT = 1 << 20;
const INDENT = '  ';

export async function render(ctx) {
  const name = ctx.params[0];
  return name ? editor(ctx, name) : list(ctx);
}

async function list(ctx) {
  const reload = h('button.btn#scripts-reload', { type: 'button' }, 'Reload all');
  ctx.root.append(pageHeader('Scripts', 'The Lua scripts that decide what calls do. Saving one checks it first.', reload));
  reload.addEventListener('click', () => busy(reload, async () => {
    try {
      const r = await api.post('/api/v1/scripts/reload');
      toast(`Scripts reloaded: generation ${r.generation}`);
    } catch (err) {
      toast(err.message, 'error');
    }
  }));
  const box = h('div', loading());
  ctx.root.append(box);
  let data;
  try {
    data = await api.get('/api/v1/scripts');
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  // {generation, scripts: [...], read_only}; a switch without the editor
  // answers the generation alone.
  const list = Array.isArray(data) ? data : data && data.scripts;
  if (!Array.isArray(list)) {
    box.replaceChildren(h('div.card', h('p', `Running scripts generation ${data && data.generation !== undefined ? data.generation : '?'}.`), notAvailable('Editing scripts in the browser')));
    return;
  }
  const note = data.read_only ? h('p.note', 'The switch runs its built-in scripts read-only (--scripts embedded): they can be read here, not changed.') : null;
  const lv = listView({
    label: 'scripts',
    rows: list,
    search: (s) => s.name,
    rowId: (s) => s.name,
    empty: 'No scripts. The switch runs its built-in set.',
    columns: [
      { label: 'Script', value: (s) => h('a', { href: '#/scripts/' + api.enc(s.name) }, s.name) },
      { label: 'Size', cls: 'num', value: (s) => fmtBytes(s.size) },
      { label: 'Modified', value: (s) => fmtTime(s.modified) },
      { label: '', cls: 'right', value: (s) => h('a.btn.small', { href: '#/scripts/' + api.enc(s.name) }, data.read_only ? 'View' : 'Edit') },
    ],
  });
  box.replaceChildren(h('p.muted', `Running generation ${data.generation ?? '?'}.`), note || '', lv.el);
  return;
}

async function editor(ctx, name) {
  const path = '/api/v1/scripts/' + api.enc(name);
  const save = h('button.btn.primary#script-save', { type: 'button' }, 'Check & save');
  const rollback = h('button.btn.danger#script-rollback', { type: 'button' }, 'Roll back');
  ctx.root.append(pageHeader(name, 'Tab indents; press Esc, then Tab, to leave the editor.', h('a.btn', { href: '#/scripts' }, 'All scripts'), rollback, save));
  const box = h('div', loading());
  ctx.root.append(box);
  let text;
  try {
    const r = await api.get(path);
    text = typeof r === 'string' ? r : (r && (r.content ?? r.text ?? r.body)) || '';
  } catch (err) {
    box.replaceChildren(isMissing(err) && err.status !== 404 ? notAvailable('Editing scripts in the browser') : errorBox(err));
    return;
  }
  if (!ctx.alive()) return;

  const gutter = h('div.gutter', { 'aria-hidden': 'true' });
  const area = h('textarea.code#script-text', { spellcheck: 'false', wrap: 'off', 'aria-label': `Script ${name}`, 'aria-describedby': 'script-error' });
  area.value = text;
  const status = h('p.form-error#script-error', { role: 'alert', hidden: true });
  const hist = h('div#script-history');
  box.replaceChildren(status, h('div.editor', gutter, area), h('section.card', h('h2', 'History'), hist));

  let badLine = 0;
  const lines = () => {
    const n = area.value.split('\n').length;
    if (gutter.childElementCount !== n) {
      gutter.replaceChildren(...Array.from({ length: n }, (_, i) => h('div', String(i + 1))));
    }
    gutter.querySelectorAll('.bad').forEach((e) => e.classList.remove('bad'));
    if (badLine && gutter.children[badLine - 1]) gutter.children[badLine - 1].classList.add('bad');
  };
  area.addEventListener('input', () => { lines(); });
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  let escaped = false;
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { escaped = true; return; }
    if (ev.key !== 'Tab' || escaped || ev.ctrlKey || ev.altKey || ev.metaKey) { escaped = false; return; }
    ev.preventDefault();
    const { selectionStart: s, selectionEnd: e, value: v } = area;
    if (ev.shiftKey) { // outdent the current line
      const ls = v.lastIndexOf('\n', s - 1) + 1;
      if (v.startsWith(INDENT, ls)) {
        area.setRangeText('', ls, ls + INDENT.length, 'preserve');
      }
    } else {
      area.setRangeText(INDENT, s, e, 'end');
    }
    area.dispatchEvent(new Event('input'));
  });
  lines();

  function showErr(err) {
    badLine = err.line || 0;
    status.textContent = err.message + (badLine ? ` (line ${badLine})` : '');
    status.hidden = false;
    lines();
    if (badLine) {
      const v = area.value;
      let start = 0;
      for (let i = 1; i < badLine && start >= 0; i++) start = v.indexOf('\n', start) + 1;
      const end = v.indexOf('\n', start);
      area.focus();
      area.setSelectionRange(start, end < 0 ? v.length : end);
      const lh = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (badLine - 3) * lh);
    }
  }

  save.addEventListener('click', () => busy(save, async () => {
    status.hidden = true;
    badLine = 0;
    lines();
    if (area.value.length > MAX_SCRIPT) {
      showErr({ message: `The script is longer than ${MAX_SCRIPT} characters.`, line: 0 });
      return;
    }
    try {
      const r = await api.request('PUT', path, { body: area.value, type: 'text/plain; charset=utf-8' });
      // The generation tells the reload really happened.
      toast(`${name} checked, saved and reloaded` + (r && r.generation !== undefined ? `: generation ${r.generation}` : ''));
      loadHistory();
    } catch (err) {
      if (err.status === 422 || err.status === 400) showErr(err);
      else toast(err.message, 'error');
    }
  }));
  rollback.addEventListener('click', async () => {
    if (!await confirm(`Roll back ${name}?`, 'The previous version replaces the current one and the scripts reload. Unsaved changes here are lost.', 'Roll back')) return;
    busy(rollback, async () => {
      try {
        await api.post(path + '/rollback');
        const r = await api.get(path);
        area.value = typeof r === 'string' ? r : (r && (r.content ?? r.text ?? r.body)) || '';
        badLine = 0;
        status.hidden = true;
        lines();
        toast(`${name} rolled back`);
        loadHistory();
      } catch (err) {
        toast(err.status === 404 || err.status === 409 ? `No previous version of ${name} to roll back to.` : err.message, 'error');
      }
    });
  });

  async function loadHistory() {
    let vs;
    try {
      vs = await api.get(path + '/history');
    } catch (err) {
      hist.replaceChildren(h('p.muted', isMissing(err) ? 'No history on this switch.' : err.message));
      return;
    }
    if (!Array.isArray(vs) || !vs.length) {
      hist.replaceChildren(h('p.muted', 'No earlier versions yet. Each save keeps the previous one here.'));
      return;
    }
    hist.replaceChildren(h('p.muted', 'Earlier versions, newest first. Roll back restores the newest.'),
      table([
        { label: 'Saved', value: (v) => fmtTime(v.saved) },
        { label: 'Size', cls: 'num', value: (v) => fmtBytes(v.size) },
        { label: '', cls: 'right', value: (v) => h('button.btn.small', { type: 'button', onclick: () => view(v) }, 'View') },
      ], vs, (v) => v.version));
  }
  async function view(v) {
    try {
      const text = await api.get(`${path}/history/${api.enc(v.version)}`);
      const pre = h('pre.code.old', typeof text === 'string' ? text : JSON.stringify(text));
      hist.append(h('div.card', h('h2', `Version of ${fmtTime(v.saved)}`), pre));
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  loadHistory();
}

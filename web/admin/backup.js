// Backup and restore: download the switch's state as a .tar.gz, or
// restore one (after a confirmation: it replaces the configuration).

import * as api from './api.js';
import { h, pageHeader, toast, confirm, busy, fmtBytes, showError, clearErrors } from './ui.js';

// Bounds an upload the page sends; the switch has its own limit. Not
// 4 << 30: JavaScript shifts 32-bit integers, and that is 0.
const MAX_BACKUP = 4 * 2 ** 30;

export async function render(ctx) {
  const dl = h('button.btn.primary#backup-download', { type: 'button' }, 'Download a backup');
  dl.addEventListener('click', () => busy(dl, async () => {
    try {
      const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
      await api.download('/api/v1/backup', `hookswitch-backup-${stamp}.tar.gz`);
      toast('Backup downloaded');
    } catch (err) {
      toast(err.status === 404 ? 'Backups are not available on this switch yet.' : err.message, 'error');
    }
  }));
  const file = h('input#restore-file', { type: 'file', accept: '.tar.gz,.tgz,application/gzip', 'aria-describedby': 'f-restore-error' });
  const go = h('button.btn.danger#restore-submit', { type: 'submit' }, 'Restore…');
  const form = h('form.form', { novalidate: true },
    h('div.field', { dataset: { field: 'restore' } }, h('label', { for: 'restore-file' }, 'Backup file (.tar.gz)'), file, h('p.field-error#f-restore-error', { hidden: true })),
    h('div.actions', go));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const f = file.files[0];
    if (!f) return showError(form, { field: 'restore', message: 'Choose a backup file first.' });
    if (f.size > MAX_BACKUP) return showError(form, { field: 'restore', message: `The file is larger than ${fmtBytes(MAX_BACKUP)}.` });
    if (!await confirm('Restore this backup?', `${f.name} (${fmtBytes(f.size)}) replaces the switch’s configuration, scripts and audio. Take a backup first if unsure.`, 'Restore')) return;
    busy(go, async () => {
      try {
        await api.request('POST', '/api/v1/restore', { body: f, type: 'application/gzip' });
        toast('Backup restored');
        file.value = '';
      } catch (err) {
        showError(form, { field: 'restore', message: err.status === 404 ? 'Restoring is not available on this switch yet.' : err.message });
      }
    });
  });
  ctx.root.append(pageHeader('Backup', 'The configuration, scripts, plugins and audio, in one file.'),
    h('section.card', h('h2', 'Back up'), h('p', 'A consistent copy of the switch, taken while it runs.'), dl),
    h('section.card', h('h2', 'Restore'), h('p.muted', 'Replaces what the switch has now with the backup’s contents.'), form));
}

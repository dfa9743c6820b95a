// Backup and restore: download the switch's state as a .tar.gz, or
// restore one (after a confirmation: it replaces the configuration).

import * as api from './api.js';
import { h, pageHeader, toast, confirm, busy, fmtBytes, fmtTime, showError, clearErrors, table, emptyState, errorBox, loading, badge } from './ui.js';

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
  const sched = h('div#backup-scheduled', loading());
  ctx.root.append(pageHeader('Backup', 'The configuration, scripts, plugins and audio, in one file.'),
    h('section.card', h('h2', 'Back up'), h('p', 'A consistent copy of the switch, taken while it runs.'), dl),
    h('section.card', h('h2', 'Scheduled backups'), sched),
    h('section.card', h('h2', 'Restore'), h('p.muted', 'Replaces what the switch has now with the backup’s contents.'), form));
  scheduled(sched);
}

// scheduled shows the --backup-every schedule, its last outcome and the
// backups it keeps, each downloadable.
async function scheduled(box) {
  let p;
  try {
    p = await api.get('/api/v1/backups');
  } catch (err) {
    box.replaceChildren(err.status === 404 ? h('p.muted', 'Not available on this switch yet.') : errorBox(err));
    return;
  }
  const every = p.every_seconds >= 3600 ? `${+(p.every_seconds / 3600).toFixed(1)} h` : `${Math.round(p.every_seconds / 60)} min`;
  const status = p.enabled
    ? h('p#backup-schedule', `Every ${every} into ${p.dir}, the newest ${p.keep} kept.`,
      p.last_run ? [' Last run ', fmtTime(p.last_run), ' ', p.last_error ? badge('failed', 'warn') : badge('ok', 'ok')] : null,
      p.next_run ? [' · next ', fmtTime(p.next_run)] : null)
    : h('p.muted#backup-schedule', 'Off. Start the switch with --backup-every 24h (and --backup-dir, --backup-keep) to take backups on a schedule.');
  const err = p.last_error ? h('div.error-box#backup-error', { role: 'alert' }, p.last_error) : null;
  const list = (p.backups || []).length
    ? table([
      { label: 'Taken', cls: 'nowrap', value: (b) => fmtTime(b.time) },
      { label: 'File', value: (b) => b.name },
      { label: 'Size', cls: 'num', value: (b) => fmtBytes(b.size) },
      { label: '', cls: 'right', value: (b) => h('button.btn.small', { type: 'button', 'aria-label': `Download ${b.name}`,
        onclick: (ev) => busy(ev.currentTarget, async () => {
          try { await api.download('/api/v1/backups/' + api.enc(b.name), b.name); } catch (e) { toast(e.message, 'error'); }
        }) }, 'Download') },
    ], p.backups, (b) => b.name)
    : (p.enabled ? emptyState('No scheduled backup yet.') : null);
  box.replaceChildren(status, err, list);
}

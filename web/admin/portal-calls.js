// Portal: the calls the user made and received, newest first, a page at
// a time (the server pages: ?after is the cursor of the next page); a
// recorded call plays here (the server finds its recording by Call-ID).

import * as api from './api.js';
import { h, pageHeader, table, emptyState, errorBox, loading, badge, fmtTime, fmtDuration, toast } from './ui.js';

const PAGE = 25;
const STATUS = { answered: ['answered', 'ok'], no_answer: ['missed', 'warn'], busy: ['busy', 'warn'], failed: ['failed', 'warn'], canceled: ['canceled', ''], rejected: ['rejected', 'warn'] };

export async function render(ctx) {
  ctx.root.append(pageHeader('Call history', 'Calls you made and received.'));
  const player = h('div.player#calls-player', { hidden: true });
  const box = h('div', loading());
  ctx.root.append(player, box);
  const cursors = ['']; // cursors[i] is the ?after of page i
  let page = 0;
  let total = 0; // the first page's: a later one counts from its cursor on

  async function show() {
    let data;
    try {
      data = await api.get('/api/v1/me/calls' + api.query({ limit: PAGE, after: cursors[page] }));
    } catch (err) {
      box.replaceChildren(errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    const calls = data.calls || [];
    if (data.next) cursors[page + 1] = data.next;
    if (page === 0) total = data.total;
    if (!calls.length && page === 0) {
      box.replaceChildren(emptyState('No calls yet.'));
      return;
    }
    const first = page * PAGE + 1;
    const pager = h('div.pager#calls-pager',
      h('span.muted', `${first}–${first + calls.length - 1} of ${total}`),
      h('button.btn.small#calls-prev', { type: 'button', disabled: page === 0, onclick: () => { page--; show(); } }, '‹ Newer'),
      h('button.btn.small#calls-next', { type: 'button', disabled: !data.next, onclick: () => { page++; show(); } }, 'Older ›'));
    box.replaceChildren(h('div.list', table([
      { label: '', value: (c) => (c.incoming ? badge('in') : badge('out')) },
      { label: 'Number', value: (c) => (c.incoming ? (c.caller_display_name ? `${c.caller_display_name} <${c.caller}>` : c.caller) : c.callee) },
      { label: 'Time', value: (c) => fmtTime(c.start_time) },
      { label: 'Result', value: (c) => { const [t, k] = STATUS[c.call_status] || [c.call_status, '']; return badge(t, k); } },
      { label: 'Talk', cls: 'num', value: (c) => (c.call_status === 'answered' ? fmtDuration(c.talk_duration) : '') },
      { label: '', cls: 'right', value: (c) => (c.recorded ? h('button.btn.small.call-play', { type: 'button', 'aria-label': `Play the recording of the call at ${fmtTime(c.start_time)}`, onclick: () => play(c) }, 'Play') : null) },
    ], calls, (c) => c.id), pager));
  }

  async function play(c) {
    try {
      const url = await api.mediaURL(`/api/v1/me/calls/${api.enc(c.id)}/recording`);
      const who = c.incoming ? c.caller : c.callee;
      player.replaceChildren(h('span', `Call with ${who}, ${fmtTime(c.start_time)}`), h('audio', { controls: true, autoplay: true, src: url }),
        h('button.btn.small', { type: 'button', onclick: () => { player.hidden = true; player.replaceChildren(); } }, 'Close'));
      player.hidden = false;
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  await show();
}

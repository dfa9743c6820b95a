// Diagnostics: send SIP OPTIONS from the switch to an extension's
// registered contacts, a trunk or a sip: URI (POST /api/v1/diagnostics/ping),
// and open a call's SIP trace.

import * as api from './api.js';
import { h, pageHeader, errorBox, table } from './ui.js';

export async function render(ctx) {
  const form = h('form.filters#ping-form',
    h('label', 'Target', h('input#ping-target', { name: 'target', required: true, maxlength: 256, placeholder: '1001, a trunk name or sip:host:port' })),
    h('button.btn.primary', { type: 'submit' }, 'Ping'));
  const out = h('div#ping-result', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h('p.muted', 'Pinging…'));
    try {
      const rep = await api.post('/api/v1/diagnostics/ping', { target: form.elements.target.value.trim() });
      out.replaceChildren(h('p', `${rep.kind} ${rep.target}`), table([
        { label: 'Destination', value: (r) => `${r.transport} ${r.destination}` },
        { label: 'URI', value: (r) => r.uri },
        { label: 'Status', value: (r) => (r.status ? `${r.status} ${r.reason || ''}` : 'no answer') },
        { label: 'RTT', value: (r) => (r.rtt_ms ? `${r.rtt_ms.toFixed(1)} ms` : '') },
        { label: 'Error', value: (r) => r.error || '' },
      ], rep.results));
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  ctx.root.append(pageHeader('Diagnostics', 'SIP OPTIONS ping from the switch; call traces are under SIP trace.'), form, out,
    h('p', h('a', { href: '#/trace' }, 'Open a call’s SIP trace')));
}

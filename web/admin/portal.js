// The user portal: what an extension user (role "user") sees instead of
// the admin pages. Each page acts on the user's own extension through
// /api/v1/me/... (web/portal.go); app.js shows these in the navigation.

import * as api from './api.js';
import { h, pageHeader, emptyState, errorBox, loading } from './ui.js';
import * as voicemail from './portal-voicemail.js';
import * as calls from './portal-calls.js';
import * as forwarding from './portal-forwarding.js';
import * as contacts from './portal-contacts.js';

export { refreshBadge } from './portal-voicemail.js';

const USER = ['user'];

// portalPages go into app.js's page list, for the user role only.
export const portalPages = [
  { id: 'my-voicemail', label: 'Voicemail', page: voicemail, roles: USER },
  { id: 'my-calls', label: 'Call history', page: calls, roles: USER },
  { id: 'my-forwarding', label: 'Forwarding & DND', page: forwarding, roles: USER },
  { id: 'my-contacts', label: 'Contacts', page: contacts, roles: USER },
  { id: 'my-phone', label: 'Web phone', page: { render: phonePage }, roles: USER },
];

// summary is GET /api/v1/me/portal: the extension, its name, the web
// phone's address and the voicemail counts.
export async function summary() {
  return api.get('/api/v1/me/portal');
}

async function phonePage(ctx) {
  ctx.root.append(pageHeader('Web phone', 'Make and take calls in the browser, as your extension.'));
  const box = h('div', loading());
  ctx.root.append(box);
  let s;
  try {
    s = await summary();
  } catch (err) {
    box.replaceChildren(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  if (!s.phone_url) {
    box.replaceChildren(emptyState('This switch does not serve the web phone. Ask your administrator, or use a SIP phone or app.'));
    return;
  }
  box.replaceChildren(h('div.card',
    h('p', `The web phone opens in a new tab. Sign in there with your extension, ${s.ext}, and its password.`),
    h('a.btn.primary#phone-link', { href: s.phone_url, target: '_blank', rel: 'noopener' }, 'Open the web phone'),
    h('p.muted', s.phone_url)));
}

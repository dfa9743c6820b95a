// Start-up: restore or ask for a login, then run the shell: the left
// navigation, the top bar and a hash router (#/extensions/1001) that
// renders one page at a time into <main>.

import * as api from './api.js';
import { h, toast } from './ui.js';
import * as dashboard from './dashboard.js';
import * as extensions from './extensions.js';
import * as cdrs from './cdrs.js';
import * as scripts from './scripts.js';
import * as recordings from './recordings.js';
import * as voicemail from './voicemail.js';
import * as plugins from './plugins.js';
import * as backup from './backup.js';
import * as audit from './audit.js';
import * as logs from './logs.js';
import * as trace from './trace.js';
import * as diagnostics from './diagnostics.js';
import * as ivrs from './ivrs.js';
import * as rooms from './rooms.js';
import * as settings from './settings.js';
import { entityPage } from './entity.js';
import { entities } from './entities.js';
import { portalPages, refreshBadge } from './portal.js';

// pages in navigation order. roles: who sees the entry (the API decides
// what they may do; this only keeps the menu relevant).
const ALL = ['admin', 'tenant_admin', 'operator', 'supervisor'];
const ADMINS = ['admin', 'tenant_admin'];
const pages = [
  { id: 'dashboard', label: 'Dashboard', page: dashboard, roles: ALL },
  { id: 'extensions', label: 'Extensions', page: extensions, roles: [...ADMINS, 'operator'] },
  { id: 'groups', label: 'Ring groups', entity: 'groups', roles: ADMINS },
  { id: 'queues', label: 'Queues', entity: 'queues', roles: [...ADMINS, 'supervisor'] },
  // PBX applications (ivrs.js, rooms.js, settings.js): operators read
  // them; settings are switch-wide, so not a tenant admin's.
  { id: 'ivrs', label: 'IVRs', page: ivrs, roles: [...ADMINS, 'operator'] },
  { id: 'rooms', label: 'Conference rooms', page: rooms, roles: [...ADMINS, 'operator'] },
  { id: 'settings', label: 'PBX settings', page: settings, roles: ['admin', 'operator'] },
  { id: 'trunks', label: 'Trunks', entity: 'trunks', roles: ['admin'] },
  { id: 'inbound', label: 'Inbound rules', entity: 'inbound', roles: ADMINS },
  // Switch-wide: tenant admins may not change them (web/auth/policy.go).
  { id: 'outbound', label: 'Outbound rules', entity: 'outbound', roles: ['admin'] },
  { id: 'timeconditions', label: 'Time conditions', entity: 'timeconditions', roles: ['admin'] },
  { id: 'tenants', label: 'Tenants', entity: 'tenants', roles: ['admin'] },
  { id: 'pinsets', label: 'PIN sets', entity: 'pinsets', roles: ADMINS },
  { id: 'dialpolicy', label: 'Dial policy', entity: 'dialpolicy', roles: ['admin'] },
  { id: 'scripts', label: 'Scripts', page: scripts, roles: ['admin'] },
  { id: 'plugins', label: 'Plugins', page: plugins, roles: ['admin'] },
  { id: 'cdrs', label: 'Calls & CDRs', page: cdrs, roles: ALL },
  { id: 'recordings', label: 'Recordings', page: recordings, roles: [...ADMINS, 'supervisor'] },
  { id: 'voicemail', label: 'Voicemail', page: voicemail, roles: ADMINS },
  { id: 'backup', label: 'Backup', page: backup, roles: ['admin'] },
  { id: 'audit', label: 'Audit log', page: audit, roles: ADMINS },
  { id: 'logs', label: 'Logs', page: logs, roles: ['admin'] },
  { id: 'trace', label: 'SIP trace', page: trace, roles: trace.TRACE_ROLES },
  { id: 'diagnostics', label: 'Diagnostics', page: diagnostics, roles: ['admin', 'operator'] },
  { id: 'users', label: 'Users', entity: 'users', roles: ADMINS },
  ...portalPages, // extension users see only these (portal.js)
];

const $ = (id) => document.getElementById(id);
let cleanup = null; // the current page's teardown (streams, timers)
let renderSeq = 0;

function visiblePages() {
  const role = (api.currentUser() || {}).role || 'admin';
  return pages.filter((p) => p.roles.includes(role));
}

function showLogin(message) {
  stopPage();
  $('shell').hidden = true;
  $('login').hidden = false;
  const err = $('login-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('login-password').value = '';
  $('login-user').focus();
}

function stopPage() {
  if (cleanup) {
    try { cleanup(); } catch { /* a page's teardown must not stop the next */ }
    cleanup = null;
  }
}

function buildShell() {
  const u = api.currentUser();
  $('me').replaceChildren(h('span', h('span.user', u.user), u.role ? h('span.badge', u.role.replace('_', ' ')) : null,
    u.tenant ? h('span.muted', u.tenant) : null));
  const nav = $('nav');
  nav.replaceChildren(h('ul', visiblePages().map((p) => h('li', h('a', { href: '#/' + p.id, dataset: { page: p.id } }, p.label)))));
  $('login').hidden = true;
  $('shell').hidden = false;
  if (u.role === 'user') refreshBadge();
}

// route renders the page the hash names.
async function route() {
  if (!api.currentUser()) return;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const list = visiblePages();
  const p = list.find((x) => x.id === parts[0]) || list[0];
  if (!p) {
    $('main').replaceChildren(h('div.empty', h('p', 'This account has no admin pages. Extension users have the user portal.')));
    return;
  }
  stopPage();
  const seq = ++renderSeq;
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.dataset.page === p.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  closeNav();
  const main = $('main');
  main.replaceChildren();
  document.title = `${p.label} · hookswitch admin`;
  const ctx = {
    root: main,
    params: parts.slice(1),
    go: (hash) => { location.hash = hash; },
    alive: () => seq === renderSeq,
  };
  try {
    const r = p.entity ? await entityPage(entities[p.entity], ctx) : await p.page.render(ctx);
    if (seq === renderSeq) cleanup = typeof r === 'function' ? r : null;
    else if (typeof r === 'function') r();
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err.status === 401) return; // the login page is showing
    main.replaceChildren(h('div.error-box', { role: 'alert' }, err.message || String(err)));
  }
  if (seq === renderSeq && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  document.documentElement.dataset.page = p.id;
}

function closeNav() {
  $('nav').classList.remove('open');
  $('nav-toggle').setAttribute('aria-expanded', 'false');
}

async function start() {
  api.onUnauthorized(() => showLogin('Your session ended. Sign in again.'));
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = $('login-submit');
    const user = $('login-user').value.trim();
    const password = $('login-password').value;
    if (!user || !password) {
      showLoginError('Enter your user and password.');
      return;
    }
    btn.disabled = true;
    try {
      const u = await api.login(user, password);
      buildShell();
      if (!location.hash) location.hash = u.role === 'user' ? '#/my-voicemail' : '#/dashboard';
      await route();
      toast(`Signed in as ${u.user}`);
    } catch (err) {
      showLoginError(err.message);
    } finally {
      btn.disabled = false;
    }
  });
  $('logout').addEventListener('click', async () => {
    stopPage();
    await api.logout();
    showLogin('');
  });
  $('nav-toggle').addEventListener('click', () => {
    const open = $('nav').classList.toggle('open');
    $('nav-toggle').setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && $('nav').classList.contains('open')) closeNav();
  });
  window.addEventListener('hashchange', route);

  const u = await api.restore();
  document.documentElement.dataset.ready = '';
  if (!u) {
    showLogin('');
    return;
  }
  buildShell();
  await route();
}

function showLoginError(msg) {
  const e = $('login-error');
  e.textContent = msg;
  e.hidden = false;
}

start();

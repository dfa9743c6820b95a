// The per-entity descriptions the generic page (entity.js) runs on: the
// routes (web/*.go, one file per entity), the key, the list's columns and
// the form's fields with the JSON names the API takes.

import * as api from './api.js';
import { h, badge, fmtTime } from './ui.js';

const opts = (...xs) => xs.map((x) => (Array.isArray(x) ? x : [x, x]));
const dest = (d) => (d && d.kind ? (d.target ? `${d.kind} ${d.target}` : d.kind) : '');
const join = (xs) => (xs || []).join(', ');
const item = (base) => (k) => `${base}/${api.enc(k)}`;

// quota writes "12 / 50 extensions" ("12 extensions, no limit" for 0).
export const quota = (n, max, what) => (max ? `${n} / ${max} ${what}` : `${n} ${what}, no limit`);

// usage is a tenant's quota use, filled in when its answer comes.
function usage(name) {
  const el = h('span.usage', { dataset: { tenant: name } }, '…');
  api.get(`/api/v1/tenants/${api.enc(name)}/usage`).then((u) => {
    const full = (n, max) => (max && n >= max ? badge('full', 'warn') : null);
    el.replaceChildren(...[quota(u.extensions, u.max_extensions, 'extensions'), ' ', full(u.extensions, u.max_extensions), h('br'),
      quota(u.calls, u.max_calls, 'calls now'), ' ', full(u.calls, u.max_calls)].filter((x) => x !== null));
  }).catch(() => { el.textContent = '—'; });
  return el;
}

export const entities = {
  groups: {
    id: 'groups', title: 'Ring groups', singular: 'ring group', key: 'number',
    subtitle: 'A number that rings several extensions.',
    list: '/api/v1/groups', item: item('/api/v1/groups'), getItem: true, create: 'post',
    empty: 'No ring groups yet. Add one to ring a team with one number.',
    search: (g) => `${g.number} ${g.name || ''} ${join(g.members)}`,
    columns: [
      { label: 'Number', value: (g) => g.number },
      { label: 'Name', value: (g) => g.name },
      { label: 'Strategy', value: (g) => g.strategy },
      { label: 'Members', value: (g) => join(g.members) },
      { label: 'No answer', value: (g) => dest(g.no_answer) },
    ],
    fields: [
      { name: 'number', label: 'Number', required: true, key: true, help: 'Digits; not an extension’s number.' },
      { name: 'name', label: 'Name' },
      { name: 'tenant', label: 'Tenant', help: 'The tenant whose extensions are its members; empty: the switch’s own. A tenant admin’s groups are always its tenant’s.' },
      { name: 'strategy', label: 'Strategy', type: 'select', options: opts(['ringall', 'Ring all'], ['hunt', 'Hunt (in order)'], ['cyclic', 'Cyclic'], ['leastworked', 'Least worked'], ['random', 'Random']) },
      { name: 'ring_time', label: 'Ring time (s)', type: 'number', omitEmpty: true, help: 'Per member for the hunts, in all for ring all. Default 20.' },
      { name: 'members', label: 'Members', type: 'list', required: true, help: 'Extension numbers, in priority order, one per line.' },
      { name: 'no_answer', label: 'When nobody answers', type: 'destination' },
      { name: 'caller_id_prefix', label: 'Caller name prefix', help: 'Shown before the caller’s name, e.g. “Sales: ”.', trim: false },
      { name: 'outbound_caller_id', label: 'Outbound caller ID' },
    ],
  },

  queues: {
    id: 'queues', title: 'Queues', singular: 'queue', key: 'number',
    subtitle: 'Callers wait with music until an agent answers.',
    list: '/api/v1/queues', item: item('/api/v1/queues'), getItem: true, create: 'post',
    empty: 'No queues yet. Add one for a call centre or help desk.',
    search: (q) => `${q.number} ${q.name || ''}`,
    columns: [
      { label: 'Number', value: (q) => q.number },
      { label: 'Name', value: (q) => q.name },
      { label: 'Strategy', value: (q) => q.strategy },
      { label: 'Agents', value: (q) => join([...(q.static_agents || []).map((a) => a.ext), ...(q.dynamic_agents || [])]) },
      { label: 'No answer', value: (q) => dest(q.no_answer) },
    ],
    fields: [
      { name: 'number', label: 'Number', required: true, key: true, help: '2–10 digits; not an extension’s number.' },
      { name: 'name', label: 'Name' },
      { name: 'tenant', label: 'Tenant', help: 'The tenant whose extensions are its agents; empty: the switch’s own. A tenant admin’s queues are always its tenant’s.' },
      { name: 'strategy', label: 'Strategy', type: 'select', options: opts('ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'linear', 'rrordered') },
      { name: 'static_agents', label: 'Static agents', type: 'rows', item: 'agent', sub: [{ name: 'ext', label: 'Extension' }, { name: 'penalty', label: 'Penalty (0-9)', type: 'number' }] },
      { name: 'dynamic_agents', label: 'Dynamic agents', type: 'list', help: 'Extensions that log in and out, one per line.' },
      { name: 'agent_timeout', label: 'Ring an agent for (s)', type: 'number', omitEmpty: true, help: '5–300, default 15.' },
      { name: 'retry', label: 'Retry after (s)', type: 'number', omitEmpty: true },
      { name: 'wrap_up', label: 'Wrap-up (s)', type: 'number', omitEmpty: true },
      { name: 'max_wait', label: 'Maximum wait (s)', type: 'number', omitEmpty: true, help: '0: no limit.' },
      { name: 'max_callers', label: 'Maximum callers', type: 'number', omitEmpty: true, help: '0: no limit.' },
      { name: 'join_empty', label: 'Join when no agent is in', type: 'tristate' },
      { name: 'leave_when_empty', label: 'Leave when the last agent goes', type: 'checkbox' },
      { name: 'skip_busy', label: 'Skip agents on another call', type: 'tristate' },
      { name: 'auto_pause', label: 'Pause agents who do not answer', type: 'checkbox' },
      { name: 'announce_position', label: 'Announce position', type: 'checkbox' },
      { name: 'announce_hold_time', label: 'Announce hold time', type: 'checkbox' },
      { name: 'music', label: 'Music class' },
      { name: 'intro', label: 'Intro prompt' },
      { name: 'sla', label: 'SLA (s)', type: 'number', omitEmpty: true },
      { name: 'no_answer', label: 'When the wait ends', type: 'destination' },
    ],
  },

  trunks: {
    id: 'trunks', title: 'Trunks', singular: 'trunk', key: 'name',
    subtitle: 'Connections to providers and gateways.',
    list: '/api/v1/trunks', item: item('/api/v1/trunks'), getItem: false, create: 'put',
    empty: 'No trunks yet. Add one to call outside.',
    search: (t) => `${t.name} ${t.host || ''} ${t.username || ''}`,
    columns: [
      { label: 'Name', value: (t) => t.name },
      { label: 'Kind', value: (t) => t.kind },
      { label: 'Host', value: (t) => t.host },
      { label: 'State', value: (t) => {
        const s = t.state && ((t.state.registration && t.state.registration.state) || (t.state.qualify && t.state.qualify.health));
        return s ? badge(String(s), /^(registered|up)$/.test(s) ? 'ok' : 'warn') : null;
      } },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true, help: 'Letters, digits, - and _.' },
      { name: 'kind', label: 'Kind', type: 'select', options: opts(['register', 'Register to the provider'], ['ip', 'IP (known addresses)'], ['accept-register', 'A gateway registers to us']) },
      { name: 'host', label: 'Host', help: 'The provider: host[:port].' },
      { name: 'transport', label: 'Transport', type: 'select', options: opts(['', 'UDP (default)'], ['tcp', 'TCP'], ['tls', 'TLS']) },
      { name: 'username', label: 'User name' },
      { name: 'auth_username', label: 'Auth user name' },
      { name: 'password', label: 'Password', type: 'password', writeOnly: true, help: 'Left empty: unchanged.', autocomplete: 'new-password' },
      { name: 'realm', label: 'Realm' },
      { name: 'from_domain', label: 'From domain' },
      { name: 'outbound_proxy', label: 'Outbound proxy' },
      { name: 'expiry', label: 'Registration expiry (s)', type: 'number', omitEmpty: true },
      { name: 'ips', label: 'Addresses', type: 'list', help: 'IPs or CIDR ranges calls come from; required for an IP trunk.' },
      { name: 'max_calls', label: 'Maximum calls', type: 'number', omitEmpty: true, help: '0: no limit.' },
      { name: 'qualify', label: 'Qualify every (s)', type: 'number', omitEmpty: true, help: '0: off.' },
      { name: 'outbound_cid', label: 'Outbound caller ID' },
      { name: 'class', label: 'Calls from it may go', type: 'select', options: opts(['', 'International (default)'], ['national', 'National'], ['local', 'Local'], ['internal', 'Nowhere outside']) },
      { name: 'headers', label: 'Header rewrites', type: 'list', help: '“Name: value” sets a header, “-Name” removes it.' },
    ],
    fromForm: (b) => { delete b.state; delete b.password_set; return b; },
  },

  inbound: {
    id: 'inbound', title: 'Inbound rules', singular: 'inbound rule', key: 'name',
    subtitle: 'Where calls from trunks go, by the number dialled.',
    list: '/api/v1/routes/inbound', item: item('/api/v1/routes/inbound'), getItem: true, create: 'put',
    empty: 'No inbound rules yet. Add one to send outside calls to an extension, a group or a queue.',
    search: (r) => `${r.name} ${r.did} ${dest(r.destination)}`,
    columns: [
      { label: 'Name', value: (r) => r.name },
      { label: 'Number (DID)', value: (r) => r.did },
      { label: 'Trunks', value: (r) => join(r.trunks) || 'any' },
      { label: 'Destination', value: (r) => dest(r.destination) },
      { label: 'Order', cls: 'num', value: (r) => String(r.order) },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true },
      { name: 'did', label: 'Number (DID)', required: true, help: 'The dialled number or a pattern.' },
      { name: 'destination', label: 'Destination', type: 'destination', required: true },
      { name: 'trunks', label: 'From trunks', type: 'list', help: 'Empty: calls from any trunk.' },
      { name: 'caller_mask', label: 'Caller mask' },
      { name: 'time_condition', label: 'Time condition' },
      { name: 'closed_destination', label: 'When closed', type: 'destination' },
      { name: 'tenant', label: 'Tenant' },
      { name: 'order', label: 'Order', type: 'number', omitEmpty: true },
      { name: 'direct', label: 'Direct routing (before every general rule)', type: 'checkbox' },
    ],
  },

  outbound: {
    id: 'outbound', title: 'Outbound rules', singular: 'outbound rule', key: 'name',
    subtitle: 'Which trunk an outside call takes, by the number dialled.',
    list: '/api/v1/routes/outbound', item: item('/api/v1/routes/outbound'), getItem: true, create: 'put',
    empty: 'No outbound rules yet. Add one so extensions can call outside.',
    search: (r) => `${r.name} ${(r.patterns || []).map((p) => p.pattern).join(' ')} ${join(r.trunks)}`,
    columns: [
      { label: 'Name', value: (r) => r.name },
      { label: 'Patterns', value: (r) => (r.patterns || []).map((p) => (p.prefix ? p.prefix + '|' : '') + p.pattern).join(', ') },
      { label: 'Trunks', value: (r) => join(r.trunks) },
      { label: 'Order', cls: 'num', value: (r) => String(r.order) },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true },
      { name: 'patterns', label: 'Patterns', type: 'rows', item: 'pattern', required: true, sub: [{ name: 'prefix', label: 'Strip prefix' }, { name: 'pattern', label: 'Pattern' }, { name: 'prepend', label: 'Prepend' }] },
      { name: 'trunks', label: 'Trunks', type: 'list', required: true, help: 'Tried in this order.' },
      { name: 'method', label: 'Method', type: 'select', options: opts(['', 'Linear (default)'], ['linear-cycle', 'Linear, cycling']) },
      { name: 'sources', label: 'Only from extensions', type: 'list', help: 'Empty: every extension.' },
      { name: 'min_len', label: 'Minimum length', type: 'number', omitEmpty: true },
      { name: 'max_len', label: 'Maximum length', type: 'number', omitEmpty: true },
      { name: 'time_condition', label: 'Time condition' },
      { name: 'pin_set', label: 'PIN set' },
      { name: 'caller_id', label: 'Caller ID' },
      { name: 'time_limit', label: 'Time limit (s)', type: 'number', omitEmpty: true },
      { name: 'order', label: 'Order', type: 'number', omitEmpty: true },
    ],
  },

  timeconditions: {
    id: 'timeconditions', title: 'Time conditions', singular: 'time condition', key: 'name',
    subtitle: 'Opening hours and holidays that rules can follow.',
    list: '/api/v1/timeconditions', item: item('/api/v1/timeconditions'), getItem: false, create: 'put',
    keyOf: (v) => v.condition && v.condition.name,
    toForm: (v) => v.condition || {},
    empty: 'No time conditions yet. Add opening hours to route calls differently after hours.',
    search: (v) => (v.condition && v.condition.name) || '',
    columns: [
      { label: 'Name', value: (v) => v.condition && v.condition.name },
      { label: 'Zone', value: (v) => v.condition && v.condition.zone },
      { label: 'Now', value: (v) => badge(v.open ? 'open' : 'closed', v.open ? 'ok' : 'warn') },
      { label: 'Override', value: (v) => (v.override && v.override.mode && v.override.mode !== 'none' ? `${v.override.mode}${v.override.until ? ' until ' + fmtTime(v.override.until) : ''}` : '') },
      { label: 'Changes', value: (v) => fmtTime(v.next) },
    ],
    actions: [
      { label: 'Force open', run: (v) => api.put(`/api/v1/timeconditions/${api.enc(v.condition.name)}/override`, { mode: 'open' }), done: () => 'Forced open' },
      { label: 'Force closed', run: (v) => api.put(`/api/v1/timeconditions/${api.enc(v.condition.name)}/override`, { mode: 'closed' }), done: () => 'Forced closed' },
      { label: 'Follow schedule', run: (v) => api.put(`/api/v1/timeconditions/${api.enc(v.condition.name)}/override`, { mode: 'none' }), done: () => 'Following the schedule' },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true },
      { name: 'zone', label: 'Time zone', required: true, default: Intl.DateTimeFormat().resolvedOptions().timeZone, help: 'An IANA zone, e.g. Europe/Berlin.' },
      { name: 'weekdays', label: 'Open hours', type: 'weekdays', help: 'Ranges per day, e.g. 09:00-17:00; empty: closed.' },
      { name: 'holidays', label: 'Holidays', type: 'rows', item: 'holiday', sub: [{ name: 'name', label: 'Name' }, { name: 'date', label: 'Date (2026-12-25)' }, { name: 'times', label: 'Open times (optional)', type: 'list' }] },
    ],
  },

  tenants: {
    id: 'tenants', title: 'Tenants', singular: 'tenant', key: 'name',
    subtitle: 'Separate companies on one switch: a SIP domain each.',
    list: '/api/v1/tenants', item: item('/api/v1/tenants'), getItem: true, create: 'put',
    empty: 'No tenants. The switch serves one organisation until you add one.',
    search: (t) => `${t.name} ${t.domain}`,
    deleteText: 'Only a tenant without extensions, ring groups, queues or inbound rules can be deleted: move or delete them first.',
    columns: [
      { label: 'Name', value: (t) => t.name },
      { label: 'Domain', value: (t) => t.domain },
      { label: 'Trunks', value: (t) => (t.trunks || []).map((x) => x.trunk + (x.did_pool ? ` (${x.did_pool})` : '')).join(', ') },
      { label: 'Usage', value: (t) => usage(t.name) },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true },
      { name: 'domain', label: 'SIP domain', required: true, help: 'e.g. acme.example.com. Its extensions register under this domain.' },
      { name: 'trunks', label: 'Trunks', type: 'rows', item: 'trunk', sub: [{ name: 'trunk', label: 'Trunk' }, { name: 'did_pool', label: 'DID pool, e.g. 44*****;12000-18000' }] },
      { name: 'max_extensions', label: 'Maximum extensions', type: 'number', help: '0 or empty: no limit.' },
      { name: 'max_calls', label: 'Maximum calls at once', type: 'number', help: 'Calls in progress that count against the tenant. 0 or empty: no limit.' },
    ],
  },

  pinsets: {
    id: 'pinsets', title: 'PIN sets', singular: 'PIN set', key: 'name',
    subtitle: 'PINs callers enter before an outbound rule lets a call out.',
    list: '/api/v1/pinsets', item: item('/api/v1/pinsets'), getItem: true, create: 'put',
    empty: 'No PIN sets yet. Add one to ask for a PIN on costly calls.',
    search: (p) => `${p.name} ${p.description || ''}`,
    columns: [
      { label: 'Name', value: (p) => p.name },
      { label: 'Description', value: (p) => p.description },
      { label: 'PINs', cls: 'num', value: (p) => String((p.pins || []).length) },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true, key: true },
      { name: 'description', label: 'Description' },
      // Shown masked: sent only when changed, so a masked PIN never
      // replaces the real one.
      { name: 'pins', label: 'PINs', type: 'rows', item: 'PIN', keepIfUnchanged: true, sub: [{ name: 'pin', label: 'PIN' }, { name: 'label', label: 'Label' }], help: 'Existing PINs are shown masked; they are kept unless you change this list.' },
    ],
  },

  dialpolicy: {
    id: 'dialpolicy', title: 'Dial policy', singular: 'dial policy', singleton: true,
    subtitle: 'What every extension may dial: blocked prefixes, emergency numbers.',
    list: '/api/v1/dialpolicy',
    fields: [
      { name: 'blocked_prefixes', label: 'Blocked prefixes', type: 'list', help: 'e.g. 0900, 00881; one per line.' },
      { name: 'country_codes', label: 'Country codes', type: 'list', help: 'Numbers in these countries count as national, e.g. 49.' },
      { name: 'international_prefix', label: 'International prefix', help: 'Default 00 (“+” always counts).' },
      { name: 'national_prefix', label: 'National prefix', help: 'Default 0.' },
      { name: 'emergency', label: 'Emergency numbers', type: 'list', help: 'Never refused, e.g. 112, 911.' },
      { name: 'emergency_cid', label: 'Emergency caller ID' },
    ],
  },

  // Users of the admin UI and the portal (web/auth).
  users: {
    id: 'users', title: 'Users', singular: 'user', key: 'name',
    subtitle: 'Who may sign in, and with which role.',
    list: '/api/v1/users', item: item('/api/v1/users'), getItem: true, create: 'post',
    empty: 'No users yet besides the admin credential.',
    search: (u) => `${u.name} ${u.role || ''} ${u.tenant || ''} ${u.ext || ''}`,
    columns: [
      { label: 'User', value: (u) => u.name },
      { label: 'Role', value: (u) => (u.role ? badge(u.role.replace('_', ' ')) : null) },
      { label: 'Tenant', value: (u) => u.tenant },
      { label: 'Extension', value: (u) => u.ext },
      { label: 'State', value: (u) => (u.disabled ? badge('disabled', 'warn') : badge('active', 'ok')) },
    ],
    fields: [
      { name: 'name', label: 'User', required: true, key: true },
      { name: 'role', label: 'Role', type: 'select', options: opts(['admin', 'Admin'], ['tenant_admin', 'Tenant admin'], ['operator', 'Operator'], ['supervisor', 'Supervisor'], ['user', 'Extension user']) },
      { name: 'tenant', label: 'Tenant', help: 'For a tenant admin: the tenant they manage.' },
      { name: 'ext', label: 'Extension', help: 'For an extension user: their extension.' },
      { name: 'password', label: 'Password', type: 'password', writeOnly: true, help: 'Required for a new user; left empty on an existing one: unchanged.', autocomplete: 'new-password' },
      { name: 'disabled', label: 'Disabled (may not sign in)', type: 'checkbox' },
    ],
    fromForm: (b) => { delete b.created_at; delete b.updated_at; return b; },
  },
};

// The one fetch wrapper every page uses: JSON in and out, the API's
// {"error"} turned into an APIError naming the field, the CSRF header on
// unsafe requests, and a 401 sending the user back to the login page.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Bounds what we ask the browser to hold: an error body, a script.
const MAX_ERROR_TEXT = 2000;

const auth = {
  user: null, // {user, role, tenant, ext, csrf}
  csrf: '',
  onUnauthorized: () => {},
};

export class APIError extends Error {
  constructor(status, message, body) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.field = (body && body.field) || fieldOf(this.message);
    this.line = body && Number.isInteger(body.line) ? body.line : 0;
  }
}

// fieldOf finds the field an error names when the API did not say it
// separately: the store's "invalid number: ..." (after a context such as
// "create extension: ") or "timecond: weekdays.mon[1]: ...".
export function fieldOf(msg) {
  const m = /(?:^|: )invalid ([a-z_][a-z0-9_]*)\b/i.exec(msg || '') ||
    /^timecond: ([a-z_]+)/.exec(msg || '');
  return m ? m[1] : '';
}

export function onUnauthorized(fn) { auth.onUnauthorized = fn; }
export function currentUser() { return auth.user; }

function headers(method, extra) {
  const h = { Accept: 'application/json', 'X-Requested-With': 'hookswitch-admin', ...extra };
  if (UNSAFE.has(method) && auth.csrf) h['X-CSRF-Token'] = auth.csrf;
  return h;
}

// request sends one request. opts: json (a value sent as JSON), body (sent
// as is, with opts.type), raw (return the Response), signal, quiet401 (do
// not leave the page on a 401).
export async function request(method, path, opts = {}) {
  const extra = {};
  let body = opts.body;
  if (opts.json !== undefined) {
    extra['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.type) {
    extra['Content-Type'] = opts.type;
  }
  let res;
  try {
    res = await fetch(path, { method, headers: headers(method, extra), body, credentials: 'same-origin', signal: opts.signal, cache: 'no-store' });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError(0, 'The switch cannot be reached: ' + err.message);
  }
  if (res.status === 401 && !opts.quiet401) {
    auth.onUnauthorized();
  }
  if (!res.ok) {
    let data = null;
    let text = '';
    try {
      text = (await res.text()).slice(0, MAX_ERROR_TEXT);
      data = JSON.parse(text);
    } catch { /* not JSON: use the text */ }
    const msg = (data && typeof data.error === 'string' && data.error) || text.trim() || res.statusText;
    throw new APIError(res.status, msg, data);
  }
  if (opts.raw) return res;
  if (res.status === 204) return null;
  const ct = res.headers.get('Content-Type') || '';
  return ct.includes('json') ? res.json() : res.text();
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, json, opts = {}) => request('POST', path, { ...opts, json });
export const put = (path, json, opts = {}) => request('PUT', path, { ...opts, json });
export const del = (path, opts) => request('DELETE', path, opts);

// enc encodes one path segment.
export const enc = (s) => encodeURIComponent(String(s));

// query builds "?a=1&b=2" from the set values of an object.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

function setUser(u) {
  auth.user = u;
  auth.csrf = (u && u.csrf) || '';
}

// login signs in: the switch answers the user, its role and the CSRF
// token, and sets the session cookie.
export async function login(user, password) {
  let res;
  try {
    res = await fetch('/api/v1/auth/login', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Requested-With': 'hookswitch-admin' },
      body: JSON.stringify({ user, password }),
    });
  } catch (err) {
    throw new APIError(0, 'The switch cannot be reached: ' + err.message);
  }
  if (res.ok) {
    setUser(await res.json());
    return auth.user;
  }
  let msg = res.status === 401 ? 'Wrong user or password.' : `The switch answered ${res.status}.`;
  try {
    const data = await res.json();
    // 429 says how long to wait; a 401 stays vague on purpose.
    if (data && data.error && res.status !== 401) msg = data.error;
  } catch { /* keep the generic message */ }
  throw new APIError(res.status, msg);
}

// restore finds an existing session (the cookie); null when the user must
// sign in.
export async function restore() {
  try {
    const res = await fetch('/api/v1/auth/me', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json', 'X-Requested-With': 'hookswitch-admin' } });
    if (res.ok) {
      setUser(await res.json());
      return auth.user;
    }
  } catch { /* offline: the login page says so when used */ }
  return null;
}

export async function logout() {
  await request('POST', '/api/v1/auth/logout', { quiet401: true }).catch(() => {});
  setUser(null);
}

// blobURL fetches a file with the page's session and answers an object
// URL for it, so a download that fails shows the API's error instead of
// saving it. The caller revokes it.
export async function blobURL(path) {
  const res = await request('GET', path, { raw: true });
  return URL.createObjectURL(await res.blob());
}

// mediaURL is what an <audio> plays: the API's URL itself (the session
// cookie goes with it; the browser streams and seeks with Range).
export async function mediaURL(path) {
  return path;
}

// download saves what path answers as a file named name.
export async function download(path, name) {
  const url = await blobURL(path);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// authHeaders are for the callers that fetch by themselves (the event
// stream).
export function authHeaders() { return headers('GET', {}); }

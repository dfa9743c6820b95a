// Live state: GET /api/v1/events as Server-Sent Events, read through
// fetch (unlike EventSource, it sees a 404 or a 401), reconnecting with a
// backoff. On a switch without /events it
// falls back to polling the plain routes every 5 s.

import { authHeaders, get, APIError } from './api.js';

const POLL_MS = 5000;
// A single event's data is a full list; bound what we buffer.
const MAX_EVENT_BYTES = 8 << 20;

// subscribe calls on(name, value) for each event (calls, registrations,
// trunks, system; status when polling) and mode('stream' | 'polling' | 'offline') when the way
// it gets them changes. It returns the function that stops it.
export function subscribe(on, mode = () => {}) {
  const ctl = new AbortController();
  let timer = 0;
  let stopped = false;

  async function stream() {
    let backoff = 1000;
    while (!stopped) {
      let res;
      try {
        res = await fetch('/api/v1/events', { headers: { ...authHeaders(), Accept: 'text/event-stream' }, credentials: 'same-origin', cache: 'no-store', signal: ctl.signal });
      } catch (err) {
        if (stopped) return;
        res = null;
      }
      if (res && (res.status === 404 || res.status === 405 || res.status === 501)) {
        poll();
        return;
      }
      if (res && res.status === 401) {
        // Let the wrapper's handler show the login page.
        get('/api/v1/auth/me').catch(() => {});
        return;
      }
      if (res && res.ok && res.body) {
        mode('stream');
        backoff = 1000;
        try {
          await read(res.body, on, ctl.signal);
        } catch { /* dropped: reconnect below */ }
      }
      if (stopped) return;
      mode('offline');
      await sleep(backoff, ctl.signal);
      backoff = Math.min(backoff * 2, 30000);
    }
  }

  async function poll() {
    mode('polling');
    // A route this switch does not have is asked once, not every 5 s.
    let jobs = [
      ['registrations', '/api/v1/registrations'],
      ['calls', '/api/v1/calls'],
      ['status', '/api/v1/status'],
      ['system', '/api/v1/system'],
    ];
    const tick = async () => {
      if (stopped) return;
      const missing = new Set();
      await Promise.all(jobs.map(async ([name, path]) => {
        try {
          on(name, await get(path, { signal: ctl.signal }));
        } catch (err) {
          if (err instanceof APIError && err.status === 404) {
            missing.add(name);
            on(name + ':missing', null);
          }
        }
      }));
      jobs = jobs.filter(([name]) => !missing.has(name));
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    tick();
  }

  stream();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ctl.abort();
  };
}

// read parses an event stream (the WHATWG format: event:, data:, blank
// line) and calls on(event, JSON value) per complete event.
export async function read(body, on, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buf = '';
  let event = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    if (buf.length > MAX_EVENT_BYTES) throw new Error('event too large');
    let nl;
    while ((nl = buf.search(/\r\n|\n|\r/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
      if (line === '') {
        if (data.length) {
          let v = null;
          try { v = JSON.parse(data.join('\n')); } catch { v = data.join('\n'); }
          on(event, v);
        }
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const key = i < 0 ? line : line.slice(0, i);
      const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (key === 'event') event = val;
      else if (key === 'data') data.push(val);
    }
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

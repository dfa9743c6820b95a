// The click-to-call widget: a website includes this module and marks where
// a call button goes; a visitor's click places a guest call (op 1011 of the
// web-call-protocol) from the browser, without an account.
//
//   <script type="module" src="https://pbx.example.com/phone/c2c.js"></script>
//   <div data-hookswitch-call="2000" data-label="Call sales"></div>
//
// Attributes: data-hookswitch-call (the number to call; required),
// data-label (the button's text), data-disp (the caller's name shown to
// the callee), data-from (a number the guest gives: shown, never trusted),
// data-cdata and data-skill (CTI data and ACD skill, passed on),
// data-server (the switch's wss://.../wcp; by default the switch this
// script came from), data-keypad="false" (no keys during the call).
//
// The widget lives in a shadow root (the host page's CSS cannot break it,
// nor it the page's) and defines no globals: import { mount } to place
// one from code. The host element gets "hookswitch-c2c" events whose
// detail is {state, cid, reason}: idle, connecting, calling, ringing,
// connected, ended, failed.

import { Op, Ev, CallState, Code, USER_PART_RE } from './protocol.js';
import { Session, ReplyError } from './session.js';
import { CallMedia, microphone } from './media.js';

const CSS = `
:host { display: inline-block; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b2330; }
.w { display: inline-grid; gap: 8px; justify-items: center; padding: 12px; border-radius: 16px; background: #fff;
  border: 1px solid #dde2ea; box-shadow: 0 4px 16px rgb(16 24 40 / 8%); min-width: 200px; }
button { font: inherit; cursor: pointer; border-radius: 999px; border: 1px solid transparent; }
button:focus-visible { outline: 3px solid rgb(31 111 235 / 45%); outline-offset: 2px; }
.main { display: inline-flex; align-items: center; gap: 8px; padding: 10px 20px; font-weight: 600; color: #fff; background: #1a7f37; }
.main[data-state="calling"], .main[data-state="ringing"], .main[data-state="connected"] { background: #c62828; }
.main[data-state="connecting"] { background: #5d6878; }
.main:disabled { opacity: 0.6; cursor: default; }
.status { margin: 0; min-height: 1.2em; font-size: 13px; color: #5d6878; text-align: center; }
.pad { display: grid; grid-template-columns: repeat(3, 44px); gap: 6px; }
.pad button { height: 36px; background: #eef1f5; color: #1b2330; border-color: #dde2ea; font-size: 16px; }
[hidden] { display: none !important; }
`;

const mounted = new WeakMap();

// mount puts a call button into host. Options override the host's data-*
// attributes. It returns the widget: {call(), hangup(), state}.
export function mount(host, options = {}) {
  if (mounted.has(host)) return mounted.get(host);
  const w = new Widget(host, { ...host.dataset, ...options });
  mounted.set(host, w);
  return w;
}

let configPromise = null;

// config reads config.json next to this script: the web-call-protocol
// path and the ICE servers.
function config() {
  if (!configPromise) {
    configPromise = fetch(new URL('config.json', import.meta.url), { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  return configPromise;
}

function serverURL(explicit, wcp) {
  if (explicit) return explicit;
  if (typeof wcp === 'string' && /^wss?:\/\//i.test(wcp)) return wcp;
  const u = new URL(typeof wcp === 'string' && wcp.startsWith('/') ? wcp : '/wcp', import.meta.url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

class Widget {
  constructor(host, o) {
    this.host = host;
    this.o = o;
    this.to = String(o.hookswitchCall || o.to || '').trim();
    this.state = 'idle';
    this.active = false; // a call is being placed or is up
    this.session = null;
    this.iceServers = [];
    this.media = null;
    this.stream = null;
    this.cid = '';
    this.connectedAt = 0;

    const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      const style = document.createElement('style');
      style.textContent = CSS;
      root.append(style);
    }
    const box = document.createElement('div');
    box.className = 'w';
    box.setAttribute('part', 'widget');
    this.button = Object.assign(document.createElement('button'), { type: 'button', className: 'main' });
    this.button.setAttribute('part', 'button');
    this.statusLine = Object.assign(document.createElement('p'), { className: 'status' });
    this.statusLine.setAttribute('role', 'status');
    this.statusLine.setAttribute('aria-live', 'polite');
    this.pad = Object.assign(document.createElement('div'), { className: 'pad', hidden: true });
    this.pad.setAttribute('role', 'group');
    this.pad.setAttribute('aria-label', 'Keys');
    for (const k of '123456789*0#') {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: k });
      b.dataset.key = k;
      b.onclick = () => this.dtmf(k);
      this.pad.append(b);
    }
    this.audio = Object.assign(document.createElement('audio'), { autoplay: true });
    box.append(this.button, this.statusLine, this.pad, this.audio);
    root.append(box);
    this.button.onclick = () => (this.active ? this.hangup() : this.call());
    this.timer = 0;
    this.show('idle', USER_PART_RE.test(this.to) ? '' : 'This button has no valid number to call.');
  }

  show(state, text = '') {
    this.state = state;
    const idle = state === 'idle' || state === 'ended' || state === 'failed';
    const label = this.o.label || 'Call us';
    this.button.dataset.state = state;
    this.button.textContent = idle ? `\u260e ${label}` : state === 'connecting' ? 'Connecting\u2026' : 'Hang up';
    this.button.disabled = state === 'connecting' || (idle && !USER_PART_RE.test(this.to));
    this.statusLine.textContent = text || { calling: 'Calling\u2026', ringing: 'Ringing\u2026', connected: 'Connected' }[state] || '';
    this.pad.hidden = !(state === 'connected' && this.o.keypad !== 'false');
    clearInterval(this.timer);
    this.timer = 0;
    if (state === 'connected') {
      this.timer = setInterval(() => {
        const s = Math.floor((Date.now() - this.connectedAt) / 1000);
        this.statusLine.textContent = `Connected ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
      }, 1000);
    }
    this.host.dispatchEvent(new CustomEvent('hookswitch-c2c', { detail: { state, cid: this.cid, reason: text } }));
  }

  async call() {
    if (this.active || !USER_PART_RE.test(this.to)) return;
    this.active = true;
    this.cid = '';
    this.connectedAt = 0;
    this.show('connecting');
    try {
      const cfg = await config();
      this.iceServers = Array.isArray(cfg.iceServers) ? cfg.iceServers : [];
      const stream = await microphone();
      if (!this.active) {
        stream.getTracks().forEach((t) => t.stop()); // hung up meanwhile
        return;
      }
      this.stream = stream;
      let session = null;
      session = await Session.open(serverURL(this.o.server, cfg.wcp), {
        onEvent: (m) => this.event(m),
        onClose: () => {
          if (session && this.session === session) this.end('failed', 'The connection to the switch closed.');
        },
        log: (t) => console.info('hookswitch click-to-call: ' + t),
      });
      if (!this.active) {
        session.close(); // hung up meanwhile
        return;
      }
      this.session = session;
      this.media = new CallMedia({ iceServers: this.iceServers, audio: this.audio, stream: this.stream });
      const sdp = await this.media.offer();
      if (!this.active) return;
      const ack = await this.session.command(Op.GUEST_CALL, {
        to: this.to,
        nonce: this.session.nonce,
        disp: (this.o.disp || '').slice(0, 128),
        from: USER_PART_RE.test(this.o.from || '') ? this.o.from : '',
        cdata: (this.o.cdata || '').slice(0, 1024),
        skill: (this.o.skill || '').slice(0, 64),
        sdp,
      });
      this.cid = ack.get('cid');
      if (!this.active) {
        session.command(Op.DISCONNECT, { cid: this.cid }).catch(() => {});
        return;
      }
      if (this.state === 'connecting') this.show('calling');
    } catch (err) {
      if (!this.active) return;
      let why = err.message;
      if (err instanceof ReplyError) why = err.code === Code.REFUSED ? 'Calling is not available right now.' : err.code === Code.NO_RESOURCE ? 'The line is busy. Try again later.' : `The call failed (${err.reason || err.code}).`;
      this.end('failed', why);
    }
  }

  async event(m) {
    if (m.get('cid') !== this.cid || !this.media) return;
    try {
      if (m.op === Ev.MEDIA_CHANGE) {
        if (this.media.offering) await this.media.accept(m.get('sdp'));
        else await this.session.command(Op.ANSWER, { cid: this.cid, sdp: await this.media.answer(m.get('sdp')) });
      } else if (m.op === Ev.RESET_MEDIA) {
        this.media.close();
        this.media = new CallMedia({ iceServers: this.iceServers, audio: this.audio, stream: this.stream });
      } else if (m.op === Ev.CALL_STATE) {
        const s = Number(m.get('state'));
        if (s === CallState.RINGING) this.show('ringing');
        else if (s === CallState.CONNECTED || s === CallState.LOCAL_HOLD || s === CallState.REMOTE_HOLD) {
          if (!this.connectedAt) this.connectedAt = Date.now();
          if (this.state !== 'connected') this.show('connected');
        } else if (s === CallState.DISCONNECTED) {
          const cause = Number(m.get('cause')) || 0;
          this.end('ended', this.connectedAt ? 'Call ended.' : cause === 486 ? 'Busy. Try again later.' : 'No answer.');
        }
      }
    } catch (err) {
      this.hangup(`Media failed: ${err.message}`);
    }
  }

  dtmf(k) {
    if (this.state !== 'connected') return;
    this.session.command(Op.DTMF, { cid: this.cid, dtmf: k }).catch(() => {});
  }

  hangup(why = 'Call ended.') {
    // The 1010 goes out before end closes the session (a WebSocket sends
    // what it has queued before its close frame); its reply is not awaited,
    // as the switch hangs up a closed session's calls anyway.
    if (this.session && this.cid) this.session.command(Op.DISCONNECT, { cid: this.cid }).catch(() => {});
    this.end('ended', why);
  }

  // end finishes the call once, whatever ends it first.
  end(state, why) {
    if (!this.active) return;
    this.active = false;
    const s = this.session;
    this.session = null;
    if (this.media) this.media.close();
    this.media = null;
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    if (s) s.close();
    this.show(state, why);
  }
}

function mountAll() {
  for (const el of document.querySelectorAll('[data-hookswitch-call]')) mount(el);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll, { once: true });
else mountAll();

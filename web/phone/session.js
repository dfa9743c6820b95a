// One web-call-protocol session over a WebSocket: the connect handshake,
// commands with their seq and the replies that answer them, and events.
// Shared by the phone and the click-to-call widget.

import { Message, Op, OP_ERROR, ackOp, isEvent, parse } from './protocol.js';

export const SUBPROTOCOL = 'web-call-protocol';

// How long a command waits for its reply. The server answers every command
// at once (outcomes come later as events), so this only bounds a dead link.
const REPLY_TIMEOUT_MS = 15000;

// ReplyError is a reply whose code is not 0 (or op 2000).
export class ReplyError extends Error {
  constructor(op, reply) {
    const reason = reply.get('reason');
    super(`op ${op} refused: code ${reply.get('code') || '?'}${reason ? ': ' + reason : ''}`);
    this.name = 'ReplyError';
    this.op = op;
    this.code = Number(reply.get('code'));
    this.reason = reason;
    this.reply = reply;
  }
}

// defaultServer is the page's own origin's /wcp, ws: or wss: as the page.
export function defaultServer(base = globalThis.location) {
  const u = new URL('/wcp', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

export class Session {
  // open connects, sends op 1000 and resolves once the nonce is in.
  static async open(url, { onEvent = () => {}, onClose = () => {}, log = () => {} } = {}) {
    const s = new Session(url, onEvent, onClose, log);
    await s.opened;
    const ack = await s.command(Op.CONNECT);
    s.nonce = ack.get('nonce');
    if (!/^[0-9a-f]{32}$/.test(s.nonce)) {
      s.close();
      throw new Error('the server sent no valid nonce');
    }
    return s;
  }

  constructor(url, onEvent, onClose, log) {
    this.url = url;
    this.nonce = '';
    this.closed = false;
    this.onEvent = onEvent;
    this.onClose = onClose;
    this.log = log;
    this.seq = 0;
    this.pending = new Map(); // seq -> {op, resolve, reject, timer}
    let ws;
    try {
      ws = new WebSocket(url, SUBPROTOCOL);
    } catch (err) {
      this.opened = Promise.reject(new Error(`cannot open ${url}: ${err.message}`));
      return;
    }
    this.ws = ws;
    this.opened = new Promise((resolve, reject) => {
      ws.onopen = () => {
        if (ws.protocol !== SUBPROTOCOL) {
          reject(new Error(`${url} does not speak ${SUBPROTOCOL}`));
          ws.close(1002);
          return;
        }
        resolve();
      };
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    this.opened.catch(() => {});
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => this.shut(e.code, e.reason);
  }

  // command sends op with fields (an object; null, undefined and "" values
  // are left out, as an empty optional field means none) and resolves with
  // the reply, or rejects with a ReplyError when its code is not 0.
  command(op, fields = {}) {
    if (this.closed) return Promise.reject(new Error('the connection to the switch is closed'));
    const seq = String(++this.seq);
    const m = new Message(op, seq);
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== null && v !== '') m.add(k, v);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`no reply to op ${op} from the switch`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(seq, { op, resolve, reject, timer });
      try {
        this.ws.send(m.encode());
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(seq);
        reject(new Error(`send op ${op}: ${err.message}`));
      }
    });
  }

  receive(data) {
    if (typeof data !== 'string') {
      this.log('ignored a binary frame');
      return;
    }
    let m;
    try {
      m = parse(data);
    } catch (err) {
      this.log(`ignored a bad frame from the switch: ${err.message}`);
      return;
    }
    if (isEvent(m.op)) {
      this.onEvent(m);
      return;
    }
    const p = this.pending.get(m.seq);
    if (!p || (m.op !== ackOp(p.op) && m.op !== OP_ERROR)) {
      this.log(`ignored op ${m.op} (seq ${m.seq || 'none'}): it answers no command sent`);
      return;
    }
    this.pending.delete(m.seq);
    clearTimeout(p.timer);
    if (m.op === OP_ERROR || m.get('code') !== '0') p.reject(new ReplyError(p.op, m));
    else p.resolve(m);
  }

  shut(code, reason) {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the connection to the switch closed'));
    }
    this.pending.clear();
    this.onClose({ code, reason });
  }

  close() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
    this.shut(1000, 'closed by the page');
  }
}

// The web-call-protocol frame codec (docs/web-call-protocol.md), with the
// same rules, limits and checking order as the Go codec in web/callproto:
// phone_test.go runs both on the same frames and wants the same answer.
// A module without side effects, so the phone, the click-to-call widget and
// Node (for the tests) can all import it.

export const MAX_FRAME = 65536; // bytes in one frame, line ends included
export const MAX_LINES = 256; // non-empty lines, op and seq included
export const MAX_KEY = 16; // bytes in a key
export const MAX_VALUE = 32768; // bytes in a decoded value
export const MAX_SEQ = 64;

// Commands (client to server).
export const Op = Object.freeze({
  CONNECT: 1000, REGISTER: 1001, UNREGISTER: 1002, CALL: 1003, ANSWER: 1004,
  REJECT: 1005, RINGING: 1006, MODIFY: 1007, SECOND_CALL: 1008, SEND_MESSAGE: 1009,
  DISCONNECT: 1010, GUEST_CALL: 1011, DTMF: 1012, RECORD: 1013, BLF: 1014,
});

// Replies: op 2000 answers a frame that has no ACK; 4001 answers 1000.
export const OP_ERROR = 2000;
export const ACK_CONNECT = 4001;

// Events (server to client, unasked).
export const Ev = Object.freeze({
  REGISTER_STATE: 9001, INCOMING_CALL: 9002, MEDIA_CHANGE: 9003, CALL_STATE: 9004,
  MESSAGE: 9005, MESSAGE_REPORT: 9006, SECOND_CALL_STATE: 9007, RESET_MEDIA: 9008,
  ANSWER_NOW: 9009, AGENT_ANSWER: 9010, VOICEMAIL: 9011, BLF_STATE: 9012,
});

export const Code = Object.freeze({ PROCESSING: 0, REFUSED: -1, PARAM_ERROR: -2, NO_RESOURCE: -3, NO_SUCH_CALL: -4 });
export const CallState = Object.freeze({ DISCONNECTED: 0, RINGING: 1, CONNECTED: 2, LOCAL_HOLD: 3, REMOTE_HOLD: 4 });
export const Modify = Object.freeze({ UNHOLD: 0, HOLD: 1, RETRIEVE: 2, REFRESH_VIDEO: 3 });

const KEY_RE = /^[a-z][a-z0-9_]{0,15}$/;
const SEQ_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const OP_RE = /^(?:0|[1-9][0-9]{0,8})$/;
// In a raw value: C0 controls other than TAB, and DEL. A lone surrogate is
// what invalid UTF-8 becomes in a JS string (\p{Cs} in u-mode matches only
// unpaired ones).
const CONTROL_RE = /[\x00-\x08\x0a-\x1f\x7f]/;
const LONE_SURROGATE_RE = /\p{Cs}/u;
const ESCAPE_RE = /\\([\s\S]?)/g;
const TO_ESCAPE_RE = /[\\\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\p{Cs}/gu;

// FrameError says where a frame breaks the format (kind "malformed") or a
// limit (kind "too-large"), like callproto.ParseError: line is 1-based, 0
// for the frame as a whole; key is set once the line's key is known good.
export class FrameError extends Error {
  constructor(kind, line, key, detail) {
    const where = line > 0 ? (key ? `line ${line} (${key}): ` : `line ${line}: `) : '';
    super(where + detail);
    this.name = 'FrameError';
    this.kind = kind;
    this.line = line;
    this.key = key;
  }
}

const malformed = (line, key, detail) => new FrameError('malformed', line, key, detail);
const tooLarge = (line, key, detail) => new FrameError('too-large', line, key, detail);

// utf8Length is the size of s in UTF-8 (a lone surrogate counts as the
// three bytes of U+FFFD, which is what it would be sent as).
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const clip = (s) => (s.length > 40 ? s.slice(0, 40) + '...' : s);

// Message is one frame: op, seq ("" when absent) and its other fields, in
// order, as [key, value] pairs (keys may repeat).
export class Message {
  constructor(op, seq = '', fields = []) {
    this.op = op;
    this.seq = seq;
    this.fields = [];
    for (const [k, v] of fields) this.add(k, v);
  }

  // get is the first value of key, "" when absent.
  get(key) {
    const f = this.fields.find(([k]) => k === key);
    return f ? f[1] : '';
  }

  has(key) {
    return this.fields.some(([k]) => k === key);
  }

  // all is every value of key, in order.
  all(key) {
    return this.fields.filter(([k]) => k === key).map(([, v]) => v);
  }

  // add appends key=value. Keys come from the program, never from a peer,
  // so a bad one is a bug: it throws.
  add(key, value) {
    if (!KEY_RE.test(key) || key === 'op' || key === 'seq') {
      throw new TypeError(`web-call-protocol: key ${JSON.stringify(key)} cannot go on the wire`);
    }
    this.fields.push([key, String(value)]);
    return this;
  }

  // encode is the frame as the server writes it: op, then seq (when well
  // formed), then the fields, lines joined by LF, no final LF. Values are
  // escaped; control characters other than TAB, CR and LF, and lone
  // surrogates, become U+FFFD (as callproto's Encode does).
  encode() {
    let s = 'op=' + String(this.op);
    if (SEQ_RE.test(this.seq)) s += '\nseq=' + this.seq;
    for (const [k, v] of this.fields) s += '\n' + k + '=' + escapeValue(v);
    return s;
  }
}

// escapeValue writes CR, LF and backslash as \r, \n and \\.
export function escapeValue(v) {
  return String(v).replace(TO_ESCAPE_RE, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return '\uFFFD';
  });
}

// unescapeValue decodes a raw value strictly: \\ \r \n are the only escapes,
// then the raw text must hold no control character but TAB and be valid
// text, then the decoded value must fit MAX_VALUE. line and key only place
// the error.
export function unescapeValue(raw, line = 0, key = '') {
  let out = raw;
  if (raw.includes('\\')) {
    out = raw.replace(ESCAPE_RE, (_, c, at) => {
      if (c === '\\') return '\\';
      if (c === 'r') return '\r';
      if (c === 'n') return '\n';
      if (c === '') throw malformed(line, key, 'value ends in a lone backslash (write \\\\ for a backslash)');
      throw malformed(line, key, `unknown escape at ${at}: backslash then ${JSON.stringify(c)} (only \\\\, \\r and \\n exist)`);
    });
  }
  checkRaw(raw, line, key);
  if (utf8Length(out) > MAX_VALUE) {
    throw tooLarge(line, key, `value of ${utf8Length(out)} bytes is over the limit of ${MAX_VALUE}`);
  }
  return out;
}

function checkRaw(raw, line, key) {
  const m = CONTROL_RE.exec(raw);
  if (m) {
    const hex = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    throw malformed(line, key, `control character 0x${hex} (escape CR and LF as \\r and \\n)`);
  }
  if (LONE_SURROGATE_RE.test(raw)) throw malformed(line, key, 'invalid UTF-8');
}

// parse reads one frame (a string: what a WebSocket text frame gives).
// Lines end in LF or CRLF; empty lines are skipped. It throws a FrameError.
export function parse(frame) {
  if (typeof frame !== 'string') throw malformed(0, '', 'frame is not text');
  const size = utf8Length(frame);
  if (size > MAX_FRAME) throw tooLarge(0, '', `frame of ${size} bytes is over the limit of ${MAX_FRAME}`);
  const m = new Message(undefined);
  let haveOp = false;
  let haveSeq = false;
  let n = 0;
  let lines = 0;
  for (let pos = 0; pos < frame.length;) {
    const lf = frame.indexOf('\n', pos);
    let line;
    if (lf < 0) {
      line = frame.slice(pos);
      pos = frame.length;
    } else {
      line = frame.slice(pos, lf);
      pos = lf + 1;
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    n++;
    if (line === '') continue;
    if (++lines > MAX_LINES) throw tooLarge(n, '', `more than ${MAX_LINES} lines`);
    const eq = line.indexOf('=');
    if (eq < 0) throw malformed(n, '', `${JSON.stringify(clip(line))} has no '=' (want key=value)`);
    const key = line.slice(0, eq);
    const raw = line.slice(eq + 1);
    if (utf8Length(key) > MAX_KEY) throw tooLarge(n, '', `key ${JSON.stringify(clip(key))} is longer than ${MAX_KEY} bytes`);
    if (!KEY_RE.test(key)) throw malformed(n, '', `key ${JSON.stringify(key)} is not 1-${MAX_KEY} lowercase letters, digits or _ starting with a letter`);
    if (key === 'op') {
      if (haveOp) throw malformed(n, key, 'op given twice');
      if (!OP_RE.test(raw)) throw malformed(n, key, `${JSON.stringify(clip(raw))} is not a decimal number without sign or leading zeros`);
      m.op = Number(raw);
      haveOp = true;
    } else if (key === 'seq') {
      if (haveSeq) throw malformed(n, key, 'seq given twice');
      if (!SEQ_RE.test(raw)) throw malformed(n, key, `${JSON.stringify(clip(raw))} is not 1-${MAX_SEQ} letters, digits or . _ : -`);
      m.seq = raw;
      haveSeq = true;
    } else {
      m.fields.push([key, unescapeValue(raw, n, key)]);
    }
  }
  if (!haveOp) throw malformed(0, '', 'no op line');
  return m;
}

// ackOp is the op of the reply to command op, 0 when op is no command.
export function ackOp(op) {
  if (op === Op.CONNECT) return ACK_CONNECT;
  if (op > Op.CONNECT && op <= Op.BLF) return op + 1000;
  return 0;
}

export const isEvent = (op) => op >= Ev.REGISTER_STATE && op <= Ev.BLF_STATE;
export const isReply = (op) => op === OP_ERROR || op === ACK_CONNECT || (op >= 2001 && op <= 2014);

// USER_PART_RE is the protocol's "user part": what the phone lets a user
// dial (no # @ % or space).
export const USER_PART_RE = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,64}$/;
export const DTMF_RE = /^[0-9*#A-D]$/;

// proof is the register password proof, hex(HMAC-SHA256(password, nonce
// ":" tel)). crypto.subtle exists only in secure contexts (HTTPS, localhost).
export async function proof(password, nonce, tel) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) throw new Error('this page is not a secure context (HTTPS or localhost), so it cannot compute the password proof');
  const enc = new TextEncoder();
  const key = await subtle.importKey('raw', enc.encode(password), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await subtle.sign('HMAC', key, enc.encode(nonce + ':' + tel));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

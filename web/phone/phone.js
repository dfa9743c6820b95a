// The built-in web phone: index.html's behaviour. It speaks the
// web-call-protocol (docs/web-call-protocol.md) through session.js, with
// media through media.js. Its one global is window.HookswitchPhone, the
// phone's API, which the tests (and curious integrators) drive.
//
// Everything the switch, the phone book or the far end sends is data: it
// only ever reaches the page as textContent, never as HTML.

import { Op, Ev, CallState, Modify, USER_PART_RE, DTMF_RE, proof } from './protocol.js';
import { Session, ReplyError, defaultServer } from './session.js';
import { CallMedia, microphone } from './media.js';
import { entry, fetchBook, blfState } from './book.js';

const $ = (id) => document.getElementById(id);

const HISTORY_MAX = 100;
const BLF_MAX = 200; // extensions in one op 1014 (the protocol's ext list limit)
const VOICEMAIL_NUMBER = '*61'; // the default script set's "own mailbox" code (scripts/apps.lua)
const REGISTER_TIMEOUT_MS = 15000;

// ---- storage: per-extension history, contacts and redial; never passwords

const store = {
  get(key, fallback) {
    try {
      const v = localStorage.getItem('hookswitch.phone.' + key);
      return v === null ? fallback : JSON.parse(v);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem('hookswitch.phone.' + key, JSON.stringify(value));
    } catch {
      // Private mode or a full quota: the phone works without memory.
    }
  },
};

// ---- state

const state = {
  config: { wcp: '/wcp', iceServers: [] },
  session: null,
  ext: '',
  registered: false,
  loggingIn: false,
  pbook: '',
  calls: new Set(), // every live Call
  current: null, // the Call the call panel shows
  vm: null, // {newCount, oldCount, urgentNew, urgentOld}
  book: [], // {number, name, blf}
  bookSource: 'local',
  blf: new Map(), // ext -> idle | ringing | busy | unknown
  history: [],
  status: 'Signed out',
  statusKind: '',
  timer: 0,
};

// Call is one call of this phone.
class Call {
  constructor(dir, number, name) {
    this.dir = dir; // 'out' | 'in'
    this.number = number;
    this.name = name || '';
    this.cid = '';
    // dialing (no cid yet), calling, ringing, answering, connected, held,
    // remote-held, ended
    this.state = dir === 'in' ? 'ringing' : 'dialing';
    this.offer = ''; // an incoming call's SDP offer
    this.media = null;
    this.stream = null;
    this.muted = false;
    this.recording = false;
    this.started = Date.now();
    this.connectedAt = 0;
    this.second = null; // a transfer's second call (see Second)
    this.digits = '';
    this.hungUp = false; // the user ended it
    this.transferredTo = '';
    this.consult = false; // a transfer's second call that outlived its first
  }

  get live() {
    return this.state !== 'ended';
  }

  get talking() {
    return this.state === 'connected' || this.state === 'held' || this.state === 'remote-held';
  }
}

// Second is a transfer's second call (op 1008), the consultation: its own
// peer connection and microphone track, playing through its own audio
// element, so the page talks to the person consulted while the first call
// is held. Its states come as 9007, its SDP answer as 9003.
class Second {
  constructor(number) {
    this.cid = ''; // from ACK 2008
    this.number = number;
    this.state = 'calling'; // calling, ringing, connected
    this.media = null;
    this.stream = null;
    this.connectedAt = 0;
  }

  // close ends its media; the call itself is the switch's to end.
  close() {
    if (this.media) this.media.close();
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.media = null;
    this.stream = null;
  }
}

// ---- status line

function status(text, kind = '') {
  state.status = text;
  state.statusKind = kind;
  const el = $('status');
  el.textContent = text;
  el.className = 'status' + (kind ? ' ' + kind : '');
}

function log(text) {
  console.info('hookswitch phone: ' + text);
}

function failed(what, err) {
  const text = err instanceof ReplyError && err.reason ? `${what}: ${err.reason}` : `${what}: ${err.message || err}`;
  status(text, 'error');
  log(text);
}

// ---- login and session

function browserType() {
  const ua = navigator.userAgent;
  if (/Edg\//.test(ua)) return 3;
  if (/OPR\//.test(ua)) return 2;
  if (/Firefox\//.test(ua)) return 1;
  if (/Safari\//.test(ua) && !/Chrom(e|ium)\//.test(ua)) return 4;
  return 0;
}

let registerWait = null; // {resolve, reject} while a 1001 waits for its 9001

async function login({ ext, password, server, mwi = true }) {
  ext = String(ext || '').trim();
  server = String(server || '').trim() || serverDefault();
  if (!USER_PART_RE.test(ext)) throw new Error('Enter your extension number.');
  if (!password) throw new Error('Enter your password.');
  let url;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`"${server}" is not an address (wss://host/wcp).`);
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new Error('The switch address must start with wss:// (or ws://).');
  if (state.session) await logout();

  state.loggingIn = true;
  status('Connecting\u2026');
  render();
  let session;
  try {
    session = await Session.open(url.href, { onEvent, onClose: (e) => closed(session, e), log });
    state.session = session;
    const pwd = await proof(password, session.nonce, ext);
    const registered = new Promise((resolve, reject) => {
      registerWait = { resolve, reject };
      setTimeout(() => reject(new Error('The switch did not confirm the registration.')), REGISTER_TIMEOUT_MS);
    });
    registered.catch(() => {});
    status('Signing in\u2026');
    const ack = await session.command(Op.REGISTER, { tel: ext, pwd, mwi: mwi ? 1 : 0, btype: browserType() });
    state.pbook = ack.get('pbook');
    await registered;
  } catch (err) {
    registerWait = null;
    state.loggingIn = false;
    if (session) {
      state.session = null;
      session.close();
    }
    status('Signed out');
    render();
    throw err instanceof ReplyError ? new Error(`The switch refused: ${err.reason || 'code ' + err.code}`) : err;
  }
  registerWait = null;
  state.loggingIn = false;
  state.ext = ext;
  state.registered = true;
  // The address is remembered only when it is not the default, so a
  // switch that moves its endpoint is followed.
  store.set('login', { ext, server: url.href === serverDefault() ? '' : url.href, mwi });
  state.history = store.get('history.' + ext, []);
  status(`Registered as ${ext}`, 'ok');
  render();
  renderHistory();
  loadBook().catch((err) => failed('Phone book', err));
  return true;
}

function registerMessage(code) {
  if (code === -403) return 'Wrong extension or password.';
  if (code === -404) return 'No such extension.';
  if (code === -2) return 'The registration timed out.';
  return `Registration refused (${-code}).`;
}

async function logout() {
  const s = state.session;
  if (!s) return;
  for (const c of [...state.calls]) {
    // A second call first: 1010 on a first call with one up would
    // complete the transfer.
    if (c.second && c.second.cid) await s.command(Op.DISCONNECT, { cid: c.second.cid }).catch(() => {});
    if (c.cid) await s.command(Op.DISCONNECT, { cid: c.cid }).catch(() => {});
    endCall(c, c.connectedAt ? 'answered' : c.dir === 'in' ? 'missed' : 'cancelled');
  }
  if (state.registered) await s.command(Op.UNREGISTER).catch(() => {});
  state.session = null;
  s.close();
  reset('Signed out');
}

// closed runs when a session's WebSocket closes, whoever closed it.
function closed(session, e) {
  if (session !== state.session) return;
  state.session = null;
  for (const c of [...state.calls]) endCall(c, c.connectedAt ? 'answered' : 'failed', 'connection lost');
  if (registerWait) {
    registerWait.reject(new Error('The switch closed the connection.'));
    return;
  }
  reset(`Connection to the switch lost (${e.code || 'no code'}${e.reason ? ': ' + e.reason : ''}).`, 'error');
  $('login-error').textContent = 'The connection to the switch was lost. Sign in again.';
}

function reset(text, kind = '') {
  state.registered = false;
  state.ext = '';
  state.pbook = '';
  state.book = [];
  state.blf.clear();
  state.vm = null;
  state.current = null;
  state.history = [];
  status(text, kind);
  render();
  renderBook();
  renderHistory();
}

// ---- events

const eventHandlers = {
  [Ev.REGISTER_STATE]: onRegisterState,
  [Ev.INCOMING_CALL]: onIncoming,
  [Ev.MEDIA_CHANGE]: onMediaChange,
  [Ev.CALL_STATE]: onCallState,
  [Ev.MESSAGE]: (m) => status(`Message from ${m.get('from')}: ${m.get('msg')}`),
  [Ev.SECOND_CALL_STATE]: onSecondCallState,
  [Ev.RESET_MEDIA]: onResetMedia,
  [Ev.ANSWER_NOW]: (m) => {
    const c = callOf(m.get('cid'));
    if (c && c.dir === 'in' && c.state === 'ringing') answer(c).catch((err) => failed('Answer', err));
  },
  [Ev.AGENT_ANSWER]: (m) => status(`Answered by agent ${m.get('agtel')}`),
  [Ev.VOICEMAIL]: onVoicemail,
  [Ev.BLF_STATE]: onBLF,
};

function onEvent(m) {
  const h = eventHandlers[m.op];
  if (!h) return;
  try {
    const p = h(m);
    if (p && p.catch) p.catch((err) => failed(`Event ${m.op}`, err));
  } catch (err) {
    failed(`Event ${m.op}`, err);
  }
}

function onRegisterState(m) {
  const code = Number(m.get('state'));
  if (registerWait) {
    if (code === 0) registerWait.resolve();
    else registerWait.reject(new Error(registerMessage(code)));
    return;
  }
  if (code === 0) {
    state.registered = true;
    status(`Registered as ${state.ext}`, 'ok');
  } else if (code === -3) {
    status('Your registration was updated elsewhere.');
  } else {
    state.registered = false;
    status(code === -1 ? 'Unregistered.' : registerMessage(code), 'error');
  }
  render();
}

function callOf(cid) {
  if (!cid) return null;
  for (const c of state.calls) if (c.cid === cid) return c;
  return null;
}

function onIncoming(m) {
  const cid = m.get('cid');
  if (!cid || callOf(cid)) return;
  const from = m.get('from');
  const c = new Call('in', from, m.get('disp') || nameOf(from));
  c.cid = cid;
  c.offer = m.get('sdp');
  state.calls.add(c);
  status(`Incoming call from ${label(c)}`);
  render();
  // Keyboard users land on Answer (Enter answers, Escape rejects), unless
  // they are typing somewhere.
  if (!(document.activeElement instanceof HTMLInputElement)) $('answer').focus();
  // The page is ringing: tell the caller (180).
  state.session.command(Op.RINGING, { cid }).catch((err) => log(`ringing: ${err.message}`));
}

async function onMediaChange(m) {
  const first = firstOf(m.get('cid'));
  if (first) return secondMediaChange(first, m.get('sdp'));
  const c = callOf(m.get('cid'));
  if (!c) return;
  const sdp = m.get('sdp');
  if (!c.media) {
    c.offer = sdp; // not answered yet: the newest offer counts
    return;
  }
  if (c.media.negotiated) {
    log(`ignored a 9003 for the negotiated call ${c.cid}`);
    return;
  }
  try {
    if (c.media.offering) {
      await c.media.accept(sdp);
      return;
    }
    // A new offer (after 9008, or the far end changed its media).
    const answerSDP = await c.media.answer(sdp);
    await state.session.command(Op.ANSWER, { cid: c.cid, sdp: answerSDP });
  } catch (err) {
    // A call whose media cannot work is hung up, not left silent.
    if (c.live) hangup(c).catch(() => {});
    throw new Error(`the switch's media description does not work here: ${err.message}`);
  }
}

// secondMediaChange is a 9003 for a transfer's second call: the answer to
// the 1008's offer, or a new offer the page answers with 1004.
async function secondMediaChange(c, sdp) {
  const s = c.second;
  if (!s.media) return;
  if (s.media.negotiated) {
    log(`ignored a 9003 for the negotiated second call ${s.cid}`);
    return;
  }
  try {
    if (s.media.offering) {
      await s.media.accept(sdp);
      return;
    }
    const answerSDP = await s.media.answer(sdp);
    await state.session.command(Op.ANSWER, { cid: s.cid, sdp: answerSDP });
  } catch (err) {
    // The consultation is dropped rather than left silent; the first call
    // stays held, for the user to resume.
    if (c.second === s) dropSecond(c, true);
    throw new Error(`the switch's media description for the transfer does not work here: ${err.message}`);
  }
}

function onResetMedia(m) {
  const first = firstOf(m.get('cid'));
  if (first) {
    const s = first.second;
    if (!s.media) return;
    s.media.close();
    s.media = new CallMedia({ iceServers: state.config.iceServers, audio: $('second-audio'), stream: s.stream });
    applyMute(first);
    return;
  }
  const c = callOf(m.get('cid'));
  if (!c || !c.media) return;
  c.media.close();
  c.media = new CallMedia({ iceServers: state.config.iceServers, audio: c.consult ? $('second-audio') : $('remote-audio'), stream: c.stream });
  applyMute(c);
}

function onCallState(m) {
  const c = callOf(m.get('cid'));
  if (!c) return;
  const s = Number(m.get('state'));
  const cause = Number(m.get('cause')) || 0;
  switch (s) {
    case CallState.RINGING:
      if (c.dir === 'out') c.state = 'ringing';
      break;
    case CallState.CONNECTED:
      if (!c.connectedAt) c.connectedAt = Date.now();
      c.state = 'connected';
      break;
    case CallState.LOCAL_HOLD:
      c.state = 'held';
      break;
    case CallState.REMOTE_HOLD:
      c.state = 'remote-held';
      break;
    case CallState.DISCONNECTED: {
      if (c.transferredTo) {
        // The cause is the transfer's outcome (a 2xx: done).
        if (!cause || (cause >= 200 && cause < 300)) endCall(c, 'transferred');
        else endCall(c, 'answered', `the transfer to ${c.transferredTo} failed: ${causeText(cause)}`, true);
        return;
      }
      let result = 'answered';
      if (!c.connectedAt) result = c.dir === 'in' ? 'missed' : c.hungUp ? 'cancelled' : 'failed';
      // The first call's party hung up during a consultation: the second
      // call goes on as a call of its own.
      endCall(c, result, cause ? causeText(cause) : '', true);
      return;
    }
    default:
      return;
  }
  if (c === state.current || !state.current) state.current = c;
  status(`${stateText(c)}: ${label(c)}`);
  render();
}

function onSecondCallState(m) {
  const cid = m.get('cid');
  const s = Number(m.get('state'));
  const cause = Number(m.get('cause')) || 0;
  const c = firstOf(cid);
  if (!c) {
    // A second call that outlived its first is a call of its own now, and
    // the switch still reports it as 9007.
    const p = callOf(cid);
    if (!p || !p.consult) return;
    if (s === CallState.DISCONNECTED) {
      endCall(p, p.connectedAt ? 'answered' : 'failed', cause ? causeText(cause) : '');
      return;
    }
    if (s === CallState.CONNECTED && p.state === 'ringing') {
      p.state = 'connected';
      p.connectedAt ||= Date.now();
    }
    render();
    return;
  }
  const x = c.second;
  if (s === CallState.DISCONNECTED) {
    // During a completed transfer this comes before the first call's
    // 9004, which says how the transfer went: the page waits for that.
    if (!c.transferredTo) status(`Transfer to ${x.number} ended${cause ? ': ' + causeText(cause) : ''}`);
    dropSecond(c, false);
  } else if (s === CallState.CONNECTED) {
    x.state = 'connected';
    x.connectedAt ||= Date.now();
  } else {
    x.state = 'ringing';
  }
  render();
}

// firstOf is the call whose transfer's second call is cid.
function firstOf(cid) {
  if (!cid) return null;
  for (const c of state.calls) if (c.second && c.second.cid === cid) return c;
  return null;
}

// applyMute sets a call's microphone tracks: the user's mute, and the
// first call's track is off while its second call is up (the first is
// held; the page talks to the person consulted). The first call's audio
// is silenced then too.
function applyMute(c) {
  if (c.media) c.media.mute(c.muted || !!c.second);
  if (c.second && c.second.media) c.second.media.mute(c.muted);
  if (!c.consult) $('remote-audio').muted = !!c.second;
}

// dropSecond forgets c's second call and closes its media; with hangUp it
// hangs the call up too (1010 on its cid).
function dropSecond(c, hangUp) {
  const s = c.second;
  if (!s) return;
  c.second = null;
  s.close();
  applyMute(c);
  if (hangUp && s.cid && state.session) state.session.command(Op.DISCONNECT, { cid: s.cid }).catch((err) => log(`hang up the second call: ${err.message}`));
}

// promote makes c's second call, still up when c ended, a call of its own:
// the user goes on talking to the person consulted.
function promote(c) {
  const s = c.second;
  c.second = null;
  const p = new Call('out', s.number, nameOf(s.number));
  p.consult = true; // its states come as 9007, its audio plays in #second-audio
  p.cid = s.cid;
  p.media = s.media;
  p.stream = s.stream;
  p.muted = c.muted;
  p.state = s.state === 'connected' ? 'connected' : 'ringing';
  p.connectedAt = s.connectedAt;
  p.started = Date.now();
  state.calls.add(p);
  $('remote-audio').muted = false;
  applyMute(p);
  return p;
}

// parseVoicemail reads the RFC 3842 counts "N/M (U/V)".
function parseVoicemail(vm) {
  const r = /^(\d{1,6})\/(\d{1,6})(?: \((\d{1,6})\/(\d{1,6})\))?$/.exec(vm.trim());
  if (!r) return null;
  return { newCount: +r[1], oldCount: +r[2], urgentNew: +(r[3] || 0), urgentOld: +(r[4] || 0) };
}

function onVoicemail(m) {
  const vm = parseVoicemail(m.get('vm'));
  if (!vm) {
    log(`ignored voicemail counts ${JSON.stringify(m.get('vm'))}`);
    return;
  }
  state.vm = vm;
  render();
}

function onBLF(m) {
  const ext = m.get('ext');
  if (!ext) return;
  const code = Number(m.get('state'));
  const st = code === 0 ? blfState(m.get('blfxml')) : 'unknown';
  state.blf.set(ext, st);
  // In place: a rebuilt list would move a keyboard user's focus.
  for (const li of $('book').children) {
    if (li.dataset.ext !== ext) continue;
    const dot = li.querySelector('.blf');
    if (!dot) continue;
    dot.dataset.state = st;
    dot.title = blfLabel[st];
    li.querySelector('.blf-text').textContent = blfLabel[st];
  }
}

// ---- calls

function activeCall() {
  const c = state.current;
  return c && c.live ? c : null;
}

async function dial(number) {
  number = String(number || '').trim();
  if (!state.session || !state.registered) throw new Error('Sign in first.');
  if (!number) throw new Error('Enter a number.');
  if (!USER_PART_RE.test(number)) throw new Error(`"${number}" is not a number the switch can dial.`);
  const busy = activeCall();
  if (busy && busy.state !== 'held') throw new Error('Hang up (or hold) the current call first.');
  const c = new Call('out', number, nameOf(number));
  state.calls.add(c);
  state.current = c;
  store.set('redial.' + state.ext, number);
  status(`Calling ${label(c)}\u2026`);
  render();
  try {
    c.stream = await microphone();
    c.media = new CallMedia({ iceServers: state.config.iceServers, audio: $('remote-audio'), stream: c.stream });
    const sdp = await c.media.offer();
    if (!c.live) return;
    const ack = await state.session.command(Op.CALL, { to: number, sdp });
    c.cid = ack.get('cid');
    if (!c.live) {
      // Hung up while the switch was taking the call.
      state.session.command(Op.DISCONNECT, { cid: c.cid }).catch(() => {});
      return;
    }
    if (c.state === 'dialing') c.state = 'calling';
    render();
  } catch (err) {
    endCall(c, 'failed', err instanceof ReplyError ? err.reason || `code ${err.code}` : err.message);
    throw err;
  }
}

async function answer(c) {
  if (!c || c.dir !== 'in' || c.state !== 'ringing') throw new Error('No call to answer.');
  const other = activeCall();
  if (other && other !== c && other.state === 'connected') await hold(true, other);
  c.state = 'answering';
  state.current = c;
  render();
  try {
    c.stream = await microphone();
    c.media = new CallMedia({ iceServers: state.config.iceServers, audio: $('remote-audio'), stream: c.stream });
    const sdp = await c.media.answer(c.offer);
    await state.session.command(Op.ANSWER, { cid: c.cid, sdp });
  } catch (err) {
    if (c.live) {
      state.session && state.session.command(Op.DISCONNECT, { cid: c.cid }).catch(() => {});
      endCall(c, 'failed', err.message);
    }
    throw err;
  }
}

async function reject(c, rc = 486) {
  if (!c || c.dir !== 'in' || c.state !== 'ringing') throw new Error('No call to reject.');
  // 302 needs a forward target, which this phone does not ask for.
  if (!Number.isInteger(rc) || rc < 300 || rc > 699 || rc === 302) throw new Error(`${rc} is not a status to reject with.`);
  c.hungUp = true;
  await state.session.command(Op.REJECT, { cid: c.cid, rc });
  endCall(c, 'rejected');
}

async function hangup(c = activeCall()) {
  if (!c || !c.live) throw new Error('No call to hang up.');
  if (c.second && !c.transferredTo) {
    // During a consultation, hanging up ends the consultation; the first
    // call stays held (1010 on the first call would complete the
    // transfer: that is the Complete button).
    const s = c.second;
    dropSecond(c, false);
    status(`Transfer to ${s.number} cancelled; the caller is on hold.`);
    render();
    if (s.cid) await state.session.command(Op.DISCONNECT, { cid: s.cid });
    return;
  }
  c.hungUp = true;
  if (!c.cid) {
    endCall(c, 'cancelled'); // dial() hangs up when the switch's cid comes
    return;
  }
  try {
    await state.session.command(Op.DISCONNECT, { cid: c.cid });
  } finally {
    let result = c.connectedAt ? 'answered' : c.dir === 'in' ? 'missed' : 'cancelled';
    if (c.transferredTo) result = 'transferred';
    endCall(c, result);
  }
}

// endCall forgets an ended call. Its second call, if any, goes with it,
// unless keepSecond: the switch keeps a second call that outlives its
// first (a failed transfer, the caller hung up), so the page keeps it too.
function endCall(c, result, why = '', keepSecond = false) {
  if (!c.live) return;
  c.state = 'ended';
  state.calls.delete(c);
  if (c.media) c.media.close();
  if (c.stream) c.stream.getTracks().forEach((t) => t.stop());
  if (c.second) {
    if (keepSecond && c.second.cid && c.second.media) promote(c);
    else dropSecond(c, false);
  }
  addHistory(c, result);
  if (state.current === c) {
    state.current = [...state.calls].find((x) => x.dir === 'out' || x.state !== 'ringing') || null;
  }
  const what = { answered: 'Call ended', transferred: `Transferred to ${c.transferredTo}`, missed: 'Missed call', rejected: 'Call rejected', cancelled: 'Call cancelled', failed: 'Call failed' }[result];
  status(`${what}: ${label(c)}${why ? ' (' + why + ')' : ''}`, result === 'failed' ? 'error' : '');
  render();
}

function needCall(connectedOnly = false) {
  const c = activeCall();
  if (!c || !c.cid || !c.talking) throw new Error('No call in progress.');
  if (connectedOnly && c.state !== 'connected') throw new Error('The call is not connected.');
  return c;
}

async function hold(on, c = needCall()) {
  await state.session.command(Op.MODIFY, { cid: c.cid, type: on ? Modify.HOLD : Modify.UNHOLD });
  c.state = on ? 'held' : 'connected';
  render();
}

function mute(on) {
  const c = needCall();
  c.muted = !!on;
  applyMute(c);
  render();
}

async function record(on) {
  const c = needCall();
  await state.session.command(Op.RECORD, { cid: c.cid, rec: on ? 1 : 0 });
  c.recording = !!on;
  status(on ? 'Recording' : 'Recording stopped');
  render();
}

async function dtmf(digit) {
  const c = needCall(true);
  digit = String(digit).toUpperCase();
  if (!DTMF_RE.test(digit)) throw new Error(`"${digit}" is not a DTMF digit.`);
  c.digits = (c.digits + digit).slice(-32);
  render();
  await state.session.command(Op.DTMF, { cid: c.cid, dtmf: digit });
}

// transfer starts a consultation (op 1008): the switch holds the first
// call and calls number from a second peer connection of the page, whose
// offer goes with the 1008, so the user talks to the person consulted.
async function transfer(number) {
  const c = needCall();
  number = String(number || '').trim();
  if (!USER_PART_RE.test(number)) throw new Error(`"${number}" is not a number the switch can dial.`);
  if (c.second) throw new Error('A transfer is already in progress.');
  if (c.consult) throw new Error('This call is a transfer\'s second call already.');
  const s = new Second(number);
  c.second = s;
  applyMute(c);
  $('transfer-form').hidden = true;
  status(`Calling ${number}; the caller is on hold.`);
  render();
  try {
    s.stream = await consultStream(c);
    s.media = new CallMedia({ iceServers: state.config.iceServers, audio: $('second-audio'), stream: s.stream });
    applyMute(c);
    const sdp = await s.media.offer();
    if (c.second !== s) throw new Error('the transfer was cancelled');
    const ack = await state.session.command(Op.SECOND_CALL, { cid: c.cid, rto: number, sdp });
    s.cid = ack.get('cid');
  } catch (err) {
    if (c.second === s) dropSecond(c, false);
    else s.close();
    render();
    throw err;
  }
  if (c.second !== s || !c.live) {
    // Cancelled or ended while the switch placed the second call: take
    // it back (1007 type=2 hangs it up and resumes the first).
    s.close();
    if (c.live) await state.session.command(Op.MODIFY, { cid: c.cid, type: Modify.RETRIEVE });
    else await state.session.command(Op.DISCONNECT, { cid: s.cid }).catch(() => {});
    return;
  }
  c.state = 'held'; // the switch holds the first call
  render();
}

// consultStream is the microphone for a second call: a clone of the first
// call's, so muting one does not mute the other, or a new one.
async function consultStream(c) {
  const stream = c.stream && c.stream.getAudioTracks().some((t) => t.readyState === 'live') ? c.stream.clone() : await microphone();
  stream.getAudioTracks().forEach((t) => {
    t.enabled = true;
  });
  return stream;
}

// completeTransfer sends 1010 on the first call with the second one up:
// the switch connects the two other parties, and the first call's 9004
// state=0 carries the transfer's final status as its cause (see
// onCallState), so the page waits for that before it says "transferred".
async function completeTransfer() {
  const c = needCall();
  if (!c.second) throw new Error('No transfer in progress.');
  // Without the second call's cid the switch has no second call yet, and
  // 1010 would only hang up.
  if (!c.second.cid) throw new Error('The second call is not placed yet.');
  if (c.transferredTo) throw new Error('The transfer is under way.');
  c.transferredTo = c.second.number;
  status(`Transferring ${label(c)} to ${c.transferredTo}\u2026`);
  render();
  try {
    await state.session.command(Op.DISCONNECT, { cid: c.cid });
  } catch (err) {
    c.transferredTo = '';
    render();
    throw err;
  }
}

// cancelTransfer goes back to the caller: 1007 type=2 hangs up the second
// call and resumes the first.
async function cancelTransfer() {
  const c = needCall();
  if (!c.second) throw new Error('No transfer in progress.');
  if (c.transferredTo) throw new Error('The transfer is under way.');
  const s = c.second;
  dropSecond(c, false);
  render();
  if (!s.cid) return; // transfer() takes it back once the switch names it
  await state.session.command(Op.MODIFY, { cid: c.cid, type: Modify.RETRIEVE });
  c.state = 'connected';
  render();
}

function redial() {
  const n = store.get('redial.' + state.ext, '');
  if (!n) throw new Error('Nothing to redial yet.');
  $('number').value = n;
  return dial(n);
}

// ---- phone book

// loadBook takes the switch's phone book (the register ACK's pbook URL,
// asked with ?pext=<extension> as the seed's phone-book service expects),
// or the extensions the user added here, then watches their BLF.
async function loadBook() {
  state.book = store.get('contacts.' + state.ext, []);
  state.bookSource = 'local';
  if (state.pbook) {
    try {
      state.book = await fetchBook(state.pbook, state.ext);
      state.bookSource = 'server';
    } catch (err) {
      status(`Phone book: ${err.message}`, 'error');
    }
  }
  renderBook();
  const exts = state.book.filter((e) => e.blf && USER_PART_RE.test(e.number)).map((e) => e.number);
  if (exts.length) await watch(exts.slice(0, BLF_MAX), true);
}

async function watch(exts, on) {
  if (!state.session || !exts.length) return;
  await state.session.command(Op.BLF, { blf: on ? 1 : 0, ext: exts.join(',') });
}

async function addContact(number, name = '') {
  const e = entry(number, name, true);
  if (!e || !USER_PART_RE.test(e.number)) throw new Error(`"${number}" is not an extension.`);
  if (state.bookSource !== 'local') throw new Error('The phone book comes from the switch.');
  if (state.book.some((x) => x.number === e.number)) throw new Error(`${e.number} is already in the phone book.`);
  state.book.push(e);
  store.set('contacts.' + state.ext, state.book);
  renderBook();
  await watch([e.number], true);
}

async function removeContact(number) {
  if (state.bookSource !== 'local') return;
  state.book = state.book.filter((x) => x.number !== number);
  state.blf.delete(number);
  store.set('contacts.' + state.ext, state.book);
  renderBook();
  await watch([number], false);
}

function nameOf(number) {
  const e = state.book.find((x) => x.number === number);
  return e ? e.name : '';
}

// ---- history

function addHistory(c, result) {
  if (!state.ext) return;
  const dur = c.connectedAt ? Math.round((Date.now() - c.connectedAt) / 1000) : 0;
  state.history.unshift({ dir: c.dir, number: c.number, name: c.name, at: c.started, dur, result });
  state.history.length = Math.min(state.history.length, HISTORY_MAX);
  store.set('history.' + state.ext, state.history);
  renderHistory();
}

// ---- rendering

const label = (c) => (c.name ? `${c.name} (${c.number})` : c.number === 'anonymous' ? 'Anonymous' : c.number);

function stateText(c) {
  return {
    dialing: 'Calling', calling: 'Calling', ringing: c.dir === 'in' ? 'Incoming' : 'Ringing', answering: 'Answering',
    connected: 'Connected', held: 'On hold', 'remote-held': 'Held by the other party', ended: 'Ended',
  }[c.state];
}

function causeText(code) {
  const known = { 404: 'not found', 408: 'no answer', 480: 'unavailable', 486: 'busy', 487: 'cancelled', 603: 'declined' };
  return known[code] ? `${known[code]}, ${code}` : String(code);
}

const duration = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

function render() {
  const signedIn = state.registered || (!!state.session && !state.loggingIn);
  $('login-view').hidden = signedIn;
  $('phone-view').hidden = !signedIn;
  $('logout').hidden = !signedIn;
  $('login-submit').disabled = state.loggingIn;
  renderVoicemail();
  if (!signedIn) return;

  const ringing = [...state.calls].find((c) => c.dir === 'in' && c.state === 'ringing');
  $('incoming').hidden = !ringing;
  if (ringing) {
    $('incoming').dataset.cid = ringing.cid;
    $('incoming-from').textContent = label(ringing);
  }

  const c = activeCall();
  const inCall = !!c && !(c.dir === 'in' && c.state === 'ringing');
  $('call').hidden = !inCall;
  $('call-button').disabled = inCall && c.state !== 'held';
  document.body.classList.toggle('in-call', inCall);
  if (inCall) {
    $('call').dataset.cid = c.cid;
    $('call').dataset.state = c.state;
    $('call-peer').textContent = label(c);
    $('call-state').textContent = stateText(c) + (c.recording ? ' \u00b7 recording' : '');
    setPressed('hold', c.state === 'held', 'Resume', 'Hold');
    setPressed('mute', c.muted, 'Unmute', 'Mute');
    setPressed('record', c.recording, 'Stop recording', 'Record');
    for (const id of ['hold', 'mute', 'record', 'transfer']) $(id).disabled = !c.talking || !c.cid;
    // During a transfer the switch holds the caller; "back to caller" or
    // "complete" end that, not hold.
    $('hold').disabled ||= !!c.second;
    $('transfer').disabled ||= !!c.second;
    $('transfer').setAttribute('aria-expanded', String(!$('transfer-form').hidden));
    $('transfer-state').hidden = !c.second;
    if (c.second) {
      const s = { calling: 'Calling', ringing: 'Ringing', connected: 'Talking to' }[c.second.state];
      $('transfer-status').textContent = c.transferredTo ? `Transferring to ${c.transferredTo}\u2026` : `${s} ${c.second.number}; the caller is on hold.`;
      $('transfer-complete').disabled = !!c.transferredTo || !c.second.cid;
      $('transfer-cancel').disabled = !!c.transferredTo;
    }
    $('dtmf-sent').textContent = c.digits ? `Sent: ${c.digits}` : '';
  } else {
    $('transfer-form').hidden = true;
  }
  $('redial').disabled = !store.get('redial.' + state.ext, '');
  tick();
}

function setPressed(id, on, onText, offText) {
  const b = $(id);
  b.setAttribute('aria-pressed', String(on));
  b.textContent = on ? onText : offText;
}

// tick shows the connected time; it runs once a second only while a call
// is connected.
function tick() {
  const c = activeCall();
  const on = !!c && !!c.connectedAt && c.talking;
  $('call-timer').textContent = on ? duration(Math.floor((Date.now() - c.connectedAt) / 1000)) : '';
  if (on && !state.timer) state.timer = setInterval(tick, 1000);
  if (!on && state.timer) {
    clearInterval(state.timer);
    state.timer = 0;
  }
}

function renderVoicemail() {
  const b = $('vm');
  const vm = state.vm;
  b.hidden = !state.registered || !vm;
  if (!vm) return;
  b.classList.toggle('lit', vm.newCount > 0);
  b.dataset.new = String(vm.newCount);
  $('vm-text').textContent = vm.newCount > 0 ? `${vm.newCount} new voicemail${vm.newCount === 1 ? '' : 's'}` : 'No new voicemail';
  b.title = `${vm.newCount} new, ${vm.oldCount} old (${vm.urgentNew} urgent new). Click to listen.`;
}

const blfLabel = { idle: 'idle', ringing: 'ringing', busy: 'busy', unknown: 'unknown' };

// keepFocus rebuilds a list with build() and gives the focus back to the
// same button of the same entry, if it had it.
function keepFocus(ul, build) {
  const a = document.activeElement;
  const li = a && ul.contains(a) ? a.closest('li') : null;
  const key = li ? li.dataset.ext || li.dataset.index : null;
  const cls = a && a.className;
  build();
  if (key === null) return;
  for (const x of ul.children) {
    if ((x.dataset.ext || x.dataset.index) === key) {
      const b = [...x.querySelectorAll('button')].find((y) => y.className === cls);
      if (b) b.focus();
    }
  }
}

function renderBook() {
  keepFocus($('book'), buildBook);
}

function buildBook() {
  const ul = $('book');
  ul.replaceChildren();
  $('book-add').hidden = state.bookSource !== 'local';
  $('book-note').textContent = state.book.length ? '' : state.bookSource === 'local' ? 'Add extensions to see whether they are free.' : 'The phone book is empty.';
  for (const e of state.book) {
    const li = el('li', { className: 'entry' });
    li.dataset.ext = e.number;
    const st = e.blf ? state.blf.get(e.number) || 'unknown' : '';
    if (st) {
      const dot = el('span', { className: 'blf', title: blfLabel[st] });
      dot.dataset.state = st;
      li.append(dot);
    }
    const who = el('span', { className: 'who' });
    who.append(el('span', { className: 'name', textContent: e.name || e.number }));
    who.append(el('span', { className: 'number', textContent: e.name ? e.number : '' }));
    if (st) who.append(el('span', { className: 'blf-text', textContent: blfLabel[st] }));
    li.append(who);
    const call = el('button', { type: 'button', className: 'call', textContent: 'Call' });
    call.setAttribute('aria-label', `Call ${e.name || e.number}`);
    call.onclick = () => act(() => dial(e.number));
    li.append(call);
    if (state.bookSource === 'local') {
      const rm = el('button', { type: 'button', className: 'ghost remove', textContent: '\u00d7' });
      rm.setAttribute('aria-label', `Remove ${e.name || e.number}`);
      rm.onclick = () => act(() => removeContact(e.number));
      li.append(rm);
    }
    ul.append(li);
  }
}

function renderHistory() {
  keepFocus($('history'), buildHistory);
}

function buildHistory() {
  const ul = $('history');
  ul.replaceChildren();
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  for (const [i, h] of state.history.entries()) {
    const li = el('li', { className: 'entry ' + h.result });
    li.dataset.index = String(i);
    li.dataset.number = h.number;
    li.dataset.result = h.result;
    const arrow = h.dir === 'in' ? '\u2199' : '\u2197';
    li.append(el('span', { className: 'dir', textContent: arrow, title: h.dir === 'in' ? 'incoming' : 'outgoing' }));
    const who = el('span', { className: 'who' });
    who.append(el('span', { className: 'name', textContent: h.name || h.number }));
    const when = fmt.format(new Date(h.at));
    who.append(el('span', { className: 'number', textContent: `${when} \u00b7 ${h.result}${h.dur ? ' \u00b7 ' + duration(h.dur) : ''}` }));
    li.append(who);
    if (USER_PART_RE.test(h.number) && h.number !== 'anonymous') {
      const b = el('button', { type: 'button', className: 'call', textContent: 'Call' });
      b.setAttribute('aria-label', `Call ${h.name || h.number}`);
      b.onclick = () => act(() => dial(h.number));
      li.append(b);
    }
    ul.append(li);
  }
  $('history-clear').hidden = !state.history.length;
}

function el(tag, props) {
  return Object.assign(document.createElement(tag), props);
}

// act runs a user action and shows its error on the status line.
function act(fn) {
  Promise.resolve()
    .then(fn)
    .catch((err) => failed('Error', err));
}

// ---- input

function press(key) {
  const c = activeCall();
  if (c && c.state === 'connected') {
    act(() => dtmf(key));
    return;
  }
  const n = $('number');
  n.value = (n.value + key).slice(0, 64);
}

function onKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  if ($('phone-view').hidden) return;
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
  const c = activeCall();
  const ringing = !$('incoming').hidden;
  if (e.key === 'Escape') {
    if (ringing) act(() => reject(callOf($('incoming').dataset.cid)));
    else if (c && c.live) act(() => hangup(c));
    else return;
    e.preventDefault();
    return;
  }
  if (e.key === 'Enter' && ringing && !(t instanceof HTMLButtonElement) && !typing) {
    e.preventDefault();
    act(() => answer(callOf($('incoming').dataset.cid)));
    return;
  }
  if (/^[0-9*#]$/.test(e.key)) {
    if (c && c.state === 'connected' && (!typing || t.id === 'number')) {
      e.preventDefault();
      press(e.key);
    } else if (!typing) {
      e.preventDefault();
      press(e.key);
      $('number').focus();
    }
    return;
  }
  if (e.key === 'Backspace' && !typing) {
    const n = $('number');
    n.value = n.value.slice(0, -1);
    e.preventDefault();
  }
}

function selectTab(which) {
  const book = which === 'book';
  $('tab-book').setAttribute('aria-selected', String(book));
  $('tab-history').setAttribute('aria-selected', String(!book));
  $('tab-book').tabIndex = book ? 0 : -1;
  $('tab-history').tabIndex = book ? -1 : 0;
  $('book-panel').hidden = !book;
  $('history-panel').hidden = book;
}

function serverDefault() {
  const w = state.config.wcp || '/wcp';
  if (/^wss?:\/\//i.test(w)) return w;
  const u = new URL(defaultServer(location));
  u.pathname = w.startsWith('/') ? w : '/' + w;
  return u.href;
}

function wire() {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    login({
      ext: $('login-ext').value,
      password: $('login-password').value,
      server: $('login-server').value,
      mwi: $('login-mwi').checked,
    }).then(
      () => {
        $('login-password').value = '';
        $('number').focus();
      },
      (err) => {
        $('login-error').textContent = err.message;
        status('Signed out');
      },
    );
  });
  $('logout').onclick = () => act(logout);
  $('dial-form').addEventListener('submit', (e) => {
    e.preventDefault();
    act(() => dial($('number').value));
  });
  $('keypad').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-key]');
    if (b) press(b.dataset.key);
  });
  $('backspace').onclick = () => {
    $('number').value = $('number').value.slice(0, -1);
  };
  $('redial').onclick = () => act(redial);
  $('answer').onclick = () => act(() => answer(callOf($('incoming').dataset.cid)));
  $('reject').onclick = () => act(() => reject(callOf($('incoming').dataset.cid)));
  $('hangup').onclick = () => act(() => hangup());
  $('hold').onclick = () => act(() => hold(activeCall() && activeCall().state !== 'held'));
  $('mute').onclick = () => act(() => mute(!(activeCall() && activeCall().muted)));
  $('record').onclick = () => act(() => record(!(activeCall() && activeCall().recording)));
  $('transfer').onclick = () => {
    const f = $('transfer-form');
    f.hidden = !f.hidden;
    $('transfer').setAttribute('aria-expanded', String(!f.hidden));
    if (!f.hidden) $('transfer-to').focus();
  };
  $('transfer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    act(() => transfer($('transfer-to').value));
  });
  $('transfer-complete').onclick = () => act(completeTransfer);
  $('transfer-cancel').onclick = () => act(cancelTransfer);
  $('vm').onclick = () => act(() => dial(VOICEMAIL_NUMBER));
  $('book-add').addEventListener('submit', (e) => {
    e.preventDefault();
    act(async () => {
      await addContact($('book-number').value, $('book-name').value);
      $('book-number').value = '';
      $('book-name').value = '';
    });
  });
  $('history-clear').onclick = () => {
    state.history = [];
    store.set('history.' + state.ext, []);
    renderHistory();
  };
  $('tab-book').onclick = () => selectTab('book');
  $('tab-history').onclick = () => selectTab('history');
  for (const id of ['tab-book', 'tab-history']) {
    $(id).addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const next = id === 'tab-book' ? 'history' : 'book';
      selectTab(next);
      $('tab-' + next).focus();
    });
  }
  document.addEventListener('keydown', onKey);
  window.addEventListener('pagehide', () => {
    if (state.session) state.session.close();
  });
}

// loadConfig reads config.json, which the switch serves next to this page
// (the web-call-protocol path and the ICE servers for WebRTC).
async function loadConfig() {
  try {
    const res = await fetch(new URL('config.json', import.meta.url), { cache: 'no-store' });
    if (!res.ok) return;
    const c = await res.json();
    if (typeof c.wcp === 'string' && c.wcp) state.config.wcp = c.wcp;
    if (Array.isArray(c.iceServers)) state.config.iceServers = c.iceServers;
  } catch (err) {
    log(`no config.json: ${err.message}`);
  }
}

// snapshot is the phone's state as plain data, for tests and debugging.
function snapshot() {
  const call = (c) => ({
    cid: c.cid, dir: c.dir, number: c.number, name: c.name, state: c.state, muted: c.muted,
    micEnabled: c.media && c.media.track ? c.media.track.enabled : null, recording: c.recording,
    second: c.second ? { cid: c.second.cid, number: c.second.number, state: c.second.state, micEnabled: c.second.media && c.second.media.track ? c.second.media.track.enabled : null } : null,
    digits: c.digits, consult: !!c.consult,
  });
  return {
    registered: state.registered, ext: state.ext, server: state.session ? state.session.url : '',
    firstAudioMuted: $('remote-audio').muted,
    status: state.status, statusKind: state.statusKind, vm: state.vm ? { ...state.vm } : null,
    calls: [...state.calls].map(call), current: state.current ? state.current.cid : '',
    book: state.book.map((e) => ({ ...e, state: state.blf.get(e.number) || '' })), bookSource: state.bookSource,
    history: state.history.map((h) => ({ ...h })),
  };
}

const current = () => activeCall();

window.HookswitchPhone = Object.freeze({
  login,
  logout,
  dial,
  redial,
  answer: (cid) => answer(cid ? callOf(cid) : [...state.calls].find((c) => c.state === 'ringing')),
  reject: (cid, rc) => reject(cid ? callOf(cid) : [...state.calls].find((c) => c.state === 'ringing'), rc),
  // hangup(cid) of a transfer's second call ends the consultation.
  hangup: (cid) => hangup(cid ? callOf(cid) || firstOf(cid) : current()),
  hold: (on = true) => hold(on),
  mute: (on = true) => mute(on),
  record: (on = true) => record(on),
  dtmf,
  transfer,
  completeTransfer,
  cancelTransfer,
  addContact,
  removeContact,
  state: snapshot,
  // stats is the current call's RTP counters and connection state.
  stats: async () => {
    const c = activeCall();
    return c && c.media ? c.media.stats() : null;
  },
  // secondStats is the same for the current call's transfer's second call.
  secondStats: async () => {
    const c = activeCall();
    return c && c.second && c.second.media ? c.second.media.stats() : null;
  },
});

async function start() {
  wire();
  await loadConfig();
  const saved = store.get('login', null);
  $('login-server').value = saved && typeof saved.server === 'string' && saved.server ? saved.server : serverDefault();
  if (saved && typeof saved.ext === 'string') $('login-ext').value = saved.ext;
  if (saved && typeof saved.mwi === 'boolean') $('login-mwi').checked = saved.mwi;
  render();
  document.documentElement.dataset.ready = 'true';
  (saved && saved.ext ? $('login-password') : $('login-ext')).focus();
}

start();

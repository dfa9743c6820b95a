package wcp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// outQueue bounds the frames waiting for a slow client; past it the
// session is closed rather than grow without end.
const outQueue = 256

// writeTimeout bounds one frame's write.
const writeTimeout = 10 * time.Second

// session is one socket: its nonce, at most one registration, its calls.
type session struct {
	srv    *Server
	conn   *websocket.Conn
	ip     string
	ctx    context.Context // ends with the socket
	cancel context.CancelFunc
	out    chan []byte
	work   chan func() // in-call SIP actions (DTMF, hold), in order
	wg     sync.WaitGroup

	outMu  sync.Mutex // orders event seqs with the queue
	evSeq  uint64
	ended  bool
	closeC websocket.StatusCode
	closeR string

	mu        sync.Mutex
	nonce     string // "" until op 1000
	acct      *ua.Account
	regCancel context.CancelFunc // a registration in progress
	regGen    uint64             // which registration the account events belong to
	calls     map[string]*ua.Call
	blfs      map[string]*blfWatch // monitored extensions (1014)
	second    map[string]*ua.Call  // first call's cid -> its second call (1008)
	firstOf   map[*ua.Call]*ua.Call
	ownSDP    map[*ua.Call]bool // second calls made with the page's own offer
	xfer      map[*ua.Call]bool // first calls whose transfer 1010 is completing

	msgSlots chan struct{} // MESSAGEs in flight (1009)
}

func newSession(srv *Server, conn *websocket.Conn, ip string) *session {
	ctx, cancel := context.WithCancel(context.Background())
	return &session{srv: srv, conn: conn, ip: ip, ctx: ctx, cancel: cancel, out: make(chan []byte, outQueue),
		work: make(chan func(), outQueue), calls: map[string]*ua.Call{}, closeC: websocket.StatusNormalClosure,
		blfs: map[string]*blfWatch{}, second: map[string]*ua.Call{}, firstOf: map[*ua.Call]*ua.Call{}, ownSDP: map[*ua.Call]bool{}, xfer: map[*ua.Call]bool{},
		msgSlots: make(chan struct{}, maxMessagesInFlight)}
}

// run serves the socket until it closes, then ends the registration and
// the calls.
func (ss *session) run() {
	ss.wg.Add(3)
	go func() { defer ss.wg.Done(); ss.writer() }()
	go func() { defer ss.wg.Done(); ss.worker() }()
	go func() { defer ss.wg.Done(); ss.keepalive() }()
	ss.reader()
	ss.stop(0, "")
	ss.mu.Lock()
	a, cancel, connected := ss.acct, ss.regCancel, ss.nonce != ""
	ss.acct, ss.regCancel = nil, nil
	ss.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if a != nil {
		ctx, done := closeCtx()
		a.Unregister(ctx) // hangs up the calls too
		done()
	}
	if g := ss.srv.guests; g != nil {
		g.hangupAll(ss)
	}
	ss.wg.Wait()
	if connected {
		ss.srv.leave(ss.ip)
	}
}

// stop ends the session; code 0 keeps the close status set before.
func (ss *session) stop(code websocket.StatusCode, reason string) {
	ss.outMu.Lock()
	if !ss.ended && code != 0 {
		ss.closeC, ss.closeR = code, reason
	}
	ss.ended = true
	ss.outMu.Unlock()
	ss.cancel()
}

func (ss *session) reader() {
	timer := time.AfterFunc(ss.srv.cfg.ConnectTimeout, func() {
		ss.mu.Lock()
		connected := ss.nonce != ""
		ss.mu.Unlock()
		if !connected {
			ss.stop(websocket.StatusPolicyViolation, "connect (op 1000) expected")
		}
	})
	defer timer.Stop()
	for {
		// Not ss.ctx: a cancelled read would close the socket without our
		// status; the writer closes it, which ends this read.
		typ, data, err := ss.conn.Read(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) == -1 && ss.ctx.Err() == nil {
				ss.srv.log.Debug("wcp: read", "from", ss.ip, "error", err)
			}
			return
		}
		if typ != websocket.MessageText {
			ss.stop(websocket.StatusUnsupportedData, "text frames only")
			return
		}
		ss.handle(data)
	}
}

// handle answers one frame: exactly one reply, then the command's work.
func (ss *session) handle(frame []byte) {
	m, err := callproto.Parse(frame)
	if err == nil && callproto.KindOf(m.Op) == callproto.KindCommand && m.Op != callproto.OpConnect && !ss.connected() {
		err = callproto.ErrConnectFirst
	}
	if err == nil {
		err = callproto.Validate(m)
	}
	if err != nil {
		ss.reply(callproto.Refuse(m, err))
		return
	}
	switch m.Op {
	case callproto.OpConnect:
		ss.connect(m)
	case callproto.OpRegister:
		ss.register(m)
	case callproto.OpUnregister:
		ss.unregister(m)
	case callproto.OpCall:
		ss.call(m)
	case callproto.OpAnswer:
		ss.answer(m)
	case callproto.OpReject:
		ss.reject(m)
	case callproto.OpRinging:
		ss.ringing(m)
	case callproto.OpModify:
		ss.modify(m)
	case callproto.OpDisconnect:
		ss.disconnect(m)
	case callproto.OpDTMF:
		ss.dtmf(m)
	case callproto.OpGuestCall:
		ss.guestCall(m)
	case callproto.OpSecondCall:
		ss.secondCall(m)
	case callproto.OpSendMessage:
		ss.sendMessage(m)
	case callproto.OpRecord:
		ss.record(m)
	case callproto.OpBLF:
		ss.blf(m)
	default:
		ss.reply(callproto.Ack(m, callproto.CodeRefused, callproto.F(callproto.KeyReason, "not implemented yet")))
	}
}

func (ss *session) connected() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.nonce != ""
}

func (ss *session) connect(m callproto.Message) {
	ss.mu.Lock()
	if ss.nonce != "" {
		ss.mu.Unlock()
		ss.reply(refused(m, callproto.CodeRefused, "already connected"))
		return
	}
	if why := ss.srv.admit(ss.ip); why != "" {
		ss.mu.Unlock()
		ss.reply(refused(m, callproto.CodeNoResource, why))
		return
	}
	ss.nonce = callproto.Nonce()
	nonce := ss.nonce
	ss.mu.Unlock()
	ss.reply(callproto.Ack(m, callproto.CodeProcessing, callproto.F(callproto.KeyNonce, nonce)))
}

// refused is an ACK with a non-zero code and its reason.
func refused(m callproto.Message, code int, reason string) callproto.Message {
	return callproto.Ack(m, code, callproto.F(callproto.KeyReason, callproto.Reason(errors.New(reason))))
}

// reply queues an ACK; event queues an event with the next event seq.
func (ss *session) reply(m callproto.Message) { ss.push(m, false) }

func (ss *session) event(op int, fields ...callproto.Field) {
	ss.push(callproto.Message{Op: op}, true, fields...)
}

func (ss *session) push(m callproto.Message, isEvent bool, fields ...callproto.Field) {
	ss.outMu.Lock()
	defer ss.outMu.Unlock()
	if ss.ended {
		return
	}
	if isEvent {
		ss.evSeq++
		m = callproto.Event(m.Op, ss.evSeq, fields...)
	}
	if err := m.Check(); err != nil {
		// Built from SIP data we did not clean well enough: a bug.
		ss.srv.log.Warn("wcp: message not sent", "op", m.Op, "error", err)
		return
	}
	select {
	case ss.out <- m.Encode():
	default:
		ss.ended = true
		ss.closeC, ss.closeR = websocket.StatusPolicyViolation, "client too slow: too many messages unread"
		ss.cancel()
	}
}

// writer sends the queued frames, then the close frame.
func (ss *session) writer() {
	for {
		select {
		case f := <-ss.out:
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err := ss.conn.Write(ctx, websocket.MessageText, f)
			cancel()
			if err != nil {
				ss.stop(0, "")
			}
		case <-ss.ctx.Done():
			ss.outMu.Lock()
			code, reason := ss.closeC, ss.closeR
			ss.outMu.Unlock()
			ss.conn.Close(code, reason)
			return
		}
	}
}

// worker runs in-call SIP actions one at a time, so digits keep their
// order and the reader never waits for SIP.
func (ss *session) worker() {
	for {
		select {
		case f := <-ss.work:
			f()
		case <-ss.ctx.Done():
			return
		}
	}
}

// later queues f for the worker; false when the session is ending or
// too many actions wait.
func (ss *session) later(f func()) bool {
	if ss.ctx.Err() != nil {
		return false
	}
	select {
	case ss.work <- f:
		return true
	default:
		return false
	}
}

// laterAcked queues f for the worker and answers m: 0 once f is queued,
// and f waits for that ACK, so no event f causes can overtake it. A full
// queue is refused with -2 (the in-call ops have no other code for it).
func (ss *session) laterAcked(m callproto.Message, f func()) {
	acked := make(chan struct{})
	if !ss.later(func() {
		select {
		case <-acked:
		case <-ss.ctx.Done():
			return
		}
		f()
	}) {
		ss.reply(refused(m, callproto.CodeParamError, "too many requests waiting: slow down"))
		return
	}
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	close(acked)
}

func (ss *session) keepalive() {
	t := time.NewTicker(ss.srv.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ss.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(ss.ctx, ss.srv.cfg.PingInterval)
			err := ss.conn.Ping(ctx)
			cancel()
			if err != nil {
				ss.stop(websocket.StatusGoingAway, "keepalive: no pong")
				return
			}
		}
	}
}

func splitComma(v string) []string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

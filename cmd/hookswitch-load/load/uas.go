package load

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// UASConfig drives the uas role: answer every INVITE.
type UASConfig struct {
	Listen      string // ip:port, port may be 0
	Register    string // registrar ip:port; "" = do not register
	Users       []string
	PasswordFmt string
	RTP         bool
	AnswerDelay time.Duration // between 180 and 200
	Expires     int           // registration expiry in seconds (default 600)
	RegRate     float64       // REGISTERs per second at start (default 500)
	Progress    io.Writer
}

// UASCounts are the uas role's own counters.
type UASCounts struct {
	Invites     uint64 `json:"invites"`
	Answered    uint64 `json:"answered"`
	Acked       uint64 `json:"acked"`
	Byes        uint64 `json:"byes"`
	Cancels     uint64 `json:"cancels"`
	AckTimeouts uint64 `json:"ack_timeouts"`
	Rejected    uint64 `json:"rejected"`
	Registered  int    `json:"registered"`
	Users       int    `json:"users"`
}

func (c *UASCounts) String() string {
	return fmt.Sprintf("invites=%d answered=%d acked=%d byes=%d cancels=%d ack_timeouts=%d registered=%d/%d",
		c.Invites, c.Answered, c.Acked, c.Byes, c.Cancels, c.AckTimeouts, c.Registered, c.Users)
}

type dialogState uint8

const (
	dialogUnknown dialogState = iota
	dialogRinging
	dialogAnswered // 200 sent, waiting for the ACK
	dialogConfirmed
	dialogEnded
)

// UAS is a running uas role.
type UAS struct {
	cfg      UASConfig
	ep       *endpoint
	dialogs  *shardedMap[*dialog]
	reg      *regClient
	pacer    *pacer
	rtp      RTPStats
	seq      atomic.Uint64
	invites  atomic.Uint64
	answered atomic.Uint64
	acked    atomic.Uint64
	byes     atomic.Uint64
	cancels  atomic.Uint64
	ackTO    atomic.Uint64
	rejected atomic.Uint64
	started  time.Time
	regOK    int
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

type dialog struct {
	mu       sync.Mutex
	u        *UAS
	id       string
	state    dialogState
	src      netip.AddrPort // where the INVITE came from: responses go there
	last     []byte         // last response to the INVITE, for retransmissions
	ok       []byte
	busy     []byte // 487 when cancelled while ringing
	interval time.Duration
	deadline time.Time
	timer    *time.Timer
	rtp      *stream
	remote   netip.AddrPort
}

// StartUAS binds, starts answering and, with cfg.Register, registers every
// user (waiting for the answers, bounded by ctx).
func StartUAS(ctx context.Context, cfg UASConfig) (*UAS, error) {
	if cfg.Expires <= 0 {
		cfg.Expires = 600
	}
	if cfg.RegRate <= 0 {
		cfg.RegRate = 500
	}
	ep, err := newEndpoint(cfg.Listen)
	if err != nil {
		return nil, err
	}
	u := &UAS{cfg: cfg, ep: ep, dialogs: newShardedMap[*dialog](), started: time.Now()}
	if cfg.RTP {
		u.pacer = newPacer()
	}
	if cfg.Register != "" {
		target, err := netip.ParseAddrPort(cfg.Register)
		if err != nil {
			ep.close()
			return nil, fmt.Errorf("register target %q: %w", cfg.Register, ErrConfig)
		}
		if len(cfg.Users) == 0 {
			ep.close()
			return nil, fmt.Errorf("--register needs --users: %w", ErrConfig)
		}
		u.reg = newRegClient(ep, target, cfg.Users, cfg.PasswordFmt, "uas", true, 10*time.Second, nil)
	}
	ep.serve(u.handle)
	if u.reg != nil {
		u.regOK = u.reg.registerAll(ctx, cfg.Expires, cfg.RegRate)
		if u.regOK < len(cfg.Users) {
			failed := len(cfg.Users) - u.regOK
			u.Stop()
			return nil, fmt.Errorf("uas: %d of %d users failed to register: %w", failed, len(cfg.Users), ErrConfig)
		}
		rctx, cancel := context.WithCancel(context.Background())
		u.cancel = cancel
		u.wg.Add(1)
		go func() { defer u.wg.Done(); u.reg.refresh(rctx, cfg.Expires) }()
	}
	return u, nil
}

// Addr is the SIP address the UAS listens on.
func (u *UAS) Addr() netip.AddrPort { return u.ep.addr }

// Counts returns the counters so far.
func (u *UAS) Counts() UASCounts {
	return UASCounts{Invites: u.invites.Load(), Answered: u.answered.Load(), Acked: u.acked.Load(),
		Byes: u.byes.Load(), Cancels: u.cancels.Load(), AckTimeouts: u.ackTO.Load(), Rejected: u.rejected.Load(),
		Registered: u.regOK, Users: len(u.cfg.Users)}
}

// Stop unregisters (bounded to a few seconds), closes everything and
// returns the figures.
func (u *UAS) Stop() *Result {
	if u.cancel != nil {
		u.cancel()
	}
	u.wg.Wait()
	if u.reg != nil && u.regOK > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		u.reg.registerAll(ctx, 0, 2*u.cfg.RegRate)
		cancel()
		u.reg.stop()
	}
	u.dialogs.each(func(d *dialog) {
		d.mu.Lock()
		d.end()
		d.timer.Stop()
		d.mu.Unlock()
	})
	if u.pacer != nil {
		u.pacer.close()
	}
	u.ep.close()
	counts := u.Counts()
	r := &Result{Mode: "uas", Target: u.ep.addr.String(), DurationS: time.Since(u.started).Seconds(),
		Attempted: counts.Invites, OK: counts.Byes, Failed: counts.AckTimeouts + counts.Rejected, UAS: &counts}
	if u.cfg.RTP {
		r.RTP = rtpResult(&u.rtp)
	}
	r.judge(u.cfg.RTP)
	return r
}

// end stops the dialog's media; the state lingers for retransmitted BYEs.
func (d *dialog) end() {
	if d.state == dialogEnded {
		return
	}
	d.state = dialogEnded
	if d.rtp != nil {
		if d.u.pacer != nil {
			d.u.pacer.remove(d.rtp)
		}
		d.rtp.close()
	}
	d.timer.Reset(linger)
}

func (u *UAS) handle(m *msg, from netip.AddrPort) {
	if m.response {
		if u.reg != nil {
			u.reg.handle(m)
		}
		return
	}
	switch string(m.method) {
	case "INVITE":
		u.invite(m, from)
	case "ACK":
		if d, ok := u.dialogs.get(m.callID); ok {
			d.mu.Lock()
			if d.state == dialogAnswered {
				d.state = dialogConfirmed
				d.timer.Stop()
				u.acked.Add(1)
				if d.rtp != nil {
					u.pacer.add(d.rtp, d.remote)
				}
			}
			d.mu.Unlock()
		}
	case "BYE":
		d, ok := u.dialogs.get(m.callID)
		if !ok {
			respond(u.ep, m, from, 481, "Call/Transaction Does Not Exist", "", nil, nil)
			return
		}
		respond(u.ep, m, from, 200, "OK", "", nil, nil)
		d.mu.Lock()
		if d.state != dialogEnded {
			u.byes.Add(1)
			d.end()
		}
		d.mu.Unlock()
	case "CANCEL":
		d, ok := u.dialogs.get(m.callID)
		if !ok {
			respond(u.ep, m, from, 481, "Call/Transaction Does Not Exist", "", nil, nil)
			return
		}
		respond(u.ep, m, from, 200, "OK", "", nil, nil)
		d.mu.Lock()
		if d.state == dialogRinging {
			u.cancels.Add(1)
			d.last = d.busy
			u.ep.send(d.last, d.src)
			d.end()
		}
		d.mu.Unlock()
	case "OPTIONS":
		respond(u.ep, m, from, 200, "OK", "", []byte("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"), nil)
	default:
		respond(u.ep, m, from, 405, "Method Not Allowed", "", []byte("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"), nil)
	}
}

// invite answers a new INVITE with 180 then 200, a retransmitted one with
// the last response, and a re-INVITE with 200 and the same SDP.
func (u *UAS) invite(m *msg, from netip.AddrPort) {
	d, ok := u.dialogs.get(m.callID)
	if ok {
		d.mu.Lock()
		if len(m.toTag) > 0 && d.state == dialogConfirmed { // re-INVITE: same answer
			port := uint16(9)
			if d.rtp != nil {
				port = d.rtp.port
			}
			var sdp [256]byte
			respond(u.ep, m, from, 200, "OK", "", contactLine("uas", u.ep.addr.String()), sdpBody(sdp[:0], u.ep.addr.Addr().String(), port, 1))
		} else if len(d.last) > 0 {
			u.ep.send(d.last, d.src) // retransmission (RFC 3261 17.2.1)
		}
		d.mu.Unlock()
		return
	}
	if len(m.toTag) > 0 {
		respond(u.ep, m, from, 481, "Call/Transaction Does Not Exist", "", nil, nil)
		return
	}
	u.invites.Add(1)
	n := u.seq.Add(1)
	tag := "u" + runID + strconv.FormatUint(n, 36)
	d = &dialog{u: u, id: string(m.callID), src: from, state: dialogRinging}
	var port uint16 = 9
	if u.cfg.RTP {
		remote, err := sdpAudio(m.body)
		if err != nil {
			u.rejected.Add(1)
			respond(u.ep, m, from, 488, "Not Acceptable Here", tag, nil, nil)
			return
		}
		s, err := newStream(u.ep.addr.Addr().String(), &u.rtp)
		if err != nil {
			u.rejected.Add(1)
			respond(u.ep, m, from, 503, "Service Unavailable", tag, nil, nil)
			return
		}
		d.rtp, d.remote, port = s, remote, s.port
	}
	user := string(uriUser(m.ruri))
	var sdp [256]byte
	d.ok = buildResponse(nil, m, 200, "OK", tag, contactLine(user, u.ep.addr.String()),
		sdpBody(sdp[:0], u.ep.addr.Addr().String(), port, n))
	ringing := buildResponse(nil, m, 180, "Ringing", tag, contactLine(user, u.ep.addr.String()), nil)
	if u.cfg.AnswerDelay > 0 {
		d.busy = buildResponse(nil, m, 487, "Request Terminated", tag, nil, nil)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.timer = time.AfterFunc(time.Hour, d.tick)
	u.dialogs.put(d.id, d)
	d.last = ringing
	u.ep.send(ringing, from)
	if u.cfg.AnswerDelay > 0 {
		d.timer.Reset(u.cfg.AnswerDelay)
		return
	}
	d.answer()
}

// answer sends the 200 and retransmits it until the ACK (RFC 3261 13.3.1.4).
func (d *dialog) answer() {
	d.state = dialogAnswered
	d.last = d.ok
	d.u.answered.Add(1)
	d.u.ep.send(d.ok, d.src)
	d.interval = T1
	d.deadline = time.Now().Add(64 * T1)
	d.timer.Reset(T1)
}

func (d *dialog) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.state {
	case dialogRinging:
		d.answer()
	case dialogAnswered:
		if !time.Now().Before(d.deadline) {
			d.u.ackTO.Add(1)
			d.end()
			return
		}
		d.u.ep.send(d.ok, d.src)
		d.interval = min(2*d.interval, T2)
		d.timer.Reset(d.interval)
	case dialogEnded:
		d.u.dialogs.del(d.id)
	}
}

// uriUser is the user part of a sip URI ("" if none).
func uriUser(uri []byte) []byte {
	at := -1
	for i, c := range uri {
		if c == '@' {
			at = i
			break
		}
	}
	if at < 0 {
		return []byte("uas")
	}
	start := 0
	for i := 0; i < at; i++ {
		if uri[i] == ':' {
			start = i + 1
			break
		}
	}
	return uri[start:at]
}

// RunUAS runs the uas role until ctx ends.
func RunUAS(ctx context.Context, cfg UASConfig) (*Result, error) {
	u, err := StartUAS(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "uas listening on %s, %d users registered\n", u.Addr(), u.regOK)
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return u.Stop(), nil
		case <-t.C:
			if cfg.Progress != nil {
				c := u.Counts()
				fmt.Fprintf(cfg.Progress, "%5.0fs %s\n", time.Since(u.started).Seconds(), c.String())
			}
		}
	}
}

package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// CallsConfig drives the calls role (the UAC).
type CallsConfig struct {
	Target        string   // SIP server or UAS, ip:port
	Local         string   // IP to bind (default 127.0.0.1)
	To            []string // callees, round-robin
	From          []string // callers, round-robin; empty: no authentication, caller "load"
	PasswordFmt   string   // see Password
	Rate          float64  // calls per second after the ramp
	Ramp          time.Duration
	Duration      time.Duration // how long new calls are started
	Hold          time.Duration // answered -> BYE
	MaxConcurrent int           // calls in progress; 0 = no cap
	RTP           bool
	Timeout       time.Duration // no final response within: a timeout (default 10 s)
	Sockets       int           // SIP sockets (default 4)
	Progress      io.Writer     // a line per second; nil: quiet
}

type callState uint8

const (
	callUnknown callState = iota
	callInviting
	callHolding
	callBye
	callDone
)

func (s callState) String() string {
	switch s {
	case callInviting:
		return "inviting"
	case callHolding:
		return "holding"
	case callBye:
		return "bye"
	case callDone:
		return "done"
	}
	return "unknown"
}

// linger keeps a finished call to absorb retransmitted responses.
const linger = 2 * time.Second

// maxAuthTries bounds challenges per call (the first one, then stale nonces).
const maxAuthTries = 3

type caller struct {
	mu   sync.Mutex
	user string
	pass string
	chal *challenge
	hdr  string // Authorization or Proxy-Authorization
}

type uac struct {
	cfg     CallsConfig
	target  netip.AddrPort
	host    string // target as URI host
	eps     []*endpoint
	calls   *shardedMap[*call]
	callers []*caller
	c       counters
	rtp     RTPStats
	pacer   *pacer
	seq     atomic.Uint64
	// plateau counts attempts once the ramp is over, for the achieved rate.
	plateauStart time.Time
	plateauBase  uint64
}

type call struct {
	mu       sync.Mutex
	u        *uac
	ep       *endpoint
	id       string
	n        uint64
	from     *caller
	fromUser string
	ruri     string
	fromHdr  string
	bbase    string // branch prefix
	local    string // our ip:port for Via and Contact
	state    callState
	cseq     uint32
	branch   uint32
	tries    int
	invite   []byte
	ack      []byte
	bye      []byte
	toHdr    []byte
	target   []byte // remote target (Contact of the 2xx)
	routes   [][]byte
	start    time.Time
	deadline time.Time
	nextRetx time.Time
	interval time.Duration
	prov     bool
	timer    *time.Timer
	rtp      *stream
}

// RunCalls places calls until cfg.Duration has passed (or ctx ends), waits
// for them to finish, and returns the figures.
func RunCalls(ctx context.Context, cfg CallsConfig) (*Result, error) {
	if cfg.Local == "" {
		cfg.Local = "127.0.0.1"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Sockets <= 0 {
		cfg.Sockets = 4
	}
	if cfg.Rate <= 0 || cfg.Duration <= 0 || len(cfg.To) == 0 {
		return nil, fmt.Errorf("calls need --rate, --duration and --to: %w", ErrConfig)
	}
	target, err := netip.ParseAddrPort(cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", cfg.Target, ErrConfig)
	}
	u := &uac{cfg: cfg, target: target, host: target.String(), calls: newShardedMap[*call]()}
	for _, f := range cfg.From {
		u.callers = append(u.callers, &caller{user: f, pass: Password(cfg.PasswordFmt, f)})
	}
	if len(u.callers) == 0 {
		u.callers = []*caller{{user: "load"}}
	}
	for range cfg.Sockets {
		ep, err := newEndpoint(cfg.Local + ":0")
		if err != nil {
			u.close()
			return nil, err
		}
		u.eps = append(u.eps, ep)
		ep.serve(func(m *msg, from netip.AddrPort) { u.handle(ep, m, from) })
	}
	if cfg.RTP {
		u.pacer = newPacer()
	}
	sending := u.schedule(ctx)
	u.drain(ctx)
	u.close()
	r := u.c.result("calls", cfg.Rate, sending)
	// With a ramp the achieved rate is the attempts of the flat part over
	// its length, so it compares with --rate.
	if !u.plateauStart.IsZero() && cfg.Ramp > 0 {
		if flat := sending - cfg.Ramp; flat > 0 {
			r.RateAchieved = float64(r.Attempted-u.plateauBase) / flat.Seconds()
		}
	}
	r.Target = cfg.Target
	if cfg.RTP {
		r.RTP = rtpResult(&u.rtp)
	}
	r.judge(cfg.RTP)
	return r, nil
}

// schedule starts calls at the configured rate with a linear ramp and
// returns how long it was sending.
func (u *uac) schedule(ctx context.Context) time.Duration {
	start := time.Now()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	var started uint64
	nextProgress := start.Add(time.Second)
	for {
		select {
		case <-ctx.Done():
			return time.Since(start)
		case now := <-t.C:
			el := now.Sub(start)
			if el >= u.cfg.Duration {
				return el
			}
			if u.plateauStart.IsZero() && el >= u.cfg.Ramp {
				u.plateauStart, u.plateauBase = now, u.c.attempted.Load()
			}
			due := dueCount(u.cfg.Rate, u.cfg.Ramp, el)
			for ; started < due; started++ {
				if u.cfg.MaxConcurrent > 0 && u.c.active.Load() >= int64(u.cfg.MaxConcurrent) {
					u.c.skipped.Add(1)
					continue
				}
				u.startCall()
			}
			if u.cfg.Progress != nil && now.After(nextProgress) {
				nextProgress = nextProgress.Add(time.Second)
				fmt.Fprintf(u.cfg.Progress, "%5.1fs attempted=%d ok=%d failed=%d active=%d\n", el.Seconds(),
					u.c.attempted.Load(), u.c.ok.Load(), u.c.failed.Load(), u.c.active.Load())
			}
		}
	}
}

// dueCount is how many starts a linear ramp to rate over ramp, then a
// flat rate, asks for by elapsed time el.
func dueCount(rate float64, ramp, el time.Duration) uint64 {
	t := el.Seconds()
	r := ramp.Seconds()
	if r <= 0 || t >= r {
		return uint64(rate*(t-r/2) + 1)
	}
	return uint64(rate * t * t / (2 * r))
}

// drain waits for the calls in progress; what is left is unfinished.
func (u *uac) drain(ctx context.Context) {
	limit := u.cfg.Hold + u.cfg.Timeout + 2*time.Second
	if ctx.Err() != nil {
		limit = 2 * time.Second
	}
	deadline := time.Now().Add(limit)
	for u.c.active.Load() > 0 && time.Now().Before(deadline) {
		if ctx.Err() != nil && time.Until(deadline) > 2*time.Second {
			deadline = time.Now().Add(2 * time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
	u.calls.each(func(c *call) {
		c.mu.Lock()
		if c.state != callDone {
			c.finish(false, "unfinished_"+c.state.String())
		}
		c.timer.Stop()
		c.mu.Unlock()
	})
}

func (u *uac) close() {
	if u.pacer != nil {
		u.pacer.close()
	}
	for _, ep := range u.eps {
		ep.close()
	}
}

func (u *uac) startCall() {
	n := u.seq.Add(1) - 1
	ep := u.eps[n%uint64(len(u.eps))]
	from := u.callers[n%uint64(len(u.callers))]
	to := u.cfg.To[n%uint64(len(u.cfg.To))]
	c := &call{u: u, ep: ep, n: n, from: from, fromUser: from.user, local: ep.addr.String()}
	nb := strconv.AppendUint(nil, n, 36)
	c.id = runID + "-" + string(nb) + "@" + u.cfg.Local
	c.bbase = runID + string(nb)
	c.ruri = "sip:" + to + "@" + u.host
	c.fromHdr = "<sip:" + from.user + "@" + u.host + ">;tag=f" + runID + string(nb)
	if u.cfg.RTP {
		s, err := newStream(u.cfg.Local, &u.rtp)
		if err != nil {
			u.c.attempted.Add(1)
			u.c.fail("rtp_socket")
			return
		}
		c.rtp = s
	}
	u.c.attempted.Add(1)
	u.c.enter()
	u.calls.put(c.id, c)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timer = time.AfterFunc(time.Hour, c.tick)
	c.state = callInviting
	c.start = time.Now()
	c.deadline = c.start.Add(u.cfg.Timeout)
	c.sendInvite()
}

// sendInvite sends a new INVITE transaction (next CSeq, new branch),
// authenticated pre-emptively when the caller holds a challenge.
func (c *call) sendInvite() {
	c.cseq++
	c.branch++
	b := c.invite[:0]
	b = append(b, "INVITE "...)
	b = append(b, c.ruri...)
	b = append(b, " SIP/2.0\r\n"...)
	b = viaHdr(b, c.local, c.bbase, c.branch)
	b = hdrs(b, "Max-Forwards", "70")
	b = hdrs(b, "From", c.fromHdr)
	b = hdrs(b, "To", "<", c.ruri, ">")
	b = hdrs(b, "Call-ID", c.id)
	b = cseqHdr(b, c.cseq, "INVITE")
	b = hdrs(b, "Contact", "<sip:", c.fromUser, "@", c.local, ">")
	if f := c.from; f.pass != "" {
		f.mu.Lock()
		if f.chal != nil {
			b = f.chal.authorize(b, f.hdr, f.user, f.pass, "INVITE", c.ruri, c.id[:8])
		}
		f.mu.Unlock()
	}
	b = hdrs(b, "User-Agent", userAgent)
	port := uint16(9) // discard: no media without --rtp
	if c.rtp != nil {
		port = c.rtp.port
	}
	var sdp [256]byte
	body := sdpBody(sdp[:0], c.u.cfg.Local, port, c.n)
	b = endHeaders(b, "application/sdp", body)
	c.invite = b
	c.prov = false
	c.interval = T1
	c.nextRetx = time.Now().Add(c.interval)
	c.ep.send(b, c.u.target)
	c.arm()
}

// arm sets the timer to the next event of the current state.
func (c *call) arm() {
	next := c.deadline
	if (c.state == callInviting && !c.prov) || c.state == callBye {
		if c.nextRetx.Before(next) {
			next = c.nextRetx
		}
	}
	c.timer.Reset(time.Until(next))
}

// tick runs the call's timer: retransmissions (RFC 3261 17.1.1.2 and
// 17.1.2.2), the hold time, timeouts and the end of lingering.
func (c *call) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	switch c.state {
	case callInviting:
		if !now.Before(c.deadline) {
			c.u.c.timeouts.Add(1)
			c.finish(false, "timeout")
			return
		}
		if !c.prov && !now.Before(c.nextRetx) {
			c.u.c.retransmits.Add(1)
			c.ep.send(c.invite, c.u.target)
			c.interval *= 2
			c.nextRetx = now.Add(c.interval)
		}
		c.arm()
	case callHolding:
		c.sendBye()
	case callBye:
		if !now.Before(c.deadline) {
			c.u.c.timeouts.Add(1)
			c.finish(false, "bye_timeout")
			return
		}
		if !now.Before(c.nextRetx) {
			c.u.c.retransmits.Add(1)
			c.ep.send(c.bye, c.u.target)
			c.interval = min(2*c.interval, T2)
			c.nextRetx = now.Add(c.interval)
		}
		c.arm()
	case callDone:
		c.u.calls.del(c.id)
	}
}

// finish ends the call's measurement; the state lingers for retransmissions.
func (c *call) finish(ok bool, reason string) {
	if c.state == callDone {
		return
	}
	c.state = callDone
	if c.rtp != nil {
		if c.u.pacer != nil {
			c.u.pacer.remove(c.rtp)
		}
		c.rtp.close()
	}
	if ok {
		c.u.c.ok.Add(1)
	} else {
		c.u.c.fail(reason)
	}
	c.u.c.active.Add(-1)
	c.timer.Reset(linger)
}

// inDialog starts an in-dialog request to the remote target through the
// route set (RFC 3261 12.2.1.1).
func (c *call) inDialog(b []byte, method string, cseq uint32, branch bool) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, c.target...)
	b = append(b, " SIP/2.0\r\n"...)
	if branch {
		c.branch++
	}
	b = viaHdr(b, c.local, c.bbase, c.branch)
	b = hdrs(b, "Max-Forwards", "70")
	for _, r := range c.routes {
		b = hdr(b, "Route", r)
	}
	b = hdrs(b, "From", c.fromHdr)
	b = hdr(b, "To", c.toHdr)
	b = hdrs(b, "Call-ID", c.id)
	return cseqHdr(b, cseq, method)
}

func (c *call) sendBye() {
	c.state = callBye
	if c.rtp != nil && c.u.pacer != nil {
		c.u.pacer.remove(c.rtp)
	}
	b := c.inDialog(c.bye[:0], "BYE", c.cseq+1, true)
	b = hdrs(b, "User-Agent", userAgent)
	c.bye = endHeaders(b, "", nil)
	c.interval = T1
	c.nextRetx = time.Now().Add(T1)
	c.deadline = time.Now().Add(c.u.cfg.Timeout)
	c.ep.send(c.bye, c.u.target)
	c.arm()
}

// handle processes one message on a UAC socket.
func (u *uac) handle(ep *endpoint, m *msg, from netip.AddrPort) {
	c, ok := u.calls.get(m.callID)
	if !m.response {
		u.request(ep, c, ok, m, from)
		return
	}
	if !ok {
		return // a late retransmission of a call long gone
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Equal(m.method, []byte("BYE")) {
		if c.state == callBye && m.cseq == c.cseq+1 && m.status >= 200 {
			if m.status < 300 {
				c.finish(true, "")
			} else {
				c.finish(false, "bye_"+strconv.Itoa(m.status))
			}
		}
		return
	}
	if !bytes.Equal(m.method, []byte("INVITE")) {
		return
	}
	switch {
	case m.status < 200:
		if c.state == callInviting && m.cseq == c.cseq && !c.prov {
			c.prov = true
			c.arm()
		}
	case m.status < 300:
		c.answered(m)
	default:
		ackFor(ep, m, c.ruri, u.target)
		if c.state != callInviting || m.cseq != c.cseq {
			return // a retransmission, ACKed again above
		}
		if (m.status == 401 || m.status == 407) && c.from.pass != "" && c.tries < maxAuthTries && m.challenge != nil {
			if c.learn(m) {
				u.c.challenges.Add(1)
				c.tries++
				c.sendInvite()
				return
			}
		}
		c.finish(false, strconv.Itoa(m.status))
	}
}

// learn keeps the challenge of a 401/407 for the caller (a new nonce
// replaces the old one; nc restarts).
func (c *call) learn(m *msg) bool {
	ch, err := parseChallenge(m.challenge)
	if err != nil {
		return false
	}
	f := c.from
	f.mu.Lock()
	if f.chal == nil || f.chal.nonce != ch.nonce {
		f.chal = ch
	}
	f.hdr = "Proxy-Authorization"
	if m.status == 401 {
		f.hdr = "Authorization"
	}
	f.mu.Unlock()
	return true
}

// answered handles a 2xx to the INVITE: ACK (again, for a retransmission),
// start the media and the hold time.
func (c *call) answered(m *msg) {
	if c.state != callInviting {
		if len(c.ack) > 0 && m.cseq == c.cseq {
			c.ep.send(c.ack, c.u.target) // our ACK was lost (RFC 3261 13.2.2.4)
		}
		return
	}
	if m.cseq != c.cseq {
		return
	}
	c.u.c.setup.Record(time.Since(c.start))
	c.toHdr = append(c.toHdr[:0], m.to...)
	if len(m.contact) > 0 {
		c.target = append(c.target[:0], m.contact...)
	} else {
		c.target = append(c.target[:0], c.ruri...)
	}
	c.routes = c.routes[:0]
	for i := m.nrr - 1; i >= 0; i-- {
		c.routes = append(c.routes, bytes.Clone(m.rroutes[i]))
	}
	b := c.inDialog(c.ack[:0], "ACK", c.cseq, true)
	c.ack = endHeaders(b, "", nil)
	c.ep.send(c.ack, c.u.target)
	c.state = callHolding
	if c.rtp != nil {
		dst, err := sdpAudio(m.body)
		if err != nil {
			c.sendBye()
			c.finish(false, "answer_without_sdp")
			return
		}
		c.u.pacer.add(c.rtp, dst)
	}
	if c.u.cfg.Hold <= 0 {
		c.sendBye()
		return
	}
	c.timer.Reset(c.u.cfg.Hold)
}

// request answers what the far side asks on a UAC socket: a BYE ends the
// call early (a failure: our callee never hangs up), OPTIONS is answered.
func (u *uac) request(ep *endpoint, c *call, known bool, m *msg, from netip.AddrPort) {
	switch string(m.method) {
	case "ACK":
		return
	case "OPTIONS":
		respond(ep, m, from, 200, "OK", "", nil, nil)
		return
	case "BYE":
		if !known {
			respond(ep, m, from, 481, "Call/Transaction Does Not Exist", "", nil, nil)
			return
		}
		respond(ep, m, from, 200, "OK", "", nil, nil)
		c.mu.Lock()
		if c.state == callHolding || c.state == callBye || c.state == callInviting {
			c.finish(false, "remote_bye")
		}
		c.mu.Unlock()
	case "INVITE":
		if known {
			var sdp [256]byte
			port := uint16(9)
			if c.rtp != nil {
				port = c.rtp.port
			}
			respond(ep, m, from, 200, "OK", "", contactLine(c.fromUser, c.local), sdpBody(sdp[:0], u.cfg.Local, port, c.n))
			return
		}
		respond(ep, m, from, 481, "Call/Transaction Does Not Exist", "", nil, nil)
	default:
		respond(ep, m, from, 200, "OK", "", nil, nil)
	}
}

func contactLine(user, local string) []byte {
	return []byte("Contact: <sip:" + user + "@" + local + ">\r\n")
}

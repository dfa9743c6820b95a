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

// RegisterConfig drives the register role (a REGISTER storm).
type RegisterConfig struct {
	Target      string
	Local       string // IP to bind (default 127.0.0.1)
	Users       []string
	PasswordFmt string
	Rate        float64
	Ramp        time.Duration
	Duration    time.Duration
	NoReuse     bool // every REGISTER starts unauthenticated and takes a 401
	Expires     int  // seconds (default 600)
	Timeout     time.Duration
	Sockets     int
	Progress    io.Writer
}

// regClient registers users over one socket: per user one Call-ID with an
// increasing CSeq and a kept challenge with an increasing nonce count, as a
// phone does (RFC 3261 10.2.4, RFC 2617 3.2.2).
type regClient struct {
	ep      *endpoint
	target  netip.AddrPort
	host    string
	local   string
	role    string // in the +sip.instance, so roles do not replace each other's bindings
	reuse   bool
	timeout time.Duration
	byID    map[string]*regUser // read-only once built
	users   []*regUser
	c       *counters
	done    atomic.Int64 // finished operations, for waiters
}

type regUser struct {
	mu       sync.Mutex
	cl       *regClient
	user     string
	pass     string
	callID   string
	bbase    string
	fromHdr  string
	contact  string
	cseq     uint32
	branch   uint32
	chal     *challenge
	busy     bool
	expires  int
	tries    int
	start    time.Time
	deadline time.Time
	nextRetx time.Time
	interval time.Duration
	req      []byte
	timer    *time.Timer
	ok       bool // last operation ended in 200
	lastOK   time.Time
}

func newRegClient(ep *endpoint, target netip.AddrPort, users []string, pwFmt, role string, reuse bool, timeout time.Duration, c *counters) *regClient {
	cl := &regClient{ep: ep, target: target, host: target.String(), local: ep.addr.String(), role: role,
		reuse: reuse, timeout: timeout, byID: make(map[string]*regUser, len(users)), c: c}
	base := uint32(time.Now().Unix() % 1_000_000 * 1000) // CSeq above any earlier run of ours
	for i, name := range users {
		u := &regUser{cl: cl, user: name, pass: Password(pwFmt, name), cseq: base}
		u.bbase = runID + role + strconv.Itoa(i)
		u.callID = u.bbase + "@" + ep.addr.Addr().String()
		u.fromHdr = "<sip:" + name + "@" + cl.host + ">;tag=r" + runID + strconv.Itoa(i)
		h := fnv([]byte(role + "/" + name))
		u.contact = fmt.Sprintf(`<sip:%s@%s>;+sip.instance="<urn:uuid:4c6f6164-0000-4000-8000-%04x%08x>"`,
			name, cl.local, h>>16, h)
		u.timer = time.AfterFunc(time.Hour, u.tick)
		u.timer.Stop()
		cl.users = append(cl.users, u)
		cl.byID[u.callID] = u
	}
	return cl
}

// begin starts one REGISTER operation; false if one is still running.
func (u *regUser) begin(expires int) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.busy {
		return false
	}
	u.busy, u.tries, u.expires = true, 0, expires
	if !u.cl.reuse {
		u.chal = nil
	}
	u.start = time.Now()
	u.deadline = u.start.Add(u.cl.timeout)
	if u.cl.c != nil {
		u.cl.c.attempted.Add(1)
		u.cl.c.enter()
	}
	u.send()
	return true
}

func (u *regUser) send() {
	u.cseq++
	u.branch++
	cl := u.cl
	b := u.req[:0]
	b = append(b, "REGISTER sip:"...)
	b = append(b, cl.host...)
	b = append(b, " SIP/2.0\r\n"...)
	b = viaHdr(b, cl.local, u.bbase, u.branch)
	b = hdrs(b, "Max-Forwards", "70")
	b = hdrs(b, "From", u.fromHdr)
	b = hdrs(b, "To", "<sip:", u.user, "@", cl.host, ">")
	b = hdrs(b, "Call-ID", u.callID)
	b = cseqHdr(b, u.cseq, "REGISTER")
	b = hdrs(b, "Contact", u.contact)
	b = append(b, "Expires: "...)
	b = strconv.AppendInt(b, int64(u.expires), 10)
	b = append(b, "\r\n"...)
	if u.chal != nil {
		b = u.chal.authorize(b, "Authorization", u.user, u.pass, "REGISTER", "sip:"+cl.host, runID)
	}
	b = hdrs(b, "User-Agent", userAgent)
	u.req = endHeaders(b, "", nil)
	u.interval = T1
	u.nextRetx = time.Now().Add(T1)
	cl.ep.send(u.req, cl.target)
	u.timer.Reset(T1)
}

// tick retransmits (RFC 3261 17.1.2.2: T1 doubling up to T2) or times out.
func (u *regUser) tick() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.busy {
		return
	}
	now := time.Now()
	if !now.Before(u.deadline) {
		if u.cl.c != nil {
			u.cl.c.timeouts.Add(1)
		}
		u.end(false, "timeout")
		return
	}
	if u.cl.c != nil {
		u.cl.c.retransmits.Add(1)
	}
	u.cl.ep.send(u.req, u.cl.target)
	u.interval = min(2*u.interval, T2)
	u.timer.Reset(min(u.interval, time.Until(u.deadline)))
}

func (u *regUser) end(ok bool, reason string) {
	u.busy, u.ok = false, ok
	u.timer.Stop()
	if ok {
		u.lastOK = time.Now()
	}
	if c := u.cl.c; c != nil {
		if ok {
			c.ok.Add(1)
			c.setup.Record(time.Since(u.start))
		} else {
			c.fail(reason)
		}
		c.active.Add(-1)
	}
	u.cl.done.Add(1)
}

// handle takes a response to one of our REGISTERs.
func (cl *regClient) handle(m *msg) bool {
	u, ok := cl.byID[string(m.callID)]
	if !ok {
		return false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.busy || m.cseq != u.cseq || m.status < 200 {
		return true
	}
	switch {
	case m.status < 300:
		u.end(true, "")
	case (m.status == 401 || m.status == 407) && u.tries < maxAuthTries && m.challenge != nil:
		ch, err := parseChallenge(m.challenge)
		if err != nil {
			u.end(false, "bad_challenge")
			return true
		}
		if cl.c != nil {
			cl.c.challenges.Add(1)
		}
		u.tries++
		u.chal = ch
		u.send()
	default:
		u.end(false, strconv.Itoa(m.status))
	}
	return true
}

// registerAll registers every user once at rate per second and waits for
// the answers (bounded by ctx); it returns how many ended in 200.
func (cl *regClient) registerAll(ctx context.Context, expires int, rate float64) int {
	start := cl.done.Load()
	gap := time.Duration(float64(time.Second) / rate)
	next := time.Now()
	for _, u := range cl.users {
		if ctx.Err() != nil {
			break
		}
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		next = next.Add(gap)
		u.begin(expires)
	}
	for cl.done.Load()-start < int64(len(cl.users)) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	n := 0
	for _, u := range cl.users {
		u.mu.Lock()
		if u.ok {
			n++
		}
		u.mu.Unlock()
	}
	return n
}

// refresh re-registers users at half their expiry until ctx ends.
func (cl *regClient) refresh(ctx context.Context, expires int) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, u := range cl.users {
				u.mu.Lock()
				due := !u.busy && now.Sub(u.lastOK) > time.Duration(expires)*time.Second/2
				u.mu.Unlock()
				if due {
					u.begin(expires)
				}
			}
		}
	}
}

func (cl *regClient) stop() {
	for _, u := range cl.users {
		u.mu.Lock()
		u.timer.Stop()
		u.busy = false
		u.mu.Unlock()
	}
}

// RunRegister runs a REGISTER storm and returns its figures.
func RunRegister(ctx context.Context, cfg RegisterConfig) (*Result, error) {
	if cfg.Local == "" {
		cfg.Local = "127.0.0.1"
	}
	if cfg.Expires <= 0 {
		cfg.Expires = 600
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Sockets <= 0 {
		cfg.Sockets = 4
	}
	if cfg.Rate <= 0 || cfg.Duration <= 0 || len(cfg.Users) == 0 {
		return nil, fmt.Errorf("register needs --rate, --duration and --users: %w", ErrConfig)
	}
	target, err := netip.ParseAddrPort(cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", cfg.Target, ErrConfig)
	}
	var c counters
	var clients []*regClient
	var eps []*endpoint
	defer func() {
		for _, cl := range clients {
			cl.stop()
		}
		for _, ep := range eps {
			ep.close()
		}
	}()
	// Users are split over the sockets: a user always uses the same one.
	per := (len(cfg.Users) + cfg.Sockets - 1) / cfg.Sockets
	for i := 0; i < len(cfg.Users); i += per {
		ep, err := newEndpoint(cfg.Local + ":0")
		if err != nil {
			return nil, err
		}
		eps = append(eps, ep)
		cl := newRegClient(ep, target, cfg.Users[i:min(i+per, len(cfg.Users))], cfg.PasswordFmt, "reg"+strconv.Itoa(i/per)+"-", !cfg.NoReuse, cfg.Timeout, &c)
		clients = append(clients, cl)
		ep.serve(func(m *msg, _ netip.AddrPort) {
			if m.response {
				cl.handle(m)
			}
		})
	}
	var users []*regUser
	for i := 0; i < per; i++ { // interleave sockets
		for _, cl := range clients {
			if i < len(cl.users) {
				users = append(users, cl.users[i])
			}
		}
	}
	start := time.Now()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	var started uint64
	next := 0
	nextProgress := start.Add(time.Second)
	sending := time.Duration(0)
loop:
	for {
		select {
		case <-ctx.Done():
			sending = time.Since(start)
			break loop
		case now := <-t.C:
			el := now.Sub(start)
			if el >= cfg.Duration {
				sending = el
				break loop
			}
			for due := dueCount(cfg.Rate, cfg.Ramp, el); started < due; started++ {
				ok := false
				for range len(users) {
					u := users[next]
					next = (next + 1) % len(users)
					if u.begin(cfg.Expires) {
						ok = true
						break
					}
				}
				if !ok {
					c.skipped.Add(1)
				}
			}
			if cfg.Progress != nil && now.After(nextProgress) {
				nextProgress = nextProgress.Add(time.Second)
				fmt.Fprintf(cfg.Progress, "%5.1fs attempted=%d ok=%d failed=%d active=%d\n", el.Seconds(),
					c.attempted.Load(), c.ok.Load(), c.failed.Load(), c.active.Load())
			}
		}
	}
	deadline := time.Now().Add(cfg.Timeout + time.Second)
	if ctx.Err() != nil {
		deadline = time.Now().Add(2 * time.Second)
	}
	for c.active.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, u := range users {
		u.mu.Lock()
		if u.busy {
			u.end(false, "unfinished")
		}
		u.mu.Unlock()
	}
	mode := "register"
	if cfg.NoReuse {
		mode = "reg-noreuse"
	}
	r := c.result(mode, cfg.Rate, sending)
	r.Target = cfg.Target
	r.judge(false)
	return r, nil
}

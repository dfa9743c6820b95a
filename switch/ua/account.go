package ua

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

const (
	// DefaultExpires is the registration lifetime asked when Register gets 0.
	DefaultExpires = 600 * time.Second
	maxExpires     = 24 * time.Hour
	// registerTimeout bounds one REGISTER exchange of the refresh loop.
	registerTimeout = 40 * time.Second
	// maxBackoff bounds the wait between failed refreshes.
	maxBackoff = 60 * time.Second
	maxPassLen = 256
)

// Account is one browser's registration and everything it does.
type Account struct {
	s        *Stack
	user     string
	password string
	aor      gosip.Uri // sip:user@domain
	contact  gosip.Uri // sip:<user>-<random>@<our socket>
	ev       Events
	q        *queue
	reg      *dialog         // the REGISTER sequence: one Call-ID, rising CSeq (RFC 3261 10.2)
	ctx      context.Context // ends with Unregister
	cancel   context.CancelFunc
	loopDone chan struct{}

	mu      sync.Mutex
	gone    bool
	asked   int // seconds
	granted int
	state   RegState
	code    int
	calls   map[*Call]struct{}
	subs    map[*Subscription]struct{}
}

// Register creates an account and registers it with digest auth; it
// returns once the switch answered the first REGISTER: an error (a
// *StatusError with the code for a refusal: 403 for a wrong password)
// leaves nothing behind. The registration is then refreshed until
// Unregister; ev reports its state, starting with RegRegistered. expires 0
// asks DefaultExpires; a switch that wants longer (423) gets its minimum.
func (s *Stack) Register(ctx context.Context, user, password string, expires time.Duration, ev Events) (*Account, error) {
	return s.RegisterIn(ctx, "", user, password, expires, ev)
}

// RegisterIn is Register under domain, the host of the account's AOR (a
// tenant's SIP domain); "" is the stack's Config.Domain.
func (s *Stack) RegisterIn(ctx context.Context, domain, user, password string, expires time.Duration, ev Events) (*Account, error) {
	if domain == "" {
		domain = s.cfg.Domain
	}
	if !validHost(domain) {
		return nil, invalid("domain %q", clip(domain))
	}
	if !validUser(user) {
		return nil, invalid("user %q", clip(user))
	}
	if len(password) > maxPassLen {
		return nil, invalid("password longer than %d bytes", maxPassLen)
	}
	if expires == 0 {
		expires = DefaultExpires
	}
	if expires < time.Second || expires > maxExpires {
		return nil, invalid("expires %v (1 s to %v)", expires, maxExpires)
	}
	a := &Account{s: s, user: user, password: password, ev: ev, q: newQueue(s.log),
		aor:      gosip.Uri{Scheme: "sip", User: user, Host: domain},
		contact:  s.sip.Contact("udp", user+"-"+strings.ToLower(gosip.GenerateTagN(10))),
		loopDone: make(chan struct{}), asked: int(expires / time.Second),
		calls: map[*Call]struct{}{}, subs: map[*Subscription]struct{}{}}
	registrar := gosip.Uri{Scheme: "sip", Host: domain}
	a.reg = &dialog{callID: hsip.NewCallID(), localTag: hsip.NewTag(), local: a.aor, remote: a.aor, target: registrar, contact: a.contact}
	a.ctx, a.cancel = context.WithCancel(s.ctx)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		a.cancel()
		return nil, ErrClosed
	}
	s.accounts[a.contact.User] = a // before the REGISTER: the switch may call at once
	s.mu.Unlock()
	granted, err := a.register(ctx, a.asked)
	if err != nil {
		s.mu.Lock()
		delete(s.accounts, a.contact.User)
		s.mu.Unlock()
		a.cancel()
		return nil, fmt.Errorf("ua: register %s: %w", user, err)
	}
	if !s.spawn(a.q.run) {
		close(a.loopDone)
		a.Unregister(ctx)
		return nil, ErrClosed
	}
	if !s.spawn(func() { a.refresh(granted) }) {
		close(a.loopDone)
	}
	a.report(RegEvent{State: RegRegistered, Code: 200, Reason: "OK", Expires: granted})
	return a, nil
}

// User is the account's extension.
func (a *Account) User() string { return a.user }

// Contact is the URI the account registered.
func (a *Account) Contact() string { return a.contact.String() }

// Registration is the current state, the last code and the granted
// lifetime in seconds.
func (a *Account) Registration() (RegState, int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state, a.code, a.granted
}

// report records and delivers a registration state.
func (a *Account) report(e RegEvent) {
	a.mu.Lock()
	a.state, a.code = e.State, e.Code
	if e.State == RegRegistered {
		a.granted = e.Expires
	}
	a.mu.Unlock()
	if f := a.ev.Registration; f != nil {
		a.q.push(func() { f(e) })
	}
}

// register sends one REGISTER asking exp seconds (0 removes our binding)
// and returns the seconds granted. A 423 is retried once with the
// switch's Min-Expires.
func (a *Account) register(ctx context.Context, exp int) (int, error) {
	for try := 0; ; try++ {
		res, err := a.s.do(ctx, func() *gosip.Request {
			req := a.reg.request(gosip.REGISTER, 0)
			req.AppendHeader(gosip.NewHeader("Expires", strconv.Itoa(exp)))
			return req
		}, a.user, a.password)
		if err != nil {
			return 0, err
		}
		if res.StatusCode == 423 && try == 0 && exp > 0 {
			if m, ok := headerSeconds(res, "Min-Expires"); ok && m > exp {
				exp = m
				continue
			}
		}
		if !res.IsSuccess() {
			return 0, refused(gosip.REGISTER, res)
		}
		if exp == 0 {
			return 0, nil
		}
		g := grantedExpiry(res, a.contact, exp)
		if g <= 0 {
			return 0, &StatusError{Method: "REGISTER", Code: res.StatusCode, Reason: "binding not kept"}
		}
		return g, nil
	}
}

// refresh re-registers at half the granted lifetime until Unregister.
// Failures are reported once per code and retried with a growing delay.
func (a *Account) refresh(granted int) {
	defer close(a.loopDone)
	wait := half(granted)
	backoff := time.Second
	failed := 0
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-timer.C:
		}
		ctx, cancel := context.WithTimeout(a.ctx, registerTimeout)
		a.mu.Lock()
		asked := a.asked
		a.mu.Unlock()
		g, err := a.register(ctx, asked)
		cancel()
		if a.ctx.Err() != nil {
			return
		}
		if err != nil {
			code := Status(err)
			if code == 0 {
				code = 500
			}
			if code != failed {
				failed = code
				a.report(RegEvent{State: RegFailed, Code: code, Reason: err.Error()})
			}
			a.s.log.Debug("ua: refresh failed", "user", a.user, "error", err)
			timer.Reset(backoff)
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		if failed != 0 {
			a.report(RegEvent{State: RegRegistered, Code: 200, Reason: "OK", Expires: g})
		} else {
			a.mu.Lock()
			a.granted = g
			a.mu.Unlock()
		}
		failed, backoff = 0, time.Second
		timer.Reset(half(g))
	}
}

func half(secs int) time.Duration {
	return max(time.Duration(secs)*time.Second/2, 500*time.Millisecond)
}

// Unregister ends the account: its calls are hung up, its subscriptions
// ended and its binding removed; the last event is RegUnregistered. The
// error is the de-REGISTER's; the account is gone either way.
func (a *Account) Unregister(ctx context.Context) error {
	a.mu.Lock()
	if a.gone {
		a.mu.Unlock()
		return ErrUnregistered
	}
	a.gone = true
	calls := make([]*Call, 0, len(a.calls))
	for c := range a.calls {
		calls = append(calls, c)
	}
	subs := make([]*Subscription, 0, len(a.subs))
	for sub := range a.subs {
		subs = append(subs, sub)
	}
	a.mu.Unlock()
	a.cancel()
	<-a.loopDone
	for _, c := range calls {
		c.abandon(ctx)
	}
	for _, sub := range subs {
		sub.Unsubscribe(ctx)
	}
	_, err := a.register(ctx, 0)
	a.s.mu.Lock()
	delete(a.s.accounts, a.contact.User)
	a.s.mu.Unlock()
	code := 200
	if err != nil {
		code = Status(err)
		err = fmt.Errorf("ua: unregister %s: %w", a.user, err)
	}
	a.report(RegEvent{State: RegUnregistered, Code: code})
	a.q.close()
	return err
}

// active says whether the account still takes work.
func (a *Account) active() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.gone
}

// grantedExpiry is how long the switch keeps our binding (RFC 3261
// 10.2.4): the expires parameter of our Contact in the 200, else its
// Expires header, else what we asked for.
func grantedExpiry(res *gosip.Response, self gosip.Uri, asked int) int {
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*gosip.ContactHeader)
		if !ok || c.Address.User != self.User || c.Address.Port != self.Port || !strings.EqualFold(c.Address.Host, self.Host) {
			continue
		}
		if v, ok := c.Params.Get("expires"); ok {
			if n, ok := seconds(v); ok {
				return n
			}
		}
	}
	if n, ok := headerSeconds(res, "Expires"); ok {
		return n
	}
	return asked
}

// headerSeconds reads a delta-seconds header (Expires, Min-Expires).
func headerSeconds(res *gosip.Response, name string) (int, bool) {
	h := res.GetHeader(name)
	if h == nil {
		return 0, false
	}
	return seconds(h.Value())
}

// seconds parses delta-seconds, bounded to a day.
func seconds(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return min(n, int(maxExpires/time.Second)), true
}

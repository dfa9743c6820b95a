package trunk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
)

const (
	// maxRounds bounds the requests of one exchange: challenges (401 and
	// 407, each perhaps stale once) and a 423.
	maxRounds = 5
	// unregisterTimeout bounds Stop's un-REGISTER: shutdown must not hang
	// on a provider that went away.
	unregisterTimeout = 2 * time.Second
)

// Registration keeps one Account registered with its provider (RFC 3261
// 10.2): it registers, answers digest challenges, refreshes before the
// binding expires and retries with backoff after failures.
type Registration struct {
	acct    Account
	stack   Stack
	log     *slog.Logger
	peer    peer
	aor     gosip.Uri // From and To
	self    gosip.Uri // our Contact
	callID  string    // one for the registration's life, CSeq rising (RFC 3261 10.2.4)
	fromTag string

	// Used only by the goroutine running exchanges: the loop, then Stop
	// once the loop has ended (life orders them).
	cseq     uint32
	expiry   int // seconds we ask for; a 423 raises it
	failures int
	auth     clientAuth

	life     lifecycle
	mu       sync.Mutex // guards the fields below
	status   Status
	onChange func(Status)
}

// NewRegistration checks the account (filling its defaults) and prepares
// its registration on st; Start runs it.
func NewRegistration(st Stack, a Account, log *slog.Logger) (*Registration, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	self := st.Contact(a.Transport, a.ContactUser)
	if self.Port == 0 {
		return nil, fmt.Errorf("trunk %q: no %s listener to register from", a.Name, a.Transport)
	}
	p, err := newPeer(a.Transport, a.Registrar, a.OutboundProxy)
	if err != nil { // Validate checked the addresses; kept for safety
		return nil, invalid(a.Name, "registrar", err.Error())
	}
	return &Registration{
		acct: a, stack: st, log: log.With("trunk", a.Name), peer: p,
		aor:    gosip.Uri{Scheme: "sip", User: a.Username, Host: a.FromDomain},
		self:   self,
		callID: sip.NewCallID(), fromTag: sip.NewTag(),
		expiry: int(a.Expiry / time.Second),
		auth:   clientAuth{user: a.AuthUsername, password: a.Password, realm: a.Realm},
		status: Status{Name: a.Name, State: StateStopped},
	}, nil
}

// Name is the account's name.
func (r *Registration) Name() string { return r.acct.Name }

// Status returns a snapshot.
func (r *Registration) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// OnChange sets the function told of every change of state, response code
// or NAT finding (trunk up/down events); it replaces the previous one. It
// runs on the registration's goroutine: it must not block, nor call Stop.
func (r *Registration) OnChange(f func(Status)) {
	r.mu.Lock()
	r.onChange = f
	r.mu.Unlock()
}

// Start runs the registration loop until Stop or the end of ctx (which
// ends the loop without un-registering, for a fast shutdown; a later Stop
// still un-registers).
func (r *Registration) Start(ctx context.Context) error {
	ok := r.life.start(ctx, func() {
		r.failures = 0
		r.update(func(s *Status) {
			*s = Status{Name: s.Name, State: StateRegistering, Since: s.Since, ExpiresAt: s.ExpiresAt, NextAttempt: time.Now()}
		})
	}, r.run)
	if !ok {
		return fmt.Errorf("trunk %q: registration %w", r.acct.Name, ErrStarted)
	}
	return nil
}

// Stop ends the loop and, when the provider holds our binding, removes it
// with Expires: 0, waiting at most a couple of seconds for the answer.
func (r *Registration) Stop() { r.life.stop(r.unregister) }

func (r *Registration) unregister() {
	if !r.Status().ExpiresAt.After(time.Now()) {
		r.update(func(s *Status) { s.State, s.NextAttempt = StateStopped, time.Time{} })
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), unregisterTimeout)
	res, _, err := r.exchange(ctx, 0)
	cancel()
	if err == nil && !isSuccess(res) {
		err = fmt.Errorf("%d %s", res.StatusCode, res.Reason)
	}
	r.auth.forget()
	r.update(func(s *Status) {
		s.State, s.ExpiresAt, s.NextAttempt, s.LastError = StateStopped, time.Time{}, time.Time{}, ""
		if res != nil {
			s.Code, s.Reason = res.StatusCode, res.Reason
		}
		if err != nil {
			s.LastError = "un-register: " + err.Error()
		}
	})
	if err != nil {
		r.log.Warn("trunk un-register failed", "error", err)
	}
}

func (r *Registration) run(ctx context.Context) {
	for {
		wait := r.attempt(ctx)
		if ctx.Err() != nil {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// attempt registers once and returns the wait before the next attempt.
func (r *Registration) attempt(ctx context.Context) time.Duration {
	res, asked, err := r.exchange(ctx, r.expiry)
	if ctx.Err() != nil {
		return 0
	}
	r.expiry = asked
	now := time.Now()
	if err == nil && isSuccess(res) {
		if g := grantedExpiry(res, r.self, asked); g > 0 {
			pub, nat := publicAddr(res, r.self, r.peer.transport)
			wait := refreshIn(g)
			r.failures = 0
			r.update(func(s *Status) {
				s.State, s.Code, s.Reason, s.LastError = StateRegistered, res.StatusCode, res.Reason, ""
				s.ExpiresAt, s.NextAttempt, s.Failures = now.Add(time.Duration(g)*time.Second), now.Add(wait), 0
				s.Public, s.NAT = pub, nat
			})
			return wait
		}
		err = errors.New("the registrar kept our contact for 0 s")
	}
	r.auth.forget()
	r.failures++
	var code int
	var reason string
	if res != nil {
		code, reason = res.StatusCode, res.Reason
	} else {
		code, reason = failureStatus(err)
	}
	if err == nil {
		err = fmt.Errorf("%d %s", code, reason)
	}
	wait := backoff(r.acct.RetryInterval, r.acct.MaxRetryInterval, r.failures)
	if errors.Is(err, ErrAuth) || code == 401 || code == 407 || code == 403 || code == 404 {
		// The provider will refuse these credentials again: retrying at
		// once only gets our address blocked by its flood protection.
		wait = jitter(r.acct.MaxRetryInterval)
	}
	if res != nil {
		if ra, ok := retryAfter(res); ok {
			wait = max(wait, min(ra, maxWait))
		}
	}
	old := r.update(func(s *Status) {
		s.State, s.Code, s.Reason, s.LastError = StateFailed, code, reason, err.Error()
		s.NextAttempt, s.Failures = now.Add(wait), r.failures
	})
	lv := slog.LevelDebug
	if old.State != StateFailed || old.Code != code {
		lv = slog.LevelWarn
	}
	r.log.Log(ctx, lv, "trunk registration failed", "code", code, "error", err, "retry_in", wait.Round(time.Millisecond))
	return wait
}

// exchange sends a REGISTER asking for expires seconds and follows digest
// challenges and 423 Interval Too Brief to a final answer. It returns the
// expiry finally asked for (a 423 raises it to Min-Expires).
func (r *Registration) exchange(ctx context.Context, expires int) (*gosip.Response, int, error) {
	r.auth.begin()
	var res *gosip.Response
	for range maxRounds {
		req, err := r.newRegister(expires)
		if err != nil {
			return nil, expires, err
		}
		res, _, err = send(ctx, r.stack, req, r.acct.Timeout)
		if err != nil {
			return nil, expires, err
		}
		switch res.StatusCode {
		case 401, 407:
			if err := r.auth.challenged(res); err != nil {
				return res, expires, err
			}
		case 423:
			n, ok := minExpires(res)
			if expires == 0 || !ok || n <= expires {
				return res, expires, fmt.Errorf("423 %s without a Min-Expires above our %d s", res.Reason, expires)
			}
			r.log.Info("trunk registrar wants a longer expiry", "asked", expires, "min_expires", n)
			expires = n
		default:
			return res, expires, nil
		}
	}
	return res, expires, fmt.Errorf("no final answer after %d requests (last %d %s)", maxRounds, res.StatusCode, res.Reason)
}

// newRegister builds the next REGISTER: same Call-ID, next CSeq.
func (r *Registration) newRegister(expires int) (*gosip.Request, error) {
	req := r.peer.newRequest(gosip.REGISTER, r.self)
	from := &gosip.FromHeader{Address: r.aor, Params: gosip.NewParams()}
	from.Params.Add("tag", r.fromTag)
	cid := gosip.CallIDHeader(r.callID)
	r.cseq++
	req.AppendHeader(from)
	req.AppendHeader(&gosip.ToHeader{Address: r.aor, Params: gosip.NewParams()})
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: r.cseq, MethodName: gosip.REGISTER})
	req.AppendHeader(&gosip.ContactHeader{Address: r.self, Params: gosip.NewParams()})
	req.AppendHeader(gosip.NewHeader("Expires", strconv.Itoa(expires)))
	req.SetBody(nil)
	if err := r.auth.apply(req); err != nil {
		return nil, err
	}
	return req, nil
}

// update changes the status under the lock, stamps Since on a new state
// and tells OnChange, outside the lock, when the change matters. It
// returns the status before the change.
func (r *Registration) update(f func(*Status)) Status {
	r.mu.Lock()
	old := r.status
	f(&r.status)
	if r.status.State != old.State {
		r.status.Since = time.Now()
	}
	s, cb := r.status, r.onChange
	r.mu.Unlock()
	if cb != nil && changed(old, s) {
		cb(s)
	}
	return old
}

func isSuccess(res *gosip.Response) bool {
	return res != nil && res.StatusCode >= 200 && res.StatusCode < 300
}

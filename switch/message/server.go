package message

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Locator finds an extension's registered contacts (see registrar.Registrar).
type Locator interface {
	Lookup(aor string) []store.Binding
}

// Hooks hands out the current scripts generation (see hook.Dispatcher).
type Hooks interface {
	Acquire() *hook.Snapshot
}

// Server relays MESSAGE requests. It is safe for concurrent use.
type Server struct {
	// InDialog, when set before Register, answers a MESSAGE with a To tag
	// (inside a call's dialog: the call layer's business). Nil answers
	// such requests 501.
	InDialog sipgo.RequestHandler

	cfg    Config
	stack  *sip.Stack
	loc    Locator
	st     registrar.Store
	auth   registrar.Authenticator
	hooks  Hooks // nil: no message hook
	log    *slog.Logger
	ctx    context.Context // cancelled by Close: deliveries in flight stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // handlers and delivery goroutines

	mu       sync.Mutex
	closed   bool
	inFlight int
}

// New creates the relay; Register attaches it to the stack. st and auth
// authenticate senders as the call layer does INVITEs; hooks may be nil.
func New(cfg Config, stack *sip.Stack, loc Locator, st registrar.Store, auth registrar.Authenticator, hooks Hooks, log *slog.Logger) (*Server, error) {
	if stack == nil || loc == nil || st == nil || auth == nil {
		return nil, fmt.Errorf("message: stack, locator, store and authenticator are required")
	}
	if r, ok := loc.(*registrar.Registrar); ok && r == nil {
		return nil, fmt.Errorf("message: nil registrar")
	}
	if d, ok := hooks.(*hook.Dispatcher); ok && d == nil {
		hooks = nil // a typed nil would pass the nil check and panic later
	}
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, stack: stack, loc: loc, st: st, auth: auth, hooks: hooks, log: log}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Register attaches the MESSAGE handler to the stack (before Listen).
func (s *Server) Register() { s.stack.Handle(gosip.MESSAGE, s.ServeSIP) }

// InFlight is the number of MESSAGEs being delivered.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// Close refuses new MESSAGEs (503), cancels the deliveries in flight,
// whose senders get 503, and waits for them. Call it before closing the
// stack.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// answer is the response to one MESSAGE.
type answer struct {
	code   int
	reason string // "" = the standard phrase
	hdrs   []gosip.Header
}

func fail(code int, reason string, hdrs ...gosip.Header) answer {
	return answer{code: code, reason: reason, hdrs: hdrs}
}

// ServeSIP handles one MESSAGE. Retransmissions are absorbed by the
// transaction layer before they get here; each request runs on its own
// goroutine, so a delivery may take up to Config.Timeout here.
func (s *Server) ServeSIP(req *gosip.Request, tx gosip.ServerTransaction) {
	if to := req.To(); to != nil {
		if tag, _ := to.Params.Get("tag"); tag != "" {
			if s.InDialog != nil {
				s.InDialog(req, tx)
				return
			}
			sip.Respond(tx, req, 501, "Not Implemented (MESSAGE inside a dialog)", nil)
			return
		}
	}
	if !s.enter() {
		sip.Respond(tx, req, 503, "Service Unavailable (shutting down)", nil)
		return
	}
	defer s.wg.Done()
	a := s.handle(req)
	if err := sip.Respond(tx, req, a.code, a.reason, nil, a.hdrs...); err != nil {
		s.log.Debug("message: respond", "code", a.code, "error", err)
	}
}

// enter counts a handler in unless the server is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// handle decides the answer to a MESSAGE and delivers it. Checks that need
// nothing but the request come first, so a request we would refuse anyway
// is not challenged.
func (s *Server) handle(req *gosip.Request) answer {
	m, a, ok := check(req, s.cfg.MaxBody)
	if !ok {
		return a
	}
	user, code, hdrs := registrar.Authenticate(s.auth, s.st, req, "Proxy-Authorization", 407)
	if code != 0 {
		return fail(code, "", hdrs...)
	}
	if req.From().Address.User != user {
		return fail(403, "Forbidden (From does not match credentials)")
	}
	ext, err := s.st.GetExtension(user)
	if err != nil {
		// A trunk's account passes digest auth but sends no messages.
		return fail(403, "Forbidden (only extensions send messages)")
	}
	if !s.acquire() {
		s.log.Warn("message: in-flight limit reached", "limit", s.cfg.MaxInFlight)
		return fail(503, "Service Unavailable (too many messages in flight)", gosip.NewHeader("Retry-After", retryAfter))
	}
	defer s.release()
	m.from, m.fromName = user, displayName(req.From().DisplayName, ext.Name)
	to, a, ok := s.askHook(m)
	if !ok {
		return a
	}
	if _, err := s.st.GetExtension(to); err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			return fail(404, "Not Found (no such extension)")
		}
		s.log.Error("message: extension", "to", to, "error", err)
		return fail(500, "")
	}
	// Messages stay inside a tenant, as calls do: another tenant's
	// extension (or the switch's own, for a tenant's sender) is unknown.
	if ok, err := registrar.Reaches(s.st, ext.Tenant, to); err != nil {
		s.log.Error("message: tenant", "to", to, "error", err)
		return fail(500, "")
	} else if !ok {
		return fail(404, "Not Found (no such extension)")
	}
	m.to = to
	return s.deliver(m)
}

// acquire takes an in-flight slot.
func (s *Server) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight >= s.cfg.MaxInFlight {
		return false
	}
	s.inFlight++
	return true
}

func (s *Server) release() {
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
}

// askHook asks the message hook where m goes. With no hook bound, or a
// hook that fails (fail-open by the catalogue), it goes to its Request-URI
// user.
func (s *Server) askHook(m *msg) (string, answer, bool) {
	if s.hooks == nil {
		return m.rcpt, answer{}, true
	}
	snap := s.hooks.Acquire()
	defer snap.Release()
	if !snap.Bound(hook.Message) {
		return m.rcpt, answer{}, true
	}
	hr := hook.MessageRequest{From: m.from, To: m.rcpt, ContentType: m.ctype, Body: string(m.body)}
	d, err := snap.Invoke(s.ctx, hr)
	if err != nil {
		s.log.Warn("message hook failed; policy applied", "from", m.from, "to", m.rcpt, "error", err)
	}
	dec, _ := d.(hook.MessageDecision) // Invoke checks the type; a zero decision delivers
	if dec.Reject {
		code := dec.Code
		if code < 400 || code > 699 {
			code = 403
		}
		return "", fail(code, ""), false
	}
	if dec.DeliverTo != "" {
		return dec.DeliverTo, answer{}, true
	}
	return m.rcpt, answer{}, true
}

// displayName is what the recipient sees as the sender's name: the one the
// sender gave, else the extension's, cut to what fits in a quoted-string.
func displayName(given, fallback string) string {
	n := quotable(given)
	if n == "" {
		n = quotable(fallback)
	}
	return strings.TrimSpace(n)
}

// quotable drops what cannot go inside a quoted-string (control bytes, the
// quote and backslash) and cuts s to maxDisplayLen bytes on a rune boundary.
func quotable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '"' || r == '\\' || r == 0xfffd {
			continue
		}
		if b.Len()+len(string(r)) > maxDisplayLen {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

package ua

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// allowed is our Allow header value.
const allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, NOTIFY"

// closeTimeout bounds the de-registrations Close sends.
const closeTimeout = 2 * time.Second

// Stack is one UA socket shared by many accounts. It is safe for
// concurrent use.
type Stack struct {
	cfg    Config
	log    *slog.Logger
	sip    *hsip.Stack
	ctx    context.Context // cancelled by Close: every loop and wait ends
	cancel context.CancelFunc
	wg     sync.WaitGroup // our goroutines and the SIP handlers running

	mu       sync.Mutex
	closed   bool
	accounts map[string]*Account      // by Contact user
	calls    map[string]*Call         // by dialog key
	subs     map[string]*Subscription // by dialog key
	refers   map[string]*Transfer     // by the call's dialog key
}

// New binds the UDP socket and serves it until Close.
func New(cfg Config) (*Stack, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	s := &Stack{cfg: cfg, log: cfg.Logger.With("component", "ua"),
		accounts: map[string]*Account{}, calls: map[string]*Call{}, subs: map[string]*Subscription{},
		refers: map[string]*Transfer{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	st, err := hsip.New(hsip.Config{UDP: cfg.Listen, UserAgent: cfg.UserAgent, Logger: cfg.Logger, OnStrayResponse: s.onStray})
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("ua: %w", err)
	}
	s.sip = st
	st.Handle(gosip.INVITE, s.guard(s.onInvite))
	st.Handle(gosip.ACK, s.guard(s.onAck))
	st.Handle(gosip.BYE, s.guard(s.onBye))
	st.Handle(gosip.CANCEL, s.guard(s.onCancel))
	st.Handle(gosip.INFO, s.guard(s.onInfo))
	st.Handle(gosip.NOTIFY, s.guard(s.onNotify))
	st.Handle(gosip.MESSAGE, s.guard(s.onMessage))
	st.Handle(gosip.OPTIONS, s.guard(s.onOptions))
	st.HandleOther(s.guard(s.onOther))
	if err := st.Listen(); err != nil {
		s.cancel()
		return nil, fmt.Errorf("ua: listen %s: %w", cfg.Listen, err)
	}
	return s, nil
}

// Addr is the bound address of our socket.
func (s *Stack) Addr() netip.AddrPort { return s.sip.Addr("udp") }

// Close unregisters every account (briefly: the switch may be gone
// already), ends every call and subscription and waits until every
// goroutine of the stack, event deliveries included, is over. It must not
// be called from an event receiver.
func (s *Stack) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true // no new accounts, goroutines or requests from now on
	accounts := make([]*Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		accounts = append(accounts, a)
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	var wg sync.WaitGroup
	for _, a := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.Unregister(ctx)
		}()
	}
	wg.Wait()
	cancel()
	s.cancel()
	err := s.sip.Close()
	s.wg.Wait()
	return err
}

// spawn runs f on a goroutine Close waits for; false once closed.
func (s *Stack) spawn(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// guard admits requests from the switch only, and counts the handler as
// one of ours so Close waits for it (an INVITE's handler lasts until the
// call is answered).
func (s *Stack) guard(h func(*gosip.Request, gosip.ServerTransaction)) func(*gosip.Request, gosip.ServerTransaction) {
	return func(req *gosip.Request, tx gosip.ServerTransaction) {
		if !s.fromServer(req) {
			if !req.IsAck() {
				hsip.Respond(tx, req, 403, "Forbidden (requests are taken from the switch only)", nil)
			}
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			if !req.IsAck() {
				hsip.Respond(tx, req, 503, "Service Unavailable (shutting down)", nil)
			}
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		if req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
			if !req.IsAck() {
				hsip.Respond(tx, req, 400, "Bad Request (missing From, To, Call-ID or CSeq)", nil)
			}
			return
		}
		h(req, tx)
	}
}

func (s *Stack) fromServer(req *gosip.Request) bool {
	a, err := netip.ParseAddrPort(req.Source())
	return err == nil && a.Addr().Unmap() == s.cfg.Server.Addr() && a.Port() == s.cfg.Server.Port()
}

// account finds the account a request is for by its Request-URI user:
// our Contact user.
func (s *Stack) account(req *gosip.Request) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[req.Recipient.User]
}

// call finds the call of an in-dialog request; nil when none matches its
// Call-ID and both tags.
func (s *Stack) call(req *gosip.Request) *Call {
	s.mu.Lock()
	c := s.calls[key(req.CallID().Value(), tagOf(req.To().Params))]
	s.mu.Unlock()
	if c == nil || !c.d.matches(req) {
		return nil
	}
	return c
}

func (s *Stack) addCall(c *Call) {
	s.mu.Lock()
	s.calls[c.d.key()] = c
	s.mu.Unlock()
}

func (s *Stack) dropCall(c *Call) {
	s.mu.Lock()
	if s.calls[c.d.key()] == c {
		delete(s.calls, c.d.key())
	}
	s.mu.Unlock()
}

// --- the handlers of requests outside our dialogs' own logic

func (s *Stack) onOptions(req *gosip.Request, tx gosip.ServerTransaction) {
	hsip.Respond(tx, req, 200, "", nil, gosip.NewHeader("Allow", allowed), gosip.NewHeader("Accept", "application/sdp"))
}

// onCancel sees only CANCELs that matched no INVITE transaction.
func (s *Stack) onCancel(req *gosip.Request, tx gosip.ServerTransaction) {
	hsip.Respond(tx, req, 481, "", nil)
}

func (s *Stack) onOther(req *gosip.Request, tx gosip.ServerTransaction) {
	if tagOf(req.To().Params) != "" && s.call(req) != nil {
		hsip.Respond(tx, req, 501, "", nil, gosip.NewHeader("Allow", allowed))
		return
	}
	hsip.Respond(tx, req, 405, "", nil, gosip.NewHeader("Allow", allowed))
}

// onStray re-ACKs a 2xx to one of our INVITEs that came back after its
// transaction ended (our ACK was lost, RFC 3261 13.2.2.4).
func (s *Stack) onStray(res *gosip.Response) {
	cs := res.CSeq()
	if cs == nil || cs.MethodName != gosip.INVITE || !res.IsSuccess() || res.From() == nil || res.CallID() == nil {
		return
	}
	s.mu.Lock()
	c := s.calls[key(res.CallID().Value(), tagOf(res.From().Params))]
	s.mu.Unlock()
	if c != nil {
		c.reack(cs.SeqNo)
	}
}

// Sent reports whether source (ip:port, as a registrar records a
// REGISTER's source) is this stack's socket: the switch treats those
// bindings as browsers (switch/call Config.Browser). The socket is ours
// alone, so no phone can claim it.
func (s *Stack) Sent(source string) bool {
	a, err := netip.ParseAddrPort(source)
	me := s.Addr()
	return err == nil && a.Addr().Unmap() == me.Addr().Unmap() && a.Port() == me.Port()
}

// Package subscribe is the SIP subscription server (RFC 6665): it accepts
// SUBSCRIBE requests for the event packages it serves, keeps each
// subscription's dialog and expiry, and sends NOTIFYs when a resource
// changes. message-summary (RFC 3842, message waiting) is the first
// package; the dialog (BLF) and presence packages plug into the same
// machinery.
//
// State lives in memory only: after a restart a phone's refresh gets 481
// and the phone subscribes anew (RFC 6665 4.1.2.2).
package subscribe

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// Hooks hands out the current scripts generation (see hook.Dispatcher).
type Hooks interface {
	Acquire() *hook.Snapshot
}

// Server is the subscription server. It is safe for concurrent use.
type Server struct {
	cfg    Config
	stack  *sip.Stack
	st     registrar.Store
	auth   registrar.Authenticator
	hooks  Hooks // nil: no subscribe hook
	log    *slog.Logger
	pkgs   map[string]Package // by lower-case name
	allow  string             // Allow-Events value
	ctx    context.Context    // cancelled by Close: NOTIFYs in flight stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // sender goroutines

	mu      sync.Mutex
	closed  bool
	dialogs map[string]*subscription              // by dialog key
	byRes   map[string]map[*subscription]struct{} // by resKey
	perUser map[string]int
}

// New creates a server for pkgs; Register attaches it to the stack. st and
// auth authenticate SUBSCRIBE requests as the registrar does REGISTER;
// hooks may be nil (no subscribe hook).
func New(cfg Config, stack *sip.Stack, st registrar.Store, auth registrar.Authenticator, hooks Hooks, log *slog.Logger, pkgs ...Package) (*Server, error) {
	if stack == nil || st == nil || auth == nil {
		return nil, fmt.Errorf("subscribe: stack, store and authenticator are required")
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("subscribe: no event package")
	}
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	if d, ok := hooks.(*hook.Dispatcher); ok && d == nil {
		hooks = nil // a typed nil would pass the nil check and panic later
	}
	s := &Server{cfg: cfg, stack: stack, st: st, auth: auth, hooks: hooks, log: log,
		pkgs: map[string]Package{}, dialogs: map[string]*subscription{},
		byRes: map[string]map[*subscription]struct{}{}, perUser: map[string]int{}}
	names := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		if p == nil {
			return nil, fmt.Errorf("subscribe: nil event package")
		}
		n := p.Name()
		if len(n) > maxTokenLen || !isToken(n) {
			return nil, fmt.Errorf("subscribe: event package name %q is not a token", n)
		}
		if _, dup := s.pkgs[strings.ToLower(n)]; dup {
			return nil, fmt.Errorf("subscribe: event package %s given twice", n)
		}
		if ct := p.ContentType(); !strings.Contains(ct, "/") || strings.ContainsAny(ct, "\r\n") {
			return nil, fmt.Errorf("subscribe: event package %s: content type %q is not a media type", n, ct)
		}
		s.pkgs[strings.ToLower(n)] = p
		names = append(names, n)
	}
	sort.Strings(names)
	s.allow = strings.Join(names, ", ")
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Register attaches the SUBSCRIBE handler to the stack (before Listen).
func (s *Server) Register() { s.stack.Handle(gosip.SUBSCRIBE, s.ServeSIP) }

// AllowEvents is the Allow-Events header value: the packages served.
func (s *Server) AllowEvents() string { return s.allow }

// Notify tells the subscribers of event's resource that it changed (after
// a voicemail deposit: Notify("message-summary", "1001")). It returns at
// once; NOTIFYs go out in the background, each with the state current
// when it is sent. It returns how many subscriptions were told.
func (s *Server) Notify(event, resource string) int {
	p := s.pkgs[strings.ToLower(event)]
	if p == nil {
		return 0
	}
	n := 0
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.byRes[resKey(p, resource)] {
		if sub.ending == "" {
			sub.dirty = true
			s.startLocked(sub)
			n++
		}
	}
	return n
}

// Count is the number of subscriptions held (ending ones included).
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dialogs)
}

// Close drops every subscription without a final NOTIFY and waits for the
// NOTIFYs in flight, which it cancels, so it returns promptly. Sending
// "terminated" to every phone at shutdown would make them all resubscribe
// at once to a server going away; after a restart their refreshes get 481
// and they subscribe again. Call it before closing the stack.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for _, sub := range s.dialogs {
		if sub.timer != nil {
			sub.timer.Stop()
		}
		sub.gone = true
	}
	clear(s.dialogs)
	clear(s.byRes)
	clear(s.perUser)
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

func resKey(p Package, resource string) string {
	return strings.ToLower(p.Name()) + "\x00" + resource
}

// addLocked records a new subscription; the caller checked the caps.
func (s *Server) addLocked(sub *subscription) {
	s.dialogs[sub.d.key()] = sub
	k := resKey(sub.pkg, sub.resource)
	set := s.byRes[k]
	if set == nil {
		set = map[*subscription]struct{}{}
		s.byRes[k] = set
	}
	set[sub] = struct{}{}
	s.perUser[sub.user]++
}

// removeLocked forgets a subscription; a sender still running stops.
func (s *Server) removeLocked(sub *subscription) {
	if sub.gone {
		return
	}
	sub.gone = true
	if sub.timer != nil {
		sub.timer.Stop()
	}
	delete(s.dialogs, sub.d.key())
	k := resKey(sub.pkg, sub.resource)
	if set := s.byRes[k]; set != nil {
		delete(set, sub)
		if len(set) == 0 {
			delete(s.byRes, k)
		}
	}
	if s.perUser[sub.user]--; s.perUser[sub.user] <= 0 {
		delete(s.perUser, sub.user)
	}
}

// startLocked starts the sender of a subscription that owes a NOTIFY,
// unless it runs already or the 200 is not out yet.
func (s *Server) startLocked(sub *subscription) {
	if !sub.dirty || sub.sending || !sub.answered || sub.gone || s.closed {
		return
	}
	sub.sending = true
	s.wg.Add(1)
	go s.run(sub)
}

// expire ends a subscription that was not refreshed in time (RFC 6665
// 4.2.2: terminated;reason=timeout).
func (s *Server) expire(sub *subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub.gone || sub.ending != "" || s.closed || time.Now().Before(sub.expires) {
		return // ended already, or refreshed while the timer fired
	}
	sub.ending = "timeout"
	sub.dirty = true
	s.startLocked(sub)
}

package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// TrunkManager runs what the configured trunks need in the background: the
// registration of each register trunk and the qualifier of each trunk
// with a qualify interval. Sync applies a new configuration: unchanged
// trunks keep running, changed ones restart, removed ones stop
// (un-registering). A trunk going up or down is logged and handed to the
// event hook (topic trunk_events).
type TrunkManager struct {
	st  trunk.Stack
	log *slog.Logger

	// bindings finds where a gateway registered (accept-register trunks).
	bindings func(aor string) []store.Binding
	// hooks gets the trunk events (the hook dispatcher); nil: logged only.
	hooks  interface{ Acquire() *hook.Snapshot }
	events eventQueue

	mu      sync.Mutex
	ctx     context.Context
	running map[string]*running
	closed  bool
}

type running struct {
	cfg   store.Trunk
	reg   *trunk.Registration
	qual  *trunk.Qualifier
	peers *trunk.IPSet // addresses its calls come from

	// What the trunk's up/down events are made of: the state of each
	// check it runs and the state last reported. The checks report on
	// their own goroutines, hence the lock (not m.mu: Sync holds that
	// while a stopping registration reports).
	mu                sync.Mutex
	hasReg, hasQual   bool
	regLink, qualLink link
	reported          link
	stopped           bool
}

// NewTrunkManager runs trunks over st until ctx ends or Close.
func NewTrunkManager(ctx context.Context, st trunk.Stack, log *slog.Logger) *TrunkManager {
	if log == nil {
		log = slog.Default()
	}
	m := &TrunkManager{st: st, log: log, ctx: ctx, running: map[string]*running{}}
	m.events.deliver = func(ev hook.EventRequest) { notifyEvent(m.hooks, m.log, ev) }
	return m
}

// Sync makes the running trunks match trunks. A trunk whose settings do
// not make a valid account is logged and left stopped; the others still
// run.
func (m *TrunkManager) Sync(trunks []store.Trunk) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	want := map[string]store.Trunk{}
	for _, t := range trunks {
		want[t.Name] = t
	}
	was := map[string]link{} // a restarted trunk's last state: no second trunk_connected
	for name, r := range m.running {
		t, ok := want[name]
		if ok && sameConfig(r.cfg, t) {
			delete(want, name)
			continue
		}
		if st := r.stop(); ok {
			was[name] = st
		} else if st == linkUp {
			m.report(r.cfg, false, "removed")
		}
		delete(m.running, name)
	}
	for name, t := range want {
		r := &running{cfg: t, reported: was[name]}
		if err := m.start(r); err != nil {
			m.log.Warn("trunk not started", "trunk", name, "error", err)
			if r.stop() == linkUp {
				m.report(t, false, "not started: "+err.Error())
			}
			continue
		}
		m.running[name] = r
	}
}

// sameConfig compares two configurations, timestamps aside.
func sameConfig(a, b store.Trunk) bool {
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// start launches a trunk's registration and qualifier. m.mu held.
func (m *TrunkManager) start(r *running) error {
	t := r.cfg
	peers, err := trunk.ParseIPSet(peerAddrs(t))
	if err != nil {
		return err
	}
	r.peers = peers
	r.hasReg = t.Kind == store.TrunkRegister
	r.hasQual = t.Qualify > 0 && t.Host != ""
	if r.hasReg {
		reg, err := trunk.NewRegistration(m.st, trunk.Account{Name: t.Name, Registrar: t.Host, Transport: t.Transport,
			OutboundProxy: t.OutboundProxy, Username: t.Username, AuthUsername: t.AuthUsername, Password: t.Password,
			Realm: t.Realm, FromDomain: t.FromDomain, Expiry: time.Duration(t.Expiry) * time.Second}, m.log)
		if err != nil {
			return err
		}
		reg.OnChange(func(s trunk.Status) {
			m.log.Info("trunk registration", "trunk", t.Name, "status", s.String())
			m.registrationChanged(r, s)
		})
		if err := reg.Start(m.ctx); err != nil {
			return err
		}
		r.reg = reg
	}
	if r.hasQual {
		peer := t.Host
		if t.OutboundProxy != "" {
			peer = t.OutboundProxy
		}
		q, err := trunk.NewQualifier(m.st, trunk.QualifyConfig{Name: t.Name, Peer: peer, Transport: t.Transport,
			Interval: time.Duration(t.Qualify) * time.Second}, m.log)
		if err != nil {
			return err
		}
		q.OnChange(func(s trunk.QualifyStatus) {
			m.log.Info("trunk health", "trunk", t.Name, "health", s.Health.String())
			m.qualifyChanged(r, s)
		})
		if err := q.Start(m.ctx); err != nil {
			return err
		}
		r.qual = q
	}
	return nil
}

// stop ends the trunk's checks, with no event (a removal or a restart is
// not the provider's doing), and returns the state last reported.
func (r *running) stop() link {
	r.mu.Lock()
	r.stopped = true
	st := r.reported
	r.mu.Unlock()
	if r.reg != nil {
		r.reg.Stop()
	}
	if r.qual != nil {
		r.qual.Stop()
	}
	return st
}

// Status lists the running trunks' state, by name.
func (m *TrunkManager) Status() []trunk.Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]trunk.Report, 0, len(m.running))
	for name, r := range m.running {
		s := trunk.Report{Name: name, Kind: r.cfg.Kind}
		if r.reg != nil {
			st := r.reg.Status()
			s.Registration = &st
		}
		if r.qual != nil {
			qs := r.qual.Status()
			s.Qualify = &qs
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Close stops every trunk (register trunks un-register) and drops the
// events not yet delivered.
func (m *TrunkManager) Close() {
	m.mu.Lock()
	m.closed = true
	rs := m.running
	m.running = map[string]*running{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() { defer wg.Done(); r.stop() }()
	}
	wg.Wait()
	m.events.close()
}

// peerAddrs are the addresses a trunk's calls may come from: its listed
// IPs and, for ip and register trunks, its host when that is an IP
// address (a host name is not resolved on the call path: list its
// addresses in ips).
func peerAddrs(t store.Trunk) []string {
	addrs := append([]string(nil), t.IPs...)
	if t.Kind == store.TrunkAcceptRegister || t.Host == "" {
		return addrs
	}
	host := t.Host
	if ap, err := netip.ParseAddrPort(host); err == nil {
		host = ap.Addr().String()
	} else if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		addrs = append(addrs, a.String())
	}
	return addrs
}

// TrunkFor names the running trunk a request from src comes from
// (call.TrunkFinder): by address for ip and register trunks.
// A registered gateway is recognised by its address and port: the
// socket it registered from.
func (m *TrunkManager) TrunkFor(src netip.AddrPort) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, r := range m.running {
		if r.peers != nil && r.peers.Contains(src.Addr()) {
			return name, true
		}
		if r.cfg.Kind == store.TrunkAcceptRegister && m.bindings != nil {
			for _, b := range m.bindings(r.cfg.Username) {
				if ap, err := netip.ParseAddrPort(b.Source); err == nil &&
					netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()) == src {
					return name, true
				}
			}
		}
	}
	return "", false
}

// ContactUser is the user part of the Contact a register trunk registers
// (its username); "" for other kinds.
func (m *TrunkManager) ContactUser(name string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.running[name]
	if r == nil || r.cfg.Kind != store.TrunkRegister {
		return ""
	}
	return r.cfg.Username // the registration's Contact user (trunk.Account.ContactUser defaults to it)
}

// link is a trunk's (or one of its checks') connectivity: unknown until a
// check has an answer.
type link int

const (
	linkUnknown link = iota
	linkUp
	linkDown
)

// TrunkEventsTopic is the event hook topic of trunk up/down events; the
// data's "event" is TrunkConnected or TrunkDisconnected (the names of
// seed 001, chapter 15).
const (
	TrunkEventsTopic  = "trunk_events"
	TrunkConnected    = "trunk_connected"
	TrunkDisconnected = "trunk_disconnected"
)

// registrationChanged folds a registration's new status into the trunk's
// state. A refresh, a retry failing like the last one or a stop changes
// nothing.
func (m *TrunkManager) registrationChanged(r *running, s trunk.Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var reason string
	switch s.State {
	case trunk.StateRegistered:
		r.regLink, reason = linkUp, "registered"
	case trunk.StateFailed:
		what := "registration failed: "
		if r.regLink == linkUp {
			what = "registration lost: "
		}
		r.regLink, reason = linkDown, what+failureText(s.Code, s.Reason, s.LastError)
	default:
		return
	}
	m.settle(r, reason)
}

// qualifyChanged folds the qualifier's new health into the trunk's state.
func (m *TrunkManager) qualifyChanged(r *running, s trunk.QualifyStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var reason string
	switch s.Health {
	case trunk.HealthUp:
		r.qualLink, reason = linkUp, fmt.Sprintf("qualify: answered (%d %s)", s.Code, s.Reason)
	case trunk.HealthDown:
		reason = "qualify: no answer"
		if s.Code != 408 {
			reason = "qualify: " + failureText(0, "", s.LastError)
		}
		r.qualLink = linkDown
	default:
		return
	}
	m.settle(r, reason)
}

// failureText is why an attempt failed: its response, else its error.
func failureText(code int, reason, err string) string {
	switch {
	case code != 0:
		return fmt.Sprintf("%d %s", code, reason)
	case err != "":
		return err
	}
	return "unknown error"
}

// settle works out the trunk's state from its checks (down when any is
// down, up when every one is up) and reports a change, with the reason of
// the check that made it. r.mu held.
func (m *TrunkManager) settle(r *running, reason string) {
	if r.stopped {
		return
	}
	st := linkUp
	for _, c := range []struct {
		runs bool
		l    link
	}{{r.hasReg, r.regLink}, {r.hasQual, r.qualLink}} {
		switch {
		case !c.runs:
		case c.l == linkDown:
			st = linkDown
		case c.l == linkUnknown && st == linkUp:
			st = linkUnknown
		}
	}
	if st == linkUnknown || st == r.reported {
		return
	}
	r.reported = st
	m.report(r.cfg, st == linkUp, reason)
}

// report logs a trunk event and queues it for the event hook: never
// blocking, since it runs on a trunk's goroutine (or under m.mu).
func (m *TrunkManager) report(t store.Trunk, up bool, reason string) {
	ev := TrunkDisconnected
	if up {
		ev = TrunkConnected
		m.log.Info("trunk connected", "trunk", t.Name, "reason", reason)
	} else {
		m.log.Warn("trunk disconnected", "trunk", t.Name, "reason", reason)
	}
	if m.hooks == nil {
		return
	}
	req := hook.EventRequest{Topic: TrunkEventsTopic, Data: map[string]any{"event": ev, "trunk": t.Name,
		"kind": t.Kind, "reason": reason, "time": time.Now().UTC().Format(time.RFC3339)}}
	if !m.events.push(req) {
		m.log.Warn("trunk event dropped: the event hook is behind", "trunk", t.Name, "event", ev)
	}
}

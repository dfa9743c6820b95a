package server

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// TrunkManager runs what the configured trunks need in the background: the
// registration of each register trunk and the qualifier of each trunk
// with a qualify interval. Sync applies a new configuration: unchanged
// trunks keep running, changed ones restart, removed ones stop
// (un-registering).
type TrunkManager struct {
	st  trunk.Stack
	log *slog.Logger

	// bindings finds where a gateway registered (accept-register trunks).
	bindings func(aor string) []store.Binding

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
}

// NewTrunkManager runs trunks over st until ctx ends or Close.
func NewTrunkManager(ctx context.Context, st trunk.Stack, log *slog.Logger) *TrunkManager {
	if log == nil {
		log = slog.Default()
	}
	return &TrunkManager{st: st, log: log, ctx: ctx, running: map[string]*running{}}
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
	for name, r := range m.running {
		t, ok := want[name]
		if ok && sameConfig(r.cfg, t) {
			delete(want, name)
			continue
		}
		r.stop()
		delete(m.running, name)
	}
	for name, t := range want {
		r := &running{cfg: t}
		if err := m.start(r); err != nil {
			m.log.Warn("trunk not started", "trunk", name, "error", err)
			r.stop()
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
	if t.Kind == store.TrunkRegister {
		reg, err := trunk.NewRegistration(m.st, trunk.Account{Name: t.Name, Registrar: t.Host, Transport: t.Transport,
			OutboundProxy: t.OutboundProxy, Username: t.Username, AuthUsername: t.AuthUsername, Password: t.Password,
			Realm: t.Realm, FromDomain: t.FromDomain, Expiry: time.Duration(t.Expiry) * time.Second}, m.log)
		if err != nil {
			return err
		}
		reg.OnChange(func(s trunk.Status) { m.log.Info("trunk registration", "trunk", t.Name, "status", s.String()) })
		if err := reg.Start(m.ctx); err != nil {
			return err
		}
		r.reg = reg
	}
	if t.Qualify > 0 && t.Host != "" {
		peer := t.Host
		if t.OutboundProxy != "" {
			peer = t.OutboundProxy
		}
		q, err := trunk.NewQualifier(m.st, trunk.QualifyConfig{Name: t.Name, Peer: peer, Transport: t.Transport,
			Interval: time.Duration(t.Qualify) * time.Second}, m.log)
		if err != nil {
			return err
		}
		q.OnChange(func(s trunk.QualifyStatus) { m.log.Info("trunk health", "trunk", t.Name, "health", s.Health.String()) })
		if err := q.Start(m.ctx); err != nil {
			return err
		}
		r.qual = q
	}
	return nil
}

func (r *running) stop() {
	if r.reg != nil {
		r.reg.Stop()
	}
	if r.qual != nil {
		r.qual.Stop()
	}
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

// Close stops every trunk (register trunks un-register).
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

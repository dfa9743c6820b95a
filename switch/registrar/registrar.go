// Package registrar is the location service: it authenticates REGISTER
// requests, keeps each extension's bindings (RFC 3261 10.3) in memory and in
// the store, and answers who to ring for an extension.
package registrar

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Config holds the registrar's policy (SPEC S2).
type Config struct {
	DefaultExpires     time.Duration // when the UA names none (default 1800 s)
	MinExpires         time.Duration // shorter non-zero requests get 423 (default 60 s)
	MaxExpires         time.Duration // longer requests are cut down (default 7200 s)
	DefaultMaxContacts int           // per extension unless it sets its own (default 2)
	KeepAlive          time.Duration // OPTIONS ping to UDP bindings for NAT (default 30 s; <0 disables)
}

func (c *Config) defaults() {
	if c.DefaultExpires <= 0 {
		c.DefaultExpires = 1800 * time.Second
	}
	if c.MinExpires <= 0 {
		c.MinExpires = 60 * time.Second
	}
	if c.MaxExpires <= 0 {
		c.MaxExpires = 7200 * time.Second
	}
	if c.MaxExpires < c.MinExpires {
		c.MaxExpires = c.MinExpires
	}
	if c.DefaultMaxContacts <= 0 {
		c.DefaultMaxContacts = 2
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = 30 * time.Second
	}
}

// Store is what the registrar needs from storage.
type Store interface {
	GetExtension(number string) (store.Extension, error)
	PutBinding(b store.Binding) error
	DeleteBinding(aor, contact string) error
	AllBindings() ([]store.Binding, error)
}

// TrunkAccounts is what a Store also offers when gateways may register
// as accept-register trunks: the password of such a trunk's user.
type TrunkAccounts interface {
	TrunkAccount(user string) (password string, ok bool)
}

// Pinger sends a keepalive to a binding (an OPTIONS through the SIP stack).
// It sends and returns: no transaction, no waiting for the answer.
type Pinger interface {
	Ping(ctx context.Context, b store.Binding) error
}

// Registrar holds the bindings of every extension.
type Registrar struct {
	cfg   Config
	store Store
	log   *slog.Logger
	now   func() time.Time

	mu       sync.RWMutex
	bindings map[string][]store.Binding // aor -> bindings, unexpired at last sweep
}

// New loads the persisted bindings, so a restart keeps registrations.
func New(cfg Config, st Store, log *slog.Logger) (*Registrar, error) {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	r := &Registrar{cfg: cfg, store: st, log: log, now: time.Now, bindings: map[string][]store.Binding{}}
	all, err := st.AllBindings()
	if err != nil {
		return nil, err
	}
	now := r.now()
	for _, b := range all {
		if b.Expires.After(now) {
			r.bindings[b.AOR] = append(r.bindings[b.AOR], b)
		}
	}
	return r, nil
}

// Lookup returns the unexpired bindings of an extension, newest first.
func (r *Registrar) Lookup(aor string) []store.Binding {
	now := r.now()
	r.mu.RLock()
	bs := r.bindings[aor]
	out := make([]store.Binding, 0, len(bs))
	for _, b := range bs {
		if b.Expires.After(now) {
			out = append(out, b)
		}
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].UpdatedAt.After(out[j].UpdatedAt) })
	return out
}

// All returns every unexpired binding, for listings.
func (r *Registrar) All() []store.Binding {
	r.mu.RLock()
	aors := make([]string, 0, len(r.bindings))
	for aor := range r.bindings {
		aors = append(aors, aor)
	}
	r.mu.RUnlock()
	sort.Strings(aors)
	var out []store.Binding
	for _, aor := range aors {
		out = append(out, r.Lookup(aor)...)
	}
	return out
}

// Count is the number of unexpired bindings.
func (r *Registrar) Count() int {
	now := r.now()
	n := 0
	r.mu.RLock()
	for _, bs := range r.bindings {
		for _, b := range bs {
			if b.Expires.After(now) {
				n++
			}
		}
	}
	r.mu.RUnlock()
	return n
}

// Remove drops every binding of an extension (it was deleted).
func (r *Registrar) Remove(aor string) {
	r.mu.Lock()
	delete(r.bindings, aor)
	r.mu.Unlock()
}

// Run sweeps expired bindings and pings UDP ones until ctx ends.
func (r *Registrar) Run(ctx context.Context, p Pinger) {
	sweep := time.NewTicker(10 * time.Second)
	defer sweep.Stop()
	var ping <-chan time.Time
	if r.cfg.KeepAlive > 0 && p != nil {
		t := time.NewTicker(r.cfg.KeepAlive)
		defer t.Stop()
		ping = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			r.sweep()
		case <-ping:
			r.ping(ctx, p)
		}
	}
}

func (r *Registrar) sweep() {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for aor, bs := range r.bindings {
		// A new slice: callers may still read the old one outside the lock.
		var kept []store.Binding
		for _, b := range bs {
			if b.Expires.After(now) {
				kept = append(kept, b)
			}
		}
		if len(kept) == 0 {
			delete(r.bindings, aor)
		} else {
			r.bindings[aor] = kept
		}
	}
}

// ping keeps NAT pinholes open (S4) for datagram bindings; stream
// transports keep their connection.
func (r *Registrar) ping(ctx context.Context, p Pinger) {
	for _, b := range r.All() {
		if b.Transport != "udp" {
			continue
		}
		if err := p.Ping(ctx, b); err != nil && !errors.Is(err, context.Canceled) {
			r.log.Debug("keepalive failed", "aor", b.AOR, "source", b.Source, "error", err)
		}
	}
}

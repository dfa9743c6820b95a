package store

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// Tenancy is a read-only view of the tenants and of which tenant each ring
// group and queue is, for the registrar and the calls: every REGISTER and
// INVITE asks it, so it is built once from the store and kept until a
// tenant, group or queue changes (then rebuilt on the next read).
// Extensions' tenants come from the extension cache (GetExtension).
type Tenancy struct {
	tenants  []Tenant          // compiled, for Inbound
	byName   map[string]int    // tenant name -> index in tenants
	byDomain map[string]string // lower-case domain -> tenant name
	numbers  map[string]string // ring group, queue, IVR or room number -> its tenant ("" none)
}

// ByDomain names the tenant whose SIP domain host is (case-insensitive, a
// trailing dot ignored); "" when none.
func (t *Tenancy) ByDomain(host string) string {
	if d, ok := t.byDomain[host]; ok { // the usual case: already lower case
		return d
	}
	return t.byDomain[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// Domain is tenant name's SIP domain; "" when there is no such tenant.
func (t *Tenancy) Domain(name string) string {
	if i, ok := t.byName[name]; ok {
		return t.tenants[i].Domain
	}
	return ""
}

// MaxCalls is tenant name's concurrent-call quota; 0 (no limit) for no
// tenant or an unknown one.
func (t *Tenancy) MaxCalls(name string) int {
	if i, ok := t.byName[name]; ok {
		return t.tenants[i].MaxCalls
	}
	return 0
}

// Inbound names the tenant of a call that came in on trunk to did (see
// CallTenant).
func (t *Tenancy) Inbound(trunk, did string) string { return CallTenant(t.tenants, trunk, did) }

// Owner says which tenant the ring group or queue number is ("" none), and
// whether number is a group's or a queue's at all.
func (t *Tenancy) Owner(number string) (string, bool) {
	tn, ok := t.numbers[number]
	return tn, ok
}

// tenantCache holds the current Tenancy; nil until read after a change.
type tenantCache struct {
	mu   sync.Mutex
	gen  uint64 // bumped by every change, so a build that raced one is dropped
	view atomic.Pointer[Tenancy]
}

// forget drops the view after a change to a tenant, group, queue, IVR or
// room.
func (c *tenantCache) forget() {
	c.mu.Lock()
	c.gen++
	c.view.Store(nil)
	c.mu.Unlock()
}

// Tenancy returns the current view of the tenants; after the first read it
// costs an atomic load.
func (s *Store) Tenancy() (*Tenancy, error) {
	c := &s.tenants
	if v := c.view.Load(); v != nil {
		return v, nil
	}
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	v := &Tenancy{byName: map[string]int{}, byDomain: map[string]string{}, numbers: map[string]string{}}
	err := s.view(func(txn *badger.Txn) (err error) {
		if v.tenants, err = listTenants(txn); err != nil {
			return err
		}
		for _, prefix := range []string{groupPrefix, queuePrefix, ivrPrefix, roomPrefix} {
			if err := iterate(txn, prefix, func(item *badger.Item) error {
				var rec struct {
					Number string `json:"number"`
					Tenant string `json:"tenant"`
				}
				if err := decodeItem(item, &rec); err != nil {
					return err
				}
				v.numbers[rec.Number] = rec.Tenant
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: %w", err)
	}
	for i, t := range v.tenants {
		v.byName[t.Name] = i
		v.byDomain[t.Domain] = t.Name
	}
	c.mu.Lock()
	if c.gen == gen {
		c.view.Store(v)
	}
	c.mu.Unlock()
	return v, nil
}

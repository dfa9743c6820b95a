package store

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/hookswitch/hookswitch/switch/dialrule"
)

const tenantPrefix = "tenant/"

// maxTenantTrunks bounds a tenant's trunk list: far above real ones, low
// enough that a record stays small.
const maxTenantTrunks = 64

// TenantTrunk is a trunk a tenant may use, with the DIDs it owns there.
type TenantTrunk struct {
	Trunk string `json:"trunk"`
	// DIDPool is the tenant's DIDs on the trunk in the grammar of seed 001
	// ("*", "44*****", "12000-18000", ';' lists); empty: none, so the
	// tenant calls out through the trunk but takes no calls in on it.
	DIDPool string `json:"did_pool,omitempty"`
}

// Tenant is a customer sharing the switch (SPEC T5, P11): its SIP domain
// (its extensions register under it), the trunks it may use with its DID
// pools on them, and its quotas. Extensions, ring groups and queues name
// their tenant (tenant_quota.go has the rules); numbers stay unique
// across the switch.
type Tenant struct {
	Name   string        `json:"name"`
	Domain string        `json:"domain"` // DNS name, lower case, unique across tenants
	Trunks []TenantTrunk `json:"trunks"`
	// Quotas (SPEC P11); 0 is no limit.
	MaxExtensions int       `json:"max_extensions"`
	MaxCalls      int       `json:"max_calls"` // calls in progress at once
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	pools []dialrule.Pool // compiled Trunks[i].DIDPool, set by Validate
}

// Validate checks what needs no other record, lower-cases the domain and
// writes each pool in its canonical form. Errors are *FieldError wrapping
// ErrInvalid.
func (t *Tenant) Validate() error {
	t.pools = nil
	if !validName(t.Name) {
		return invalid("name", "required: 1-64 letters, digits, '-' or '_'")
	}
	t.Domain = strings.ToLower(strings.TrimSuffix(t.Domain, "."))
	if err := validDomain(t.Domain); err != nil {
		return invalid("domain", err.Error())
	}
	if len(t.Trunks) > maxTenantTrunks {
		return invalid("trunks", fmt.Sprintf("at most %d", maxTenantTrunks))
	}
	if t.Trunks == nil {
		t.Trunks = []TenantTrunk{} // [] rather than null in JSON
	}
	pools := make([]dialrule.Pool, len(t.Trunks))
	for i, tt := range t.Trunks {
		field := fmt.Sprintf("trunks[%d]", i)
		if !validName(tt.Trunk) {
			return invalid(field+".trunk", fmt.Sprintf("%q: want a trunk's name", truncateText(tt.Trunk)))
		}
		if j := slices.IndexFunc(t.Trunks[:i], func(o TenantTrunk) bool { return o.Trunk == tt.Trunk }); j >= 0 {
			return invalid(field+".trunk", fmt.Sprintf("%s listed twice (also trunks[%d]): join the pools with ';'", tt.Trunk, j))
		}
		pool, err := dialrule.ParsePool(tt.DIDPool)
		if err != nil {
			return invalid(field+".did_pool", err.Error())
		}
		pools[i] = pool
		t.Trunks[i].DIDPool = pool.String()
	}
	t.pools = pools
	return t.validQuotas()
}

// validDomain accepts a DNS name (RFC 1123 labels), not an IP address:
// a tenant's domain is the name its phones register to.
func validDomain(d string) error {
	if d == "" {
		return errors.New("required: the tenant's SIP domain, e.g. acme.example.com")
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return fmt.Errorf("%q is an IP address: a tenant's domain is a DNS name", truncateText(d))
	}
	if len(d) > 253 {
		return errors.New("at most 253 characters")
	}
	labels := strings.Split(d, ".")
	if isDigits(labels[len(labels)-1]) {
		// No top-level domain is numeric (RFC 3696 2): a mistyped address.
		return fmt.Errorf("%q: not a DNS name (numeric top-level label)", truncateText(d))
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("%q: not a DNS name (labels of 1-63 letters, digits or '-', not starting or ending with '-')", truncateText(d))
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%q: not a DNS name (%q is not a letter, digit or '-')", truncateText(d), c)
			}
		}
	}
	return nil
}

// pool is the tenant's DID pool on Trunks[i], compiled or parsed now for
// a hand-built tenant (a pool that does not parse holds nothing).
func (t *Tenant) pool(i int) dialrule.Pool {
	if len(t.pools) == len(t.Trunks) {
		return t.pools[i]
	}
	p, _ := dialrule.ParsePool(t.Trunks[i].DIDPool)
	return p
}

// trunkIndex is the index of trunk in Trunks, or -1.
func (t *Tenant) trunkIndex(trunk string) int {
	return slices.IndexFunc(t.Trunks, func(tt TenantTrunk) bool { return tt.Trunk == trunk })
}

func tenantKey(name string) []byte { return []byte(tenantPrefix + name) }

// PutTenant creates or replaces a tenant (by name). It refuses unknown
// trunks (*FieldError), and with a *ConflictError (ErrExists) naming the
// other record: a domain another tenant has, a DID pool that overlaps
// another tenant's on the same trunk (with a DID both hold), and a change
// that would leave one of the tenant's inbound rules outside its trunks
// or pools. Synced.
func (s *Store) PutTenant(t Tenant) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("put tenant: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		for i, tt := range t.Trunks {
			if _, err := txn.Get(trunkKey(tt.Trunk)); errors.Is(err, badger.ErrKeyNotFound) {
				return invalid(fmt.Sprintf("trunks[%d].trunk", i), fmt.Sprintf("no trunk named %q", tt.Trunk))
			} else if err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		t.CreatedAt, t.UpdatedAt = now, now
		others, err := listTenants(txn)
		if err != nil {
			return err
		}
		for i := range others {
			o := &others[i]
			if o.Name == t.Name {
				t.CreatedAt = o.CreatedAt
				continue
			}
			if err := tenantClash(&t, o); err != nil {
				return err
			}
		}
		if err := tenantRulesFit(txn, &t); err != nil {
			return err
		}
		val, err := marshal(t)
		if err != nil {
			return err
		}
		return txn.Set(tenantKey(t.Name), val)
	})
	s.tenants.forget()
	if err != nil {
		return fmt.Errorf("put tenant %s: %w", t.Name, err)
	}
	return nil
}

// tenantClash refuses t beside the stored tenant o: the same domain, or
// DID pools on one trunk that share a number (seed 001 item 14: a "*"
// pool leaves no DID to anybody else on that trunk).
func tenantClash(t, o *Tenant) error {
	if o.Domain == t.Domain {
		return &ConflictError{Other: "tenant " + o.Name,
			Msg: fmt.Sprintf("domain %s is tenant %s's: a domain belongs to one tenant", t.Domain, o.Name)}
	}
	for i, tt := range t.Trunks {
		j := o.trunkIndex(tt.Trunk)
		if j < 0 {
			continue
		}
		mine, theirs := t.pool(i), o.pool(j)
		did, ok := dialrule.OverlapWitness(mine, theirs)
		if !ok {
			continue
		}
		both, why := "DID "+did, ""
		if mine.HasAny() && theirs.HasAny() {
			both = "every DID"
		}
		if mine.HasAny() || theirs.HasAny() {
			why = "; a * pool takes every DID on its trunk, so the other tenants' pools there must be empty"
		}
		return &ConflictError{Other: "tenant " + o.Name,
			Msg: fmt.Sprintf("trunks[%d].did_pool: %s on trunk %s overlaps tenant %s's pool %s: both hold %s%s",
				i, tt.DIDPool, tt.Trunk, o.Name, theirs, both, why)}
	}
	return nil
}

// tenantRulesFit refuses a change to t that would strand one of its
// inbound rules: a trunk taken away, or a DID no longer in the pool.
func tenantRulesFit(txn *badger.Txn, t *Tenant) error {
	rules, err := listInbound(txn)
	if err != nil {
		return err
	}
	for i := range rules {
		r := &rules[i]
		if r.Tenant != t.Name || !r.compiled {
			continue // a record that no longer validates matches nothing
		}
		if err := ruleFitsTenant(r, t); err != nil {
			var fe *FieldError
			reason := err.Error()
			if errors.As(err, &fe) {
				reason = fe.Reason
			}
			return &ConflictError{Other: "inbound rule " + r.Name,
				Msg: fmt.Sprintf("inbound rule %s would no longer fit: %s; change or remove the rule first", r.Name, reason)}
		}
	}
	return nil
}

// checkRuleTenant checks, in the writing transaction, that an inbound
// rule's tenant exists and that the rule fits it (PutInboundRule).
func checkRuleTenant(txn *badger.Txn, r *InboundRule) error {
	if r.Tenant == "" {
		return nil
	}
	var t Tenant
	if err := getRoute(txn, tenantKey(r.Tenant), &t); errors.Is(err, ErrNotFound) {
		return invalid("tenant", fmt.Sprintf("no tenant named %q", r.Tenant))
	} else if err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("tenant %s: stored record does not validate: %w", t.Name, err)
	}
	return ruleFitsTenant(r, &t)
}

// ruleFitsTenant says (a *FieldError) why a compiled rule of tenant t
// does not fit it: each of its trunks must be the tenant's, and its DID in
// the tenant's pool there. An empty pool takes no rule (seed 001 item 13).
func ruleFitsTenant(r *InboundRule, t *Tenant) error {
	for i, trunk := range r.Trunks {
		j := t.trunkIndex(trunk)
		if j < 0 {
			return invalid(fmt.Sprintf("trunks[%d]", i), fmt.Sprintf("tenant %s has no trunk %s: give it the trunk first", t.Name, trunk))
		}
		pool := t.pool(j)
		switch {
		case pool.IsEmpty():
			return invalid("did", fmt.Sprintf("tenant %s has no DID pool on trunk %s: it may call out there but takes no calls in", t.Name, trunk))
		case !poolHolds(pool, r.did):
			return invalid("did", fmt.Sprintf("%s is outside tenant %s's DID pool on trunk %s (%s)", r.did, t.Name, trunk, pool))
		}
	}
	return nil
}

// poolHolds reports whether every DID of a rule's DID ("*" or one
// number, see dialrule.ParseInboundDID) is in pool.
func poolHolds(pool, did dialrule.Pool) bool {
	if did.HasAny() {
		return pool.HasAny()
	}
	return pool.Contains(did.String())
}

// GetTenant returns a tenant; ErrNotFound when absent.
func (s *Store) GetTenant(name string) (Tenant, error) {
	var t Tenant
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, tenantKey(name), &t) })
	if err != nil {
		return Tenant{}, fmt.Errorf("get tenant %s: %w", name, err)
	}
	t.Validate()
	return t, nil
}

// ListTenants returns every tenant by name, compiled for CallTenant.
func (s *Store) ListTenants() ([]Tenant, error) {
	var out []Tenant
	err := s.view(func(txn *badger.Txn) (err error) {
		out, err = listTenants(txn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteTenant removes a tenant; ErrNotFound when absent, a
// *ConflictError naming them while an inbound rule, extensions, ring
// groups or queues are the tenant's. Synced.
func (s *Store) DeleteTenant(name string) error {
	err := s.deleteKey(tenantKey(name), func(txn *badger.Txn) error {
		if err := tenantInUse(txn, name); err != nil {
			return err
		}
		rules, err := listInbound(txn)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.Tenant == name {
				return &ConflictError{Other: "inbound rule " + r.Name,
					Msg: fmt.Sprintf("in use by inbound rule %s: change or remove the rule first", r.Name)}
			}
		}
		return nil
	})
	s.tenants.forget()
	if err != nil {
		return fmt.Errorf("delete tenant %s: %w", name, err)
	}
	return nil
}

// listTenants reads every tenant, compiled; one that no longer validates
// keeps no pools (it holds no DID).
func listTenants(txn *badger.Txn) ([]Tenant, error) {
	var out []Tenant
	err := iterate(txn, tenantPrefix, func(item *badger.Item) error {
		var t Tenant
		if err := decodeItem(item, &t); err != nil {
			return err
		}
		if t.Validate() != nil {
			t.pools = make([]dialrule.Pool, len(t.Trunks))
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// tenantUsingTrunk refuses deleting a trunk a tenant has (trunkInUse).
func tenantUsingTrunk(txn *badger.Txn, trunk string) error {
	tenants, err := listTenants(txn)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		if t.trunkIndex(trunk) >= 0 {
			return &ConflictError{Other: "tenant " + t.Name,
				Msg: fmt.Sprintf("in use by tenant %s: take the trunk from the tenant first", t.Name)}
		}
	}
	return nil
}

// CallTenant names the tenant of a call that came in on trunk to did: the
// one whose DID pool on that trunk holds did; "" when none does. Pools on
// one trunk never overlap (PutTenant), so at most one does. With tenants
// from ListTenants it allocates nothing.
func CallTenant(tenants []Tenant, trunk, did string) string {
	for i := range tenants {
		t := &tenants[i]
		if j := t.trunkIndex(trunk); j >= 0 && t.pool(j).Contains(did) {
			return t.Name
		}
	}
	return ""
}

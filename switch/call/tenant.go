package call

import (
	"errors"
	"fmt"
	"sync"

	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Tenants (SPEC P11, first cut). A call belongs to one tenant, kept in its
// CDR: the calling extension's, or for a call in from a trunk the tenant
// whose DID pool on that trunk holds the DID (store.CallTenant); "" is the
// switch's own. A call reaches only extensions, ring groups and queues of
// its own tenant, and the switch's own reach only the switch's own: the
// rule is symmetric, so no tenant's users can be rung from outside it by
// an extension that merely has no tenant. Anything else is answered 404,
// as a number nobody has, so that tenants learn nothing of each other.
//
// Because a call only reaches its own tenant, its callee's tenant is its
// caller's (or the trunk's): that one tenant's max_calls counts it, from
// admission to its end. A call over the quota is refused with 503 and no
// Retry-After: calls end at no predictable time, and a phone that retried
// by itself would only ring the limit again.

// tenantCalls counts the calls in progress per tenant.
type tenantCalls struct {
	mu   sync.Mutex
	n    map[string]int
	held map[*Call]string // the calls counted, so that releasing is idempotent
}

// tenancy is the store's view of the tenants; nil when the store has
// none (tests' fakes): then every call is the switch's own.
func (m *Manager) tenancy() (*store.Tenancy, error) {
	ts, ok := m.st.(registrar.Tenancies)
	if !ok {
		return nil, nil
	}
	return ts.Tenancy()
}

// admitTenant sets the tenant of the new call c (user is the authenticated
// caller, or on trunk the caller to did) and counts it against the
// tenant's max_calls: a 503 when the tenant has as many calls already.
func (m *Manager) admitTenant(c *Call, trunk, user, did string) *sip.Error {
	tv, err := m.tenancy()
	if err != nil {
		return &sip.Error{Code: 500, Err: fmt.Errorf("tenants: %w", err)}
	}
	if tv == nil {
		return nil
	}
	tenant := ""
	if trunk != "" {
		tenant = tv.Inbound(trunk, did)
	} else if e, err := m.st.GetExtension(user); err == nil {
		tenant = e.Tenant
	} else if !errors.Is(err, store.ErrNotFound) { // a gateway's account is no extension: no tenant
		return &sip.Error{Code: 500, Err: fmt.Errorf("caller %s: %w", user, err)}
	}
	c.cdr.Tenant = tenant
	c.info.Tenant = tenant // scripts keep a caller to its tenant's mailboxes
	if tenant == "" {
		return nil
	}
	max := tv.MaxCalls(tenant)
	t := &m.tenantUse
	t.mu.Lock()
	defer t.mu.Unlock()
	if max > 0 && t.n[tenant] >= max {
		return &sip.Error{Code: 503, Reason: fmt.Sprintf("Service Unavailable (tenant %s: limit of %d calls reached)", tenant, max)}
	}
	if t.n == nil {
		t.n, t.held = map[string]int{}, map[*Call]string{}
	}
	t.n[tenant]++
	t.held[c] = tenant
	return nil
}

// releaseTenant stops counting c against its tenant; once.
func (m *Manager) releaseTenant(c *Call) {
	t := &m.tenantUse
	t.mu.Lock()
	defer t.mu.Unlock()
	tenant, ok := t.held[c]
	if !ok {
		return
	}
	delete(t.held, c)
	if t.n[tenant]--; t.n[tenant] <= 0 {
		delete(t.n, tenant)
	}
}

// TenantCalls is the number of calls in progress per tenant (tenants with
// none are left out).
func (m *Manager) TenantCalls() map[string]int {
	t := &m.tenantUse
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.n))
	for k, v := range t.n {
		out[k] = v
	}
	return out
}

// tenant is the call's tenant ("" the switch's own).
func (c *Call) tenant() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cdr.Tenant
}

// reachesExt says whether the call may ring extension e.
func (c *Call) reachesExt(e store.Extension) bool { return e.Tenant == c.cdr.Tenant }

// reaches says whether the call may reach number: false for an
// extension, ring group or queue of another tenant than the call's; any
// other number is the dial plan's to route (registrar.Reaches, the rule
// MESSAGE and SUBSCRIBE share).
func (c *Call) reaches(number string) (bool, error) {
	return registrar.Reaches(c.m.st, c.cdr.Tenant, number)
}

// reachNumber refuses, with 404 as for a number nobody has, a number the
// call may not reach.
func (c *Call) reachNumber(number string) error {
	ok, err := c.reaches(number)
	if err != nil {
		return &sip.Error{Code: 500, Err: err}
	}
	if !ok {
		return &sip.Error{Code: 404}
	}
	return nil
}

// tenantTrunks keeps, in order, the trunks among names that the call's
// tenant may call out through (store.Tenancy.MayUseTrunk); a 403 naming
// the tenant when none is left, so that a dial rule that forgot the
// tenant's trunks is told apart from trunks that are down.
func (c *Call) tenantTrunks(names []string) ([]string, error) {
	tv, err := c.m.tenancy()
	if err != nil {
		return nil, &sip.Error{Code: 500, Err: fmt.Errorf("tenants: %w", err)}
	}
	if tv == nil {
		return names, nil
	}
	tenant := c.tenant()
	var out []string
	for _, n := range names {
		if tv.MayUseTrunk(tenant, n) {
			out = append(out, n)
		} else {
			c.m.log.Info("bridge: trunk not the tenant's", "call_id", c.cdr.CallID, "trunk", n, "tenant", tenant)
		}
	}
	if len(out) == 0 {
		if tenant == "" {
			return nil, &sip.Error{Code: 403, Reason: "Forbidden (no trunk of the switch's own: the trunks are tenants')"}
		}
		return nil, &sip.Error{Code: 403, Reason: "Forbidden (no trunk of tenant " + tenant + ")"}
	}
	return out, nil
}

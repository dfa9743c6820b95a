package integration

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// tenantSwitch adds to the usual switch (1001-1003, no tenant) tenants
// acme (acme.example.com: 2 extensions, 1 call at once) with 2001 and 2002,
// and beta (beta.example.com) with 3001 and ring group 3500.
func tenantSwitch(t *testing.T) *testSwitch {
	t.Helper()
	sw := newSwitch(t)
	for _, tn := range []store.Tenant{
		{Name: "acme", Domain: "acme.example.com", MaxExtensions: 2, MaxCalls: 1},
		{Name: "beta", Domain: "beta.example.com"},
	} {
		if err := sw.st.PutTenant(tn); err != nil {
			t.Fatal(err)
		}
	}
	for n, tenant := range map[string]string{"2001": "acme", "2002": "acme", "3001": "beta"} {
		if err := sw.st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n), Tenant: tenant}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.st.PutGroup(store.Group{Number: "3500", Tenant: "beta", Members: []string{"3001"}}); err != nil {
		t.Fatal(err)
	}
	return sw
}

// tenantPhone is a registered phone of ext under domain.
func tenantPhone(t *testing.T, sw *testSwitch, ext, domain string) *phone {
	t.Helper()
	p := newPhone(t, sw, ext)
	p.setDomain(domain)
	p.mustRegister(t)
	p.setPolicy(policyAnswer, 100*time.Millisecond)
	return p
}

func TestTenantRegisterUnderItsDomain(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	for _, c := range []struct {
		ext, domain string
		want        int
	}{
		{"2001", "acme.example.com", 200},
		{"2001", "ACME.Example.COM", 200}, // domains have no case
		{"2001", "beta.example.com", 404}, // another tenant's domain: as if unknown
		{"2001", "127.0.0.1", 404},        // a tenant's user registers under its domain only
		{"1001", "127.0.0.1", 200},        // the switch's own, as before tenants
		{"1001", "pbx.example.org", 200},  // ... under any host that is no tenant's
		{"1001", "acme.example.com", 404}, // ... but not a tenant's
		{"3001", "beta.example.com", 200},
	} {
		p := newPhone(t, sw, c.ext)
		p.setDomain(c.domain)
		if res := p.register(t, 3600, true); res.StatusCode != c.want {
			t.Errorf("%s under %s: %d %s, want %d", c.ext, c.domain, res.StatusCode, res.Reason, c.want)
		}
	}
	// A refused REGISTER binds nothing.
	if bs := sw.srv.Registrar.Lookup("2001"); len(bs) != 2 {
		t.Errorf("2001 has %d bindings, want the 2 accepted", len(bs))
	}
}

func TestTenantCallsStayInside(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	a2 := tenantPhone(t, sw, "2002", "acme.example.com")
	b1 := tenantPhone(t, sw, "3001", "beta.example.com")
	own := tenantPhone(t, sw, "1001", "127.0.0.1")

	// Across tenants, and between a tenant and the switch's own, both
	// ways: 404, as for a number nobody has.
	for _, c := range []struct {
		from *phone
		to   string
	}{{b1, "2001"}, {a1, "3001"}, {a1, "3500"}, {own, "2001"}, {a1, "1001"}, {own, "3500"}} {
		call := c.from.dial(t, c.to)
		if res, _ := call.final(t); res.StatusCode != 404 {
			t.Errorf("%s -> %s: %d %s, want 404", c.from.user, c.to, res.StatusCode, res.Reason)
		}
		if cdr := sw.waitCDR(t, call.CallID()); cdr.FailCode != 404 {
			t.Errorf("%s -> %s: CDR %+v, want fail code 404", c.from.user, c.to, cdr)
		}
	}
	for _, p := range []*phone{a1, a2, own} {
		select {
		case in := <-p.incoming:
			t.Errorf("%s rang for a call from %s", p.user, in.req.From().Address.User)
		default:
		}
	}

	// Inside a tenant: the call goes through and counts against it.
	c := a1.dial(t, "2002")
	a2.waitIncoming(t)
	da := c.answered(t)
	if live := sw.srv.Calls.Snapshot(); len(live) != 1 || live[0].Tenant != "acme" {
		t.Errorf("live calls %+v, want one of tenant acme", live)
	}
	if got := sw.srv.Calls.TenantCalls(); got["acme"] != 1 || len(got) != 1 {
		t.Errorf("calls per tenant %v, want acme 1", got)
	}

	// acme may have one call at once: a second is refused with 503 while
	// the first is up.
	over := a2.dial(t, "2001")
	res, _ := over.final(t)
	if res.StatusCode != 503 || !strings.Contains(res.Reason, "tenant acme") {
		t.Fatalf("second acme call: %d %s, want 503 naming tenant acme's limit", res.StatusCode, res.Reason)
	}
	// Another tenant is not held back by acme's limit: 3001 calls its
	// own ring group, which rings 3001 (the same phone answers).
	bc := b1.dial(t, "3500")
	b1.waitIncoming(t)
	if res := bc.answered(t).bye(t); res.StatusCode != 200 {
		t.Errorf("beta's call: BYE %d", res.StatusCode)
	}
	if cdr := sw.waitCDR(t, bc.CallID()); cdr.Tenant != "beta" || cdr.Status != store.StatusAnswered {
		t.Errorf("beta's call: CDR %+v, want answered, tenant beta", cdr)
	}

	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	cdr := sw.waitCDR(t, c.CallID())
	if cdr.Tenant != "acme" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want answered, tenant acme", cdr)
	}

	// The first call ended: the limit has room again.
	c2 := a2.dial(t, "2001")
	a1.waitIncoming(t)
	d2 := c2.answered(t)
	if res := d2.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	if cdr := sw.waitCDR(t, c2.CallID()); cdr.Tenant != "acme" {
		t.Fatalf("CDR %+v, want tenant acme", cdr)
	}
	// The switch's own calls have no tenant.
	own2 := tenantPhone(t, sw, "1002", "127.0.0.1")
	c3 := own.dial(t, "1002")
	own2.waitIncoming(t)
	d3 := c3.answered(t)
	d3.bye(t)
	if cdr := sw.waitCDR(t, c3.CallID()); cdr.Tenant != "" {
		t.Fatalf("CDR %+v, want no tenant", cdr)
	}
}

func TestTenantExtensionQuota(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	err := sw.st.CreateExtension(store.Extension{Number: "2003", Password: passwordOf("2003"), Tenant: "acme"})
	if !errors.Is(err, store.ErrQuota) || !strings.Contains(err.Error(), "quota of 2 extensions reached") {
		t.Fatalf("third acme extension: %v, want the quota of 2", err)
	}
	// Refused, so unknown to the registrar.
	p := newPhone(t, sw, "2003")
	p.setDomain("acme.example.com")
	if res := p.register(t, 3600, true); res.StatusCode == 200 {
		t.Fatal("an extension refused by the quota registered")
	}
}

// A call in from a trunk is the tenant's whose DID pool there holds the
// DID: it reaches that tenant's extensions only, and counts against its
// max_calls.
func TestTenantInboundTrunk(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	a2 := tenantPhone(t, sw, "2002", "acme.example.com")
	tenantPhone(t, sw, "3001", "beta.example.com")
	gw := newPhone(t, sw, "4930123456") // the provider's gateway: no account here
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: "127.0.0.1", IPs: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example.com", MaxExtensions: 2, MaxCalls: 1,
		Trunks: []store.TenantTrunk{{Trunk: "gw", DIDPool: "20**"}}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	// 3001 is beta's, and beta has no DIDs on gw: the call is nobody's
	// tenant's, and finds no extension of its own.
	c := gw.dialWith(t, "3001", false, nil)
	if res, _ := c.final(t); res.StatusCode != 404 {
		t.Fatalf("DID 3001: %d %s, want 404", res.StatusCode, res.Reason)
	}
	c = gw.dialWith(t, "2001", false, nil)
	a1.waitIncoming(t)
	d := c.answered(t)
	// acme's one call is up: another DID of acme's is refused.
	if res, _ := gw.dialWith(t, "2002", false, nil).final(t); res.StatusCode != 503 {
		t.Errorf("second acme call in: %d %s, want 503", res.StatusCode, res.Reason)
	}
	select {
	case <-a2.incoming:
		t.Error("2002 rang over acme's call limit")
	default:
	}
	d.bye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Tenant != "acme" || cdr.Direction != "inbound" {
		t.Fatalf("CDR %+v, want inbound, tenant acme", cdr)
	}
}

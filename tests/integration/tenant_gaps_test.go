package integration

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// The tenants' walls beyond calls (docs/ADMIN.md "Tenants"): MESSAGE,
// SUBSCRIBE, pickup, forwards and the trunks a call may leave through.
// tenantSwitch (tenant_test.go) has acme (2001, 2002), beta (3001, group
// 3500) and the switch's own 1001-1003.

// noneRang fails if any of ps got an INVITE.
func noneRang(t *testing.T, ps ...*phone) {
	t.Helper()
	for _, p := range ps {
		select {
		case in := <-p.incoming:
			t.Errorf("%s rang for %s", p.user, in.req.Recipient.String())
		default:
		}
	}
}

// A MESSAGE reaches only extensions of the sender's tenant: another
// tenant's, or across the switch's own and a tenant, is 404 as a number
// nobody has, and nothing is delivered.
func TestTenantMessages(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	a2 := tenantPhone(t, sw, "2002", "acme.example.com")
	b1 := tenantPhone(t, sw, "3001", "beta.example.com")
	own := tenantPhone(t, sw, "1001", "127.0.0.1")
	for _, c := range []struct {
		from *phone
		to   string
	}{{a1, "3001"}, {b1, "2001"}, {a1, "1001"}, {own, "2002"}} {
		res := c.from.sendMessage(t, c.to, "text/plain", []byte("hello"), true, nil)
		if res.StatusCode != 404 || res.Reason != "Not Found (no such extension)" {
			t.Errorf("MESSAGE %s -> %s: %d %s, want 404 as for no such extension", c.from.user, c.to, res.StatusCode, res.Reason)
		}
	}
	// Inside a tenant, and among the switch's own, as before.
	if res := a1.sendMessage(t, "2002", "text/plain", []byte("inside"), true, nil); res.StatusCode != 200 {
		t.Fatalf("MESSAGE 2001 -> 2002: %d %s, want 200", res.StatusCode, res.Reason)
	}
	if got := recv(t, a2.messages, "2002's MESSAGE"); string(got.Body()) != "inside" {
		t.Fatalf("2002 got %q", got.Body())
	}
	if res := own.sendMessage(t, "1002", "text/plain", []byte("x"), true, nil); res.StatusCode != 480 {
		t.Fatalf("MESSAGE 1001 -> 1002 (not registered): %d %s, want 480", res.StatusCode, res.Reason)
	}
	for _, p := range []*phone{a1, b1, own} {
		select {
		case m := <-p.messages:
			t.Errorf("%s got a MESSAGE from %s", p.user, m.From().Address.User)
		default:
		}
	}
}

// BLF: a user watches only extensions of its own tenant; another's is
// 404, as an extension that does not exist.
func TestTenantSubscriptions(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	a1 := newPhone(t, sw, "2001")
	a1.setDomain("acme.example.com")
	b1 := newPhone(t, sw, "3001")
	b1.setDomain("beta.example.com")
	own := newPhone(t, sw, "1001")
	for _, c := range []struct {
		p    *phone
		ext  string
		want int
	}{
		{a1, "3001", 404}, {a1, "1001", 404}, {b1, "2002", 404}, {own, "2001", 404},
		{a1, "3500", 404}, // beta's ring group: a number of beta's
		{a1, "2002", 200}, {b1, "3001", 200}, {own, "1002", 200},
		{a1, "2999", 404}, // unknown: the same answer as another tenant's
	} {
		if code, _ := subscribeDialog(t, c.p, c.ext, true); code != c.want {
			t.Errorf("%s SUBSCRIBE dialog %s: %d, want %d", c.p.user, c.ext, code, c.want)
		}
	}
	if n := sw.srv.Subs.Count(); n != 3 {
		t.Errorf("%d subscriptions held, want the 3 accepted", n)
	}
}

// *9 and ** pick up calls of the picker's tenant only: the switch's own
// call is nothing to pick for an acme phone in the same pickup group, and
// acme's call is none for the switch's own; inside acme, *9 works.
func TestTenantPickup(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	if err := sw.st.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example.com"}); err != nil { // no quotas
		t.Fatal(err)
	}
	if err := sw.st.CreateExtension(store.Extension{Number: "2003", Password: passwordOf("2003"), Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1002", "1003", "2001", "2002"} {
		sw.setSettings(t, n, func(s *store.Settings) { s.PickupGroup = 5 })
	}
	o1 := tenantPhone(t, sw, "1001", "127.0.0.1")
	o2 := tenantPhone(t, sw, "1002", "127.0.0.1")
	o3 := tenantPhone(t, sw, "1003", "127.0.0.1")
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	a2 := tenantPhone(t, sw, "2002", "acme.example.com")
	a3 := tenantPhone(t, sw, "2003", "acme.example.com")
	o2.setPolicy(policyRing, 0)
	a2.setPolicy(policyRing, 0)

	// The switch's own 1002 rings: acme's 2001 finds nothing to pick.
	oc := o1.dial(t, "1002")
	oin := o2.waitIncoming(t)
	ringing(t, oc)
	for _, code := range []string{"*9", "**1002"} {
		if res, _ := a1.dial(t, code).final(t); res.StatusCode != 404 {
			t.Errorf("2001 dials %s while 1002 rings: %d %s, want 404", code, res.StatusCode, res.Reason)
		}
	}
	oc.cancel(t)
	oin.waitCanceled(t)

	// acme's 2002 rings: the switch's own 1003 finds nothing to pick ...
	ac := a3.dial(t, "2002")
	ain := a2.waitIncoming(t)
	ringing(t, ac)
	for _, code := range []string{"*9", "**2002"} {
		if res, _ := o3.dial(t, code).final(t); res.StatusCode != 404 {
			t.Errorf("1003 dials %s while 2002 rings: %d %s, want 404", code, res.StatusCode, res.Reason)
		}
	}
	// ... and acme's 2001 picks it up.
	dp := a1.dial(t, "*9").answered(t)
	dp.waitReinvite(t)
	ain.waitCanceled(t)
	da := ac.answered(t)
	da.bye(t)
	dp.waitBye(t)
	if cdr := sw.waitCDR(t, da.callID); cdr.FinalDest != "2001" || cdr.Tenant != "acme" {
		t.Fatalf("CDR %+v: want picked up by 2001, tenant acme", cdr)
	}
}

// A forward to another tenant's extension finds nobody: the call fails
// and that phone never rings.
func TestTenantForwardStaysInside(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	a2 := tenantPhone(t, sw, "2002", "acme.example.com")
	b1 := tenantPhone(t, sw, "3001", "beta.example.com")
	tenantPhone(t, sw, "2001", "acme.example.com")
	if _, err := sw.st.UpdateFeatures("2001", func(f *store.Features) error {
		f.Forward = map[string]string{store.ForwardAll: "3001"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := a2.dial(t, "2001")
	if res, _ := c.final(t); res.StatusCode < 400 {
		t.Fatalf("2002 -> 2001 forwarded to beta's 3001: %d %s, want a failure", res.StatusCode, res.Reason)
	}
	noneRang(t, b1)
	// The store refuses a group's no_answer outside its tenant outright.
	err := sw.st.PutGroup(store.Group{Number: "2500", Tenant: "acme", Members: []string{"2001"},
		NoAnswer: store.Destination{Kind: store.DestExtension, Target: "3001"}})
	if err == nil || !strings.Contains(err.Error(), "invalid no_answer: extension 3001 is of tenant beta, not of tenant acme") {
		t.Fatalf("acme group with no_answer to beta's 3001: %v, want a no_answer error", err)
	}
}

// A tenant's extension calls out only through its tenant's trunks, the
// switch's own only through trunks no tenant lists: a dial rule's other
// trunks are skipped, and with none left the call is refused with 403.
func TestTenantOutboundTrunks(t *testing.T) {
	t.Parallel()
	// One provider (127.0.0.2) with two accounts, one per trunk: its
	// phone 1002 sees which trunk a call came through by the account in
	// From.
	provider, far := newProvider(t, false)
	if err := provider.st.CreateExtension(store.Extension{Number: "7002", Password: "Secret-7002-pw"}); err != nil {
		t.Fatal(err)
	}
	sw := tenantSwitch(t)
	for _, tr := range []store.Trunk{
		{Name: "acme-out", Kind: store.TrunkRegister, Host: provider.sip.String(), Username: "7001", Password: "Secret-7001-pw"},
		{Name: "shared", Kind: store.TrunkRegister, Host: provider.sip.String(), Username: "7002", Password: "Secret-7002-pw"},
	} {
		if err := sw.st.PutTrunk(tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example.com", Trunks: []store.TenantTrunk{{Trunk: "acme-out"}}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.OutboundRule{
		{Name: "both", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}}, Sources: []string{"*"}, Trunks: []string{"shared", "acme-out"}},
		{Name: "acme-only", Patterns: []store.OutboundPattern{{Prefix: "8", Pattern: "X."}}, Sources: []string{"*"}, Trunks: []string{"acme-out"}},
	} {
		if err := sw.st.PutOutboundRule(r); err != nil {
			t.Fatal(err)
		}
	}
	waitRegistered(t, sw, 2)
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	b1 := tenantPhone(t, sw, "3001", "beta.example.com")
	own := tenantPhone(t, sw, "1001", "127.0.0.1")

	for _, x := range []struct {
		p       *phone
		number  string
		trunk   string
		account string
	}{
		// acme: "shared" comes first in the rule but is not acme's: the
		// call leaves through acme-out.
		{a1, "91002", "acme-out", "7001"},
		// The switch's own: through "shared"; acme-out is not theirs.
		{own, "91002", "shared", "7002"},
	} {
		c := x.p.dial(t, x.number)
		in := far.waitIncoming(t)
		if from := in.req.From().Address.User; from != x.account {
			t.Errorf("%s's call came to the provider from %q, want %s (trunk %s)", x.p.user, from, x.account, x.trunk)
		}
		c.answered(t).bye(t)
		if cdr := sw.waitCDR(t, c.CallID()); cdr.Trunk != x.trunk || cdr.Direction != "outbound" {
			t.Errorf("%s's CDR %+v, want outbound through %s", x.p.user, cdr, x.trunk)
		}
	}
	for _, x := range []struct {
		p      *phone
		number string
		reason string
	}{
		{own, "81002", "Forbidden (no trunk of the switch's own: the trunks are tenants')"},
		{b1, "91002", "Forbidden (no trunk of tenant beta)"}, // beta lists no trunk
	} {
		res, _ := x.p.dial(t, x.number).final(t)
		if res.StatusCode != 403 || res.Reason != x.reason {
			t.Errorf("%s dials %s: %d %s, want 403 %s", x.p.user, x.number, res.StatusCode, res.Reason, x.reason)
		}
	}
	noneRang(t, far)
}

// Scripts see the call's tenant, and voicemail.box(number, call.tenant),
// which mailbox.lua's login (*60) asks, finds only boxes of that tenant.
func TestTenantVoicemailBoxes(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `function route(call)
  local box = voicemail.box(call.to:sub(2), call.tenant)
  return {action = "reject", code = 404, reason = (box and "box" or "none") .. "/" .. call.tenant}
end
`)
	if err := sw.st.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTenant(store.Tenant{Name: "beta", Domain: "beta.example.com"}); err != nil {
		t.Fatal(err)
	}
	for n, tenant := range map[string]string{"2001": "acme", "2002": "acme", "3001": "beta"} {
		if err := sw.st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n), Tenant: tenant}); err != nil {
			t.Fatal(err)
		}
	}
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	own := tenantPhone(t, sw, "1001", "127.0.0.1")
	for _, c := range []struct {
		p      *phone
		dial   string
		reason string
	}{
		{a1, "*2002", "box/acme"},
		{a1, "*3001", "none/acme"}, // beta's box: as if there were none
		{a1, "*1002", "none/acme"}, // the switch's own
		{own, "*1002", "box/"},
		{own, "*2002", "none/"},
		{a1, "*2999", "none/acme"}, // no such box
	} {
		res, _ := c.p.dial(t, c.dial).final(t)
		if res.Reason != c.reason {
			t.Errorf("%s dials %s: %d %q, want %q", c.p.user, c.dial, res.StatusCode, res.Reason, c.reason)
		}
	}
}

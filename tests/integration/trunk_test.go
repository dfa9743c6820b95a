package integration

import (
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// A register trunk in the store registers at boot to its provider (a
// second hookswitch), reports its state, and un-registers when removed.
func TestRegisterTrunkAtBoot(t *testing.T) {
	t.Parallel()
	provider := newSwitch(t)
	if err := provider.st.CreateExtension(store.Extension{Number: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	sw := newSwitch(t)
	if err := sw.st.PutTrunk(store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Secret-7001-pw", Qualify: 10}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the trunk registered and its peer up", func() bool {
		st := sw.srv.Trunks.Status()
		return len(st) == 1 && st[0].Registration != nil && st[0].Registration.State == trunk.StateRegistered &&
			st[0].Qualify != nil && st[0].Qualify.Health == trunk.HealthUp
	})
	if b := provider.srv.Registrar.Lookup("7001"); len(b) != 1 {
		t.Fatalf("provider bindings for 7001: %+v", b)
	}
	if err := sw.st.DeleteTrunk("upstream"); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the binding removed", func() bool { return len(provider.srv.Registrar.Lookup("7001")) == 0 })
	if st := sw.srv.Trunks.Status(); len(st) != 0 {
		t.Fatalf("a removed trunk still runs: %+v", st)
	}
}

// A call from an IP trunk's address is taken without authentication and
// routed by its DID; the same caller from another address is challenged.
func TestInboundFromIPTrunk(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	b := newPhone(t, sw, "1002")
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)
	gw := newPhone(t, sw, "4930123456") // the provider's gateway: no account here
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: "127.0.0.1", IPs: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	c := gw.dialWith(t, "1002", false, nil)
	in := b.waitIncoming(t)
	if from := in.req.From().Address.User; from != "4930123456" {
		t.Errorf("1002 sees the caller as %q, want the outside number", from)
	}
	c.answered(t).bye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Direction != "inbound" || cdr.Caller != "4930123456" {
		t.Fatalf("CDR %+v, want an inbound call from 4930123456", cdr)
	}
	// Without the trunk, the same call is challenged.
	if err := sw.st.DeleteTrunk("gw"); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	if res, _ := gw.dialWith(t, "1002", false, nil).final(t); res.StatusCode != 407 {
		t.Fatalf("without the trunk: %d, want 407", res.StatusCode)
	}
}

// Inbound rules route a trunk's DIDs: by office hours (closed: another
// destination), at an injected time; a direct rule beats the time
// condition.
func TestInboundRules(t *testing.T) {
	t.Parallel()
	var clock atomic.Pointer[time.Time]
	setClock := func(s string) {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		clock.Store(&at)
	}
	setClock("2026-11-23T10:00:00Z") // a Monday morning
	sw := newSwitch(t, func(c *server.Config) { c.Now = func() time.Time { return *clock.Load() } })
	b := newPhone(t, sw, "1002")
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)
	c3 := newPhone(t, sw, "1003")
	c3.mustRegister(t)
	c3.setPolicy(policyAnswer, 50*time.Millisecond)
	gw := newPhone(t, sw, "4930123456")
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: "127.0.0.1", IPs: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	week, err := timecond.ParseSchedule("mon-fri 09:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	office, err := timecond.New("office", "UTC", week, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTimeCondition(office); err != nil {
		t.Fatal(err)
	}
	// DID 4930111: 1002 in office hours, 1003 when closed.
	if err := sw.st.PutInboundRule(store.InboundRule{Name: "main", Trunks: []string{"gw"}, DID: "4930111",
		TimeCondition: "office", Destination: store.Destination{Kind: "extension", Target: "1002"},
		Closed: store.Destination{Kind: "extension", Target: "1003"}}); err != nil {
		t.Fatal(err)
	}
	call := gw.dialWith(t, "4930111", false, nil)
	b.waitIncoming(t)
	call.answered(t).bye(t)
	setClock("2026-11-22T10:00:00Z") // Sunday: closed
	call = gw.dialWith(t, "4930111", false, nil)
	c3.waitIncoming(t)
	call.answered(t).bye(t)

	// A direct rule for this caller wins over the time condition.
	if err := sw.st.PutInboundRule(store.InboundRule{Name: "vip", Direct: true, Trunks: []string{"gw"}, DID: "4930111",
		CallerMask: "4930123456", Destination: store.Destination{Kind: "extension", Target: "1002"}}); err != nil {
		t.Fatal(err)
	}
	call = gw.dialWith(t, "4930111", false, nil)
	b.waitIncoming(t)
	call.answered(t).bye(t)

	// A DID with no rule and no extension: 404, or the operator once the
	// operator (apps.lua: 1000) is an extension.
	if res, _ := gw.dialWith(t, "4930999", false, nil).final(t); res.StatusCode != 404 {
		t.Fatalf("unknown DID: %d, want 404", res.StatusCode)
	}
	if err := sw.st.CreateExtension(store.Extension{Number: "1000", Password: passwordOf("1000")}); err != nil {
		t.Fatal(err)
	}
	op := newPhone(t, sw, "1000")
	op.mustRegister(t)
	op.setPolicy(policyAnswer, 50*time.Millisecond)
	call = gw.dialWith(t, "4930999", false, nil)
	op.waitIncoming(t)
	call.answered(t).bye(t)
}

// An extension dials out through a register trunk: the dial rule strips
// its prefix, the provider (a second hookswitch) challenges the INVITE and
// gets the trunk's credentials, and rings its own phone; audio flows end
// to end. A second trunk that answers 503 is failed over.
func TestOutboundThroughTrunk(t *testing.T) {
	t.Parallel()
	// The provider listens on 127.0.0.2: the switch tells trunk calls by
	// their source address, and its own phones are on 127.0.0.1.
	provider := newSwitch(t, func(c *server.Config) {
		c.SIPUDP, c.SIPTCP, c.Advertise = "127.0.0.2:0", "127.0.0.2:0", "127.0.0.2"
		c.RTPIP = netip.MustParseAddr("127.0.0.2")
	})
	if err := provider.st.CreateExtension(store.Extension{Number: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	far := newPhone(t, provider, "1002") // a phone on the provider's side
	far.mustRegister(t)
	far.setPolicy(policyAnswer, 50*time.Millisecond)

	sw := newSwitch(t)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	// "dead" points at a closed port: failover must skip it.
	for _, tr := range []store.Trunk{
		{Name: "dead", Kind: store.TrunkIP, Host: "127.0.0.3:9", IPs: []string{"127.0.0.3"}},
		{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(), Username: "7001", Password: "Secret-7001-pw"},
	} {
		if err := sw.st.PutTrunk(tr); err != nil {
			t.Fatal(err)
		}
	}
	sw.srv.SyncTrunks()
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"dead", "upstream"}}); err != nil {
		t.Fatal(err)
	}
	c := a.dial(t, "91002")
	in := far.waitIncoming(t)
	if from := in.req.From().Address.User; from != "7001" {
		t.Errorf("the provider's phone sees the caller as %q, want the trunk account 7001", from)
	}
	d := c.answered(t)
	exchange(t, a, d.Media(), far, in.dialog(t).Media(), 25, 15)
	d.bye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Direction != "outbound" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want an answered outbound call", cdr)
	}

	// 1001 forwards all its calls to an outside number: a call from 1003
	// to 1001 leaves through the trunk.
	if _, err := sw.st.UpdateFeatures("1001", func(f *store.Features) error {
		f.Forward = map[string]string{store.ForwardAll: "91002"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c3 := newPhone(t, sw, "1003")
	c3.mustRegister(t)
	fc := c3.dial(t, "1001")
	far.waitIncoming(t)
	fc.answered(t).bye(t)
}

// The dial policy refuses a blocked prefix before any trunk is tried.
func TestDialPolicyRefuses(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	if err := sw.st.PutTrunk(store.Trunk{Name: "dead", Kind: store.TrunkIP, Host: "127.0.0.3:9", IPs: []string{"127.0.0.3"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"dead"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.SetDialPolicy(store.DialPolicy{BlockedPrefixes: []string{"0900"}}); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.dial(t, "90900123").final(t); res.StatusCode != 403 {
		t.Fatalf("a blocked prefix: %d, want 403", res.StatusCode)
	}
	// An internal-only extension may not dial out at all.
	if _, err := sw.st.UpdateFeatures("1001", func(f *store.Features) error {
		f.Class = "internal"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.dial(t, "91234567").final(t); res.StatusCode != 403 {
		t.Fatalf("an internal extension dialling out: %d, want 403", res.StatusCode)
	}
}

// A trunk's max_calls: with its one call up, the next call finds no trunk.
func TestTrunkMaxCalls(t *testing.T) {
	t.Parallel()
	provider := newSwitch(t, func(c *server.Config) {
		c.SIPUDP, c.SIPTCP, c.Advertise = "127.0.0.2:0", "127.0.0.2:0", "127.0.0.2"
		c.RTPIP = netip.MustParseAddr("127.0.0.2")
	})
	if err := provider.st.CreateExtension(store.Extension{Number: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	far := newPhone(t, provider, "1002")
	far.mustRegister(t)
	far.setPolicy(policyAnswer, 50*time.Millisecond)
	sw := newSwitch(t)
	a, c3 := newPhone(t, sw, "1001"), newPhone(t, sw, "1003")
	a.mustRegister(t)
	c3.mustRegister(t)
	if err := sw.st.PutTrunk(store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Secret-7001-pw", MaxCalls: 1}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"upstream"}}); err != nil {
		t.Fatal(err)
	}
	first := a.dial(t, "91002")
	far.waitIncoming(t)
	d := first.answered(t)
	if res, _ := c3.dial(t, "91002").final(t); res.StatusCode < 400 {
		t.Fatalf("a second call on a 1-call trunk: %d, want a failure", res.StatusCode)
	}
	d.bye(t)
	sw.waitCDR(t, first.CallID()) // the call has ended on the switch
	// The call is over: the trunk takes calls again.
	second := c3.dial(t, "91002")
	far.waitIncoming(t)
	second.answered(t).bye(t)
}

// A gateway registers to the switch as an accept-register trunk: its calls
// come in without a challenge and are routed by DID, and dial rules send
// calls out to where it registered.
func TestAcceptRegisterTrunk(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkAcceptRegister, Username: "gw1", Password: passwordOf("gw1")}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "0", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"gw"}}); err != nil {
		t.Fatal(err)
	}
	gw := newPhone(t, sw, "gw1")
	gw.mustRegister(t) // a trunk account, not an extension
	gw.setPolicy(policyAnswer, 50*time.Millisecond)
	b := newPhone(t, sw, "1002")
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)

	// In: from the registered gateway, no challenge, by DID.
	in := gw.dialWith(t, "1002", false, nil)
	b.waitIncoming(t)
	in.answered(t).bye(t)

	// Out: 1002 dials 0 + a number; the gateway receives it.
	out := b.dial(t, "04930123456")
	call := gw.waitIncoming(t)
	if user := call.req.Recipient.User; user != "4930123456" {
		t.Errorf("the gateway got a call for %q, want 4930123456", user)
	}
	out.answered(t).bye(t)

	// An emergency call carries the emergency caller ID.
	if err := sw.st.SetDialPolicy(store.DialPolicy{Emergency: []string{"112"}, EmergencyCID: "4930999"}); err != nil {
		t.Fatal(err)
	}
	em := b.dial(t, "0112")
	call = gw.waitIncoming(t)
	if from := call.req.From().Address.User; from != "4930999" {
		t.Errorf("the emergency call comes from %q, want the emergency caller ID 4930999", from)
	}
	em.answered(t).bye(t)
}

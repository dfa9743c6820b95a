package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// tenantStore has trunks t1, t2 (routeStore) and t3.
func tenantStore(t *testing.T) *Store {
	t.Helper()
	s := routeStore(t)
	if err := s.PutTrunk(Trunk{Name: "t3", Kind: TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.3"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// ivr is a destination the store checks only for syntax.
var ivr = Destination{Kind: DestIVR, Target: "main"}

func wantField(t *testing.T, err error, field string, parts ...string) {
	t.Helper()
	wantErr(t, err, ErrInvalid, parts...)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("%v: want field %s", err, field)
	}
}

func wantConflict(t *testing.T, err error, other string, parts ...string) {
	t.Helper()
	wantErr(t, err, ErrExists, parts...)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Other != other {
		t.Fatalf("%v: want a ConflictError naming %s", err, other)
	}
}

func TestTenantValidation(t *testing.T) {
	s := tenantStore(t)
	good := func() Tenant {
		return Tenant{Name: "acme", Domain: "acme.example.com", Trunks: []TenantTrunk{{Trunk: "t1", DIDPool: "44*****"}}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Tenant)
		field string
		parts []string
	}{
		{"no name", func(x *Tenant) { x.Name = "" }, "name", nil},
		{"bad name", func(x *Tenant) { x.Name = "a/b" }, "name", nil},
		{"no domain", func(x *Tenant) { x.Domain = "" }, "domain", []string{"required"}},
		{"IP domain", func(x *Tenant) { x.Domain = "192.0.2.7" }, "domain", []string{"IP address"}},
		{"IPv6 domain", func(x *Tenant) { x.Domain = "2001:db8::1" }, "domain", []string{"IP address"}},
		{"numeric top label", func(x *Tenant) { x.Domain = "10.0.0.999" }, "domain", []string{"numeric"}},
		{"empty label", func(x *Tenant) { x.Domain = "acme..com" }, "domain", []string{"labels"}},
		{"label starts with -", func(x *Tenant) { x.Domain = "-acme.com" }, "domain", []string{"labels"}},
		{"underscore", func(x *Tenant) { x.Domain = "ac_me.com" }, "domain", []string{`'_'`}},
		{"space", func(x *Tenant) { x.Domain = "acme .com" }, "domain", nil},
		{"long label", func(x *Tenant) { x.Domain = strings.Repeat("a", 64) + ".com" }, "domain", []string{"1-63"}},
		{"too long", func(x *Tenant) { x.Domain = strings.Repeat("abcdefgh.", 29) + "com" }, "domain", []string{"253"}},
		{"bad trunk name", func(x *Tenant) { x.Trunks[0].Trunk = "a b" }, "trunks[0].trunk", []string{"trunk's name"}},
		{"unknown trunk", func(x *Tenant) { x.Trunks = append(x.Trunks, TenantTrunk{Trunk: "t9"}) }, "trunks[1].trunk", []string{`no trunk named "t9"`}},
		{"trunk twice", func(x *Tenant) { x.Trunks = append(x.Trunks, TenantTrunk{Trunk: "t1", DIDPool: "55*"}) }, "trunks[1].trunk", []string{"twice", "trunks[0]"}},
		{"range across prefixes", func(x *Tenant) { x.Trunks[0].DIDPool = "12000-22000" }, "trunks[0].did_pool", []string{"prefix"}},
		{"range of two lengths", func(x *Tenant) { x.Trunks[0].DIDPool = "12000-180000" }, "trunks[0].did_pool", []string{"same number of digits"}},
		{"range backwards", func(x *Tenant) { x.Trunks[0].DIDPool = "18000-12000" }, "trunks[0].did_pool", []string{"less than"}},
		{"digit after *", func(x *Tenant) { x.Trunks[0].DIDPool = "4*4" }, "trunks[0].did_pool", []string{"digit after"}},
		{"too many trunks", func(x *Tenant) {
			x.Trunks = make([]TenantTrunk, maxTenantTrunks+1)
		}, "trunks", []string{"at most"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := good()
			tc.edit(&x)
			wantField(t, s.PutTenant(x), tc.field, tc.parts...)
		})
	}
	// The domain is kept in lower case without the root dot, pools in
	// canonical form; no trunks is [] in JSON.
	x := good()
	x.Domain = "ACME.Example.com."
	x.Trunks = []TenantTrunk{{Trunk: "t1", DIDPool: " 123 ; 1100-1200;44*****; "}, {Trunk: "t2"}}
	if err := s.PutTenant(x); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetTenant("acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.Domain != "acme.example.com" || got.Trunks[0].DIDPool != "123;1100-1200;44*****" || got.Trunks[1].DIDPool != "" || got.CreatedAt.IsZero() {
		t.Fatalf("stored: %+v", got)
	}
	if err := s.PutTenant(Tenant{Name: "bare", Domain: "bare.example.com"}); err != nil {
		t.Fatal(err)
	}
	bare, _ := s.GetTenant("bare")
	if b, _ := json.Marshal(bare); !strings.Contains(string(b), `"trunks":[]`) {
		t.Fatalf("JSON: %s", b)
	}
	// A replacement keeps CreatedAt.
	time.Sleep(2 * time.Millisecond)
	if err := s.PutTenant(good()); err != nil {
		t.Fatal(err)
	}
	again, _ := s.GetTenant("acme")
	if !again.CreatedAt.Equal(got.CreatedAt) || !again.UpdatedAt.After(got.UpdatedAt) || len(again.Trunks) != 1 {
		t.Fatalf("replaced: %+v, was %+v", again, got)
	}
	list, err := s.ListTenants()
	if err != nil || len(list) != 2 || list[0].Name != "acme" || list[1].Name != "bare" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := s.GetTenant("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of no tenant: %v", err)
	}
}

func TestTenantDomainUnique(t *testing.T) {
	s := tenantStore(t)
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com"}); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, s.PutTenant(Tenant{Name: "other", Domain: "Acme.Example.COM"}), "tenant acme", "domain acme.example.com", "tenant acme's")
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com"}); err != nil {
		t.Fatalf("a tenant does not clash with itself: %v", err)
	}
}

func TestTenantPoolsOverlapRefused(t *testing.T) {
	s := tenantStore(t)
	put := func(name string, trunks ...TenantTrunk) error {
		return s.PutTenant(Tenant{Name: name, Domain: name + ".example.com", Trunks: trunks})
	}
	if err := put("a", TenantTrunk{"t1", "44*****"}, TenantTrunk{"t2", "12000-17999"}); err != nil {
		t.Fatal(err)
	}
	// A range inside a's mask: refused, naming a, with a DID in both.
	wantConflict(t, put("b", TenantTrunk{"t1", "4400000-4499999"}), "tenant a", "trunks[0].did_pool", "trunk t1", "tenant a's pool 44*****", "both hold DID 4400000")
	// The same pool on another trunk is no overlap.
	if err := put("b", TenantTrunk{"t3", "4400000-4499999"}); err != nil {
		t.Fatal(err)
	}
	// Ranges: the witness is in both; adjacent ranges pass.
	wantConflict(t, put("c", TenantTrunk{"t2", "555;17000-18999"}), "tenant a", "trunks[0].did_pool", "both hold DID 17000")
	if err := put("c", TenantTrunk{"t2", "18000-18999;555"}); err != nil {
		t.Fatal(err)
	}
	// Seed item 14: a "*" pool takes the whole trunk; others may have it
	// with an empty pool (calls out only).
	wantConflict(t, put("d", TenantTrunk{"t1", "*"}), "tenant a", "trunk t1", "both hold DID 4400000", "* pool")
	if err := put("d", TenantTrunk{"t3", ""}, TenantTrunk{"t1", ""}); err != nil {
		t.Fatal(err)
	}
	if err := put("e", TenantTrunk{"t3", "*"}); err == nil || !strings.Contains(err.Error(), "tenant b") {
		t.Fatalf("* over b's pool on t3: %v", err)
	}
	if err := s.PutTenant(Tenant{Name: "b", Domain: "b.example.com", Trunks: []TenantTrunk{{"t3", ""}}}); err != nil {
		t.Fatal(err)
	}
	if err := put("e", TenantTrunk{"t3", "*"}); err != nil {
		t.Fatalf("* beside empty pools: %v", err)
	}
	wantConflict(t, put("f", TenantTrunk{"t3", "9"}), "tenant e", "tenant e's pool *", "both hold DID 9")
	wantConflict(t, put("f", TenantTrunk{"t3", "*"}), "tenant e", "both hold every DID")
	// A tenant's own old pools do not count against it.
	if err := put("a", TenantTrunk{"t1", "44*****;45*****"}, TenantTrunk{"t2", "12000-17999"}); err != nil {
		t.Fatal(err)
	}
}

func TestTenantInboundRules(t *testing.T) {
	s := tenantStore(t)
	if err := s.PutTenant(Tenant{Name: "a", Domain: "a.example.com", Trunks: []TenantTrunk{{"t1", "44*****"}, {"t2", "*"}, {"t3", ""}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTenant(Tenant{Name: "b", Domain: "b.example.com", Trunks: []TenantTrunk{{"t1", "12000-18000"}}}); err != nil {
		t.Fatal(err)
	}
	rule := func(name, did string, trunks ...string) InboundRule {
		return InboundRule{Name: name, Tenant: "a", Trunks: trunks, DID: did, Destination: ivr}
	}
	for _, tc := range []struct {
		name  string
		r     InboundRule
		field string
		parts []string
	}{
		{"bad tenant name", InboundRule{Name: "x", Tenant: "a b", Trunks: []string{"t1"}, DID: "4412345", Destination: ivr}, "tenant", []string{"tenant's name"}},
		{"unknown tenant", InboundRule{Name: "x", Tenant: "zz", Trunks: []string{"t1"}, DID: "4412345", Destination: ivr}, "tenant", []string{`no tenant named "zz"`}},
		{"any trunk", rule("x", "4412345"), "trunks", []string{"tenant's trunks"}},
		{"a trunk the tenant lacks", InboundRule{Name: "x", Tenant: "b", Trunks: []string{"t1", "t2"}, DID: "12345", Destination: ivr}, "trunks[1]", []string{"tenant b has no trunk t2"}},
		{"DID outside the pool", rule("x", "4512345", "t1"), "did", []string{"4512345 is outside tenant a's DID pool on trunk t1 (44*****)"}},
		{"DID of the wrong length", rule("x", "441234", "t1"), "did", []string{"outside"}},
		{"another tenant's DID", rule("x", "12345", "t1"), "did", []string{"outside"}},
		{"any DID in a partial pool", rule("x", "*", "t1"), "did", []string{"* is outside"}},
		{"empty pool (seed item 13)", rule("x", "4412345", "t3"), "did", []string{"no DID pool on trunk t3", "call out"}},
		{"in one pool, not the other", rule("x", "4412345", "t2", "t1", "t3"), "did", []string{"trunk t3"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantField(t, s.PutInboundRule(tc.r), tc.field, tc.parts...) })
	}
	for _, r := range []InboundRule{
		rule("a-uk", "4412345", "t1"),
		rule("a-both", "4400001", "t1", "t2"),
		rule("a-any", "*", "t2"),
		{Name: "b-main", Tenant: "b", Trunks: []string{"t1"}, DID: "18000", Destination: ivr},
	} {
		if err := s.PutInboundRule(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	if got, _ := s.GetInboundRule("b-main"); got.Tenant != "b" {
		t.Fatalf("stored rule: %+v", got)
	}
	// A change to the tenant that would strand a rule is refused, naming it.
	wantConflict(t, s.PutTenant(Tenant{Name: "b", Domain: "b.example.com", Trunks: []TenantTrunk{{"t1", "12000-17999"}}}),
		"inbound rule b-main", "18000 is outside tenant b's DID pool")
	wantConflict(t, s.PutTenant(Tenant{Name: "b", Domain: "b.example.com"}), "inbound rule b-main", "tenant b has no trunk t1")
	wantConflict(t, s.PutTenant(Tenant{Name: "a", Domain: "a.example.com", Trunks: []TenantTrunk{{"t1", "44*****"}, {"t2", "44*****"}}}),
		"inbound rule a-any", "* is outside")
	// Deleting a tenant with rules, or a trunk a tenant has, is refused.
	wantConflict(t, s.DeleteTenant("b"), "inbound rule b-main", "in use by inbound rule b-main")
	if err := s.DeleteInboundRule("b-main"); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, s.DeleteTrunk("t3"), "tenant a", "in use by tenant a")
	if err := s.DeleteTenant("b"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant("b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	// Without b, t1's range is free for a rule of no tenant as always.
	if err := s.PutInboundRule(InboundRule{Name: "plain", Trunks: []string{"t1"}, DID: "12345", Destination: ivr}); err != nil {
		t.Fatal(err)
	}
}

// Two tenants share trunk t1: a has 44*****, b has 12000-18000; a has
// every DID on t2.
func TestMatchInboundTwoTenants(t *testing.T) {
	s := tenantStore(t)
	for _, x := range []Tenant{
		{Name: "a", Domain: "a.example.com", Trunks: []TenantTrunk{{"t1", "44*****"}, {"t2", "*"}}},
		{Name: "b", Domain: "b.example.com", Trunks: []TenantTrunk{{"t1", "12000-18000"}, {"t2", ""}}},
	} {
		if err := s.PutTenant(x); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []InboundRule{
		{Name: "a-sales", Tenant: "a", Trunks: []string{"t1"}, DID: "4412345", Destination: Destination{DestIVR, "a-sales"}},
		{Name: "a-all", Tenant: "a", Trunks: []string{"t2"}, DID: "*", Destination: Destination{DestIVR, "a-all"}},
		{Name: "b-main", Tenant: "b", Trunks: []string{"t1"}, DID: "12000", Destination: Destination{DestIVR, "b-main"}},
		{Name: "b-vip", Tenant: "b", Trunks: []string{"t1"}, DID: "12001", CallerMask: "0044********", Destination: Destination{DestIVR, "b-vip"}},
		{Name: "rest", Trunks: []string{"t1", "t3"}, DID: "*", Destination: Destination{DestIVR, "operator"}},
	} {
		if err := s.PutInboundRule(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	rules, err := s.ListInboundRules()
	if err != nil {
		t.Fatal(err)
	}
	tenants, err := s.ListTenants()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		trunk, did, caller string
		tenant, rule       string
	}{
		{"t1", "4412345", "0301", "a", "a-sales"},
		{"t1", "12000", "0301", "b", "b-main"},
		{"t1", "12001", "004412345678", "b", "b-vip"},
		{"t1", "12001", "0301", "b", "rest"},    // b's rule wants other callers: no tenant rule, the general one
		{"t1", "4499999", "0301", "a", "rest"},  // a's DID without a rule of a
		{"t1", "99999", "0301", "", "rest"},     // nobody's DID
		{"t2", "12000", "0301", "a", "a-all"},   // a has every DID on t2
		{"t3", "4412345", "0301", "", "rest"},   // t3 is no tenant's
		{"t1", "18001", "0301", "", "rest"},     // just past b's range
		{"t1", "", "0301", "", ""},              // no DID: not even "*" holds it
		{"t2", "", "0301", "", ""},              // nor a's "*" pool
		{"t1", "44123456", "0301", "", "rest"},  // one digit too many for a's mask
		{"t1", "1200a", "0301", "", "rest"},     // not a number
		{"t1", "12000", "0301", "b", "b-main"},  // repeated: no state kept
		{"t2", "4412345", "0301", "a", "a-all"}, // a's t1 rule is for t1 only
	} {
		tenant := CallTenant(tenants, tc.trunk, tc.did)
		r, _ := MatchTenantInbound(rules, tenant, tc.trunk, tc.did, tc.caller, nil)
		if tenant != tc.tenant || r == nil && tc.rule != "" || r != nil && r.Name != tc.rule {
			t.Errorf("%s %s from %s: tenant %q rule %v; want %q %s", tc.trunk, tc.did, tc.caller, tenant, r, tc.tenant, tc.rule)
		}
	}
	// Only the call's tenant's rules match: the same DID as another
	// tenant's call, or as a call of no tenant, does not reach a's rule.
	if r, _ := MatchTenantInbound(rules, "b", "t1", "4412345", "0301", nil); r == nil || r.Name != "rest" {
		t.Fatalf("b's call to a's DID: %v", r)
	}
	if r, _ := MatchInbound(rules, "t1", "4412345", "0301", nil); r == nil || r.Name != "rest" {
		t.Fatalf("a call of no tenant: %v", r)
	}
	// Hand-built tenants (not from the store) are parsed as needed.
	hand := []Tenant{{Name: "h", Trunks: []TenantTrunk{{"t1", "55*"}}}}
	if got := CallTenant(hand, "t1", "551"); got != "h" {
		t.Fatalf("hand-built: %q", got)
	}
	if allocs := testing.AllocsPerRun(100, func() {
		MatchTenantInbound(rules, CallTenant(tenants, "t1", "12001"), "t1", "12001", "004412345678", nil)
	}); allocs != 0 {
		t.Fatalf("tenant routing allocates %v times", allocs)
	}
}

func TestTenantRecordThatNoLongerValidates(t *testing.T) {
	s := tenantStore(t)
	// A stored pool this version cannot read holds no DID, and does not
	// block another tenant.
	putRaw(t, s, "tenant/old", []byte(`{"name":"old","domain":"old.example.com","trunks":[{"trunk":"t1","did_pool":"4*4"}]}`))
	tenants, err := s.ListTenants()
	if err != nil || len(tenants) != 1 {
		t.Fatalf("list: %v %v", tenants, err)
	}
	if got := CallTenant(tenants, "t1", "404"); got != "" {
		t.Fatalf("a pool that does not parse holds %q", got)
	}
	if err := s.PutTenant(Tenant{Name: "new", Domain: "new.example.com", Trunks: []TenantTrunk{{"t1", "*"}}}); err != nil {
		t.Fatal(err)
	}
	// It still holds its trunk and domain.
	wantConflict(t, s.DeleteTrunk("t1"), "tenant new")
	wantConflict(t, s.PutTenant(Tenant{Name: "x", Domain: "old.example.com"}), "tenant old")
}

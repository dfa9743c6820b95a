package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// quotaStore has tenants acme (acme.example.com, 2 extensions at most) and
// beta (beta.example.com, no limit), and no extension.
func quotaStore(t *testing.T) *Store {
	t.Helper()
	s := openMem(t)
	for _, tn := range []Tenant{{Name: "acme", Domain: "Acme.Example.com", MaxExtensions: 2, MaxCalls: 1}, {Name: "beta", Domain: "beta.example.com"}} {
		if err := s.PutTenant(tn); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func tenantExt(number, tenant string) Extension {
	return Extension{Number: number, Password: "Secret-" + number + "-pw", Tenant: tenant}
}

func TestTenantQuotasValidated(t *testing.T) {
	s := quotaStore(t)
	wantField(t, s.PutTenant(Tenant{Name: "x", Domain: "x.example.com", MaxExtensions: -1}), "max_extensions", "0 (no limit)")
	wantField(t, s.PutTenant(Tenant{Name: "x", Domain: "x.example.com", MaxCalls: -3}), "max_calls")
	wantField(t, s.PutTenant(Tenant{Name: "x", Domain: "x.example.com", MaxCalls: MaxTenantQuota + 1}), "max_calls")
	if err := s.PutTenant(Tenant{Name: "x", Domain: "x.example.com", MaxExtensions: 10, MaxCalls: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetTenant("x")
	if err != nil || got.MaxExtensions != 10 || got.MaxCalls != 5 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestExtensionTenantMustExist(t *testing.T) {
	s := quotaStore(t)
	wantField(t, s.CreateExtension(tenantExt("100", "nope")), "tenant", `no tenant named "nope"`)
	if err := s.CreateExtension(tenantExt("100", "beta")); err != nil {
		t.Fatal(err)
	}
	wantField(t, s.UpdateExtension(tenantExt("100", "nope")), "tenant", "no tenant")
}

func TestExtensionQuota(t *testing.T) {
	s := quotaStore(t)
	for _, n := range []string{"100", "101"} {
		if err := s.CreateExtension(tenantExt(n, "acme")); err != nil {
			t.Fatal(err)
		}
	}
	err := s.CreateExtension(tenantExt("102", "acme"))
	wantField(t, err, "tenant", "quota of 2 extensions reached")
	if !errors.Is(err, ErrQuota) || !errors.Is(err, ErrExists) {
		t.Fatalf("%v: want ErrQuota and ErrExists (409)", err)
	}
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Tenant != "acme" || qe.Limit != 2 {
		t.Fatalf("%v: want a QuotaError for acme, 2", err)
	}
	if _, err := s.GetExtension("102"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("refused extension stored: %v", err)
	}
	// Updating a member in place is no new extension.
	if err := s.UpdateExtension(Extension{Number: "101", Name: "Bob", Password: "Secret-101-pw", Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	// Other tenants and the switch's own are not affected.
	if err := s.CreateExtension(tenantExt("102", "beta")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateExtension(tenantExt("103", "")); err != nil {
		t.Fatal(err)
	}
	// Moving one in counts as a create.
	wantField(t, s.UpdateExtension(tenantExt("102", "acme")), "tenant", "quota of 2")
	// Room again after a delete.
	if err := s.DeleteExtension("100"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateExtension(tenantExt("102", "acme")); err != nil {
		t.Fatal(err)
	}
	// Lowering the quota below the count is allowed: it stops new ones only.
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com", MaxExtensions: 1}); err != nil {
		t.Fatal(err)
	}
	wantField(t, s.CreateExtension(tenantExt("104", "acme")), "tenant", "quota of 1")
}

// TestExtensionQuotaRace creates many extensions of one tenant at once:
// exactly the quota's worth commit (the tenant record makes them conflict).
func TestExtensionQuotaRace(t *testing.T) {
	s := openMem(t)
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com", MaxExtensions: 3}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateExtension(tenantExt(fmt.Sprint(200+i), "acme"))
		}()
	}
	wg.Wait()
	ok, quota := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrQuota):
			quota++
		default:
			// badger gave up retrying a conflict: refused, but not stored.
			t.Logf("other refusal: %v", err)
		}
	}
	es, err := s.ListExtensions()
	if err != nil {
		t.Fatal(err)
	}
	if ok > 3 || len(es) != ok {
		t.Fatalf("%d created, %d stored, quota 3 (%d refused by quota)", ok, len(es), quota)
	}
}

func TestGroupAndQueueMembersOfTheirTenant(t *testing.T) {
	s := quotaStore(t)
	for _, e := range []Extension{tenantExt("100", "acme"), tenantExt("101", "acme"), tenantExt("200", "beta"), tenantExt("300", "")} {
		if err := s.CreateExtension(e); err != nil {
			t.Fatal(err)
		}
	}
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "nope", Members: []string{"100"}}), "tenant", "no tenant")
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "acme", Members: []string{"100", "200"}}), "members[1]",
		"extension 200 is of tenant beta, not of tenant acme")
	wantField(t, s.PutGroup(Group{Number: "500", Members: []string{"300", "100"}}), "members[1]", "of tenant acme, not of no tenant")
	if err := s.PutGroup(Group{Number: "500", Tenant: "acme", Members: []string{"100", "101"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutGroup(Group{Number: "501", Members: []string{"300"}}); err != nil {
		t.Fatal(err)
	}
	wantField(t, s.PutQueue(Queue{Number: "600", Tenant: "beta", StaticAgents: []QueueMember{{Ext: "200"}}, DynamicAgents: []string{"101"}}),
		"dynamic_agents[0]", "extension 101 is of tenant acme")
	if err := s.PutQueue(Queue{Number: "600", Tenant: "beta", StaticAgents: []QueueMember{{Ext: "200"}}}); err != nil {
		t.Fatal(err)
	}

	// A member cannot move away from its group's tenant.
	wantConflict(t, s.UpdateExtension(tenantExt("101", "beta")), "ring group 500", "a member of ring group 500 of tenant acme")
	wantConflict(t, s.UpdateExtension(tenantExt("200", "")), "queue 600", "an agent of queue 600 of tenant beta")
	if err := s.CreateExtension(tenantExt("102", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateExtension(tenantExt("102", "beta")); err != nil { // in no group: free to move
		t.Fatal(err)
	}

	tv, err := s.Tenancy()
	if err != nil {
		t.Fatal(err)
	}
	for num, want := range map[string]string{"500": "acme", "501": "", "600": "beta"} {
		if got, ok := tv.Owner(num); !ok || got != want {
			t.Errorf("Owner(%s) = %q, %v; want %q", num, got, ok, want)
		}
	}
	if _, ok := tv.Owner("100"); ok {
		t.Error("Owner(100): an extension is no group or queue")
	}
	if err := s.DeleteGroup("501"); err != nil {
		t.Fatal(err)
	}
	if tv, _ := s.Tenancy(); func() bool { _, ok := tv.Owner("501"); return ok }() {
		t.Error("Tenancy still knows deleted group 501")
	}
}

func TestDeleteTenantInUse(t *testing.T) {
	s := quotaStore(t)
	if err := s.CreateExtension(tenantExt("100", "beta")); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, s.DeleteTenant("beta"), "extension 100", "in use by extension 100")
	if err := s.PutGroup(Group{Number: "500", Tenant: "beta", Members: []string{"100"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "600", Tenant: "beta"}); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, s.DeleteTenant("beta"), "extension 100", "extension 100, ring group 500, queue 600")
	for _, step := range []func() error{
		func() error { return s.DeleteGroup("500") },
		func() error { return s.DeleteQueue("600") },
		func() error { return s.DeleteExtension("100") },
		func() error { return s.DeleteTenant("beta") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	// A name mentioned only in another field is no use.
	if err := s.CreateExtension(Extension{Number: "101", Password: "Secret-101-pw", Name: `"tenant":"acme"`}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant("acme"); err != nil {
		t.Fatal(err)
	}
}

func TestTenancyView(t *testing.T) {
	s := quotaStore(t)
	if err := s.PutTrunk(Trunk{Name: "t1", Kind: TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	tv, err := s.Tenancy()
	if err != nil {
		t.Fatal(err)
	}
	if tv.ByDomain("ACME.example.com.") != "acme" || tv.ByDomain("acme.example.com") != "acme" || tv.ByDomain("example.com") != "" {
		t.Fatal("ByDomain")
	}
	if tv.Domain("acme") != "acme.example.com" || tv.MaxCalls("acme") != 1 || tv.MaxCalls("") != 0 {
		t.Fatal("Domain/MaxCalls")
	}
	if err := s.PutTenant(Tenant{Name: "beta", Domain: "beta.example.com", MaxCalls: 7, Trunks: []TenantTrunk{{Trunk: "t1", DIDPool: "44*"}}}); err != nil {
		t.Fatal(err)
	}
	tv, _ = s.Tenancy()
	if tv.MaxCalls("beta") != 7 || tv.Inbound("t1", "441") != "beta" || tv.Inbound("t1", "551") != "" {
		t.Fatal("the view did not follow PutTenant")
	}
}

func BenchmarkTenancyLookups(b *testing.B) {
	s := openMem(b)
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com", MaxCalls: 5}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tv, err := s.Tenancy()
		if err != nil || tv.ByDomain("acme.example.com") != "acme" || tv.MaxCalls("acme") != 5 {
			b.Fatal("lookup")
		}
		tv.Owner("500")
	}
}

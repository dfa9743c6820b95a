package store

import (
	"testing"
	"time"
)

// A search with Tenant keeps that tenant's calls only, counted and paged
// alike; a tenant whose name is inside another field does not match.
func TestSearchCDRsTenant(t *testing.T) {
	s := openMem(t)
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	var cs []*CDR
	for i := range 30 {
		c := &CDR{CallID: "c" + string(rune('a'+i%26)) + "@x", Caller: "2001", Callee: "acme", Direction: DirectionInternal,
			StartTime: base.Add(time.Duration(i) * time.Minute), EndTime: base.Add(time.Duration(i)*time.Minute + time.Second), Status: StatusAnswered}
		switch i % 3 {
		case 0:
			c.Tenant = "acme"
		case 1:
			c.Tenant = "globex"
		}
		cs = append(cs, c)
	}
	if err := s.AddCDRs(cs); err != nil {
		t.Fatal(err)
	}
	for tenant, want := range map[string]int{"acme": 10, "globex": 10, "": 30, "nobody": 0} {
		page, err := s.SearchCDRs(CDRSearch{Tenant: tenant, Count: true, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want {
			t.Errorf("tenant %q: total %d, want %d", tenant, page.Total, want)
		}
		seen := 0
		for q := (CDRSearch{Tenant: tenant, Limit: 4}); ; {
			page, err := s.SearchCDRs(q)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.CDRs {
				if tenant != "" && c.Tenant != tenant {
					t.Errorf("tenant %q: got %s of %q", tenant, c.CallID, c.Tenant)
				}
				seen++
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		if seen != want {
			t.Errorf("tenant %q: paged through %d, want %d", tenant, seen, want)
		}
	}
	if _, err := s.SearchCDRs(CDRSearch{Tenant: "a\x00b"}); err == nil {
		t.Error("a tenant with a control character was accepted")
	}
}

package store

import (
	"testing"
	"time"
)

// Party matches the caller, the callee or the final destination (a call
// answered through a ring group or a queue); Number keeps its meaning,
// caller or callee only.
func TestSearchCDRsParty(t *testing.T) {
	s := openMem(t)
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	mk := func(i int, id, caller, callee, final string) *CDR {
		return &CDR{CallID: id, Caller: caller, Callee: callee, FinalDest: final, Direction: DirectionInternal, Status: StatusAnswered,
			StartTime: base.Add(time.Duration(i) * time.Minute), EndTime: base.Add(time.Duration(i)*time.Minute + time.Second)}
	}
	if err := s.AddCDRs([]*CDR{
		mk(0, "out", "1001", "1002", "1002"),
		mk(1, "group", "1002", "600", "1001"), // ring group 600, answered by 1001
		mk(2, "queue", "1003", "700", "1002"), // queue 700, answered by 1002
		mk(3, "in", "1003", "1001", "1001"),
		mk(4, "longer", "1003", "10011", "10011"), // a number that contains 1001
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    CDRSearch
		want string
	}{
		{CDRSearch{Party: "1001"}, "in,group,out"},
		{CDRSearch{Number: "1001"}, "in,out"},
		{CDRSearch{Party: "1002"}, "queue,group,out"},
		{CDRSearch{Party: "600"}, "group"},
		{CDRSearch{Party: "1001", Count: true, Limit: 1}, "in"},
	} {
		page, err := s.SearchCDRs(c.q)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for i, cdr := range page.CDRs {
			if i > 0 {
				got += ","
			}
			got += cdr.CallID
		}
		if got != c.want {
			t.Errorf("%+v: %s, want %s", c.q, got, c.want)
		}
		if c.q.Count && page.Total != 3 {
			t.Errorf("%+v: total %d, want 3", c.q, page.Total)
		}
	}
	if _, err := s.SearchCDRs(CDRSearch{Party: "10\x0001"}); err == nil {
		t.Error("a party with a control byte was taken")
	}
}

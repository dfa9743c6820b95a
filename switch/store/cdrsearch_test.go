package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchFixture stores n varied CDRs around base and returns them newest
// first, as a search lists them.
func searchFixture(t testing.TB, s *Store, base time.Time, n int) []CDR {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	statuses := []string{StatusAnswered, StatusNoAnswer, StatusBusy, StatusFailed, StatusCanceled, StatusRejected}
	dirs := []string{DirectionInternal, DirectionInbound, DirectionOutbound, DirectionTransit}
	var all []*CDR
	for i := range n {
		// Several records share a microsecond, some differ only in nanoseconds.
		start := base.Add(time.Duration(r.IntN(50)) * time.Microsecond).Add(time.Duration(i/3) * time.Millisecond).Add(time.Duration(r.IntN(1000)))
		c := testCDR(fmt.Sprint(100+r.IntN(5)), fmt.Sprint(200+r.IntN(5)), start)
		c.CallID = fmt.Sprintf("Call-%d@Test", i)
		c.CallerName = []string{"Alice Smith", "bob", "Zoë", ""}[r.IntN(4)]
		c.Status = statuses[r.IntN(len(statuses))]
		c.Direction = dirs[r.IntN(len(dirs))]
		switch c.Direction {
		case DirectionOutbound:
			c.Trunk = "carrier"
		case DirectionInbound:
			c.InboundTrunk = "carrier"
		case DirectionTransit:
			c.InboundTrunk, c.Trunk = "peer", "carrier"
		}
		if i%7 == 0 {
			// A hook's fields named like the record's own must not fool
			// the raw look.
			c.Extra = map[string]string{"call_status": StatusBusy, "direction": DirectionTransit, "x": `"call_status":"busy"`}
		}
		all = append(all, &c)
	}
	if err := s.AddCDRs(all); err != nil {
		t.Fatal(err)
	}
	out := make([]CDR, len(all))
	for i, c := range all {
		out[i] = *c
	}
	slices.SortFunc(out, func(a, b CDR) int { return strings.Compare(b.ID, a.ID) }) // same-length decimal ids
	return out
}

// reference is the search done the slow, obvious way.
func reference(all []CDR, q CDRSearch) []CDR {
	m := newCDRMatcher(q)
	var out []CDR
	for _, c := range all {
		if m.exact(&c, q) {
			out = append(out, c)
		}
	}
	return out
}

func TestSearchCDRsMatchesReference(t *testing.T) {
	s := openMem(t)
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	all := searchFixture(t, s, base, 600)
	mid := all[300].StartTime // a record's own time: its microsecond is a boundary
	queries := map[string]CDRSearch{
		"all":                {},
		"since":              {Since: mid},
		"until":              {Until: mid},
		"until+1ns":          {Until: mid.Add(1)},
		"range":              {Since: all[500].StartTime, Until: all[100].StartTime.Add(1)},
		"number":             {Number: "102"},
		"number callee":      {Number: "203"},
		"status":             {Status: StatusBusy},
		"direction":          {Direction: DirectionTransit},
		"trunk out":          {Trunk: "carrier"},
		"trunk in":           {Trunk: "peer"},
		"call id":            {CallID: "Call-17@Test"},
		"text number":        {Text: "10"},
		"text name case":     {Text: "ALICE"},
		"text call id":       {Text: "call-1"},
		"text non-ascii":     {Text: "zoË"},
		"text none":          {Text: "nobody"},
		"combined":           {Number: "101", Status: StatusAnswered, Since: mid},
		"inverted":           {Since: mid, Until: mid},
		"before epoch":       {Until: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)},
		"since before epoch": {Since: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), Status: StatusFailed},
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			want := reference(all, q)
			for _, limit := range []int{7, 100, MaxCDRLimit} {
				for _, offset := range []int{0, 3, 50} {
					q := q
					q.Limit, q.Offset, q.Count = limit, offset, true
					page, err := s.SearchCDRs(q)
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != len(want) {
						t.Fatalf("limit %d offset %d: total %d, want %d", limit, offset, page.Total, len(want))
					}
					lo, hi := min(offset, len(want)), min(offset+limit, len(want))
					if got, exp := ids(page.CDRs), ids(want[lo:hi]); got != exp {
						t.Fatalf("limit %d offset %d:\n got %s\nwant %s", limit, offset, got, exp)
					}
					if (page.Next != "") != (hi < len(want)) {
						t.Fatalf("limit %d offset %d: next %q with %d of %d", limit, offset, page.Next, hi, len(want))
					}
					// Without counting, the same page.
					q.Count = false
					if p2, err := s.SearchCDRs(q); err != nil || ids(p2.CDRs) != ids(page.CDRs) || p2.Total != 0 {
						t.Fatalf("uncounted page differs: %v %s", err, ids(p2.CDRs))
					}
				}
			}
		})
	}
}

// Keyset paging with After walks every match once, in order.
func TestSearchCDRsAfter(t *testing.T) {
	s := openMem(t)
	all := searchFixture(t, s, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), 250)
	q := CDRSearch{Status: StatusAnswered, Limit: 9}
	want := reference(all, q)
	var got []CDR
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		p, err := s.SearchCDRs(q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.CDRs...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if ids(got) != ids(want) {
		t.Fatalf("paged %d records, want %d", len(got), len(want))
	}
}

func TestSearchCDRsValidate(t *testing.T) {
	s := openMem(t)
	for field, q := range map[string]CDRSearch{
		"status":    {Status: "ok"},
		"direction": {Direction: "up"},
		"number":    {Number: strings.Repeat("1", MaxCDRSearchText+1)},
		"q":         {Text: "a\x00"},
		"offset":    {Offset: -1},
		"limit":     {Limit: MaxCDRLimit + 1},
		"after":     {After: "x"},
	} {
		_, err := s.SearchCDRs(q)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v, want a field error naming it", field, err)
		}
	}
}

func TestSearchCDRsCorrupt(t *testing.T) {
	s := openMem(t)
	start := time.Now()
	c := testCDR("100", "101", start)
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	putRaw(t, s, string(cdrKey(newCDRID(start.Add(time.Second)))), []byte(`{"caller":"100",`))
	for _, q := range []CDRSearch{{}, {Number: "100", Count: true}} {
		p, err := s.SearchCDRs(q)
		if !errors.Is(err, ErrCorrupt) || len(p.CDRs) != 1 || p.CDRs[0].ID != c.ID {
			t.Errorf("%+v: %v %s, want the good record and ErrCorrupt", q, err, ids(p.CDRs))
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		b, lower string
		want     bool
	}{{"Hello", "hello", true}, {"xHELLO", "llo", true}, {"hel", "hello", false}, {"", "", true}, {"abc", "abd", false}} {
		if got := containsFold([]byte(c.b), []byte(c.lower)); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.b, c.lower, got)
		}
	}
}

// BenchmarkCDRSearch searches 500 000 records on disk; "list50" is the
// plain newest-50 listing in the same store, for comparison.
func BenchmarkCDRSearch(b *testing.B) {
	s := openDisk(b)
	const n = 500_000
	base := time.Now().Add(-30 * 24 * time.Hour)
	batch := make([]*CDR, 0, 1000)
	for i := range n {
		c := testCDR(fmt.Sprint(1000+i%500), fmt.Sprint(2000+i%700), base.Add(time.Duration(i)*5*time.Second))
		c.Status = []string{StatusAnswered, StatusNoAnswer, StatusBusy}[i%3]
		batch = append(batch, &c)
		if len(batch) == cap(batch) {
			if err := s.AddCDRs(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	run := func(name string, fn func() int) {
		b.Run(name, func(b *testing.B) {
			got := 0
			for b.Loop() {
				got = fn()
			}
			b.ReportMetric(float64(got), "results")
		})
	}
	run("list50", func() int {
		cs, err := s.ListCDRs(CDRQuery{Limit: 50})
		if err != nil {
			b.Fatal(err)
		}
		return len(cs)
	})
	search := func(q CDRSearch) func() int {
		return func() int {
			p, err := s.SearchCDRs(q)
			if err != nil {
				b.Fatal(err)
			}
			if q.Count {
				return p.Total
			}
			return len(p.CDRs)
		}
	}
	run("page50", search(CDRSearch{Limit: 50}))
	run("page50-total", search(CDRSearch{Limit: 50, Count: true}))
	run("number-total", search(CDRSearch{Number: "1234", Limit: 50, Count: true}))
	run("status-total", search(CDRSearch{Status: StatusBusy, Limit: 50, Count: true}))
	run("text-total", search(CDRSearch{Text: "call-4999", Limit: 50, Count: true}))
	run("text-digits-total", search(CDRSearch{Text: "1234", Limit: 50, Count: true}))
	run("day-number-total", search(CDRSearch{Since: base.Add(24 * time.Hour), Until: base.Add(48 * time.Hour), Number: "1234", Limit: 50, Count: true}))
	run("calls-per-hour-744", func() int {
		hs, err := s.CallsPerHour(time.Now(), MaxStatHours)
		if err != nil {
			b.Fatal(err)
		}
		total := 0
		for _, h := range hs {
			total += h.Calls
		}
		return total
	})
}

package timecond

import (
	"testing"
	"time"
)

func benchCondition(b testing.TB) *Condition {
	return cond(b, berlin, "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00; sun 22:00-02:00",
		"12-25, 12-26, 01-01, 05-01, 2026-04-03, 2026-04-06, 2026-12-24..2027-01-02 09:00-12:00, 12-31 22:00-02:00")
}

// TestOpenAllocs pins the contract: Open runs per inbound call and allocates nothing.
func TestOpenAllocs(t *testing.T) {
	c := benchCondition(t)
	x := at(t, berlin, "2026-03-10 10:30")
	st := Override{Mode: Closed, Until: x.Add(time.Hour)}
	if n := testing.AllocsPerRun(100, func() { c.Open(x); c.State(x, st) }); n != 0 {
		t.Errorf("Open allocates %.1f times per call", n)
	}
}

func BenchmarkOpen(b *testing.B) {
	c := benchCondition(b)
	x := at(b, berlin, "2026-03-10 10:30") // open: walks every holiday
	b.ReportAllocs()
	for b.Loop() {
		c.Open(x)
	}
}

func BenchmarkNext(b *testing.B) {
	c := benchCondition(b)
	x := at(b, berlin, "2026-03-13 18:30") // Friday evening: the next change is Sunday night
	b.ReportAllocs()
	for b.Loop() {
		c.Next(x)
	}
}

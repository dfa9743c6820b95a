package timecond

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestNextSimple(t *testing.T) {
	c := cond(t, berlin, "mon-fri 09:00-12:00,14:00-18:00", "2026-03-11")
	for _, tc := range []struct{ from, want string }{
		{"2026-03-09 08:00", "2026-03-09 09:00"},
		{"2026-03-09 09:00", "2026-03-09 12:00"}, // strictly after t
		{"2026-03-09 08:59:59", "2026-03-09 09:00"},
		{"2026-03-09 12:00", "2026-03-09 14:00"},
		{"2026-03-10 18:00", "2026-03-12 09:00"}, // over the holiday
		{"2026-03-13 18:00", "2026-03-16 09:00"}, // over the weekend
	} {
		got, ok := c.Next(at(t, berlin, tc.from))
		if want := at(t, berlin, tc.want); !ok || !got.Equal(want) {
			t.Errorf("Next(%s) = %v, %v; want %v", tc.from, got, ok, want)
		}
		if got.Location() != c.Location() {
			t.Errorf("Next(%s) in %v, want the condition's zone", tc.from, got.Location())
		}
	}
}

func TestNextDST(t *testing.T) {
	// Spring forward at 2026-03-29 01:00 UTC (02:00 CET -> 03:00 CEST).
	jump := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	c := cond(t, berlin, "sun 01:00-02:30", "")
	if got, ok := c.Next(at(t, berlin, "2026-03-29 01:30")); !ok || !got.Equal(jump) {
		t.Errorf("range cut short by the jump: Next = %v, %v; want %v", got, ok, jump)
	}
	c = cond(t, berlin, "sun 02:30-05:00", "")
	if got, ok := c.Next(at(t, berlin, "2026-03-29 00:00")); !ok || !got.Equal(jump) {
		t.Errorf("range entered by the jump: Next = %v, %v; want %v", got, ok, jump)
	}
	// Fall back at 2026-10-25 01:00 UTC: 02:30-02:45 happens twice.
	c = cond(t, berlin, "sun 02:30-02:45", "")
	x := time.Date(2026, 10, 24, 23, 0, 0, 0, time.UTC)
	for _, want := range []string{"00:30", "00:45", "01:30", "01:45"} {
		got, ok := c.Next(x)
		if w := "2026-10-25T" + want + ":00Z"; !ok || got.UTC().Format(time.RFC3339) != w {
			t.Fatalf("Next(%v) = %v, %v; want %s", x, got.UTC(), ok, w)
		}
		x = got
	}
}

func TestNextNever(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ sched, holidays string }{
		{"", ""},                                // never open
		{"", "12-25"},                           // holidays cannot open
		{"mon-sun 00:00-24:00", ""},             // always open
		{"mon-sun 12:00-06:00,06:00-12:00", ""}, // always open, spelled oddly
	} {
		c := cond(t, "UTC", tc.sched, tc.holidays)
		if got, ok := c.Next(now); ok {
			t.Errorf("%q / %q: Next = %v, want none", tc.sched, tc.holidays, got)
		}
	}
	// Far away: a single dated holiday years ahead.
	c := cond(t, "UTC", "mon-sun 00:00-24:00", "2031-06-01")
	got, ok := c.Next(now)
	if want := time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("Next = %v, %v; want %v", got, ok, want)
	}
	// Open only on leap days: the gap over 2100 is eight years.
	c = cond(t, "UTC", "mon-sun 00:00-24:00", "01-01..02-28, 03-01..12-31")
	got, ok = c.Next(time.Date(2096, 3, 1, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2104, 2, 29, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("Next over 2100 = %v, %v; want %v", got, ok, want)
	}
	// A long dated closure.
	c = cond(t, "UTC", "mon-fri 09:00-17:00", "2026-01-01..2040-12-31")
	got, ok = c.Next(now)
	if want := time.Date(2041, 1, 1, 9, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("Next after closure = %v, %v; want %v", got, ok, want)
	}
}

// randomCondition builds a valid condition from random pieces around start.
func randomCondition(t *testing.T, rng *rand.Rand, zone string, start time.Time) *Condition {
	minute := func() int {
		if rng.IntN(2) == 0 {
			return rng.IntN(24) * 60 // whole hours often meet DST jumps
		}
		return rng.IntN(minutesPerDay)
	}
	ranges := func(max int) []Range {
		var rs []Range
		for range rng.IntN(max + 1) {
			r := Range{Start: minute(), End: minute()}
			if rng.IntN(6) == 0 {
				r.End = minutesPerDay
			}
			if r.End == 0 && r.Start > 0 {
				r.End = minutesPerDay
			}
			if _, err := validateRanges(append(rs[:len(rs):len(rs)], r)); err == nil {
				rs = append(rs, r)
			}
		}
		return rs
	}
	var s Schedule
	for d := range s {
		s[d] = ranges(3)
	}
	var hs []Holiday
	for range rng.IntN(4) {
		day := start.AddDate(0, 0, rng.IntN(28))
		h := Holiday{From: Date{day.Year(), day.Month(), day.Day()}}
		if rng.IntN(2) == 0 {
			h.From.Year = 0
		}
		if rng.IntN(3) == 0 {
			end := day.AddDate(0, 0, rng.IntN(4))
			h.To = Date{end.Year(), end.Month(), end.Day()}
			if h.From.Yearly() {
				h.To.Year = 0
			}
		}
		if rng.IntN(2) == 0 {
			h.Times = ranges(2)
		}
		hs = append(hs, h)
	}
	c, err := New("random", zone, s, hs)
	if err != nil {
		t.Fatalf("random condition: %v", err)
	}
	return c
}

// TestNextBruteForce checks Next against Open evaluated minute by minute
// over four weeks, across DST changes in zones with odd offsets.
func TestNextBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	starts := []time.Time{
		time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),  // EU spring forward
		time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC), // EU fall back, US fall back
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),   // US spring forward
		time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC),  // Lord Howe (30-minute DST)
		time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), // year end
	}
	zones := []string{"UTC", berlin, newYork, "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"}
	const minutes = 28 * 24 * 60
	n := 40
	if testing.Short() {
		n = 8
	}
	for i := range n {
		zone := zones[i%len(zones)]
		start := starts[i%len(starts)]
		c := randomCondition(t, rng, zone, start)
		t.Run(fmt.Sprintf("%d-%s", i, zone), func(t *testing.T) {
			state := make([]bool, minutes)
			for m := range state {
				state[m] = c.Open(start.Add(time.Duration(m) * time.Minute))
			}
			// change[m] is the first minute after m whose state differs, or -1.
			change := make([]int, minutes)
			change[minutes-1] = -1
			for m := minutes - 2; m >= 0; m-- {
				if state[m+1] != state[m] {
					change[m] = m + 1
				} else {
					change[m] = change[m+1]
				}
			}
			for m := rng.IntN(5); m < minutes; m += 1 + rng.IntN(9) {
				from := start.Add(time.Duration(m)*time.Minute + time.Duration(rng.IntN(60))*time.Second)
				got, ok := c.Next(from)
				if change[m] < 0 {
					if ok && got.Before(start.Add(minutes*time.Minute)) {
						t.Fatalf("Next(%v) = %v; brute force: no change in the window", from, got)
					}
					continue
				}
				want := start.Add(time.Duration(change[m]) * time.Minute)
				if !ok || !got.Equal(want) {
					t.Fatalf("schedule %q holidays %q: Next(%v) = %v, %v; want %v",
						c.Schedule(), FormatHolidays(c.Holidays()), from.In(c.Location()), got, ok, want.In(c.Location()))
				}
			}
		})
	}
}

// Past the zone table (2037 and later, rules from the TZ string), Next
// still advances: an always-open Berlin schedule reaches a holiday in 2099.
func TestNextBeyondZoneTable(t *testing.T) {
	w, err := ParseSchedule("mon-sun 00:00-24:00")
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHolidays("2099-12-25")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New("office", "Europe/Berlin", w, h)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	next, ok := c.Next(from)
	want := time.Date(2099, 12, 25, 0, 0, 0, 0, c.Location())
	if !ok || !next.Equal(want) {
		t.Fatalf("Next = %v, %v; want %v", next, ok, want)
	}
}

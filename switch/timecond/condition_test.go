package timecond

import (
	"testing"
	"time"
)

const berlin, newYork = "Europe/Berlin", "America/New_York"

func TestOpenEdges(t *testing.T) {
	c := cond(t, berlin, "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00", "")
	// 2026-03-09 is a Monday.
	checkOpen(t, c, berlin, []openCase{
		{"2026-03-09 08:59:59", false},
		{"2026-03-09 09:00", true}, // start inclusive
		{"2026-03-09 11:59:59", true},
		{"2026-03-09 12:00", false}, // end exclusive
		{"2026-03-09 13:59", false},
		{"2026-03-09 14:00", true},
		{"2026-03-13 17:59", true}, // Friday
		{"2026-03-13 18:00", false},
		{"2026-03-14 10:00", true}, // Saturday
		{"2026-03-14 12:59", true},
		{"2026-03-14 13:00", false},
		{"2026-03-14 15:00", false},
		{"2026-03-15 10:00", false}, // Sunday
		{"2026-03-09 00:00", false},
	})
}

func TestOpenWholeDay(t *testing.T) {
	c := cond(t, berlin, "sat 00:00-24:00", "")
	checkOpen(t, c, berlin, []openCase{
		{"2026-03-13 23:59:59", false},
		{"2026-03-14 00:00", true},
		{"2026-03-14 23:59:59", true},
		{"2026-03-15 00:00", false},
	})
}

func TestOpenAcrossMidnight(t *testing.T) {
	// Friday night into Saturday; Sunday night wraps into Monday.
	c := cond(t, berlin, "fri 22:00-06:00; sun 23:00-01:30; mon 08:00-09:00", "")
	checkOpen(t, c, berlin, []openCase{
		{"2026-03-12 23:00", false}, // Thursday night: not Friday's range
		{"2026-03-13 03:00", false}, // Friday morning: Thursday has no range
		{"2026-03-13 21:59", false},
		{"2026-03-13 22:00", true},
		{"2026-03-14 00:00", true}, // Saturday, carried over
		{"2026-03-14 05:59:59", true},
		{"2026-03-14 06:00", false},
		{"2026-03-15 23:00", true},  // Sunday
		{"2026-03-16 01:29", true},  // Monday, from Sunday
		{"2026-03-16 01:30", false}, // end exclusive on the next day
		{"2026-03-16 08:30", true},
	})
}

func TestOpenTimeZones(t *testing.T) {
	// The same instant: 16:00 in Berlin (CET), 11:00 in New York (EDT since March 8).
	instant := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	b := cond(t, berlin, "mon-fri 13:00-17:00", "")
	n := cond(t, newYork, "mon-fri 13:00-17:00", "")
	if !b.Open(instant) {
		t.Error("Berlin closed at 16:00 local, want open")
	}
	if n.Open(instant) {
		t.Error("New York open at 11:00 local, want closed")
	}
	// The caller's location of t does not matter, only the instant.
	if b.Open(instant.In(time.FixedZone("X", -11*3600))) != b.Open(instant) {
		t.Error("Open depends on t's location")
	}
	// A weekday boundary that differs by zone: Monday 01:00 in Berlin is
	// still Sunday in New York.
	mon := at(t, berlin, "2026-03-16 01:00")
	bm := cond(t, berlin, "mon 00:00-24:00", "")
	nm := cond(t, newYork, "mon 00:00-24:00", "")
	if !bm.Open(mon) || nm.Open(mon) {
		t.Errorf("Monday 01:00 Berlin: Berlin open=%v (want true), New York open=%v (want false)", bm.Open(mon), nm.Open(mon))
	}
}

// openMinutes counts the real minutes open on one local day.
func openMinutes(t *testing.T, c *Condition, zone, date string) int {
	t.Helper()
	from := at(t, zone, date+" 00:00")
	to := from.AddDate(0, 0, 1) // local midnight to local midnight
	n := 0
	for x := from; x.Before(to); x = x.Add(time.Minute) {
		if c.Open(x) {
			n++
		}
	}
	return n
}

func TestOpenDST(t *testing.T) {
	for _, tc := range []struct {
		zone, date, sched string
		want              int
	}{
		// Spring forward (02:00 -> 03:00): the skipped hour never happens.
		{berlin, "2026-03-29", "sun 02:00-03:00", 0},
		{berlin, "2026-03-29", "sun 01:00-04:00", 120},
		{berlin, "2026-03-29", "sun 02:30-05:00", 120},
		{berlin, "2026-03-29", "sun 00:00-24:00", 23 * 60},
		// Fall back (03:00 -> 02:00): the repeated hour happens twice.
		{berlin, "2026-10-25", "sun 02:00-03:00", 120},
		{berlin, "2026-10-25", "sun 01:00-04:00", 240},
		{berlin, "2026-10-25", "sun 02:30-02:45", 30},
		{berlin, "2026-10-25", "sun 00:00-24:00", 25 * 60},
		{newYork, "2026-03-08", "sun 01:30-03:30", 60},
		{newYork, "2026-11-01", "sun 01:30-03:30", 150}, // 01:30-02:00 twice, then 02:00-03:30
	} {
		c := cond(t, tc.zone, tc.sched, "")
		if got := openMinutes(t, c, tc.zone, tc.date); got != tc.want {
			t.Errorf("%s %s %q: %d minutes open, want %d", tc.zone, tc.date, tc.sched, got, tc.want)
		}
	}
}

func TestHolidays(t *testing.T) {
	c := cond(t, berlin, "mon-fri 09:00-17:00",
		"2026-12-24 12:00-24:00, 2026-12-25, 01-01, 2026-12-28..2027-01-02, 2026-11-02 09:00-10:00,15:00-16:00")
	checkOpen(t, c, berlin, []openCase{
		{"2026-12-23 10:00", true},
		{"2026-12-24 11:59", true}, // half day: morning open
		{"2026-12-24 12:00", false},
		{"2026-12-25 10:00", false}, // dated holiday, a Friday
		{"2026-12-28 09:00", false}, // range across the year end
		{"2026-12-31 16:00", false},
		{"2027-01-01 10:00", false},
		{"2027-01-04 10:00", true},  // the Monday after
		{"2030-01-01 10:00", false}, // yearly, a Tuesday
		{"2030-01-02 10:00", true},
		{"2026-11-02 09:30", false}, // two closed ranges on one day
		{"2026-11-02 10:00", true},
		{"2026-11-02 15:59", false},
		{"2026-11-02 16:00", true},
		{"2027-11-02 09:30", true}, // a dated holiday does not recur
	})
}

func TestHolidaysYearly(t *testing.T) {
	c := cond(t, newYork, "mon-sun 00:00-24:00", "12-24..01-02, 02-29, 07-04 00:00-12:00")
	checkOpen(t, c, newYork, []openCase{
		{"2031-12-23 23:59", true},
		{"2031-12-24 00:00", false}, // yearly range across the year end
		{"2031-12-31 12:00", false},
		{"2032-01-02 23:59", false},
		{"2032-01-03 00:00", true},
		{"2028-02-28 12:00", true},
		{"2028-02-29 12:00", false}, // leap day, leap years only
		{"2028-03-01 00:00", true},
		{"2027-02-28 12:00", true},
		{"2027-03-01 12:00", true},
		{"2040-07-04 11:59", false},
		{"2040-07-04 12:00", true},
	})
}

func TestHolidayAcrossMidnight(t *testing.T) {
	c := cond(t, berlin, "mon-sun 00:00-24:00", "2026-12-31 22:00-02:00, 12-30..12-30 23:00-01:00")
	checkOpen(t, c, berlin, []openCase{
		{"2026-12-30 22:59", true},
		{"2026-12-30 23:00", false},
		{"2026-12-31 00:30", false}, // 12-30's range, carried over
		{"2026-12-31 01:00", true},
		{"2026-12-31 21:59", true},
		{"2026-12-31 22:00", false},
		{"2027-01-01 01:59", false}, // carried into the next day
		{"2027-01-01 02:00", true},
		{"2027-12-31 00:30", false}, // the yearly one recurs
		{"2027-12-31 22:00", true},  // the dated one does not
	})
}

func TestZeroCondition(t *testing.T) {
	var c Condition
	var nilC *Condition
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	if c.Open(now) || nilC.Open(now) {
		t.Error("zero Condition open")
	}
	if _, ok := c.Next(now); ok {
		t.Error("zero Condition changes")
	}
	if _, err := c.MarshalJSON(); err == nil {
		t.Error("zero Condition marshalled")
	}
}

func TestNewErrors(t *testing.T) {
	week := func(d time.Weekday, rs ...Range) Schedule {
		var s Schedule
		s[d] = rs
		return s
	}
	for _, tc := range []struct {
		name, zone string
		weekly     Schedule
		holidays   []Holiday
		want       string
	}{
		{"", berlin, Schedule{}, nil, "timecond: name: required"},
		{"a\nb", berlin, Schedule{}, nil, "timecond: name: control characters"},
		{"x", "", Schedule{}, nil, "timecond: zone: required: an IANA name such as Europe/Berlin"},
		{"x", "Local", Schedule{}, nil, "timecond: zone: Local depends on the server: name an IANA zone such as Europe/Berlin"},
		{"x", "Europe/Berln", Schedule{}, nil, "timecond: zone: unknown time zone Europe/Berln"},
		{"x", berlin, week(time.Monday, Range{540, 720}, Range{600, 660}), nil,
			"timecond: weekdays.mon[1]: 10:00-11:00 overlaps 09:00-12:00"},
		{"x", berlin, week(time.Tuesday, Range{540, 540}), nil,
			"timecond: weekdays.tue[0]: end 09:00 equals start: an empty range (whole day is 00:00-24:00)"},
		{"x", berlin, week(time.Sunday, Range{1440, 60}), nil, "timecond: weekdays.sun[0]: start 24:00: want 00:00..23:59"},
		{"x", berlin, week(time.Sunday, Range{-5, 60}), nil, "timecond: weekdays.sun[0]: start minute -5 out of range: want 0..1439"},
		{"x", berlin, week(time.Sunday, Range{60, 2000}), nil, "timecond: weekdays.sun[0]: end minute 2000 out of range: want 1..1440"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{2026, 12, 25}}, {From: Date{2026, 13, 1}}},
			"timecond: holidays[1].date: month 13"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{2027, 2, 29}}}, "timecond: holidays[0].date: day 29: February 2027 has 28 days"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{0, 4, 31}}}, "timecond: holidays[0].date: day 31: April has 30 days"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{2026, 12, 24}, To: Date{2026, 12, 1}}},
			"timecond: holidays[0].date: end 2026-12-01 before start 2026-12-24"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{2026, 12, 24}, To: Date{0, 12, 26}}},
			"timecond: holidays[0].date: a range mixes a yearly date with a dated one"},
		{"x", berlin, Schedule{}, []Holiday{{From: Date{2026, 12, 24}, Times: []Range{{0, 60}, {30, 90}}}},
			"timecond: holidays[0].times[1]: 00:30-01:30 overlaps 00:00-01:00"},
	} {
		_, err := New(tc.name, tc.zone, tc.weekly, tc.holidays)
		if err == nil || err.Error() != tc.want {
			t.Errorf("New(%q, %q, ...) error = %v, want %q", tc.name, tc.zone, err, tc.want)
		}
	}
}

func TestNewCopiesInput(t *testing.T) {
	var s Schedule
	s[time.Monday] = []Range{{540, 600}}
	hs := []Holiday{{From: Date{2026, 3, 16}, Times: []Range{{540, 550}}}}
	c, err := New("x", berlin, s, hs)
	if err != nil {
		t.Fatal(err)
	}
	s[time.Monday][0] = Range{0, 1440}
	hs[0].Times[0] = Range{0, 1440}
	if got := c.Schedule()[time.Monday][0]; got != (Range{540, 600}) {
		t.Errorf("schedule aliased caller's slice: %v", got)
	}
	if got := c.Holidays()[0]; got.Times[0] != (Range{540, 550}) || got.To != got.From {
		t.Errorf("holiday aliased or To not filled: %+v", got)
	}
	if !c.Open(at(t, berlin, "2026-03-16 09:10")) || c.Open(at(t, berlin, "2026-03-16 09:05")) {
		t.Error("compiled state changed with the caller's slices")
	}
}

func TestExtremeTimes(t *testing.T) {
	c := cond(t, berlin, "mon-fri 09:00-17:00", "12-25, 2026-01-01..2026-01-02 10:00-11:00")
	for _, x := range []time.Time{{}, time.Unix(-1<<40, 0), time.Unix(1<<40, 0), time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC)} {
		was := c.Open(x) // must not panic
		if next, ok := c.Next(x); ok && (!next.After(x) || c.Open(next) == was) {
			t.Errorf("Next(%v) = %v: not a change", x, next)
		}
	}
}

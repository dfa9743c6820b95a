package timecond

import (
	"testing"
	"time"
)

// cond builds a condition from the text forms, failing the test on error.
func cond(t testing.TB, zone, schedule, holidays string) *Condition {
	t.Helper()
	s, err := ParseSchedule(schedule)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHolidays(holidays)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New("test", zone, s, h)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at is a wall-clock instant "2006-01-02 15:04[:05]" in zone.
func at(t testing.TB, zone, wall string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if v, err := time.ParseInLocation(layout, wall, loc); err == nil {
			return v
		}
	}
	t.Fatalf("bad wall time %q", wall)
	return time.Time{}
}

type openCase struct {
	wall string
	want bool
}

// checkOpen asserts Open at wall-clock times in zone.
func checkOpen(t *testing.T, c *Condition, zone string, cases []openCase) {
	t.Helper()
	for _, tc := range cases {
		if got := c.Open(at(t, zone, tc.wall)); got != tc.want {
			t.Errorf("Open(%s %s) = %v, want %v", zone, tc.wall, got, tc.want)
		}
	}
}

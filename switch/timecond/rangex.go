package timecond

import (
	"errors"
	"fmt"
	"strings"
)

const minutesPerDay = 24 * 60

// maxRanges bounds one day's (or one holiday's) list: a real office has a
// handful; the bound keeps hostile input from costing memory and time.
const maxRanges = 48

// Range is a daily time range in minutes since local midnight: Start
// inclusive (0..1439), End exclusive (1..1440, 1440 being 24:00). End before
// Start crosses midnight into the next day.
type Range struct {
	Start, End int
}

// ParseRange parses "HH:MM-HH:MM" (the hour may have one digit).
func ParseRange(s string) (Range, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Range{}, fmt.Errorf("%q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Range{}, fmt.Errorf("%q: start: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Range{}, fmt.Errorf("%q: end: %w", s, err)
	}
	r := Range{Start: start, End: end}
	if err := r.validate(); err != nil {
		return Range{}, err
	}
	return r, nil
}

// String formats the range as "HH:MM-HH:MM".
func (r Range) String() string { return formatClock(r.Start) + "-" + formatClock(r.End) }

// crosses reports whether the range runs past midnight into the next day.
func (r Range) crosses() bool { return r.End < r.Start }

func (r Range) validate() error {
	switch {
	case r.Start == minutesPerDay:
		return errors.New("start 24:00: want 00:00..23:59")
	case r.Start < 0 || r.Start > minutesPerDay:
		return fmt.Errorf("start minute %d out of range: want 0..1439", r.Start)
	case r.End < 0 || r.End > minutesPerDay:
		return fmt.Errorf("end minute %d out of range: want 1..1440", r.End)
	case r.End == r.Start:
		return fmt.Errorf("end %s equals start: an empty range (whole day is 00:00-24:00)", formatClock(r.End))
	case r.End == 0 && r.Start > 0:
		// 22:00-00:00 would be a crossing range with nothing on the next
		// day; one spelling per meaning keeps stored rules comparable.
		return fmt.Errorf("end 00:00: write %s-24:00 for a range up to midnight", formatClock(r.Start))
	}
	return nil
}

// segments returns the part on the range's own day and, when it crosses
// midnight, the part on the next day (empty otherwise).
func (r Range) segments() (own, next [2]int) {
	if r.crosses() {
		return [2]int{r.Start, minutesPerDay}, [2]int{0, r.End}
	}
	return [2]int{r.Start, r.End}, [2]int{}
}

// validateRanges checks one day's list; the index says which entry failed.
func validateRanges(rs []Range) (int, error) {
	if len(rs) > maxRanges {
		return maxRanges, fmt.Errorf("too many ranges (%d): at most %d", len(rs), maxRanges)
	}
	for i, r := range rs {
		if err := r.validate(); err != nil {
			return i, err
		}
		a, _ := r.segments()
		for _, q := range rs[:i] {
			b, _ := q.segments()
			if a[0] < b[1] && b[0] < a[1] {
				return i, fmt.Errorf("%s overlaps %s", r, q)
			}
		}
	}
	return 0, nil
}

// parseClock parses "HH:MM" or "H:MM", 00:00..24:00.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	hour, ok1 := digits(h)
	minute, ok2 := digits(m)
	switch {
	case !ok1 || !ok2:
		return 0, fmt.Errorf("%q: want HH:MM", s)
	case hour > 24:
		return 0, fmt.Errorf("hour %d", hour)
	case minute > 59:
		return 0, fmt.Errorf("minute %d", minute)
	case hour == 24 && minute != 0:
		return 0, fmt.Errorf("%q: 24:00 is the latest time", s)
	}
	return hour*60 + minute, nil
}

func formatClock(m int) string {
	if m < 0 || m > minutesPerDay {
		return fmt.Sprintf("minute(%d)", m)
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// digits parses a short run of ASCII digits (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// formatRanges joins ranges with commas, the text form's separator.
func formatRanges(rs []Range) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.String())
	}
	return b.String()
}

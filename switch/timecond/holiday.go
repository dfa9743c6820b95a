package timecond

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// maxHolidays bounds a condition's holiday list (Open walks it).
const maxHolidays = 2000

// Date is a calendar date in the condition's zone; Year 0 means every year.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Yearly reports whether the date recurs every year.
func (d Date) Yearly() bool { return d.Year == 0 }

// String formats "2026-12-25", or "12-25" for a yearly date.
func (d Date) String() string {
	if d.Yearly() {
		return fmt.Sprintf("%02d-%02d", int(d.Month), d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

func (d Date) validate() error {
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Errorf("year %d: want 1..9999, or none for every year", d.Year)
	}
	if d.Month < 1 || d.Month > 12 {
		return fmt.Errorf("month %d", int(d.Month))
	}
	n := daysIn(d.Year, d.Month)
	if d.Yearly() {
		n = daysIn(2000, d.Month) // 02-29 is a valid yearly date (leap years only)
	}
	if d.Day < 1 || d.Day > n {
		return fmt.Errorf("day %d: %s has %d days", d.Day, monthName(d), n)
	}
	return nil
}

func monthName(d Date) string {
	if d.Yearly() {
		return d.Month.String()
	}
	return fmt.Sprintf("%s %d", d.Month, d.Year)
}

// key orders dates: yyyymmdd for a dated one, mmdd for a yearly one.
func (d Date) key() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// ParseDate parses "2026-12-25" or the yearly "12-25".
func ParseDate(s string) (Date, error) {
	parts := strings.Split(s, "-")
	var d Date
	var ok [3]bool
	switch {
	case len(parts) == 3 && len(parts[0]) == 4 && len(parts[1]) == 2 && len(parts[2]) == 2:
		d.Year, ok[0] = digits(parts[0])
		var m int
		m, ok[1] = digits(parts[1])
		d.Month = time.Month(m)
		d.Day, ok[2] = digits(parts[2])
		if d.Year == 0 && ok[0] {
			return Date{}, fmt.Errorf("%q: year 0: want 1..9999", s)
		}
	case len(parts) == 2 && len(parts[0]) == 2 && len(parts[1]) == 2:
		ok[0] = true
		var m int
		m, ok[1] = digits(parts[0])
		d.Month = time.Month(m)
		d.Day, ok[2] = digits(parts[1])
	}
	if ok != [3]bool{true, true, true} {
		return Date{}, fmt.Errorf("%q: want YYYY-MM-DD, or MM-DD for every year", s)
	}
	if err := d.validate(); err != nil {
		return Date{}, err
	}
	return d, nil
}

// Holiday closes the office on a date or range of dates (From..To,
// inclusive), for the whole day or, with Times, only during those ranges.
type Holiday struct {
	Name  string // for display; optional
	From  Date
	To    Date // the zero Date means the same as From (one day)
	Times []Range
}

// last returns the range's last day.
func (h Holiday) last() Date {
	if h.To == (Date{}) {
		return h.From
	}
	return h.To
}

// Validate checks the dates and ranges; messages start with the part at
// fault ("date: ...", "times[1]: ...").
func (h Holiday) Validate() error {
	if err := h.From.validate(); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	to := h.last()
	if err := to.validate(); err != nil {
		return fmt.Errorf("date: end: %w", err)
	}
	switch {
	case h.From.Yearly() != to.Yearly():
		return errors.New("date: a range mixes a yearly date with a dated one")
	case !h.From.Yearly() && to.key() < h.From.key():
		return fmt.Errorf("date: end %s before start %s", to, h.From)
	}
	// A yearly range may end before it starts: 12-24..01-02 crosses the year end.
	if i, err := validateRanges(h.Times); err != nil {
		return fmt.Errorf("times[%d]: %w", i, err)
	}
	return nil
}

// dateText is the date part of the text form: "12-25" or "2026-12-24..2027-01-02".
func (h Holiday) dateText() string {
	if to := h.last(); to != h.From {
		return h.From.String() + ".." + to.String()
	}
	return h.From.String()
}

// String formats the holiday in the text form, without its name.
func (h Holiday) String() string {
	if len(h.Times) == 0 {
		return h.dateText()
	}
	return h.dateText() + " " + formatRanges(h.Times)
}

// parseHolidayDate parses the date part: a date or "from..to".
func parseHolidayDate(s string) (Holiday, error) {
	var h Holiday
	a, b, isRange := strings.Cut(s, "..")
	var err error
	if h.From, err = ParseDate(a); err != nil {
		return h, err
	}
	h.To = h.From
	if isRange {
		if h.To, err = ParseDate(b); err != nil {
			return h, fmt.Errorf("end: %w", err)
		}
	}
	return h, nil
}

// ParseHolidays parses the compact text form: comma-separated items, each a
// date (2026-12-25), a yearly date (01-01) or a range of either
// (2026-12-24..2027-01-02), optionally followed by time ranges, themselves
// comma-separated: "2026-12-25, 01-01, 2026-12-31 12:00-24:00,00:00-06:00".
// Errors name the item: "holidays[2]: month 13".
func ParseHolidays(text string) ([]Holiday, error) {
	if len(text) > maxText {
		return nil, fmt.Errorf("timecond: holidays: %d bytes: at most %d", len(text), maxText)
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var hs []Holiday
	for _, piece := range strings.Split(text, ",") {
		piece = strings.TrimSpace(piece)
		datePart, rangePart := piece, ""
		if j := strings.IndexFunc(piece, unicode.IsSpace); j >= 0 {
			datePart, rangePart = piece[:j], strings.TrimSpace(piece[j:])
		}
		if strings.Contains(datePart, ":") {
			// "14:00-16:00" after a comma: another range of the last item.
			if len(hs) == 0 {
				return nil, fmt.Errorf("timecond: holidays[0]: time range %q before any date", piece)
			}
			h := &hs[len(hs)-1]
			r, err := ParseRange(piece)
			if err != nil {
				return nil, fmt.Errorf("timecond: holidays[%d]: %w", len(hs)-1, err)
			}
			h.Times = append(h.Times, r)
			if len(h.Times) > maxRanges {
				return nil, fmt.Errorf("timecond: holidays[%d]: too many ranges: at most %d", len(hs)-1, maxRanges)
			}
			continue
		}
		i := len(hs)
		if i == maxHolidays {
			return nil, fmt.Errorf("timecond: holidays: more than %d", maxHolidays)
		}
		if piece == "" {
			return nil, fmt.Errorf("timecond: holidays[%d]: empty item", i)
		}
		h, err := parseHolidayDate(datePart)
		if err != nil {
			return nil, fmt.Errorf("timecond: holidays[%d]: %w", i, err)
		}
		if rangePart != "" {
			r, err := ParseRange(rangePart)
			if err != nil {
				return nil, fmt.Errorf("timecond: holidays[%d]: %w", i, err)
			}
			h.Times = []Range{r}
		}
		hs = append(hs, h)
	}
	for i, h := range hs {
		if err := h.Validate(); err != nil {
			return nil, fmt.Errorf("timecond: holidays[%d]: %w", i, err)
		}
	}
	return hs, nil
}

// FormatHolidays writes holidays in the text form ParseHolidays reads.
func FormatHolidays(hs []Holiday) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.String()
	}
	return strings.Join(parts, ", ")
}

// holidayRule is a validated holiday compiled for Open: date bounds as keys
// and the closed minutes as bits.
type holidayRule struct {
	yearly   bool
	from, to int // Date.key of both ends
	own      dayBits
	next     dayBits // the morning part of ranges crossing midnight
	hasNext  bool
}

func compileHoliday(h Holiday) holidayRule {
	r := holidayRule{yearly: h.From.Yearly(), from: h.From.key(), to: h.last().key()}
	if len(h.Times) == 0 {
		r.own.set(0, minutesPerDay)
		return r
	}
	for _, t := range h.Times {
		own, next := t.segments()
		r.own.set(own[0], own[1])
		r.next.set(next[0], next[1])
		r.hasNext = r.hasNext || t.crosses()
	}
	return r
}

// matches reports whether the rule covers the day with keys yyyymmdd and mmdd.
func (r *holidayRule) matches(key, md int) bool {
	switch {
	case !r.yearly:
		return r.from <= key && key <= r.to
	case r.from <= r.to:
		return r.from <= md && md <= r.to
	default: // crosses the year end
		return md >= r.from || md <= r.to
	}
}

package timecond

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // zones work on hosts without a zoneinfo database
)

// maxName bounds a condition's name (it is shown and stored, not parsed).
const maxName = 128

// Condition is a time rule: a weekly schedule and holidays in one time zone.
// Build it with New or from JSON; it is immutable and safe for concurrent
// use. The zero Condition is never open.
type Condition struct {
	name     string
	loc      *time.Location
	weekly   Schedule
	holidays []Holiday

	open   [7]dayBits // weekly open minutes, including the previous day's ranges crossing midnight
	rules  []holidayRule
	last   time.Time
	static bool // the state never changes
}

// New validates and compiles a condition. zone is an IANA name such as
// "Europe/Berlin" ("UTC" works; "Local" is refused: it would depend on the
// server). Errors name the field: "weekdays.mon[1]: ...", "holidays[2]: ...".
func New(name, zone string, weekly Schedule, holidays []Holiday) (*Condition, error) {
	c, err := build(name, zone, weekly, holidays)
	if err != nil {
		return nil, fmt.Errorf("timecond: %w", err)
	}
	return c, nil
}

func build(name, zone string, weekly Schedule, holidays []Holiday) (*Condition, error) {
	switch {
	case strings.TrimSpace(name) == "":
		return nil, errors.New("name: required")
	case len(name) > maxName:
		return nil, fmt.Errorf("name: %d bytes: at most %d", len(name), maxName)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return nil, errors.New("name: control characters")
	case zone == "":
		return nil, errors.New("zone: required: an IANA name such as Europe/Berlin")
	case zone == "Local":
		return nil, errors.New("zone: Local depends on the server: name an IANA zone such as Europe/Berlin")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("zone: %w", err)
	}
	if err := weekly.Validate(); err != nil {
		return nil, fmt.Errorf("weekdays.%w", err)
	}
	if len(holidays) > maxHolidays {
		return nil, fmt.Errorf("holidays: %d: at most %d", len(holidays), maxHolidays)
	}
	for i, h := range holidays {
		if err := h.Validate(); err != nil {
			return nil, fmt.Errorf("holidays[%d].%w", i, err)
		}
	}
	c := &Condition{name: name, loc: loc}
	for d := range weekly {
		c.weekly[d] = slices.Clone(weekly[d])
		sortRanges(c.weekly[d])
	}
	c.holidays = make([]Holiday, len(holidays))
	for i, h := range holidays {
		h.To = h.last()
		h.Times = slices.Clone(h.Times)
		sortRanges(h.Times)
		c.holidays[i] = h
	}
	c.compile()
	return c, nil
}

func (c *Condition) compile() {
	c.rules = make([]holidayRule, len(c.holidays))
	for i, h := range c.holidays {
		c.rules[i] = compileHoliday(h)
		if to := h.last(); !to.Yearly() {
			// Open may change up to the day after the last dated holiday.
			end := time.Date(to.Year, to.Month, to.Day+2, 0, 0, 0, 0, time.UTC)
			c.last = maxTime(c.last, end)
		}
	}
	for d := range c.weekly {
		for _, r := range c.weekly[d] {
			own, next := r.segments()
			c.open[d].set(own[0], own[1])
			c.open[(d+1)%7].set(next[0], next[1])
		}
	}
	allClosed, allOpen := true, true
	for d := range c.open {
		allClosed = allClosed && c.open[d].empty()
		allOpen = allOpen && c.open[d].full()
	}
	c.static = allClosed || (allOpen && len(c.rules) == 0)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Name returns the condition's name.
func (c *Condition) Name() string { return c.name }

// Location returns the condition's time zone (nil for the zero Condition).
func (c *Condition) Location() *time.Location { return c.loc }

// Schedule returns a copy of the weekly schedule, ranges sorted by start.
func (c *Condition) Schedule() Schedule {
	var s Schedule
	for d := range c.weekly {
		s[d] = slices.Clone(c.weekly[d])
	}
	return s
}

// Holidays returns a copy of the holidays (To filled in, ranges sorted).
func (c *Condition) Holidays() []Holiday {
	hs := slices.Clone(c.holidays)
	for i := range hs {
		hs[i].Times = slices.Clone(hs[i].Times)
	}
	return hs
}

// Open reports whether the condition is open at t (in the condition's zone,
// to the minute). It allocates nothing: it runs for every inbound call.
func (c *Condition) Open(t time.Time) bool {
	if c == nil || c.loc == nil {
		return false
	}
	lt := t.In(c.loc)
	hour, minute, _ := lt.Clock()
	m := hour*60 + minute
	if !c.open[lt.Weekday()].has(m) {
		return false
	}
	if len(c.rules) == 0 {
		return true
	}
	y, mo, d := lt.Date()
	key, md := y*10000+int(mo)*100+d, int(mo)*100+d
	var prevKey, prevMD int
	havePrev := false
	for i := range c.rules {
		r := &c.rules[i]
		if r.own.has(m) && r.matches(key, md) {
			return false
		}
		if r.hasNext && r.next.has(m) {
			if !havePrev {
				py, pm, pd := prevDay(y, mo, d)
				prevKey, prevMD, havePrev = py*10000+int(pm)*100+pd, int(pm)*100+pd, true
			}
			if r.matches(prevKey, prevMD) {
				return false
			}
		}
	}
	return true
}

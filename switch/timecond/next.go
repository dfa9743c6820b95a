package timecond

import "time"

// horizonYears is how far Next looks past the last dated holiday before it
// says "never": yearly holidays and weekdays repeat, and the longest gap
// between leap days (02-29, 2096 to 2104) is eight years.
const horizonYears = 9

// Next returns the first instant after t at which Open changes, in the
// condition's zone, and false when it never changes (a schedule always
// closed, or always open without holidays) or not within the horizon.
// It works a day at a time on the day's open minutes, not minute by
// minute, so even the nine-year "never" answer is quick.
func (c *Condition) Next(t time.Time) (time.Time, bool) {
	if c == nil || c.loc == nil || c.static {
		return time.Time{}, false
	}
	cur := c.Open(t)
	ly, lm, ld := t.In(c.loc).Date()
	limit := maxTime(time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC), c.last).AddDate(horizonYears, 0, 0)
	x := t
segments:
	for {
		// Within one zone period the wall clock is the instant plus a fixed
		// offset, so wall minutes map straight to instants.
		lx := x.In(c.loc)
		_, off := lx.Zone()
		_, segEnd := lx.ZoneBounds()
		if !segEnd.After(x) {
			// Beyond the zone table (rules from a TZ string) ZoneBounds
			// may not move forward: treat the period as unbounded, or the
			// loop would never advance.
			segEnd = time.Time{}
		}
		y, mo, d := lx.Date()
		h, mi, _ := lx.Clock()
		from := h*60 + mi + 1                            // the first minute boundary after x
		day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC) // wall midnight, as UTC
		for ; !day.After(limit); day, from = day.AddDate(0, 0, 1), 0 {
			var open dayBits
			c.dayOpen(day, &open)
			m := open.find(from, !cur) // minutesPerDay: no change before midnight
			i := time.Unix(day.Unix()+int64(m)*60-int64(off), 0)
			if !segEnd.IsZero() && !i.Before(segEnd) {
				// The offset changes first; the jump itself may change the state.
				if c.Open(segEnd) != cur {
					return segEnd.In(c.loc), true
				}
				x = segEnd
				continue segments
			}
			if m < minutesPerDay {
				return i.In(c.loc), true
			}
		}
		return time.Time{}, false
	}
}

// dayOpen sets open to the open minutes of the wall date day (a UTC
// midnight): the weekly bits less every holiday on it or, for ranges
// crossing midnight, on the day before.
func (c *Condition) dayOpen(day time.Time, open *dayBits) {
	*open = c.open[day.Weekday()]
	if len(c.rules) == 0 {
		return
	}
	y, mo, d := day.Date()
	py, pm, pd := prevDay(y, mo, d)
	key, md := y*10000+int(mo)*100+d, int(mo)*100+d
	pkey, pmd := py*10000+int(pm)*100+pd, int(pm)*100+pd
	for i := range c.rules {
		r := &c.rules[i]
		if r.matches(key, md) {
			open.clear(&r.own)
		}
		if r.hasNext && r.matches(pkey, pmd) {
			open.clear(&r.next)
		}
	}
}

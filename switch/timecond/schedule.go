package timecond

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// maxText bounds the text forms; a real rule is a line or two.
const maxText = 64 << 10

// dayNames are the short names used in both the text and the JSON form,
// indexed by time.Weekday.
var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// weekOrder is the order days are shown in: an office week starts on Monday.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// Schedule is the weekly part of a condition: the open ranges of each day,
// indexed by time.Weekday. A day without ranges is closed all day.
type Schedule [7][]Range

// Validate checks every day's ranges; the error names the day and index,
// as in "mon[1]: end 09:00 equals start...".
func (s Schedule) Validate() error {
	for _, d := range weekOrder {
		if i, err := validateRanges(s[d]); err != nil {
			return fmt.Errorf("%s[%d]: %w", dayNames[d], i, err)
		}
	}
	return nil
}

// ParseSchedule parses the compact text form: clauses separated by ";",
// each a day list and comma-separated ranges, as in
// "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00". A day list holds
// days (mon..sun) and day spans (mon-fri; fri-mon wraps over the weekend)
// separated by commas. Clauses naming the same day add to it. An empty
// string is a schedule that is never open.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	if len(text) > maxText {
		return s, fmt.Errorf("timecond: schedule: %d bytes: at most %d", len(text), maxText)
	}
	for n, clause := range strings.Split(text, ";") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue // a trailing ";" is harmless
		}
		days, ranges, err := parseClause(clause)
		if err != nil {
			return Schedule{}, fmt.Errorf("timecond: schedule: clause %d (%q): %w", n+1, clause, err)
		}
		for d := range days {
			if days[d] {
				s[d] = append(s[d], ranges...)
			}
		}
	}
	for _, d := range weekOrder {
		if len(s[d]) > maxRanges {
			return Schedule{}, fmt.Errorf("timecond: schedule: %s: too many ranges (%d): at most %d", dayNames[d], len(s[d]), maxRanges)
		}
		if _, err := validateRanges(s[d]); err != nil {
			return Schedule{}, fmt.Errorf("timecond: schedule: %s: %w", dayNames[d], err)
		}
		sortRanges(s[d])
	}
	return s, nil
}

func parseClause(clause string) (days [7]bool, ranges []Range, err error) {
	i := strings.IndexFunc(clause, unicode.IsSpace)
	if i < 0 {
		i = len(clause)
	}
	dayPart, rangePart := clause[:i], strings.TrimSpace(clause[i:])
	if rangePart == "" {
		return days, nil, fmt.Errorf("no time ranges: want e.g. \"mon-fri 09:00-17:00\"")
	}
	if days, err = parseDays(dayPart); err != nil {
		return days, nil, err
	}
	for _, f := range strings.Split(rangePart, ",") {
		r, err := ParseRange(f)
		if err != nil {
			return days, nil, err
		}
		ranges = append(ranges, r)
		if len(ranges) > maxRanges {
			return days, nil, fmt.Errorf("too many ranges: at most %d", maxRanges)
		}
	}
	return days, ranges, nil
}

// parseDays parses "mon-fri,sun" into a set.
func parseDays(s string) (days [7]bool, err error) {
	for _, item := range strings.Split(s, ",") {
		from, to, span := strings.Cut(item, "-")
		a, err := parseDay(from)
		if err != nil {
			return days, err
		}
		b := a
		if span {
			if b, err = parseDay(to); err != nil {
				return days, err
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			if days[d] {
				return days, fmt.Errorf("day %s listed twice", dayNames[d])
			}
			days[d] = true
			if d == b {
				break
			}
		}
	}
	return days, nil
}

func parseDay(s string) (time.Weekday, error) {
	for d, n := range dayNames {
		if strings.EqualFold(s, n) {
			return time.Weekday(d), nil
		}
	}
	return 0, fmt.Errorf("day %q: want mon, tue, wed, thu, fri, sat or sun", s)
}

// String formats the schedule in the text form ParseSchedule reads, with
// days of equal ranges grouped: "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00".
func (s Schedule) String() string {
	var lists [7]string
	for d := range s {
		rs := slices.Clone(s[d])
		sortRanges(rs)
		lists[d] = formatRanges(rs)
	}
	var clauses []string
	var done [7]bool
	for _, d := range weekOrder {
		if done[d] || lists[d] == "" {
			continue
		}
		var same []time.Weekday
		for _, e := range weekOrder {
			if !done[e] && lists[e] == lists[d] {
				same = append(same, e)
				done[e] = true
			}
		}
		clauses = append(clauses, formatDays(same)+" "+lists[d])
	}
	return strings.Join(clauses, "; ")
}

// formatDays writes days (in week order) with runs of three or more as spans.
func formatDays(days []time.Weekday) string {
	pos := func(d time.Weekday) int { return (int(d) + 6) % 7 } // mon=0..sun=6
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && pos(days[j+1]) == pos(days[j])+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, dayNames[days[i]]+"-"+dayNames[days[j]])
		case j == i+1:
			parts = append(parts, dayNames[days[i]], dayNames[days[j]])
		default:
			parts = append(parts, dayNames[days[i]])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func sortRanges(rs []Range) {
	slices.SortFunc(rs, func(a, b Range) int { return a.Start - b.Start })
}

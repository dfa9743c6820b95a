package timecond

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	for _, tc := range []struct {
		in, canonical string
		check         map[time.Weekday]string
	}{
		{"mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00", "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00",
			map[time.Weekday]string{time.Monday: "09:00-12:00,14:00-18:00", time.Saturday: "10:00-13:00", time.Sunday: ""}},
		{"", "", map[time.Weekday]string{time.Monday: ""}},
		{"  MON 9:00-10:00 ;  ", "mon 09:00-10:00", map[time.Weekday]string{time.Monday: "09:00-10:00"}},
		{"fri-mon 22:00-06:00", "mon,fri-sun 22:00-06:00", map[time.Weekday]string{time.Sunday: "22:00-06:00", time.Tuesday: ""}},
		{"mon,wed 08:00-09:00; mon 10:00-11:00", "mon 08:00-09:00,10:00-11:00; wed 08:00-09:00", nil},
		{"mon 14:00-18:00, 09:00-12:00", "mon 09:00-12:00,14:00-18:00", nil}, // sorted
		{"mon-sun 00:00-24:00", "mon-sun 00:00-24:00", nil},
		{"mon,tue,thu 01:00-02:00", "mon,tue,thu 01:00-02:00", nil},
		{"sat,sun\t10:00-11:00", "sat,sun 10:00-11:00", nil},
	} {
		s, err := ParseSchedule(tc.in)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != tc.canonical {
			t.Errorf("ParseSchedule(%q).String() = %q, want %q", tc.in, got, tc.canonical)
		}
		for d, want := range tc.check {
			if got := formatRanges(s[d]); got != want {
				t.Errorf("ParseSchedule(%q)[%s] = %q, want %q", tc.in, dayNames[d], got, want)
			}
		}
		again, err := ParseSchedule(s.String())
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Errorf("round trip of %q: %v, %v", tc.in, again, err)
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mon", `timecond: schedule: clause 1 ("mon"): no time ranges: want e.g. "mon-fri 09:00-17:00"`},
		{"mon 09:00-17:00; sat 25:00-26:00", `timecond: schedule: clause 2 ("sat 25:00-26:00"): "25:00-26:00": start: hour 25`},
		{"mon 09:60-10:00", `timecond: schedule: clause 1 ("mon 09:60-10:00"): "09:60-10:00": start: minute 60`},
		{"mon 09:00-08:00x", `timecond: schedule: clause 1 ("mon 09:00-08:00x"): "09:00-08:00x": end: "08:00x": want HH:MM`},
		{"mon 0900-1000", `timecond: schedule: clause 1 ("mon 0900-1000"): "0900-1000": start: "0900": want HH:MM`},
		{"mon 09:00", `timecond: schedule: clause 1 ("mon 09:00"): "09:00": want HH:MM-HH:MM`},
		{"mon 09:00-09:00", `timecond: schedule: clause 1 ("mon 09:00-09:00"): end 09:00 equals start: an empty range (whole day is 00:00-24:00)`},
		{"mon 22:00-00:00", `timecond: schedule: clause 1 ("mon 22:00-00:00"): end 00:00: write 22:00-24:00 for a range up to midnight`},
		{"mon 24:00-01:00", `timecond: schedule: clause 1 ("mon 24:00-01:00"): start 24:00: want 00:00..23:59`},
		{"mon 23:00-24:30", `timecond: schedule: clause 1 ("mon 23:00-24:30"): "23:00-24:30": end: "24:30": 24:00 is the latest time`},
		{"mun 09:00-10:00", `timecond: schedule: clause 1 ("mun 09:00-10:00"): day "mun": want mon, tue, wed, thu, fri, sat or sun`},
		{"mon-fri,wed 09:00-10:00", `timecond: schedule: clause 1 ("mon-fri,wed 09:00-10:00"): day wed listed twice`},
		{"mon-fri 09:00-12:00; mon 11:00-13:00", `timecond: schedule: mon: 11:00-13:00 overlaps 09:00-12:00`},
		{"mon 09:00-12:00,+1:00-13:00", `timecond: schedule: clause 1 ("mon 09:00-12:00,+1:00-13:00"): "+1:00-13:00": start: "+1:00": want HH:MM`},
		{"mon 22:00-06:00,23:00-23:30", `timecond: schedule: mon: 23:00-23:30 overlaps 22:00-06:00`},
	} {
		_, err := ParseSchedule(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseSchedule(%q) error:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
	if _, err := ParseSchedule("mon " + strings.Repeat("01:00-02:00,", maxText/12+1)); err == nil {
		t.Error("oversized text accepted")
	}
	many := "mon "
	for m := 0; m < 2*maxRanges; m++ {
		many += formatClock(m*10) + "-" + formatClock(m*10+5) + ","
	}
	if _, err := ParseSchedule(strings.TrimSuffix(many, ",")); err == nil || !strings.Contains(err.Error(), "too many ranges") {
		t.Errorf("too many ranges: %v", err)
	}
}

func TestParseHolidays(t *testing.T) {
	hs, err := ParseHolidays("2026-12-25, 01-01, 2026-12-24..2027-01-02 09:00-12:00, 14:00-16:00, 12-24..01-02,02-29 00:00-06:00")
	if err != nil {
		t.Fatal(err)
	}
	want := []Holiday{
		{From: Date{2026, 12, 25}, To: Date{2026, 12, 25}},
		{From: Date{0, 1, 1}, To: Date{0, 1, 1}},
		{From: Date{2026, 12, 24}, To: Date{2027, 1, 2}, Times: []Range{{540, 720}, {840, 960}}},
		{From: Date{0, 12, 24}, To: Date{0, 1, 2}},
		{From: Date{0, 2, 29}, To: Date{0, 2, 29}, Times: []Range{{0, 360}}},
	}
	if !reflect.DeepEqual(hs, want) {
		t.Fatalf("got %+v\nwant %+v", hs, want)
	}
	text := FormatHolidays(hs)
	if w := "2026-12-25, 01-01, 2026-12-24..2027-01-02 09:00-12:00,14:00-16:00, 12-24..01-02, 02-29 00:00-06:00"; text != w {
		t.Errorf("FormatHolidays = %q, want %q", text, w)
	}
	again, err := ParseHolidays(text)
	if err != nil || !reflect.DeepEqual(again, hs) {
		t.Errorf("round trip: %+v, %v", again, err)
	}
	if hs, err := ParseHolidays("  "); err != nil || hs != nil {
		t.Errorf("blank: %v, %v", hs, err)
	}
}

func TestParseHolidaysErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-12-25, 01-01, 2026-13-01", "timecond: holidays[2]: month 13"},
		{"2026-02-29", "timecond: holidays[0]: day 29: February 2026 has 28 days"},
		{"02-30", "timecond: holidays[0]: day 30: February has 29 days"},
		{"00-10", "timecond: holidays[0]: month 0"},
		{"0000-01-01", `timecond: holidays[0]: "0000-01-01": year 0: want 1..9999`},
		{"2026-1-1", `timecond: holidays[0]: "2026-1-1": want YYYY-MM-DD, or MM-DD for every year`},
		{"christmas", `timecond: holidays[0]: "christmas": want YYYY-MM-DD, or MM-DD for every year`},
		{"2026-12-24..2026-12-01", "timecond: holidays[0]: date: end 2026-12-01 before start 2026-12-24"},
		{"2026-12-24..12-26", "timecond: holidays[0]: date: a range mixes a yearly date with a dated one"},
		{"2026-12-24..", `timecond: holidays[0]: end: "": want YYYY-MM-DD, or MM-DD for every year`},
		{"12-24, , 12-25", "timecond: holidays[1]: empty item"},
		{"09:00-10:00", `timecond: holidays[0]: time range "09:00-10:00" before any date`},
		{"12-24 09:00-13:00, 12:00-14:00", "timecond: holidays[0]: times[1]: 12:00-14:00 overlaps 09:00-13:00"},
		{"12-24 09:00-13:00, 12-25 9:00", `timecond: holidays[1]: "9:00": want HH:MM-HH:MM`},
		{"12-24 09:00-13:00 x", `timecond: holidays[0]: "09:00-13:00 x": end: "13:00 x": want HH:MM`},
	} {
		_, err := ParseHolidays(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseHolidays(%q) error:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
	if _, err := ParseHolidays(strings.Repeat("12-25,", maxHolidays+1)); err == nil {
		t.Error("too many holidays accepted")
	}
}

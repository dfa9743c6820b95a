package timecond

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// exercise runs the evaluators on a condition; they must never panic and
// Next must move forward to a real change.
func exercise(t *testing.T, c *Condition) {
	x := time.Date(2026, 3, 28, 23, 17, 0, 0, time.UTC)
	for range 4 {
		was := c.Open(x)
		next, ok := c.Next(x)
		if !ok {
			return
		}
		if !next.After(x) || c.Open(next) == was {
			t.Fatalf("Next(%v) = %v: not a change after t (open %v)", x, next, was)
		}
		x = next
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{
		"mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00",
		"fri-mon 22:00-06:00", "sun 00:00-24:00", "mon,wed 9:00-10:00;", "",
		"mon 09:00-12:00; mon 11:00-13:00", "tue 24:00-01:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSchedule(text)
		if err != nil {
			return
		}
		again, err := ParseSchedule(s.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", s.String(), text, err)
		}
		if !reflect.DeepEqual(again, s) && again.String() != s.String() {
			t.Fatalf("round trip of %q: %q then %q", text, s.String(), again.String())
		}
		c, err := New("fuzz", "Europe/Berlin", s, nil)
		if err != nil {
			t.Fatalf("parsed schedule %q rejected by New: %v", s.String(), err)
		}
		exercise(t, c)
	})
}

func FuzzParseHolidays(f *testing.F) {
	for _, s := range []string{
		"2026-12-25, 01-01, 2026-12-24..2027-01-02 09:00-12:00", "12-24..01-02", "02-29 22:00-02:00, 03:00-04:00",
		"2026-02-29", ",", "09:00-10:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		hs, err := ParseHolidays(text)
		if err != nil {
			return
		}
		again, err := ParseHolidays(FormatHolidays(hs))
		if err != nil || !reflect.DeepEqual(again, hs) {
			t.Fatalf("round trip of %q via %q: %+v, %v", text, FormatHolidays(hs), again, err)
		}
		s, _ := ParseSchedule("mon-sun 08:00-20:00")
		c, err := New("fuzz", "America/New_York", s, hs)
		if err != nil {
			t.Fatalf("parsed holidays %q rejected by New: %v", FormatHolidays(hs), err)
		}
		exercise(t, c)
	})
}

func FuzzConditionJSON(f *testing.F) {
	f.Add([]byte(officeJSON))
	f.Add([]byte(`{"name":"x","zone":"UTC","weekdays":{"mon":["22:00-06:00"]},"holidays":[{"date":"12-24..01-02","times":["10:00-11:00"]}]}`))
	f.Add([]byte(`{"name":"x","zone":"Australia/Lord_Howe"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Condition
		if err := c.UnmarshalJSON(data); err != nil {
			return
		}
		out, err := json.Marshal(&c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var d Condition
		if err := d.UnmarshalJSON(out); err != nil {
			t.Fatalf("own output %s does not decode: %v", out, err)
		}
		if again, _ := json.Marshal(&d); string(again) != string(out) {
			t.Fatalf("not stable:\n%s\n%s", out, again)
		}
		exercise(t, &c)
	})
}

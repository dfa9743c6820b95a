package timecond

import (
	"encoding/json"
	"strings"
	"testing"
)

const officeJSON = `{"name":"office","zone":"Europe/Berlin",` +
	`"weekdays":{"mon":["09:00-12:00","14:00-18:00"],"tue":["09:00-12:00","14:00-18:00"],"sat":["10:00-13:00"],"sun":["22:00-02:00"]},` +
	`"holidays":[{"name":"Christmas","date":"12-25"},{"date":"2026-12-24..2027-01-02","times":["09:00-12:00"]},{"date":"2026-05-01"}]}`

func TestJSONRoundTrip(t *testing.T) {
	var c Condition
	if err := json.Unmarshal([]byte(officeJSON), &c); err != nil {
		t.Fatal(err)
	}
	if c.Name() != "office" || c.Location().String() != berlin {
		t.Errorf("name %q zone %v", c.Name(), c.Location())
	}
	if got, want := c.Schedule().String(), "mon,tue 09:00-12:00,14:00-18:00; sat 10:00-13:00; sun 22:00-02:00"; got != want {
		t.Errorf("schedule %q, want %q", got, want)
	}
	if hs := c.Holidays(); len(hs) != 3 || hs[0].Name != "Christmas" || hs[1].String() != "2026-12-24..2027-01-02 09:00-12:00" {
		t.Errorf("holidays %+v", hs)
	}
	if !c.Open(at(t, berlin, "2026-03-09 09:00")) || c.Open(at(t, berlin, "2026-12-29 09:00")) {
		t.Error("decoded condition evaluates wrongly")
	}
	out, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != officeJSON {
		t.Errorf("marshal:\n got %s\nwant %s", out, officeJSON)
	}
	// A Condition embedded in a caller's struct decodes the same way.
	var wrap struct {
		Rule *Condition `json:"rule"`
	}
	if err := json.Unmarshal([]byte(`{"rule":`+officeJSON+`}`), &wrap); err != nil || wrap.Rule.Name() != "office" {
		t.Errorf("embedded: %v", err)
	}
}

func TestJSONErrors(t *testing.T) {
	base := func(field string) string { return `{"name":"x","zone":"UTC",` + field + `}` }
	for _, tc := range []struct{ in, want string }{
		{base(`"weekdays":{"mon":["09:00-12:00","25:00-26:00"]}`), `timecond: weekdays.mon[1]: "25:00-26:00": start: hour 25`},
		{base(`"weekdays":{"mon":["09:00-12:00","11:00-13:00"]}`), `timecond: weekdays.mon[1]: 11:00-13:00 overlaps 09:00-12:00`},
		{base(`"weekdays":{"tue":["09:00-09:00"]}`), `timecond: weekdays.tue[0]: end 09:00 equals start: an empty range (whole day is 00:00-24:00)`},
		{base(`"weekdays":{"monday":["09:00-12:00"]}`), `timecond: weekdays.monday: unknown day: want mon, tue, wed, thu, fri, sat or sun`},
		{base(`"weekdays":{"mon":"09:00-12:00"}`), `timecond: weekdays: json: cannot unmarshal string into Go value of type []string`},
		{base(`"holidays":[{"date":"12-25"},{"date":"01-01"},{"date":"2026-13-01"}]`), `timecond: holidays[2].date: month 13`},
		{base(`"holidays":[{"date":"12-24","times":["09:00-13:00","12:00-14:00"]}]`), `timecond: holidays[0].times[1]: 12:00-14:00 overlaps 09:00-13:00`},
		{base(`"holidays":[{"date":"12-24","times":["9-13"]}]`), `timecond: holidays[0].times[0]: "9-13": start: "9": want HH:MM`},
		{base(`"holidays":[{"name":"x"}]`), `timecond: holidays[0].date: required`},
		{base(`"holidays":[{"date":"12-24","when":"now"}]`), `timecond: holidays[0]: json: unknown field "when"`},
		{base(`"holidays":[{"date":"2026-12-24..2026-12-01"}]`), `timecond: holidays[0].date: end 2026-12-01 before start 2026-12-24`},
		{`{"name":"x","zone":"UTC","zoen":"UTC"}`, `timecond: json: unknown field "zoen"`},
		{`{"name":"x","zone":"UTC"} {}`, `timecond: trailing data after the JSON value`},
		{`{"name":"x","zone":"Mars/Olympus"}`, `timecond: zone: unknown time zone Mars/Olympus`},
		{`{"zone":"UTC"}`, `timecond: name: required`},
		{`[]`, `timecond: json: cannot unmarshal array into Go value of type timecond.conditionJSON`},
	} {
		var c Condition
		err := c.UnmarshalJSON([]byte(tc.in)) // json.Unmarshal checks syntax first; the store may call this directly
		if err == nil || err.Error() != tc.want {
			t.Errorf("Unmarshal(%s) error:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
	var c Condition
	if err := c.UnmarshalJSON([]byte(base(`"holidays":[` + strings.Repeat(`{"date":"12-25"},`, maxHolidays) + `{"date":"12-25"}]`))); err == nil {
		t.Error("too many holidays accepted")
	}
}

package timecond

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// conditionJSON is the stored and API form:
//
//	{"name": "office", "zone": "Europe/Berlin",
//	 "weekdays": {"mon": ["09:00-12:00", "14:00-18:00"], "sat": ["10:00-13:00"]},
//	 "holidays": [{"name": "Christmas", "date": "12-25"},
//	              {"date": "2026-12-24..2027-01-02", "times": ["09:00-12:00"]}]}
type conditionJSON struct {
	Name     string            `json:"name"`
	Zone     string            `json:"zone"`
	Weekdays json.RawMessage   `json:"weekdays,omitempty"`
	Holidays []json.RawMessage `json:"holidays,omitempty"`
}

// weekdaysJSON fixes the key order of the output (a map would sort them).
type weekdaysJSON struct {
	Mon []string `json:"mon,omitempty"`
	Tue []string `json:"tue,omitempty"`
	Wed []string `json:"wed,omitempty"`
	Thu []string `json:"thu,omitempty"`
	Fri []string `json:"fri,omitempty"`
	Sat []string `json:"sat,omitempty"`
	Sun []string `json:"sun,omitempty"`
}

type holidayJSON struct {
	Name  string   `json:"name,omitempty"`
	Date  string   `json:"date"`
	Times []string `json:"times,omitempty"`
}

// MarshalJSON writes the stored form.
func (c *Condition) MarshalJSON() ([]byte, error) {
	if c == nil || c.loc == nil {
		return nil, errors.New("timecond: marshal: the zero Condition has no zone")
	}
	strs := func(rs []Range) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.String()
		}
		return out
	}
	w := weekdaysJSON{
		Mon: strs(c.weekly[time.Monday]), Tue: strs(c.weekly[time.Tuesday]),
		Wed: strs(c.weekly[time.Wednesday]), Thu: strs(c.weekly[time.Thursday]),
		Fri: strs(c.weekly[time.Friday]), Sat: strs(c.weekly[time.Saturday]),
		Sun: strs(c.weekly[time.Sunday]),
	}
	wb, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("timecond: marshal weekdays: %w", err)
	}
	out := conditionJSON{Name: c.name, Zone: c.loc.String(), Weekdays: wb}
	for _, h := range c.holidays {
		hb, err := json.Marshal(holidayJSON{Name: h.Name, Date: h.dateText(), Times: strs(h.Times)})
		if err != nil {
			return nil, fmt.Errorf("timecond: marshal holiday: %w", err)
		}
		out.Holidays = append(out.Holidays, hb)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the stored form strictly: unknown fields, trailing
// data and every invalid value are errors naming the field, as in
// "timecond: weekdays.mon[1]: hour 25" or "timecond: holidays[2].date: month 13".
func (c *Condition) UnmarshalJSON(data []byte) error {
	built, err := parseJSON(data)
	if err != nil {
		return fmt.Errorf("timecond: %w", err)
	}
	*c = *built
	return nil
}

func parseJSON(data []byte) (*Condition, error) {
	var in conditionJSON
	if err := strictDecode(data, &in); err != nil {
		return nil, err
	}
	weekly, err := weekdaysFromJSON(in.Weekdays)
	if err != nil {
		return nil, err
	}
	if len(in.Holidays) > maxHolidays {
		return nil, fmt.Errorf("holidays: %d: at most %d", len(in.Holidays), maxHolidays)
	}
	holidays := make([]Holiday, len(in.Holidays))
	for i, raw := range in.Holidays {
		if holidays[i], err = holidayFromJSON(raw); err != nil {
			return nil, fmt.Errorf("holidays[%d]%w", i, err)
		}
	}
	return build(in.Name, in.Zone, weekly, holidays)
}

func weekdaysFromJSON(raw json.RawMessage) (Schedule, error) {
	var s Schedule
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	var days map[string][]string
	if err := strictDecode(raw, &days); err != nil {
		return s, fmt.Errorf("weekdays: %w", err)
	}
	var unknown []string
	for k := range days {
		if !slices.Contains(dayNames[:], k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return s, fmt.Errorf("weekdays.%s: unknown day: want mon, tue, wed, thu, fri, sat or sun", unknown[0])
	}
	for _, d := range weekOrder {
		list := days[dayNames[d]]
		if len(list) > maxRanges {
			return s, fmt.Errorf("weekdays.%s: %d ranges: at most %d", dayNames[d], len(list), maxRanges)
		}
		for i, str := range list {
			r, err := ParseRange(str)
			if err != nil {
				return s, fmt.Errorf("weekdays.%s[%d]: %w", dayNames[d], i, err)
			}
			s[d] = append(s[d], r)
		}
	}
	return s, nil
}

// holidayFromJSON returns errors starting with the field (".date: ...") for
// the caller to prefix with the index.
func holidayFromJSON(raw json.RawMessage) (Holiday, error) {
	var in holidayJSON
	if err := strictDecode(raw, &in); err != nil {
		return Holiday{}, fmt.Errorf(": %w", err)
	}
	if in.Date == "" {
		return Holiday{}, errors.New(".date: required")
	}
	h, err := parseHolidayDate(in.Date)
	if err != nil {
		return Holiday{}, fmt.Errorf(".date: %w", err)
	}
	h.Name = in.Name
	if len(in.Times) > maxRanges {
		return Holiday{}, fmt.Errorf(".times: %d ranges: at most %d", len(in.Times), maxRanges)
	}
	for i, str := range in.Times {
		r, err := ParseRange(str)
		if err != nil {
			return Holiday{}, fmt.Errorf(".times[%d]: %w", i, err)
		}
		h.Times = append(h.Times, r)
	}
	if err := h.Validate(); err != nil {
		return Holiday{}, fmt.Errorf(".%w", err)
	}
	return h, nil
}

// strictDecode decodes one JSON value, refusing unknown fields and
// anything after it.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

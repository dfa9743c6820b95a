package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var seq atomic.Int64

func testCDR(caller, callee string, start time.Time) CDR {

	return CDR{
		CallID: fmt.Sprintf("call-%d@test", seq.Add(1)), Caller: caller, Callee: callee, Direction: "internal",
		StartTime: start, RingTime: start.Add(time.Second), AnswerTime: start.Add(3 * time.Second),
		EndTime: start.Add(10 * time.Second), RingSeconds: 2, TalkSeconds: 7,
		Status: StatusAnswered, EndedReason: "caller_hangup", FinalDest: "sip:" + callee + "@192.0.2.5",
	}
}

func ids(cs []CDR) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.CallID)
	}
	return strings.Join(s, ",")
}

func TestAddCDRAssignsID(t *testing.T) {
	s := openDisk(t)
	start := time.Now().Add(-time.Minute)
	c := testCDR("100", "101", start)
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(c.ID, 10, 64)
	if err != nil || n == 0 || n >= 1<<63 {
		t.Fatalf("id %q not a positive 63-bit decimal", c.ID)
	}
	us := int64(n>>cdrMsShift)*1000 + int64(n>>cdrRandBits)&(1<<cdrMicroBits-1)
	if want := start.Sub(cdrEpoch).Microseconds(); us != want {
		t.Errorf("id holds %d us since epoch, start is %d", us, want)
	}
	got, err := s.GetCDR(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || got.CallID != c.CallID || !got.AnswerTime.Equal(c.AnswerTime) || got.TalkSeconds != 7 {
		t.Errorf("get = %+v, want %+v", got, c)
	}
	if _, err := s.GetCDR("12"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	if _, err := s.GetCDR("x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get bad id: %v", err)
	}
}

func TestAddCDRGivenID(t *testing.T) {
	s := openMem(t)
	start := time.Now()
	c := testCDR("100", "101", start)
	c.ID = NewCDRID(start)
	want := c.ID
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	if c.ID != want {
		t.Errorf("given id changed from %s to %s", want, c.ID)
	}
	dup := testCDR("100", "101", start)
	dup.ID = want
	if err := s.AddCDR(&dup); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate id: err = %v, want ErrExists", err)
	}
	bad := testCDR("100", "101", start)
	for _, other := range []time.Duration{-time.Hour, time.Microsecond} {
		bad.ID = NewCDRID(start.Add(other))
		if err := s.AddCDR(&bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("id from start%+v: err = %v, want ErrInvalid", other, err)
		}
	}
	for _, id := range []string{"abc", "-1", "18446744073709551615"} {
		bad.ID = id
		if err := s.AddCDR(&bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("id %q: err = %v, want ErrInvalid", id, err)
		}
	}
}

func TestAddCDRValidation(t *testing.T) {
	s := openMem(t)
	now := time.Now()
	mod := func(f func(*CDR)) CDR { c := testCDR("100", "101", now); f(&c); return c }
	cases := map[string]struct {
		c     CDR
		field string
	}{
		"no start":     {mod(func(c *CDR) { c.StartTime = time.Time{} }), "start_time"},
		"1999":         {mod(func(c *CDR) { c.StartTime = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }), "start_time"},
		"end early":    {mod(func(c *CDR) { c.EndTime = now.Add(-time.Second) }), "end_time"},
		"neg ring":     {mod(func(c *CDR) { c.RingSeconds = -1 }), "ring_duration"},
		"neg talk":     {mod(func(c *CDR) { c.TalkSeconds = -1 }), "talk_duration"},
		"bad status":   {mod(func(c *CDR) { c.Status = "ANSWERED" }), "call_status"},
		"no status":    {mod(func(c *CDR) { c.Status = "" }), "call_status"},
		"long caller":  {mod(func(c *CDR) { c.Caller = strings.Repeat("1", 257) }), "caller"},
		"ctl in name":  {mod(func(c *CDR) { c.CallerName = "a\x1b[31m" }), "caller_display_name"},
		"long call-id": {mod(func(c *CDR) { c.CallID = strings.Repeat("c", 300) }), "call_id"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := tc.c
			err := s.AddCDR(&c)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err = %v, want FieldError on %q", err, tc.field)
			}
		})
	}
	if err := s.AddCDR(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil cdr: %v", err)
	}
	if cs, _ := s.ListCDRs(CDRQuery{}); len(cs) != 0 {
		t.Errorf("invalid cdrs stored: %v", ids(cs))
	}
}

func TestListCDRsOrderAndFilters(t *testing.T) {
	s := openDisk(t)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// Added out of order: the listing follows start time, not insertion.
	add := func(name, caller, callee string, at time.Duration) {
		c := testCDR(caller, callee, base.Add(at))
		c.CallID = name
		if err := s.AddCDR(&c); err != nil {
			t.Fatal(err)
		}
	}
	add("c", "100", "102", 2*time.Hour)
	add("a", "100", "101", 0)
	add("e", "103", "104", 4*time.Hour)
	add("b", "101", "100", time.Hour)
	add("d", "102", "103", 3*time.Hour)
	add("d2", "102", "103", 3*time.Hour+500*time.Microsecond) // same millisecond as d, later

	cases := []struct {
		name string
		q    CDRQuery
		want string
	}{
		{"all newest first", CDRQuery{}, "e,d2,d,c,b,a"},
		{"limit", CDRQuery{Limit: 2}, "e,d2"},
		{"since inclusive", CDRQuery{Since: base.Add(2 * time.Hour)}, "e,d2,d,c"},
		{"until exclusive", CDRQuery{Until: base.Add(2 * time.Hour)}, "b,a"},
		{"range", CDRQuery{Since: base.Add(time.Hour), Until: base.Add(3 * time.Hour)}, "c,b"},
		{"until inside a millisecond", CDRQuery{Until: base.Add(3*time.Hour + 100*time.Microsecond)}, "d,c,b,a"},
		{"since inside a millisecond", CDRQuery{Since: base.Add(3*time.Hour + 100*time.Microsecond)}, "e,d2"},
		{"number as caller or callee", CDRQuery{Number: "100"}, "c,b,a"},
		{"number and limit", CDRQuery{Number: "103", Limit: 2}, "e,d2"},
		{"number and range", CDRQuery{Number: "100", Since: base.Add(30 * time.Minute)}, "c,b"},
		{"no match", CDRQuery{Number: "999"}, ""},
		{"empty range", CDRQuery{Since: base.Add(time.Hour), Until: base.Add(time.Hour)}, ""},
		{"inverted range", CDRQuery{Since: base.Add(2 * time.Hour), Until: base}, ""},
		{"until before epoch", CDRQuery{Until: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"since before epoch", CDRQuery{Since: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 1}, "e"},
		{"future", CDRQuery{Since: base.Add(24 * time.Hour)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.ListCDRs(c.q)
			if err != nil {
				t.Fatal(err)
			}
			if ids(got) != c.want {
				t.Errorf("got %q, want %q", ids(got), c.want)
			}
		})
	}
}

func TestListCDRsDefaultLimit(t *testing.T) {
	s := openMem(t)
	start := time.Now().Add(-time.Hour)
	for i := range DefaultCDRLimit + 5 {
		c := testCDR("100", "101", start.Add(time.Duration(i)*time.Second))
		if err := s.AddCDR(&c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListCDRs(CDRQuery{})
	if err != nil || len(got) != DefaultCDRLimit {
		t.Fatalf("got %d, %v; want %d", len(got), err, DefaultCDRLimit)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].StartTime.Before(got[i-1].StartTime) {
			t.Fatalf("not newest first at %d", i)
		}
	}
}

// Many CDRs with the same start microsecond get distinct IDs.
func TestAddCDRSameMillisecond(t *testing.T) {
	s := openMem(t)
	start := time.Now()
	seen := map[string]bool{}
	for range 500 {
		c := testCDR("100", "101", start)
		if err := s.AddCDR(&c); err != nil {
			t.Fatal(err)
		}
		if seen[c.ID] {
			t.Fatalf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
	}
	if got, _ := s.ListCDRs(CDRQuery{Limit: 1000}); len(got) != 500 {
		t.Errorf("listed %d, want 500", len(got))
	}
}

func TestCorruptCDR(t *testing.T) {
	s := openMem(t)
	start := time.Now()
	c := testCDR("100", "101", start)
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	id := newCDRID(start.Add(time.Second))
	putRaw(t, s, string(cdrKey(id)), []byte("[]"))
	putRaw(t, s, "cdr/short", []byte("{}"))
	got, err := s.ListCDRs(CDRQuery{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cdr/") {
		t.Errorf("err = %v, want ErrCorrupt naming the key", err)
	}
	if len(got) != 1 || got[0].ID != c.ID {
		t.Errorf("good cdr not returned: %v", ids(got))
	}
	if _, err := s.GetCDR(strconv.FormatUint(id, 10)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("get corrupt: %v", err)
	}
}

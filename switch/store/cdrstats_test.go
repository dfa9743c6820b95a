package store

import (
	"errors"
	"testing"
	"time"
)

func TestCallsPerHour(t *testing.T) {
	s := openMem(t)
	now := time.Date(2025, 6, 1, 12, 30, 0, 0, time.UTC)
	add := func(at time.Time, status string, extra map[string]string) {
		c := testCDR("100", "101", at)
		c.Status, c.Extra = status, extra
		if err := s.AddCDR(&c); err != nil {
			t.Fatal(err)
		}
	}
	add(now, StatusAnswered, nil)
	add(now.Add(-20*time.Minute), StatusBusy, map[string]string{"call_status": "answered"}) // a hook's field is not the status
	add(now.Add(-30*time.Minute), StatusAnswered, nil)                                      // 12:00 sharp: this hour
	add(now.Add(-30*time.Minute-time.Millisecond), StatusNoAnswer, nil)                     // 11:59:59.999: the one before
	add(now.Add(-2*time.Hour-30*time.Minute), StatusAnswered, nil)                          // 10:00: outside 2 hours
	add(now.Add(time.Hour), StatusAnswered, nil)                                            // the future: not counted

	hs, err := s.CallsPerHour(now, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []HourStat{
		{Hour: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC), Calls: 1, Answered: 1},
		{Hour: time.Date(2025, 6, 1, 11, 0, 0, 0, time.UTC), Calls: 1, Answered: 0},
		{Hour: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), Calls: 3, Answered: 2},
	}
	if len(hs) != len(want) {
		t.Fatalf("got %+v", hs)
	}
	for i := range want {
		if !hs[i].Hour.Equal(want[i].Hour) || hs[i].Calls != want[i].Calls || hs[i].Answered != want[i].Answered {
			t.Errorf("hour %d: %+v, want %+v", i, hs[i], want[i])
		}
	}
	if hs, err := s.CallsPerHour(now, 2); err != nil || hs[0].Calls != 1 || hs[1].Calls != 3 {
		t.Errorf("2 hours: %+v %v", hs, err)
	}
	for _, h := range []int{0, -1, MaxStatHours + 1} {
		var fe *FieldError
		if _, err := s.CallsPerHour(now, h); !errors.As(err, &fe) || fe.Field != "hours" {
			t.Errorf("hours %d: %v", h, err)
		}
	}
	// Before the epoch: empty hours, no error.
	if hs, err := s.CallsPerHour(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), 5); err != nil || len(hs) != 5 || hs[4].Calls != 0 {
		t.Errorf("before epoch: %+v %v", hs, err)
	}
}

// The quick status read agrees with decoding, and a corrupt record is
// reported, not counted.
func TestCallsPerHourCorrupt(t *testing.T) {
	s := openMem(t)
	now := time.Now()
	c := testCDR("100", "101", now)
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	putRaw(t, s, string(cdrKey(newCDRID(now.Add(-time.Second)))), []byte("nope"))
	hs, err := s.CallsPerHour(now, 1)
	if !errors.Is(err, ErrCorrupt) || hs[0].Calls != 1 || hs[0].Answered != 1 {
		t.Errorf("%+v %v", hs, err)
	}
}

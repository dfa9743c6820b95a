package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func testRecording(id string) Recording {
	return Recording{ID: id, CallID: "c1@test", Kind: RecordingProgram, From: "1001", To: "1002",
		Started: time.Date(2026, 11, 22, 18, 1, 2, 0, time.UTC), Duration: 3 * time.Second, Channels: 1, Bytes: 48044}
}

func TestRecordingIndex(t *testing.T) {
	s := openDisk(t)
	r := testRecording("20261122T180102Z-0a0b0c0d")
	if err := s.PutRecording(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRecording(r.ID)
	if err != nil || got != r {
		t.Fatalf("get = %+v, %v; want %+v", got, err, r)
	}
	r2 := testRecording("20261122T180103Z-00000001")
	if err := s.PutRecording(r2); err != nil {
		t.Fatal(err)
	}
	ids, err := s.RecordingIDs()
	if err != nil || fmt.Sprint(ids) != "["+r.ID+" "+r2.ID+"]" {
		t.Fatalf("ids = %v, %v", ids, err)
	}
	all, err := s.ListRecordings()
	if err != nil || len(all) != 2 || all[1] != r2 {
		t.Fatalf("list = %+v, %v", all, err)
	}
	taken, err := s.TakeRecording(r.ID)
	if err != nil || taken != r {
		t.Fatalf("take = %+v, %v", taken, err)
	}
	if _, err := s.TakeRecording(r.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second take: %v", err)
	}
	if _, err := s.GetRecording(r.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after take: %v", err)
	}
	if err := s.DeleteRecording(r2.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecording(r2.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	for _, bad := range []string{"", "../x", "a/b", "x y", string(make([]byte, 65))} {
		if _, err := s.GetRecording(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("get %q: %v", bad, err)
		}
		if _, err := s.TakeRecording(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("take %q: %v", bad, err)
		}
	}
}

func TestRecordingValidate(t *testing.T) {
	s := openMem(t)
	for field, mod := range map[string]func(*Recording){
		"id":       func(r *Recording) { r.ID = "../../etc/passwd" },
		"kind":     func(r *Recording) { r.Kind = "movie" },
		"from":     func(r *Recording) { r.From = "a\nb" },
		"call_id":  func(r *Recording) { r.CallID = string(make([]byte, 300)) },
		"started":  func(r *Recording) { r.Started = time.Time{} },
		"duration": func(r *Recording) { r.Duration = -1 },
		"channels": func(r *Recording) { r.Channels = 3 },
		"bytes":    func(r *Recording) { r.Bytes = -1 },
	} {
		r := testRecording("20261122T180102Z-0a0b0c0d")
		mod(&r)
		var fe *FieldError
		if err := s.PutRecording(r); !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", field, err)
		}
	}
}

func TestRecordingCorrupt(t *testing.T) {
	s := openMem(t)
	putRaw(t, s, "rec/20261122T180102Z-0a0b0c0d", []byte("{"))
	if err := s.PutRecording(testRecording("20261122T180103Z-0a0b0c0d")); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListRecordings()
	if len(all) != 1 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("list = %v, %v", all, err)
	}
	// Taking a corrupt entry removes it and says so.
	if _, err := s.TakeRecording("20261122T180102Z-0a0b0c0d"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("take corrupt: %v", err)
	}
	if _, err := s.GetRecording("20261122T180102Z-0a0b0c0d"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("corrupt entry stays: %v", err)
	}
}

func TestTakeRecordingOnce(t *testing.T) {
	s := openMem(t)
	r := testRecording("20261122T180102Z-0a0b0c0d")
	if err := s.PutRecording(r); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			_, err := s.TakeRecording(r.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrNotFound):
				t.Errorf("take: %v", err)
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d takes won, want 1", won)
	}
}

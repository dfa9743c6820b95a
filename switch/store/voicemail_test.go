package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func testMessage(box, id string) VoicemailMessage {
	return VoicemailMessage{ID: id, Box: box, Folder: FolderNew, Caller: "1002", CallerName: "Bob",
		Received: time.Date(2026, 11, 22, 18, 1, 2, 0, time.UTC), Duration: 4 * time.Second}
}

func TestVoicemailBoxSettings(t *testing.T) {
	s := openDisk(t)
	if _, err := s.GetVoicemailBox("1001"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no settings yet: %v", err)
	}
	err := s.UpdateVoicemailBox("1001", func(b *VoicemailBox) error {
		if b.Number != "1001" || b.Capacity() != DefaultMaxMessages {
			t.Errorf("defaults: %+v", b)
		}
		b.MaxMessages, b.Email = 5, "a@example.com"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.GetVoicemailBox("1001")
	if err != nil || b.MaxMessages != 5 || b.Email != "a@example.com" || b.Capacity() != 5 {
		t.Fatalf("get = %+v, %v", b, err)
	}
	// A refused change writes nothing.
	for field, mod := range map[string]func(*VoicemailBox){
		"max_messages": func(b *VoicemailBox) { b.MaxMessages = -1 },
		"email":        func(b *VoicemailBox) { b.Email = "nope" },
		"pin_hash":     func(b *VoicemailBox) { b.PINHash = []byte{1} },
	} {
		var fe *FieldError
		if err := s.UpdateVoicemailBox("1001", func(b *VoicemailBox) error { mod(b); return nil }); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	if b2, _ := s.GetVoicemailBox("1001"); b2.MaxMessages != 5 || b2.Email != "a@example.com" {
		t.Fatalf("refused changes were written: %+v", b2)
	}
	stop := errors.New("stop")
	if err := s.UpdateVoicemailBox("1001", func(*VoicemailBox) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("fn error: %v", err)
	}
	if err := s.UpdateVoicemailBox("../1", func(*VoicemailBox) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad number: %v", err)
	}
}

func TestVoicemailMessages(t *testing.T) {
	s := openDisk(t)
	a, b := testMessage("100", "20261122T180102Z-00000001"), testMessage("100", "20261122T180103Z-00000002")
	other := testMessage("1000", "20261122T180104Z-00000003") // "100/" must not prefix "1000/"
	for _, m := range []VoicemailMessage{a, b, other} {
		if err := s.AddVoicemailMessage(m, 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddVoicemailMessage(testMessage("100", "20261122T180105Z-00000004"), 2); !errors.Is(err, ErrBoxFull) {
		t.Fatalf("third message in a box of 2: %v", err)
	}
	if err := s.AddVoicemailMessage(a, 5); !errors.Is(err, ErrExists) {
		t.Fatalf("same id again: %v", err)
	}
	ms, err := s.ListVoicemailMessages("100")
	if err != nil || len(ms) != 2 || ms[0] != a || ms[1] != b {
		t.Fatalf("list 100 = %+v, %v", ms, err)
	}
	all, err := s.ListVoicemailMessages("")
	if err != nil || len(all) != 3 {
		t.Fatalf("list all = %+v, %v", all, err)
	}
	changed, err := s.SetVoicemailFolder("100", a.ID, FolderSaved)
	if err != nil || !changed {
		t.Fatalf("save: %v %v", changed, err)
	}
	if changed, err := s.SetVoicemailFolder("100", a.ID, FolderSaved); err != nil || changed {
		t.Fatalf("save again: %v %v", changed, err)
	}
	if n, sv, err := s.CountVoicemailMessages("100"); n != 1 || sv != 1 || err != nil {
		t.Fatalf("counts = %d %d %v", n, sv, err)
	}
	putRaw(t, s, "vmmsg/100/20261122T180109Z-00000009", []byte("{"))
	if n, sv, err := s.CountVoicemailMessages("100"); n != 1 || sv != 1 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("counts with a corrupt entry = %d %d %v", n, sv, err)
	}
	if err := s.DeleteVoicemailMessage("100", "20261122T180109Z-00000009"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CountVoicemailMessages("../100"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("counts of an odd box: %v", err)
	}
	if got, err := s.GetVoicemailMessage("100", a.ID); err != nil || got.Folder != FolderSaved {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if _, err := s.SetVoicemailFolder("100", a.ID, "trash"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad folder: %v", err)
	}
	if err := s.DeleteVoicemailMessage("100", a.ID); err != nil {
		t.Fatal(err)
	}
	for _, op := range []func() error{
		func() error { return s.DeleteVoicemailMessage("100", a.ID) },
		func() error { _, err := s.GetVoicemailMessage("100", a.ID); return err },
		func() error { _, err := s.SetVoicemailFolder("100", a.ID, FolderNew); return err },
		func() error { _, err := s.GetVoicemailMessage("100/../1000", other.ID); return err },
		func() error { _, err := s.GetVoicemailMessage("1000", "../"+other.ID); return err },
	} {
		if err := op(); !errors.Is(err, ErrNotFound) {
			t.Errorf("want not found: %v", err)
		}
	}
	for field, mod := range map[string]func(*VoicemailMessage){
		"id":          func(m *VoicemailMessage) { m.ID = "a/b" },
		"box":         func(m *VoicemailMessage) { m.Box = "1/2" },
		"folder":      func(m *VoicemailMessage) { m.Folder = "" },
		"caller":      func(m *VoicemailMessage) { m.Caller = "\x00" },
		"caller_name": func(m *VoicemailMessage) { m.CallerName = string(make([]byte, 257)) },
		"received":    func(m *VoicemailMessage) { m.Received = time.Time{} },
		"duration":    func(m *VoicemailMessage) { m.Duration = -time.Second },
	} {
		m := testMessage("2000", "20261122T180102Z-00000009")
		mod(&m)
		var fe *FieldError
		if err := s.AddVoicemailMessage(m, 10); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}

// TestVoicemailConcurrentAdds: adds racing for the last places of a box
// never overfill it (each add reads and writes the box's deposit counter,
// so badger sees the race).
func TestVoicemailConcurrentAdds(t *testing.T) {
	s := openMem(t)
	const max, n = 3, 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range n {
		wg.Go(func() {
			err := s.AddVoicemailMessage(testMessage("100", fmt.Sprintf("20261122T180102Z-%08x", i)), max)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			}
		})
	}
	wg.Wait()
	ms, err := s.ListVoicemailMessages("100")
	if err != nil || len(ms) != ok || ok > max || ok == 0 {
		t.Fatalf("%d adds succeeded, %d stored (max %d): %v", ok, len(ms), max, err)
	}
}

package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mediawav "github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/store"
)

func TestCreateFinish(t *testing.T) {
	s, st := openRecs(t)
	started := time.Date(2026, 11, 22, 18, 1, 2, 0, time.UTC)
	id, path, err := s.Create(Meta{Kind: KindCall, CallID: "c1", From: "1001", To: "1002", Started: started})
	if err != nil {
		t.Fatal(err)
	}
	if !ValidID(id) || !strings.HasPrefix(id, "20261122T180102Z-") || path != filepath.Join(s.Dir(), id+".wav") {
		t.Fatalf("create = %q %q", id, path)
	}
	// Reserved, not indexed: nobody sees it yet.
	if _, err := s.Get(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get before finish: %v", err)
	}
	body := wav(2, 2*time.Second)
	os.WriteFile(path, body, 0o600)
	if err := s.Finish(id, 0); err != nil {
		t.Fatal(err)
	}
	m, err := s.Get(id)
	want := Meta{ID: id, CallID: "c1", Kind: KindCall, From: "1001", To: "1002", Started: started, Duration: 2 * time.Second, Channels: 2, Bytes: int64(len(body))}
	if err != nil || m != want {
		t.Fatalf("get = %+v, %v\nwant %+v", m, err, want)
	}
	if p, err := s.Path(id); err != nil || p != path {
		t.Fatalf("path = %q, %v", p, err)
	}
	if _, err := st.GetRecording(id); err != nil {
		t.Fatalf("not in the store's index: %v", err)
	}
	if err := s.Finish(id, 0); !errors.Is(err, ErrNotReserved) {
		t.Fatalf("finish twice: %v", err)
	}
	if err := s.Abort(id); !errors.Is(err, ErrNotReserved) {
		t.Fatalf("abort a finished one: %v", err)
	}
	// A given duration wins over the header's.
	id2, path2, _ := s.Create(Meta{Kind: KindProgram})
	os.WriteFile(path2, wav(1, time.Second), 0o600)
	if err := s.Finish(id2, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Get(id2); m.Duration != 1500*time.Millisecond || m.Channels != 1 || m.Started.IsZero() {
		t.Fatalf("given duration: %+v", m)
	}
	if n, err := s.Count(); n != 2 || err != nil {
		t.Fatalf("count = %d, %v", n, err)
	}
}

func TestCreateRefuses(t *testing.T) {
	s, _ := openRecs(t)
	for _, m := range []Meta{
		{ID: "20261122T180102Z-0a0b0c0d", Kind: KindCall},
		{Kind: "movie"},
		{Kind: KindCall, Channels: 3},
		{Kind: KindCall, From: "a\x00b"},
	} {
		if _, _, err := s.Create(m); err == nil {
			t.Errorf("create %+v: no error", m)
		}
	}
}

func TestFinishRefusesNonWAV(t *testing.T) {
	s, _ := openRecs(t)
	id, path, _ := s.Create(Meta{Kind: KindProgram})
	if err := s.Finish(id, 0); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("finish before the file exists: %v", err)
	}
	os.WriteFile(path, []byte("RIFF....WAVEfmt \x10\x00\x00\x00\x03\x00"), 0o600)
	err := s.Finish(id, 0)
	if err == nil || strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("finish a broken file: %v", err)
	}
	// Still reserved: Abort removes the file.
	if err := s.Abort(id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file after abort: %v", err)
	}
	if err := s.Abort(id); !errors.Is(err, ErrNotReserved) {
		t.Fatalf("abort twice: %v", err)
	}
	// Abort before anything was written.
	id, _, _ = s.Create(Meta{Kind: KindProgram})
	if err := s.Abort(id); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteTakeRestore(t *testing.T) {
	s, _ := openRecs(t)
	id := record(t, s, Meta{Kind: KindProgram}, wav(1, time.Second))
	path, m, err := s.Take(id)
	if err != nil || m.ID != id || path != filepath.Join(s.Dir(), id+".wav") {
		t.Fatalf("take = %q %+v %v", path, m, err)
	}
	if _, _, err := s.Take(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("take twice: %v", err)
	}
	if _, err := s.Path(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("path of a taken one: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file is the taker's now, still there: %v", err)
	}
	if err := s.Restore(m); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(id); err != nil || got != m {
		t.Fatalf("restored: %+v %v", got, err)
	}
	if err := s.Delete(id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file after delete: %v", err)
	}
	if err := s.Delete(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if err := s.Restore(m); !errors.Is(err, ErrFileMissing) {
		t.Fatalf("restore without the file: %v", err)
	}
	// An entry whose file vanished: Take and Path say so.
	id = record(t, s, Meta{Kind: KindProgram}, wav(1, time.Second))
	os.Remove(filepath.Join(s.Dir(), id+".wav"))
	if _, err := s.Path(id); !errors.Is(err, ErrFileMissing) || strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("path of a vanished file: %v", err)
	}
	if _, _, err := s.Take(id); !errors.Is(err, ErrFileMissing) {
		t.Fatalf("take a vanished file: %v", err)
	}
}

func TestConcurrentTake(t *testing.T) {
	s, _ := openRecs(t)
	id := record(t, s, Meta{Kind: KindProgram}, wav(1, time.Second))
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			_, _, err := s.Take(id)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				won++
			} else if !errors.Is(err, ErrNotFound) {
				t.Errorf("take: %v", err)
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d takes won", won)
	}
}

func TestPathTraversal(t *testing.T) {
	s, _ := openRecs(t)
	outside := filepath.Join(filepath.Dir(s.Dir()), "victim.wav")
	os.WriteFile(outside, wav(1, time.Second), 0o600)
	for _, id := range []string{"../victim", "../../etc/passwd", "/etc/passwd", "a/b", "..", "", "20261122T180102Z-0a0b0c0d/../../victim", "20261122T180102Z-0A0B0C0D"} {
		if _, err := s.Get(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("get %q: %v", id, err)
		}
		if _, err := s.Path(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("path %q: %v", id, err)
		}
		if err := s.Delete(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("delete %q: %v", id, err)
		}
		if _, _, err := s.Take(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("take %q: %v", id, err)
		}
		if err := s.Finish(id, 0); !errors.Is(err, ErrInvalidID) {
			t.Errorf("finish %q: %v", id, err)
		}
		if err := s.Abort(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("abort %q: %v", id, err)
		}
		if err := s.Restore(Meta{ID: id, Kind: KindCall, Channels: 1, Started: time.Now()}); !errors.Is(err, ErrInvalidID) {
			t.Errorf("restore %q: %v", id, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Fatalf("the file outside is gone: %v", err)
	}
}

func TestList(t *testing.T) {
	s, _ := openRecs(t)
	base := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	var ids []string
	for i, m := range []Meta{
		{Kind: KindCall, From: "1001", To: "1002", CallID: "a@x"},
		{Kind: KindProgram, From: "1001", To: "ivr", CallID: "a@x"},
		{Kind: KindConference, From: "1003", To: "room-7"},
		{Kind: KindCall, From: "1002", To: "1001"},
		{Kind: KindCall, From: "1001", To: "1003", CallID: "a@x2"},
	} {
		m.Started = base.Add(time.Duration(i) * 300 * time.Millisecond) // several in one second
		ids = append(ids, record(t, s, m, wav(1, 10*time.Millisecond)))
	}
	show := func(ms []Meta) string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprint(slices.Index(ids, m.ID)))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		f     Filter
		want  string
		total int
	}{
		{Filter{}, "4,3,2,1,0", 5},
		{Filter{Kind: KindCall}, "4,3,0", 3},
		{Filter{From: "1001"}, "4,1,0", 3},
		{Filter{To: "100"}, "4,3,0", 3},
		{Filter{From: "100", To: "room"}, "2", 1},
		{Filter{Since: base.Add(600 * time.Millisecond)}, "4,3,2", 3},
		{Filter{Until: base.Add(600 * time.Millisecond)}, "1,0", 2},
		{Filter{Limit: 2}, "4,3", 5},
		{Filter{Limit: 2, Offset: 2}, "2,1", 5},
		{Filter{Offset: 9}, "", 5},
		{Filter{Kind: KindCall, Limit: 1, Offset: 1}, "3", 3},
		{Filter{CallID: "a@x"}, "1,0", 2}, // exact: not a@x2
		{Filter{CallID: "a@x", Kind: KindCall}, "0", 1},
		{Filter{CallID: "a@"}, "", 0},
	} {
		ms, total, err := s.List(tc.f)
		if err != nil || show(ms) != tc.want || total != tc.total {
			t.Errorf("%+v: %s (total %d) %v; want %s (%d)", tc.f, show(ms), total, err, tc.want, tc.total)
		}
	}
	for _, f := range []Filter{{Limit: -1}, {Limit: MaxListLimit + 1}, {Offset: -1}, {Kind: "movie"}} {
		if _, _, err := s.List(f); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
}

// TestSweep: Open removes files of interrupted recordings (no index entry,
// over an hour old) and entries without files, and nothing else.
func TestSweep(t *testing.T) {
	st := memStore(t)
	dir := t.TempDir()
	s, err := Open(st, dir)
	if err != nil {
		t.Fatal(err)
	}
	kept := record(t, s, Meta{Kind: KindProgram}, wav(1, time.Second))
	gone := record(t, s, Meta{Kind: KindProgram}, wav(1, time.Second))
	os.Remove(filepath.Join(dir, gone+".wav"))
	old := time.Now().Add(-2 * time.Hour)
	orphan := NewID(old)
	young := NewID(time.Now())
	for _, name := range []string{orphan + ".wav", young + ".wav", "notes.txt", "20261122T180102Z-0a0b0c0d.wav.part"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o600)
		os.Chtimes(p, old, old)
	}
	os.Chtimes(filepath.Join(dir, young+".wav"), time.Now(), time.Now())
	os.Chtimes(filepath.Join(dir, kept+".wav"), old, old) // indexed: old does not matter
	// A recording in progress in a store that has not finished it.
	inProgress, ipPath, _ := s.Create(Meta{Kind: KindCall})
	os.WriteFile(ipPath, []byte("x"), 0o600)
	os.Chtimes(ipPath, old, old)
	res, err := s.Sweep(SweepAge)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Files) != "["+orphan+"]" || fmt.Sprint(res.Entries) != "["+gone+"]" {
		t.Fatalf("sweep removed %+v; want file %s and entry %s", res, orphan, gone)
	}
	for name, want := range map[string]bool{orphan + ".wav": false, young + ".wav": true, "notes.txt": true,
		"20261122T180102Z-0a0b0c0d.wav.part": true, kept + ".wav": true, inProgress + ".wav": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", name, err == nil, want)
		}
	}
	if _, err := st.GetRecording(gone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("entry without file stays: %v", err)
	}
	// The same at Open (a restart): the unfinished recording is debris now.
	if _, err := Open(st, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ipPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an interrupted recording survives a restart: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, young+".wav")); err != nil {
		t.Errorf("a young file was removed at open: %v", err)
	}
}

func TestMove(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a.wav"), filepath.Join(dir, "sub", "b.wav")
	os.Mkdir(filepath.Dir(dst), 0o700)
	os.WriteFile(src, []byte("abc"), 0o600)
	if err := Move(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dst); err != nil || string(b) != "abc" {
		t.Fatalf("moved: %q %v", b, err)
	}
	err := Move(src, dst)
	if !errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Fatalf("move a missing file: %v", err)
	}
	if err := copyFile(dst, src); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(src); string(b) != "abc" {
		t.Fatalf("copied %q", b)
	}
}

// TestFinishMediaWriter: files written by switch/media/wav's streaming
// Writer index with the right duration, closed or not (a crash before
// Close leaves the header's sizes 0).
func TestFinishMediaWriter(t *testing.T) {
	s, _ := openRecs(t)
	for _, closed := range []bool{true, false} {
		id, path, err := s.Create(Meta{Kind: KindCall, Channels: 2})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := mediawav.NewWriter(f, 8000, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(make([]int16, 2*12000)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !closed { // as a crash before Close leaves it
			f.WriteAt(make([]byte, 4), 4)
			f.WriteAt(make([]byte, 4), 40)
		}
		f.Close()
		if err := s.Finish(id, 0); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.Get(id); m.Duration != 1500*time.Millisecond || m.Channels != 2 || m.Bytes != 44+48000 {
			t.Errorf("closed %v: %+v", closed, m)
		}
	}
}

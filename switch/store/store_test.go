package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

var quiet = slog.New(slog.DiscardHandler)

func openAt(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{Logger: quiet})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openDisk(t testing.TB) *Store { t.Helper(); return openAt(t, t.TempDir()) }

func openMem(t testing.TB) *Store {
	t.Helper()
	s, err := Open("", Options{InMemory: true, Logger: quiet})
	if err != nil {
		t.Fatalf("open in memory: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// putRaw writes a value under key directly, bypassing validation, to plant
// corrupt records.
func putRaw(t *testing.T, s *Store, key string, val []byte) {
	t.Helper()
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(key), val) }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesDirPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "data")
	s := openAt(t, dir)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data dir mode %o, want 700", perm)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestOpenEmptyDir(t *testing.T) {
	if _, err := Open("", Options{Logger: quiet}); err == nil {
		t.Fatal("open with empty dir and InMemory false succeeded")
	}
}

func TestSecondOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	s2, err := Open(dir, Options{Logger: quiet})
	if err == nil {
		s2.Close()
		t.Fatal("second open of the same dir succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by a running hookswitch") {
		t.Errorf("error text %q does not say the dir is in use", err)
	}
	// After the holder closes, the dir opens again.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s3, err := Open(dir, Options{Logger: quiet})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s3.Close()
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	if err := s.CreateExtension(Extension{Number: "100", Name: "Alice", Password: "Xk3mPq9sTr"}); err != nil {
		t.Fatal(err)
	}
	b := testBinding("100", "sip:100@192.0.2.1:5060", time.Now().Add(time.Hour))
	if err := s.PutBinding(b); err != nil {
		t.Fatal(err)
	}
	c := testCDR("100", "101", time.Now().Add(-time.Minute))
	if err := s.AddCDR(&c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMeta("nonce-key", []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, dir)
	e, err := s.GetExtension("100")
	if err != nil || e.Name != "Alice" || e.Password != "Xk3mPq9sTr" || e.MaxContacts != 2 {
		t.Errorf("extension after reopen = %+v, %v", e, err)
	}
	bs, err := s.AllBindings()
	if err != nil || len(bs) != 1 || bs[0].Contact != b.Contact || !bs[0].Expires.Equal(b.Expires) {
		t.Errorf("bindings after reopen = %+v, %v", bs, err)
	}
	cs, err := s.ListCDRs(CDRQuery{})
	if err != nil || len(cs) != 1 || cs[0].ID != c.ID || cs[0].CallID != c.CallID {
		t.Errorf("cdrs after reopen = %+v, %v", cs, err)
	}
	if v, err := s.GetMeta("nonce-key"); err != nil || string(v) != "\x01\x02\x03" {
		t.Errorf("meta after reopen = %v, %v", v, err)
	}
}

func TestSchemaTooNew(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	putRaw(t, s, schemaKey, []byte("99"))
	s.Close()
	if s2, err := Open(dir, Options{Logger: quiet}); err == nil {
		s2.Close()
		t.Fatal("open of a dir with a newer schema succeeded")
	} else if !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("err = %v, want it to name the schema", err)
	}
}

func TestClosedStore(t *testing.T) {
	s := openMem(t)
	s.Close()
	checks := map[string]error{
		"create": s.CreateExtension(Extension{Number: "100", Password: "Xk3mPq9sTr"}),
		"put":    s.PutBinding(testBinding("100", "sip:a@192.0.2.1", time.Now().Add(time.Hour))),
		"meta":   s.PutMeta("x", nil),
	}
	_, checks["get"] = s.GetExtension("100")
	_, checks["list"] = s.ListCDRs(CDRQuery{})
	for name, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after close: err = %v, want ErrClosed", name, err)
		}
	}
}

// Concurrent writers and Close must not race or panic (run with -race).
func TestConcurrentWritesAndClose(t *testing.T) {
	s := openDisk(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				c := testCDR("100", "101", time.Now())
				c.CallID = fmt.Sprintf("call-%d-%d", g, i)
				if err := s.AddCDR(&c); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("add cdr: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	wg.Wait()
}

func TestBackgroundSyncRuns(t *testing.T) {
	s := openDisk(t)
	if err := s.PutBinding(testBinding("100", "sip:a@192.0.2.1", time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.syncMu.Lock()
		synced := s.syncedSeq
		s.syncMu.Unlock()
		if synced >= s.writeSeq.Load() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("background loop did not sync an unsynced write within 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBadgerLoggerLevels(t *testing.T) {
	var buf strings.Builder
	l := badgerLogger{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	l.Infof("info %d", 1)
	l.Debugf("debug %d", 2)
	l.Warningf("warn %d\n", 3)
	l.Errorf("error %d", 4)
	out := buf.String()
	if strings.Contains(out, "info 1") || strings.Contains(out, "debug 2") {
		t.Errorf("info/debug reached the logger: %q", out)
	}
	if !strings.Contains(out, "level=WARN msg=\"warn 3\"") || !strings.Contains(out, "level=ERROR msg=\"error 4\"") {
		t.Errorf("warn/error missing: %q", out)
	}
}

package recording

import (
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

func memStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openRecs(t testing.TB) (*Store, *store.Store) {
	t.Helper()
	st := memStore(t)
	s, err := Open(st, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// wav is a WAV file of d of silence at 8 kHz.
func wav(channels int, d time.Duration) []byte {
	n := uint32(d.Milliseconds()) * 8 * 2 * uint32(channels)
	return append(AppendWAVHeader(nil, channels, 8000, n), make([]byte, n)...)
}

// record makes a finished recording holding body.
func record(t testing.TB, s *Store, m Meta, body []byte) string {
	t.Helper()
	id, path, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(id, 0); err != nil {
		t.Fatal(err)
	}
	return id
}

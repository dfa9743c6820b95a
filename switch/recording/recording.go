// Package recording keeps recordings: WAV files under one directory, named
// by ID, and their index in the store. The media layer writes a file at the
// path Create reserves, then Finish indexes it (or Abort drops it). A
// file without an index entry is debris of an interrupted recording; the
// sweep at Open removes such files and entries without files.
package recording

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Meta describes a recording (the store's index entry).
type Meta = store.Recording

// Recording kinds (Meta.Kind).
const (
	KindProgram    = store.RecordingProgram
	KindCall       = store.RecordingCall
	KindConference = store.RecordingConference
)

// DirName is the recordings directory's name in the data dir.
const DirName = "recordings"

// SweepAge is how old a file without an index entry must be before the
// sweep removes it: younger ones may still be being written by a process
// that shares the directory.
const SweepAge = time.Hour

// Store is the recordings directory and index. It is safe for concurrent use.
type Store struct {
	st  *store.Store
	dir string
	log *slog.Logger

	mu       sync.Mutex
	reserved map[string]Meta // created, not finished or aborted
}

// Open opens the recordings kept in dir (DATA/recordings; created with mode
// 0700 if needed) and indexed in st, and sweeps debris (see Sweep),
// logging what it removed.
func Open(st *store.Store, dir string) (*Store, error) {
	if st == nil || dir == "" {
		return nil, errors.New("recording: open: need a store and a directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("recording: open: %w", err)
	}
	s := &Store{st: st, dir: dir, log: slog.Default().With("component", "recording"), reserved: map[string]Meta{}}
	if _, err := s.Sweep(SweepAge); err != nil {
		// Debris costs disk, not correctness: keep going.
		s.log.Warn("recording: sweep failed", "dir", dir, "err", err)
	}
	return s, nil
}

// Dir is the recordings directory.
func (s *Store) Dir() string { return s.dir }

// file is the one place a recording's path is built: the ID is checked
// first, so nothing but NewID's shape reaches the file system.
func (s *Store) file(id string) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("recording %q: %w", truncate(id), ErrInvalidID)
	}
	return filepath.Join(s.dir, id+".wav"), nil
}

// Create reserves an ID and a path for a recording about to be written
// (the caller writes the WAV there). m.ID must be empty; Kind is required;
// Started defaults to now and Channels to 1; Duration and Bytes are set by
// Finish.
func (s *Store) Create(m Meta) (id, path string, err error) {
	if m.ID != "" {
		return "", "", errors.New("recording: create: the id is assigned by Create, leave it empty")
	}
	if m.Started.IsZero() {
		m.Started = time.Now()
	}
	m.Started = m.Started.UTC()
	if m.Channels == 0 {
		m.Channels = 1
	}
	m.Duration, m.Bytes = 0, 0
	s.mu.Lock()
	defer s.mu.Unlock()
	for range 8 {
		m.ID = NewID(m.Started)
		if err := m.Validate(); err != nil {
			return "", "", fmt.Errorf("recording: create: %w", err)
		}
		path, _ = s.file(m.ID)
		if _, taken := s.reserved[m.ID]; taken {
			continue
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			continue // an ID taken by a file, or an unreadable directory
		}
		s.reserved[m.ID] = m
		return m.ID, path, nil
	}
	return "", "", fmt.Errorf("recording: create: no free id in %s (is the directory readable?)", s.dir)
}

// Finish indexes a recording written at the path Create gave: the size
// comes from the file, channels from its header and, when dur <= 0, the
// duration too. A file that is not a WAV of 16-bit PCM is refused and stays
// reserved (Abort it).
func (s *Store) Finish(id string, dur time.Duration) error {
	path, err := s.file(id)
	if err != nil {
		return fmt.Errorf("recording: finish: %w", err)
	}
	s.mu.Lock()
	m, ok := s.reserved[id]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("recording: finish %s: %w", id, ErrNotReserved)
	}
	if err := syncFile(path); err != nil {
		return fmt.Errorf("recording: finish %s: %w", id, TrimPaths(err))
	}
	info, size, err := StatWAV(path)
	if err != nil {
		return fmt.Errorf("recording: finish %s: %w", id, err)
	}
	if dur <= 0 {
		dur = info.Duration()
	}
	m.Channels, m.Duration, m.Bytes = info.Channels, dur, size
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reserved[id]; !ok { // finished or aborted meanwhile
		return fmt.Errorf("recording: finish %s: %w", id, ErrNotReserved)
	}
	if err := s.st.PutRecording(m); err != nil {
		return fmt.Errorf("recording: finish: %w", err)
	}
	delete(s.reserved, id)
	return nil
}

// Abort drops a reservation and removes its file, if written.
func (s *Store) Abort(id string) error {
	path, err := s.file(id)
	if err != nil {
		return fmt.Errorf("recording: abort: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reserved[id]; !ok {
		return fmt.Errorf("recording: abort %s: %w", id, ErrNotReserved)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("recording: abort %s: %w", id, TrimPaths(err))
	}
	delete(s.reserved, id)
	return nil
}

// Get returns a finished recording's entry, or ErrNotFound.
func (s *Store) Get(id string) (Meta, error) {
	if _, err := s.file(id); err != nil {
		return Meta{}, fmt.Errorf("recording: get: %w", err)
	}
	m, err := s.st.GetRecording(id)
	if err != nil {
		return Meta{}, fmt.Errorf("recording: %w", err)
	}
	return m, nil
}

// Path returns a finished recording's file, or ErrNotFound (no entry) or
// ErrFileMissing.
func (s *Store) Path(id string) (string, error) {
	path, err := s.file(id)
	if err != nil {
		return "", fmt.Errorf("recording: path: %w", err)
	}
	if _, err := s.st.GetRecording(id); err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	if _, err := os.Lstat(path); err != nil {
		return "", fmt.Errorf("recording %s: %w: %w", id, ErrFileMissing, TrimPaths(err))
	}
	return path, nil
}

// Delete removes a recording's entry, then its file.
func (s *Store) Delete(id string) error {
	path, err := s.file(id)
	if err != nil {
		return fmt.Errorf("recording: delete: %w", err)
	}
	if err := s.st.DeleteRecording(id); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	// Without its entry the file is debris: if this fails, the sweep
	// removes it later.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("recording: deleted entry, file stays until the next sweep", "id", id, "err", err)
	}
	return nil
}

// Take removes a recording's entry and hands its file over to the caller,
// who moves it elsewhere (a voicemail box) or gives it back with Restore.
// Of concurrent Takes of one ID, one wins and the others get ErrNotFound.
// An entry whose file is gone is removed and reported (ErrFileMissing).
func (s *Store) Take(id string) (path string, m Meta, err error) {
	path, err = s.file(id)
	if err != nil {
		return "", Meta{}, fmt.Errorf("recording: take: %w", err)
	}
	m, err = s.st.TakeRecording(id)
	if err != nil {
		return "", Meta{}, fmt.Errorf("recording: %w", err)
	}
	if _, err := os.Lstat(path); err != nil {
		return "", Meta{}, fmt.Errorf("recording %s: %w: %w", id, ErrFileMissing, TrimPaths(err))
	}
	return path, m, nil
}

// Restore indexes again a recording that Take handed over, its file back
// at the path Take gave.
func (s *Store) Restore(m Meta) error {
	path, err := s.file(m.ID)
	if err != nil {
		return fmt.Errorf("recording: restore: %w", err)
	}
	if _, err := os.Lstat(path); err != nil {
		return fmt.Errorf("recording: restore %s: %w: %w", m.ID, ErrFileMissing, TrimPaths(err))
	}
	if err := s.st.PutRecording(m); err != nil {
		return fmt.Errorf("recording: restore: %w", err)
	}
	return nil
}

// Count is the number of finished recordings.
func (s *Store) Count() (int, error) {
	ids, err := s.st.RecordingIDs()
	if err != nil {
		return 0, fmt.Errorf("recording: count: %w", err)
	}
	return len(ids), nil
}

// List limits.
const (
	DefaultListLimit = 100
	MaxListLimit     = 10000
)

// Filter selects recordings for List. Zero fields select everything.
type Filter struct {
	Kind         string    // program, call or conference
	From, To     string    // substrings of Meta.From and Meta.To
	CallID       string    // equal to Meta.CallID: the recordings of one call (its CDR's call_id)
	Since, Until time.Time // Started in [Since, Until)
	Limit        int       // default DefaultListLimit, at most MaxListLimit
	Offset       int
}

// List returns a page of the recordings that match f, newest first, and how
// many match in all. Entries that fail to decode are left out and reported
// in the error alongside the page.
func (s *Store) List(f Filter) ([]Meta, int, error) {
	switch {
	case f.Limit < 0 || f.Limit > MaxListLimit:
		return nil, 0, fmt.Errorf("recording: list: limit %d: want 0 (default %d) to %d", f.Limit, DefaultListLimit, MaxListLimit)
	case f.Offset < 0:
		return nil, 0, fmt.Errorf("recording: list: offset %d: must not be negative", f.Offset)
	case f.Kind != "" && f.Kind != KindProgram && f.Kind != KindCall && f.Kind != KindConference:
		return nil, 0, fmt.Errorf("recording: list: kind %q: want program, call or conference", truncate(f.Kind))
	}
	if f.Limit == 0 {
		f.Limit = DefaultListLimit
	}
	all, listErr := s.st.ListRecordings()
	if listErr != nil && all == nil {
		return nil, 0, fmt.Errorf("recording: %w", listErr)
	}
	match := all[:0]
	for _, m := range all {
		if (f.Kind == "" || m.Kind == f.Kind) && (f.CallID == "" || m.CallID == f.CallID) &&
			strings.Contains(m.From, f.From) && strings.Contains(m.To, f.To) &&
			(f.Since.IsZero() || !m.Started.Before(f.Since)) &&
			(f.Until.IsZero() || m.Started.Before(f.Until)) {
			match = append(match, m)
		}
	}
	// IDs order by second only: sort by the exact start, newest first.
	slices.SortFunc(match, func(a, b Meta) int {
		if c := b.Started.Compare(a.Started); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	total := len(match)
	lo := min(f.Offset, total)
	hi := min(lo+f.Limit, total)
	page := slices.Clone(match[lo:hi])
	if listErr != nil {
		return page, total, fmt.Errorf("recording: %w", listErr)
	}
	return page, total, nil
}

func syncFile(path string) error {
	if fi, err := os.Lstat(path); err != nil {
		return err
	} else if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// truncate shortens untrusted text quoted in errors.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// InProgress counts the recordings created and not yet finished or
// aborted: what is being recorded now.
func (s *Store) InProgress() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reserved)
}

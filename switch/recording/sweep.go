package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepResult names what a sweep removed.
type SweepResult struct {
	Files   []string // IDs of files that had no index entry
	Entries []string // IDs of index entries that had no file
}

// Sweep removes recording files that have no index entry, are not reserved
// and were last written more than age ago (an interrupted recording), and
// index entries whose file is gone. Files not named like a recording are
// left alone. It logs each removal.
func (s *Store) Sweep(age time.Duration) (SweepResult, error) {
	var res SweepResult
	ids, err := s.st.RecordingIDs()
	if err != nil {
		return res, fmt.Errorf("recording: sweep: %w", err)
	}
	indexed := make(map[string]bool, len(ids))
	for _, id := range ids {
		indexed[id] = true
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return res, fmt.Errorf("recording: sweep: %w", err)
	}
	cutoff := time.Now().Add(-age)
	var errs []error
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".wav")
		if !ok || !ValidID(id) || indexed[id] || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if s.debris(id) {
			if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			s.log.Info("recording: removed a file without index entry (interrupted recording)", "id", id, "modified", fi.ModTime(), "bytes", fi.Size())
			res.Files = append(res.Files, id)
		}
	}
	for _, id := range ids {
		path, err := s.file(id)
		if err != nil {
			continue // not ours: the store accepts more IDs than we make
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := s.st.DeleteRecording(id); err != nil {
			if !errors.Is(err, ErrNotFound) { // taken or deleted meanwhile
				errs = append(errs, err)
			}
			continue
		}
		s.log.Info("recording: removed an index entry without file", "id", id)
		res.Entries = append(res.Entries, id)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("recording: sweep: %w", errors.Join(errs...))
	}
	return res, nil
}

// debris reports whether id is still neither reserved nor indexed (it may
// have been finished since the sweep listed the index).
func (s *Store) debris(id string) bool {
	s.mu.Lock()
	_, reserved := s.reserved[id]
	s.mu.Unlock()
	if reserved {
		return false
	}
	_, err := s.st.GetRecording(id)
	return errors.Is(err, ErrNotFound)
}

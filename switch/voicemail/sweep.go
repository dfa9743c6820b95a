package voicemail

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
)

// SweepResult names what a sweep removed, as "<box>/<id>".
type SweepResult struct {
	Files   []string // message files without an index entry
	Entries []string // index entries without a file
}

// Sweep removes message files that have no index entry and were last
// written more than age ago (a deposit interrupted between the move and
// the index), and index entries whose file is gone. Greetings and files
// not named like messages are left alone. It logs each removal.
func (s *Store) Sweep(age time.Duration) (SweepResult, error) {
	var res SweepResult
	ms, err := s.st.ListVoicemailMessages("")
	if err != nil && ms == nil {
		return res, fmt.Errorf("voicemail: sweep: %w", err)
	}
	indexed := make(map[string]bool, len(ms))
	for _, m := range ms {
		indexed[m.Box+"/"+m.ID] = true
	}
	boxes, err := os.ReadDir(s.dir)
	if err != nil {
		return res, fmt.Errorf("voicemail: sweep: %w", err)
	}
	cutoff := time.Now().Add(-age)
	var errs []error
	touched := map[string]bool{}
	for _, bd := range boxes {
		box := bd.Name()
		if !bd.IsDir() || checkBox(box) != nil {
			continue
		}
		ents, err := os.ReadDir(filepath.Join(s.dir, box))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range ents {
			id, ok := strings.CutSuffix(e.Name(), ".wav")
			if !ok || !recording.ValidID(id) || indexed[box+"/"+id] || !e.Type().IsRegular() {
				continue
			}
			fi, err := e.Info()
			if err != nil || !fi.ModTime().Before(cutoff) {
				continue
			}
			if _, err := s.st.GetVoicemailMessage(box, id); !errors.Is(err, ErrNotFound) {
				continue // indexed since the listing
			}
			if err := os.Remove(filepath.Join(s.dir, box, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			s.log.Info("voicemail: removed a message file without index entry (interrupted deposit)", "box", box, "id", id, "modified", fi.ModTime())
			res.Files = append(res.Files, box+"/"+id)
		}
	}
	for _, m := range ms {
		path, err := s.file(m.Box, m.ID, "")
		if err != nil {
			continue
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := s.st.DeleteVoicemailMessage(m.Box, m.ID); err != nil {
			if !errors.Is(err, ErrNotFound) { // deleted meanwhile
				errs = append(errs, err)
			}
			continue
		}
		touched[m.Box] = true
		s.log.Info("voicemail: removed a message entry without file", "box", m.Box, "id", m.ID)
		res.Entries = append(res.Entries, m.Box+"/"+m.ID)
	}
	for box := range touched {
		s.changed(box)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("voicemail: sweep: %w", errors.Join(errs...))
	}
	return res, nil
}

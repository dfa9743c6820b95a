package voicemail

import (
	"errors"
	"fmt"
	"os"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// SetGreeting makes a finished recording box's greeting of kind
// (unavailable, busy or temp), replacing the previous one; a temp greeting
// becomes active. The recording leaves the recordings.
func (s *Store) SetGreeting(box, kind, recID string) error {
	dst, err := s.file(box, "", kind)
	if err == nil && !recording.ValidID(recID) {
		err = invalid("recording", fmt.Sprintf("%q: want a recording id", truncate(recID)))
	}
	if err == nil {
		err = s.need(box)
	}
	if err != nil {
		return fmt.Errorf("voicemail: set greeting: %w", err)
	}
	defer s.lock(box)()
	err = s.take(recID, dst, func(path string) error {
		_, _, err := recording.StatWAV(path)
		return err
	}, func() error {
		if kind != GreetingTemp {
			return nil
		}
		return s.st.UpdateVoicemailBox(box, func(b *store.VoicemailBox) error { b.TempGreeting = true; return nil })
	})
	if err != nil {
		return fmt.Errorf("voicemail: set %s greeting of %s: %w", kind, box, err)
	}
	return nil
}

// RemoveGreeting removes box's greeting of kind; none is not an error.
func (s *Store) RemoveGreeting(box, kind string) error {
	path, err := s.file(box, "", kind)
	if err == nil {
		err = s.need(box)
	}
	if err != nil {
		return fmt.Errorf("voicemail: remove greeting: %w", err)
	}
	defer s.lock(box)()
	if kind == GreetingTemp {
		if err := s.st.UpdateVoicemailBox(box, func(b *store.VoicemailBox) error { b.TempGreeting = false; return nil }); err != nil {
			return fmt.Errorf("voicemail: remove greeting: %w", err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("voicemail: remove %s greeting of %s: %w", kind, box, recording.TrimPaths(err))
	}
	return nil
}

// SetTempGreeting turns box's temp greeting on (it must exist) or off
// (it stays, for later).
func (s *Store) SetTempGreeting(box string, active bool) error {
	path, err := s.file(box, "", GreetingTemp)
	if err == nil {
		err = s.need(box)
	}
	if err != nil {
		return fmt.Errorf("voicemail: temp greeting: %w", err)
	}
	defer s.lock(box)()
	if active && !regular(path) {
		return fmt.Errorf("voicemail: temp greeting of %s: none recorded: %w", box, ErrNotFound)
	}
	if err := s.st.UpdateVoicemailBox(box, func(b *store.VoicemailBox) error { b.TempGreeting = active; return nil }); err != nil {
		return fmt.Errorf("voicemail: temp greeting: %w", err)
	}
	return nil
}

// Greeting returns the WAV file of box's greeting of kind, if there is
// one (the temp greeting only while active).
func (s *Store) Greeting(box, kind string) (path string, ok bool) {
	path, err := s.file(box, "", kind)
	if err != nil || !regular(path) {
		return "", false
	}
	if kind == GreetingTemp {
		b, err := s.st.GetVoicemailBox(box)
		if err != nil || !b.TempGreeting {
			return "", false
		}
	}
	return path, true
}

func regular(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// Discard deletes a recording that a program made and does not keep (a
// message under the minimum length, a conference member's name), so
// such recordings do not pile up.
func (s *Store) Discard(recID string) error {
	if err := s.rec.Delete(recID); err != nil {
		return fmt.Errorf("voicemail: discard: %w", err)
	}
	return nil
}

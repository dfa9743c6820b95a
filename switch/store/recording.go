package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Recording index keys are "rec/" + the ID. The audio itself is a WAV file
// that switch/recording names after the ID; the index is what makes a file
// a recording (a file without an entry is debris of an interrupted one).
const recPrefix = "rec/"

// Recording kinds.
const (
	RecordingProgram    = "program"    // a call program's record primitive
	RecordingCall       = "call"       // a whole bridged call
	RecordingConference = "conference" // a conference's mix
)

const (
	maxRecordingIDLen  = 64
	maxRecordingStrLen = 256
)

// Recording is one finished recording's index entry.
type Recording struct {
	ID       string        `json:"id"`
	CallID   string        `json:"call_id,omitempty"`
	Kind     string        `json:"kind"`           // program, call or conference
	From     string        `json:"from,omitempty"` // who was recorded
	To       string        `json:"to,omitempty"`   // with whom (callee, conference room)
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration"`
	Channels int           `json:"channels"` // 1 or 2 (one leg per channel)
	Bytes    int64         `json:"bytes"`    // file size
}

// Validate checks a recording entry as PutRecording will. Errors are
// *FieldError wrapping ErrInvalid.
func (r *Recording) Validate() error {
	if err := validRecordingID(r.ID); err != nil {
		return err
	}
	switch r.Kind {
	case RecordingProgram, RecordingCall, RecordingConference:
	default:
		return invalid("kind", fmt.Sprintf("%q: want program, call or conference", r.Kind))
	}
	for _, f := range [...]struct{ name, v string }{{"call_id", r.CallID}, {"from", r.From}, {"to", r.To}} {
		if len(f.v) > maxRecordingStrLen || hasControl(f.v) {
			return invalid(f.name, fmt.Sprintf("must be at most %d printable bytes", maxRecordingStrLen))
		}
	}
	switch {
	case r.Started.IsZero():
		return invalid("started", "required")
	case r.Duration < 0:
		return invalid("duration", "must not be negative")
	case r.Channels != 1 && r.Channels != 2:
		return invalid("channels", "must be 1 or 2")
	case r.Bytes < 0:
		return invalid("bytes", "must not be negative")
	}
	return nil
}

// validRecordingID keeps IDs key- and file-name-safe: letters, digits and
// '-', so no '/' or ".." can ever reach a key or a path. The exact format
// is switch/recording's.
func validRecordingID(id string) error {
	if id == "" || len(id) > maxRecordingIDLen {
		return invalid("id", fmt.Sprintf("must be 1-%d bytes", maxRecordingIDLen))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !isAlnum(c) && c != '-' {
			return invalid("id", "must hold only letters, digits and '-'")
		}
	}
	return nil
}

func recKey(id string) []byte { return []byte(recPrefix + id) }

// PutRecording validates and stores a recording entry, replacing one with
// the same ID. Synced: the file it indexes would otherwise be swept.
func (s *Store) PutRecording(r Recording) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("put recording: %w", err)
	}
	val, err := marshal(r)
	if err != nil {
		return fmt.Errorf("put recording %s: %w", r.ID, err)
	}
	if err := s.update(true, func(txn *badger.Txn) error { return txn.Set(recKey(r.ID), val) }); err != nil {
		return fmt.Errorf("put recording %s: %w", r.ID, err)
	}
	return nil
}

// GetRecording returns the entry, or ErrNotFound.
func (s *Store) GetRecording(id string) (Recording, error) {
	var r Recording
	if validRecordingID(id) != nil {
		return r, fmt.Errorf("get recording %q: %w", id, ErrNotFound)
	}
	err := s.view(func(txn *badger.Txn) error { return getRecordingTxn(txn, id, &r) })
	if err != nil {
		return Recording{}, fmt.Errorf("get recording %s: %w", id, err)
	}
	return r, nil
}

func getRecordingTxn(txn *badger.Txn, id string, r *Recording) error {
	item, err := txn.Get(recKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	return decodeItem(item, r)
}

// DeleteRecording removes the entry, or returns ErrNotFound. Synced.
func (s *Store) DeleteRecording(id string) error {
	if _, err := s.takeRecording(id); err != nil {
		return fmt.Errorf("delete recording %s: %w", id, err)
	}
	return nil
}

// TakeRecording removes the entry and returns it, in one transaction: of
// two callers taking the same recording, one gets ErrNotFound. Synced. A
// corrupt entry is removed too, and reported (ErrCorrupt).
func (s *Store) TakeRecording(id string) (Recording, error) {
	r, err := s.takeRecording(id)
	if err != nil {
		return Recording{}, fmt.Errorf("take recording %s: %w", id, err)
	}
	return r, nil
}

func (s *Store) takeRecording(id string) (Recording, error) {
	var r Recording
	if validRecordingID(id) != nil {
		return r, ErrNotFound
	}
	var decodeErr error
	err := s.update(true, func(txn *badger.Txn) error {
		decodeErr = nil
		err := getRecordingTxn(txn, id, &r)
		if errors.Is(err, ErrCorrupt) {
			decodeErr = err
		} else if err != nil {
			return err
		}
		return txn.Delete(recKey(id))
	})
	if err == nil {
		err = decodeErr
	}
	return r, err
}

// ListRecordings returns every entry in ID order. Entries that fail to
// decode are left out and reported in the returned error (wrapping
// ErrCorrupt, naming their keys) alongside the readable ones.
func (s *Store) ListRecordings() ([]Recording, error) {
	var out []Recording
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: []byte(recPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var r Recording
			if err := decodeItem(it.Item(), &r); err != nil {
				bad = append(bad, err)
				continue
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("list recordings: %w", errors.Join(bad...))
	}
	return out, nil
}

// RecordingIDs returns every entry's ID in order, reading keys only (the
// recordings sweep compares them with the files).
func (s *Store) RecordingIDs() ([]string, error) {
	var out []string
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(recPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			out = append(out, string(it.Item().Key()[len(recPrefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list recording ids: %w", err)
	}
	return out, nil
}

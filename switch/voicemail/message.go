package voicemail

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Deposit moves a finished recording into box as a new message from
// caller: refused when the box does not exist (ErrNoBox), is full
// (ErrBoxFull: the recording stays), or the recording is unknown
// (recording.ErrNotFound) or not a WAV of 16-bit PCM (it stays). The
// message's ID is the recording's; its duration comes from the WAV header.
func (s *Store) Deposit(box, recID, caller, callerName string) (Message, error) {
	m := store.VoicemailMessage{ID: recID, Box: box, Folder: FolderNew, Caller: caller, CallerName: callerName, Received: time.Now().UTC()}
	dst, err := s.file(box, recID, "")
	if err == nil {
		err = m.Validate()
	}
	if err == nil {
		err = s.need(box)
	}
	if err != nil {
		return Message{}, fmt.Errorf("voicemail: deposit: %w", err)
	}
	unlock := s.lock(box)
	msg, err := s.deposit(m, dst)
	unlock()
	if err != nil {
		return Message{}, fmt.Errorf("voicemail: deposit into %s: %w", box, err)
	}
	s.changed(box)
	return msg, nil
}

// deposit runs under box's lock: the capacity check before Take spares the
// recording when the box is full; the store checks it again when adding.
func (s *Store) deposit(m store.VoicemailMessage, dst string) (Message, error) {
	b, err := s.settings(m.Box)
	if err != nil {
		return Message{}, err
	}
	ms, err := s.st.ListVoicemailMessages(m.Box)
	if err != nil && ms == nil {
		return Message{}, err
	}
	if len(ms) >= b.Capacity() {
		return Message{}, fmt.Errorf("%w (%d messages)", ErrBoxFull, len(ms))
	}
	var info recording.WAVInfo
	err = s.take(m.ID, dst, func(path string) (err error) {
		info, _, err = recording.StatWAV(path)
		return err
	}, func() error {
		m.Duration = info.Duration()
		return s.st.AddVoicemailMessage(m, b.Capacity())
	})
	if err != nil {
		return Message{}, err
	}
	return toMessage(m, dst), nil
}

// take moves recording id to dst: check vets the taken file first, commit
// runs after the move. If either fails, the recording is put back.
func (s *Store) take(id, dst string, check func(path string) error, commit func() error) error {
	src, meta, err := s.rec.Take(id)
	if err != nil {
		return err
	}
	moved := false
	err = check(src)
	if err == nil {
		err = recording.TrimPaths(os.MkdirAll(filepath.Dir(dst), 0o700))
	}
	if err == nil {
		err = recording.Move(src, dst)
		moved = err == nil
	}
	if err == nil {
		err = commit()
	}
	if err == nil {
		return nil
	}
	if moved {
		if merr := recording.Move(dst, src); merr != nil {
			s.log.Error("voicemail: could not move a recording back after a failure; it will be swept", "id", id, "err", merr)
			return err
		}
	}
	if rerr := s.rec.Restore(meta); rerr != nil {
		s.log.Error("voicemail: could not restore a recording after a failure; it will be swept", "id", id, "err", rerr)
	}
	return err
}

func toMessage(m store.VoicemailMessage, path string) Message {
	return Message{ID: m.ID, Box: m.Box, Folder: m.Folder, Caller: m.Caller, CallerName: m.CallerName,
		Received: m.Received, Duration: m.Duration, Path: path}
}

// Messages returns a box's messages in folder ("new", "saved" or "" for
// both), oldest first, as a retrieval menu plays them.
func (s *Store) Messages(box, folder string) ([]Message, error) {
	if folder != "" && folder != FolderNew && folder != FolderSaved {
		return nil, fmt.Errorf("voicemail: messages: %w", invalid("folder", fmt.Sprintf("%q: want new, saved or empty for both", truncate(folder))))
	}
	if err := s.need(box); err != nil {
		return nil, fmt.Errorf("voicemail: messages: %w", err)
	}
	return s.list(box, folder)
}

// AllMessages returns every box's messages, by box, oldest first.
func (s *Store) AllMessages() ([]Message, error) { return s.list("", "") }

func (s *Store) list(box, folder string) ([]Message, error) {
	ms, listErr := s.st.ListVoicemailMessages(box)
	if listErr != nil && ms == nil {
		return nil, fmt.Errorf("voicemail: %w", listErr)
	}
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		if folder != "" && m.Folder != folder {
			continue
		}
		path, err := s.file(m.Box, m.ID, "")
		if err != nil {
			continue // an entry we never wrote
		}
		out = append(out, toMessage(m, path))
	}
	slices.SortFunc(out, func(a, b Message) int {
		if c := strings.Compare(a.Box, b.Box); c != 0 {
			return c
		}
		if c := a.Received.Compare(b.Received); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if listErr != nil {
		return out, fmt.Errorf("voicemail: %w", listErr)
	}
	return out, nil
}

// Message returns one message, or ErrNotFound.
func (s *Store) Message(box, id string) (Message, error) {
	path, err := s.file(box, id, "")
	if err != nil {
		return Message{}, fmt.Errorf("voicemail: message: %w", err)
	}
	m, err := s.st.GetVoicemailMessage(box, id)
	if err != nil {
		return Message{}, fmt.Errorf("voicemail: %w", err)
	}
	return toMessage(m, path), nil
}

// Path returns a message's WAV file, or ErrNotFound.
func (s *Store) Path(box, id string) (string, error) {
	m, err := s.Message(box, id)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(m.Path); err != nil {
		return "", fmt.Errorf("voicemail: message %s/%s: file missing: %w", box, id, recording.TrimPaths(err))
	}
	return m.Path, nil
}

// MarkSaved moves a message to the saved folder (a message saved already
// stays, without a change notice).
func (s *Store) MarkSaved(box, id string) error {
	if _, err := s.file(box, id, ""); err != nil {
		return fmt.Errorf("voicemail: save: %w", err)
	}
	changed, err := s.st.SetVoicemailFolder(box, id, FolderSaved)
	if err != nil {
		return fmt.Errorf("voicemail: %w", err)
	}
	if changed {
		s.changed(box)
	}
	return nil
}

// Delete removes a message: its entry, then its file.
func (s *Store) Delete(box, id string) error {
	path, err := s.file(box, id, "")
	if err != nil {
		return fmt.Errorf("voicemail: delete: %w", err)
	}
	if err := s.st.DeleteVoicemailMessage(box, id); err != nil {
		return fmt.Errorf("voicemail: %w", err)
	}
	// Without its entry the file is debris: if this fails, the sweep
	// removes it later.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("voicemail: deleted a message's entry, its file stays until the next sweep", "box", box, "id", id, "err", err)
	}
	s.changed(box)
	return nil
}

// Counts returns how many new and saved messages box holds (the MWI
// Mailboxes interface).
func (s *Store) Counts(box string) (newMsgs, saved int, err error) {
	if err := s.need(box); err != nil {
		return 0, 0, fmt.Errorf("voicemail: counts: %w", err)
	}
	newMsgs, saved, err = s.st.CountVoicemailMessages(box)
	if err != nil {
		if !errors.Is(err, store.ErrCorrupt) {
			return 0, 0, fmt.Errorf("voicemail: %w", err)
		}
		s.log.Warn("voicemail: counting the readable messages only", "box", box, "err", err)
	}
	return newMsgs, saved, nil
}

package store

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Voicemail index keys: "vmbox/<box>" holds a box's settings (absent until
// something is set), "vmmsg/<box>/<id>" one message each and "vmseq/<box>"
// the count of deposits ever made, which every deposit reads and writes so
// that two concurrent deposits into one box conflict and the second
// recounts (badger does not see phantoms: a new key another transaction
// adds is not a read of ours). Boxes are extension numbers (digits), so
// "vmmsg/10/" never prefixes "vmmsg/100/".
const (
	vmBoxPrefix = "vmbox/"
	vmMsgPrefix = "vmmsg/"
	vmSeqPrefix = "vmseq/"
)

// Voicemail folders.
const (
	FolderNew   = "new"
	FolderSaved = "saved"
)

// DefaultMaxMessages is a box's capacity when its settings say nothing.
const DefaultMaxMessages = 100

const (
	MaxMaxMessages    = 10000
	maxVoicemailStr   = 256
	maxPINMaterialLen = 64
)

// ErrBoxFull means a voicemail box holds its maximum of messages.
var ErrBoxFull = errors.New("voicemail box full")

// VoicemailBox is a box's settings. The PIN is kept as a PBKDF2 hash
// (switch/voicemail computes and checks it); no hash means no PIN.
type VoicemailBox struct {
	Number       string `json:"number"`
	PINHash      []byte `json:"pin_hash,omitempty"`
	PINSalt      []byte `json:"pin_salt,omitempty"`
	PINIter      int    `json:"pin_iter,omitempty"`
	Email        string `json:"email,omitempty"` // for notifications (unused yet)
	MaxMessages  int    `json:"max_messages"`    // 0 means DefaultMaxMessages
	TempGreeting bool   `json:"temp_greeting,omitempty"`
}

// Validate checks the settings as PutVoicemailBox will.
func (b *VoicemailBox) Validate() error {
	if err := validNumber(b.Number); err != nil {
		return err
	}
	if len(b.PINHash) > maxPINMaterialLen || len(b.PINSalt) > maxPINMaterialLen {
		return invalid("pin_hash", fmt.Sprintf("hash and salt must be at most %d bytes", maxPINMaterialLen))
	}
	if len(b.PINHash) > 0 && (len(b.PINSalt) == 0 || b.PINIter < 1) {
		return invalid("pin_hash", "a hash needs its salt and iteration count")
	}
	if b.Email != "" {
		if err := validEmail(b.Email); err != nil {
			return err
		}
	}
	if b.MaxMessages < 0 || b.MaxMessages > MaxMaxMessages {
		return invalid("max_messages", fmt.Sprintf("must be 0 (default %d) to %d", DefaultMaxMessages, MaxMaxMessages))
	}
	return nil
}

// Capacity is MaxMessages with the default applied.
func (b *VoicemailBox) Capacity() int {
	if b.MaxMessages == 0 {
		return DefaultMaxMessages
	}
	return b.MaxMessages
}

// VoicemailMessage is one message's index entry. Its audio is a WAV file
// that switch/voicemail names after Box and ID.
type VoicemailMessage struct {
	ID         string        `json:"id"` // a recording ID (letters, digits, '-')
	Box        string        `json:"box"`
	Folder     string        `json:"folder"` // new or saved
	Caller     string        `json:"caller,omitempty"`
	CallerName string        `json:"caller_name,omitempty"`
	Received   time.Time     `json:"received"`
	Duration   time.Duration `json:"duration"`
}

// Validate checks a message entry as AddVoicemailMessage will.
func (m *VoicemailMessage) Validate() error {
	if err := validRecordingID(m.ID); err != nil {
		return err
	}
	if validNumber(m.Box) != nil {
		return invalid("box", fmt.Sprintf("must be %d-%d digits", MinNumberLen, MaxNumberLen))
	}
	if err := validFolder(m.Folder); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, v string }{{"caller", m.Caller}, {"caller_name", m.CallerName}} {
		if len(f.v) > maxVoicemailStr || hasControl(f.v) {
			return invalid(f.name, fmt.Sprintf("must be at most %d printable bytes", maxVoicemailStr))
		}
	}
	switch {
	case m.Received.IsZero():
		return invalid("received", "required")
	case m.Duration < 0:
		return invalid("duration", "must not be negative")
	}
	return nil
}

func validFolder(f string) error {
	if f != FolderNew && f != FolderSaved {
		return invalid("folder", fmt.Sprintf("%q: want new or saved", f))
	}
	return nil
}

func vmBoxKey(box string) []byte       { return []byte(vmBoxPrefix + box) }
func vmSeqKey(box string) []byte       { return []byte(vmSeqPrefix + box) }
func vmMsgBoxPrefix(box string) []byte { return []byte(vmMsgPrefix + box + "/") }
func vmMsgKey(box, id string) []byte   { return []byte(vmMsgPrefix + box + "/" + id) }

// msgKey validates a message's box and ID before they become a key; odd
// input is certainly absent.
func msgKey(box, id string) ([]byte, error) {
	if validNumber(box) != nil || validRecordingID(id) != nil {
		return nil, ErrNotFound
	}
	return vmMsgKey(box, id), nil
}

// GetVoicemailBox returns a box's settings, or ErrNotFound when none were
// ever stored (the box then has the defaults and no PIN).
func (s *Store) GetVoicemailBox(number string) (VoicemailBox, error) {
	var b VoicemailBox
	if validNumber(number) != nil {
		return b, fmt.Errorf("get voicemail box %q: %w", number, ErrNotFound)
	}
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(vmBoxKey(number))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return decodeItem(item, &b)
	})
	if err != nil {
		return VoicemailBox{}, fmt.Errorf("get voicemail box %s: %w", number, err)
	}
	return b, nil
}

// UpdateVoicemailBox reads a box's settings (the defaults when none are
// stored), lets fn change them and stores the result, in one transaction
// (fn may run more than once on a conflict). Synced.
func (s *Store) UpdateVoicemailBox(number string, fn func(*VoicemailBox) error) error {
	if err := validNumber(number); err != nil {
		return fmt.Errorf("update voicemail box: %w", err)
	}
	key := vmBoxKey(number)
	err := s.update(true, func(txn *badger.Txn) error {
		b := VoicemailBox{Number: number}
		item, err := txn.Get(key)
		if err == nil {
			if err := decodeItem(item, &b); err != nil {
				return err
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if err := fn(&b); err != nil {
			return err
		}
		b.Number = number
		if err := b.Validate(); err != nil {
			return err
		}
		val, err := marshal(b)
		if err != nil {
			return err
		}
		return txn.Set(key, val)
	})
	if err != nil {
		return fmt.Errorf("update voicemail box %s: %w", number, err)
	}
	return nil
}

// AddVoicemailMessage stores a new message unless its box already holds
// max messages (ErrBoxFull) or the ID is taken (ErrExists). Concurrent
// adds to one box never exceed max. Synced.
func (s *Store) AddVoicemailMessage(m VoicemailMessage, max int) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("add voicemail message: %w", err)
	}
	val, err := marshal(m)
	if err != nil {
		return fmt.Errorf("add voicemail message %s/%s: %w", m.Box, m.ID, err)
	}
	key := vmMsgKey(m.Box, m.ID)
	err = s.update(true, func(txn *badger.Txn) error {
		seq := vmSeqKey(m.Box)
		var n uint64
		if item, err := txn.Get(seq); err == nil {
			if err := item.Value(func(b []byte) error {
				n, err = strconv.ParseUint(string(b), 10, 64)
				return err
			}); err != nil {
				return fmt.Errorf("key %q: %w: %w", seq, ErrCorrupt, err)
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if _, err := txn.Get(key); err == nil {
			return ErrExists
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		have := 0
		it := txn.NewIterator(badger.IteratorOptions{Prefix: vmMsgBoxPrefix(m.Box)})
		for it.Rewind(); it.Valid(); it.Next() {
			have++
		}
		it.Close()
		if have >= max {
			return ErrBoxFull
		}
		if err := txn.Set(seq, []byte(strconv.FormatUint(n+1, 10))); err != nil {
			return err
		}
		return txn.Set(key, val)
	})
	if err != nil {
		return fmt.Errorf("add voicemail message %s/%s: %w", m.Box, m.ID, err)
	}
	return nil
}

// GetVoicemailMessage returns a message, or ErrNotFound.
func (s *Store) GetVoicemailMessage(box, id string) (VoicemailMessage, error) {
	var m VoicemailMessage
	key, err := msgKey(box, id)
	if err == nil {
		err = s.view(func(txn *badger.Txn) error {
			item, err := txn.Get(key)
			if errors.Is(err, badger.ErrKeyNotFound) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			return decodeItem(item, &m)
		})
	}
	if err != nil {
		return VoicemailMessage{}, fmt.Errorf("get voicemail message %q/%q: %w", box, id, err)
	}
	return m, nil
}

// SetVoicemailFolder moves a message to folder; changed is false when it
// was there already. ErrNotFound for no such message. Synced.
func (s *Store) SetVoicemailFolder(box, id, folder string) (changed bool, err error) {
	if err := validFolder(folder); err != nil {
		return false, fmt.Errorf("move voicemail message: %w", err)
	}
	key, err := msgKey(box, id)
	if err == nil {
		err = s.update(true, func(txn *badger.Txn) error {
			changed = false
			item, err := txn.Get(key)
			if errors.Is(err, badger.ErrKeyNotFound) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			var m VoicemailMessage
			if err := decodeItem(item, &m); err != nil {
				return err
			}
			if m.Folder == folder {
				return nil
			}
			m.Folder, changed = folder, true
			val, err := marshal(m)
			if err != nil {
				return err
			}
			return txn.Set(key, val)
		})
	}
	if err != nil {
		return false, fmt.Errorf("move voicemail message %q/%q: %w", box, id, err)
	}
	return changed, nil
}

// DeleteVoicemailMessage removes a message, or returns ErrNotFound. Synced.
func (s *Store) DeleteVoicemailMessage(box, id string) error {
	key, err := msgKey(box, id)
	if err == nil {
		err = s.update(true, func(txn *badger.Txn) error {
			if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			return txn.Delete(key)
		})
	}
	if err != nil {
		return fmt.Errorf("delete voicemail message %q/%q: %w", box, id, err)
	}
	return nil
}

// ListVoicemailMessages returns a box's messages ("" = every box's) in key
// order: by box, then ID. Entries that fail to decode are left out and
// reported in the returned error (wrapping ErrCorrupt) alongside the rest.
func (s *Store) ListVoicemailMessages(box string) ([]VoicemailMessage, error) {
	prefix := []byte(vmMsgPrefix)
	if box != "" {
		if validNumber(box) != nil {
			return nil, fmt.Errorf("list voicemail messages %q: %w", box, ErrNotFound)
		}
		prefix = vmMsgBoxPrefix(box)
	}
	var out []VoicemailMessage
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var m VoicemailMessage
			if err := decodeItem(it.Item(), &m); err != nil {
				bad = append(bad, err)
				continue
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list voicemail messages: %w", err)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("list voicemail messages: %w", errors.Join(bad...))
	}
	return out, nil
}

// CountVoicemailMessages returns how many new and saved messages box
// holds, decoding only the folders (MWI asks on every change).
func (s *Store) CountVoicemailMessages(box string) (newMsgs, saved int, err error) {
	if validNumber(box) != nil {
		return 0, 0, fmt.Errorf("count voicemail messages %q: %w", box, ErrNotFound)
	}
	var bad []error
	err = s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: vmMsgBoxPrefix(box)})
		defer it.Close()
		var m struct {
			Folder string `json:"folder"`
		}
		for it.Rewind(); it.Valid(); it.Next() {
			m.Folder = ""
			if err := decodeItem(it.Item(), &m); err != nil {
				bad = append(bad, err)
				continue
			}
			switch m.Folder {
			case FolderNew:
				newMsgs++
			case FolderSaved:
				saved++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("count voicemail messages %s: %w", box, err)
	}
	if len(bad) > 0 {
		return newMsgs, saved, fmt.Errorf("count voicemail messages %s: %w", box, errors.Join(bad...))
	}
	return newMsgs, saved, nil
}

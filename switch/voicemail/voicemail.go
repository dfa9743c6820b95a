// Package voicemail keeps voicemail boxes: one per extension, holding
// messages (WAV files under DATA/voicemail/<box>/, indexed in the store in
// the folders "new" and "saved"), greetings and a PIN. Messages arrive as
// finished recordings (switch/recording) that Deposit moves into the box.
package voicemail

import (
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// DirName is the voicemail directory's name in the data dir.
const DirName = "voicemail"

// Greeting kinds.
const (
	GreetingUnavailable = "unavailable"
	GreetingBusy        = "busy"
	GreetingTemp        = "temp" // played instead of the others while active
)

// Folders (Message.Folder).
const (
	FolderNew   = store.FolderNew
	FolderSaved = store.FolderSaved
)

// Message is one voicemail message. It is an alias of a plain struct type,
// not a named type, so that switch/lua's Voicemail interface, which spells
// out the same struct, is satisfied by *Store without either package
// importing the other (the engines stay free of the store).
type Message = struct {
	ID         string // the recording's ID
	Box        string
	Folder     string // new or saved
	Caller     string
	CallerName string
	Received   time.Time
	Duration   time.Duration
	Path       string // the WAV file
}

// Store is the voicemail boxes. It is safe for concurrent use.
type Store struct {
	st  *store.Store
	rec *recording.Store
	dir string
	log *slog.Logger

	// boxLocks serialise deposits and greeting changes per box (by hash):
	// the capacity check and the file moves belong together.
	boxLocks [16]sync.Mutex
	seed     maphash.Seed

	lmu       sync.Mutex
	listeners []func(box string)
}

// Open opens the boxes kept under dir (DATA/voicemail; created with mode
// 0700 if needed) and indexed in st, taking messages and greetings from
// rec, and sweeps debris (see Sweep), logging what it removed.
func Open(st *store.Store, rec *recording.Store, dir string) (*Store, error) {
	if st == nil || rec == nil || dir == "" {
		return nil, errors.New("voicemail: open: need a store, the recordings and a directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("voicemail: open: %w", err)
	}
	s := &Store{st: st, rec: rec, dir: dir, log: slog.Default().With("component", "voicemail"), seed: maphash.MakeSeed()}
	if _, err := s.Sweep(recording.SweepAge); err != nil {
		s.log.Warn("voicemail: sweep failed", "dir", dir, "err", err)
	}
	return s, nil
}

// Dir is the voicemail directory.
func (s *Store) Dir() string { return s.dir }

// file is the one place a box's paths are built: the box must be an
// extension number and the name a message ID or a greeting kind, so no
// '/' or ".." reaches the file system. Exactly one of id and kind is set.
func (s *Store) file(box, id, kind string) (string, error) {
	if err := checkBox(box); err != nil {
		return "", err
	}
	var name string
	switch {
	case id != "" && kind == "":
		if !recording.ValidID(id) {
			return "", invalid("id", fmt.Sprintf("%q: want a recording id (YYYYMMDDTHHMMSSZ-<8 hex digits>)", truncate(id)))
		}
		name = id + ".wav"
	case kind != "" && id == "":
		if err := checkKind(kind); err != nil {
			return "", err
		}
		name = "greeting-" + kind + ".wav"
	default:
		return "", errors.New("voicemail: internal: a file is a message or a greeting")
	}
	return filepath.Join(s.dir, box, name), nil
}

func checkBox(box string) error {
	if len(box) < store.MinNumberLen || len(box) > store.MaxNumberLen || strings.Trim(box, "0123456789") != "" {
		return invalid("box", fmt.Sprintf("%q: want an extension number (%d-%d digits)", truncate(box), store.MinNumberLen, store.MaxNumberLen))
	}
	return nil
}

func checkKind(kind string) error {
	switch kind {
	case GreetingUnavailable, GreetingBusy, GreetingTemp:
		return nil
	}
	return invalid("kind", fmt.Sprintf("%q: want unavailable, busy or temp", truncate(kind)))
}

// Exists reports whether box is a voicemail box: an extension's number.
func (s *Store) Exists(box string) (bool, error) {
	if checkBox(box) != nil {
		return false, nil
	}
	_, err := s.st.GetExtension(box)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("voicemail: %w", err)
	}
	return true, nil
}

// need checks that box exists.
func (s *Store) need(box string) error {
	if err := checkBox(box); err != nil {
		return err
	}
	ok, err := s.Exists(box)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w %s", ErrNoBox, box)
	}
	return nil
}

// settings returns a box's stored settings, or the defaults.
func (s *Store) settings(box string) (store.VoicemailBox, error) {
	b, err := s.st.GetVoicemailBox(box)
	if errors.Is(err, store.ErrNotFound) {
		return store.VoicemailBox{Number: box}, nil
	}
	return b, err
}

// Settings is a box's configuration as callers see it (no PIN material).
type Settings struct {
	Email        string
	MaxMessages  int  // with the default applied
	TempGreeting bool // the temp greeting is active
	HasPIN       bool
}

// Settings returns a box's settings.
func (s *Store) Settings(box string) (Settings, error) {
	if err := s.need(box); err != nil {
		return Settings{}, fmt.Errorf("voicemail: settings: %w", err)
	}
	b, err := s.settings(box)
	if err != nil {
		return Settings{}, fmt.Errorf("voicemail: settings: %w", err)
	}
	return Settings{Email: b.Email, MaxMessages: b.Capacity(), TempGreeting: b.TempGreeting, HasPIN: len(b.PINHash) > 0}, nil
}

// SetMaxMessages sets how many messages (new and saved) a box holds, 1 to
// store.MaxMaxMessages. Messages already there stay.
func (s *Store) SetMaxMessages(box string, n int) error {
	if n < 1 || n > store.MaxMaxMessages {
		return fmt.Errorf("voicemail: %w", invalid("max_messages", fmt.Sprintf("must be 1 to %d", store.MaxMaxMessages)))
	}
	return s.update(box, func(b *store.VoicemailBox) error { b.MaxMessages = n; return nil })
}

// SetEmail sets the address that will receive notifications ("" none).
func (s *Store) SetEmail(box, email string) error {
	return s.update(box, func(b *store.VoicemailBox) error { b.Email = email; return nil })
}

func (s *Store) update(box string, fn func(*store.VoicemailBox) error) error {
	if err := s.need(box); err != nil {
		return fmt.Errorf("voicemail: %w", err)
	}
	if err := s.st.UpdateVoicemailBox(box, fn); err != nil {
		return fmt.Errorf("voicemail: %w", err)
	}
	return nil
}

// lock takes box's lock; call the function it returns to release it.
func (s *Store) lock(box string) func() {
	m := &s.boxLocks[maphash.String(s.seed, box)%uint64(len(s.boxLocks))]
	m.Lock()
	return m.Unlock
}

// OnChange adds a listener called with the box's number after a change
// of its messages (deposit, save, delete) is committed, on the changing
// goroutine and under no lock: keep it short (MWI notifies from it).
func (s *Store) OnChange(fn func(box string)) {
	if fn == nil {
		return
	}
	s.lmu.Lock()
	s.listeners = append(s.listeners, fn)
	s.lmu.Unlock()
}

func (s *Store) changed(box string) {
	s.lmu.Lock()
	ls := s.listeners
	s.lmu.Unlock()
	for _, fn := range ls {
		fn(box)
	}
}

// truncate shortens untrusted text quoted in errors.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

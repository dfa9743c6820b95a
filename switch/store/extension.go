package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const extPrefix = "ext/"

// Limits for extension fields (SPEC P1, S2).
const (
	MinNumberLen       = 2
	MaxNumberLen       = 11
	DefaultMaxContacts = 2
	MaxMaxContacts     = 5
	maxNameLen         = 64  // characters
	maxEmailLen        = 254 // RFC 5321 4.5.3.1.3 path limit
	maxPasswordLen     = 128
)

// Extension is a user's phone number on the switch (SPEC P1).
type Extension struct {
	Number      string `json:"number"` // 2-11 digits (SPEC P1)
	Name        string `json:"name,omitempty"`
	Password    string `json:"password"` // SIP password, kept in clear: provisioning templates need it later
	Email       string `json:"email,omitempty"`
	MaxContacts int    `json:"max_contacts"` // default 2, 1..5 (SPEC S2)
	// Tenant names the tenant the extension belongs to (SPEC P11); ""
	// is the switch's own (no tenant).
	Tenant    string    `json:"tenant,omitempty"`
	Settings            // SPEC P1's per-phone settings, flat in the JSON
	Features  Features  `json:"features,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the fields and fills defaults (MaxContacts 0 becomes 2).
// Errors are *FieldError wrapping ErrInvalid. Password strength is not
// checked here (see CheckPassword): only that one is present and printable.
func (e *Extension) Validate() error {
	if err := validNumber(e.Number); err != nil {
		return err
	}
	if !utf8.ValidString(e.Name) || utf8.RuneCountInString(e.Name) > maxNameLen || hasControl(e.Name) {
		return invalid("name", fmt.Sprintf("must be at most %d printable characters", maxNameLen))
	}
	if e.Password == "" {
		return invalid("password", "required")
	}
	if len(e.Password) > maxPasswordLen || !utf8.ValidString(e.Password) || hasControl(e.Password) {
		return invalid("password", fmt.Sprintf("must be at most %d printable characters", maxPasswordLen))
	}
	if e.Email != "" {
		if err := validEmail(e.Email); err != nil {
			return err
		}
	}
	if e.MaxContacts == 0 {
		e.MaxContacts = DefaultMaxContacts
	}
	if e.MaxContacts < 1 || e.MaxContacts > MaxMaxContacts {
		return invalid("max_contacts", fmt.Sprintf("must be 1..%d", MaxMaxContacts))
	}
	if err := e.Settings.Validate(); err != nil {
		return err
	}
	return e.Features.Validate()
}

func validNumber(n string) error {
	if len(n) < MinNumberLen || len(n) > MaxNumberLen || !isDigits(n) {
		return invalid("number", fmt.Sprintf("must be %d-%d digits", MinNumberLen, MaxNumberLen))
	}
	return nil
}

// validEmail is a sanity check, not RFC 5322: one @, non-empty local part,
// a dotted domain, no spaces or controls.
func validEmail(s string) error {
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case len(s) > maxEmailLen || !utf8.ValidString(s):
		return invalid("email", fmt.Sprintf("must be at most %d characters", maxEmailLen))
	case !ok || local == "" || strings.Contains(domain, "@") || strings.ContainsAny(s, " <>,;\"") || hasControl(s):
		return invalid("email", "must look like user@example.com")
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, "."):
		return invalid("email", "domain must be a dotted name")
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func extKey(number string) []byte { return []byte(extPrefix + number) }

// CreateExtension validates and stores a new extension, setting CreatedAt
// and UpdatedAt. It returns ErrExists if the number is an extension's, and
// a *FieldError if it is a ring group's or a queue's (numbering.go), or if
// its tenant does not exist or has no room left (a *QuotaError, ErrQuota).
// Synced.
func (s *Store) CreateExtension(e Extension) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("create extension: %w", err)
	}
	now := time.Now().UTC()
	e.CreatedAt, e.UpdatedAt = now, now
	val, err := marshal(e)
	if err != nil {
		return fmt.Errorf("create extension %s: %w", e.Number, err)
	}
	key := extKey(e.Number)
	err = s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(key); err == nil {
			return ErrExists
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if err := claimNumber(txn, e.Number, ownerExtension); err != nil {
			return err
		}
		if err := checkExtTenant(txn, &e, nil); err != nil {
			return err
		}
		return txn.Set(key, val)
	})
	s.exts.forget(e.Number)
	if err != nil {
		return fmt.Errorf("create extension %s: %w", e.Number, err)
	}
	return nil
}

// UpdateExtension replaces an existing extension, keeping its CreatedAt and
// setting UpdatedAt. It returns ErrNotFound if the number does not exist.
// A move to another tenant is checked as a create is (the tenant exists and
// has room), and refused (*ConflictError) while a ring group or queue of
// another tenant has the extension. Synced.
func (s *Store) UpdateExtension(e Extension) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("update extension: %w", err)
	}
	key := extKey(e.Number)
	err := s.update(true, func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		var old Extension
		if err := decodeItem(item, &old); err != nil {
			return err
		}
		if err := checkExtTenant(txn, &e, &old); err != nil {
			return err
		}
		e.CreatedAt = old.CreatedAt
		e.UpdatedAt = time.Now().UTC()
		val, err := marshal(e)
		if err != nil {
			return err
		}
		return txn.Set(key, val)
	})
	s.exts.forget(e.Number)
	if err != nil {
		return fmt.Errorf("update extension %s: %w", e.Number, err)
	}
	return nil
}

// GetExtension returns the extension, or ErrNotFound.
func (s *Store) GetExtension(number string) (Extension, error) {
	var e Extension
	if validNumber(number) != nil {
		// Not a storable number, so certainly absent; keeps odd input out of keys.
		return e, fmt.Errorf("get extension %q: %w", number, ErrNotFound)
	}
	cached, ok, gen := s.exts.get(number)
	if ok {
		if err := s.alive(); err != nil {
			return Extension{}, err
		}
		return cached, nil
	}
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(extKey(number))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return decodeItem(item, &e)
	})
	if err != nil {
		return Extension{}, fmt.Errorf("get extension %s: %w", number, err)
	}
	s.exts.fill(e, gen)
	return e, nil
}

// ListExtensions returns every extension in numeric order ("20" before "100").
// Records that fail to decode are left out and reported in the returned error
// (wrapping ErrCorrupt, naming their keys) alongside the readable ones.
func (s *Store) ListExtensions() ([]Extension, error) {
	var out []Extension
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: []byte(extPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var e Extension
			if err := decodeItem(it.Item(), &e); err != nil {
				bad = append(bad, err)
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list extensions: %w", err)
	}
	slices.SortFunc(out, func(a, b Extension) int { return compareNumbers(a.Number, b.Number) })
	if len(bad) > 0 {
		return out, fmt.Errorf("list extensions: %w", errors.Join(bad...))
	}
	return out, nil
}

// compareNumbers orders digit strings numerically without overflow: shorter
// (ignoring leading zeros) first, then lexically; "01" and "1" by raw string.
func compareNumbers(a, b string) int {
	ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(ta) != len(tb) {
		return len(ta) - len(tb)
	}
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// DeleteExtension removes the extension and all its bindings, or returns
// ErrNotFound. While the extension is a ring group's member, a queue's
// agent, or an inbound rule's, a group's or a queue's destination (its
// voicemail included), it returns a *ConflictError naming that user: the
// admin changes it first. Synced.
func (s *Store) DeleteExtension(number string) error {
	if validNumber(number) != nil {
		return fmt.Errorf("delete extension %q: %w", number, ErrNotFound)
	}
	key := extKey(number)
	err := s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if err := extensionInUse(txn, number); err != nil {
			return err
		}
		if err := txn.Delete(key); err != nil {
			return err
		}
		return deleteBindingsTxn(txn, number)
	})
	s.exts.forget(number)
	if err != nil {
		return fmt.Errorf("delete extension %s: %w", number, err)
	}
	return nil
}

// extensionInUse names, as a *ConflictError, the ring group that has
// number as a member, the queue that has it as an agent, or the
// destination that sends calls to it.
func extensionInUse(txn *badger.Txn, number string) error {
	if err := iterate(txn, groupPrefix, func(item *badger.Item) error {
		var g Group
		if err := decodeItem(item, &g); err != nil {
			return err
		}
		if slices.Contains(g.Members, number) {
			return &ConflictError{Other: "ring group " + g.Number,
				Msg: fmt.Sprintf("a member of ring group %s: remove it from the group first", g.Number)}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := iterate(txn, queuePrefix, func(item *badger.Item) error {
		var q Queue
		if err := decodeItem(item, &q); err != nil {
			return err
		}
		if slices.Contains(q.Agents(), number) {
			return &ConflictError{Other: "queue " + q.Number,
				Msg: fmt.Sprintf("an agent of queue %s: remove it from the queue first", q.Number)}
		}
		return nil
	}); err != nil {
		return err
	}
	return destinationInUse(txn, Destination{Kind: DestExtension, Target: number})
}

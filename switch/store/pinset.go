package store

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const pinSetPrefix = "pinset/"

// Limits of a PIN set (SPEC T3).
const (
	MinPINLen         = 4
	MaxPINLen         = 16
	MaxPINs           = 10000
	maxPINLabel       = 64  // characters
	maxPINDescription = 256 // characters
	// maxPINSetRecord bounds a set's stored record: 10000 PINs with the
	// longest labels fit. Records this large live in badger's value log,
	// which an in-memory store lacks: there the bound is MaxMetaValueLen.
	maxPINSetRecord = 8 << 20
)

// PIN is one code of a PIN set; Label says whose it is (an employee, a
// cost centre) and goes to the log when a call uses the PIN.
type PIN struct {
	PIN   string `json:"pin"`
	Label string `json:"label,omitempty"`
}

// PINSet is a named list of PINs that an outbound rule asks callers for
// before a call goes out (SPEC T3, seed 004 "PIN sets").
//
// PINs are stored as given, not hashed: an administrator must be able to
// list them and hand them out again, and they are short codes anyway.
// They are never logged, and no error text of this package contains one.
type PINSet struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	PINs        []PIN     `json:"pins"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks the set on its own. Errors are *FieldError wrapping
// ErrInvalid; they name a PIN by its index, never by its digits.
func (p *PINSet) Validate() error {
	if !validName(p.Name) {
		return invalid("name", "required: 1-64 letters, digits, '-' or '_'")
	}
	if !validText(p.Description, maxPINDescription) {
		return invalid("description", fmt.Sprintf("at most %d printable characters", maxPINDescription))
	}
	if len(p.PINs) == 0 {
		return invalid("pins", "at least one PIN is required")
	}
	if len(p.PINs) > MaxPINs {
		return invalid("pins", fmt.Sprintf("at most %d", MaxPINs))
	}
	seen := make(map[string]int, len(p.PINs))
	for i, e := range p.PINs {
		field := fmt.Sprintf("pins[%d]", i)
		if err := e.validate(field, field+".label"); err != nil {
			return err
		}
		if j, dup := seen[e.PIN]; dup {
			return invalid(field, fmt.Sprintf("the same PIN as pins[%d]: PINs are unique within a set", j))
		}
		seen[e.PIN] = i
	}
	return nil
}

// validate checks one PIN; the fields name it and its label in errors
// ("pins[3]", "pins[3].label").
func (e PIN) validate(pinField, labelField string) error {
	if len(e.PIN) < MinPINLen || len(e.PIN) > MaxPINLen || !isDigits(e.PIN) {
		return invalid(pinField, fmt.Sprintf("a PIN is %d-%d digits", MinPINLen, MaxPINLen))
	}
	if !validText(e.Label, maxPINLabel) {
		return invalid(labelField, fmt.Sprintf("at most %d printable characters", maxPINLabel))
	}
	return nil
}

// validText accepts printable UTF-8 of at most max characters.
func validText(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !hasControl(s)
}

// MaskPIN hides all but the last two digits: "123456" -> "****56".
func MaskPIN(pin string) string {
	if len(pin) <= 2 {
		return strings.Repeat("*", len(pin))
	}
	return strings.Repeat("*", len(pin)-2) + pin[len(pin)-2:]
}

// Masked is a copy of the set with every PIN masked (MaskPIN), for
// listings that should not show the codes.
func (p PINSet) Masked() PINSet {
	pins := make([]PIN, len(p.PINs))
	for i, e := range p.PINs {
		pins[i] = PIN{PIN: MaskPIN(e.PIN), Label: e.Label}
	}
	p.PINs = pins
	return p
}

func pinSetKey(name string) []byte { return []byte(pinSetPrefix + name) }

// PutPINSet creates or replaces a PIN set (by name). Synced.
func (s *Store) PutPINSet(p PINSet) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("put pin set: %w", err)
	}
	defer s.pins.forget(p.Name)
	err := s.update(true, func(txn *badger.Txn) error {
		now := time.Now().UTC()
		p.CreatedAt, p.UpdatedAt = now, now
		var old PINSet
		if err := getRoute(txn, pinSetKey(p.Name), &old); err == nil {
			p.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return s.putPINSet(txn, &p)
	})
	if err != nil {
		return fmt.Errorf("put pin set %s: %w", p.Name, err)
	}
	return nil
}

// putPINSet writes a validated set. The size is checked here, not left
// to badger, whose error would quote the record and so the PINs.
func (s *Store) putPINSet(txn *badger.Txn, p *PINSet) error {
	val, err := marshal(p)
	if err != nil {
		return err
	}
	limit := maxPINSetRecord
	if s.db.Opts().InMemory {
		limit = MaxMetaValueLen
	}
	if len(val) > limit {
		return invalid("pins", fmt.Sprintf("the set takes %d KiB, more than the %d KiB a set may: shorten the labels or split it", len(val)>>10, limit>>10))
	}
	return txn.Set(pinSetKey(p.Name), val)
}

// GetPINSet returns a set, PINs in the clear; ErrNotFound when absent.
func (s *Store) GetPINSet(name string) (PINSet, error) {
	var p PINSet
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, pinSetKey(name), &p) })
	if err != nil {
		return PINSet{}, fmt.Errorf("get pin set %s: %w", name, err)
	}
	return p, nil
}

// ListPINSets returns every set by name, PINs in the clear.
func (s *Store) ListPINSets() ([]PINSet, error) {
	var out []PINSet
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, pinSetPrefix, func(item *badger.Item) error {
			var p PINSet
			if err := decodeItem(item, &p); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list pin sets: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeletePINSet removes a set; ErrNotFound when absent, a *ConflictError
// naming the rule while an outbound rule asks for it. Synced.
func (s *Store) DeletePINSet(name string) error {
	defer s.pins.forget(name)
	err := s.deleteKey(pinSetKey(name), func(txn *badger.Txn) error {
		return pinSetInUse(txn, name) // routes.go
	})
	if err != nil {
		return fmt.Errorf("delete pin set %s: %w", name, err)
	}
	return nil
}

// AddPIN adds one PIN to a set, atomically; ErrNotFound for no such set,
// a *ConflictError (ErrExists) when the PIN is in the set already. Synced.
func (s *Store) AddPIN(set string, pin PIN) error {
	err := s.updatePINSet(set, func(p *PINSet) error {
		if err := pin.validate("pin", "label"); err != nil {
			return err
		}
		for _, e := range p.PINs {
			if e.PIN == pin.PIN {
				return &ConflictError{Other: "pin set " + set, Msg: "that PIN is in the set already"}
			}
		}
		if len(p.PINs) >= MaxPINs {
			return invalid("pins", fmt.Sprintf("the set holds %d PINs, the most it may", MaxPINs))
		}
		p.PINs = append(p.PINs, pin)
		return nil
	})
	if err != nil {
		return fmt.Errorf("add pin to pin set %s: %w", set, err)
	}
	return nil
}

// RemovePIN removes one PIN from a set, atomically; ErrNotFound for no
// such set or PIN. The last PIN cannot go: delete the set instead. Synced.
func (s *Store) RemovePIN(set, pin string) error {
	err := s.updatePINSet(set, func(p *PINSet) error {
		i := slices.IndexFunc(p.PINs, func(e PIN) bool { return e.PIN == pin })
		if i < 0 {
			return fmt.Errorf("no such PIN in the set: %w", ErrNotFound)
		}
		if len(p.PINs) == 1 {
			return invalid("pins", "that is the set's last PIN: delete the set instead")
		}
		p.PINs = append(p.PINs[:i], p.PINs[i+1:]...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove pin from pin set %s: %w", set, err)
	}
	return nil
}

// updatePINSet changes a stored set with fn in one transaction and
// validates the result.
func (s *Store) updatePINSet(name string, fn func(*PINSet) error) error {
	defer s.pins.forget(name)
	return s.update(true, func(txn *badger.Txn) error {
		var p PINSet
		if err := getRoute(txn, pinSetKey(name), &p); err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		p.UpdatedAt = time.Now().UTC()
		return s.putPINSet(txn, &p)
	})
}

// CheckPIN says whether pin is in the set, and its label. A wrong or
// malformed PIN is (false, nil); err is for a missing set or a store
// failure, and never contains the PIN. The set is a map lookup: a guess
// is answered in about the same time however close it was (a caller
// types PINs over a phone line; the dial plan allows three tries).
func (s *Store) CheckPIN(set, pin string) (label string, ok bool, err error) {
	pins, err := s.pins.get(set, func() (PINSet, error) { return s.GetPINSet(set) })
	if err != nil {
		return "", false, fmt.Errorf("check pin: %w", err)
	}
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return "", false, nil
	}
	label, ok = pins[pin]
	return label, ok, nil
}

// pinCache keeps each checked set as a map from PIN to label: a set of
// 10 000 PINs is a 1.7 MB value, too much to read for every call. Writes
// to a set forget it (this process is the store's only writer).
type pinCache struct {
	mu  sync.Mutex
	m   map[string]map[string]string
	gen uint64 // counts forgets: a load that raced a write is not kept
}

func (c *pinCache) get(set string, load func() (PINSet, error)) (map[string]string, error) {
	c.mu.Lock()
	pins, ok := c.m[set]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return pins, nil
	}
	p, err := load()
	if err != nil {
		return nil, err
	}
	pins = make(map[string]string, len(p.PINs))
	for _, e := range p.PINs {
		pins[e.PIN] = e.Label
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]map[string]string{}
	}
	if c.gen == gen {
		c.m[set] = pins
	}
	c.mu.Unlock()
	return pins, nil
}

func (c *pinCache) forget(set string) {
	c.mu.Lock()
	delete(c.m, set)
	c.gen++
	c.mu.Unlock()
}

package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

// Keys are "contact/<extension>/<id>": one scan of the extension's prefix
// lists its phone book, and no extension's prefix holds another's (the
// trailing / after a number of digits).
const contactPrefix = "contact/"

// Phone-book limits: a personal list of numbers, not a CRM.
const (
	MaxContactsPerBook = 500
	maxContactNameLen  = 64 // characters
	contactIDLen       = 16 // hex digits
)

// Contact is an entry of an extension user's personal phone book (the
// user portal's Contacts; not a SIP Contact binding).
type Contact struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Number  string    `json:"number"` // dialable: digits, optionally after a +
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Validate checks the name and number. Errors are *FieldError wrapping
// ErrInvalid.
func (c *Contact) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || !utf8.ValidString(c.Name) || utf8.RuneCountInString(c.Name) > maxContactNameLen || hasControl(c.Name) {
		return invalid("name", fmt.Sprintf("must be 1-%d printable characters", maxContactNameLen))
	}
	if err := validTarget(c.Number); err != nil {
		return invalid("number", err.Error())
	}
	return nil
}

// contactRecord is a Contact as stored: Owner is the CreatedAt of the
// extension it was added to (see bookOwner).
type contactRecord struct {
	Contact
	Owner time.Time `json:"owner"`
}

func contactBookPrefix(ext string) []byte { return []byte(contactPrefix + ext + "/") }

// validContactID accepts what AddContact makes, so that an ID from a
// client can never reach outside the extension's prefix.
func validContactID(id string) bool {
	if len(id) != contactIDLen {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// bookOwner reads ext inside txn: ErrNotFound when it does not exist. Its
// creation time tells its entries from those a deleted extension of the
// same number left behind (DeleteExtension does not know of phone books):
// those are not the new owner's to see. Entries keep the owner's time
// rather than compare their own with it, which a clock step could upset.
func bookOwner(txn *badger.Txn, ext string) (time.Time, error) {
	if validNumber(ext) != nil {
		return time.Time{}, ErrNotFound
	}
	item, err := txn.Get(extKey(ext))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return time.Time{}, ErrNotFound
	} else if err != nil {
		return time.Time{}, err
	}
	var e Extension
	if err := decodeItem(item, &e); err != nil {
		return time.Time{}, err
	}
	return e.CreatedAt, nil
}

// book reads ext's phone book inside txn; stale lists the keys of the
// entries another extension of the number left (see bookOwner).
func book(txn *badger.Txn, ext string, owner time.Time) (out []Contact, stale [][]byte, err error) {
	err = iterate(txn, string(contactBookPrefix(ext)), func(item *badger.Item) error {
		var c contactRecord
		if err := decodeItem(item, &c); err != nil {
			return err
		}
		if !c.Owner.Equal(owner) {
			stale = append(stale, item.KeyCopy(nil))
			return nil
		}
		out = append(out, c.Contact)
		return nil
	})
	return out, stale, err
}

// ListContacts returns ext's phone book by name (case-insensitive), then
// ID; ErrNotFound when ext does not exist.
func (s *Store) ListContacts(ext string) ([]Contact, error) {
	var out []Contact
	err := s.view(func(txn *badger.Txn) error {
		owner, err := bookOwner(txn, ext)
		if err != nil {
			return err
		}
		out, _, err = book(txn, ext, owner)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list contacts of %s: %w", ext, err)
	}
	slices.SortFunc(out, func(a, b Contact) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// AddContact adds c to ext's phone book with a new ID and returns it: a
// *FieldError for a bad name or number or a full book, ErrNotFound for no
// such extension. Synced.
func (s *Store) AddContact(ext string, c Contact) (Contact, error) {
	if err := c.Validate(); err != nil {
		return Contact{}, fmt.Errorf("add contact: %w", err)
	}
	var idb [contactIDLen / 2]byte
	rand.Read(idb[:]) // never fails (Go 1.24+)
	c.ID = hex.EncodeToString(idb[:])
	c.Created = time.Now().UTC()
	c.Updated = c.Created
	err := s.update(true, func(txn *badger.Txn) error {
		owner, err := bookOwner(txn, ext)
		if err != nil {
			return err
		}
		cur, stale, err := book(txn, ext, owner)
		if err != nil {
			return err
		}
		if len(cur) >= MaxContactsPerBook {
			return invalid("contacts", fmt.Sprintf("the phone book is full (%d entries)", MaxContactsPerBook))
		}
		for _, k := range stale { // a deleted namesake's: debris
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		val, err := marshal(contactRecord{Contact: c, Owner: owner})
		if err != nil {
			return err
		}
		return txn.Set(append(contactBookPrefix(ext), c.ID...), val)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("add contact to %s: %w", ext, err)
	}
	return c, nil
}

// UpdateContact replaces the name and number of ext's entry id and
// returns it; ErrNotFound for no such entry. Synced.
func (s *Store) UpdateContact(ext, id string, c Contact) (Contact, error) {
	if err := c.Validate(); err != nil {
		return Contact{}, fmt.Errorf("update contact: %w", err)
	}
	var out Contact
	err := s.update(true, func(txn *badger.Txn) error {
		cur, key, err := contactTxn(txn, ext, id)
		if err != nil {
			return err
		}
		cur.Name, cur.Number, cur.Updated = c.Name, c.Number, time.Now().UTC()
		val, err := marshal(cur)
		if err != nil {
			return err
		}
		out = cur.Contact
		return txn.Set(key, val)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("update contact %s of %s: %w", truncateText(id), ext, err)
	}
	return out, nil
}

// DeleteContact removes ext's entry id; ErrNotFound for no such entry.
// Synced.
func (s *Store) DeleteContact(ext, id string) error {
	err := s.update(true, func(txn *badger.Txn) error {
		_, key, err := contactTxn(txn, ext, id)
		if err != nil {
			return err
		}
		return txn.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("delete contact %s of %s: %w", truncateText(id), ext, err)
	}
	return nil
}

// contactTxn reads one of ext's current entries: ErrNotFound for a
// malformed ID, no such entry, or a deleted namesake's entry.
func contactTxn(txn *badger.Txn, ext, id string) (contactRecord, []byte, error) {
	owner, err := bookOwner(txn, ext)
	if err != nil {
		return contactRecord{}, nil, err
	}
	if !validContactID(id) {
		return contactRecord{}, nil, ErrNotFound
	}
	key := append(contactBookPrefix(ext), id...)
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return contactRecord{}, nil, ErrNotFound
	} else if err != nil {
		return contactRecord{}, nil, err
	}
	var c contactRecord
	if err := decodeItem(item, &c); err != nil {
		return contactRecord{}, nil, err
	}
	if !c.Owner.Equal(owner) {
		return contactRecord{}, nil, ErrNotFound
	}
	return c, key, nil
}

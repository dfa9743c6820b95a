package store

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

const blPrefix = "bl/"

// Blocked is a number on the blacklist (SPEC P9): calls from it are
// refused.
type Blocked struct {
	Number string    `json:"number"`
	By     string    `json:"by,omitempty"` // who added it: an extension (feature code) or "admin"
	Added  time.Time `json:"added"`
}

// blacklist keeps the numbers in memory: every call is checked against
// them, and this process is the only writer.
type blacklist struct {
	mu     sync.RWMutex
	loaded bool
	set    map[string]struct{}
}

func blKey(number string) []byte { return []byte(blPrefix + number) }

// Block adds number to the blacklist (adding it twice keeps the first
// entry). Synced.
func (s *Store) Block(number, by string) error {
	if err := validTarget(number); err != nil {
		return fmt.Errorf("block: %w", invalid("number", err.Error()))
	}
	val, err := marshal(Blocked{Number: number, By: by, Added: time.Now().UTC()})
	if err != nil {
		return fmt.Errorf("block %s: %w", number, err)
	}
	err = s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(blKey(number)); err == nil {
			return nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		return txn.Set(blKey(number), val)
	})
	if err != nil {
		return fmt.Errorf("block %s: %w", number, err)
	}
	s.bl.mu.Lock()
	if s.bl.loaded {
		s.bl.set[number] = struct{}{}
	}
	s.bl.mu.Unlock()
	return nil
}

// Unblock removes number; ErrNotFound when it is not on the list. Synced.
func (s *Store) Unblock(number string) error {
	if err := s.deleteKey(blKey(number), nil); err != nil {
		return fmt.Errorf("unblock %s: %w", number, err)
	}
	s.bl.mu.Lock()
	delete(s.bl.set, number)
	s.bl.mu.Unlock()
	return nil
}

// Blocked reports whether number is on the blacklist.
func (s *Store) Blocked(number string) (bool, error) {
	s.bl.mu.RLock()
	if s.bl.loaded {
		_, ok := s.bl.set[number]
		s.bl.mu.RUnlock()
		return ok, nil
	}
	s.bl.mu.RUnlock()
	list, err := s.Blacklist()
	if err != nil {
		return false, err
	}
	s.bl.mu.Lock()
	if !s.bl.loaded {
		s.bl.set = make(map[string]struct{}, len(list))
		for _, b := range list {
			s.bl.set[b.Number] = struct{}{}
		}
		s.bl.loaded = true
	}
	_, ok := s.bl.set[number]
	s.bl.mu.Unlock()
	return ok, nil
}

// Blacklist lists the blocked numbers in order.
func (s *Store) Blacklist() ([]Blocked, error) {
	var out []Blocked
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(blPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var b Blocked
			if err := decodeItem(it.Item(), &b); err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list blacklist: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// LastCaller is who last called ext (from the CDRs), "" when nobody did.
func (s *Store) LastCaller(ext string) (string, error) {
	cdrs, err := s.ListCDRs(CDRQuery{Number: ext, Limit: 50})
	if err != nil {
		return "", err
	}
	for _, c := range cdrs { // newest first
		if c.Callee == ext && c.Caller != ext && c.Caller != "" {
			return c.Caller, nil
		}
	}
	return "", nil
}

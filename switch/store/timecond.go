package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/hookswitch/hookswitch/switch/timecond"
)

const tcPrefix = "tc/"

// TimeCondition is a stored time rule (SPEC P6, T2): the condition and
// its override (office closed by feature code).
type TimeCondition struct {
	Condition *timecond.Condition `json:"condition"`
	Override  timecond.Override   `json:"override"`
}

// Open says whether the condition holds at t, override included.
func (tc TimeCondition) Open(t time.Time) bool { return tc.Condition.State(t, tc.Override) }

// tcCache keeps the compiled conditions: calls evaluate them, and this
// process is the only writer.
type tcCache struct {
	mu     sync.RWMutex
	loaded bool
	m      map[string]TimeCondition
}

func tcKey(name string) []byte { return []byte(tcPrefix + name) }

// PutTimeCondition stores a condition (creating or replacing it by its
// name), keeping an existing override. Synced.
func (s *Store) PutTimeCondition(c *timecond.Condition) error {
	if c == nil || !validName(c.Name()) {
		return fmt.Errorf("put time condition: %w", invalid("name", "required: 1-64 letters, digits, '-' or '_'"))
	}
	name := c.Name()
	var saved TimeCondition
	err := s.update(true, func(txn *badger.Txn) error {
		tc := TimeCondition{Condition: c}
		if item, err := txn.Get(tcKey(name)); err == nil {
			var old TimeCondition
			if err := decodeItem(item, &old); err == nil {
				tc.Override = old.Override
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		val, err := marshal(tc)
		if err != nil {
			return err
		}
		saved = tc
		return txn.Set(tcKey(name), val)
	})
	if err != nil {
		return fmt.Errorf("put time condition %s: %w", name, err)
	}
	s.tcs.set(name, &saved)
	return nil
}

// SetOverride forces a condition open or closed (until a time, or until
// cleared with timecond.NoOverride). ErrNotFound for no such condition.
func (s *Store) SetOverride(name string, ov timecond.Override) error {
	var saved TimeCondition
	err := s.update(true, func(txn *badger.Txn) error {
		item, err := txn.Get(tcKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if err := decodeItem(item, &saved); err != nil {
			return err
		}
		saved.Override = ov
		val, err := marshal(saved)
		if err != nil {
			return err
		}
		return txn.Set(tcKey(name), val)
	})
	if err != nil {
		return fmt.Errorf("override time condition %s: %w", name, err)
	}
	s.tcs.set(name, &saved)
	return nil
}

// DeleteTimeCondition removes a condition; ErrNotFound when absent.
func (s *Store) DeleteTimeCondition(name string) error {
	err := s.deleteKey(tcKey(name), func(txn *badger.Txn) error {
		return timeConditionInUse(txn, name) // a rule names it (routes.go)
	})
	if err != nil {
		return fmt.Errorf("delete time condition %s: %w", name, err)
	}
	s.tcs.set(name, nil)
	return nil
}

// GetTimeCondition returns a condition; ErrNotFound when absent.
func (s *Store) GetTimeCondition(name string) (TimeCondition, error) {
	all, err := s.timeConditions()
	if err != nil {
		return TimeCondition{}, err
	}
	tc, ok := all[name]
	if !ok {
		return TimeCondition{}, fmt.Errorf("time condition %q: %w", name, ErrNotFound)
	}
	return tc, nil
}

// ListTimeConditions returns every condition by name.
func (s *Store) ListTimeConditions() ([]TimeCondition, error) {
	all, err := s.timeConditions()
	if err != nil {
		return nil, err
	}
	out := make([]TimeCondition, 0, len(all))
	for _, tc := range all {
		out = append(out, tc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Condition.Name() < out[j].Condition.Name() })
	return out, nil
}

// timeConditions returns the cached map, loading it on first use.
func (s *Store) timeConditions() (map[string]TimeCondition, error) {
	s.tcs.mu.RLock()
	if s.tcs.loaded {
		m := s.tcs.m
		s.tcs.mu.RUnlock()
		return m, nil
	}
	s.tcs.mu.RUnlock()
	m := map[string]TimeCondition{}
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(tcPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var tc TimeCondition
			if err := decodeItem(it.Item(), &tc); err != nil {
				return err
			}
			m[tc.Condition.Name()] = tc
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list time conditions: %w", err)
	}
	s.tcs.mu.Lock()
	defer s.tcs.mu.Unlock()
	if !s.tcs.loaded {
		s.tcs.m, s.tcs.loaded = m, true
	}
	return s.tcs.m, nil
}

// set replaces one entry (nil: removes it) in a copy of the map, so maps
// handed out earlier never change under their readers.
func (c *tcCache) set(name string, tc *TimeCondition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		return
	}
	m := make(map[string]TimeCondition, len(c.m)+1)
	for k, v := range c.m {
		m[k] = v
	}
	if tc == nil {
		delete(m, name)
	} else {
		m[name] = *tc
	}
	c.m = m
}

var _ json.Marshaler = (*timecond.Condition)(nil)

// validName accepts the names that become part of a key.
func validName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

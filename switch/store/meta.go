package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Meta holds small named values: secrets (nonce keys, API tokens), settings.
const metaPrefix = "meta/"

const (
	maxMetaNameLen  = 256
	MaxMetaValueLen = 256 << 10
)

func validMetaName(name string) error {
	if name == "" || len(name) > maxMetaNameLen || hasControl(name) {
		return invalid("name", fmt.Sprintf("must be 1-%d printable bytes", maxMetaNameLen))
	}
	return nil
}

// GetMeta returns a copy of the named value, or ErrNotFound.
func (s *Store) GetMeta(name string) ([]byte, error) {
	if err := validMetaName(name); err != nil {
		return nil, fmt.Errorf("get meta: %w", err)
	}
	var v []byte
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(metaPrefix + name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get meta %s: %w", name, err)
	}
	return v, nil
}

// PutMeta stores value (at most MaxMetaValueLen bytes) under name. Synced.
func (s *Store) PutMeta(name string, value []byte) error {
	if err := validMetaName(name); err != nil {
		return fmt.Errorf("put meta: %w", err)
	}
	if len(value) > MaxMetaValueLen {
		return fmt.Errorf("put meta %s: %w", name, invalid("value", fmt.Sprintf("larger than %d bytes", MaxMetaValueLen)))
	}
	key := []byte(metaPrefix + name)
	if err := s.update(true, func(txn *badger.Txn) error { return txn.Set(key, value) }); err != nil {
		return fmt.Errorf("put meta %s: %w", name, err)
	}
	return nil
}

// DeleteMeta removes the named value, or returns ErrNotFound. Synced.
func (s *Store) DeleteMeta(name string) error {
	if err := validMetaName(name); err != nil {
		return fmt.Errorf("delete meta: %w", err)
	}
	key := []byte(metaPrefix + name)
	err := s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return txn.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("delete meta %s: %w", name, err)
	}
	return nil
}

package store

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// KV is the scripts' key-value store: string values under a namespace (one
// per script set, "plugin/<name>" per Wasm plugin) and a key, optionally
// expiring. Keys are "kv/<namespace>/<key>", where a / of the namespace is
// stored as the byte 0x1f (which a namespace cannot hold): the namespace
// "plugin/billing" and the key "rate/x" never meet the namespace "plugin"
// and the key "billing/rate/x", and a scan of one namespace never sees
// another's keys.
const (
	kvPrefix = "kv/"
	kvNSSep  = "\x1f"
)

// KV limits: values are small script state (counters, flags, last caller),
// not files.
const (
	MaxKVNamespaceLen = 64
	MaxKVKeyLen       = 256
	MaxKVValueLen     = 64 << 10
	// MaxKVTTL bounds an expiry: badger stores it as unix seconds.
	MaxKVTTL = 10 * 365 * 24 * time.Hour
)

func kvKey(ns, key string) ([]byte, error) {
	p, err := kvNSPrefix(ns)
	if err != nil {
		return nil, err
	}
	if key == "" || len(key) > MaxKVKeyLen || hasControl(key) {
		return nil, invalid("key", fmt.Sprintf("must be 1-%d printable bytes", MaxKVKeyLen))
	}
	return append(p, key...), nil
}

// kvNSPrefix is the prefix of every key of the namespace ns: printable,
// with / only between non-empty parts ("plugin/billing").
func kvNSPrefix(ns string) ([]byte, error) {
	if ns == "" || len(ns) > MaxKVNamespaceLen || hasControl(ns) ||
		strings.HasPrefix(ns, "/") || strings.HasSuffix(ns, "/") || strings.Contains(ns, "//") {
		return nil, invalid("namespace", fmt.Sprintf("must be 1-%d printable bytes, / only between parts", MaxKVNamespaceLen))
	}
	return []byte(kvPrefix + strings.ReplaceAll(ns, "/", kvNSSep) + "/"), nil
}

// KVGet returns the value under ns/key; ok is false when there is none or
// it expired.
func (s *Store) KVGet(ns, key string) (val string, ok bool, err error) {
	k, err := kvKey(ns, key)
	if err != nil {
		return "", false, fmt.Errorf("kv get: %w", err)
	}
	err = s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			val, ok = string(b), true
			return nil
		})
	})
	if err != nil {
		return "", false, fmt.Errorf("kv get %s/%s: %w", ns, key, err)
	}
	return val, ok, nil
}

// KVSet stores val under ns/key; ttl > 0 makes it expire. Writes are synced
// by the background loop within a second: script state is not worth an
// fsync per call.
func (s *Store) KVSet(ns, key, val string, ttl time.Duration) error {
	k, err := kvKey(ns, key)
	if err != nil {
		return fmt.Errorf("kv set: %w", err)
	}
	if len(val) > MaxKVValueLen {
		return fmt.Errorf("kv set %s/%s: %w", ns, key, invalid("value", fmt.Sprintf("larger than %d bytes", MaxKVValueLen)))
	}
	if ttl < 0 || ttl > MaxKVTTL {
		return fmt.Errorf("kv set %s/%s: %w", ns, key, invalid("ttl", fmt.Sprintf("must be 0 (none) to %v", MaxKVTTL)))
	}
	e := badger.NewEntry(k, []byte(val))
	if ttl > 0 {
		// badger keeps expiry in whole seconds; round up so a short TTL
		// does not expire at once.
		e = e.WithTTL(max(ttl, time.Second))
	}
	if err := s.update(false, func(txn *badger.Txn) error { return txn.SetEntry(e) }); err != nil {
		return fmt.Errorf("kv set %s/%s: %w", ns, key, err)
	}
	return nil
}

// KVDelete removes ns/key; a missing key is not an error.
func (s *Store) KVDelete(ns, key string) error {
	k, err := kvKey(ns, key)
	if err != nil {
		return fmt.Errorf("kv delete: %w", err)
	}
	if err := s.update(false, func(txn *badger.Txn) error { return txn.Delete(k) }); err != nil {
		return fmt.Errorf("kv delete %s/%s: %w", ns, key, err)
	}
	return nil
}

// Errors of KVAdd.
var (
	// ErrNotInteger: the stored value is not a base-10 int64.
	ErrNotInteger = errors.New("value is not a base-10 integer")
	// ErrOverflow: the sum does not fit in an int64.
	ErrOverflow = errors.New("integer overflow")
)

// kvAddAttempts bounds KVAdd's retries of a transaction that conflicted
// with a concurrent write of the same key (each attempt is one call of
// update, which itself retries a few times at once); between attempts it
// backs off for a random time growing up to kvAddBackoff, so that writers
// of one hot key stop colliding in lockstep.
const (
	kvAddAttempts = 100
	kvAddBackoff  = 2 * time.Millisecond
)

// KVAdd adds delta to the integer under ns/key and returns the sum, in one
// read-write transaction, as Redis INCRBY does: a missing (or expired) key
// counts as 0; the value is stored as base-10 text ("-42"), keeping the
// key's expiry if it has one. A value that is not a base-10 int64
// (strconv.ParseInt: an optional sign and digits, nothing else) fails with
// ErrNotInteger and a sum out of the int64 range with ErrOverflow; both
// leave the value as it was. Concurrent adds of one key are serialised:
// none is lost.
func (s *Store) KVAdd(ns, key string, delta int64) (int64, error) {
	k, err := kvKey(ns, key)
	if err != nil {
		return 0, fmt.Errorf("kv add: %w", err)
	}
	var sum int64
	add := func(txn *badger.Txn) error {
		var cur int64
		var expires uint64
		item, err := txn.Get(k)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			expires = item.ExpiresAt()
			if err := item.Value(func(b []byte) error {
				v, perr := strconv.ParseInt(string(b), 10, 64)
				if perr != nil {
					return fmt.Errorf("%w: %s", ErrNotInteger, quoteShort(b))
				}
				cur = v
				return nil
			}); err != nil {
				return err
			}
		}
		if (delta > 0 && cur > math.MaxInt64-delta) || (delta < 0 && cur < math.MinInt64-delta) {
			return fmt.Errorf("%w: %d + %d", ErrOverflow, cur, delta)
		}
		sum = cur + delta
		e := badger.NewEntry(k, strconv.AppendInt(nil, sum, 10))
		e.ExpiresAt = expires // 0: none
		return txn.SetEntry(e)
	}
	for i := range kvAddAttempts {
		if err = s.update(false, add); !errors.Is(err, badger.ErrConflict) {
			break
		}
		ceil := min(time.Duration(i+1)*100*time.Microsecond, kvAddBackoff)
		time.Sleep(rand.N(ceil) + 1)
	}
	if err != nil {
		return 0, fmt.Errorf("kv add %s/%s: %w", ns, key, err)
	}
	return sum, nil
}

// quoteShort quotes a value for an error message, cut to 32 bytes.
func quoteShort(b []byte) string {
	if len(b) > 32 {
		return strconv.Quote(string(b[:32])) + "..."
	}
	return strconv.Quote(string(b))
}

// KVScan calls fn for every key of ns that starts with prefix ("" for
// all), in byte order of the keys, with its value; expired keys are
// skipped. An error from fn stops the scan and is returned as it is. fn
// runs inside a read transaction: it must not write to the store.
func (s *Store) KVScan(ns, prefix string, fn func(key, val string) error) error {
	p, err := kvNSPrefix(ns)
	if err != nil {
		return fmt.Errorf("kv scan: %w", err)
	}
	n := len(p)
	p = append(p, prefix...)
	var fnErr error
	err = s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			item := it.Item()
			key := string(item.Key()[n:])
			var val string
			if err := item.Value(func(b []byte) error { val = string(b); return nil }); err != nil {
				return err
			}
			if fnErr = fn(key, val); fnErr != nil {
				return fnErr
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("kv scan %s/%s: %w", ns, prefix, err)
	}
	return nil
}

// KVView adapts a Store to the script engines' kv interfaces (Get, Set,
// Delete; Add for the Wasm engine's kv_add).
type KVView struct{ s *Store }

// KV returns the store's key-value view for script engines.
func (s *Store) KV() KVView { return KVView{s} }

// Get returns the value under ns/key and whether there is one.
func (v KVView) Get(ns, key string) (string, bool, error) { return v.s.KVGet(ns, key) }

// Set stores val under ns/key; ttl > 0 makes it expire.
func (v KVView) Set(ns, key, val string, ttl time.Duration) error {
	return v.s.KVSet(ns, key, val, ttl)
}

// Delete removes ns/key.
func (v KVView) Delete(ns, key string) error { return v.s.KVDelete(ns, key) }

// Add adds delta to the integer under ns/key and returns the sum
// (Store.KVAdd).
func (v KVView) Add(ns, key string, delta int64) (int64, error) { return v.s.KVAdd(ns, key, delta) }

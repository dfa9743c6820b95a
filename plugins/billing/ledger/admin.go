package ledger

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/rating"
)

// ErrStorage marks an error of the store, as opposed to one of the input.
var ErrStorage = errors.New("storage")

// Store is the switch's KV store as the admin operations use it
// (switch/store.Store has these methods).
type Store interface {
	KVGet(ns, key string) (string, bool, error)
	KVSet(ns, key, val string, ttl time.Duration) error
	KVDelete(ns, key string) error
	KVScan(ns, prefix string, fn func(key, val string) error) error
	KVAdd(ns, key string, delta int64) (int64, error)
}

// get is a Getter over s.
func get(s Store) Getter {
	return func(key string) (string, bool, error) { return s.KVGet(Namespace, key) }
}

// ImportRates adds the rates of a CSV rate deck (rating.ReadCSV) and
// reports how many. A malformed deck, a rate given twice in it, or a rate
// whose direction and prefix are already stored fails the import with
// the line of the row (*rating.LineError; duplicates wrap
// rating.ErrDuplicate) before anything is written. A store failure while
// writing may leave the rates written so far.
func ImportRates(s Store, r io.Reader) (int, error) {
	rates, lines, err := rating.ReadCSVLines(r)
	if err != nil {
		return 0, err
	}
	vals := make([]string, len(rates))
	for i, rt := range rates {
		_, dup, err := s.KVGet(Namespace, RateKey(rt.Direction, rt.Prefix))
		if err != nil {
			return 0, fmt.Errorf("ledger: import: %w: %w", ErrStorage, err)
		}
		if dup {
			return 0, &rating.LineError{Line: lines[i], Err: fmt.Errorf("%s rate %q: %w: already stored", rt.Direction, rt.Prefix, rating.ErrDuplicate)}
		}
		if vals[i], err = EncodeRate(rt); err != nil {
			return 0, &rating.LineError{Line: lines[i], Err: err}
		}
	}
	for i, rt := range rates {
		if err := s.KVSet(Namespace, RateKey(rt.Direction, rt.Prefix), vals[i], 0); err != nil {
			return i, fmt.Errorf("ledger: import: %w: %d of %d rates written: %w", ErrStorage, i, len(rates), err)
		}
	}
	return len(rates), nil
}

// Rates reads every stored rate into a table (sorted as rating.Table.Rates
// says). A stored rate that does not decode is an error naming its key.
func Rates(s Store) (*rating.Table, error) {
	var t rating.Table
	err := s.KVScan(Namespace, RatePrefix, func(key, val string) error {
		r, err := DecodeRate(val)
		if err == nil {
			err = t.Add(r)
		}
		if err != nil {
			return fmt.Errorf("ledger: key %s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ExportRates writes every stored rate as a CSV rate deck that
// ImportRates reads back into an empty store: the header, then the rates
// by direction and prefix.
func ExportRates(s Store, w io.Writer) error {
	t, err := Rates(s)
	if err != nil {
		return err
	}
	return t.ExportCSV(w)
}

// ClearRates deletes every stored rate and reports how many.
func ClearRates(s Store) (int, error) {
	var keys []string
	if err := s.KVScan(Namespace, RatePrefix, func(key, _ string) error {
		keys = append(keys, key)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("ledger: clear rates: %w", err)
	}
	for i, k := range keys {
		if err := s.KVDelete(Namespace, k); err != nil {
			return i, fmt.Errorf("ledger: clear rates: %w", err)
		}
	}
	return len(keys), nil
}

// Balance is an extension's prepaid balance; ok is false when it has none
// (the plugin then counts 0).
func Balance(s Store, ext string) (m rating.Money, ok bool, err error) {
	return GetBalance(get(s), ext)
}

// SetBalance stores an extension's balance (replacing it: a debit that
// runs at the same time applies before or after, never half).
func SetBalance(s Store, ext string, m rating.Money) error {
	if ext == "" || strings.ContainsAny(ext, "/") {
		return fmt.Errorf("ledger: set balance: invalid extension %q", ext)
	}
	if err := s.KVSet(Namespace, BalanceKey(ext), EncodeBalance(m), 0); err != nil {
		return fmt.Errorf("ledger: set balance of %s: %w", ext, err)
	}
	return nil
}

// TopUp adds amount (negative for a correction) to an extension's balance
// in one atomic step, as the plugin's debits are, and returns the new
// balance; none counts as 0.
func TopUp(s Store, ext string, amount rating.Money) (rating.Money, error) {
	if ext == "" || strings.ContainsAny(ext, "/") {
		return 0, fmt.Errorf("ledger: top up: invalid extension %q", ext)
	}
	return AddBalance(func(key string, delta int64) (int64, error) { return s.KVAdd(Namespace, key, delta) }, ext, amount)
}

// Balances are all stored balances by extension. A stored value that
// does not parse is an error naming its extension.
func Balances(s Store) (map[string]rating.Money, error) {
	out := map[string]rating.Money{}
	err := s.KVScan(Namespace, BalancePrefix, func(key, val string) error {
		ext := strings.TrimPrefix(key, BalancePrefix)
		m, err := DecodeBalance(val)
		if err != nil {
			return fmt.Errorf("ledger: balance of %s: %w", ext, err)
		}
		out[ext] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

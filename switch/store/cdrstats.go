package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// MaxStatHours bounds CallsPerHour: 31 days.
const MaxStatHours = 744

// HourStat counts the calls that started in one hour.
type HourStat struct {
	Hour     time.Time `json:"hour"` // the hour's start, UTC
	Calls    int       `json:"calls"`
	Answered int       `json:"answered"`
}

// CallsPerHour counts the stored calls of the hours hours up to and
// including now's, oldest first, one entry per hour (zero when none).
func (s *Store) CallsPerHour(now time.Time, hours int) ([]HourStat, error) {
	var out []HourStat
	err := s.eachCDRInHours(now, hours, func(first time.Time) {
		out = make([]HourStat, hours)
		for i := range out {
			out[i].Hour = first.Add(time.Duration(i) * time.Hour)
		}
	}, func(i int, item *badger.Item) error {
		answered, err := isAnswered(item)
		if err != nil {
			return err
		}
		out[i].Calls++
		if answered {
			out[i].Answered++
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("calls per hour: %w", err)
	}
	return out, nil
}

// eachCDRInHours calls start with the first of the hours hours up to and
// including now's, then f with each stored record of those hours and its
// hour's index, in time order. Records f fails on are skipped and their
// errors joined in the result (ErrCorrupt ones: the rest is still good).
func (s *Store) eachCDRInHours(now time.Time, hours int, start func(first time.Time), f func(hour int, item *badger.Item) error) error {
	if hours < 1 || hours > MaxStatHours {
		return invalid("hours", fmt.Sprintf("must be 1 to %d", MaxStatHours))
	}
	last := now.UTC().Truncate(time.Hour)
	first := last.Add(-time.Duration(hours-1) * time.Hour)
	start(first)
	if !last.Add(time.Hour).After(cdrEpoch) {
		return nil
	}
	// Hours are whole milliseconds, so an ID's millisecond (its top bits)
	// places it in its hour without decoding the record.
	lo := cdrMsBase(first)
	hi := cdrMsBase(last.Add(time.Hour)) // excluded
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: []byte(cdrPrefix)})
		defer it.Close()
		for it.Seek(cdrKey(lo)); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != len(cdrPrefix)+8 {
				continue // ListCDRs reports these
			}
			id := binary.BigEndian.Uint64(k[len(cdrPrefix):])
			if id >= hi {
				break
			}
			ms := int64(id >> cdrMsShift)
			i := int(cdrEpoch.Add(time.Duration(ms)*time.Millisecond).Sub(first) / time.Hour)
			if i < 0 || i >= hours {
				continue
			}
			if err := f(i, item); err != nil {
				bad = append(bad, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(bad...)
}

// statusKey is how a record's status starts in its JSON. json.Marshal
// writes CDR's fields in order and Status comes before Extra, the only
// field that could hold another "call_status" key, so the first one is
// the record's.
var statusKey = []byte(`"call_status":"`)

// isAnswered reads a record's status without decoding the whole record,
// falling back to decoding when the record does not look as expected.
func isAnswered(item *badger.Item) (bool, error) {
	var answered bool
	err := item.Value(func(raw []byte) error {
		if i := bytes.Index(raw, statusKey); i >= 0 {
			answered = bytes.HasPrefix(raw[i+len(statusKey):], []byte(StatusAnswered+`"`))
			return nil
		}
		var c struct {
			Status string `json:"call_status"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return err
		}
		answered = c.Status == StatusAnswered
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("key %q: %w: %w", item.Key(), ErrCorrupt, err)
	}
	return answered, nil
}

package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// TenantHourStat counts one tenant's calls that started in one hour.
type TenantHourStat struct {
	Hour     time.Time `json:"hour"` // the hour's start, UTC
	Tenant   string    `json:"tenant"`
	Calls    int       `json:"calls"`
	Answered int       `json:"answered"`
}

// TenantCallsPerHour counts the stored calls of the hours hours up to and
// including now's per hour and tenant (CDR.Tenant; "" for calls of no
// tenant), oldest first; hours and tenants without calls are left out.
// It decodes each record, so it is slower than CallsPerHour.
func (s *Store) TenantCallsPerHour(now time.Time, hours int) ([]TenantHourStat, error) {
	if hours < 1 || hours > MaxStatHours {
		return nil, fmt.Errorf("tenant calls per hour: %w", invalid("hours", fmt.Sprintf("must be 1 to %d", MaxStatHours)))
	}
	last := now.UTC().Truncate(time.Hour)
	first := last.Add(-time.Duration(hours-1) * time.Hour)
	out := []TenantHourStat{}
	if !last.Add(time.Hour).After(cdrEpoch) {
		return out, nil
	}
	lo, hi := cdrMsBase(first), cdrMsBase(last.Add(time.Hour))
	index := map[[2]any]int{} // (hour, tenant) -> out's index
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: []byte(cdrPrefix)})
		defer it.Close()
		for it.Seek(cdrKey(lo)); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != len(cdrPrefix)+8 {
				continue
			}
			id := binary.BigEndian.Uint64(k[len(cdrPrefix):])
			if id >= hi {
				break
			}
			h := int(cdrEpoch.Add(time.Duration(int64(id>>cdrMsShift))*time.Millisecond).Sub(first) / time.Hour)
			if h < 0 || h >= hours {
				continue
			}
			var c struct {
				Status string `json:"call_status"`
				Tenant string `json:"tenant"`
			}
			if err := item.Value(func(raw []byte) error { return json.Unmarshal(raw, &c) }); err != nil {
				bad = append(bad, fmt.Errorf("key %q: %w: %w", k, ErrCorrupt, err))
				continue
			}
			key := [2]any{h, c.Tenant}
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, TenantHourStat{Hour: first.Add(time.Duration(h) * time.Hour), Tenant: c.Tenant})
			}
			out[i].Calls++
			if c.Status == StatusAnswered {
				out[i].Answered++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tenant calls per hour: %w", err)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("tenant calls per hour: %w", errors.Join(bad...))
	}
	return out, nil
}

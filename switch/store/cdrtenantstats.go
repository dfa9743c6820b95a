package store

import (
	"encoding/json"
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
	out := []TenantHourStat{}
	var first time.Time
	index := map[[2]any]int{} // (hour, tenant) -> out's index
	err := s.eachCDRInHours(now, hours, func(f time.Time) { first = f }, func(h int, item *badger.Item) error {
		var c struct {
			Status string `json:"call_status"`
			Tenant string `json:"tenant"`
		}
		if err := item.Value(func(raw []byte) error { return json.Unmarshal(raw, &c) }); err != nil {
			return fmt.Errorf("key %q: %w: %w", item.Key(), ErrCorrupt, err)
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
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("tenant calls per hour: %w", err)
	}
	return out, nil
}

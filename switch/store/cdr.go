package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// CDR keys are "cdr/" + the 8-byte big-endian ID. The ID's high bits are the
// call's start time, so key order is start-time order and a time range is a
// key range.
const cdrPrefix = "cdr/"

// CDR IDs: milliseconds since cdrEpoch in the top 41 bits (until 2089), then
// the microsecond within that millisecond (10 bits), then 12 random bits.
// IDs stay below 2^63, so they fit an int64 too.
const (
	cdrRandBits     = 12
	cdrMicroBits    = 10
	cdrMsShift      = cdrRandBits + cdrMicroBits
	cdrMaxMillis    = 1<<41 - 1
	DefaultCDRLimit = 100
	MaxCDRLimit     = 10000
	maxCDRStrLen    = 256
	maxCDRExtra     = 64
)

var cdrEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// CDR call_status values.
const (
	StatusAnswered = "answered"
	StatusNoAnswer = "no_answer"
	StatusBusy     = "busy"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
	StatusRejected = "rejected"
)

// CDR is one call's detail record (SPEC B1 fields that apply now; JSON
// names as in seed 001, snake_case).
type CDR struct {
	ID         string `json:"id"` // 64-bit, time-ordered, as a decimal string (see NewCDRID)
	CallID     string `json:"call_id"`
	Caller     string `json:"caller"`
	CallerName string `json:"caller_display_name,omitempty"`
	Callee     string `json:"callee"`
	// Direction is "internal", "inbound" (in on a trunk), "outbound" (out
	// through a trunk) or "transit" (in on one trunk and out through one).
	Direction string `json:"direction"`
	// Trunk is the trunk the callee was reached through; InboundTrunk the
	// one the caller came in on.
	Trunk        string    `json:"trunk,omitempty"`
	InboundTrunk string    `json:"inbound_trunk,omitempty"`
	StartTime    time.Time `json:"start_time"`
	RingTime     time.Time `json:"ring_time,omitzero"`
	AnswerTime   time.Time `json:"answer_time,omitzero"`
	EndTime      time.Time `json:"end_time"`
	RingSeconds  int       `json:"ring_duration"`
	TalkSeconds  int       `json:"talk_duration"`
	Status       string    `json:"call_status"`  // answered, no_answer, busy, failed, canceled, rejected
	EndedReason  string    `json:"ended_reason"` // e.g. caller_hangup, callee_hangup, rtp_timeout, shutdown
	FailCode     int       `json:"fail_code,omitempty"`
	FinalDest    string    `json:"final_dest,omitempty"`
	Tenant       string    `json:"tenant,omitempty"` // the tenant the call counts against (SPEC P11)
	// Extra holds what the cdr hook added (rating, account codes...).
	Extra map[string]string `json:"extra,omitempty"`
}

// NewCDRID returns a fresh ID for a call that started at start, for callers
// that want to know a CDR's ID before the call ends (events, logs). Times
// outside 2020-2089 are clamped, and AddCDR will then refuse the record.
func NewCDRID(start time.Time) string {
	return strconv.FormatUint(newCDRID(start), 10)
}

func newCDRID(start time.Time) uint64 {
	return cdrIDBase(start) | rand.Uint64N(1<<cdrRandBits)
}

// cdrIDBase is the smallest ID for t's microsecond.
func cdrIDBase(t time.Time) uint64 {
	us := t.Sub(cdrEpoch).Microseconds()
	us = max(0, min(us, (cdrMaxMillis+1)*1000-1))
	return uint64(us/1000)<<cdrMsShift | uint64(us%1000)<<cdrRandBits
}

// cdrMsBase is the smallest ID for t's millisecond.
func cdrMsBase(t time.Time) uint64 { return cdrIDBase(t) >> cdrMsShift << cdrMsShift }

func cdrKey(id uint64) []byte {
	k := make([]byte, len(cdrPrefix)+8)
	copy(k, cdrPrefix)
	binary.BigEndian.PutUint64(k[len(cdrPrefix):], id)
	return k
}

// parseCDRID parses an ID and checks it belongs to start's microsecond, which
// ListCDRs relies on to turn time ranges into key ranges.
func parseCDRID(s string, start time.Time) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id >= 1<<63 {
		return 0, invalid("id", "must be a decimal 63-bit number")
	}
	if id>>cdrRandBits != cdrIDBase(start)>>cdrRandBits {
		return 0, invalid("id", "does not match start_time (use NewCDRID)")
	}
	return id, nil
}

func (c *CDR) validate() error {
	lo, hi := cdrEpoch, cdrEpoch.Add(cdrMaxMillis*time.Millisecond)
	switch {
	case c.StartTime.Before(lo) || !c.StartTime.Before(hi):
		return invalid("start_time", "must be between 2020 and 2089")
	case c.EndTime.Before(c.StartTime):
		return invalid("end_time", "must not be before start_time")
	case c.RingSeconds < 0:
		return invalid("ring_duration", "must not be negative")
	case c.TalkSeconds < 0:
		return invalid("talk_duration", "must not be negative")
	}
	switch c.Status {
	case StatusAnswered, StatusNoAnswer, StatusBusy, StatusFailed, StatusCanceled, StatusRejected:
	default:
		return invalid("call_status", "unknown status "+strconv.Quote(c.Status))
	}
	for _, f := range [...]struct{ name, v string }{
		{"call_id", c.CallID}, {"caller", c.Caller}, {"caller_display_name", c.CallerName},
		{"callee", c.Callee}, {"direction", c.Direction}, {"ended_reason", c.EndedReason},
		{"final_dest", c.FinalDest},
	} {
		if len(f.v) > maxCDRStrLen || hasControl(f.v) {
			return invalid(f.name, fmt.Sprintf("must be at most %d printable bytes", maxCDRStrLen))
		}
	}
	if len(c.Extra) > maxCDRExtra {
		return invalid("extra", fmt.Sprintf("at most %d fields", maxCDRExtra))
	}
	for k, v := range c.Extra {
		if k == "" || len(k) > 64 || len(v) > maxCDRStrLen || hasControl(k) || hasControl(v) {
			return invalid("extra", fmt.Sprintf("field %q: names up to 64 and values up to %d printable bytes", k, maxCDRStrLen))
		}
	}
	return nil
}

// AddCDR validates and stores a CDR. If c.ID is empty it assigns one (see
// NewCDRID) and writes it back into c; a given ID must come from
// NewCDRID(c.StartTime), and ErrExists means it is already stored. Synced.
func (s *Store) AddCDR(c *CDR) error {
	if c == nil {
		return fmt.Errorf("add cdr: %w", ErrInvalid)
	}
	return s.AddCDRs([]*CDR{c})
}

// AddCDRs stores several CDRs in one transaction and one sync: a busy
// switch ends hundreds of calls a second. A record that is invalid or
// taken is left out and named in the returned error; the others are
// stored. IDs are assigned as AddCDR does.
func (s *Store) AddCDRs(cs []*CDR) error {
	var errs []error
	type pending struct {
		c        *CDR
		fixed    uint64
		hasFixed bool
		rec      CDR
	}
	var ps []pending
	for _, c := range cs {
		if c == nil {
			continue
		}
		if err := c.validate(); err != nil {
			errs = append(errs, fmt.Errorf("add cdr %s: %w", c.CallID, err))
			continue
		}
		p := pending{c: c, hasFixed: c.ID != ""}
		if p.hasFixed {
			id, err := parseCDRID(c.ID, c.StartTime)
			if err != nil {
				errs = append(errs, fmt.Errorf("add cdr %s: %w", c.CallID, err))
				continue
			}
			p.fixed = id
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return errors.Join(errs...)
	}
	var perRecord []error
	err := s.update(true, func(txn *badger.Txn) error {
		perRecord = perRecord[:0]
		for i := range ps {
			ps[i].rec = *ps[i].c
			if err := putCDR(txn, &ps[i].rec, ps[i].fixed, ps[i].hasFixed); err != nil {
				if !errors.Is(err, ErrExists) {
					return err
				}
				perRecord = append(perRecord, fmt.Errorf("add cdr %s: %w", ps[i].c.CallID, err))
				ps[i].rec.ID = ""
			}
		}
		return nil
	})
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("add cdrs: %w", err))...)
	}
	for _, p := range ps {
		if p.rec.ID != "" {
			p.c.ID = p.rec.ID
		}
	}
	return errors.Join(append(errs, perRecord...)...)
}

// putCDR writes one record in txn, drawing an ID unless it has one.
func putCDR(txn *badger.Txn, rec *CDR, fixed uint64, hasFixed bool) error {
	for range 16 {
		id := fixed
		if !hasFixed {
			id = newCDRID(rec.StartTime)
		}
		key := cdrKey(id)
		if _, err := txn.Get(key); err == nil {
			if hasFixed {
				return ErrExists
			}
			continue // 12 random bits collided within one microsecond: draw again
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		rec.ID = strconv.FormatUint(id, 10)
		val, err := marshal(*rec)
		if err != nil {
			return err
		}
		return txn.Set(key, val)
	}
	return errors.New("no free id")
}

// GetCDR returns one CDR by ID, or ErrNotFound.
func (s *Store) GetCDR(id string) (CDR, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return CDR{}, fmt.Errorf("get cdr %q: %w", id, ErrNotFound)
	}
	var c CDR
	err = s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(cdrKey(n))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return decodeItem(item, &c)
	})
	if err != nil {
		return CDR{}, fmt.Errorf("get cdr %s: %w", id, err)
	}
	return c, nil
}

// CDRQuery selects CDRs: StartTime in [Since, Until) (a zero bound is open),
// Number equal to the caller or the callee when set, at most Limit records
// (0 means DefaultCDRLimit; capped at MaxCDRLimit).
type CDRQuery struct {
	Since, Until time.Time
	Limit        int
	Number       string
}

// ListCDRs returns the CDRs matching q, newest start time first. Records that
// fail to decode are left out and reported in the error (wrapping ErrCorrupt,
// naming their keys) alongside the readable ones.
func (s *Store) ListCDRs(q CDRQuery) ([]CDR, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultCDRLimit
	}
	limit = min(limit, MaxCDRLimit)
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return nil, nil
	}

	// Reverse iteration: Seek lands on the largest key <= seek.
	seek := cdrKey(^uint64(0))
	if !q.Until.IsZero() {
		if q.Until.Before(cdrEpoch) {
			return nil, nil // nothing can start before 2020
		}
		// The last ID of Until's millisecond; the exact bound is checked below.
		seek = cdrKey(cdrMsBase(q.Until) | (1<<cdrMsShift - 1))
	}
	var stop uint64 // keys below this start before Since's millisecond
	if !q.Since.IsZero() {
		stop = cdrMsBase(q.Since)
	}

	var out []CDR
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{
			PrefetchValues: true,
			PrefetchSize:   min(limit, 100),
			Reverse:        true,
			Prefix:         []byte(cdrPrefix),
		})
		defer it.Close()
		for it.Seek(seek); it.Valid() && len(out) < limit; it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != len(cdrPrefix)+8 {
				bad = append(bad, fmt.Errorf("key %q: %w: bad key length", k, ErrCorrupt))
				continue
			}
			if binary.BigEndian.Uint64(k[len(cdrPrefix):]) < stop {
				break
			}
			var c CDR
			if err := decodeItem(item, &c); err != nil {
				bad = append(bad, err)
				continue
			}
			if !q.Since.IsZero() && c.StartTime.Before(q.Since) {
				continue
			}
			if !q.Until.IsZero() && !c.StartTime.Before(q.Until) {
				continue
			}
			if q.Number != "" && c.Caller != q.Number && c.Callee != q.Number {
				continue
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cdrs: %w", err)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("list cdrs: %w", errors.Join(bad...))
	}
	return out, nil
}

// Validate checks a record as AddCDR will (for callers that batch).
func (c *CDR) Validate() error { return c.validate() }

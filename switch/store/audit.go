package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// The audit log: who changed what through the API, and every login. Keys
// are "audit/" + an 8-byte big-endian time-ordered ID (as CDR IDs), so key
// order is time order; auditCountKey counts them, so the log stays bounded
// without scanning it.
const (
	auditPrefix   = "audit/"
	auditCountKey = "sys/audit_count"

	// DefaultAuditKeep is how many entries the log keeps (the newest).
	DefaultAuditKeep = 100_000
	DefaultAuditList = 100
	MaxAuditList     = 1000

	maxAuditStr     = 256
	maxAuditSummary = 1024
	// maxAuditPrune bounds the deletions of one append (after the keep
	// limit was lowered, the excess goes over several appends).
	maxAuditPrune = 1000
)

// AuditEntry is one audited request or login.
type AuditEntry struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	User   string    `json:"user"` // "" when nobody was authenticated (a failed login names the user tried)
	Role   string    `json:"role,omitempty"`
	Via    string    `json:"via,omitempty"` // session, token, basic, socket
	IP     string    `json:"ip,omitempty"`
	Method string    `json:"method"`
	Route  string    `json:"route"` // the route pattern: /api/v1/extensions/{number}
	Path   string    `json:"path"`
	Status int       `json:"status"`
	// Summary is a short form of the request body with secrets masked,
	// or what happened ("login failed").
	Summary string `json:"summary,omitempty"`
}

func (e *AuditEntry) validate() error {
	for _, f := range [...]struct{ name, v string }{
		{"user", e.User}, {"role", e.Role}, {"via", e.Via}, {"ip", e.IP},
		{"method", e.Method}, {"route", e.Route}, {"path", e.Path},
	} {
		if len(f.v) > maxAuditStr || hasControl(f.v) {
			return invalid(f.name, fmt.Sprintf("must be at most %d printable bytes", maxAuditStr))
		}
	}
	if len(e.Summary) > maxAuditSummary {
		return invalid("summary", fmt.Sprintf("must be at most %d bytes", maxAuditSummary))
	}
	if e.Status < 0 || e.Status > 999 {
		return invalid("status", "must be an HTTP status")
	}
	return nil
}

func auditKey(id uint64) []byte {
	k := make([]byte, len(auditPrefix)+8)
	copy(k, auditPrefix)
	binary.BigEndian.PutUint64(k[len(auditPrefix):], id)
	return k
}

// AddAudit stores an entry (Time zero: now; ID assigned and written back)
// and drops the oldest entries beyond keep (<= 0: DefaultAuditKeep). Not
// synced at once: the background loop syncs it within a second, so a
// login flood costs no fsyncs.
func (s *Store) AddAudit(e *AuditEntry, keep int) error {
	if e == nil {
		return fmt.Errorf("add audit: %w", ErrInvalid)
	}
	if keep <= 0 {
		keep = DefaultAuditKeep
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	if err := e.validate(); err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	err := s.update(false, func(txn *badger.Txn) error {
		// IDs grow with each append, even within one microsecond or when
		// the clock steps back: key order is the order things happened.
		id := newCDRID(e.Time)
		if last, ok := lastAuditID(txn); ok && id <= last {
			id = last + 1
		}
		e.ID = strconv.FormatUint(id, 10)
		val, err := marshal(e)
		if err != nil {
			return err
		}
		if err := txn.Set(auditKey(id), val); err != nil {
			return err
		}
		n, err := auditCount(txn)
		if err != nil {
			return err
		}
		n++
		if n > keep {
			dropped, err := dropOldestAudit(txn, min(n-keep, maxAuditPrune))
			if err != nil {
				return err
			}
			n -= dropped
		}
		return txn.Set([]byte(auditCountKey), []byte(strconv.Itoa(n)))
	})
	if err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	return nil
}

// lastAuditID is the newest entry's ID.
func lastAuditID(txn *badger.Txn) (uint64, bool) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(auditPrefix), Reverse: true})
	defer it.Close()
	it.Seek(auditKey(1<<64 - 1))
	if !it.Valid() {
		return 0, false
	}
	return binary.BigEndian.Uint64(it.Item().Key()[len(auditPrefix):]), true
}

// auditCount reads the entry count, counting the keys once when the
// counter is missing (a store from before the counter) or unreadable.
func auditCount(txn *badger.Txn) (int, error) {
	item, err := txn.Get([]byte(auditCountKey))
	if err == nil {
		var n int
		err = item.Value(func(v []byte) (err error) {
			n, err = strconv.Atoi(string(v))
			return err
		})
		if err == nil && n >= 0 {
			return n, nil
		}
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return 0, err
	}
	n, err := countKeys(txn, auditPrefix)
	// The entry this transaction just set is counted by the caller.
	return max(0, n-1), err
}

// dropOldestAudit deletes up to n of the oldest entries.
func dropOldestAudit(txn *badger.Txn, n int) (int, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(auditPrefix)})
	var keys [][]byte
	for it.Rewind(); it.Valid() && len(keys) < n; it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// AuditQuery selects entries: User exact ("" any), Since inclusive,
// Until exclusive (zero: unbounded), newest first, Offset skipped, at
// most Limit (0: DefaultAuditList; above MaxAuditList is refused).
type AuditQuery struct {
	User         string
	Since, Until time.Time
	Limit        int
	Offset       int
}

// ListAudit returns the entries that match q, newest first.
func (s *Store) ListAudit(q AuditQuery) ([]AuditEntry, error) {
	switch {
	case q.Limit < 0 || q.Limit > MaxAuditList:
		return nil, fmt.Errorf("list audit: %w", invalid("limit", fmt.Sprintf("must be 0..%d", MaxAuditList)))
	case q.Offset < 0 || q.Offset > DefaultAuditKeep*10:
		return nil, fmt.Errorf("list audit: %w", invalid("offset", "out of range"))
	}
	if q.Limit == 0 {
		q.Limit = DefaultAuditList
	}
	out := []AuditEntry{}
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(auditPrefix), Reverse: true, PrefetchValues: true})
		defer it.Close()
		seek := auditKey(1<<64 - 1)
		if !q.Until.IsZero() {
			base := cdrIDBase(q.Until)
			if base == 0 {
				return nil
			}
			seek = auditKey(base - 1)
		}
		var lo uint64
		if !q.Since.IsZero() {
			lo = cdrIDBase(q.Since)
		}
		skip := q.Offset
		for it.Seek(seek); it.Valid() && len(out) < q.Limit; it.Next() {
			k := it.Item().Key()
			if binary.BigEndian.Uint64(k[len(auditPrefix):]) < lo {
				break
			}
			var e AuditEntry
			if err := decodeItem(it.Item(), &e); err != nil {
				return err
			}
			if q.User != "" && e.User != q.User {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}

package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// CDR directions (CDR.Direction).
const (
	DirectionInternal = "internal"
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"
	DirectionTransit  = "transit"
)

// MaxCDRSearchText bounds the text filters of a CDR search.
const MaxCDRSearchText = 128

// CDRSearch selects CDRs for the admin's search: StartTime in [Since,
// Until) (a zero bound is open) and every filter that is set. Results come
// newest first, a page at a time.
type CDRSearch struct {
	Since, Until time.Time
	Number       string // equal to the caller or the callee
	// Party is equal to the caller, the callee or the final destination:
	// a user's calls, those that reached them through a ring group or a
	// queue too (the callee is then the group's number).
	Party string
	// Text is a substring, ASCII case-insensitive, of the caller, the
	// caller's name, the callee, the final destination or the Call-ID.
	Text      string
	Status    string // a CDR call_status
	Direction string // a CDR direction
	Trunk     string // either trunk of the call (out through, or in on)
	CallID    string
	// Tenant keeps only the calls counted against that tenant (CDR.Tenant);
	// "" does not filter. The admin API confines a tenant's principals so.
	Tenant string

	Offset int // matches to skip
	Limit  int // the page size; 0 means DefaultCDRLimit, at most MaxCDRLimit
	// After continues a listing after the page whose Next it was (keyset
	// paging: stable while new calls are stored, unlike Offset).
	After string
	// Count asks for Total: every match is visited, not just the page.
	Count bool
}

// CDRPage is one page of a CDR search.
type CDRPage struct {
	CDRs []CDR
	// Total counts every match (with Offset's skipped ones), when asked.
	Total int
	// Next is the After of the following page; "" when there is none.
	Next string
}

// Validate checks the search's fields, naming the one at fault.
func (q *CDRSearch) Validate() error {
	switch q.Status {
	case "", StatusAnswered, StatusNoAnswer, StatusBusy, StatusFailed, StatusCanceled, StatusRejected:
	default:
		return invalid("status", "want answered, no_answer, busy, failed, canceled or rejected")
	}
	switch q.Direction {
	case "", DirectionInternal, DirectionInbound, DirectionOutbound, DirectionTransit:
	default:
		return invalid("direction", "want internal, inbound, outbound or transit")
	}
	for _, f := range [...]struct{ name, v string }{
		{"number", q.Number}, {"party", q.Party}, {"q", q.Text}, {"trunk", q.Trunk}, {"call_id", q.CallID}, {"tenant", q.Tenant},
	} {
		if len(f.v) > MaxCDRSearchText || hasControl(f.v) {
			return invalid(f.name, fmt.Sprintf("at most %d printable bytes", MaxCDRSearchText))
		}
	}
	if q.Offset < 0 {
		return invalid("offset", "must not be negative")
	}
	if q.Limit < 0 || q.Limit > MaxCDRLimit {
		return invalid("limit", fmt.Sprintf("must be 0 to %d", MaxCDRLimit))
	}
	if q.After != "" {
		if _, err := strconv.ParseUint(q.After, 10, 63); err != nil {
			return invalid("after", "must be a CDR id")
		}
	}
	return nil
}

// SearchCDRs returns a page of the CDRs matching q. Records that fail to
// decode are left out and reported in the error (wrapping ErrCorrupt)
// alongside the readable ones, as ListCDRs does.
//
// It reads only keys where it can: a search by time alone decodes just the
// page, and a filter first looks for its text in the raw record, so that
// counting hundreds of thousands of records stays cheap.
func (s *Store) SearchCDRs(q CDRSearch) (CDRPage, error) {
	if err := q.Validate(); err != nil {
		return CDRPage{}, fmt.Errorf("search cdrs: %w", err)
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultCDRLimit
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return CDRPage{}, nil
	}
	if !q.Until.IsZero() && q.Until.Before(cdrEpoch) {
		return CDRPage{}, nil // nothing can start before 2020
	}
	// An ID's top bits are its start time to the microsecond (cdrRandBits
	// below): records in a bound's own microsecond are decoded to compare
	// exactly, the others are in or out by their key.
	seekID := ^uint64(0)
	var untilUs, sinceUs uint64 = ^uint64(0), 0
	if !q.Until.IsZero() {
		untilUs = cdrIDBase(q.Until) >> cdrRandBits
		seekID = cdrIDBase(q.Until) | (1<<cdrRandBits - 1)
	}
	if !q.Since.IsZero() {
		sinceUs = cdrIDBase(q.Since) >> cdrRandBits
	}
	if q.After != "" {
		after, _ := strconv.ParseUint(q.After, 10, 63)
		if after == 0 {
			return CDRPage{}, nil
		}
		seekID = min(seekID, after-1)
	}
	m := newCDRMatcher(q)

	page := CDRPage{CDRs: []CDR{}}
	matches := 0
	var bad []error
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{
			PrefetchValues: m.needsValue,
			PrefetchSize:   100,
			Reverse:        true,
			Prefix:         []byte(cdrPrefix),
		})
		defer it.Close()
		for it.Seek(cdrKey(seekID)); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != len(cdrPrefix)+8 {
				bad = append(bad, fmt.Errorf("key %q: %w: bad key length", k, ErrCorrupt))
				continue
			}
			id := binary.BigEndian.Uint64(k[len(cdrPrefix):])
			us := id >> cdrRandBits
			if us < sinceUs {
				break
			}
			boundary := us == sinceUs || us == untilUs
			inPage := matches >= q.Offset && len(page.CDRs) < limit
			if !inPage && !q.Count && len(page.CDRs) == limit {
				break // the page is full and no one wants the total
			}
			var c *CDR
			if m.needsValue || boundary {
				var keep bool
				var err error
				c, keep, err = m.match(item, q, boundary, inPage)
				if err != nil {
					bad = append(bad, err)
					continue
				}
				if !keep {
					continue
				}
			}
			matches++
			if !inPage {
				continue
			}
			if c == nil {
				c = new(CDR)
				if err := decodeItem(item, c); err != nil {
					matches--
					bad = append(bad, err)
					continue
				}
			}
			page.CDRs = append(page.CDRs, *c)
			if len(page.CDRs) == limit {
				page.Next = strconv.FormatUint(id, 10)
			}
		}
		return nil
	})
	if err != nil {
		return CDRPage{}, fmt.Errorf("search cdrs: %w", err)
	}
	if q.Count {
		page.Total = matches
		if page.Next != "" && matches == q.Offset+limit {
			page.Next = "" // counted to the end: the full page was the last
		}
	}
	if len(bad) > 0 {
		return page, fmt.Errorf("search cdrs: %w", errors.Join(bad...))
	}
	return page, nil
}

// cdrMatcher applies a search's value filters: a cheap look for their text
// in the raw JSON first (a necessary condition), then the exact test on
// the decoded record.
type cdrMatcher struct {
	needsValue bool
	needles    [][]byte // each must occur in the raw record
	foldText   []byte   // lower-case ASCII q, looked for case-insensitively
	// byKeys: the only value filters are status and direction, which the
	// raw record answers exactly (see fieldIs): no decoding to count.
	byKeys bool
	since  time.Time
	until  time.Time
}

func newCDRMatcher(q CDRSearch) *cdrMatcher {
	m := &cdrMatcher{since: q.Since, until: q.Until}
	add := func(v string) {
		b, _ := json.Marshal(v) // the quoted form, as the record holds it
		m.needles = append(m.needles, b)
	}
	if q.Number != "" {
		add(q.Number)
	}
	if q.Party != "" {
		add(q.Party)
	}
	if q.Status != "" {
		m.needles = append(m.needles, []byte(`"call_status":"`+q.Status+`"`))
	}
	if q.Direction != "" {
		m.needles = append(m.needles, []byte(`"direction":"`+q.Direction+`"`))
	}
	if q.Trunk != "" {
		add(q.Trunk)
	}
	if q.CallID != "" {
		add(q.CallID)
	}
	if q.Tenant != "" {
		add(q.Tenant)
	}
	if q.Text != "" {
		// Only an ASCII text that JSON keeps as it is can be looked for in
		// the raw record; others are left to the exact test.
		if b, _ := json.Marshal(q.Text); isASCII(q.Text) && string(b) == `"`+q.Text+`"` {
			if strings.ToLower(q.Text) == strings.ToUpper(q.Text) {
				m.needles = append(m.needles, []byte(q.Text)) // no letters (a number): the fast look
			} else {
				m.foldText = []byte(strings.ToLower(q.Text))
			}
		}
	}
	m.needsValue = q.Number != "" || q.Party != "" || q.Status != "" || q.Direction != "" || q.Trunk != "" ||
		q.CallID != "" || q.Text != "" || q.Tenant != ""
	m.byKeys = q.Number == "" && q.Party == "" && q.Trunk == "" && q.CallID == "" && q.Text == "" && q.Tenant == ""
	return m
}

// match reads item's record and says whether it matches. It decodes only
// records that pass the raw look, and returns the decoded one when it did.
func (m *cdrMatcher) match(item *badger.Item, q CDRSearch, boundary, want bool) (*CDR, bool, error) {
	var c *CDR
	var keep bool
	err := item.Value(func(raw []byte) error {
		for _, n := range m.needles {
			if !bytes.Contains(raw, n) {
				return nil
			}
		}
		if m.foldText != nil && !containsFold(raw, m.foldText) {
			return nil
		}
		if m.byKeys && !boundary && !want {
			st, ok1 := fieldIs(raw, statusKey, q.Status)
			dir, ok2 := fieldIs(raw, directionKey, q.Direction)
			if ok1 && ok2 {
				keep = st && dir
				return nil
			}
		}
		c = new(CDR)
		if err := json.Unmarshal(raw, c); err != nil {
			return err
		}
		keep = m.exact(c, q)
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("key %q: %w: %w", item.Key(), ErrCorrupt, err)
	}
	return c, keep, nil
}

// exact is the filter on a decoded record.
func (m *cdrMatcher) exact(c *CDR, q CDRSearch) bool {
	switch {
	case !m.since.IsZero() && c.StartTime.Before(m.since):
		return false
	case !m.until.IsZero() && !c.StartTime.Before(m.until):
		return false
	case q.Number != "" && c.Caller != q.Number && c.Callee != q.Number:
		return false
	case q.Party != "" && c.Caller != q.Party && c.Callee != q.Party && c.FinalDest != q.Party:
		return false
	case q.Status != "" && c.Status != q.Status:
		return false
	case q.Direction != "" && c.Direction != q.Direction:
		return false
	case q.Trunk != "" && c.Trunk != q.Trunk && c.InboundTrunk != q.Trunk:
		return false
	case q.CallID != "" && c.CallID != q.CallID:
		return false
	case q.Tenant != "" && c.Tenant != q.Tenant:
		return false
	}
	if q.Text == "" {
		return true
	}
	for _, f := range [...]string{c.Caller, c.CallerName, c.Callee, c.FinalDest, c.CallID} {
		if strings.Contains(strings.ToLower(f), strings.ToLower(q.Text)) {
			return true
		}
	}
	return false
}

var directionKey = []byte(`"direction":"`)

// fieldIs says whether a raw record's top-level string field (key is its
// opening, as statusKey) is v ("" matches any), and false for ok when the
// record lacks the key. CDR's Status and Direction come before Extra, the
// only field that could hold the same key again, so the first occurrence
// is the field; a quote inside a value is escaped and cannot start one.
func fieldIs(raw, key []byte, v string) (is, ok bool) {
	i := bytes.Index(raw, key)
	if i < 0 {
		return false, false
	}
	if v == "" {
		return true, true
	}
	rest := raw[i+len(key):]
	return len(rest) > len(v) && string(rest[:len(v)]) == v && rest[len(v)] == '"', true
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// containsFold says whether b holds lower (lower-case ASCII) in any case.
func containsFold(b, lower []byte) bool {
	n := len(lower)
	if n == 0 {
		return true
	}
	first := lower[0]
	for i := 0; i+n <= len(b); i++ {
		if toLowerASCII(b[i]) != first {
			continue
		}
		j := 1
		for j < n && toLowerASCII(b[i+j]) == lower[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Package logring keeps the switch's recent log records in memory, for the
// admin API's log view: a slog handler tees every record it passes on into
// a bounded ring (by count and by bytes), which readers filter and follow.
package logring

import (
	"strings"
	"sync"
	"time"
)

// Defaults bound what a ring holds.
const (
	DefaultRecords = 10_000
	DefaultBytes   = 8 << 20
	// maxAttrValue bounds one attribute's value in the ring (the normal
	// output keeps it whole): one huge SIP dump must not evict the rest.
	maxAttrValue = 4 << 10
)

// Record is one log record as kept and answered.
type Record struct {
	Seq   uint64            `json:"seq"`
	Time  time.Time         `json:"time"`
	Level string            `json:"level"`
	Msg   string            `json:"msg"`
	Attrs map[string]string `json:"attrs"`
	// CallID is the record's call_id attribute, if any: the CDR link.
	CallID string `json:"call_id,omitempty"`

	level int // slog.Level, for filtering
	size  int // approximate bytes held
}

// Ring is a bounded, concurrency-safe store of the latest records.
type Ring struct {
	maxRecords, maxBytes int

	mu      sync.Mutex
	recs    []Record // circular; start is the oldest
	start   int
	n       int
	bytes   int
	seq     uint64
	changed chan struct{} // closed and replaced on every append
}

// New makes a ring of at most records records and bytes bytes (<= 0: the
// defaults).
func New(records, bytes int) *Ring {
	if records <= 0 {
		records = DefaultRecords
	}
	if bytes <= 0 {
		bytes = DefaultBytes
	}
	return &Ring{maxRecords: records, maxBytes: bytes, recs: make([]Record, records), changed: make(chan struct{})}
}

// add appends r, dropping the oldest records past the bounds.
func (g *Ring) add(r Record) {
	r.size = 64 + len(r.Msg) + len(r.CallID)
	for k, v := range r.Attrs {
		r.size += len(k) + len(v) + 16
	}
	g.mu.Lock()
	g.seq++
	r.Seq = g.seq
	for g.n > 0 && (g.n == g.maxRecords || g.bytes+r.size > g.maxBytes) {
		g.bytes -= g.recs[g.start].size
		g.recs[g.start] = Record{}
		g.start = (g.start + 1) % g.maxRecords
		g.n--
	}
	g.recs[(g.start+g.n)%g.maxRecords] = r
	g.n++
	g.bytes += r.size
	ch := g.changed
	g.changed = make(chan struct{})
	g.mu.Unlock()
	close(ch)
}

// Filter selects records. The zero Filter selects all.
type Filter struct {
	MinLevel int    // slog.Level: records below are left out
	Text     string // case-insensitive, in the message or an attribute
	CallID   string // exactly the record's call_id
	Since    time.Time
	AfterSeq uint64 // only records with a greater Seq (a follower's cursor)
	Limit    int    // at most this many, the newest; <= 0: no limit
}

func (f *Filter) match(r *Record, text string) bool {
	if r.level < f.MinLevel || r.Seq <= f.AfterSeq || (!f.Since.IsZero() && r.Time.Before(f.Since)) {
		return false
	}
	if f.CallID != "" && r.CallID != f.CallID {
		return false
	}
	if text == "" || strings.Contains(strings.ToLower(r.Msg), text) {
		return true
	}
	for k, v := range r.Attrs {
		if strings.Contains(strings.ToLower(k+"="+v), text) {
			return true
		}
	}
	return false
}

// Query answers the matching records, newest first, and the ring's last
// Seq (a follower's cursor, even when nothing matched).
func (g *Ring) Query(f Filter) ([]Record, uint64) {
	text := strings.ToLower(f.Text)
	out := []Record{}
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := g.n - 1; i >= 0; i-- {
		r := &g.recs[(g.start+i)%g.maxRecords]
		if r.Seq <= f.AfterSeq {
			break // older ones too
		}
		if f.match(r, text) {
			out = append(out, *r)
			if f.Limit > 0 && len(out) == f.Limit {
				break
			}
		}
	}
	return out, g.seq
}

// Changed is closed at the next append: a follower waits on it, then
// queries from its cursor.
func (g *Ring) Changed() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.changed
}

// Len is the number of records held.
func (g *Ring) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

package digest

import (
	"fmt"
	"sync"
)

// replayTable remembers, per nonce that passed verification, the highest
// nonce count seen, or usedOnce for a nonce used without qop (RFC 7616
// 3.4: the server must not accept the same nc twice). It is sharded to
// keep lock contention low, swept lazily, and capped: when a shard is full
// new nonces are refused as stale rather than growing the map.
type replayTable struct {
	shards   []replayShard
	mask     uint8
	perShard int
	ttl      int64 // nanoseconds
	every    int64 // nanoseconds between sweeps of a shard
}

// usedOnce marks a nonce consumed without qop; no later use is valid.
const usedOnce = ^uint32(0)

type replayShard struct {
	mu sync.Mutex
	m  map[nonceID]window
	// horizon: entries of nonces issued before it may have been swept,
	// so such nonces are refused (else a sweep would reopen them).
	horizon   int64
	nextSweep int64
	_         [32]byte // keep hot shards on separate cache lines
}

const maxShards = 64

func newReplayTable(maxEntries int, ttl int64) *replayTable {
	n := maxShards
	if maxEntries < maxShards*64 {
		n = 1 // small caps are exact, mostly for tests
	}
	every := ttl / 8
	if every <= 0 {
		every = 1
	}
	t := &replayTable{
		shards:   make([]replayShard, n),
		mask:     uint8(n - 1),
		perShard: maxEntries / n,
		ttl:      ttl,
		every:    every,
	}
	for i := range t.shards {
		t.shards[i].m = make(map[nonceID]window)
	}
	return t
}

// use records a use of nonce id with count nc (0 when there is no qop) at
// time now. The id's random bytes pick the shard: they are ours (the MAC
// was checked), so clients cannot aim at one shard.
func (t *replayTable) use(id nonceID, nc uint32, now int64) error {
	s := &t.shards[id[8]&t.mask]
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.m[id]; ok {
		if nc == 0 || w.high == usedOnce || !w.accept(nc) {
			return fmt.Errorf("nonce count %08x already used or too old (highest %08x): %w", nc, w.high, ErrReplay)
		}
		s.m[id] = w
		return nil
	}
	if now >= s.nextSweep {
		s.sweep(now, t.ttl)
		s.nextSweep = now + t.every
	}
	if id.unixNano() < s.horizon {
		return fmt.Errorf("nonce older than the replay table: %w", ErrStale)
	}
	if len(s.m) >= t.perShard {
		return fmt.Errorf("replay table full: %w", ErrStale)
	}
	if nc == 0 {
		nc = usedOnce
	}
	s.m[id] = window{high: nc, seen: 1}
	return nil
}

// window is a nonce's used counts: the highest, and a bitmap of it and the
// 63 below it. A phone that sends several requests at once with one nonce
// (nc 4 and 5 in flight together) may have them arrive out of order; each
// count is still accepted exactly once (RFC 7616 3.4, like IPsec's replay
// window of RFC 4303 3.4.3).
type window struct {
	high uint32
	seen uint64
}

func (w *window) accept(nc uint32) bool {
	if nc > w.high {
		if d := nc - w.high; d >= 64 {
			w.seen = 1
		} else {
			w.seen = w.seen<<d | 1
		}
		w.high = nc
		return true
	}
	d := w.high - nc
	if d >= 64 || w.seen&(1<<d) != 0 {
		return false
	}
	w.seen |= 1 << d
	return true
}

// sweep drops the entries of nonces that have expired at now.
func (s *replayShard) sweep(now, ttl int64) {
	cut := now - ttl
	for id := range s.m {
		if id.unixNano() < cut {
			delete(s.m, id)
		}
	}
	if cut > s.horizon {
		s.horizon = cut
	}
}

// len is the number of entries, for tests.
func (t *replayTable) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

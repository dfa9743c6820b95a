package digest

import (
	"errors"
	"testing"
	"time"
)

func testID(ts int64, r byte) nonceID {
	var id nonceID
	for i := 0; i < 8; i++ {
		id[i] = byte(uint64(ts) >> (56 - 8*i))
	}
	id[8], id[9] = r, r
	return id
}

func TestReplayTableCap(t *testing.T) {
	ttl := int64(time.Minute)
	tb := newReplayTable(4, ttl)
	now := int64(time.Hour)
	for i := 0; i < 4; i++ {
		if err := tb.use(testID(now, byte(i)), 1, now); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	if err := tb.use(testID(now, 9), 1, now); !errors.Is(err, ErrStale) {
		t.Fatalf("fifth nonce: %v, want ErrStale", err)
	}
	if n := tb.len(); n != 4 {
		t.Fatalf("table holds %d, want 4", n)
	}
	// Known nonces keep working while full.
	if err := tb.use(testID(now, 0), 2, now); err != nil {
		t.Fatalf("known nonce while full: %v", err)
	}
	// Once the entries expire, a sweep frees room.
	later := now + ttl + 1
	if err := tb.use(testID(later, 9), 1, later); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := tb.len(); n != 1 {
		t.Fatalf("table holds %d after sweep, want 1", n)
	}
	// A swept nonce cannot come back as new.
	if err := tb.use(testID(now, 0), 3, later); !errors.Is(err, ErrStale) {
		t.Fatalf("swept nonce: %v, want ErrStale", err)
	}
}

func TestReplayTableShardedCap(t *testing.T) {
	const max = maxShards * 64
	tb := newReplayTable(max, int64(time.Minute))
	if len(tb.shards) != maxShards {
		t.Fatalf("%d shards", len(tb.shards))
	}
	now := int64(time.Hour)
	full := 0
	for i := 0; i < 2*max; i++ {
		id := testID(now+int64(i), byte(i))
		if err := tb.use(id, 1, now); errors.Is(err, ErrStale) {
			full++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n := tb.len(); n != max || full != max {
		t.Fatalf("table holds %d with %d refused, want %d and %d", n, full, max, max)
	}
}

// Through the Authenticator: a full table answers stale for new nonces,
// never grows past the cap, and frees up when nonces expire.
func TestAuthenticatorTableCap(t *testing.T) {
	a, clk := newTest(t, Options{MaxNonces: 3, NonceTTL: time.Minute})
	verify := func() error {
		cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
		_, err := a.Verify("REGISTER", cl.answer(challengeFor(t, a, SHA256)), testUsers)
		return err
	}
	for i := 0; i < 3; i++ {
		if err := verify(); err != nil {
			t.Fatalf("nonce %d: %v", i, err)
		}
	}
	for i := 0; i < 10; i++ {
		if err := verify(); !errors.Is(err, ErrStale) {
			t.Fatalf("nonce beyond cap: %v, want ErrStale", err)
		}
	}
	if n := a.replays.len(); n != 3 {
		t.Fatalf("table holds %d, want 3", n)
	}
	clk.Add(time.Minute + time.Second)
	if err := verify(); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := a.replays.len(); n != 1 {
		t.Fatalf("table holds %d after sweep, want 1", n)
	}
}

// Lazy sweeping keeps the table near the number of live nonces.
func TestReplayTableSweeps(t *testing.T) {
	ttl := int64(time.Minute)
	tb := newReplayTable(1<<20, ttl)
	now := int64(time.Hour)
	for i := 0; i < 20000; i++ {
		now += int64(10 * time.Millisecond) // 100 nonces a second
		if err := tb.use(testID(now, byte(i)), 1, now); err != nil {
			t.Fatal(err)
		}
	}
	// Live: 60 s * 100/s = 6000, plus up to ttl/8 of swept-late ones per shard.
	if n := tb.len(); n < 6000 || n > 6000+6000/8+maxShards*8 {
		t.Fatalf("table holds %d, want about 6000", n)
	}
}

// The window accepts each count once, in any order, within 64 of the highest.
func TestReplayWindow(t *testing.T) {
	var w window
	w = window{high: 10, seen: 1}
	for _, tc := range []struct {
		nc   uint32
		want bool
	}{{9, true}, {9, false}, {12, true}, {11, true}, {11, false}, {10, false}, {12, false},
		{200, true}, {137, true}, {136, false}, {199, true}, {300, true}, {200, false}, {299, true}} {
		if got := w.accept(tc.nc); got != tc.want {
			t.Fatalf("accept(%d) = %v, want %v (high %d)", tc.nc, got, tc.want, w.high)
		}
	}
}

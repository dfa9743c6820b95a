package store

import (
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

func TestKV(t *testing.T) {
	s := openMem(t)
	kv := s.KV()
	if _, ok, err := kv.Get("default", "missing"); ok || err != nil {
		t.Fatalf("missing: ok=%v err=%v", ok, err)
	}
	if err := kv.Set("default", "last-caller", "1001", 0); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := kv.Get("default", "last-caller"); !ok || err != nil || v != "1001" {
		t.Fatalf("get = %q %v %v", v, ok, err)
	}
	// Namespaces are separate.
	if _, ok, _ := kv.Get("other", "last-caller"); ok {
		t.Fatal("namespace leak")
	}
	if err := kv.Set("default", "last-caller", "", 0); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := kv.Get("default", "last-caller"); !ok || v != "" {
		t.Fatalf("empty value: %q %v", v, ok)
	}
	if err := kv.Delete("default", "last-caller"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := kv.Get("default", "last-caller"); ok {
		t.Fatal("deleted key still there")
	}
	if err := kv.Delete("default", "never-set"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	big := strings.Repeat("x", MaxKVValueLen)
	if err := kv.Set("default", "big", big, 0); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := kv.Get("default", "big"); len(v) != MaxKVValueLen {
		t.Fatalf("big value: %d bytes", len(v))
	}
}

func TestKVValidation(t *testing.T) {
	s := openMem(t)
	for _, tc := range []struct {
		name         string
		ns, key, val string
		ttl          time.Duration
		field        string
	}{
		{"empty ns", "", "k", "v", 0, "namespace"},
		{"leading slash ns", "/a", "k", "v", 0, "namespace"},
		{"trailing slash ns", "a/", "k", "v", 0, "namespace"},
		{"empty part ns", "a//b", "k", "v", 0, "namespace"},
		{"long ns", strings.Repeat("n", MaxKVNamespaceLen+1), "k", "v", 0, "namespace"},
		{"empty key", "ns", "", "v", 0, "key"},
		{"control key", "ns", "a\nb", "v", 0, "key"},
		{"long key", "ns", strings.Repeat("k", MaxKVKeyLen+1), "v", 0, "key"},
		{"big value", "ns", "k", strings.Repeat("v", MaxKVValueLen+1), 0, "value"},
		{"negative ttl", "ns", "k", "v", -time.Second, "ttl"},
		{"huge ttl", "ns", "k", "v", MaxKVTTL + time.Hour, "ttl"},
	} {
		err := s.KVSet(tc.ns, tc.key, tc.val, tc.ttl)
		var fe *FieldError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: err = %v, want invalid %s", tc.name, err, tc.field)
		}
	}
	if _, _, err := s.KVGet("ns", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("get with empty key: %v", err)
	}
	if err := s.KVDelete("", "k"); !errors.Is(err, ErrInvalid) {
		t.Errorf("delete with empty namespace: %v", err)
	}
}

func TestKVPersistsAcrossReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := openAt(t, dir)
	if err := s.KVSet("default", "counter", "42", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.KVSet("default", "kept", "x", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir)
	if v, ok, err := s.KVGet("default", "counter"); !ok || err != nil || v != "42" {
		t.Fatalf("after reopen: %q %v %v", v, ok, err)
	}
	if v, ok, err := s.KVGet("default", "kept"); !ok || err != nil || v != "x" {
		t.Fatalf("key with a TTL after reopen: %q %v %v", v, ok, err)
	}
}

func TestKVTTL(t *testing.T) {
	s := openMem(t)
	if err := s.KVSet("ns", "short", "v", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.KVSet("ns", "long", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.KVGet("ns", "short"); !ok {
		t.Fatal("expired at once")
	}
	// badger's expiry has one-second resolution: the key is gone within 2 s.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, ok, err := s.KVGet("ns", "short")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("key with a 1 s TTL still there after 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, ok, _ := s.KVGet("ns", "long"); !ok {
		t.Fatal("key with a 1 h TTL expired")
	}
}

func TestKVClosed(t *testing.T) {
	s := openMem(t)
	s.Close()
	if err := s.KVSet("ns", "k", "v", 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("set after close: %v", err)
	}
	if _, _, err := s.KVGet("ns", "k"); !errors.Is(err, ErrClosed) {
		t.Fatalf("get after close: %v", err)
	}
}

// A plugin's namespace "plugin/NAME" holds a /: it stays apart from the
// namespace "plugin" with keys that start "NAME/".
func TestKVNamespaceWithSlash(t *testing.T) {
	s := openMem(t)
	if err := s.KVSet("plugin/billing", "balance/1001", "12.50", 0); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.KVGet("plugin/billing", "balance/1001"); !ok || err != nil || v != "12.50" {
		t.Fatalf("get = %q %v %v", v, ok, err)
	}
	if _, ok, _ := s.KVGet("plugin", "billing/balance/1001"); ok {
		t.Fatal("namespace plugin/billing leaks into plugin")
	}
	if err := s.KVSet("plugin", "billing/balance/1001", "999", 0); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.KVGet("plugin/billing", "balance/1001"); v != "12.50" {
		t.Fatalf("namespace plugin overwrote plugin/billing: %q", v)
	}
}

func TestKVScan(t *testing.T) {
	s := openMem(t)
	for k, v := range map[string]string{"rate/outbound/44": "a", "rate/outbound/4420": "b", "rate/internal/1": "c", "balance/1001": "d"} {
		if err := s.KVSet("plugin/billing", k, v, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Neighbours that a scan must not see.
	s.KVSet("plugin/billing2", "rate/outbound/1", "x", 0)
	s.KVSet("plugin", "billing/rate/outbound/1", "x", 0)
	s.KVSet("plugin/billing", "rate/gone", "x", time.Second)
	var got []string
	scan := func(prefix string) []string {
		t.Helper()
		got = nil
		if err := s.KVScan("plugin/billing", prefix, func(k, v string) error {
			got = append(got, k+"="+v)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if g := strings.Join(scan("rate/outbound/"), " "); g != "rate/outbound/44=a rate/outbound/4420=b" {
		t.Fatalf("scan rate/outbound/: %s", g)
	}
	if g := scan(""); len(g) != 5 {
		t.Fatalf("scan all: %v", g)
	}
	if g := scan("nothing/"); len(g) != 0 {
		t.Fatalf("scan nothing/: %v", g)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.KVScan("plugin/billing", "", func(k, v string) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("a callback error: %v after %d keys", err, n)
	}
	if err := s.KVScan("", "x", func(k, v string) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty namespace: %v", err)
	}
	// Expired keys are skipped.
	time.Sleep(2100 * time.Millisecond)
	if g := scan("rate/gone"); len(g) != 0 {
		t.Fatalf("expired key scanned: %v", g)
	}
}

func TestKVAdd(t *testing.T) {
	s := openMem(t)
	// A missing key counts as 0.
	if v, err := s.KVAdd("ns", "n", 5); err != nil || v != 5 {
		t.Fatalf("add to a missing key: %d %v", v, err)
	}
	if v, err := s.KVAdd("ns", "n", -12); err != nil || v != -7 {
		t.Fatalf("add -12: %d %v", v, err)
	}
	// Stored as base-10 text, readable by KVGet.
	if v, ok, err := s.KVGet("ns", "n"); !ok || err != nil || v != "-7" {
		t.Fatalf("stored %q %v %v", v, ok, err)
	}
	// A delta of 0 reads (and creates) the value.
	if v, err := s.KVAdd("ns", "zero", 0); err != nil || v != 0 {
		t.Fatalf("add 0: %d %v", v, err)
	}
	// Values KVSet wrote are added to when they are integers.
	s.KVSet("ns", "set", "+0041", 0)
	if v, err := s.KVAdd("ns", "set", 1); err != nil || v != 42 {
		t.Fatalf("add to %q: %d %v", "+0041", v, err)
	}
	if v, _, _ := s.KVGet("ns", "set"); v != "42" {
		t.Fatalf("rewritten as %q", v)
	}
	// Extremes, and overflow both ways: an error, nothing written.
	s.KVSet("ns", "max", strconv.FormatInt(math.MaxInt64-1, 10), 0)
	if v, err := s.KVAdd("ns", "max", 1); err != nil || v != math.MaxInt64 {
		t.Fatalf("to MaxInt64: %d %v", v, err)
	}
	if _, err := s.KVAdd("ns", "max", 1); !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "kv add ns/max") {
		t.Fatalf("past MaxInt64: %v", err)
	}
	if v, _, _ := s.KVGet("ns", "max"); v != strconv.FormatInt(math.MaxInt64, 10) {
		t.Fatalf("overflow wrote %q", v)
	}
	s.KVSet("ns", "min", strconv.FormatInt(math.MinInt64+5, 10), 0)
	if _, err := s.KVAdd("ns", "min", -6); !errors.Is(err, ErrOverflow) {
		t.Fatalf("below MinInt64: %v", err)
	}
	if v, err := s.KVAdd("ns", "min", -5); err != nil || v != math.MinInt64 {
		t.Fatalf("to MinInt64: %d %v", v, err)
	}
	if v, err := s.KVAdd("ns", "min", math.MaxInt64); err != nil || v != -1 {
		t.Fatalf("MinInt64 + MaxInt64: %d %v", v, err)
	}
	// Not an integer: a clear error, nothing written.
	for _, bad := range []string{"12.50", "", "1e3", " 7", "7 ", "0x10", "99999999999999999999", strings.Repeat("z", 100)} {
		s.KVSet("ns", "bad", bad, 0)
		_, err := s.KVAdd("ns", "bad", 1)
		if !errors.Is(err, ErrNotInteger) || !strings.Contains(err.Error(), "kv add ns/bad") {
			t.Errorf("%q: %v", bad, err)
		}
		if v, _, _ := s.KVGet("ns", "bad"); v != bad {
			t.Errorf("%q: rewritten as %q", bad, v)
		}
	}
	// Validation as the other KV calls.
	if _, err := s.KVAdd("", "k", 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty namespace: %v", err)
	}
	if _, err := s.KVAdd("ns", "a\nb", 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("control key: %v", err)
	}
	// Through the engines' view.
	if v, err := s.KV().Add("ns", "n", 7); err != nil || v != 0 {
		t.Fatalf("view: %d %v", v, err)
	}
	s.Close()
	if _, err := s.KVAdd("ns", "n", 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// An add keeps the key's expiry; a key without one stays without.
func TestKVAddKeepsTTL(t *testing.T) {
	s := openMem(t)
	expiry := func(key string) uint64 {
		t.Helper()
		k, _ := kvKey("ns", key)
		var at uint64
		if err := s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(k)
			if err == nil {
				at = item.ExpiresAt()
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if err := s.KVSet("ns", "ttl", "10", time.Hour); err != nil {
		t.Fatal(err)
	}
	before := expiry("ttl")
	if before == 0 {
		t.Fatal("KVSet with a TTL stored no expiry")
	}
	if v, err := s.KVAdd("ns", "ttl", 5); err != nil || v != 15 {
		t.Fatalf("add: %d %v", v, err)
	}
	if after := expiry("ttl"); after != before {
		t.Fatalf("expiry %d, was %d", after, before)
	}
	s.KVAdd("ns", "forever", 1)
	if at := expiry("forever"); at != 0 {
		t.Fatalf("a new key got expiry %d", at)
	}
	// An expired key counts as missing: the add starts from 0, forever.
	if err := s.KVSet("ns", "short", "100", time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	if v, err := s.KVAdd("ns", "short", 1); err != nil || v != 1 {
		t.Fatalf("add to an expired key: %d %v", v, err)
	}
	if at := expiry("short"); at != 0 {
		t.Fatalf("an expired key's expiry carried over: %d", at)
	}
}

// Concurrent adds of one key lose nothing: each is one transaction, and a
// conflict retries.
func TestKVAddConcurrent(t *testing.T) {
	s := openMem(t)
	const goroutines, adds = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range adds {
				delta := int64(g + 1)
				if i%2 == 1 {
					delta = -delta * 3 // mixed signs: the order does not matter, the sum does
				}
				if _, err := s.KVAdd("plugin/billing", "balance/1001", delta); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Per goroutine: 250 × (g+1) − 250 × 3(g+1) = −500(g+1); summed over g.
	var want int64
	for g := range goroutines {
		want += -int64(adds/2) * 2 * int64(g+1)
	}
	v, ok, err := s.KVGet("plugin/billing", "balance/1001")
	if !ok || err != nil || v != strconv.FormatInt(want, 10) {
		t.Fatalf("final value %q %v %v, want %d", v, ok, err, want)
	}
}

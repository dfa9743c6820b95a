package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

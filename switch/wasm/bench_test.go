package wasm

import (
	"context"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// BenchmarkInvokeRoute is one route call of the shipped dial plan through
// the engine (pool, encoding, the guest, decoding), with a warm pool.
func BenchmarkInvokeRoute(b *testing.B) {
	e, err := build(bindAll("dialplan.wasm", 0, hook.Route), Options{CacheDir: testCacheDir, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	req := hook.RouteRequest{CallID: "bench", From: "1001", To: "1002", Transport: "udp", Authenticated: true}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		d, err := e.Invoke(ctx, req)
		if err != nil || d.(hook.RouteDecision).Action != hook.ActionBridge {
			b.Fatalf("%v %v", d, err)
		}
	}
}

// BenchmarkInvokeRouteParallel is the same from every CPU at once (one
// instance per caller from the pool).
func BenchmarkInvokeRouteParallel(b *testing.B) {
	e, err := build(bindAll("dialplan.wasm", 0, hook.Route), Options{CacheDir: testCacheDir, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	req := hook.RouteRequest{CallID: "bench", From: "1001", To: "1002", Transport: "udp", Authenticated: true}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		for pb.Next() {
			if _, err := e.Invoke(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

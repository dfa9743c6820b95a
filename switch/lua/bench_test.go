package lua

import (
	"context"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Benchmarks use a long budget so that a loaded machine does not fail them;
// the budget only arms a timer and does not change the work per call.

func BenchmarkRoute(b *testing.B) {
	e, err := New(Options{Budget: testBudget})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	req := hook.RouteRequest{CallID: "a84b4c76e66710", From: "1001", FromDomain: "pbx.example.com",
		To: "1002", ToDomain: "pbx.example.com", SourceIP: "192.0.2.10", Transport: "udp", Authenticated: true}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Route(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRouteParallel(b *testing.B) {
	e, err := New(Options{Budget: testBudget})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	req := hook.RouteRequest{CallID: "a84b4c76e66710", From: "1001", To: "1002", Transport: "udp"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.Route(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

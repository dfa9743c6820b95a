package server

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// native is a Go engine answering route with a fixed decision: the floor
// of what dispatch through the catalogue costs.
type native struct{}

func (native) Name() string                                   { return "native" }
func (native) Handles(h hook.Name) bool                       { return h == hook.Route }
func (native) Close()                                         {}
func (native) Build(string, hook.Config) (hook.Engine, error) { return native{}, nil }
func (native) Invoke(_ context.Context, req hook.Request) (hook.Decision, error) {
	r := req.(hook.RouteRequest)
	return hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{r.To}}, nil
}

func benchRoute(b *testing.B, dir string, factories []hook.Factory) {
	d, err := hook.NewDispatcher(dir, factories, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	req := hook.RouteRequest{CallID: "bench", From: "1001", To: "1002", Transport: "udp", Authenticated: true}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s := d.Acquire()
		dec, err := s.Route(ctx, req)
		s.Release()
		if err != nil || dec.Action != hook.ActionBridge {
			b.Fatalf("route: %v %v", dec, err)
		}
	}
}

// BenchmarkRouteLua is the default dial plan through the dispatcher, as a
// call pays for it (acquire the generation, budget, policy, metrics).
func BenchmarkRouteLua(b *testing.B) {
	benchRoute(b, "", Factories(slog.New(slog.DiscardHandler), Deps{}))
}

// BenchmarkRouteWasm is the shipped dialplan.wasm bound to route by
// hooks.json, through the dispatcher as BenchmarkRouteLua.
func BenchmarkRouteWasm(b *testing.B) {
	dir := b.TempDir()
	doc := `{"hooks": {"route": {"engine": "wasm", "plugin": "dialplan.wasm"}}}`
	if err := os.WriteFile(filepath.Join(dir, hook.ConfigFile), []byte(doc), 0o644); err != nil {
		b.Fatal(err)
	}
	benchRoute(b, dir, Factories(slog.New(slog.DiscardHandler), Deps{}))
}

// BenchmarkRouteNative is the reference for BenchmarkRouteLua.
func BenchmarkRouteNative(b *testing.B) {
	benchRoute(b, "", []hook.Factory{native{}})
}

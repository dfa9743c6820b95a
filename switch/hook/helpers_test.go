package hook

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// testEngine is a small engine written for the tests. It fails the test
// when it is invoked after Close or closed twice: the package's contract
// with engines.
type testEngine struct {
	t       testing.TB
	name    string
	handles map[Name]bool // nil: every hook
	invoke  func(ctx context.Context, req Request) (Decision, error)

	calls  atomic.Int64
	closes atomic.Int32
}

func (e *testEngine) Name() string { return e.name }

func (e *testEngine) Handles(h Name) bool { return e.handles == nil || e.handles[h] }

func (e *testEngine) Invoke(ctx context.Context, req Request) (Decision, error) {
	if e.closes.Load() > 0 {
		e.t.Errorf("engine %s: Invoke(%s) after Close", e.name, req.Hook())
	}
	e.calls.Add(1)
	if e.invoke != nil {
		return e.invoke(ctx, req)
	}
	return tagged(e.name, req), nil
}

func (e *testEngine) Close() {
	if e.closes.Add(1) > 1 {
		e.t.Errorf("engine %s: closed twice", e.name)
	}
}

func (e *testEngine) closed() bool { return e.closes.Load() > 0 }

// tagged is the default answer of a test engine: for a route, a bridge to
// the engine's own name, so a test can tell which engine answered.
func tagged(name string, req Request) Decision {
	if _, ok := req.(RouteRequest); ok {
		return RouteDecision{Action: ActionBridge, Targets: []string{name}}
	}
	return Default(req)
}

// hooksOf builds a Handles set.
func hooksOf(hs ...Name) map[Name]bool {
	m := map[Name]bool{}
	for _, h := range hs {
		m[h] = true
	}
	return m
}

// testFactory builds a fresh testEngine per generation and remembers
// every engine it built.
type testFactory struct {
	t       testing.TB
	name    string
	handles map[Name]bool
	invoke  func(ctx context.Context, req Request) (Decision, error)
	fail    atomic.Bool // Build returns an error

	mu    sync.Mutex
	built []*testEngine
	cfgs  []Config
}

func (f *testFactory) Name() string { return f.name }

func (f *testFactory) Build(dir string, cfg Config) (Engine, error) {
	if f.fail.Load() {
		return nil, errBuild
	}
	e := &testEngine{t: f.t, name: f.name, handles: f.handles, invoke: f.invoke}
	f.mu.Lock()
	f.built = append(f.built, e)
	f.cfgs = append(f.cfgs, cfg)
	f.mu.Unlock()
	return e, nil
}

// engines returns what the factory built so far.
func (f *testFactory) engines() []*testEngine {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*testEngine(nil), f.built...)
}

// last is the engine of the newest generation.
func (f *testFactory) last(t *testing.T) *testEngine {
	t.Helper()
	es := f.engines()
	if len(es) == 0 {
		t.Fatalf("factory %s built nothing", f.name)
	}
	return es[len(es)-1]
}

// allClosedOnce checks that every engine the factory built was closed
// exactly once (Close itself reports a second call).
func (f *testFactory) allClosedOnce(t *testing.T) {
	t.Helper()
	for i, e := range f.engines() {
		if n := e.closes.Load(); n != 1 {
			t.Errorf("factory %s engine #%d closed %d times, want 1", f.name, i, n)
		}
	}
}

type buildError struct{}

func (buildError) Error() string { return "test: build failed" }

var errBuild error = buildError{}

// scriptsDir makes a scripts directory, with hooks.json when doc is not "".
func scriptsDir(t *testing.T, doc string) string {
	t.Helper()
	dir := t.TempDir()
	if doc != "" {
		writeHooks(t, dir, doc)
	}
	return dir
}

func writeHooks(t *testing.T, dir, doc string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
}

// factories turns test factories into the package's type.
func factories(fs ...*testFactory) []Factory {
	out := make([]Factory, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}

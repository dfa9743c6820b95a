package wasm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/sdk/go/wasmbuild"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
)

// guestDir holds the test guests of testdata/guests, built once per test
// binary run by TestMain (NAME.wasm).
var guestDir string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hookswitch-wasm-guests-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	guestDir = dir
	names, err := filepath.Glob("testdata/guests/*")
	if err != nil || len(names) == 0 {
		fmt.Fprintln(os.Stderr, "no test guests", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = wasmbuild.Build(ctx, n, filepath.Join(dir, filepath.Base(n)+".wasm"))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// testCacheDir keeps compiled guests across test runs: compiling a Go
// guest under -race takes seconds.
var testCacheDir = filepath.Join(os.TempDir(), "hookswitch-wazero-test-cache")

// testBudget replaces the default in tests that do not test budgets: the
// machine may be loaded, and -race slows the host functions.
const testBudget = 10 * time.Second

// logBuffer collects an engine's log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// bindAll binds hooks to plugin.
func bindAll(plugin string, memMB int, hooks ...hook.Name) hook.Config {
	c := hook.Config{Hooks: map[hook.Name]hook.HookConfig{}}
	for _, h := range hooks {
		c.Hooks[h] = hook.HookConfig{Engine: "wasm", Plugin: plugin, MemoryMB: memMB}
	}
	return c
}

// newEngine loads a test guest bound to hooks (default route).
func newEngine(t testing.TB, plugin string, o Options, hooks ...hook.Name) *Engine {
	t.Helper()
	if len(hooks) == 0 {
		hooks = []hook.Name{hook.Route}
	}
	if o.Dir == "" {
		o.Dir = guestDir
	}
	if o.Logger == nil {
		o.Logger = quietLogger()
	}
	if o.Budget == 0 {
		o.Budget = testBudget
	}
	if o.CacheDir == "" {
		o.CacheDir = testCacheDir
	}
	e, err := build(bindAll(plugin, 0, hooks...), o)
	if err != nil {
		t.Fatalf("load %s: %v", plugin, err)
	}
	t.Cleanup(e.Close)
	return e
}

func route(t testing.TB, e *Engine, to string) (hook.RouteDecision, error) {
	t.Helper()
	return routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c-" + to, From: "1001", To: to})
}

func routeCtx(ctx context.Context, e *Engine, r hook.RouteRequest) (hook.RouteDecision, error) {
	d, err := e.Invoke(ctx, r)
	if err != nil {
		return hook.RouteDecision{}, err
	}
	return d.(hook.RouteDecision), nil
}

// memKV is the real store's KV, in memory.
func memKV(t testing.TB) store.KVView {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st.KV()
}

// testDir is a Directory.
type testDir map[string]abi.Extension

func (d testDir) Extension(n string) (abi.Extension, bool) {
	e, ok := d[n]
	return e, ok
}

func (d testDir) Extensions() []abi.Extension {
	var out []abi.Extension
	for _, e := range d {
		out = append(out, e)
	}
	return out
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

package lua

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// logBuffer collects an engine's log for assertions.
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

// writeScript writes src as dialplan.lua in a fresh directory.
func writeScript(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, DialPlanFile), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testBudget replaces the 200 ms default in tests that do not test the
// budget: the test machine may be loaded, and -race slows the VM down.
const testBudget = 10 * time.Second

// newTestEngine compiles src with the given budget (0 = testBudget) and
// returns the engine and its log.
func newTestEngine(t testing.TB, src string, budget time.Duration) (*Engine, *logBuffer) {
	t.Helper()
	if budget == 0 {
		budget = testBudget
	}
	logs := &logBuffer{}
	e, err := New(Options{
		Dir:    writeScript(t, src),
		Budget: budget,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(e.Close)
	return e, logs
}

func route(e *Engine, to string) (hook.RouteDecision, error) {
	return e.Route(context.Background(), hook.RouteRequest{CallID: "call-" + to, From: "1001", To: to})
}

// wantErr fails unless err wraps target and its message holds every part.
func wantErr(t *testing.T, err, target error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %v, got nil", target)
	}
	if target != nil && !errors.Is(err, target) {
		t.Fatalf("want error wrapping %v, got %v", target, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

// writeScripts writes several files in a fresh directory.
func writeScripts(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildEngine builds a generation from files with test options.
func buildEngine(t testing.TB, files map[string]string, o Options) *Engine {
	t.Helper()
	if o.Budget == 0 {
		o.Budget = testBudget
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	eng, err := Factory{Options: o}.Build(writeScripts(t, files), hook.Config{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	e := eng.(*Engine)
	t.Cleanup(e.Close)
	return e
}

// runProgram routes a call and runs the program route returned with c.
func runProgram(t *testing.T, e *Engine, to string, c *fakeCall) error {
	t.Helper()
	req := hook.RouteRequest{CallID: "prog-" + to, From: "1001", To: to, Authenticated: true}
	c.info = req
	d, err := e.Route(context.Background(), req)
	if err != nil {
		t.Fatalf("route %s: %v", to, err)
	}
	if d.Action != hook.ActionProgram || d.Program == nil {
		t.Fatalf("route %s: want a program, got %+v", to, d)
	}
	return d.Program.Run(context.Background(), c)
}

// writeScriptsTo (re)writes files in dir.
func writeScriptsTo(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

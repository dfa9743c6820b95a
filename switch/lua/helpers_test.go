package lua

import (
	"bytes"
	"context"
	"errors"
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

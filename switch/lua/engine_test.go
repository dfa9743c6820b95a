package lua

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func TestDefaultDialPlan(t *testing.T) {
	e, err := New(Options{Budget: testBudget})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, to := range []string{"1002", "12", "12345678901"} {
		d, err := route(e, to)
		if err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		if d.Action != hook.ActionBridge || !slices.Equal(d.Targets, []string{to}) || d.Mode != hook.ModeParallel || d.Timeout != 0 {
			t.Errorf("%s: got %+v, want bridge to [%s]", to, d, to)
		}
	}
	for _, to := range []string{"abc", "1", "", "123456789012", "10a2", "*72"} {
		d, err := route(e, to)
		if err != nil {
			t.Fatalf("%q: %v", to, err)
		}
		if d.Action != hook.ActionReject || d.Code != 404 || d.Reason != "Not Found" {
			t.Errorf("%q: got %+v, want reject 404", to, d)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		target    error
		parts     []string
	}{
		{"syntax", "function route(call)\n  return {\nend\n", ErrSyntax, []string{DialPlanFile + ":3:"}},
		{"syntax at eof", "function route(call)\n", ErrSyntax, []string{DialPlanFile, "end of file"}},
		{"no route", "function rout(call) end\n", ErrNoRoute, []string{DialPlanFile}},
		{"route not a function", "route = 5\n", ErrNoRoute, []string{DialPlanFile}},
		{"error while loading", "local x\n\nx.y = 1\n", ErrRuntime, []string{DialPlanFile + ":3:"}},
		{"loop while loading", "while true do end\n", ErrBudget, []string{DialPlanFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Options{Dir: writeScript(t, tc.src), Budget: 50 * time.Millisecond})
			wantErr(t, err, tc.target, tc.parts...)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := New(Options{Dir: t.TempDir()})
		wantErr(t, err, os.ErrNotExist)
	})
	t.Run("too large", func(t *testing.T) {
		src := "function route(call) end\n" + strings.Repeat("-- padding\n", MaxScriptSize/10)
		_, err := New(Options{Dir: writeScript(t, src)})
		wantErr(t, err, ErrTooLarge)
	})
	t.Run("negative budget", func(t *testing.T) {
		if _, err := New(Options{Budget: -time.Second}); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestRuntimeErrors(t *testing.T) {
	e, _ := newTestEngine(t, `
function route(call)
  if call.to == "nil" then
    local x
    return x.field
  elseif call.to == "table" then
    error({})
  elseif call.to == "huge" then
    error(string.rep("x", 100000))
  elseif call.to == "concat" then
    return "a" .. nil
  end
  return {action = "bridge", targets = {call.to}}
end
`, 0)
	path := e.script
	_, err := route(e, "nil")
	wantErr(t, err, ErrRuntime, path+":5:")
	_, err = route(e, "table")
	wantErr(t, err, ErrRuntime, path+": table")
	_, err = route(e, "huge")
	wantErr(t, err, ErrRuntime)
	if len(err.Error()) > 2*maxErrorMessage {
		t.Errorf("error message not bounded: %d bytes", len(err.Error()))
	}
	_, err = route(e, "concat")
	wantErr(t, err, ErrRuntime, path+":11:", "concatenate a nil value")
	// A script error fails that call only.
	if d, err := route(e, "1002"); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("after errors: %+v %v", d, err)
	}
}

const loopScript = `
function route(call)
  if call.to == "loop" then
    while true do end
  elseif call.to == "pcall" then
    -- catching the budget error must not let the script run on
    while true do pcall(function() while true do end end) end
  elseif call.to == "tail" then
    local function f() return f() end
    return f()
  end
  return {action = "bridge", targets = {call.to}}
end
`

func TestBudgetStopsLoops(t *testing.T) {
	const budget = 50 * time.Millisecond
	e, _ := newTestEngine(t, loopScript, budget)
	for _, to := range []string{"loop", "pcall", "tail"} {
		start := time.Now()
		_, err := route(e, to)
		wantErr(t, err, ErrBudget, e.script)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v does not wrap context.DeadlineExceeded", to, err)
		}
		// A generous bound: this checks that the loop was stopped at all.
		if el := time.Since(start); el > budget+5*time.Second {
			t.Errorf("%s: stopped after %v", to, el)
		}
		if d, err := route(e, "1002"); err != nil || d.Targets[0] != "1002" {
			t.Fatalf("after %s: %+v %v", to, d, err)
		}
	}
}

func TestCallerDeadlineCapsBudget(t *testing.T) {
	e, _ := newTestEngine(t, loopScript, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.Route(ctx, hook.RouteRequest{To: "loop"})
	wantErr(t, err, ErrBudget)

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = e.Route(ctx, hook.RouteRequest{To: "loop"})
	wantErr(t, err, context.Canceled)
	if errors.Is(err, ErrBudget) {
		t.Errorf("a cancelled call is not a budget error: %v", err)
	}
}

func TestRecursionIsBounded(t *testing.T) {
	e, _ := newTestEngine(t, `
local function deep(n) return deep(n + 1) + 1 end
local function viagsub(s) return (("x"):gsub(".", viagsub)) end
local meta = setmetatable({}, {__index = function(t, k) return t[k] end})
function route(call)
  if call.to == "deep" then return deep(1) end
  if call.to == "gsub" then return viagsub("x") end
  if call.to == "meta" then return meta.x end
  return {action = "bridge", targets = {call.to}}
end
`, 0)
	for _, to := range []string{"deep", "gsub", "meta"} {
		_, err := route(e, to)
		wantErr(t, err, ErrRuntime, "stack overflow")
	}
	if _, err := route(e, "1002"); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentRoutes(t *testing.T) {
	e, _ := newTestEngine(t, `
local calls = 0
function route(call)
  calls = calls + 1
  log.info("routing", call.to)
  return {action = "bridge", targets = {call.to}, caller_id = call.from}
end
`, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				to := fmt.Sprintf("%d%03d", g+10, i)
				from := fmt.Sprintf("%d", 5000+g)
				d, err := e.Route(context.Background(), hook.RouteRequest{CallID: to, From: from, To: to})
				if err != nil {
					errs <- err
					return
				}
				if len(d.Targets) != 1 || d.Targets[0] != to || d.CallerID != from {
					errs <- fmt.Errorf("call %s from %s got %+v", to, from, d)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(e.pool); n > cap(e.pool) || n == 0 {
		t.Errorf("pool holds %d states (cap %d)", n, cap(e.pool))
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	e, err := New(Options{Dir: writeScript(t, loopScript), PoolSize: 2, Budget: testBudget,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := route(e, "1002"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(e.pool); n < 1 || n > 2 {
		t.Errorf("pool holds %d states, want 1 or 2", n)
	}
	// States discarded after a budget error stop too.
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, err := e.Route(ctx, hook.RouteRequest{To: "loop"})
		cancel()
		wantErr(t, err, ErrBudget)
	}
	e.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before the engine, %d after Close", before, runtime.NumGoroutine())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClose(t *testing.T) {
	e, _ := newTestEngine(t, loopScript, 0)
	e.Close()
	e.Close()
	if _, err := route(e, "1002"); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if len(e.pool) != 0 {
		t.Errorf("Close left %d states in the pool", len(e.pool))
	}
}

func TestDirScriptName(t *testing.T) {
	e, _ := newTestEngine(t, "function route(call) return 1 end", 0)
	_, err := route(e, "1002")
	if !strings.HasSuffix(e.script, string(filepath.Separator)+DialPlanFile) {
		t.Fatalf("script name %q", e.script)
	}
	wantErr(t, err, ErrDecision, e.script)
}

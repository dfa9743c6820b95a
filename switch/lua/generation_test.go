package lua

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func genScript(target string) string {
	return `
function route(call)
  return function(c)
    c:sleep(1)           -- blocks until the test lets it go
    c:bridge{targets = {"` + target + `"}}
  end
end
`
}

// A program keeps running the code of the generation that started it,
// even after a new Build and after the old generation is closed.
func TestGenerationsAreIsolated(t *testing.T) {
	dir := writeScripts(t, map[string]string{DialPlanFile: genScript("1001")})
	f := Factory{Options: Options{Budget: testBudget}}
	g1, err := f.Build(dir, hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := g1.Invoke(context.Background(), hook.RouteRequest{To: "1"})
	if err != nil {
		t.Fatal(err)
	}
	c1 := &fakeCall{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- d.(hook.RouteDecision).Program.Run(context.Background(), c1) }()
	<-c1.entered

	// Reload with new code.
	writeScriptsTo(t, dir, map[string]string{DialPlanFile: genScript("2002")})
	g2, err := f.Build(dir, hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	d2, err := g2.Invoke(context.Background(), hook.RouteRequest{To: "1"})
	if err != nil {
		t.Fatal(err)
	}
	c2 := &fakeCall{}
	if err := d2.(hook.RouteDecision).Program.Run(context.Background(), c2); err != nil {
		t.Fatal(err)
	}
	g1.Close() // the dispatcher would wait for the call; closing early must not break it either
	close(c1.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c1.Ops() != "sleep(1s) bridge(1001)" || c2.Ops() != "sleep(1s) bridge(2002)" {
		t.Fatalf("old generation %q, new %q", c1.Ops(), c2.Ops())
	}
}

// Close stops every interpreter goroutine, including those held by
// programs that never ran.
func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	e := buildEngine(t, map[string]string{DialPlanFile: genScript("1001")}, Options{PoolSize: 2})
	var progs []hook.Program
	for range 4 {
		d, err := e.Route(context.Background(), hook.RouteRequest{To: "1"})
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, d.Program)
	}
	// One program runs to its end.
	if err := progs[0].Run(context.Background(), &fakeCall{}); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if err := progs[1].Run(context.Background(), &fakeCall{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("a program of a closed generation: %v", err)
	}
	if _, err := route(e, "1"); !errors.Is(err, ErrClosed) {
		t.Fatalf("route after Close: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A program whose Lua is stuck in a library call past its step budget is
// abandoned: Run returns, the state goes when the call returns.
func TestProgramStuckStepIsAbandoned(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: `
function route(call) return function(c) c:answer() block() c:hangup() end end`}, Options{Budget: 50 * time.Millisecond, PoolSize: 1})
	release := make(chan struct{})
	pooled(t, e, func(L *glua.LState) {
		L.SetGlobal("block", L.NewFunction(func(*glua.LState) int { <-release; return 0 }))
	})
	safety := time.AfterFunc(30*time.Second, func() { close(release) })
	c := &fakeCall{}
	err := runProgram(t, e, "1", c)
	if !safety.Stop() {
		t.Fatal("Run waited for the stuck call")
	}
	close(release)
	wantErr(t, err, ErrBudget)
	// The abandoned program cannot touch the call any more.
	time.Sleep(50 * time.Millisecond)
	if c.Ops() != "answer" {
		t.Fatalf("ops %q", c.Ops())
	}
}

// An interpreter is retired after maxStateUses calls, so globals that a
// script lets grow cannot grow for ever.
func TestStateRetired(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: `
function route(call)
  n = (n or 0) + 1
  return {action = "reject", code = 480, reason = tostring(n)}
end`}, Options{PoolSize: 1})
	st := <-e.pool
	st.uses = maxStateUses - 2
	e.pool <- st
	for _, want := range []string{"1", "2", "1"} {
		d, err := route(e, "1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Reason != want {
			t.Fatalf("call count %s, want %s", d.Reason, want)
		}
	}
}

package lua

import (
	"errors"
	"strings"
	"testing"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// pooled takes the single pooled state of a fresh engine, lets fn modify
// it and puts it back.
func pooled(t *testing.T, e *Engine, fn func(L *glua.LState)) {
	t.Helper()
	select {
	case st := <-e.pool:
		fn(st.L)
		e.pool <- st
	default:
		t.Fatal("no pooled state")
	}
}

const hostileHostScript = `
function route(call)
  if call.to == "panic" then boom() end
  if call.to == "block" then block() end
  return {action = "bridge", targets = {call.to}}
end
`

// A panic inside the interpreter fails that call only and the state is
// not reused.
func TestPanicIsRecovered(t *testing.T) {
	e, _ := newTestEngine(t, hostileHostScript, 0)
	pooled(t, e, func(L *glua.LState) {
		L.SetGlobal("boom", L.NewFunction(func(*glua.LState) int { panic("interpreter bug") }))
	})
	_, err := route(e, "panic")
	wantErr(t, err, ErrRuntime, "interpreter bug")
	if len(e.pool) != 0 {
		t.Fatal("the state that panicked went back to the pool")
	}
	if d, err := route(e, "1002"); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("after a panic: %+v %v", d, err)
	}
}

// A library call that ignores the context (here a Go function that blocks;
// in practice a pattern match on a long string) cannot hold Route past its
// budget: Route returns while the call is still blocked.
func TestStuckLibraryCallIsAbandoned(t *testing.T) {
	e, logs := newTestEngine(t, hostileHostScript, 50*time.Millisecond)
	release := make(chan struct{})
	finished := make(chan struct{})
	pooled(t, e, func(L *glua.LState) {
		L.SetGlobal("block", L.NewFunction(func(*glua.LState) int {
			defer close(finished)
			<-release
			return 0
		}))
	})
	// Never hang the test binary if Route does wait.
	safety := time.AfterFunc(30*time.Second, func() { close(release) })
	_, err := route(e, "block")
	if !safety.Stop() {
		t.Fatal("Route waited for the blocked library call")
	}
	wantErr(t, err, ErrBudget)
	if len(e.pool) != 0 {
		t.Fatal("the abandoned state went back to the pool")
	}
	if d, err := route(e, "1002"); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("while a call is stuck: %+v %v", d, err)
	}

	time.Sleep(2 * overrunWarning) // make the overrun worth a warning
	close(release)
	<-finished
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "long after its budget") {
		if time.Now().After(deadline) {
			t.Fatalf("no overrun warning:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !errors.Is(err, ErrBudget) {
		t.Fatal(err)
	}
}

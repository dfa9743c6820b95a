package hook

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newDispatcherT(t *testing.T, dir string, fs ...*testFactory) *Dispatcher {
	t.Helper()
	d, err := NewDispatcher(dir, factories(fs...), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDispatcherReload(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, scriptsDir(t, ""), f)
	if d.Generation() != 1 {
		t.Fatalf("first generation %d", d.Generation())
	}
	first := f.last(t)
	gen, err := d.Reload()
	if err != nil || gen != 2 || d.Generation() != 2 {
		t.Fatalf("Reload = %d, %v; Generation %d", gen, err, d.Generation())
	}
	if !first.closed() {
		t.Error("the retired generation's engine is still open with no call holding it")
	}
	second := f.last(t)
	if second == first || second.closed() {
		t.Error("the new generation's engine is not a fresh open one")
	}
	s := d.Acquire()
	if s.Gen != 2 {
		t.Errorf("Acquire gave generation %d", s.Gen)
	}
	if dec, _ := s.Invoke(context.Background(), RouteRequest{To: "100"}); !reflect.DeepEqual(dec, bridge("lua")) {
		t.Errorf("decision %#v", dec)
	}
	s.Release()
	ok, failed, g, _ := d.Metrics().Snapshot()
	if ok != 1 || failed != 0 || g != 2 {
		t.Errorf("metrics ok %d failed %d gen %d", ok, failed, g)
	}
	d.Close()
	f.allClosedOnce(t)
}

func TestDispatcherFailedReloadKeepsGeneration(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, dir string, f *testFactory)
		fix    func(t *testing.T, dir string, f *testFactory)
		err    string
	}{
		{
			name:   "failing factory",
			break_: func(t *testing.T, dir string, f *testFactory) { f.fail.Store(true) },
			fix:    func(t *testing.T, dir string, f *testFactory) { f.fail.Store(false) },
			err:    "reload: test: build failed",
		},
		{
			name:   "bad hooks.json",
			break_: func(t *testing.T, dir string, f *testFactory) { writeHooks(t, dir, "{\n\"hooks\": {\"rout\": {}}}") },
			fix:    func(t *testing.T, dir string, f *testFactory) { writeHooks(t, dir, `{"hooks": {}}`) },
			err:    "hooks.json:2: hook rout: unknown hook",
		},
		{
			name: "unknown engine",
			break_: func(t *testing.T, dir string, f *testFactory) {
				writeHooks(t, dir, `{"hooks": {"route": {"engine": "x"}}}`)
			},
			fix: func(t *testing.T, dir string, f *testFactory) {
				writeHooks(t, dir, `{"hooks": {"route": {"engine": "lua"}}}`)
			},
			err: `unknown engine "x"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := scriptsDir(t, "")
			f := &testFactory{t: t, name: "lua"}
			other := &testFactory{t: t, name: "wasm"} // built before f fails: must not leak
			d := newDispatcherT(t, dir, other, f)
			running := f.last(t)

			tc.break_(t, dir, f)
			gen, err := d.Reload()
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("Reload err = %v, want %q", err, tc.err)
			}
			if gen != 1 || d.Generation() != 1 {
				t.Errorf("after a failed reload: returned %d, current %d, want 1", gen, d.Generation())
			}
			if running.closed() {
				t.Error("a failed reload closed the running engine")
			}
			s := d.Acquire()
			if dec, err := s.Invoke(context.Background(), RouteRequest{To: "100"}); err != nil || !reflect.DeepEqual(dec, bridge("wasm")) {
				t.Errorf("running generation answers %#v, %v", dec, err)
			}
			s.Release()
			if _, failed, _, _ := d.Metrics().Snapshot(); failed != 1 {
				t.Errorf("failed reloads = %d, want 1", failed)
			}
			// The failed generation's engines are all closed already.
			for _, e := range other.engines()[1:] {
				if e.closes.Load() != 1 {
					t.Error("an engine built by the failed reload was not closed")
				}
			}

			tc.fix(t, dir, f)
			if gen, err := d.Reload(); err != nil || gen != 2 {
				t.Fatalf("reload after the fix = %d, %v", gen, err)
			}
			if !running.closed() {
				t.Error("generation 1 was not closed after a good reload")
			}
			ok, failed, g, _ := d.Metrics().Snapshot()
			if ok != 1 || failed != 1 || g != 2 {
				t.Errorf("metrics ok %d failed %d gen %d", ok, failed, g)
			}
			d.Close()
			f.allClosedOnce(t)
			other.allClosedOnce(t)
		})
	}
}

func TestDispatcherHeldSnapshotOutlivesReload(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, "", f)
	gen1 := f.last(t)
	a, b := d.Acquire(), d.Acquire()
	for range 3 {
		if _, err := d.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	if gen1.closed() {
		t.Fatal("generation 1 closed while two calls hold it")
	}
	if a.Gen != 1 || d.Generation() != 4 {
		t.Fatalf("held generation %d, current %d", a.Gen, d.Generation())
	}
	// The held snapshot still answers with its own engine.
	if _, err := a.Invoke(context.Background(), RouteRequest{To: "100"}); err != nil || gen1.calls.Load() != 1 {
		t.Fatalf("held snapshot: %v, generation 1 calls %d", err, gen1.calls.Load())
	}
	a.Release()
	if gen1.closed() {
		t.Fatal("generation 1 closed while a call still holds it")
	}
	b.Release()
	if gen1.closes.Load() != 1 {
		t.Fatalf("generation 1 closed %d times after the last Release, want 1", gen1.closes.Load())
	}
	// Generations 2 and 3 were never held: closed at the next reload.
	es := f.engines()
	for i, e := range es {
		want := int32(1)
		if i == len(es)-1 {
			want = 0 // current
		}
		if e.closes.Load() != want {
			t.Errorf("engine of generation %d closed %d times, want %d", i+1, e.closes.Load(), want)
		}
	}
	d.Close()
	f.allClosedOnce(t)
}

// A nested Acquire on a snapshot (a call handing its generation to a
// sub-task) keeps it alive until the last Release.
func TestSnapshotAcquireNested(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, "", f)
	s := d.Acquire()
	s2 := s.Acquire()
	if s2 != s {
		t.Fatal("Acquire returned another snapshot")
	}
	if _, err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	s.Release()
	if f.engines()[0].closed() {
		t.Fatal("closed while the nested reference is held")
	}
	s2.Release()
	if !f.engines()[0].closed() {
		t.Fatal("not closed after the last Release")
	}
	d.Close()
}

// Acquire during concurrent reloads never hands out a snapshot whose
// engines are closed: the test engine fails the test if it is invoked
// after Close.
func TestDispatcherConcurrentAcquireReload(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, "", f)
	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		invokes atomic.Int64
	)
	for range 8 {
		wg.Go(func() {
			for !stop.Load() {
				s := d.Acquire()
				if _, err := s.Invoke(context.Background(), RouteRequest{To: "100"}); err != nil {
					t.Errorf("Invoke: %v", err)
				}
				invokes.Add(1)
				s.Release()
			}
		})
	}
	// Make reloads and calls overlap: wait for calls before each reload.
	waitCalls := func() {
		for n := invokes.Load(); invokes.Load() < n+8 && !t.Failed(); {
			runtime.Gosched()
		}
	}
	var last uint64
	for range 200 {
		waitCalls()
		gen, err := d.Reload()
		if err != nil {
			t.Error(err)
			break
		}
		if gen <= last {
			t.Errorf("generation went from %d to %d", last, gen)
		}
		last = gen
	}
	stop.Store(true)
	wg.Wait()
	if invokes.Load() == 0 {
		t.Fatal("no call ran during the reloads")
	}
	if last != 201 {
		t.Errorf("last generation %d, want 201", last)
	}
	d.Close()
	if n := len(f.engines()); n != 201 {
		t.Errorf("built %d engines, want 201", n)
	}
	f.allClosedOnce(t)
}

// Hammer the retire path: snapshots released by calls at the same time
// as the reload drops the dispatcher's reference.
func TestDispatcherConcurrentRelease(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, "", f)
	var wg sync.WaitGroup
	for range 100 {
		held := make([]*Snapshot, 4)
		for i := range held {
			held[i] = d.Acquire()
		}
		for _, s := range held {
			wg.Go(s.Release)
		}
		if _, err := d.Reload(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
	d.Close()
	f.allClosedOnce(t)
}

func TestDispatcherClose(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	d := newDispatcherT(t, "", f)
	s := d.Acquire()
	d.Close()
	if f.last(t).closed() {
		t.Fatal("Close closed the engine a call still holds")
	}
	d.Close() // a second Close must not drop the call's reference
	if f.last(t).closed() {
		t.Fatal("a second Close closed the engine a call still holds")
	}
	s.Release()
	f.allClosedOnce(t)
	// Acquire after Close returns (it used to spin) and Release stays balanced.
	late := d.Acquire()
	if late.Gen != 1 {
		t.Errorf("late Acquire gave generation %d", late.Gen)
	}
	late.Release()
	f.allClosedOnce(t)
}

func TestNewDispatcherErrors(t *testing.T) {
	ok := &testFactory{t: t, name: "lua"}
	bad := &testFactory{t: t, name: "wasm"}
	bad.fail.Store(true)
	if _, err := NewDispatcher(scriptsDir(t, ""), factories(ok, bad), nil); !errors.Is(err, errBuild) {
		t.Fatalf("err = %v", err)
	}
	ok.allClosedOnce(t)
	if _, err := NewDispatcher(scriptsDir(t, "{"), nil, nil); err == nil || !strings.Contains(err.Error(), "hooks.json:1:") {
		t.Fatalf("bad hooks.json: err = %v", err)
	}
	d, err := NewDispatcher("", nil, nil) // embedded defaults, no engines, default logger
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Dir() != "" || d.Generation() != 1 {
		t.Errorf("Dir %q Generation %d", d.Dir(), d.Generation())
	}
	s := d.Acquire()
	defer s.Release()
	if dec, err := s.Route(context.Background(), RouteRequest{To: "100"}); err != nil || !reflect.DeepEqual(dec, bridge("100")) {
		t.Errorf("builtin route = %#v, %v", dec, err)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		fail bool // the wasm factory fails
		err  string
	}{
		{name: "valid", doc: `{"hooks": {"route": {"engine": "wasm", "plugin": "route.wasm"}}}`},
		{name: "no hooks.json"},
		{name: "bad hooks.json", doc: `{"hooks": {"route": {"code": 99}}}`, err: "hooks.json:1: hook route: code 99"},
		{name: "unknown engine", doc: `{"hooks": {"route": {"engine": "http", "url": "http://127.0.0.1:1/"}}}`, err: `unknown engine "http"`},
		{name: "failing factory", fail: true, err: "build failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lua := &testFactory{t: t, name: "lua"}
			wasm := &testFactory{t: t, name: "wasm"}
			wasm.fail.Store(tc.fail)
			err := Check(scriptsDir(t, tc.doc), factories(lua, wasm))
			if tc.err == "" && err != nil {
				t.Fatalf("Check = %v", err)
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Check = %v, want %q", err, tc.err)
			}
			if tc.err == "" && len(lua.engines()) != 1 {
				t.Error("Check did not build the engines")
			}
			lua.allClosedOnce(t) // Check leaves no engine open
			wasm.allClosedOnce(t)
		})
	}
}

// Once a snapshot's count reached zero it is being closed: no acquirer
// may bring it back, even several at once (each seeing the others'
// increments).
func TestTryAcquireRetired(t *testing.T) {
	s := &Snapshot{}
	var wg sync.WaitGroup
	var won atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if s.tryAcquire() {
					won.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if won.Load() != 0 || s.refs.Load() != 0 {
		t.Fatalf("retired snapshot acquired %d times, refs %d", won.Load(), s.refs.Load())
	}
	s.refs.Store(1)
	if !s.tryAcquire() || s.refs.Load() != 2 {
		t.Fatalf("live snapshot: refs %d", s.refs.Load())
	}
}

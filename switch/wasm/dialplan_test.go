package wasm

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/lua"
)

// The shipped dialplan.wasm decides as scripts/dialplan.lua does, for
// route and failure.
func TestDialplanMatchesLua(t *testing.T) {
	w, err := build(bindAll("dialplan.wasm", 0, hook.Route, hook.Failure), Options{CacheDir: testCacheDir, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	l, err := lua.Factory{Options: lua.Options{Logger: quietLogger()}}.Build("", hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	for _, to := range []string{"1002", "10", "12345678901", "123456789012", "1", "", "*500", "10a2", "+4930", "0049"} {
		req := hook.RouteRequest{CallID: "c", From: "1001", To: to}
		dw, errW := w.Invoke(ctx, req)
		dl, errL := l.Invoke(ctx, req)
		if errW != nil || errL != nil || !reflect.DeepEqual(dw, dl) {
			t.Errorf("route %q: wasm %+v %v, lua %+v %v", to, dw, errW, dl, errL)
		}
	}
	for _, code := range []int{486, 480, 404, 603, 200, 0, 700} {
		req := hook.FailureRequest{CallID: "c", From: "1001", To: "1002", Targets: []string{"1002"}, Code: code, Reason: "Busy", Attempt: 1}
		dw, errW := w.Invoke(ctx, req)
		dl, errL := l.Invoke(ctx, req)
		if errW != nil || errL != nil || !reflect.DeepEqual(dw, dl) {
			t.Errorf("failure %d: wasm %+v %v, lua %+v %v", code, dw, errW, dl, errL)
		}
	}
}

// Reloads follow the generation rules: a bad plugin keeps the running
// generation; a good one replaces it for new calls while a call keeps the
// snapshot it started with.
func TestReloadGenerations(t *testing.T) {
	scripts := hooksDir(t, `{"hooks": {"route": {"engine": "wasm", "plugin": "plan.wasm"}}}`)
	os.WriteFile(filepath.Join(scripts, "dialplan.lua"), []byte(`function route(c) return {action = "reject", code = 480} end`), 0o644)
	plugins := t.TempDir()
	copyGuest(t, "kitchen.wasm", filepath.Join(plugins, "plan.wasm"))
	factories := []hook.Factory{lua.Factory{Options: lua.Options{Logger: quietLogger()}},
		Factory{Options{Dir: plugins, CacheDir: testCacheDir, Logger: quietLogger()}}}
	d, err := hook.NewDispatcher(scripts, factories, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	old := d.Acquire()
	defer old.Release()
	if got := old.EngineOf(hook.Route); got != "wasm" {
		t.Fatalf("route bound to %s", got)
	}
	os.WriteFile(filepath.Join(plugins, "plan.wasm"), []byte("garbage"), 0o644)
	if gen, err := d.Reload(); err == nil || gen != 1 {
		t.Fatalf("bad reload: gen %d, %v", gen, err)
	}
	copyGuest(t, "dialplan.wasm", filepath.Join(plugins, "plan.wasm"))
	if gen, err := d.Reload(); err != nil || gen != 2 {
		t.Fatalf("reload: gen %d, %v", gen, err)
	}
	s := d.Acquire()
	defer s.Release()
	ctx := context.Background()
	if dec, err := s.Route(ctx, hook.RouteRequest{To: "log"}); err != nil || dec.Code != 404 {
		t.Fatalf("new generation: %+v %v", dec, err)
	}
	if dec, err := old.Route(ctx, hook.RouteRequest{To: "log"}); err != nil || dec.Targets[0] != "1002" {
		t.Fatalf("old generation: %+v %v", dec, err)
	}
}

// copyGuest copies a built guest (or, for dialplan.wasm, the shipped
// plugin) to dst.
func copyGuest(t testing.TB, name, dst string) {
	t.Helper()
	src := filepath.Join(guestDir, name)
	if name == "dialplan.wasm" {
		src = filepath.Join("..", "..", "plugins", name)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

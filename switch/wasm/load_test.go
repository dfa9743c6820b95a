package wasm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// hooksDir writes hooks.json into a fresh scripts directory.
func hooksDir(t testing.TB, doc string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, hook.ConfigFile), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A plugin that breaks the ABI is refused at load, before its code runs
// (signatures, imports) or at its first instance (version, features),
// with a reason.
func TestLoadRefusesBadPlugins(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"badsig", "noexports", "badimport", "badinit", "kitchen"} {
		b, err := os.ReadFile(filepath.Join(guestDir, n+".wasm"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n+".wasm"), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "text.wasm"), []byte("function route() end"), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.wasm"), nil, 0o644)
	for _, tc := range []struct {
		plugin string
		hooks  []hook.Name
		want   string
	}{
		{"badsig.wasm", nil, "export hookswitch_handle has signature (i64) -> (i32), want (i32, i32) -> (i32)"},
		{"noexports.wasm", nil, "no export hookswitch_abi_version"},
		{"badimport.wasm", nil, "imports hookswitch.teleport, which this host does not offer"},
		{"badinit.wasm", nil, "requires features 0x100000 (bit 20) that this host lacks"},
		{"text.wasm", nil, "not a valid WebAssembly module"},
		{"empty.wasm", nil, "not a valid WebAssembly module"},
		{"missing.wasm", nil, "no such file"},
		{"kitchen.wasm", []hook.Name{hook.Provision}, "plugin kitchen.wasm does not implement it (it implements register, route, hangup, cdr)"},
	} {
		t.Run(tc.plugin, func(t *testing.T) {
			hooks := tc.hooks
			if hooks == nil {
				hooks = []hook.Name{hook.Route}
			}
			_, err := build(bindAll(tc.plugin, 0, hooks...), Options{Dir: dir, Logger: quietLogger()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "hooks.json: hook ") {
				t.Errorf("error %q does not name hooks.json and the hook", err)
			}
			if tc.plugin != "missing.wasm" && !strings.Contains(tc.want, "does not implement") && !errors.Is(err, ErrLoad) {
				t.Errorf("error %q is not ErrLoad", err)
			}
		})
	}
}

// A plugin bound to two hooks loads once; conflicting memory limits are
// refused.
func TestBindingSeveralHooks(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{}, hook.Route, hook.Register, hook.CDR)
	if len(e.plugins) != 1 || !e.Handles(hook.Register) || !e.Handles(hook.CDR) || e.Handles(hook.Failure) {
		t.Fatalf("plugins %v", e.Plugins())
	}
	cfg := bindAll("kitchen.wasm", 32, hook.Route)
	cfg.Hooks[hook.CDR] = hook.HookConfig{Engine: "wasm", Plugin: "kitchen.wasm", MemoryMB: 64}
	if _, err := build(cfg, Options{Dir: guestDir}); err == nil || !strings.Contains(err.Error(), "memory_mb 64, another hook gives it 32") {
		t.Fatalf("err = %v", err)
	}
}

// A memory limit smaller than the Go runtime needs fails at load.
func TestMemoryLimitTooSmall(t *testing.T) {
	_, err := build(bindAll("kitchen.wasm", 1, hook.Route), Options{Dir: guestDir, Logger: quietLogger()})
	if err == nil || !errors.Is(err, ErrLoad) {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

// TestGoGuestMemory measures what a Go guest takes, for DefaultMemoryMB.
func TestGoGuestMemory(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{})
	for range 100 {
		route(t, e, "1002")
	}
	inst := <-e.plugins[0].pool
	mb := inst.mem.Size() >> 20
	e.plugins[0].pool <- inst
	t.Logf("a Go guest's memory after 100 calls: %d MiB (limit %d MiB)", mb, DefaultMemoryMB)
	if mb*4 > DefaultMemoryMB {
		t.Fatalf("a Go guest takes %d MiB: DefaultMemoryMB %d leaves too little margin", mb, DefaultMemoryMB)
	}
}

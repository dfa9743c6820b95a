package integration

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/plugins"
)

// Plugin history on a running switch: a replaced plugin is kept and rolls
// back; a plugin hooks.json names cannot be deleted (the reload fails and
// it stays); an unused one is deleted and a rollback brings it back.
func TestPluginHistoryRollbackDelete(t *testing.T) {
	t.Parallel()
	sw, plugs := withPlugin(t)
	plan, _ := os.ReadFile(filepath.Join(plugs, "dialplan.wasm"))
	billing, err := plugins.FS.ReadFile("billing.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := sw.srv.PluginHistory("dialplan.wasm"); err != nil || len(vs) != 0 {
		t.Fatalf("history before any change: %v %v", vs, err)
	}
	// Replace dialplan.wasm twice (by the same bytes, so that calls keep
	// working): the history grows by one per replace.
	for range 2 {
		if _, err := sw.srv.AddPlugin("dialplan.wasm", plan); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := sw.srv.PluginHistory("dialplan.wasm")
	if err != nil || len(vs) != 2 || vs[0].Size != int64(len(plan)) || vs[0].Version <= vs[1].Version {
		t.Fatalf("history after two replaces: %+v %v", vs, err)
	}
	gen := sw.srv.Hooks.Generation()
	g, v, err := sw.srv.RollbackPlugin("dialplan.wasm")
	if err != nil || g <= gen || v != vs[0].Version {
		t.Fatalf("rollback: gen %d (was %d), version %q, %v", g, gen, v, err)
	}
	if left, _ := sw.srv.PluginHistory("dialplan.wasm"); len(left) != 1 {
		t.Fatalf("the version rolled back stays in the history: %+v", left)
	}

	// In use by hooks.json: refused, and the file stays. (Generations
	// are not compared: the file watcher reloads on its own after each
	// change above.)
	if _, err := sw.srv.DeletePlugin("dialplan.wasm"); err == nil || !strings.Contains(err.Error(), "still in use") {
		t.Fatalf("deleting the plugin in use: %v", err)
	}
	if _, err := os.Stat(filepath.Join(plugs, "dialplan.wasm")); err != nil {
		t.Fatalf("the plugin in use is gone: %v", err)
	}
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	if res, _ := a.dial(t, "*500").final(t); res.StatusCode != 404 {
		t.Fatalf("after the refused delete, calls do not follow the plugin: %d", res.StatusCode)
	}

	// Not in use: deleted, then brought back by a rollback.
	if _, err := sw.srv.AddPlugin("billing2.wasm", billing); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.srv.DeletePlugin("billing2.wasm"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(plugs, "billing2.wasm")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleted plugin still there: %v", err)
	}
	if _, err := sw.srv.DeletePlugin("billing2.wasm"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleting it again: %v, want not found", err)
	}
	if _, _, err := sw.srv.RollbackPlugin("billing2.wasm"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(plugs, "billing2.wasm")); err != nil || string(b) != string(billing) {
		t.Fatalf("rollback did not bring the deleted plugin back: %v", err)
	}
	if _, _, err := sw.srv.RollbackPlugin("billing2.wasm"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("rollback with an empty history: %v, want not found", err)
	}
	// A rollback to a version that does not load changes nothing.
	os.MkdirAll(filepath.Join(plugs, plugins.HistoryDir, "billing2.wasm"), 0o755)
	os.WriteFile(plugins.VersionPath(plugs, "billing2.wasm", "20000101T000000.000000000Z"), []byte("garbage"), 0o644)
	if _, _, err := sw.srv.RollbackPlugin("billing2.wasm"); err == nil || !strings.Contains(err.Error(), "not a valid WebAssembly module") {
		t.Fatalf("rollback to garbage: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(plugs, "billing2.wasm")); string(b) != string(billing) {
		t.Fatal("a refused rollback changed the plugin")
	}
}

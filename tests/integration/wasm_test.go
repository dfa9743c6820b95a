package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// withPlugin boots a switch whose hooks.json binds route and failure to
// the shipped dialplan.wasm, in a plugins directory of its own.
func withPlugin(t *testing.T) (*testSwitch, string) {
	t.Helper()
	scripts, plugs := t.TempDir(), t.TempDir()
	writeScript(t, scripts, "hooks.json", `{"hooks": {
  "route": {"engine": "wasm", "plugin": "dialplan.wasm"},
  "failure": {"engine": "wasm", "plugin": "dialplan.wasm"}
}}`)
	bin, err := plugins.FS.ReadFile("dialplan.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugs, "dialplan.wasm"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	sw := newSwitch(t, func(c *server.Config) { c.ScriptsDir, c.PluginsDir = scripts, plugs })
	return sw, plugs
}

// A whole call through the Wasm dial plan: 1001 rings 1002, who answers;
// a number that is not an extension gets the plugin's 404, a busy callee
// the failure hook's 486.
func TestWasmDialplanCall(t *testing.T) {
	t.Parallel()
	sw, _ := withPlugin(t)
	if got := sw.srv.Hooks.Acquire(); got.EngineOf("route") != "wasm" {
		got.Release()
		t.Fatalf("route is bound to %s", got.EngineOf("route"))
	} else {
		got.Release()
	}
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	c, da, _ := connect(t, sw, a, b)
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered || cdr.Callee != "1002" {
		t.Fatalf("CDR %+v", cdr)
	}
	if res, _ := a.dial(t, "*500").final(t); res.StatusCode != 404 || res.Reason != "Not Found" {
		t.Fatalf("*500: %d %s, want the plugin's 404 Not Found", res.StatusCode, res.Reason)
	}
	b.setPolicy(policyBusy, 0)
	if res, _ := a.dial(t, "1002").final(t); res.StatusCode != 486 {
		t.Fatalf("busy callee: %d, want 486", res.StatusCode)
	}
}

// An upload that is not a valid plugin is refused with its reason and
// changes nothing: calls keep following the running plugin. A valid one
// is installed and reloaded.
func TestWasmBadUploadKeepsRunning(t *testing.T) {
	t.Parallel()
	sw, plugs := withPlugin(t)
	gen := sw.srv.Hooks.Generation()
	before, _ := os.ReadFile(filepath.Join(plugs, "dialplan.wasm"))
	for _, bad := range [][]byte{[]byte("garbage"), before[:len(before)/3]} {
		g, err := sw.srv.AddPlugin("dialplan.wasm", bad)
		if err == nil || !strings.Contains(err.Error(), "not a valid WebAssembly module") || g != gen {
			t.Fatalf("bad upload: generation %d, %v", g, err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(plugs, "dialplan.wasm")); string(after) != string(before) {
		t.Fatal("a refused upload changed the plugin file")
	}
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	if res, _ := a.dial(t, "*500").final(t); res.StatusCode != 404 {
		t.Fatalf("after the bad upload: %d", res.StatusCode)
	}
	if g, err := sw.srv.AddPlugin("dialplan.wasm", before); err != nil || g <= gen {
		t.Fatalf("good upload: generation %d, %v", g, err)
	}
}

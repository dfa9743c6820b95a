package lua

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func TestRequire(t *testing.T) {
	dir := writeScripts(t, map[string]string{
		DialPlanFile: `
local ext = require "extensions"
require "hooks" -- defines failure
assert(require("extensions") == ext, "modules are cached per state")
assert(loads == 1, "a module runs once per state")
function route(call)
  if ext.known[call.to] then return {action = "bridge", targets = {call.to}} end
  local ok, err = pcall(require, call.to)
  return {action = "reject", code = 404, reason = ok and "loaded" or "not loaded"}
end
`,
		"extensions.lua": `loads = (loads or 0) + 1
return {known = {["1001"] = true}}`,
		"hooks.lua":   `function failure(r) return {action = "reject", code = 503} end`, // returns nothing: require gives true
		"cycle_a.lua": `require "cycle_b"`,
		"cycle_b.lua": `require "cycle_a"`,
	})
	// A file outside the scripts directory.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.lua"), []byte("return 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	eng, err := Factory{Options: Options{Budget: testBudget}}.Build(dir, hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*Engine)
	defer e.Close()
	if !e.Handles(hook.Failure) {
		t.Fatal("a hook defined in a required module is not handled")
	}
	if d, err := route(e, "1001"); err != nil || d.Action != hook.ActionBridge {
		t.Fatalf("module data: %+v %v", d, err)
	}
	for _, name := range []string{"../outside", "outside", "/etc/passwd", "extensions.lua", "cycle_a", "dialplan", "io"} {
		d, err := route(e, name)
		if err != nil {
			t.Fatal(err)
		}
		if d.Reason != "not loaded" {
			t.Errorf("require %q loaded", name)
		}
	}
}

func TestBuildErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		target error
		parts  []string
	}{
		{"module syntax", map[string]string{DialPlanFile: "function route(c) end", "util.lua": "local x =\n\n= 1\n"}, ErrSyntax, []string{"util.lua:3:"}},
		{"unused module syntax", map[string]string{DialPlanFile: "function route(c) end", "zz.lua": "if then"}, ErrSyntax, []string{"zz.lua:1:"}},
		{"module error when required", map[string]string{DialPlanFile: "require 'bad'", "bad.lua": "\nlocal x\nx.y = 1\n"}, ErrRuntime, []string{"bad.lua:3:"}},
		{"main error", map[string]string{DialPlanFile: "\nerror('boom')\n"}, ErrRuntime, []string{DialPlanFile + ":2:", "boom"}},
		{"no dialplan", map[string]string{"util.lua": "return {}"}, fs.ErrNotExist, []string{DialPlanFile}},
		{"bad module name", map[string]string{DialPlanFile: "", "my-mod.lua": ""}, nil, []string{"my-mod.lua", "letters, digits and _"}},
		{"builtin name", map[string]string{DialPlanFile: "", "json.lua": ""}, nil, []string{"json.lua", "built-in"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Factory{Options: Options{Budget: testBudget}}.Build(writeScripts(t, tc.files), hook.Config{})
			wantErr(t, err, tc.target, tc.parts...)
		})
	}
	if _, err := (Factory{}).Build(filepath.Join(t.TempDir(), "missing"), hook.Config{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v", err)
	}
}

func TestEmbeddedScripts(t *testing.T) {
	eng, err := Factory{Options: Options{Budget: testBudget}}.Build("", hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*Engine)
	defer e.Close()
	if !e.Handles(hook.Route) || !e.Handles(hook.Failure) || e.Handles(hook.Register) {
		t.Fatal("embedded dial plan: want route and failure only")
	}
	for code, want := range map[int]int{486: 486, 480: 480, 0: 480, 200: 480, 603: 603} {
		d, err := e.Invoke(t.Context(), hook.FailureRequest{CallID: "c", From: "1001", To: "1002", Targets: []string{"1002"}, Code: code, Attempt: 1})
		if err != nil {
			t.Fatal(err)
		}
		if rd := d.(hook.RouteDecision); rd.Action != hook.ActionReject || rd.Code != want {
			t.Errorf("failure %d: %+v, want reject %d", code, rd, want)
		}
	}
	// The example IVR compiles with the embedded set and runs as a program.
	if _, ok := e.set.modules["example_ivr"]; !ok {
		t.Fatal("example_ivr.lua not embedded")
	}
}

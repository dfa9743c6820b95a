package lua

import (
	"context"
	"io/fs"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/scripts"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
)

// memKV is the real store's KV, in memory.
func memKV(t testing.TB) store.KVView {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st.KV()
}

var runnableBlock = regexp.MustCompile("(?s)```lua run\n(.*?)```")

// TestDocsExamples runs every ```lua run block of sdk/lua.md: the block is
// the dial plan (with the embedded modules beside it), every hook it
// defines is called with a sample request, and a call program runs against
// a fake call.
func TestDocsExamples(t *testing.T) {
	doc, err := os.ReadFile("../../sdk/lua.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := runnableBlock.FindAllSubmatch(doc, -1)
	if len(blocks) < 8 {
		t.Fatalf("found %d runnable blocks in sdk/lua.md", len(blocks))
	}
	modules := map[string]string{}
	for _, name := range []string{"example_ivr.lua", "say.lua"} {
		src, err := fs.ReadFile(scripts.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		modules[name] = string(src)
	}
	dir := testDir{
		"1001": {Number: "1001", Name: "Alice", Email: "alice@example.com", MaxContacts: 2},
		"1002": {Number: "1002", Name: "Bob"},
	}
	for i, b := range blocks {
		src := string(b[1])
		files := map[string]string{DialPlanFile: src}
		for name, m := range modules {
			files[name] = m
		}
		e := buildEngine(t, files, Options{Directory: dir, KV: memKV(t)})
		handled := 0
		for _, spec := range hook.Catalogue {
			if !e.Handles(spec.Name) {
				continue
			}
			handled++
			d, err := e.Invoke(context.Background(), sampleRequests()[spec.Name])
			if err != nil {
				t.Errorf("block %d: %s: %v\n%s", i+1, spec.Name, err, src)
				continue
			}
			rd, ok := d.(hook.RouteDecision)
			if !ok || rd.Action != hook.ActionProgram {
				continue
			}
			c := &fakeCall{info: hook.RouteRequest{CallID: "c1", From: "1001", To: "1002"},
				bridgeRes: []hook.BridgeResult{{Answered: true, Target: "1001", Talk: time.Minute}}}
			if err := rd.Program.Run(context.Background(), c); err != nil {
				t.Errorf("block %d: program: %v\n%s", i+1, err, src)
			}
			if c.Ops() == "" {
				t.Errorf("block %d: the program did nothing", i+1)
			}
		}
		if handled == 0 {
			t.Errorf("block %d defines no hook:\n%s", i+1, src)
		}
	}
}

// The embedded example IVR runs as a program: when collect fails it rings
// the operator.
func TestExampleIVR(t *testing.T) {
	ivr, err := fs.ReadFile(scripts.FS, "example_ivr.lua")
	if err != nil {
		t.Fatal(err)
	}
	e := buildEngine(t, map[string]string{
		DialPlanFile:      `function route(call) return require("example_ivr").run end`,
		"example_ivr.lua": string(ivr),
	}, Options{})
	// Collect fails: straight to the operator, who does not answer.
	c := &fakeCall{bridgeRes: []hook.BridgeResult{{Code: 480}}}
	if err := runProgram(t, e, "500", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer collect(1,5s,,ivr/welcome,ivr/main_menu) bridge(1000) hangup(480,Nobody Available)" {
		t.Fatalf("ops %q", got)
	}
	// Key 2 rings support, who answers.
	c = &fakeCall{collect: []string{"2"}, bridgeRes: []hook.BridgeResult{{Answered: true}}}
	if err := runProgram(t, e, "500", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer collect(1,5s,,ivr/welcome,ivr/main_menu) bridge(1002)" {
		t.Fatalf("ops %q", got)
	}
	// A wrong key, then busy support: the operator.
	c = &fakeCall{collect: []string{"9", "2"}, bridgeRes: []hook.BridgeResult{{Code: 486}, {Answered: true}}}
	if err := runProgram(t, e, "500", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer collect(1,5s,,ivr/welcome,ivr/main_menu) collect(1,5s,,ivr/welcome,ivr/main_menu) bridge(1002) bridge(1000)" {
		t.Fatalf("ops %q", got)
	}
}

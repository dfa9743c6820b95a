package wasm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hookswitch/hookswitch/sdk/go/wasmbuild"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// TestSDKReadmePlugin builds the plugin of sdk/go/README.md and runs it:
// route bridges, *500 is a program, register shortens the expiry.
func TestSDKReadmePlugin(t *testing.T) {
	doc, err := os.ReadFile("../../sdk/go/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```go plugin\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("no ```go plugin block in sdk/go/README.md")
	}
	root, _ := filepath.Abs("../..")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "main.go"), m[1], 0o644)
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/plan\n\ngo 1.24\n\nrequire github.com/hookswitch/hookswitch v0.0.0\n\nreplace github.com/hookswitch/hookswitch => "+root+"\n"), 0o644)
	out := filepath.Join(t.TempDir(), "plan.wasm")
	args := append([]string{"build"}, wasmbuild.Flags...)
	cmd := exec.Command("go", append(args, "-mod=mod", "-o", out, ".")...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), append(wasmbuild.Env, "GOPROXY=off", "GONOSUMCHECK=1", "GONOSUMDB=*", "GOFLAGS=-mod=mod")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	e := newEngine(t, "plan.wasm", Options{Dir: filepath.Dir(out)}, hook.Route, hook.Register)
	if d, err := route(t, e, "1002"); err != nil || d.Targets[0] != "1002" || d.Timeout.Seconds() != 30 {
		t.Fatalf("route: %+v %v", d, err)
	}
	if d, err := route(t, e, "x"); err != nil || d.Code != 404 {
		t.Fatalf("route: %+v %v", d, err)
	}
	c := &fakeCall{collect: []string{"2"}, bridgeRes: hook.BridgeResult{Answered: true}}
	if err := runProgram(t, e, "*500", c); err != nil || c.Ops() != "answer collect(1,5s,ivr/welcome.wav) bridge(1002)" {
		t.Fatalf("program: %v, ops %q", err, c.Ops())
	}
	d, err := e.Invoke(context.Background(), hook.RegisterRequest{AOR: "1001", Expires: 3600})
	if err != nil || d.(hook.RegisterDecision).Expires != 300 {
		t.Fatalf("register: %+v %v", d, err)
	}
}

// sdk/ABI.md's import table lists every import the host offers.
func TestABIDocListsImports(t *testing.T) {
	doc, err := os.ReadFile("../../sdk/ABI.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range hostFuncs {
		if !regexp.MustCompile("\\| `" + regexp.QuoteMeta(name) + "` \\| `\\(").Match(doc) {
			t.Errorf("sdk/ABI.md does not list the import %s", name)
		}
	}
}

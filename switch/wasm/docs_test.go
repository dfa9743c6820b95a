package wasm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/sdk/go/wasmbuild"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// readmePlugin builds the ```go TAG block of sdk/go/README.md into
// NAME.wasm and returns its directory.
func readmePlugin(t *testing.T, tag, name string) string {
	t.Helper()
	doc, err := os.ReadFile("../../sdk/go/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```go " + tag + "\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("no ```go %s block in sdk/go/README.md", tag)
	}
	root, _ := filepath.Abs("../..")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "main.go"), m[1], 0o644)
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/"+name+"\n\ngo 1.24\n\nrequire github.com/hookswitch/hookswitch v0.0.0\n\nreplace github.com/hookswitch/hookswitch => "+root+"\n"), 0o644)
	out := filepath.Join(t.TempDir(), name+".wasm")
	args := append([]string{"build"}, wasmbuild.Flags...)
	cmd := exec.Command("go", append(args, "-mod=mod", "-o", out, ".")...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), append(wasmbuild.Env, "GOPROXY=off", "GONOSUMCHECK=1", "GONOSUMDB=*", "GOFLAGS=-mod=mod")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	return filepath.Dir(out)
}

// TestSDKReadmePlugin builds the plugin of sdk/go/README.md and runs it:
// route bridges, *500 is a program, register shortens the expiry.
func TestSDKReadmePlugin(t *testing.T) {
	dir := readmePlugin(t, "plugin", "plan")
	e := newEngine(t, "plan.wasm", Options{Dir: dir}, hook.Route, hook.Register)
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

// TestSDKReadmeMediaPlugin builds the media example of sdk/go/README.md
// and runs its program: the name recorded goes to the conference.
func TestSDKReadmeMediaPlugin(t *testing.T) {
	dir := readmePlugin(t, "media plugin", "meetme")
	e := newEngine(t, "meetme.wasm", Options{Dir: dir})
	c := &fakeCall{recordRes: hook.RecordResult{File: "rec:42", Reason: "terminator", Digit: "#"}, confRes: hook.ConferenceResult{Reason: "left"}}
	if err := runProgram(t, e, "3000", c); err != nil || c.Ops() != "answer play(conf/record_your_name) record conference(3000)" {
		t.Fatalf("program: %v, ops %q", err, c.Ops())
	}
	if len(c.confs) != 1 || c.confs[0].Name != "rec:42" || !c.confs[0].WaitLeader || c.records[0].Silence != 2*time.Second {
		t.Fatalf("conference %+v, record %+v", c.confs, c.records)
	}
	if _, err := build(bindAll("meetme.wasm", 0, hook.Route), Options{Dir: dir, Logger: quietLogger(), CacheDir: testCacheDir,
		features: hostFeatures &^ abi.FeatureMedia}); err == nil || !strings.Contains(err.Error(), "(media) that this host lacks") {
		t.Fatalf("a host without media: %v", err)
	}
}

// TestSDKReadmeRoutingPlugin builds the trunks and queues example of
// sdk/go/README.md: trunk calls queue, outside numbers leave through
// trunks, and a host without the routing layouts refuses it.
func TestSDKReadmeRoutingPlugin(t *testing.T) {
	dir := readmePlugin(t, "routing plugin", "office")
	e := newEngine(t, "office.wasm", Options{Dir: dir})
	d, err := route(t, e, "0301234")
	if err != nil || !reflect.DeepEqual(d, hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"+49301234"},
		Trunks: []string{"upstream", "backup"}, TimeLimit: 2 * time.Hour}) {
		t.Fatalf("out: %+v %v", d, err)
	}
	d, err = routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "+4930555", To: "4930999", Trunk: "upstream"})
	if err != nil || d.Program == nil {
		t.Fatalf("in: %+v %v", d, err)
	}
	c := &fakeCall{queueRes: &hook.QueueResult{Reason: hook.QueueTimeout, Waited: time.Minute}}
	if err := d.Program.Run(context.Background(), c); err != nil || c.Ops() != "answer queue(7000) play(queue/nobody_available) hangup(480,)" {
		t.Fatalf("program: %v, ops %q", err, c.Ops())
	}
	if _, err := build(bindAll("office.wasm", 0, hook.Route), Options{Dir: dir, Logger: quietLogger(), CacheDir: testCacheDir,
		features: hostFeatures &^ abi.FeatureRouting}); err == nil || !strings.Contains(err.Error(), "(routing) that this host lacks") {
		t.Fatalf("a host without routing: %v", err)
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

package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/lua"
)

// scriptLive is fakeLive with a real scripts directory and a real hook
// dispatcher over the Lua engine: reloads compile and load for real.
type scriptLive struct {
	*fakeLive
	d   *hook.Dispatcher
	dir string
}

func (s *scriptLive) ReloadScripts() (uint64, error) { return s.d.Reload() }
func (s *scriptLive) ScriptGeneration() uint64       { return s.d.Generation() }
func (s *scriptLive) ScriptsDir() string             { return s.dir }

const planA = "function route(call)\n  return { action = \"bridge\", targets = { \"1002\" } }\nend\n"
const planB = "function route(call)\n  return { action = \"bridge\", targets = { \"1003\" } }\nend\n"

func newScriptAPI(t *testing.T) (*httptest.Server, *scriptLive) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dialplan.lua"), []byte(planA), 0o644); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	d, err := hook.NewDispatcher(dir, []hook.Factory{lua.Factory{Options: lua.Options{Logger: quiet}}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	l := &scriptLive{fakeLive: &fakeLive{plugins: map[string][]byte{}}, d: d, dir: dir}
	srv := httptest.NewServer((&API{L: l}).Handler())
	t.Cleanup(srv.Close)
	return srv, l
}

func sdo(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

func sdoJSON(t *testing.T, method, url string, body []byte, out any) int {
	t.Helper()
	code, b := sdo(t, method, url, body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, url, code, b, err)
		}
	}
	return code
}

func TestScriptEditor(t *testing.T) {
	srv, l := newScriptAPI(t)
	base := srv.URL + "/api/v1/scripts"
	file := func() string {
		b, err := os.ReadFile(filepath.Join(l.dir, "dialplan.lua"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	var list struct {
		Generation uint64       `json:"generation"`
		ReadOnly   bool         `json:"read_only"`
		Scripts    []ScriptInfo `json:"scripts"`
	}
	if code := sdoJSON(t, "GET", base, nil, &list); code != 200 || list.Generation != 1 || list.ReadOnly ||
		len(list.Scripts) != 1 || list.Scripts[0].Name != "dialplan.lua" || list.Scripts[0].Size != int64(len(planA)) {
		t.Fatalf("list: %d %+v", code, list)
	}
	if code, b := sdo(t, "GET", base+"/dialplan.lua", nil); code != 200 || string(b) != planA {
		t.Fatalf("get: %d %q", code, b)
	}

	// A good script: saved, the old one in the history, a new generation.
	var ok struct {
		Generation uint64 `json:"generation"`
	}
	if code := sdoJSON(t, "PUT", base+"/dialplan.lua", []byte(planB), &ok); code != 200 || ok.Generation != 2 {
		t.Fatalf("put good: %d %+v", code, ok)
	}
	if file() != planB || l.ScriptGeneration() != 2 {
		t.Fatalf("after a good put: %q generation %d", file(), l.ScriptGeneration())
	}
	var hist []ScriptVersion
	if code := sdoJSON(t, "GET", base+"/dialplan.lua/history", nil, &hist); code != 200 || len(hist) != 1 || hist[0].Size != int64(len(planA)) {
		t.Fatalf("history: %d %+v", code, hist)
	}
	if code, b := sdo(t, "GET", base+"/dialplan.lua/history/"+hist[0].Version, nil); code != 200 || string(b) != planA {
		t.Fatalf("history version: %d %q", code, b)
	}

	// A syntax error: 422 with the line; nothing changed.
	var bad struct {
		Error      string `json:"error"`
		Line       int    `json:"line"`
		Generation uint64 `json:"generation"`
	}
	syntax := "function route(call)\n  local x = \n  return {\nend\n"
	if code := sdoJSON(t, "PUT", base+"/dialplan.lua", []byte(syntax), &bad); code != 422 || bad.Line != 3 || !strings.Contains(bad.Error, "dialplan.lua:3") {
		t.Fatalf("put syntax error: %d %+v", code, bad)
	}
	if file() != planB || l.ScriptGeneration() != 2 {
		t.Fatalf("after a syntax error: %q generation %d", file(), l.ScriptGeneration())
	}

	// A script that compiles but fails to load: the reload's error, the
	// line, and the old file back.
	bad.Line = 0
	runtime := "local x = 1\nerror(\"boom at load\")\nfunction route(call) end\n"
	if code := sdoJSON(t, "PUT", base+"/dialplan.lua", []byte(runtime), &bad); code != 422 || !strings.Contains(bad.Error, "boom at load") || bad.Line != 2 || bad.Generation != 2 {
		t.Fatalf("put runtime error: %d %+v", code, bad)
	}
	if file() != planB || l.ScriptGeneration() != 2 {
		t.Fatalf("after a failed load: %q generation %d", file(), l.ScriptGeneration())
	}
	if code := sdoJSON(t, "GET", base+"/dialplan.lua/history", nil, &hist); code != 200 || len(hist) != 1 {
		t.Fatalf("a refused save left history: %+v", hist)
	}

	// A new file whose reload fails (a module may not take a built-in
	// module's name) is removed again.
	if code := sdoJSON(t, "PUT", base+"/json.lua", []byte("return {}\n"), &bad); code != 422 || !strings.Contains(bad.Error, "built-in module") {
		t.Fatalf("put json.lua: %d %+v", code, bad)
	}
	if _, err := os.Stat(filepath.Join(l.dir, "json.lua")); err == nil {
		t.Fatal("a refused new script stayed on disk")
	}

	// Rollback: the previous version is live again and leaves the history.
	var rb struct {
		Generation uint64 `json:"generation"`
		Version    string `json:"version"`
	}
	if code := sdoJSON(t, "POST", base+"/dialplan.lua/rollback", nil, &rb); code != 200 || rb.Version != hist[0].Version || rb.Generation <= 2 {
		t.Fatalf("rollback: %d %+v", code, rb)
	}
	if file() != planA {
		t.Fatalf("after rollback: %q", file())
	}
	if code := sdoJSON(t, "POST", base+"/dialplan.lua/rollback", nil, &bad); code != 404 {
		t.Fatalf("rollback with no history: %d %+v", code, bad)
	}
}

func TestScriptEditorRefuses(t *testing.T) {
	srv, l := newScriptAPI(t)
	base := srv.URL + "/api/v1/scripts/"
	for _, name := range []string{"..%2Fx.lua", ".hidden.lua", "x.txt", "a%20b.lua", "dialplan.lua.bak", "%2Fetc%2Fpasswd", "x.lua%00"} {
		if code, b := sdo(t, "PUT", base+name, []byte(planA)); code != 400 {
			t.Errorf("name %q: %d %s, want 400", name, code, b)
		}
	}
	big := bytes.Repeat([]byte("-- padding\n"), lua.MaxScriptSize/10)
	if code, b := sdo(t, "PUT", base+"dialplan.lua", big); code != 413 {
		t.Errorf("oversize: %d %s", code, b)
	}
	if code, _ := sdo(t, "GET", base+"nosuch.lua", nil); code != 404 {
		t.Errorf("get missing: %d", code)
	}
	if code, _ := sdo(t, "GET", base+"dialplan.lua/history/..%2F..%2Fdialplan.lua", nil); code != 400 {
		t.Errorf("history traversal: %d", code)
	}
	entries, _ := os.ReadDir(l.dir)
	if len(entries) != 1 {
		t.Errorf("the refusals left files: %v", entries)
	}
}

// The history keeps the newest maxHistory versions.
func TestScriptHistoryBounded(t *testing.T) {
	srv, l := newScriptAPI(t)
	url := srv.URL + "/api/v1/scripts/dialplan.lua"
	for i := range maxHistory + 3 {
		src := fmt.Sprintf("-- v%d\n%s", i, planA)
		if code, b := sdo(t, "PUT", url, []byte(src)); code != 200 {
			t.Fatalf("put %d: %d %s", i, code, b)
		}
	}
	vs, err := scriptHistory(l.dir).List("dialplan.lua")
	if err != nil || len(vs) != maxHistory {
		t.Fatalf("versions: %d %v, want %d", len(vs), err, maxHistory)
	}
	// Newest first: the version before the last save is v21.
	b, _ := os.ReadFile(filepath.Join(l.dir, historyDir, "dialplan.lua", vs[0].Version))
	if !strings.HasPrefix(string(b), fmt.Sprintf("-- v%d\n", maxHistory+1)) {
		t.Fatalf("newest version: %q", b[:10])
	}
}

// A switch running the built-in scripts shows them and refuses edits.
func TestScriptEditorReadOnly(t *testing.T) {
	srv, l := newScriptAPI(t)
	l.dir = ""
	var list struct {
		ReadOnly bool         `json:"read_only"`
		Scripts  []ScriptInfo `json:"scripts"`
	}
	if code := sdoJSON(t, "GET", srv.URL+"/api/v1/scripts", nil, &list); code != 200 || !list.ReadOnly || len(list.Scripts) < 2 {
		t.Fatalf("list: %d %+v", code, list)
	}
	if code, b := sdo(t, "GET", srv.URL+"/api/v1/scripts/dialplan.lua", nil); code != 200 || !bytes.Contains(b, []byte("function route")) {
		t.Fatalf("get built-in: %d", code)
	}
	if code, _ := sdo(t, "PUT", srv.URL+"/api/v1/scripts/dialplan.lua", []byte(planA)); code != 409 {
		t.Fatalf("put read-only: %d", code)
	}
}

package web

import (
	"fmt"
	"io/fs"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
)

// pluginLive keeps each plugin's earlier versions in memory, as the
// switch keeps them on disk; "inuse.wasm" cannot be deleted (hooks.json
// names it) and a version "bad" does not load.
type pluginLive struct {
	*fakeLive
	history map[string][][]byte // newest last
}

func (p *pluginLive) AddPlugin(name string, bin []byte) (uint64, error) {
	old, had := p.plugins[name]
	gen, err := p.fakeLive.AddPlugin(name, bin)
	if err == nil && had {
		p.history[name] = append(p.history[name], old)
	}
	return gen, err
}

func (p *pluginLive) DeletePlugin(name string) (uint64, error) {
	bin, ok := p.plugins[name]
	if !ok {
		return p.gen, fmt.Errorf("plugin %s: %w", name, fs.ErrNotExist)
	}
	if name == "inuse.wasm" {
		return p.gen, fmt.Errorf("plugin %s: still in use, kept: hooks.json names it", name)
	}
	delete(p.plugins, name)
	p.history[name] = append(p.history[name], bin)
	p.gen++
	return p.gen, nil
}

func (p *pluginLive) RollbackPlugin(name string) (uint64, string, error) {
	h := p.history[name]
	if len(h) == 0 {
		return p.gen, "", fmt.Errorf("plugin %s: no earlier version: %w", name, fs.ErrNotExist)
	}
	if string(h[len(h)-1]) == "bad" {
		return p.gen, "", fmt.Errorf("plugin %s: not a valid WebAssembly module", name)
	}
	p.plugins[name] = h[len(h)-1]
	p.history[name] = h[:len(h)-1]
	p.gen++
	return p.gen, fmt.Sprint("v", len(h)), nil
}

func (p *pluginLive) PluginHistory(name string) ([]plugins.Version, error) {
	var out []plugins.Version // nil when none: the API must answer []
	for i := len(p.history[name]) - 1; i >= 0; i-- {
		out = append(out, plugins.Version{Version: fmt.Sprint("v", i+1), Size: int64(len(p.history[name][i])), Saved: time.Unix(int64(i), 0).UTC()})
	}
	return out, nil
}

func TestPluginDeleteHistoryRollback(t *testing.T) {
	live := &pluginLive{fakeLive: &fakeLive{gen: 1, plugins: map[string][]byte{"inuse.wasm": []byte("\x00asm1")}}, history: map[string][][]byte{}}
	srv := httptest.NewServer((&API{L: live}).Handler())
	defer srv.Close()
	do := func(method, path, body string) int {
		t.Helper()
		code, _ := sdo(t, method, srv.URL+path, []byte(body))
		return code
	}
	getJSON := func(path string, out any) int {
		t.Helper()
		code, _, _ := liveGet(t, srv.URL+path, out)
		return code
	}
	var hist []plugins.Version
	if code := getJSON("/api/v1/plugins/x.wasm/history", &hist); code != 200 || hist == nil || len(hist) != 0 {
		t.Fatalf("empty history: %d %v", code, hist)
	}
	if _, _, body := liveGet(t, srv.URL+"/api/v1/plugins/x.wasm/history", nil); strings.TrimSpace(body) != "[]" {
		t.Errorf("empty history answered %q, want []", body)
	}
	// Two uploads of x.wasm: one earlier version.
	for _, v := range []string{"one", "two"} {
		if code := do("POST", "/api/v1/plugins?name=x.wasm", v); code != 200 {
			t.Fatalf("upload %s: %d", v, code)
		}
	}
	if code := getJSON("/api/v1/plugins/x.wasm/history", &hist); code != 200 || len(hist) != 1 || hist[0].Size != 3 {
		t.Fatalf("history %d %+v", code, hist)
	}
	var rb map[string]any
	if code := sdoJSON(t, "POST", srv.URL+"/api/v1/plugins/x.wasm/rollback", nil, &rb); code != 200 || rb["version"] != "v1" || rb["plugin"] != "x.wasm" {
		t.Fatalf("rollback: %d %v", code, rb)
	}
	if string(live.plugins["x.wasm"]) != "one" {
		t.Fatalf("after the rollback x.wasm is %q", live.plugins["x.wasm"])
	}
	if code := sdoJSON(t, "POST", srv.URL+"/api/v1/plugins/x.wasm/rollback", nil, &rb); code != 404 {
		t.Fatalf("rollback with no history: %d %v", code, rb)
	}
	// Delete, and bring back.
	var del map[string]any
	if code := sdoJSON(t, "DELETE", srv.URL+"/api/v1/plugins/x.wasm", nil, &del); code != 200 || del["plugin"] != "x.wasm" {
		t.Fatalf("delete: %d %v", code, del)
	}
	if _, ok := live.plugins["x.wasm"]; ok {
		t.Fatal("x.wasm not deleted")
	}
	if code := sdoJSON(t, "DELETE", srv.URL+"/api/v1/plugins/x.wasm", nil, &del); code != 404 {
		t.Fatalf("delete again: %d %v", code, del)
	}
	if code := sdoJSON(t, "POST", srv.URL+"/api/v1/plugins/x.wasm/rollback", nil, &rb); code != 200 || string(live.plugins["x.wasm"]) != "one" {
		t.Fatalf("rollback after delete: %d %v", code, rb)
	}
	// In use: 422 with the reason and the running generation; kept.
	var fail map[string]any
	if code := sdoJSON(t, "DELETE", srv.URL+"/api/v1/plugins/inuse.wasm", nil, &fail); code != 422 || !strings.Contains(fmt.Sprint(fail["error"]), "in use") || fail["generation"] == nil {
		t.Fatalf("delete in use: %d %v", code, fail)
	}
	// A version that does not load: 422, nothing changed.
	live.history["x.wasm"] = append(live.history["x.wasm"], []byte("bad"))
	if code := sdoJSON(t, "POST", srv.URL+"/api/v1/plugins/x.wasm/rollback", nil, &fail); code != 422 || string(live.plugins["x.wasm"]) != "one" {
		t.Fatalf("rollback to a bad version: %d %v", code, fail)
	}
	// Bad names.
	for _, p := range []string{"/api/v1/plugins/..%2Fx.wasm", "/api/v1/plugins/.hidden"} {
		if code := sdoJSON(t, "DELETE", srv.URL+p, nil, nil); code != 400 {
			t.Errorf("DELETE %s: %d, want 400", p, code)
		}
	}
	// A switch without the editor: 501.
	bare := httptest.NewServer((&API{L: &fakeLive{plugins: map[string][]byte{}}}).Handler())
	defer bare.Close()
	if code := sdoJSON(t, "DELETE", bare.URL+"/api/v1/plugins/x.wasm", nil, nil); code != 501 {
		t.Errorf("no editor: %d, want 501", code)
	}
	// The list is a list, even empty.
	if _, _, body := liveGet(t, bare.URL+"/api/v1/plugins", nil); strings.TrimSpace(body) != "[]" {
		t.Errorf("empty plugin list answered %q, want []", body)
	}
}

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/store"
)

// fakeLive records plugin uploads; a body "bad" fails validation.
type fakeLive struct {
	gen     uint64
	plugins map[string][]byte
}

func (f *fakeLive) Bindings() []store.Binding      { return nil }
func (f *fakeLive) ActiveCalls() int               { return 0 }
func (f *fakeLive) Forget(string)                  {}
func (f *fakeLive) ReloadScripts() (uint64, error) { f.gen++; return f.gen, nil }
func (f *fakeLive) ScriptGeneration() uint64       { return f.gen }
func (f *fakeLive) WriteMetrics(io.Writer)         {}
func (f *fakeLive) AddPlugin(name string, bin []byte) (uint64, error) {
	if string(bin) == "bad" {
		return f.gen, errors.New("plugin " + name + ": plugin refused: not a valid WebAssembly module")
	}
	f.plugins[name] = bin
	f.gen++
	return f.gen, nil
}

func (f *fakeLive) Plugins() ([]plugins.Info, error) {
	var out []plugins.Info
	for n, b := range f.plugins {
		out = append(out, plugins.Info{Name: n, Size: len(b)})
	}
	return out, nil
}

func TestPluginUpload(t *testing.T) {
	live := &fakeLive{gen: 1, plugins: map[string][]byte{}}
	srv := httptest.NewServer((&API{L: live}).Handler())
	defer srv.Close()
	post := func(url, ct string, body []byte) (int, map[string]any) {
		t.Helper()
		res, err := http.Post(srv.URL+url, ct, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	if code, out := post("/api/v1/plugins?name=plan.wasm", "application/wasm", []byte("\x00asm")); code != 200 || out["generation"] != 2.0 {
		t.Fatalf("raw upload: %d %v", code, out)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("plugin", "billing2.wasm")
	fw.Write([]byte("\x00asm2"))
	mw.Close()
	if code, out := post("/api/v1/plugins", mw.FormDataContentType(), form.Bytes()); code != 200 || out["plugin"] != "billing2.wasm" {
		t.Fatalf("multipart upload: %d %v", code, out)
	}
	if string(live.plugins["billing2.wasm"]) != "\x00asm2" {
		t.Fatalf("plugins %v", live.plugins)
	}
	if code, out := post("/api/v1/plugins?name=plan.wasm", "application/wasm", []byte("bad")); code != 422 || !strings.Contains(out["error"].(string), "not a valid WebAssembly") || out["generation"] != 3.0 {
		t.Fatalf("bad plugin: %d %v", code, out)
	}
	for _, name := range []string{"", "../plan.wasm", "plan.so", ".hidden.wasm"} {
		if code, _ := post("/api/v1/plugins?name="+name, "application/wasm", []byte("x")); code != 400 {
			t.Errorf("name %q: %d, want 400", name, code)
		}
	}
	if code, _ := post("/api/v1/plugins?name=empty.wasm", "application/wasm", nil); code != 400 {
		t.Errorf("empty body: %d", code)
	}
	res, err := http.Get(srv.URL + "/api/v1/plugins")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list []plugins.Info
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != 200 || len(list) != 2 {
		t.Fatalf("plugin list: %d %+v %v", res.StatusCode, list, err)
	}
}

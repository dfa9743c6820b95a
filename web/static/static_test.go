package static

import (
	"net/http"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/hookswitch/hookswitch/web/static/statictest"
)

var get = statictest.Get

func newFiles(t testing.TB) *Files {
	t.Helper()
	fsys := fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><title>i</title>")},
		"app.js":     {Data: []byte("export const a = 1;\n")},
		"app.css":    {Data: []byte("body { margin: 0 }\n")},
		"data.bin":   {Data: []byte{1, 2, 3}},
		"sub/x.js":   {Data: []byte("x\n")},
	}
	f, err := New(fsys, map[string][]byte{"config.json": []byte(`{"a":1}`)}, func(name string, h http.Header) {
		h.Set("X-Name", name)
		if name == "config.json" {
			h.Set("Cache-Control", "no-store")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every file is served with its type, a strong ETag, revalidation,
// nosniff and what the header function adds, which may also override.
func TestFilesServe(t *testing.T) {
	f := newFiles(t)
	etag := regexp.MustCompile(`^"[0-9a-f]{24}"$`)
	for p, want := range map[string][2]string{
		"/":            {"text/html; charset=utf-8", "index.html"},
		"/index.html":  {"text/html; charset=utf-8", "index.html"},
		"/app.js":      {"text/javascript; charset=utf-8", "app.js"},
		"/app.css":     {"text/css; charset=utf-8", "app.css"},
		"/sub/x.js":    {"text/javascript; charset=utf-8", "sub/x.js"},
		"/config.json": {"application/json", "config.json"},
	} {
		w := get(f, "GET", p)
		hd := w.Header()
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			t.Errorf("GET %s: %d with %d bytes", p, w.Code, w.Body.Len())
		}
		if hd.Get("Content-Type") != want[0] || hd.Get("X-Name") != want[1] || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: Content-Type %q, X-Name %q, nosniff %q; want %q, %q", p, hd.Get("Content-Type"), hd.Get("X-Name"), hd.Get("X-Content-Type-Options"), want[0], want[1])
		}
		if cc := hd.Get("Cache-Control"); cc != "no-cache" && !(p == "/config.json" && cc == "no-store") {
			t.Errorf("GET %s: Cache-Control %q", p, cc)
		}
		if !etag.MatchString(hd.Get("ETag")) {
			t.Errorf("GET %s: ETag %q", p, hd.Get("ETag"))
		}
	}
	if get(f, "GET", "/").Body.String() != get(f, "GET", "/index.html").Body.String() {
		t.Error("/ is not index.html")
	}
	if get(f, "GET", "/app.js").Header().Get("ETag") == get(f, "GET", "/sub/x.js").Header().Get("ETag") {
		t.Error("two files with different content share an ETag")
	}
}

// A revalidation with the ETag is a 304; a stale one gets the file; HEAD
// has no body; other methods are 405; anything not a file is 404,
// including traversal, directories and other spellings.
func TestFilesRequests(t *testing.T) {
	f := newFiles(t)
	et := get(f, "GET", "/app.js").Header().Get("ETag")
	if w := get(f, "GET", "/app.js", "If-None-Match", et); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	if w := get(f, "GET", "/app.js", "If-None-Match", `"stale"`); w.Code != http.StatusOK {
		t.Errorf("stale ETag: %d, want 200", w.Code)
	}
	full := get(f, "GET", "/app.css")
	head := get(f, "HEAD", "/app.css")
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != full.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, length %q (GET %q)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), full.Header().Get("Content-Length"))
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		if w := get(f, m, "/index.html"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	for _, p := range []string{"/static.go", "/../go.mod", "/nope.js", "/index.html/", "//index.html", "/.", "/sub", "/sub/", "/APP.JS"} {
		if w := get(f, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}

// Without index.html nothing answers at the root.
func TestFilesNoIndex(t *testing.T) {
	f, err := New(fstest.MapFS{"a.js": {Data: []byte("a")}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := get(f, "GET", "/"); w.Code != http.StatusNotFound {
		t.Errorf("GET /: %d, want 404", w.Code)
	}
	if w := get(f, "GET", "/a.js"); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET /a.js: %d, %q", w.Code, w.Header().Get("Content-Type"))
	}
}

func BenchmarkFiles(b *testing.B) {
	f := newFiles(b)
	et := get(f, "GET", "/app.js").Header().Get("ETag")
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			get(f, "GET", "/app.js")
		}
	})
	b.Run("revalidate", func(b *testing.B) {
		for b.Loop() {
			get(f, "GET", "/app.js", "If-None-Match", et)
		}
	})
}

package phone

import (
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func get(t testing.TB, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func newHandler(t testing.TB) *Handler {
	t.Helper()
	h, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Every asset is served with its type, a strong ETag, revalidation and
// nosniff; pages carry a CSP; scripts and config.json may be fetched from
// other origins (the widget runs on other sites).
func TestHandlerServesAssets(t *testing.T) {
	h := newHandler(t)
	want := map[string]string{
		"/":              "text/html; charset=utf-8",
		"/index.html":    "text/html; charset=utf-8",
		"/c2c-test.html": "text/html; charset=utf-8",
		"/phone.css":     "text/css; charset=utf-8",
		"/phone.js":      "text/javascript; charset=utf-8",
		"/protocol.js":   "text/javascript; charset=utf-8",
		"/session.js":    "text/javascript; charset=utf-8",
		"/media.js":      "text/javascript; charset=utf-8",
		"/book.js":       "text/javascript; charset=utf-8",
		"/c2c.js":        "text/javascript; charset=utf-8",
		"/c2c-test.js":   "text/javascript; charset=utf-8",
		"/config.json":   "application/json",
	}
	for p, ct := range want {
		w := get(t, h, "GET", p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", p, w.Code)
			continue
		}
		hd := w.Header()
		if hd.Get("Content-Type") != ct {
			t.Errorf("GET %s: Content-Type %q, want %q", p, hd.Get("Content-Type"), ct)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", p)
		}
		if cc := hd.Get("Cache-Control"); cc != "no-cache" && !(p == "/config.json" && cc == "no-store") {
			t.Errorf("GET %s: Cache-Control %q", p, cc)
		}
		if et := hd.Get("ETag"); !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(et) {
			t.Errorf("GET %s: ETag %q", p, et)
		}
		isPage := strings.HasPrefix(ct, "text/html")
		if csp := hd.Get("Content-Security-Policy"); isPage != strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
		cors := strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".json")
		if (hd.Get("Access-Control-Allow-Origin") == "*") != cors {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", p, hd.Get("Access-Control-Allow-Origin"))
		}
		if w.Body.Len() == 0 {
			t.Errorf("GET %s: empty body", p)
		}
	}
	if a, b := get(t, h, "GET", "/").Body.String(), get(t, h, "GET", "/index.html").Body.String(); a != b {
		t.Error("/ is not index.html")
	}
}

// A revalidation with the ETag is a 304; HEAD has no body; other methods
// are 405; anything not an asset is 404, including the package's own
// source and tests, traversal and directories.
func TestHandlerRequests(t *testing.T) {
	h := newHandler(t)
	et := get(t, h, "GET", "/phone.js").Header().Get("ETag")
	if w := get(t, h, "GET", "/phone.js", "If-None-Match", et); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	if w := get(t, h, "GET", "/phone.js", "If-None-Match", `"stale"`); w.Code != http.StatusOK {
		t.Errorf("stale ETag: %d, want 200", w.Code)
	}
	full := get(t, h, "GET", "/phone.css")
	head := get(t, h, "HEAD", "/phone.css")
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != full.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, length %q (GET %q)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), full.Header().Get("Content-Length"))
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		w := get(t, h, m, "/index.html")
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	for _, p := range []string{"/embed.go", "/embed_test.go", "/testdata/drive.mjs", "/../go.mod", "/nope.js", "/index.html/", "//index.html", "/.", "/PHONE.JS"} {
		if w := get(t, h, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}

// config.json carries the Config; a bad Config is refused.
func TestHandlerConfig(t *testing.T) {
	h, err := New(Config{WCP: "wss://pbx.example.com/wcp", ICEServers: []ICEServer{{URLs: []string{"stun:stun.example.com:3478"}}}})
	if err != nil {
		t.Fatal(err)
	}
	body := get(t, h, "GET", "/config.json").Body.String()
	if want := `{"wcp":"wss://pbx.example.com/wcp","iceServers":[{"urls":["stun:stun.example.com:3478"]}]}`; body != want {
		t.Errorf("config.json = %s, want %s", body, want)
	}
	if body := get(t, newHandler(t), "GET", "/config.json").Body.String(); body != `{"wcp":"/wcp","iceServers":[]}` {
		t.Errorf("default config.json = %s", body)
	}
	for _, c := range []Config{
		{WCP: "http://pbx/wcp"}, {WCP: "wcp"}, {WCP: "//pbx/wcp"}, {WCP: "wss://"}, {WCP: "/wcp?x=1"},
		{ICEServers: []ICEServer{{}}}, {ICEServers: []ICEServer{{URLs: []string{"http://stun"}}}},
	} {
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
}

// Every asset file in this directory is embedded, and everything a page
// or script refers to (src, href, import) is served: a file left out of
// the go:embed line fails here, not in a browser.
func TestAssetsComplete(t *testing.T) {
	var embedded []string
	fs.WalkDir(Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded = append(embedded, p)
		}
		return err
	})
	var onDisk []string
	for _, pat := range []string{"*.html", "*.js", "*.css"} {
		m, _ := filepath.Glob(pat)
		onDisk = append(onDisk, m...)
	}
	slices.Sort(embedded)
	slices.Sort(onDisk)
	if !slices.Equal(embedded, onDisk) {
		t.Errorf("embedded %q, files here %q", embedded, onDisk)
	}
	h := newHandler(t)
	refs := 0
	ref := regexp.MustCompile(`(?:src|href)="([^"]+)"|from '(\./[^']+)'|new URL\('([^']+)', import\.meta\.url\)`)
	for _, name := range embedded {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			target := m[1] + m[2] + m[3]
			if strings.Contains(target, ":") || strings.HasPrefix(target, "#") || strings.Contains(target, "${") {
				continue // absolute, fragment or built at run time
			}
			refs++
			if w := get(t, h, "GET", "/"+path.Clean(target)); w.Code != http.StatusOK {
				t.Errorf("%s refers to %s: %d", name, target, w.Code)
			}
		}
	}
	if refs < 12 {
		t.Errorf("found %d references; the pattern no longer matches the pages", refs)
	}
}

func BenchmarkHandler(b *testing.B) {
	h := newHandler(b)
	et := get(b, h, "GET", "/phone.js").Header().Get("ETag")
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			get(b, h, "GET", "/phone.js")
		}
	})
	b.Run("revalidate", func(b *testing.B) {
		for b.Loop() {
			get(b, h, "GET", "/phone.js", "If-None-Match", et)
		}
	})
}

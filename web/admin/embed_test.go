package admin

import (
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
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func embedded(t testing.TB) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// Every asset is served with its type, a strong ETag, revalidation and
// nosniff; the page carries a CSP that allows only its own origin.
func TestHandlerServesAssets(t *testing.T) {
	h := newHandler(t)
	names := embedded(t)
	if len(names) < 15 {
		t.Fatalf("only %d assets embedded: %q", len(names), names)
	}
	for _, name := range append(names, "") {
		p := "/" + name
		w := get(t, h, "GET", p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", p, w.Code)
			continue
		}
		want := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", "": "text/html; charset=utf-8"}[path.Ext(name)]
		hd := w.Header()
		if got := hd.Get("Content-Type"); got != want || want == "" {
			t.Errorf("GET %s: Content-Type %q, want %q", p, got, want)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: nosniff %q, Cache-Control %q", p, hd.Get("X-Content-Type-Options"), hd.Get("Cache-Control"))
		}
		if et := hd.Get("ETag"); !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(et) {
			t.Errorf("GET %s: ETag %q", p, et)
		}
		isPage := strings.HasPrefix(want, "text/html")
		csp := hd.Get("Content-Security-Policy")
		if isPage != (strings.Contains(csp, "script-src 'self'") && strings.Contains(csp, "connect-src 'self';") && strings.Contains(csp, "frame-ancestors 'none'")) {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
		if hd.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s: CORS header %q: the admin UI is same-origin only", p, hd.Get("Access-Control-Allow-Origin"))
		}
		if w.Body.Len() == 0 {
			t.Errorf("GET %s: empty body", p)
		}
	}
	if a, b := get(t, h, "GET", "/").Body.String(), get(t, h, "GET", "/index.html").Body.String(); a != b {
		t.Error("/ is not index.html")
	}
}

// Revalidation, HEAD, other methods and everything that is not an asset.
func TestHandlerRequests(t *testing.T) {
	h := newHandler(t)
	et := get(t, h, "GET", "/app.js").Header().Get("ETag")
	if w := get(t, h, "GET", "/app.js", "If-None-Match", et); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	full := get(t, h, "GET", "/admin.css")
	head := get(t, h, "HEAD", "/admin.css")
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != full.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, length %q (GET %q)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), full.Header().Get("Content-Length"))
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		if w := get(t, h, m, "/index.html"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	for _, p := range []string{"/embed.go", "/embed_test.go", "/testdata/drive.mjs", "/../go.mod", "/nope.js", "/index.html/", "//index.html", "/.", "/APP.JS"} {
		if w := get(t, h, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}

// With puts the UI at /admin/ without a credential, redirects /admin,
// and hands everything else to the API untouched.
func TestWith(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-API", "1")
		http.Error(w, "api "+r.URL.Path, http.StatusUnauthorized)
	})
	h, err := With(api)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/admin/" {
		t.Errorf("/admin: %d to %q, want 301 to /admin/", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{"/admin/", "/admin/app.js", "/admin/admin.css"} {
		res, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("X-API") != "" {
			t.Errorf("GET %s: %d (from the API: %q)", p, res.StatusCode, res.Header.Get("X-API"))
		}
	}
	for _, p := range []string{"/api/v1/status", "/metrics", "/adminx", "/"} {
		res, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || res.Header.Get("X-API") != "1" {
			t.Errorf("GET %s: %d, want the API's 401", p, res.StatusCode)
		}
	}
	if res, err := client.Get(srv.URL + "/admin/nope.js"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /admin/nope.js: %v %v", res, err)
	}
}

// Every file here is embedded, everything a page or module refers to is
// served, and nothing refers to another site: the UI runs offline.
func TestAssetsCompleteAndOffline(t *testing.T) {
	names := embedded(t)
	var onDisk []string
	for _, pat := range []string{"*.html", "*.js", "*.css"} {
		m, _ := filepath.Glob(pat)
		onDisk = append(onDisk, m...)
	}
	slices.Sort(onDisk)
	if !slices.Equal(names, onDisk) {
		t.Errorf("embedded %q, files here %q", names, onDisk)
	}
	h := newHandler(t)
	refs := 0
	ref := regexp.MustCompile(`(?:src|href)="([^"#][^"]*)"|from '(\./[^']+)'|import\('(\./[^']+)'\)`)
	// Any scheme://, protocol-relative src/href/url(), or CSS @import.
	external := regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s'"` + "`" + `)]+|(?:src|href)=["']//|url\(\s*['"]?(?:[a-z]+:|//)|@import`)
	// The SVG namespace is a name, never fetched.
	allowed := map[string]bool{"http://www.w3.org/2000/svg": true}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range external.FindAllString(string(b), -1) {
			if !allowed[m] {
				t.Errorf("%s refers outside: %q", name, m)
			}
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			target := m[1] + m[2] + m[3]
			if strings.Contains(target, ":") || strings.Contains(target, "${") {
				continue
			}
			refs++
			if w := get(t, h, "GET", "/"+path.Clean(target)); w.Code != http.StatusOK {
				t.Errorf("%s refers to %s: %d", name, target, w.Code)
			}
		}
	}
	if refs < 20 {
		t.Errorf("found %d references; the pattern no longer matches the files", refs)
	}
}

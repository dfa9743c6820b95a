package admin

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web/static/statictest"
)

var get = statictest.Get

func newHandler(t testing.TB) *Handler {
	t.Helper()
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func embedded(t testing.TB) []string { return statictest.Names(t, Assets()) }

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
		hd := statictest.Served(t, h, p)
		want := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", "": "text/html; charset=utf-8"}[path.Ext(name)]
		if got := hd.Get("Content-Type"); got != want || want == "" {
			t.Errorf("GET %s: Content-Type %q, want %q", p, got, want)
		}
		if cc := hd.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", p, cc)
		}
		isPage := strings.HasPrefix(want, "text/html")
		csp := hd.Get("Content-Security-Policy")
		if isPage != (strings.Contains(csp, "script-src 'self'") && strings.Contains(csp, "connect-src 'self';") && strings.Contains(csp, "frame-ancestors 'none'")) {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
		if hd.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s: CORS header %q: the admin UI is same-origin only", p, hd.Get("Access-Control-Allow-Origin"))
		}
	}
}

// The package's own source and tests are not assets (static's tests
// cover revalidation, methods and other paths).
func TestHandlerServesNoSource(t *testing.T) {
	statictest.NotServed(t, newHandler(t), "/embed.go", "/embed_test.go", "/main_test.go", "/testdata/x", "/APP.JS")
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
			if w := get(h, "GET", "/"+path.Clean(target)); w.Code != http.StatusOK {
				t.Errorf("%s refers to %s: %d", name, target, w.Code)
			}
		}
	}
	if refs < 20 {
		t.Errorf("found %d references; the pattern no longer matches the files", refs)
	}
}

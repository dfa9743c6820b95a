package phone

import (
	"errors"
	"net/http"
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
		hd := statictest.Served(t, h, p)
		if hd.Get("Content-Type") != ct {
			t.Errorf("GET %s: Content-Type %q, want %q", p, hd.Get("Content-Type"), ct)
		}
		if cc := hd.Get("Cache-Control"); cc != "no-cache" && !(p == "/config.json" && cc == "no-store") {
			t.Errorf("GET %s: Cache-Control %q", p, cc)
		}
		isPage := strings.HasPrefix(ct, "text/html")
		if csp := hd.Get("Content-Security-Policy"); isPage != strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
		cors := strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".json")
		if (hd.Get("Access-Control-Allow-Origin") == "*") != cors {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", p, hd.Get("Access-Control-Allow-Origin"))
		}
	}
}

// The package's own source and tests are not assets (static's tests
// cover revalidation, methods and other paths).
func TestHandlerServesNoSource(t *testing.T) {
	statictest.NotServed(t, newHandler(t), "/embed.go", "/embed_test.go", "/main_test.go", "/testdata/x", "/PHONE.JS")
}

// config.json carries the Config; a bad Config is refused.
func TestHandlerConfig(t *testing.T) {
	h, err := New(Config{WCP: "wss://pbx.example.com/wcp", ICEServers: []ICEServer{{URLs: []string{"stun:stun.example.com:3478"}}}})
	if err != nil {
		t.Fatal(err)
	}
	body := get(h, "GET", "/config.json").Body.String()
	if want := `{"wcp":"wss://pbx.example.com/wcp","iceServers":[{"urls":["stun:stun.example.com:3478"]}]}`; body != want {
		t.Errorf("config.json = %s, want %s", body, want)
	}
	if body := get(newHandler(t), "GET", "/config.json").Body.String(); body != `{"wcp":"/wcp","iceServers":[]}` {
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
	embedded := statictest.Names(t, Assets())
	var onDisk []string
	for _, pat := range []string{"*.html", "*.js", "*.css"} {
		m, _ := filepath.Glob(pat)
		onDisk = append(onDisk, m...)
	}
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
			if w := get(h, "GET", "/"+path.Clean(target)); w.Code != http.StatusOK {
				t.Errorf("%s refers to %s: %d", name, target, w.Code)
			}
		}
	}
	if refs < 12 {
		t.Errorf("found %d references; the pattern no longer matches the pages", refs)
	}
}

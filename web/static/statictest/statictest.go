// Package statictest helps the tests of packages that serve embedded
// files (web/admin, web/phone): requests without a server, and the list of
// what is embedded.
package statictest

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
)

// Get sends h one request, with headers given as name, value pairs, and
// returns the recorded answer.
func Get(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Names lists the files of fsys, sorted.
func Names(t testing.TB, fsys fs.FS) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
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

var strongETag = regexp.MustCompile(`^"[0-9a-f]{24}"$`)

// Served gets p from h and checks what every file static serves has: a
// 200 with a body, nosniff and a strong ETag; it returns the headers for
// the caller's own checks.
func Served(t testing.TB, h http.Handler, p string) http.Header {
	t.Helper()
	w := Get(h, "GET", p)
	if w.Code != http.StatusOK || w.Body.Len() == 0 {
		t.Errorf("GET %s: %d with %d bytes", p, w.Code, w.Body.Len())
	}
	hd := w.Header()
	if hd.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", p, hd.Get("X-Content-Type-Options"))
	}
	if et := hd.Get("ETag"); !strongETag.MatchString(et) {
		t.Errorf("GET %s: ETag %q", p, et)
	}
	return hd
}

// NotServed checks that h answers each of paths with a 404: a package's
// own source and tests are not assets.
func NotServed(t testing.TB, h http.Handler, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if w := Get(h, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}

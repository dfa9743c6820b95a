// Package static serves a fixed set of files from memory: the embedded
// pages, scripts and styles of web/admin and web/phone. Every response is
// revalidated (no-cache) against a strong ETag of its content: the files
// change only with the binary, so a revalidation is a cheap 304, and a new
// release is never mixed with cached modules of the old one.
package static

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// contentTypes are set explicitly: the system's MIME tables differ
// (application/javascript, or none), and module scripts need a JavaScript
// type.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
}

// Header adds a file's own headers (a page's CSP, CORS) to those every
// file gets (Content-Type, Cache-Control, nosniff), or changes them.
type Header func(name string, h http.Header)

type asset struct {
	body   []byte
	etag   string
	header http.Header
}

// Files serves the files. It answers GET and HEAD only; unknown paths are
// 404 (no listings); index.html also answers at the root.
type Files struct {
	assets map[string]asset // by path without the leading slash; "" is index.html
}

// New reads every file of fsys and adds extra (files made at run time, by
// name); header, if not nil, sets each file's own headers.
func New(fsys fs.FS, extra map[string][]byte, header Header) (*Files, error) {
	f := &Files{assets: make(map[string]asset)}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		f.assets[name] = newAsset(name, b, header)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read files: %w", err)
	}
	for name, b := range extra {
		f.assets[name] = newAsset(name, b, header)
	}
	if index, ok := f.assets["index.html"]; ok {
		f.assets[""] = index
	}
	return f, nil
}

func newAsset(name string, b []byte, header Header) asset {
	sum := sha256.Sum256(b)
	hdr := http.Header{}
	hdr.Set("Content-Type", contentTypes[path.Ext(name)])
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if header != nil {
		header(name, hdr)
	}
	return asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, header: hdr}
}

func (f *Files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := f.assets[strings.TrimPrefix(r.URL.Path, "/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.Header().Set("ETag", a.etag)
	// ServeContent answers If-None-Match, Range and HEAD.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

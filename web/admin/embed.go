// Package admin serves the admin web UI: static pages, ES modules and one
// stylesheet embedded in the binary, with no build step and nothing
// fetched from elsewhere, so it works offline. The pages talk to the admin
// REST API (package web) on the same origin.
//
// Files, all served from the handler's root (With mounts it at /admin/):
//
//	index.html     the shell: login form, navigation, top bar, page area
//	admin.css      the styles
//	app.js         start-up, login, hash router and navigation
//	api.js         the one fetch wrapper: JSON, errors, CSRF, 401 -> login
//	ui.js          shared widgets: elements, toasts, dialogs, lists, forms
//	live.js        Server-Sent Events over fetch, with a polling fallback
//	chart.js       the calls-per-hour chart (inline SVG)
//	dashboard.js   live registrations and calls, system tiles, the chart
//	extensions.js  extensions and their call features
//	cdrs.js        calls and CDRs: search, export, recording playback
//	scripts.js     the script editor: check and save, rollback
//	entity.js      the generic list/detail/form page
//	entities.js    the per-entity descriptions the generic page runs on
//	recordings.js, voicemail.js, plugins.js, backup.js, audit.js
package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed index.html admin.css *.js
var files embed.FS

// Assets is the embedded files, for a caller that wants to list or check
// them.
func Assets() fs.FS { return files }

// contentTypes are set explicitly: the system's MIME tables differ, and
// module scripts need a JavaScript type.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// pageCSP keeps the UI to its own files and its own origin: the API is
// same-origin, audio is the API's or a blob of it. No inline script or
// style attribute runs (styles are set through the CSSOM).
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

type asset struct {
	body   []byte
	etag   string
	header http.Header
}

// Handler serves the assets. It answers GET and HEAD only; unknown paths
// are 404 (no listings).
type Handler struct {
	assets map[string]asset // by path without the leading slash; "" is index.html
}

// New builds the handler from the embedded files.
func New() (*Handler, error) {
	h := &Handler{assets: make(map[string]asset)}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		h.assets[name] = newAsset(name, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admin: read embedded files: %w", err)
	}
	h.assets[""] = h.assets["index.html"]
	return h, nil
}

// newAsset fixes an asset's headers. Every response is revalidated
// (no-cache) against a strong ETag of its content, so a new release is
// never mixed with cached modules of the old one.
func newAsset(name string, b []byte) asset {
	sum := sha256.Sum256(b)
	ext := path.Ext(name)
	hdr := http.Header{}
	hdr.Set("Content-Type", contentTypes[ext])
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if ext == ".html" {
		hdr.Set("Content-Security-Policy", pageCSP)
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("X-Frame-Options", "DENY")
	}
	return asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, header: hdr}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := h.assets[strings.TrimPrefix(r.URL.Path, "/")]
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

// Prefix is where the UI lives on the admin server.
const Prefix = "/admin/"

// With serves the UI at /admin/ (and redirects /admin there) in front of
// api, which gets every other path. The UI's files need no credential:
// they hold no data, and the API checks every request they make.
func With(api http.Handler) (http.Handler, error) {
	ui, err := New()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(Prefix, http.StripPrefix(strings.TrimSuffix(Prefix, "/"), ui))
	mux.Handle(strings.TrimSuffix(Prefix, "/"), http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	mux.Handle("/", api)
	return mux, nil
}

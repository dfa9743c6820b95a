// Package phone serves the built-in web phone and the click-to-call
// widget: static pages, scripts and styles embedded in the binary, with no
// build step. The pages speak the web-call-protocol
// (docs/web-call-protocol.md) to the switch over a WebSocket.
//
// Files, all served from the handler's root (mount it with
// http.StripPrefix):
//
//	index.html     the phone (login, dial pad, calls, phone book, history)
//	phone.js       the phone's behaviour; window.HookswitchPhone is its API
//	protocol.js    the frame codec, the same rules as web/callproto
//	session.js     one protocol session over a WebSocket
//	media.js       WebRTC for one call
//	book.js        the phone book (from the switch's URL) and BLF states
//	c2c.js         the click-to-call widget a website includes
//	c2c-test.html  the widget's test page (with c2c-test.js)
//	phone.css      the styles
//	config.json    made from Config: the protocol's URL and the ICE servers
package phone

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

//go:embed index.html phone.js phone.css protocol.js session.js media.js book.js c2c.js c2c-test.html c2c-test.js
var files embed.FS

// Assets is the embedded files, for a caller that wants to list or check
// them.
func Assets() fs.FS { return files }

// contentTypes are set explicitly: the system's MIME tables differ
// (application/javascript, or none), and module scripts need a JavaScript
// type.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
}

// pageCSP keeps the pages to their own scripts and styles. connect-src is
// open to ws(s) and http(s): the switch address is configurable and the
// phone book may live elsewhere.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self' ws: wss: http: https:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

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

// New builds the handler; cfg is checked and turned into config.json.
func New(cfg Config) (*Handler, error) {
	cj, err := cfg.json()
	if err != nil {
		return nil, err
	}
	h := &Handler{assets: make(map[string]asset)}
	err = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
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
		return nil, fmt.Errorf("phone: read embedded files: %w", err)
	}
	h.assets["config.json"] = newAsset("config.json", cj)
	h.assets[""] = h.assets["index.html"]
	return h, nil
}

// newAsset fixes an asset's headers. Every response is revalidated
// (no-cache) against a strong ETag of its content: the files change only
// with the binary, so a revalidation is a cheap 304, and a new release is
// never mixed with cached scripts of the old one.
func newAsset(name string, b []byte) asset {
	sum := sha256.Sum256(b)
	ext := path.Ext(name)
	hdr := http.Header{}
	hdr.Set("Content-Type", contentTypes[ext])
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	switch ext {
	case ".html":
		hdr.Set("Content-Security-Policy", pageCSP)
		hdr.Set("Referrer-Policy", "same-origin")
	case ".js", ".json":
		// The widget runs on other sites: its modules and config.json are
		// fetched cross-origin (module scripts always use CORS).
		hdr.Set("Access-Control-Allow-Origin", "*")
	}
	if name == "config.json" {
		hdr.Set("Cache-Control", "no-store")
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

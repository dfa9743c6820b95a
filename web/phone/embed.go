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
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"

	"github.com/hookswitch/hookswitch/web/static"
)

//go:embed index.html phone.js phone.css protocol.js session.js media.js book.js c2c.js c2c-test.html c2c-test.js
var files embed.FS

// Assets is the embedded files, for a caller that wants to list or check
// them.
func Assets() fs.FS { return files }

// pageCSP keeps the pages to their own scripts and styles. connect-src is
// open to ws(s) and http(s): the switch address is configurable and the
// phone book may live elsewhere.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self' ws: wss: http: https:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// Handler serves the assets (see static.Files) and config.json.
type Handler struct{ *static.Files }

// New builds the handler; cfg is checked and turned into config.json.
func New(cfg Config) (*Handler, error) {
	cj, err := cfg.json()
	if err != nil {
		return nil, err
	}
	f, err := static.New(files, map[string][]byte{"config.json": cj}, func(name string, hdr http.Header) {
		switch path.Ext(name) {
		case ".html":
			hdr.Set("Content-Security-Policy", pageCSP)
			hdr.Set("Referrer-Policy", "same-origin")
		case ".js", ".json":
			// The widget runs on other sites: its modules and config.json are
			// fetched cross-origin (module scripts always use CORS).
			hdr.Set("Access-Control-Allow-Origin", "*")
		}
		if name == "config.json" {
			hdr.Set("Cache-Control", "no-store") // it changes with the configuration, not the binary
		}
	})
	if err != nil {
		return nil, fmt.Errorf("phone: embedded files: %w", err)
	}
	return &Handler{f}, nil
}

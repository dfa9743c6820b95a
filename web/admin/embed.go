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
//	ivrs.js, rooms.js, settings.js, pickers.js  IVRs, conference rooms,
//	               PBX settings, and their shared destination pickers
//	trace.js       a call's SIP ladder diagram and pcap; diagnostics.js: ping
//	portal*.js     the user portal's pages
//	recordings.js, voicemail.js, plugins.js, backup.js, audit.js, logs.js
package admin

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/hookswitch/hookswitch/web/static"
)

//go:embed index.html admin.css *.js
var files embed.FS

// Assets is the embedded files, for a caller that wants to list or check
// them.
func Assets() fs.FS { return files }

// pageCSP keeps the UI to its own files and its own origin: the API is
// same-origin, audio is the API's or a blob of it. No inline script or
// style attribute runs (styles are set through the CSSOM).
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// Handler serves the assets (see static.Files).
type Handler struct{ *static.Files }

// New builds the handler from the embedded files.
func New() (*Handler, error) {
	f, err := static.New(files, nil, func(name string, hdr http.Header) {
		if path.Ext(name) == ".html" {
			hdr.Set("Content-Security-Policy", pageCSP)
			hdr.Set("Referrer-Policy", "same-origin")
			hdr.Set("X-Frame-Options", "DENY")
		}
	})
	if err != nil {
		return nil, fmt.Errorf("admin: embedded files: %w", err)
	}
	return &Handler{f}, nil
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

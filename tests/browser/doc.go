// Package browser is the browser test harness: Go tests start headless
// Debian Chromium through playwright-core (run.mjs, a Node script), serve
// the pages it opens from an httptest server on 127.0.0.1, and read what
// happened back as JSON lines (Event). tests/run installs Chromium and the
// pinned npm packages; see README.md.
package browser

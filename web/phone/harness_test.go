package phone

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// harness is one test's world: a page server on 127.0.0.1 serving the
// phone under /phone/, the scripted switch (peer_test.go) at /wcp, and a
// browser driven step by step (browser.Env.Drive).
type harness struct {
	t    *testing.T
	srv  *browser.PageServer
	peer *peer
	ui   *browser.UI
}

func newHarness(t *testing.T, p *peer) *harness {
	t.Helper()
	env := browser.Require(t)
	srv := env.Serve(t, fstest.MapFS{"blank.html": {Data: []byte("<!doctype html><title>blank</title>")}})
	h, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Mux.Handle("/phone/", http.StripPrefix("/phone", h))
	p.start(t)
	srv.Mux.Handle("/wcp", p)
	u := env.Drive(t, browser.DriveOptions{URL: srv.URL, Control: srv})
	return &harness{t: t, srv: srv, peer: p, ui: u}
}

// end finishes the scenario and checks the run: it succeeded, and no page
// logged an error (a CSP violation or a failed module load would).
func (h *harness) end() { h.t.Helper(); h.ui.End() }

// login signs in from the login form and returns the session the switch
// saw: connect, then register with the proof.
func (h *harness) login(ext, password string) *wconn {
	h.t.Helper()
	u := h.ui
	u.Open("/phone/")
	u.Wait("html[data-ready]")
	u.Fill("#login-ext", ext)
	u.Fill("#login-password", password)
	u.Click("#login-submit")
	c := h.peer.accept(h.t)
	c.next(h.t, 1000)
	reg := c.next(h.t, 1001)
	if reg.Get("tel") != ext {
		h.t.Fatalf("register tel=%q, want %q", reg.Get("tel"), ext)
	}
	return c
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

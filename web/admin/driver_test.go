package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// A browser test here is a Go test that drives the page step by step, as
// web/phone's tests do (this is their driver; testdata/drive.mjs is their
// scenario): the scenario asks the test's server for the next step
// (click, fill, wait, eval, screenshot...), runs it with playwright and
// posts the outcome back. So the test reads top to bottom in Go, with the
// real API and store answering the page in between.

type step map[string]any

type stepResult struct {
	ID    int             `json:"id"`
	Value json.RawMessage `json:"value"`
	Error string          `json:"error"`
}

type driver struct {
	steps chan step
	done  chan struct{} // the test is over
	ended chan struct{} // the browser run is over

	mu      sync.Mutex
	id      int
	waiting map[int]chan stepResult
	session *browser.Session
}

func newDriver(t testing.TB) *driver {
	d := &driver{steps: make(chan step), done: make(chan struct{}), ended: make(chan struct{}), waiting: make(map[int]chan stepResult)}
	t.Cleanup(func() { close(d.done) })
	return d
}

func (d *driver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/ctl/next":
		select {
		case s := <-d.steps:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(s)
		case <-r.Context().Done():
		case <-d.done:
			w.WriteHeader(http.StatusNoContent)
		}
	case "/ctl/result":
		var res stepResult
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&res); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		ch := d.waiting[res.ID]
		delete(d.waiting, res.ID)
		d.mu.Unlock()
		if ch != nil {
			ch <- res
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

// ui is the page as the test sees it: every method runs one step and fails
// the test if the step fails.
type ui struct {
	t testing.TB
	d *driver
}

func (u *ui) do(s step) json.RawMessage {
	u.t.Helper()
	d := u.d
	d.mu.Lock()
	d.id++
	id := d.id
	ch := make(chan stepResult, 1)
	d.waiting[id] = ch
	d.mu.Unlock()
	s["id"] = id
	select {
	case d.steps <- s:
	case <-d.ended:
		u.t.Fatalf("step %v: the browser run ended", s)
	}
	select {
	case r := <-ch:
		if r.Error != "" {
			u.t.Fatalf("step %v: %s", s, r.Error)
		}
		return r.Value
	case <-d.ended:
		u.t.Fatalf("step %v: the browser run ended", s)
	}
	return nil
}

func (u *ui) open(path string) { u.t.Helper(); u.do(step{"op": "goto", "path": path}) }

func (u *ui) viewport(w, h int) {
	u.t.Helper()
	u.do(step{"op": "viewport", "width": w, "height": h})
}
func (u *ui) fill(sel, text string) { u.t.Helper(); u.do(step{"op": "fill", "sel": sel, "text": text}) }
func (u *ui) click(sel string)      { u.t.Helper(); u.do(step{"op": "click", "sel": sel}) }
func (u *ui) focus(sel string)      { u.t.Helper(); u.do(step{"op": "focus", "sel": sel}) }
func (u *ui) press(key string)      { u.t.Helper(); u.do(step{"op": "press", "key": key}) }
func (u *ui) typeText(text string)  { u.t.Helper(); u.do(step{"op": "type", "text": text}) }

// wait waits until sel is visible.
func (u *ui) wait(sel string) { u.t.Helper(); u.do(step{"op": "wait", "sel": sel}) }

// waitHidden waits until sel is hidden or gone.
func (u *ui) waitHidden(sel string) {
	u.t.Helper()
	u.do(step{"op": "wait", "sel": sel, "state": "hidden"})
}

// waitText waits until sel is visible with text in it.
func (u *ui) waitText(sel, text string) {
	u.t.Helper()
	u.do(step{"op": "wait", "sel": sel, "text": text})
}

func (u *ui) text(sel string) string {
	u.t.Helper()
	var s string
	u.decode(u.do(step{"op": "text", "sel": sel}), &s)
	return strings.TrimSpace(s)
}

func (u *ui) attr(sel, name string) string {
	u.t.Helper()
	var s string
	u.decode(u.do(step{"op": "attr", "sel": sel, "name": name}), &s)
	return s
}

// eval evaluates a JavaScript expression in the page into v.
func (u *ui) eval(js string, v any) {
	u.t.Helper()
	u.decode(u.do(step{"op": "eval", "js": js}), v)
}

// until polls a JavaScript expression until it is truthy, into v.
func (u *ui) until(js string, v any) {
	u.t.Helper()
	u.decode(u.do(step{"op": "until", "js": js}), v)
}

// shot saves a screenshot of the page as an artifact (see
// HOOKSWITCH_BROWSER_ARTIFACTS).
func (u *ui) shot(name string) {
	u.t.Helper()
	var path string
	u.decode(u.do(step{"op": "shot", "name": name}), &path)
	u.t.Logf("screenshot %s: %s", name, path)
}

func (u *ui) decode(raw json.RawMessage, v any) {
	u.t.Helper()
	if v == nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		u.t.Fatalf("decode %s: %v", raw, err)
	}
}

package browser

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// A driven test is a Go test that moves a page step by step: the scenario
// scenarios/drive.mjs asks the Driver for the next step (click, fill,
// wait, eval, screenshot...), runs it with playwright and posts the
// outcome back. So the test reads top to bottom in Go, with its own
// servers answering the page in between.

// DriveScenario is the scenario Drive runs, relative to tests/browser.
const DriveScenario = "scenarios/drive.mjs"

// DefaultDriveTimeout bounds a driven run when DriveOptions.Timeout is zero.
const DefaultDriveTimeout = 3 * time.Minute

// Step is one step of drive.mjs: "op" names it, the other keys are its
// arguments; the driver numbers it ("id").
type Step map[string]any

type stepResult struct {
	ID    int             `json:"id"`
	Value json.RawMessage `json:"value"`
	Error string          `json:"error"`
}

// Driver hands steps to drive.mjs: it serves /ctl/next (the next step, or
// 204 once the test is over) and /ctl/result (a step's outcome) under
// whatever prefix it is mounted at.
type Driver struct {
	steps chan Step
	done  chan struct{} // the test is over
	ended chan struct{} // the browser run is over

	mu      sync.Mutex
	id      int
	waiting map[int]chan stepResult
}

// NewDriver makes a driver for t; it tells the scenario to stop polling
// when t ends.
func NewDriver(t testing.TB) *Driver {
	d := &Driver{steps: make(chan Step), done: make(chan struct{}), ended: make(chan struct{}), waiting: make(map[int]chan stepResult)}
	t.Cleanup(func() { close(d.done) })
	return d
}

func (d *Driver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/next"):
		select {
		case s := <-d.steps:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(s)
		case <-r.Context().Done():
		case <-d.done:
			w.WriteHeader(http.StatusNoContent)
		}
	case strings.HasSuffix(r.URL.Path, "/result"):
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

// DriveOptions says what Drive starts.
type DriveOptions struct {
	// URL is the origin the pages come from (paths given to UI.Open are
	// relative to it).
	URL string
	// Control is the page server the driver is mounted on (at /ctl/);
	// nil starts one.
	Control *PageServer
	// Timeout bounds the run; zero means DefaultDriveTimeout.
	Timeout time.Duration
	// IgnoreConsole tells which console errors UI.End lets pass (ones the
	// test provoked, or the browser's own requests); nil lets none pass.
	IgnoreConsole func(Event) bool
}

// Drive starts drive.mjs against o.URL with a new Driver and returns the
// page as the test sees it. The test ends the run with UI.End.
func (e Env) Drive(t testing.TB, o DriveOptions) *UI {
	t.Helper()
	ctl := o.Control
	if ctl == nil {
		ctl = e.Serve(t, fstest.MapFS{})
	}
	d := NewDriver(t)
	ctl.Mux.Handle("/ctl/", d)
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultDriveTimeout
	}
	s, err := e.Start(t, Options{
		Scenario: filepath.Join(e.Dir, DriveScenario),
		URL:      o.URL,
		Params:   map[string]string{"control": ctl.URL + "/ctl"},
		Timeout:  timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		s.Wait()
		close(d.ended)
	}()
	return &UI{t: t, d: d, s: s, ignore: o.IgnoreConsole}
}

// UI is the page as the test sees it: every method runs one step and
// fails the test if the step fails.
type UI struct {
	t      testing.TB
	d      *Driver
	s      *Session
	ignore func(Event) bool
}

// Session is the browser run behind the page.
func (u *UI) Session() *Session { return u.s }

// Do runs one step and returns its value.
func (u *UI) Do(s Step) json.RawMessage {
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

// Open loads path, relative to the pages' origin.
func (u *UI) Open(path string) { u.t.Helper(); u.Do(Step{"op": "goto", "path": path}) }

func (u *UI) Viewport(w, h int) {
	u.t.Helper()
	u.Do(Step{"op": "viewport", "width": w, "height": h})
}
func (u *UI) Fill(sel, text string) { u.t.Helper(); u.Do(Step{"op": "fill", "sel": sel, "text": text}) }
func (u *UI) Click(sel string)      { u.t.Helper(); u.Do(Step{"op": "click", "sel": sel}) }
func (u *UI) Focus(sel string)      { u.t.Helper(); u.Do(Step{"op": "focus", "sel": sel}) }

// Press presses a key on whatever has the focus.
func (u *UI) Press(key string)     { u.t.Helper(); u.Do(Step{"op": "press", "key": key}) }
func (u *UI) TypeText(text string) { u.t.Helper(); u.Do(Step{"op": "type", "text": text}) }

// Wait waits until sel is visible.
func (u *UI) Wait(sel string) { u.t.Helper(); u.Do(Step{"op": "wait", "sel": sel}) }

// WaitHidden waits until sel is hidden or gone.
func (u *UI) WaitHidden(sel string) {
	u.t.Helper()
	u.Do(Step{"op": "wait", "sel": sel, "state": "hidden"})
}

// WaitText waits until sel is visible with text in it.
func (u *UI) WaitText(sel, text string) {
	u.t.Helper()
	u.Do(Step{"op": "wait", "sel": sel, "text": text})
}

// Text is sel's text content, trimmed.
func (u *UI) Text(sel string) string {
	u.t.Helper()
	var s string
	u.Decode(u.Do(Step{"op": "text", "sel": sel}), &s)
	return strings.TrimSpace(s)
}

func (u *UI) Attr(sel, name string) string {
	u.t.Helper()
	var s string
	u.Decode(u.Do(Step{"op": "attr", "sel": sel, "name": name}), &s)
	return s
}

// Eval evaluates a JavaScript expression in the page (a promise is
// awaited) into v; v may be nil.
func (u *UI) Eval(js string, v any) {
	u.t.Helper()
	u.Decode(u.Do(Step{"op": "eval", "js": js}), v)
}

// Until polls a JavaScript expression until it is truthy, into v.
func (u *UI) Until(js string, v any) {
	u.t.Helper()
	u.Decode(u.Do(Step{"op": "until", "js": js}), v)
}

// SetInputFiles chooses files (paths on this machine) in the file input
// sel, as a user picking them would.
func (u *UI) SetInputFiles(sel string, paths ...string) {
	u.t.Helper()
	u.Do(Step{"op": "files", "sel": sel, "paths": paths})
}

// Download clicks sel, catches the download it starts, saves it into dir
// and returns the saved file's path and the name the page suggested.
func (u *UI) Download(sel, dir string) (path, name string) {
	u.t.Helper()
	var d struct{ Path, Name string }
	u.Decode(u.Do(Step{"op": "download", "sel": sel, "dir": dir}), &d)
	return d.Path, d.Name
}

// Shot saves a screenshot of the page as an artifact (see ArtifactsEnv).
func (u *UI) Shot(name string) {
	u.t.Helper()
	var path string
	u.Decode(u.Do(Step{"op": "shot", "name": name}), &path)
	u.t.Logf("screenshot %s: %s", name, path)
}

// Decode decodes a step's value into v; v may be nil.
func (u *UI) Decode(raw json.RawMessage, v any) {
	u.t.Helper()
	if v == nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		u.t.Fatalf("decode %s: %v", raw, err)
	}
}

// End finishes the scenario and checks the run: it succeeded, no page
// threw, and the console logged no error but those DriveOptions'
// IgnoreConsole lets pass (a CSP violation or a failed module load would
// show there).
func (u *UI) End() {
	u.t.Helper()
	select {
	case u.d.steps <- Step{"op": "end"}:
	case <-u.d.ended:
	}
	r := u.s.Wait()
	if !r.OK {
		u.t.Fatalf("browser run: %v", r.Err)
	}
	for _, ev := range r.Of(EventPageError) {
		u.t.Errorf("page error: %s", ev.Text)
	}
	for _, ev := range r.Of(EventConsole) {
		if ev.Level == "error" && (u.ignore == nil || !u.ignore(ev)) {
			u.t.Errorf("console error: %s (%s:%d)", ev.Text, ev.URL, ev.Line)
		}
	}
}

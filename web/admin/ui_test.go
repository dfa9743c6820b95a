package admin

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web"
)

const (
	adminUser     = "admin"
	adminPassword = "Corr3ct-horse-battery"
)

// fakeLive is the running switch as the API sees it: one registration,
// one call that can be hung up, a scripts directory. Methods it does not
// define come from the nil embedded interface: the pages under test do
// not call them.
type fakeLive struct {
	web.Live
	scripts string

	mu     sync.Mutex
	calls  []call.CallInfo
	hungUp []string
	gen    uint64
}

func (f *fakeLive) Bindings() []store.Binding {
	return []store.Binding{{AOR: "2001", Contact: "sip:2001@127.0.0.1:5070", Source: "127.0.0.1:5070", Transport: "udp",
		Expires: time.Now().Add(time.Hour), UserAgent: "baresip", UpdatedAt: time.Now()}}
}
func (f *fakeLive) ActiveCalls() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.calls) }
func (f *fakeLive) Forget(string)    {}
func (f *fakeLive) ReloadScripts() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen++
	return f.gen, nil
}
func (f *fakeLive) ScriptGeneration() uint64 { f.mu.Lock(); defer f.mu.Unlock(); return f.gen }
func (f *fakeLive) ScriptsDir() string       { return f.scripts }
func (f *fakeLive) WriteMetrics(io.Writer)   {}
func (f *fakeLive) Plugins() ([]plugins.Info, error) {
	return []plugins.Info{{Name: "billing.wasm", Size: 1 << 20, SHA256: strings.Repeat("ab", 32)}}, nil
}
func (f *fakeLive) Calls() []call.CallInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}
func (f *fakeLive) Hangup(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.calls, func(c call.CallInfo) bool { return c.CallID == id })
	if i < 0 {
		return false
	}
	f.calls = slices.Delete(f.calls, i, i+1)
	f.hungUp = append(f.hungUp, id)
	return true
}

// adminHarness is a real web.API on an in-memory store, the UI in front
// of it as the switch serves them, and a browser driven step by step.
type adminHarness struct {
	t    *testing.T
	st   *store.Store
	live *fakeLive
	ui   *ui
	s    *browser.Session
}

func newAdminHarness(t *testing.T) *adminHarness {
	t.Helper()
	env := browser.Require(t)
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "dialplan.lua"), []byte("-- the dial plan\nlocal M = {}\nreturn M\n"), 0o644))
	live := &fakeLive{scripts: dir, gen: 1, calls: []call.CallInfo{{CallID: "call-1", Caller: "2001", CallerName: "Bob", Callee: "2002",
		Direction: "internal", State: "talking", StartTime: time.Now().Add(-time.Minute), AnswerTime: time.Now().Add(-50 * time.Second)}}}
	api := &web.API{B: st, L: live, Auth: func(u, p string) bool { return u == adminUser && p == adminPassword }}
	h, err := With(api.Handler())
	if err != nil {
		t.Fatal(err)
	}
	srv := env.Serve(t, fstest.MapFS{"blank.html": {Data: []byte("<!doctype html><title>blank</title>")}})
	for _, p := range []string{"/admin", "/admin/", "/api/"} {
		srv.Mux.Handle(p, h)
	}
	d := newDriver(t)
	srv.Mux.Handle("/ctl/", d)
	scenario, err := filepath.Abs("testdata/drive.mjs")
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.Start(t, browser.Options{Scenario: scenario, URL: srv.URL, Params: map[string]string{"control": srv.URL + "/ctl"}, Timeout: 3 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		s.Wait()
		close(d.ended)
	}()
	return &adminHarness{t: t, st: st, live: live, ui: &ui{t: t, d: d}, s: s}
}

// end finishes the run and checks that no page error happened and that
// the console logged nothing but the failed loads the test provoked (a
// wrong password's 401, a 503 of a feature this API runs without).
func (a *adminHarness) end() {
	a.t.Helper()
	select {
	case a.ui.d.steps <- step{"op": "end"}:
	case <-a.ui.d.ended:
	}
	r := a.s.Wait()
	if !r.OK {
		a.t.Fatalf("browser run: %v", r.Err)
	}
	for _, ev := range r.Of(browser.EventPageError) {
		a.t.Errorf("page error: %s", ev.Text)
	}
	for _, ev := range r.Of(browser.EventConsole) {
		if ev.Level == "error" && !strings.HasPrefix(ev.Text, "Failed to load resource: the server responded with a status of") {
			a.t.Errorf("console error: %s (%s:%d)", ev.Text, ev.URL, ev.Line)
		}
	}
}

func (a *adminHarness) login() {
	a.t.Helper()
	u := a.ui
	u.open("/admin/")
	u.wait("#login-form")
	u.fill("#login-user", adminUser)
	u.fill("#login-password", adminPassword)
	u.click("#login-submit")
	u.wait("#nav a[data-page=dashboard]")
}

// nav opens a page from the navigation and waits until it has loaded.
func (a *adminHarness) nav(page string) {
	a.t.Helper()
	u := a.ui
	u.click(fmt.Sprintf("#nav a[data-page=%s]", page))
	u.wait(fmt.Sprintf("html[data-page=%s] .page-head h1", page))
	u.until(`!document.querySelector('.main .loading') && 1`, nil)
}

// The brief's main flow: log in (a wrong password first), the live
// dashboard with a hang-up, an extension created through the form after
// a validation error for a bad number, searched, then deleted after the
// confirmation; the script editor refusing a syntax error at its line;
// and a screenshot of every main page.
func TestAdminUI(t *testing.T) {
	a := newAdminHarness(t)
	u := a.ui
	for i := range 30 {
		must(t, a.st.CreateExtension(store.Extension{Number: fmt.Sprint(3000 + i), Name: fmt.Sprintf("Seed user %d", i), Password: "Seed-pass-42x"}))
	}
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	for i, s := range []string{"answered", "no_answer", "busy"} {
		must(t, a.st.AddCDR(&store.CDR{CallID: fmt.Sprint("cdr-", i), Caller: "3001", Callee: "3002", Direction: "internal",
			StartTime: start.Add(time.Duration(i) * time.Minute), EndTime: start.Add(time.Duration(i)*time.Minute + 30*time.Second), Status: s, EndedReason: "caller_hangup"}))
	}

	// Login: a wrong password is refused on the page.
	u.open("/admin/")
	u.wait("#login-form")
	u.shot("login")
	u.fill("#login-user", adminUser)
	u.fill("#login-password", "wrong-password-1")
	u.click("#login-submit")
	u.waitText("#login-error", "Wrong user or password")
	u.fill("#login-password", adminPassword)
	u.click("#login-submit")
	u.wait("#nav a[data-page=dashboard]")
	if me := u.text("#me"); !strings.Contains(me, adminUser) {
		t.Errorf("top bar shows %q, want the user", me)
	}

	// Dashboard: the registration and the call arrive live; hang it up.
	u.wait("#live-regs tr[data-id^='2001']")
	u.wait("#live-calls tr[data-id=call-1]")
	if mode := u.text(".page-head .badge"); mode != "live" {
		t.Errorf("dashboard mode %q, want live (the event stream)", mode)
	}
	u.shot("dashboard")
	u.click("#live-calls tr[data-id=call-1] button.danger")
	u.wait("#confirm[open]")
	u.click("#confirm-ok")
	u.waitHidden("#live-calls tr[data-id=call-1]")
	a.live.mu.Lock()
	hung := slices.Clone(a.live.hungUp)
	a.live.mu.Unlock()
	if !slices.Equal(hung, []string{"call-1"}) {
		t.Errorf("hung up %q, want call-1", hung)
	}

	// Extensions: a bad number shows the API's error at the field.
	a.nav("extensions")
	u.waitText(".pager", "1–25 of 30")
	u.click("#ext-add")
	u.wait("#ext-form")
	u.fill("#ext-number", "12a")
	u.fill("#ext-name", "Alice Example")
	u.click("#ext-save")
	u.waitText("[data-field=number] .field-error", "invalid number")
	if v := u.attr("#ext-number", "aria-invalid"); v != "true" {
		t.Errorf("the number field's aria-invalid = %q, want true", v)
	}
	u.shot("extension-invalid")
	if _, err := a.st.GetExtension("12a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the bad extension: %v, want not found", err)
	}
	u.fill("#ext-number", "1001")
	u.click("#ext-save")
	u.wait("tr[data-id='1001']")
	e, err := a.st.GetExtension("1001")
	if err != nil || e.Name != "Alice Example" || e.MaxContacts != 2 {
		t.Fatalf("created extension: %+v, %v", e, err)
	}

	// Search finds it alone.
	u.fill(".list .search", "alice")
	u.until(`document.querySelectorAll('.list tbody tr').length === 1 && 1`, nil)
	if n := u.text(".list tbody tr td"); n != "1001" {
		t.Errorf("search found %q, want 1001", n)
	}
	u.shot("extensions")

	// Features: forwarding saved through the form.
	u.click("tr[data-id='1001'] a.btn")
	u.wait("#features-form")
	u.fill("#feat-fwd_busy", "3005")
	u.click("#feat-dnd")
	u.click("#features-save")
	u.waitText(".toast", "Features of 1001 saved")
	u.shot("extension-features")
	if e, err := a.st.GetExtension("1001"); err != nil || !e.Features.DND || e.Features.Forward["busy"] != "3005" {
		t.Errorf("features: %+v, %v", e.Features, err)
	}

	// Delete, after the confirmation.
	a.nav("extensions")
	u.fill(".list .search", "alice")
	u.click("button[aria-label='Delete extension 1001']")
	u.wait("#confirm[open]")
	u.shot("extension-delete-confirm")
	u.click("#confirm-ok")
	u.waitHidden("tr[data-id='1001']")
	if _, err := a.st.GetExtension("1001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted extension: %v, want not found", err)
	}

	// Scripts: a syntax error is refused with its line marked; the file
	// is unchanged.
	a.nav("scripts")
	u.click("a[href='#/scripts/dialplan.lua']")
	u.wait("#script-text")
	u.fill("#script-text", "local M = {}\nfunction M.route(\nreturn M\n")
	u.click("#script-save")
	u.wait("#script-error")
	if line := u.text(".gutter .bad"); line == "" {
		t.Error("no line marked in the gutter")
	}
	u.shot("script-error")
	if b, _ := os.ReadFile(filepath.Join(a.live.scripts, "dialplan.lua")); !strings.Contains(string(b), "the dial plan") {
		t.Errorf("a refused script changed the file: %q", b)
	}
	u.focus("#script-text")
	u.press("Control+End")
	u.press("Tab")
	var val string
	u.eval(`document.querySelector('#script-text').value`, &val)
	if !strings.HasSuffix(val, "\n  ") {
		t.Errorf("Tab in the editor: value ends %q, want two spaces", val[max(0, len(val)-8):])
	}

	// Calls & CDRs.
	a.nav("cdrs")
	u.until(`document.querySelectorAll('#cdr-results tbody tr').length === 3 && 1`, nil)
	u.shot("cdrs")

	// The generic form: the API's error at the field it names, then a
	// ring group created.
	a.nav("groups")
	u.waitText(".empty", "No ring groups yet")
	u.click("#groups-add")
	u.wait("#groups-form")
	u.fill("#groups-members", "3001\n3002")
	u.click("#groups-save")
	u.waitText("[data-field=number] .field-error", "number")
	u.shot("group-invalid")
	u.fill("#groups-number", "600")
	u.fill("#groups-name", "Sales")
	u.click("#groups-save")
	u.wait("tr[data-id='600']")
	if g, err := a.st.GetGroup("600"); err != nil || g.Name != "Sales" || !slices.Equal(g.Members, []string{"3001", "3002"}) {
		t.Errorf("created group: %+v, %v", g, err)
	}
	u.shot("groups")

	// A user, through the same generic form.
	a.nav("users")
	u.click("#users-add")
	u.wait("#users-form")
	u.fill("#users-name", "ann")
	u.eval(`document.querySelector('#users-role').value = 'operator'`, nil)
	u.fill("#users-password", "Tr0pical-Kettle-92")
	u.click("#users-save")
	u.wait("tr[data-id=ann]")
	if r := u.text("tr[data-id=ann] .badge"); r != "operator" {
		t.Errorf("user ann's role shows %q, want operator", r)
	}

	// An empty state, and every other page.
	a.nav("trunks")
	u.waitText(".empty", "No trunks yet. Add one to call outside.")
	u.shot("trunks")
	for _, p := range []string{"queues", "inbound", "outbound", "timeconditions", "tenants", "pinsets", "dialpolicy",
		"plugins", "recordings", "voicemail", "backup", "audit", "users"} {
		a.nav(p)
		u.shot(p)
	}

	// Narrow screens: the navigation opens over the page.
	u.viewport(390, 844)
	u.click("#nav-toggle")
	u.wait("#nav.open")
	u.shot("mobile-nav")
	u.press("Escape")
	u.waitHidden("#nav.open")
	u.click("#nav-toggle")
	a.nav("dashboard")
	u.until(`getComputedStyle(document.querySelector('#nav')).visibility === 'hidden' && 1`, nil)
	u.shot("mobile-dashboard")

	// Log out: back to the login page, and the session is gone.
	u.viewport(1280, 900)
	u.click("#logout")
	u.wait("#login-form")
	var status int
	u.eval(`fetch('/api/v1/auth/me').then(r => r.status)`, &status)
	if status != http.StatusUnauthorized {
		t.Errorf("after log-out /api/v1/auth/me = %d, want 401", status)
	}
	a.end()
}

// Every module parses and loads in Chromium under the page's CSP.
func TestModulesLoad(t *testing.T) {
	a := newAdminHarness(t)
	u := a.ui
	u.open("/admin/")
	u.wait("#login-form")
	var mods []string
	for _, n := range embedded(t) {
		if strings.HasSuffix(n, ".js") {
			mods = append(mods, n)
		}
	}
	js := fmt.Sprintf(`Promise.all(%s.map(f => import('/admin/' + f).then(() => '', e => f + ': ' + e.message))).then(r => r.filter(Boolean))`, jsonList(mods))
	var failed []string
	u.eval(js, &failed)
	if len(failed) > 0 {
		t.Errorf("modules failed to load: %q", failed)
	}
	a.end()
}

func jsonList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return "[" + strings.Join(q, ",") + "]"
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

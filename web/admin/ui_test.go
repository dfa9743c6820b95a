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
	ui   *browser.UI
}

func newAdminHarness(t *testing.T) *adminHarness {
	t.Helper()
	env := browser.Require(t)
	st := memStore(t)
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "dialplan.lua"), []byte("-- the dial plan\nlocal M = {}\nreturn M\n"), 0o644))
	live := &fakeLive{scripts: dir, gen: 1, calls: []call.CallInfo{{CallID: "call-1", Caller: "2001", CallerName: "Bob", Callee: "2002",
		Direction: "internal", State: "talking", StartTime: time.Now().Add(-time.Minute), AnswerTime: time.Now().Add(-50 * time.Second)}}}
	return &adminHarness{t: t, st: st, live: live, ui: serveAdmin(t, env, &web.API{B: st, L: live})}
}

// memStore is an in-memory store, closed when t ends.
func memStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// serveAdmin serves the UI in front of api, which lets adminUser in, on a
// page server and drives a browser on it.
func serveAdmin(t *testing.T, env browser.Env, api *web.API) *browser.UI {
	t.Helper()
	api.Auth = func(u, p string) bool { return u == adminUser && p == adminPassword }
	h, err := With(api.Handler())
	if err != nil {
		t.Fatal(err)
	}
	srv := env.Serve(t, fstest.MapFS{"blank.html": {Data: []byte("<!doctype html><title>blank</title>")}})
	for _, p := range []string{"/admin", "/admin/", "/api/"} {
		srv.Mux.Handle(p, h)
	}
	return driveAdmin(t, env, srv.URL, srv, 0)
}

// driveAdmin starts the browser on the admin pages at origin (timeout
// zero: browser.DefaultDriveTimeout). The console
// may log the failed loads a test provokes (a wrong password's 401, a 503
// of a feature an API runs without), nothing else.
func driveAdmin(t *testing.T, env browser.Env, origin string, ctl *browser.PageServer, timeout time.Duration) *browser.UI {
	t.Helper()
	return env.Drive(t, browser.DriveOptions{URL: origin, Control: ctl, Timeout: timeout,
		IgnoreConsole: func(ev browser.Event) bool {
			return strings.HasPrefix(ev.Text, "Failed to load resource: the server responded with a status of")
		}})
}

func (a *adminHarness) login() {
	a.t.Helper()
	u := a.ui
	u.Open("/admin/")
	u.Wait("#login-form")
	u.Fill("#login-user", adminUser)
	u.Fill("#login-password", adminPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=dashboard]")
}

// nav opens a page from the navigation and waits until it has loaded.
func (a *adminHarness) nav(page string) {
	a.t.Helper()
	u := a.ui
	u.Click(fmt.Sprintf("#nav a[data-page=%s]", page))
	u.Wait(fmt.Sprintf("html[data-page=%s] .page-head h1", page))
	u.Until(`!document.querySelector('.main .loading') && 1`, nil)
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
	u.Open("/admin/")
	u.Wait("#login-form")
	u.Shot("login")
	u.Fill("#login-user", adminUser)
	u.Fill("#login-password", "wrong-password-1")
	u.Click("#login-submit")
	u.WaitText("#login-error", "Wrong user or password")
	u.Fill("#login-password", adminPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=dashboard]")
	if me := u.Text("#me"); !strings.Contains(me, adminUser) {
		t.Errorf("top bar shows %q, want the user", me)
	}

	// Dashboard: the registration and the call arrive live; hang it up.
	u.Wait("#live-regs tr[data-id^='2001']")
	u.Wait("#live-calls tr[data-id=call-1]")
	if mode := u.Text(".page-head .badge"); mode != "live" {
		t.Errorf("dashboard mode %q, want live (the event stream)", mode)
	}
	u.Shot("dashboard")
	u.Click("#live-calls tr[data-id=call-1] button.danger")
	u.Wait("#confirm[open]")
	u.Click("#confirm-ok")
	u.WaitHidden("#live-calls tr[data-id=call-1]")
	a.live.mu.Lock()
	hung := slices.Clone(a.live.hungUp)
	a.live.mu.Unlock()
	if !slices.Equal(hung, []string{"call-1"}) {
		t.Errorf("hung up %q, want call-1", hung)
	}

	// Extensions: a bad number shows the API's error at the field.
	a.nav("extensions")
	u.WaitText(".pager", "1–25 of 30")
	u.Click("#ext-add")
	u.Wait("#ext-form")
	u.Fill("#ext-number", "12a")
	u.Fill("#ext-name", "Alice Example")
	u.Click("#ext-save")
	u.WaitText("[data-field=number] .field-error", "invalid number")
	if v := u.Attr("#ext-number", "aria-invalid"); v != "true" {
		t.Errorf("the number field's aria-invalid = %q, want true", v)
	}
	u.Shot("extension-invalid")
	if _, err := a.st.GetExtension("12a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the bad extension: %v, want not found", err)
	}
	u.Fill("#ext-number", "1001")
	u.Click("#ext-save")
	u.Wait("tr[data-id='1001']")
	e, err := a.st.GetExtension("1001")
	if err != nil || e.Name != "Alice Example" || e.MaxContacts != 2 {
		t.Fatalf("created extension: %+v, %v", e, err)
	}

	// Search finds it alone.
	u.Fill(".list .search", "alice")
	u.Until(`document.querySelectorAll('.list tbody tr').length === 1 && 1`, nil)
	if n := u.Text(".list tbody tr td"); n != "1001" {
		t.Errorf("search found %q, want 1001", n)
	}
	u.Shot("extensions")

	// Features: forwarding saved through the form.
	u.Click("tr[data-id='1001'] a.btn")
	u.Wait("#features-form")
	u.Fill("#feat-fwd_busy", "3005")
	u.Click("#feat-dnd")
	u.Click("#features-save")
	u.WaitText(".toast", "Features of 1001 saved")
	u.Shot("extension-features")
	if e, err := a.st.GetExtension("1001"); err != nil || !e.Features.DND || e.Features.Forward["busy"] != "3005" {
		t.Errorf("features: %+v, %v", e.Features, err)
	}

	// Delete, after the confirmation.
	a.nav("extensions")
	u.Fill(".list .search", "alice")
	u.Click("button[aria-label='Delete extension 1001']")
	u.Wait("#confirm[open]")
	u.Shot("extension-delete-confirm")
	u.Click("#confirm-ok")
	u.WaitHidden("tr[data-id='1001']")
	if _, err := a.st.GetExtension("1001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted extension: %v, want not found", err)
	}

	// Scripts: a syntax error is refused with its line marked; the file
	// is unchanged.
	a.nav("scripts")
	u.Click("a[href='#/scripts/dialplan.lua']")
	u.Wait("#script-text")
	u.Fill("#script-text", "local M = {}\nfunction M.route(\nreturn M\n")
	u.Click("#script-save")
	u.Wait("#script-error")
	if line := u.Text(".gutter .bad"); line == "" {
		t.Error("no line marked in the gutter")
	}
	u.Shot("script-error")
	if b, _ := os.ReadFile(filepath.Join(a.live.scripts, "dialplan.lua")); !strings.Contains(string(b), "the dial plan") {
		t.Errorf("a refused script changed the file: %q", b)
	}
	u.Focus("#script-text")
	u.Press("Control+End")
	u.Press("Tab")
	var val string
	u.Eval(`document.querySelector('#script-text').value`, &val)
	if !strings.HasSuffix(val, "\n  ") {
		t.Errorf("Tab in the editor: value ends %q, want two spaces", val[max(0, len(val)-8):])
	}

	// Calls & CDRs.
	a.nav("cdrs")
	u.Until(`document.querySelectorAll('#cdr-results tbody tr').length === 3 && 1`, nil)
	u.Shot("cdrs")

	// The generic form: the API's error at the field it names, then a
	// ring group created.
	a.nav("groups")
	u.WaitText(".empty", "No ring groups yet")
	u.Click("#groups-add")
	u.Wait("#groups-form")
	u.Fill("#groups-members", "3001\n3002")
	u.Click("#groups-save")
	u.WaitText("[data-field=number] .field-error", "number")
	u.Shot("group-invalid")
	u.Fill("#groups-number", "600")
	u.Fill("#groups-name", "Sales")
	u.Click("#groups-save")
	u.Wait("tr[data-id='600']")
	if g, err := a.st.GetGroup("600"); err != nil || g.Name != "Sales" || !slices.Equal(g.Members, []string{"3001", "3002"}) {
		t.Errorf("created group: %+v, %v", g, err)
	}
	u.Shot("groups")

	// A user, through the same generic form.
	a.nav("users")
	u.Click("#users-add")
	u.Wait("#users-form")
	u.Fill("#users-name", "ann")
	u.Eval(`document.querySelector('#users-role').value = 'operator'`, nil)
	u.Fill("#users-password", "Tr0pical-Kettle-92")
	u.Click("#users-save")
	u.Wait("tr[data-id=ann]")
	if r := u.Text("tr[data-id=ann] .badge"); r != "operator" {
		t.Errorf("user ann's role shows %q, want operator", r)
	}

	// An empty state, and every other page.
	a.nav("trunks")
	u.WaitText(".empty", "No trunks yet. Add one to call outside.")
	u.Shot("trunks")
	for _, p := range []string{"queues", "inbound", "outbound", "timeconditions", "tenants", "pinsets", "dialpolicy",
		"plugins", "recordings", "voicemail", "backup", "audit", "users"} {
		a.nav(p)
		u.Shot(p)
	}

	// Narrow screens: the navigation opens over the page.
	u.Viewport(390, 844)
	u.Click("#nav-toggle")
	u.Wait("#nav.open")
	u.Shot("mobile-nav")
	u.Press("Escape")
	u.WaitHidden("#nav.open")
	u.Click("#nav-toggle")
	a.nav("dashboard")
	u.Until(`getComputedStyle(document.querySelector('#nav')).visibility === 'hidden' && 1`, nil)
	u.Shot("mobile-dashboard")

	// Log out: back to the login page, and the session is gone.
	u.Viewport(1280, 900)
	u.Click("#logout")
	u.Wait("#login-form")
	var status int
	u.Eval(`fetch('/api/v1/auth/me').then(r => r.status)`, &status)
	if status != http.StatusUnauthorized {
		t.Errorf("after log-out /api/v1/auth/me = %d, want 401", status)
	}
	a.ui.End()
}

// Every module parses and loads in Chromium under the page's CSP.
func TestModulesLoad(t *testing.T) {
	a := newAdminHarness(t)
	u := a.ui
	u.Open("/admin/")
	u.Wait("#login-form")
	var mods []string
	for _, n := range embedded(t) {
		if strings.HasSuffix(n, ".js") {
			mods = append(mods, n)
		}
	}
	js := fmt.Sprintf(`Promise.all(%s.map(f => import('/admin/' + f).then(() => '', e => f + ': ' + e.message))).then(r => r.filter(Boolean))`, jsonList(mods))
	var failed []string
	u.Eval(js, &failed)
	if len(failed) > 0 {
		t.Errorf("modules failed to load: %q", failed)
	}
	a.ui.End()
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

package admin

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

// The admin UI against the real switch: the hookswitch binary with its
// admin API and UI on --http, two real baresip phones, and Chromium
// driven step by step (browser.Env.Drive). TestAdminUI runs the same pages
// against an in-process API with a fake switch; this one shows they hold
// up against real registrations, calls, CDRs, script reloads and a
// restore.

const (
	swAdmin         = "ops-admin"
	swAdminPassword = "Kestrel-42-blue-ui"
	swPassword1001  = "Alice1234ui"
	swPassword1002  = "Bobby1234ui"
)

// swCallEnded is a baresip call's end, once per call: hung up by the far
// end (a BYE: "session closed"; browser.BaresipTerminated may follow or
// not) or by its own /hangup.
var swCallEnded = regexp.MustCompile(`: session closed: |call: terminate call`)

// TestAdminUIWithSwitch is issue 9's browser test: log in; create 1001
// and 1002 in the UI; two baresips register as them and the dashboard
// shows them arrive live; 1001 calls 1002 (auto-answer), the call shows
// in the live calls and is hung up from the UI, then shows in the CDRs;
// the dial plan with a syntax error is refused at its line and calls
// still work, a good change reloads it (the generation grows); a backup
// downloaded in the UI, 1002 deleted, the backup restored in the UI:
// 1002 is back.
func TestAdminUIWithSwitch(t *testing.T) {
	env := browser.Require(t)
	bin := browser.RequireBaresip(t)

	dir := t.TempDir()
	tone := filepath.Join(dir, "tone.wav")
	must(t, e2e.WriteWAVFile(tone, 8000, e2e.Tone(8000, 440, 60*time.Second, 0.3)))

	sw := browser.BuildSwitch(t, env)
	sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	sw.Admin(t, "user", "add", swAdmin, "--role", "admin", "--password", swAdminPassword)
	sw.AdminHTTP = true
	sw.Serve(t)
	domain := "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)

	u := driveAdmin(t, env, "http://127.0.0.1:"+strconv.Itoa(sw.HTTP), nil, 5*time.Minute)
	a := &adminHarness{t: t, ui: u}

	// Log in with a user the CLI created.
	u.Open("/admin/")
	u.Wait("#login-form")
	u.Fill("#login-user", swAdmin)
	u.Fill("#login-password", swAdminPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=dashboard]")
	u.Shot("switch-dashboard-empty")

	// Extensions 1001 and 1002, through the form with the passwords typed
	// in (the phones register with them below).
	for _, e := range []struct{ number, name, password string }{{"1001", "Alice", swPassword1001}, {"1002", "Bob", swPassword1002}} {
		a.nav("extensions")
		u.Click("#ext-add")
		u.Wait("#ext-form")
		u.Fill("#ext-number", e.number)
		u.Fill("#ext-name", e.name)
		u.Fill("#ext-password", e.password)
		u.Click("#ext-save")
		u.Wait(fmt.Sprintf("tr[data-id='%s']", e.number))
	}
	u.Shot("switch-extensions")

	// The dashboard is open, on the event stream, before the phones
	// register: their rows arrive live.
	a.nav("dashboard")
	u.Until(`document.querySelector('.page-head .badge').textContent === 'live' && 1`, nil)
	u.WaitText("#live-regs .empty", "No phone is registered")
	account := func(ext, pw string) string {
		return fmt.Sprintf("<sip:%s@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma;answermode=auto", ext, domain, pw)
	}
	b1 := browser.StartBaresip(t, bin, "baresip-1001", account("1001", swPassword1001), tone, "33000-33499")
	b2 := browser.StartBaresip(t, bin, "baresip-1002", account("1002", swPassword1002), tone, "33500-33999")
	for _, b := range []*browser.Baresip{b1, b2} {
		if err := b.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
			t.Fatalf("registration: %v", err)
		}
	}
	u.Wait("#live-regs tr[data-id^='1001 ']")
	u.Wait("#live-regs tr[data-id^='1002 ']")
	u.Shot("switch-dashboard-registrations")

	// 1001 calls 1002, which answers by itself: the call shows as talking.
	b1.Command(t, "/dial 1002")
	waitCount(t, b1.Proc, browser.BaresipEstablished, 1)
	waitCount(t, b2.Proc, browser.BaresipEstablished, 1)
	u.WaitText("#live-calls tbody tr", "talking")
	var callID string
	u.Eval(`document.querySelector('#live-calls tbody tr').dataset.id`, &callID)
	if row := u.Text("#live-calls tbody tr"); !strings.Contains(row, "1001") || !strings.Contains(row, "1002") {
		t.Errorf("live call row %q, want 1001 calling 1002", row)
	}
	u.Shot("switch-dashboard-call")

	// Hung up from the UI, after the confirmation: both phones hear the
	// end, and the row goes.
	u.Click("#live-calls tbody tr button.danger")
	u.Wait("#confirm[open]")
	u.Shot("switch-hangup-confirm")
	u.Click("#confirm-ok")
	u.WaitText(".toast", "Call hung up")
	waitCount(t, b1.Proc, swCallEnded, 1)
	waitCount(t, b2.Proc, swCallEnded, 1)
	u.WaitText("#live-calls .empty", "No calls right now")

	// The CDR page shows it; the record says the admin ended it.
	cdr := waitCDR(t, sw, callID)
	if cdr["call_status"] != "answered" || cdr["ended_reason"] != "admin_hangup" || cdr["caller"] != "1001" || cdr["callee"] != "1002" {
		t.Errorf("CDR of the hung-up call: %v, want answered 1001 -> 1002 ended by admin_hangup", cdr)
	}
	a.nav("cdrs")
	u.Until(`document.querySelectorAll('#cdr-results tbody tr').length === 1 && 1`, nil)
	if row := u.Text("#cdr-results tbody tr"); !strings.Contains(row, "1001") || !strings.Contains(row, "1002") || !strings.Contains(row, "answered") {
		t.Errorf("CDR row %q, want an answered call from 1001 to 1002", row)
	}
	u.Shot("switch-cdrs")

	// The dial plan with a syntax error: refused at its line, the file
	// and the running generation unchanged.
	planPath := filepath.Join(sw.Data, "scripts", "dialplan.lua")
	plan, err := os.ReadFile(planPath)
	must(t, err)
	gen0 := scriptGeneration(u)
	a.nav("scripts")
	u.Click("a[href='#/scripts/dialplan.lua']")
	u.Wait("#script-text")
	var shown string
	u.Eval(`document.querySelector('#script-text').value`, &shown)
	if shown != string(plan) {
		t.Fatalf("the editor shows %d bytes, the file has %d", len(shown), len(plan))
	}
	bad := strings.TrimRight(string(plan), "\n") + "\nfunction broken(\n"
	badLine := strings.Count(bad, "\n") // the unfinished function's line: the parser meets the end of file there
	u.Fill("#script-text", bad)
	u.Click("#script-save")
	u.Wait("#script-error")
	line, _ := strconv.Atoi(u.Text(".gutter .bad"))
	if line != badLine {
		t.Errorf("the gutter marks line %d, want %d (the broken function)", line, badLine)
	}
	if msg := u.Text("#script-error"); !strings.Contains(msg, fmt.Sprintf("line %d", line)) {
		t.Errorf("the error %q does not name line %d", msg, line)
	}
	u.Shot("switch-script-error")
	if now, _ := os.ReadFile(planPath); string(now) != string(plan) {
		t.Errorf("the refused script changed dialplan.lua (%d bytes, was %d)", len(now), len(plan))
	}
	if g := scriptGeneration(u); g != gen0 {
		t.Errorf("generation after a refused save = %d, want %d", g, gen0)
	}

	// Calls go on with the old script.
	b1.Command(t, "/dial 1002")
	waitCount(t, b1.Proc, browser.BaresipEstablished, 2)
	waitCount(t, b2.Proc, browser.BaresipEstablished, 2)
	b1.Command(t, "/hangup")
	waitCount(t, b1.Proc, swCallEnded, 2)
	waitCount(t, b2.Proc, swCallEnded, 2)

	// A good change is saved and reloaded: a new generation.
	good := "-- edited in the admin UI\n" + string(plan)
	u.Fill("#script-text", good)
	u.Click("#script-save")
	u.WaitText(".toast", "dialplan.lua checked, saved and reloaded: generation")
	u.WaitHidden("#script-error")
	if g := scriptGeneration(u); g <= gen0 {
		t.Errorf("generation after a good save = %d, want more than %d", g, gen0)
	}
	if now, _ := os.ReadFile(planPath); string(now) != good {
		t.Errorf("dialplan.lua after the save is not the edited text (%d bytes)", len(now))
	}
	u.Shot("switch-script-saved")

	// A backup downloaded from the UI, kept to restore it below.
	a.nav("backup")
	backup, name := u.Download("#backup-download", t.TempDir())
	u.WaitText(".toast", "Backup downloaded")
	if !strings.HasPrefix(name, "hookswitch-backup-") || !strings.HasSuffix(name, ".tar.gz") {
		t.Errorf("the backup is offered as %q, want hookswitch-backup-*.tar.gz", name)
	}
	b, err := os.ReadFile(backup)
	must(t, err)
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("the downloaded backup (%d bytes) does not start with gzip's 1f 8b", len(b))
	}
	u.Shot("switch-backup")

	// 1002 deleted in the UI, after the confirmation.
	a.nav("extensions")
	u.Click("button[aria-label='Delete extension 1002']")
	u.Wait("#confirm[open]")
	u.Click("#confirm-ok")
	u.WaitHidden("tr[data-id='1002']")
	if exts := extensionNumbers(u); strings.Join(exts, ",") != "1001" {
		t.Fatalf("extensions after the delete: %v, want 1001 alone", exts)
	}

	// The backup restored in the UI, after its confirmation: 1002 is back.
	a.nav("backup")
	u.SetInputFiles("#restore-file", backup)
	var picked string
	u.Eval(`Array.from(document.querySelector('#restore-file').files, (f) => f.name + ' ' + f.size).join()`, &picked)
	if want := filepath.Base(backup) + " " + strconv.Itoa(len(b)); picked != want {
		t.Fatalf("the restore form holds %q, want %q", picked, want)
	}
	u.Click("#restore-submit")
	u.Wait("#confirm[open]")
	u.Shot("switch-restore-confirm")
	u.Click("#confirm-ok")
	u.WaitText(".toast", "Backup restored")
	a.nav("extensions")
	u.Wait("tr[data-id='1002']")
	if exts := extensionNumbers(u); strings.Join(exts, ",") != "1001,1002" {
		t.Errorf("extensions after the restore: %v, want 1001,1002", exts)
	}
	u.Shot("switch-restored")
	// The restore put the backup's dial plan back too: the edited one, as
	// it was when the backup was taken.
	if now, _ := os.ReadFile(planPath); string(now) != good {
		t.Errorf("dialplan.lua after the restore is not the backed-up text (%d bytes)", len(now))
	}

	// The restored 1002 works: deleting it dropped its registration, so a
	// new phone registers with the restored password, shows on the
	// dashboard, and takes a call.
	b2.Stop(syscall.SIGKILL, 5*time.Second)
	a.nav("dashboard")
	u.Until(`document.querySelector('.page-head .badge').textContent === 'live' && 1`, nil)
	u.Wait("#live-regs tr[data-id^='1001 ']")
	u.WaitHidden("#live-regs tr[data-id^='1002 ']")
	b2 = browser.StartBaresip(t, bin, "baresip-1002-again", account("1002", swPassword1002), tone, "34000-34499")
	if err := b2.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
		t.Fatalf("registration after the restore: %v", err)
	}
	u.Wait("#live-regs tr[data-id^='1002 ']")
	b1.Command(t, "/dial 1002")
	waitCount(t, b1.Proc, browser.BaresipEstablished, 3)
	waitCount(t, b2.Proc, browser.BaresipEstablished, 1)
	u.WaitText("#live-calls tbody tr", "talking")
	u.Shot("switch-after-restore")
	b1.Command(t, "/hangup")
	waitCount(t, b1.Proc, swCallEnded, 3)
	waitCount(t, b2.Proc, swCallEnded, 1)
	u.End()
}

// waitCount waits until re matched n times in p's output (a second call
// must not be taken for the first).
func waitCount(t *testing.T, p *browser.Proc, re *regexp.Regexp, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(re.FindAllStringIndex(p.Output(), -1)) < n {
		if p.Exited() {
			t.Fatalf("%s exited before %q matched %d times", p.Name, re, n)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q matched %d times, want %d", p.Name, re, len(re.FindAllStringIndex(p.Output(), -1)), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitCDR waits until the switch has written the CDR of callID: a CDR is
// written when the call's last leg is gone, a moment after the BYEs.
func waitCDR(t *testing.T, sw *browser.Switch, callID string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, r := range sw.CDRs(t) {
			if r["call_id"] == callID {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CDR for call %q: %v", callID, sw.CDRs(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scriptGeneration asks the API, with the page's session, for the running
// scripts generation.
func scriptGeneration(u *browser.UI) uint64 {
	var g uint64
	u.Eval(`fetch('/api/v1/scripts').then((r) => r.json()).then((j) => j.generation)`, &g)
	return g
}

// extensionNumbers asks the API, with the page's session, for the
// extensions' numbers.
func extensionNumbers(u *browser.UI) []string {
	var nums []string
	u.Eval(`fetch('/api/v1/extensions').then((r) => r.json()).then((l) => l.map((e) => e.number).sort())`, &nums)
	return nums
}

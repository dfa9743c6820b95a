package admin

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

const (
	trSupervisor   = "trace-sup"
	trSupervisorPW = "Heron-77-green-ui"
)

// TestTraceUIWithSwitch: a real call between two baresips through the
// hookswitch binary; the live call and its CDR offer "SIP trace"; the
// ladder shows INVITE, 200, ACK and BYE on both legs of the B2BUA;
// clicking an arrow shows the raw message; the pcap downloads with
// pcap's magic number and one record per message. A Call-ID the switch
// does not keep shows the empty state, and a supervisor (who may not read
// traces) is offered no link.
func TestTraceUIWithSwitch(t *testing.T) {
	env := browser.Require(t)
	bin := browser.RequireBaresip(t)

	dir := t.TempDir()
	tone := filepath.Join(dir, "tone.wav")
	must(t, e2e.WriteWAVFile(tone, 8000, e2e.Tone(8000, 440, 60*time.Second, 0.3)))

	sw := browser.BuildSwitch(t, env)
	sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	sw.Admin(t, "user", "add", swAdmin, "--role", "admin", "--password", swAdminPassword)
	sw.Admin(t, "user", "add", trSupervisor, "--role", "supervisor", "--password", trSupervisorPW)
	sw.Admin(t, "ext", "add", "1001", "--password", swPassword1001)
	sw.Admin(t, "ext", "add", "1002", "--password", swPassword1002)
	sw.AdminHTTP = true
	sw.Serve(t)
	domain := "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)

	u := driveAdmin(t, env, "http://127.0.0.1:"+strconv.Itoa(sw.HTTP), nil, 5*time.Minute)
	a := &adminHarness{t: t, ui: u}
	login := func(user, pw string) {
		t.Helper()
		u.Open("/admin/")
		u.Wait("#login-form")
		u.Fill("#login-user", user)
		u.Fill("#login-password", pw)
		u.Click("#login-submit")
		u.Wait("#nav a[data-page=dashboard]")
	}
	login(swAdmin, swAdminPassword)

	account := func(ext, pw string) string {
		return fmt.Sprintf("<sip:%s@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma;answermode=auto", ext, domain, pw)
	}
	b1 := browser.StartBaresip(t, bin, "baresip-1001", account("1001", swPassword1001), tone, "35000-35499")
	b2 := browser.StartBaresip(t, bin, "baresip-1002", account("1002", swPassword1002), tone, "35500-35999")
	for _, b := range []*browser.Baresip{b1, b2} {
		if err := b.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
			t.Fatalf("registration: %v", err)
		}
	}

	// 1001 calls 1002 (auto-answer); the live call links to its trace.
	b1.Command(t, "/dial 1002")
	waitCount(t, b1.Proc, browser.BaresipEstablished, 1)
	waitCount(t, b2.Proc, browser.BaresipEstablished, 1)
	u.WaitText("#live-calls tbody tr", "talking")
	var callID string
	u.Eval(`document.querySelector('#live-calls tbody tr').dataset.id`, &callID)
	if callID == "" {
		t.Fatal("the live call row has no Call-ID")
	}
	var linked bool
	u.Eval(`(() => { const a = document.querySelector('#live-calls tbody tr a.trace-link');
		return !!a && a.getAttribute('href') === '#/trace/' + encodeURIComponent(`+jsString(callID)+`); })()`, &linked)
	if !linked {
		t.Errorf("the live call has no trace link to its Call-ID %q", callID)
	}
	u.Shot("trace-live-call")

	// 1001 hangs up: the CDR's row has the link too.
	b1.Command(t, "/hangup")
	waitCount(t, b1.Proc, swCallEnded, 1)
	waitCount(t, b2.Proc, swCallEnded, 1)
	waitCDR(t, sw, callID)
	a.nav("cdrs")
	u.Until(`document.querySelectorAll('#cdr-results tbody tr').length === 1 && 1`, nil)
	u.Shot("trace-cdr-link")
	u.Click("#cdr-results tbody tr a.trace-link")
	u.Wait("html[data-page=trace] #trace-result .ladder .ladder-msg")
	u.Until(`!document.querySelector('.main .loading') && 1`, nil)

	// Both legs: the caller's dialog (in: INVITE, ACK, BYE to the switch)
	// and the callee's (out: the switch sends INVITE, ACK, BYE).
	type arrow struct{ Call, Label, Dir string }
	var arrows []arrow
	u.Eval(`Array.from(document.querySelectorAll('#trace-result .ladder-msg'), (g) => ({Call: g.dataset.callId, Label: g.dataset.label, Dir: g.dataset.dir}))`, &arrows)
	var legs []string
	for _, m := range arrows {
		if !slices.Contains(legs, m.Call) {
			legs = append(legs, m.Call)
		}
	}
	if len(legs) != 2 || legs[0] != callID {
		t.Fatalf("the ladder's Call-IDs %q, want the call's %q then its B leg's", legs, callID)
	}
	// Seen from the switch: the caller's requests come in, the callee's
	// leg has the switch send them; responses go the other way.
	reqDir := map[string]string{legs[0]: "in", legs[1]: "out"}
	flip := map[string]string{"in": "out", "out": "in"}
	for _, leg := range legs {
		for _, w := range []struct {
			label *regexp.Regexp
			resp  bool
		}{{regexp.MustCompile(`^INVITE$`), false}, {regexp.MustCompile(`^200 .*\(INVITE\)$`), true},
			{regexp.MustCompile(`^ACK$`), false}, {regexp.MustCompile(`^BYE$`), false}, {regexp.MustCompile(`^200 .*\(BYE\)$`), true}} {
			dir := reqDir[leg]
			if w.resp {
				dir = flip[dir]
			}
			if !slices.ContainsFunc(arrows, func(m arrow) bool { return m.Call == leg && m.Dir == dir && w.label.MatchString(m.Label) }) {
				t.Errorf("leg %s: no arrow %s going %s; arrows: %v", leg, w.label, dir, arrows)
			}
		}
	}
	if n := count(u, "#trace-result .ladder .ladder-host"); n != 3 {
		t.Errorf("%d columns, want 3 (caller, switch, callee)", n)
	}

	// An arrow's raw message.
	u.Click(fmt.Sprintf("#trace-result .ladder-msg[data-call-id='%s'][data-label=BYE]", legs[1]))
	u.WaitText("#trace-raw", "BYE sip:")
	if raw := u.Text("#trace-raw"); !strings.Contains(raw, "Call-ID: "+legs[1]) && !strings.Contains(raw, "i: "+legs[1]) {
		t.Errorf("the raw BYE does not carry the B leg's Call-ID %q:\n%s", legs[1], raw)
	}
	if n := count(u, "#trace-result .ladder-msg.selected"); n != 1 {
		t.Errorf("%d arrows selected, want 1", n)
	}
	u.Shot("trace-ladder")

	// The pcap: libpcap's magic (little-endian) and one record per arrow.
	path, name := u.Download("#trace-pcap", t.TempDir())
	if !strings.HasPrefix(name, "call-") || !strings.HasSuffix(name, ".pcap") {
		t.Errorf("the pcap is offered as %q, want call-*.pcap", name)
	}
	b, err := os.ReadFile(path)
	must(t, err)
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("the pcap (%d bytes) does not start with pcap's magic number", len(b))
	}
	records := 0
	for off := 24; off+16 <= len(b); records++ {
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
	}
	if records != len(arrows) {
		t.Errorf("the pcap holds %d records, the ladder %d arrows", records, len(arrows))
	}

	// A Call-ID the switch has no trace of: the empty state.
	u.Fill("#trace-call", "no-such-call@127.0.0.1")
	u.Click("#trace-form button[type=submit]")
	u.WaitText("#trace-missing", "no longer kept")
	u.Shot("trace-missing")

	// A supervisor sees the CDRs but no trace: no link, no menu entry.
	u.Click("#logout")
	login(trSupervisor, trSupervisorPW)
	a.nav("cdrs")
	u.Until(`document.querySelectorAll('#cdr-results tbody tr').length === 1 && 1`, nil)
	if n := count(u, "#cdr-results a.trace-link") + count(u, "#nav a[data-page=trace]"); n != 0 {
		t.Errorf("a supervisor is offered %d trace links", n)
	}
	u.End()
}

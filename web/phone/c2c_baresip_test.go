package phone

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

const (
	ccGuestExt        = "1090" // the extension guests call as (--c2c-ext)
	ccGuestPassword   = "Guest1234zz"
	ccTargetPassword  = "Baresip1234t"
	ccClosedPassword  = "Baresip1234c"
	ccClosedExtension = "1003" // registered, but not on --c2c-allow
)

// ccINVITE is an INVITE in baresip's SIP trace (-s): any call it was
// offered.
var ccINVITE = regexp.MustCompile(`INVITE sip:`)

// TestClickToCallReachesBaresip is issue 8's test (3): a guest on the
// click-to-call test page, served by a real switch with guest calling on
// (--c2c-ext, --c2c-allow), clicks the widget and a real baresip extension
// answers. Audio both ways (baresip's recording holds the browser's
// fake-microphone tone; the page's inbound RTP grows), the widget's keys
// reach baresip as DTMF, and the CDR shows the guest extension calling
// the target. Before that, a number not on the allow-list fails cleanly
// in the widget (ACK 2011 code -1) and its phone never rings.
func TestClickToCallReachesBaresip(t *testing.T) {
	t.Parallel()
	env := browser.Require(t)
	bin := browser.RequireBaresip(t)

	dir := t.TempDir()
	pageWAV := filepath.Join(dir, "page-tone.wav")
	baresipWAV := filepath.Join(dir, "baresip-tone.wav")
	must(t, e2e.WriteWAVFile(pageWAV, 48000, e2e.Tone(48000, bcPageTone, 120*time.Second, 0.5)))
	must(t, e2e.WriteWAVFile(baresipWAV, 8000, e2e.Tone(8000, bcBaresipTone, 120*time.Second, 0.5)))
	env, err := env.WithFlags(t, "--use-file-for-fake-audio-capture="+pageWAV)
	must(t, err)

	sw := browser.BuildSwitch(t, env)
	sw.Admin(t, "ext", "add", ccGuestExt, "--password", ccGuestPassword)
	sw.Admin(t, "ext", "add", "1002", "--password", ccTargetPassword)
	sw.Admin(t, "ext", "add", ccClosedExtension, "--password", ccClosedPassword)
	sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	sw.Serve(t, "--c2c-ext", ccGuestExt, "--c2c-allow", "1002,2000")

	domain := "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)
	b := browser.StartBaresip(t, bin, "baresip-1002",
		fmt.Sprintf("<sip:1002@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma;answermode=auto", domain, ccTargetPassword),
		baresipWAV, "32000-32999")
	// 1003 would answer at once too: that it never sees an INVITE shows the
	// refused guest call rang nothing.
	closed := browser.StartBaresip(t, bin, "baresip-1003",
		fmt.Sprintf("<sip:%s@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma;answermode=auto", ccClosedExtension, domain, ccClosedPassword),
		baresipWAV, "33000-33999")
	for _, p := range []*browser.Baresip{b, closed} {
		if err := p.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
			t.Fatalf("%s registration: %v", p.Name, err)
		}
	}

	ctl := env.Serve(t, fstest.MapFS{})
	d := newDriver(t)
	ctl.Mux.Handle("/ctl/", d)
	scenario, err := filepath.Abs("testdata/drive.mjs")
	must(t, err)
	s, err := env.Start(t, browser.Options{
		Scenario: scenario,
		URL:      "https://127.0.0.1:" + strconv.Itoa(sw.HTTPS),
		Params:   map[string]string{"control": ctl.URL + "/ctl"},
		Timeout:  3 * time.Minute,
	})
	must(t, err)
	go func() {
		s.Wait()
		close(d.ended)
	}()
	u := &ui{t: t, d: d}

	// A number the switch does not open to guests: the widget says so and
	// can be clicked again; nothing was dialled.
	u.open("/phone/c2c-test.html?to=" + ccClosedExtension)
	u.waitText("#widget button.main", "Call us")
	u.click("#widget button.main")
	u.wait(`#events li[data-state="failed"]`)
	u.waitText("#widget .status", "Calling is not available right now")
	u.waitText("#widget button.main", "Call us")
	var disabled bool
	u.eval("document.getElementById('widget').shadowRoot.querySelector('button.main').disabled", &disabled)
	if disabled {
		t.Error("after the refusal the call button stays disabled")
	}

	// An allowed number: the guest calls 1002, whose baresip answers.
	u.open("/phone/c2c-test.html?to=1002&disp=Web%20guest&label=Call%20support")
	u.waitText("#widget button.main", "Call support")
	u.click("#widget button.main")
	u.waitText("#widget .status", "Connected")
	u.wait(`#events li[data-state="connected"]`)
	if err := b.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Output(), "Web guest") {
		t.Error("baresip's INVITE does not show the guest's name \"Web guest\"")
	}
	first := ccStats(u, "s && s.connectionState === 'connected' && s.packetsReceived > 0")
	t.Logf("widget stats after answer: %+v", first)
	if c := strings.ToLower(first.Codec); c != "audio/pcmu" && c != "audio/pcma" {
		t.Errorf("codec = %q, want G.711", first.Codec)
	}

	// Talk: baresip records the page's tone; the page's inbound RTP grows.
	talkFrom := recorded(t, b)
	waitRecorded(t, b, talkFrom+bcTalk)
	talkTo := recorded(t, b)
	grown := ccStats(u, fmt.Sprintf("s && s.packetsReceived > %d", first.PacketsReceived))
	if grown.PacketsSent <= 0 {
		t.Errorf("the widget sent no RTP: %+v", grown)
	}

	// The widget's keypad: baresip receives the digits, each once.
	u.wait("#widget .pad")
	u.click(`#widget .pad button[data-key="7"]`)
	if err := b.WaitOutput(browser.BaresipDTMF, 10*time.Second); err != nil {
		t.Errorf("baresip did not report the widget's DTMF: %v", err)
	}
	u.click(`#widget .pad button[data-key="#"]`)
	if err := b.WaitOutput(regexp.MustCompile(`received DTMF: '#'`), 10*time.Second); err != nil {
		t.Errorf("baresip did not report the widget's second key: %v", err)
	}
	if m := browser.BaresipDTMF.FindAllStringSubmatch(b.Output(), -1); len(m) != 2 || m[0][1] != "7" || m[1][1] != "#" {
		t.Errorf("baresip received DTMF %q, want exactly 7 then #", m)
	}

	// Hang up from the widget.
	u.click("#widget button.main")
	u.wait(`#events li[data-state="ended"]`)
	u.waitText("#widget button.main", "Call support")
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	bcEnd(t, u, s)

	browser.CheckBaresipRTPFromSwitch(t, b)
	if !ccINVITE.MatchString(b.Output()) { // the check below can see an INVITE
		t.Errorf("%s's SIP trace shows no INVITE", b.Name)
	}
	if ccINVITE.MatchString(closed.Output()) {
		t.Errorf("%s, not open to guests, was offered a call", closed.Name)
	}
	for _, p := range []*browser.Baresip{b, closed} {
		if !p.Stop(syscall.SIGTERM, 5*time.Second) {
			t.Logf("%s needed SIGKILL", p.Name)
		}
	}
	checkStretches(t, b, []bcStretch{{"talking", talkFrom, talkTo, bcPageTone}})

	if !sw.Proc.Stop(syscall.SIGTERM, 10*time.Second) {
		t.Errorf("switch did not stop within 10s of SIGTERM")
	}
	checkGuestCDR(t, sw.CDRs(t))
}

// ccStats polls the widget's call media stats until cond (an expression
// of s) holds. The test page's widget is reached through c2c.js's mount,
// which returns the widget already mounted on the host.
func ccStats(u *ui, cond string) bcStats {
	u.t.Helper()
	var raw json.RawMessage
	u.until("import('/phone/c2c.js').then(m => m.mount(document.getElementById('widget')))"+
		".then(w => w.media ? w.media.stats() : null)"+
		".then(s => ("+cond+") ? JSON.stringify(s) : false)", &raw)
	var js string
	u.decode(raw, &js)
	var st bcStats
	u.decode(json.RawMessage(js), &st)
	return st
}

// checkGuestCDR asserts exactly one CDR shows the guest extension's
// answered call to 1002, hung up by the guest, and none to the number
// guests may not call.
func checkGuestCDR(t *testing.T, recs []map[string]any) {
	t.Helper()
	all, _ := json.MarshalIndent(recs, "", "  ")
	t.Logf("CDRs: %s", all)
	var found []map[string]any
	for _, r := range recs {
		if strings.Contains(fmt.Sprint(r["callee"]), ccClosedExtension) {
			t.Errorf("a CDR for a call to %s, which guests may not call: %v", ccClosedExtension, r)
		}
		if strings.Contains(fmt.Sprint(r["caller"]), ccGuestExt) && strings.Contains(fmt.Sprint(r["callee"]), "1002") {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly 1 CDR for %s -> 1002, found %d", ccGuestExt, len(found))
	}
	r := found[0]
	if st := fmt.Sprint(r["call_status"]); st != "answered" {
		t.Errorf("call_status = %q, want answered", st)
	}
	if er := fmt.Sprint(r["ended_reason"]); er != "caller_hangup" {
		t.Errorf("ended_reason = %q, want caller_hangup (the guest hung up)", er)
	}
	if talk, ok := r["talk_duration"].(float64); !ok || talk < bcTalk.Seconds() {
		t.Errorf("talk_duration = %v, want at least %v s", r["talk_duration"], bcTalk.Seconds())
	}
}

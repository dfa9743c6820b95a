package phone

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

const (
	bcPagePassword    = "Webphone1234x"
	bcBaresipPassword = "Baresip1234y"
)

// TestWebPhoneAnswersBaresip is issue 8's test (2): the built-in web phone,
// served by the real switch at /phone/ and speaking the web-call-protocol
// at /wcp, receives a call from a real baresip phone, answers it, sends
// DTMF that baresip receives, holds (baresip hears the music on hold) and
// resumes, and hangs up; the CDR shows the answered call. Audio both ways:
// baresip's recording holds the browser's fake-microphone tone, and the
// page's inbound RTP grows.
func TestWebPhoneAnswersBaresip(t *testing.T) {
	t.Parallel()
	w := newBCWorld(t, map[string]string{"1001": bcPagePassword, "1002": bcBaresipPassword}, true)
	sw, domain := w.sw, w.domain
	b := w.baresip("1002", bcBaresipPassword, false, bcBaresipTone, "32000-32999")
	u := w.drive()

	// Log in through the page's API, against the page's default server:
	// the switch's own /wcp.
	u.Open("/phone/")
	u.Wait("html[data-ready]")
	var server string
	u.Eval("document.getElementById('login-server').value", &server)
	if want := "wss://127.0.0.1:" + strconv.Itoa(sw.HTTPS) + "/wcp"; server != want {
		t.Errorf("default server %q, want %q", server, want)
	}
	w.login(u, "1001", bcPagePassword)

	// baresip calls; the page rings and answers from its banner.
	b.Command(t, "/dial sip:1001@"+domain)
	u.Wait("#incoming")
	if from := u.Text("#incoming-from"); !strings.Contains(from, "1002") {
		t.Errorf("the incoming banner shows %q, want the caller 1002", from)
	}
	u.Click("#answer")
	u.WaitText("#call-state", "Connected")
	u.WaitHidden("#incoming")
	if err := b.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	first := stats(u, "s && s.connectionState === 'connected' && s.packetsReceived > 0")
	t.Logf("page stats after answer: %+v", first)
	if c := strings.ToLower(first.Codec); c != "audio/pcmu" && c != "audio/pcma" {
		t.Errorf("codec = %q, want G.711", first.Codec)
	}

	// Talk, then DTMF.
	talkFrom := recorded(t, b)
	waitRecorded(t, b, talkFrom+bcTalk)
	talkTo := recorded(t, b)
	grown := stats(u, fmt.Sprintf("s && s.packetsReceived > %d", first.PacketsReceived))
	if grown.PacketsSent <= 0 {
		t.Errorf("the page sent no RTP: %+v", grown)
	}
	u.Eval("HookswitchPhone.dtmf('5').then(() => true)", nil)
	u.WaitText("#dtmf-sent", "5")
	if err := b.WaitOutput(browser.BaresipDTMF, 10*time.Second); err != nil {
		t.Errorf("baresip did not report the page's DTMF: %v", err)
	} else if m := browser.BaresipDTMF.FindAllStringSubmatch(b.Output(), -1); len(m) != 1 || m[0][1] != "5" {
		t.Errorf("baresip received DTMF %q, want exactly one '5'", m)
	}

	// Hold: the page shows it, baresip hears the music.
	var st string
	u.Eval("HookswitchPhone.hold(true).then(() => HookswitchPhone.state().calls[0].state)", &st)
	if st != "held" {
		t.Errorf("after hold the call is %q, want held", st)
	}
	u.WaitText("#call-state", "On hold")
	holdFrom := recorded(t, b)
	waitRecorded(t, b, holdFrom+bcTalk)
	holdTo := recorded(t, b)

	// Resume: connected again, the page's tone back at baresip, RTP to
	// the page again.
	u.Eval("HookswitchPhone.hold(false).then(() => HookswitchPhone.state().calls[0].state)", &st)
	if st != "connected" {
		t.Errorf("after resume the call is %q, want connected", st)
	}
	u.WaitText("#call-state", "Connected")
	resumeFrom := recorded(t, b)
	before := stats(u, "s")
	waitRecorded(t, b, resumeFrom+bcTalk)
	resumeTo := recorded(t, b)
	after := stats(u, fmt.Sprintf("s && s.packetsReceived > %d", before.PacketsReceived))
	t.Logf("page stats: resumed %+v, later %+v", before, after)

	// Hang up from the page.
	u.Eval("HookswitchPhone.hangup().then(() => true)", nil)
	u.WaitHidden("#call")
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	var ph phoneState
	u.Eval("HookswitchPhone.state()", &ph)
	if len(ph.History) == 0 || ph.History[0].Dir != "in" || ph.History[0].Number != "1002" || ph.History[0].Result != "answered" {
		t.Errorf("history after the call: %+v, want in 1002 answered first", ph.History)
	}
	u.End()

	browser.CheckBaresipRTPFromSwitch(t, b)
	stopBaresips(t, b)
	checkStretches(t, b, []bcStretch{
		{"talking", talkFrom, talkTo, bcPageTone},
		{"held", holdFrom, holdTo, bcMOHTone},
		{"resumed", resumeFrom, resumeTo, bcPageTone},
	})
	w.stop()
	checkAnsweredCDR(t, sw.CDRs(t))
}

// checkAnsweredCDR asserts exactly one CDR shows 1002's answered call to
// 1001, hung up by the page (the callee).
func checkAnsweredCDR(t *testing.T, recs []map[string]any) {
	t.Helper()
	all, _ := json.MarshalIndent(recs, "", "  ")
	t.Logf("CDRs: %s", all)
	var found []map[string]any
	for _, r := range recs {
		if strings.Contains(fmt.Sprint(r["caller"]), "1002") && strings.Contains(fmt.Sprint(r["callee"]), "1001") {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly 1 CDR for 1002 -> 1001, found %d", len(found))
	}
	r := found[0]
	if st := fmt.Sprint(r["call_status"]); st != "answered" {
		t.Errorf("call_status = %q, want answered", st)
	}
	if er := fmt.Sprint(r["ended_reason"]); er != "callee_hangup" {
		t.Errorf("ended_reason = %q, want callee_hangup (the page hung up)", er)
	}
	// The call was up for the three stretches at least.
	if talk, ok := r["talk_duration"].(float64); !ok || talk < (3*bcTalk).Seconds() {
		t.Errorf("talk_duration = %v, want at least %v s", r["talk_duration"], (3 * bcTalk).Seconds())
	}
}

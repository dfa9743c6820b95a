package phone

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
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
	w := newBCWorld(t, map[string]string{ccGuestExt: ccGuestPassword, "1002": ccTargetPassword, ccClosedExtension: ccClosedPassword},
		false, "--c2c-ext", ccGuestExt, "--c2c-allow", "1002,2000")
	sw := w.sw
	b := w.baresip("1002", ccTargetPassword, true, bcBaresipTone, "32000-32999")
	// 1003 would answer at once too: that it never sees an INVITE shows the
	// refused guest call rang nothing.
	closed := w.baresip(ccClosedExtension, ccClosedPassword, true, bcBaresipTone, "33000-33999")
	u := w.drive()

	// A number the switch does not open to guests: the widget says so and
	// can be clicked again; nothing was dialled.
	u.Open("/phone/c2c-test.html?to=" + ccClosedExtension)
	u.WaitText("#widget button.main", "Call us")
	u.Click("#widget button.main")
	u.Wait(`#events li[data-state="failed"]`)
	u.WaitText("#widget .status", "Calling is not available right now")
	u.WaitText("#widget button.main", "Call us")
	var disabled bool
	u.Eval("document.getElementById('widget').shadowRoot.querySelector('button.main').disabled", &disabled)
	if disabled {
		t.Error("after the refusal the call button stays disabled")
	}

	// An allowed number: the guest calls 1002, whose baresip answers.
	u.Open("/phone/c2c-test.html?to=1002&disp=Web%20guest&label=Call%20support")
	u.WaitText("#widget button.main", "Call support")
	u.Click("#widget button.main")
	u.WaitText("#widget .status", "Connected")
	u.Wait(`#events li[data-state="connected"]`)
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
	u.Wait("#widget .pad")
	u.Click(`#widget .pad button[data-key="7"]`)
	if err := b.WaitOutput(browser.BaresipDTMF, 10*time.Second); err != nil {
		t.Errorf("baresip did not report the widget's DTMF: %v", err)
	}
	u.Click(`#widget .pad button[data-key="#"]`)
	if err := b.WaitOutput(regexp.MustCompile(`received DTMF: '#'`), 10*time.Second); err != nil {
		t.Errorf("baresip did not report the widget's second key: %v", err)
	}
	if m := browser.BaresipDTMF.FindAllStringSubmatch(b.Output(), -1); len(m) != 2 || m[0][1] != "7" || m[1][1] != "#" {
		t.Errorf("baresip received DTMF %q, want exactly 7 then #", m)
	}

	// Hang up from the widget.
	u.Click("#widget button.main")
	u.Wait(`#events li[data-state="ended"]`)
	u.WaitText("#widget button.main", "Call support")
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	u.End()

	browser.CheckBaresipRTPFromSwitch(t, b)
	if !ccINVITE.MatchString(b.Output()) { // the check below can see an INVITE
		t.Errorf("%s's SIP trace shows no INVITE", b.Name)
	}
	if ccINVITE.MatchString(closed.Output()) {
		t.Errorf("%s, not open to guests, was offered a call", closed.Name)
	}
	stopBaresips(t, b, closed)
	checkStretches(t, b, []bcStretch{{"talking", talkFrom, talkTo, bcPageTone}})
	w.stop()
	checkGuestCDR(t, sw.CDRs(t))
}

// ccStats polls the widget's call media stats until cond (an expression
// of s) holds. The test page's widget is reached through c2c.js's mount,
// which returns the widget already mounted on the host.
func ccStats(u *browser.UI, cond string) bcStats {
	return pollStats(u, "import('/phone/c2c.js').then(m => m.mount(document.getElementById('widget')))"+
		".then(w => w.media ? w.media.stats() : null)", cond)
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

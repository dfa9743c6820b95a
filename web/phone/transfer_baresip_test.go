package phone

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

const (
	trPagePassword = "Webphone1234t"
	trB2Password   = "Baresip1234t2"
	trB3Password   = "Baresip1234t3"
	// trTargetTone is 1003's microphone; 1002 plays bcBaresipTone, the page
	// bcPageTone, the music on hold bcMOHTone: four tones far apart, none
	// a harmonic of another.
	trTargetTone = 1400.0
)

// TestWebPhoneTransferWithBaresip is a transfer with consultation from
// the web phone through the real switch: the page (1001) calls baresip
// 1002, then starts a transfer to baresip 1003 (op 1008 with the offer of
// a second peer connection): 1002 is held and hears the music, the page's
// second call receives 1003's RTP and 1003 hears the page. Completing
// (1010 on the first call: a REFER with Replaces) connects 1002 and 1003,
// each then hearing the other's tone; the page says the transfer
// succeeded, and the CDRs show the consultation replaced and the first
// call ending up between 1002 and 1003.
func TestWebPhoneTransferWithBaresip(t *testing.T) {
	t.Parallel()
	// A tone as the music on hold, so 1002's recording shows the hold.
	w := newBCWorld(t, map[string]string{"1001": trPagePassword, "1002": trB2Password, "1003": trB3Password}, true)
	sw := w.sw
	b2 := w.baresip("1002", trB2Password, true, bcBaresipTone, "34000-34499")
	b3 := w.baresip("1003", trB3Password, true, trTargetTone, "34500-34999")
	u := w.drive()

	u.Open("/phone/")
	u.Wait("html[data-ready]")
	w.login(u, "1001", trPagePassword)

	// The page calls 1002, which answers by itself.
	u.Eval("HookswitchPhone.dial('1002').then(() => true)", nil)
	if err := b2.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	u.WaitText("#call-state", "Connected")
	stats(u, "s && s.connectionState === 'connected' && s.packetsReceived > 0")
	talkFrom := recorded(t, b2)
	waitRecorded(t, b2, talkFrom+bcTalk)
	talkTo := recorded(t, b2)

	// The consultation: 1002 held, the page talking to 1003 on its second
	// peer connection.
	u.Eval("HookswitchPhone.transfer('1003').then(() => true)", nil)
	if err := b3.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	u.WaitText("#transfer-status", "Talking to 1003")
	u.WaitText("#call-state", "On hold")
	first := secondStats(u, "s && s.connectionState === 'connected' && s.packetsReceived > 0")
	t.Logf("the page's second call: %+v", first)
	if c := strings.ToLower(first.Codec); c != "audio/pcmu" && c != "audio/pcma" {
		t.Errorf("the second call's codec = %q, want G.711", first.Codec)
	}
	var ph phoneState
	u.Eval("HookswitchPhone.state()", &ph)
	if len(ph.Calls) != 1 || ph.Calls[0].Second == nil || ph.Calls[0].Second.State != "connected" ||
		ph.Calls[0].MicEnabled == nil || *ph.Calls[0].MicEnabled || !ph.FirstAudioMuted {
		t.Errorf("the page during the consultation: %+v, want the first call's microphone and audio off, the second connected", ph)
	}
	heldFrom, consultFrom := recorded(t, b2), recorded(t, b3)
	waitRecorded(t, b3, consultFrom+bcTalk)
	waitRecorded(t, b2, heldFrom+bcTalk)
	heldTo, consultTo := recorded(t, b2), recorded(t, b3)
	grown := secondStats(u, fmt.Sprintf("s && s.packetsReceived > %d", first.PacketsReceived))
	if grown.PacketsSent <= 0 {
		t.Errorf("the page's second call sent no RTP: %+v", grown)
	}

	// Complete: 1002 and 1003 talk to each other, the page is out.
	u.Eval("HookswitchPhone.completeTransfer().then(() => true)", nil)
	u.WaitText("#status", "Transferred to 1003")
	u.WaitHidden("#call")
	u.Eval("HookswitchPhone.state()", &ph)
	if len(ph.Calls) != 0 || ph.FirstAudioMuted {
		t.Errorf("the page after the transfer: %+v, want no calls", ph)
	}
	if len(ph.History) == 0 || ph.History[0].Number != "1002" || ph.History[0].Result != "transferred" {
		t.Errorf("history after the transfer: %+v, want 1002 transferred first", ph.History)
	}
	// A second of audio for the switch to move the media, then a stretch
	// each.
	waitRecorded(t, b2, recorded(t, b2)+time.Second)
	waitRecorded(t, b3, recorded(t, b3)+time.Second)
	after2From, after3From := recorded(t, b2), recorded(t, b3)
	waitRecorded(t, b2, after2From+bcTalk)
	waitRecorded(t, b3, after3From+bcTalk)
	after2To, after3To := recorded(t, b2), recorded(t, b3)

	// 1002 hangs up: both baresips see the end of the one call.
	b2.Command(t, "/hangup")
	for _, b := range []*browser.Baresip{b2, b3} {
		if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
			t.Errorf("%s: %v", b.Name, err)
		}
	}
	u.End()

	for _, b := range []*browser.Baresip{b2, b3} {
		browser.CheckBaresipRTPFromSwitch(t, b)
	}
	stopBaresips(t, b2, b3)
	t.Log("1002's recording:")
	checkStretches(t, b2, []bcStretch{
		{"talking to the page", talkFrom, talkTo, bcPageTone},
		{"held during the consultation", heldFrom, heldTo, bcMOHTone},
		{"transferred to 1003", after2From, after2To, trTargetTone},
	})
	t.Log("1003's recording:")
	checkStretches(t, b3, []bcStretch{
		{"consulted by the page", consultFrom, consultTo, bcPageTone},
		{"transferred to 1002", after3From, after3To, bcBaresipTone},
	})

	w.stop()
	checkTransferCDRs(t, sw.CDRs(t))
}

// checkTransferCDRs: the page's call to 1002 was answered and ended up
// with 1003 (final_dest), lasting through the transfer; the consultation
// to 1003 was answered and ended by the transfer.
func checkTransferCDRs(t *testing.T, recs []map[string]any) {
	t.Helper()
	all, _ := json.MarshalIndent(recs, "", "  ")
	t.Logf("CDRs: %s", all)
	find := func(caller, callee string) map[string]any {
		var found []map[string]any
		for _, r := range recs {
			if fmt.Sprint(r["caller"]) == caller && fmt.Sprint(r["callee"]) == callee {
				found = append(found, r)
			}
		}
		if len(found) != 1 {
			t.Errorf("want exactly 1 CDR for %s -> %s, found %d", caller, callee, len(found))
			return nil
		}
		return found[0]
	}
	if len(recs) != 2 {
		t.Errorf("%d CDRs, want 2 (the call and the consultation)", len(recs))
	}
	if r := find("1001", "1002"); r != nil {
		if st := fmt.Sprint(r["call_status"]); st != "answered" {
			t.Errorf("1001 -> 1002: call_status = %q, want answered", st)
		}
		if fd := fmt.Sprint(r["final_dest"]); fd != "1003" {
			t.Errorf("1001 -> 1002: final_dest = %q, want 1003 (transferred there)", fd)
		}
		// Talk, the consultation, and the transferred parties' talk.
		if talk, ok := r["talk_duration"].(float64); !ok || talk < (3*bcTalk).Seconds() {
			t.Errorf("1001 -> 1002: talk_duration = %v, want at least %v s", r["talk_duration"], (3 * bcTalk).Seconds())
		}
	}
	if r := find("1001", "1003"); r != nil {
		if st := fmt.Sprint(r["call_status"]); st != "answered" {
			t.Errorf("1001 -> 1003: call_status = %q, want answered", st)
		}
		if er := fmt.Sprint(r["ended_reason"]); er != "transferred" {
			t.Errorf("1001 -> 1003: ended_reason = %q, want transferred (its parties moved to the first call)", er)
		}
	}
}

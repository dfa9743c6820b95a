package admin

import (
	"os"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// A recorded call in the portal's history has a Play button that plays
// its recording (found by the call's Call-ID on the server); a call that
// reached the user through a ring group is listed, as incoming.
func TestPortalCallRecordingUI(t *testing.T) {
	p := newPortalHarness(t)
	u := p.ui
	must(t, p.st.CreateExtension(store.Extension{Number: "2001", Name: "Pat Portal", Password: portalPassword}))
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	recorded := &store.CDR{CallID: "group-call", Caller: "2002", Callee: "600", FinalDest: "2001", Direction: "internal",
		StartTime: start, EndTime: start.Add(30 * time.Second), TalkSeconds: 28, Status: "answered", EndedReason: "caller_hangup"}
	plain := &store.CDR{CallID: "plain-call", Caller: "2001", Callee: "2002", FinalDest: "2002", Direction: "internal",
		StartTime: start.Add(time.Minute), EndTime: start.Add(time.Minute + 10*time.Second), TalkSeconds: 9, Status: "answered", EndedReason: "caller_hangup"}
	must(t, p.st.AddCDR(recorded))
	must(t, p.st.AddCDR(plain))
	id, path, err := p.rec.Create(recording.Meta{Kind: recording.KindCall, CallID: "group-call", From: "2002", To: "2001", Channels: 1, Started: start.Add(2 * time.Second)})
	must(t, err)
	n := uint32(1200 * 16) // 1.2 s of 8 kHz 16-bit mono
	body := recording.AppendWAVHeader(nil, 1, 8000, n)
	for i := range n {
		body = append(body, byte(i%32))
	}
	must(t, os.WriteFile(path, body, 0o600))
	must(t, p.rec.Finish(id, 0))

	u.Open("/admin/")
	u.Wait("#login-form")
	u.Fill("#login-user", "2001")
	u.Fill("#login-password", portalPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=my-calls]")
	p.nav("my-calls")
	u.Wait("tr[data-id='" + recorded.ID + "'] .call-play")
	var plays int
	u.Eval(`document.querySelectorAll('.main .call-play').length`, &plays)
	if plays != 1 {
		t.Fatalf("%d Play buttons, want 1 (the recorded call only)", plays)
	}
	u.Click("tr[data-id='" + recorded.ID + "'] .call-play")
	var dur float64
	u.Until(`(() => { const a = document.querySelector('#calls-player audio'); return a && !a.error && a.readyState >= 1 && a.duration; })()`, &dur)
	if dur < 1.1 || dur > 1.3 {
		t.Errorf("the player's duration is %v s, want 1.2", dur)
	}
	u.Shot("portal-calls-recording")
}

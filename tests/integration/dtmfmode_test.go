package integration

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/store"
)

// waitDigits waits until the RTP peer decoded want as RFC 4733 digits.
func (r *rtpPeer) waitDigits(t testing.TB, want string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		r.mu.Lock()
		got := string(r.digits)
		r.mu.Unlock()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("RFC 4733 digits heard %q, want %q", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An INFO-mode phone is offered no telephone-event; its INFO digit
// reaches an RFC 4733 phone as telephone-event packets, and the other
// phone's RFC 4733 digit reaches it as an INFO.
func TestDTMFModeInfo(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.DTMFMode = "info" })

	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	if got := formatsOf(t, in.req.Body()); !slices.Contains(got, "101") {
		t.Fatalf("RFC 4733 callee was offered %v, want telephone-event 101 kept", got)
	}
	res, _ := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("call got %d, want 200", res.StatusCode)
	}
	if got := formatsOf(t, res.Body()); slices.Contains(got, "101") {
		t.Fatalf("INFO-mode caller was answered %v, want no telephone-event", got)
	}
	da := c.ack(t, res)
	db := in.dialog(t)
	db.waitAck(t)
	exchange(t, a, da.Media(), b, db.Media(), 30, 20) // both latched

	for _, digit := range []string{"5", "#"} {
		info := da.request(sip.INFO)
		info.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
		info.SetBody([]byte("Signal=" + digit + "\r\nDuration=160\r\n"))
		if res := a.do(t, info); res.StatusCode != 200 {
			t.Fatalf("INFO %s: %d, want 200", digit, res.StatusCode)
		}
	}
	select {
	case r := <-b.infos:
		t.Fatalf("RFC 4733 phone got an INFO %q, want telephone-event only", r.Body())
	default:
	}
	b.rtp.waitDigits(t, "5#")

	b.rtp.sendDigits(t, db.Media(), "7")
	r := recv(t, a.infos, "INFO with 1002's digit")
	if ct := r.ContentType(); ct == nil || ct.Value() != "application/dtmf-relay" {
		t.Fatalf("INFO Content-Type %v, want application/dtmf-relay", ct)
	}
	if !strings.Contains(string(r.Body()), "Signal=7") {
		t.Fatalf("INFO body %q, want Signal=7", r.Body())
	}
	da.bye(t)
	db.waitBye(t)
}

// Two INFO-mode phones keep talking INFO to each other (relayed as is).
func TestDTMFModeInfoBothSides(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	for _, ext := range []string{"1001", "1002"} {
		sw.setSettings(t, ext, func(s *store.Settings) { s.DTMFMode = "info" })
	}
	_, da, db := connect(t, sw, a, b)
	info := da.request(sip.INFO)
	info.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf"))
	info.SetBody([]byte("9"))
	if res := a.do(t, info); res.StatusCode != 200 {
		t.Fatalf("INFO: %d, want 200", res.StatusCode)
	}
	r := recv(t, b.infos, "relayed INFO")
	if string(r.Body()) != "9" {
		t.Fatalf("relayed INFO body %q, want 9", r.Body())
	}
	da.bye(t)
	db.waitBye(t)
}

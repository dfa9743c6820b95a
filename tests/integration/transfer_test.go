package integration

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/store"
)

// refer sends a REFER on d to number, with a Replaces naming dialog r when
// r is not nil (an attended transfer), and returns the final response.
func refer(t *testing.T, d *dialog, number string, r *dialog) *sip.Response {
	t.Helper()
	target := "sip:" + number + "@127.0.0.1"
	if r != nil {
		// RFC 3891: to-tag is the other side's tag, from-tag ours.
		target += "?Replaces=" + url.QueryEscape(r.callID+";to-tag="+r.remoteTag+";from-tag="+r.localTag)
	}
	req := d.request(sip.REFER)
	req.AppendHeader(sip.NewHeader("Refer-To", "<"+target+">"))
	return d.p.do(t, req)
}

// referOutcome reads the transferrer's refer NOTIFYs until the final one
// and returns the status lines of their sipfrag bodies.
func referOutcome(t *testing.T, p *phone) []string {
	t.Helper()
	var lines []string
	for {
		n := recv(t, p.notifies, p.user+": refer NOTIFY")
		if ev := n.GetHeader("Event"); ev == nil || ev.Value() != "refer" {
			t.Fatalf("NOTIFY Event %v, want refer", ev)
		}
		if ct := n.ContentType(); ct == nil || !strings.HasPrefix(ct.Value(), "message/sipfrag") {
			t.Fatalf("NOTIFY Content-Type %v, want message/sipfrag", ct)
		}
		lines = append(lines, strings.TrimSpace(string(n.Body())))
		if st := n.GetHeader("Subscription-State"); st != nil && strings.HasPrefix(st.Value(), "terminated") {
			return lines
		}
	}
}

// 1002 talks to 1001, holds it, calls 1003, and transfers 1001 to 1003
// with Replaces: 1001 and 1003 talk, taken off hold, and 1002 is released
// from both calls.
func TestAttendedTransfer(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	da := a.dial(t, "1002").answered(t)
	db1 := b.waitIncoming(t).dialog(t)
	if res := db1.reinvite(t, "sendonly"); res.StatusCode != 200 {
		t.Fatalf("hold: %d", res.StatusCode)
	}
	da.waitReinvite(t)
	db2 := b.dial(t, "1003").answered(t)
	dc := c.waitIncoming(t).dialog(t)
	exchange(t, b, db2.Media(), c, dc.Media(), 25, 15)

	if res := refer(t, db1, "1003", db2); res.StatusCode != 202 {
		t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
	}
	if got := referOutcome(t, b); len(got) < 2 || got[0] != "SIP/2.0 100 Trying" || got[len(got)-1] != "SIP/2.0 200 OK" {
		t.Fatalf("refer NOTIFYs %q, want 100 Trying then 200 OK", got)
	}
	db1.waitBye(t)
	db2.waitBye(t)
	if re := da.waitReinvite(t); !strings.Contains(string(re.Body()), "a=sendrecv") {
		t.Errorf("1001's re-INVITE does not take it off hold:\n%s", re.Body())
	}
	dc.waitReinvite(t)
	exchange(t, a, da.Media(), c, dc.Media(), 25, 15)
	// The lamps follow: 1002 is idle, 1001 and 1003 talk to each other.
	waitFor(t, "the BLF state after the transfer", func() bool {
		b, a, c := sw.srv.Calls.ExtDialogs("1002"), sw.srv.Calls.ExtDialogs("1001"), sw.srv.Calls.ExtDialogs("1003")
		return len(b) == 0 && len(a) == 1 && a[0].Confirmed && a[0].Other == "1003" &&
			len(c) == 1 && c[0].Confirmed && c[0].Other == "1001"
	})
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	dc.waitBye(t)
}

// A blind transfer by the callee: 1001 rings 1003 and talks to it; by the
// caller: 1002 does.
func TestBlindTransfer(t *testing.T) {
	t.Parallel()
	for _, byCallee := range []bool{true, false} {
		_, a, b, c := trioPhones(t)
		da := a.dial(t, "1002").answered(t)
		db := b.waitIncoming(t).dialog(t)
		t1, d1, stay, dStay := b, db, a, da // the transferrer and the transferee
		if !byCallee {
			t1, d1, stay, dStay = a, da, b, db
		}
		if res := refer(t, d1, "1003", nil); res.StatusCode != 202 {
			t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
		}
		if got := referOutcome(t, t1); got[len(got)-1] != "SIP/2.0 200 OK" {
			t.Fatalf("refer NOTIFYs %q, want a final 200 OK", got)
		}
		d1.waitBye(t)
		in := c.waitIncoming(t)
		if from := in.req.From().Address.User; from != stay.user {
			t.Errorf("1003 sees the call from %s, want the transferee %s", from, stay.user)
		}
		dc := in.dialog(t)
		dStay.waitReinvite(t) // onto 1003's media
		exchange(t, stay, dStay.Media(), c, dc.Media(), 25, 15)
		dc.bye(t)
		dStay.waitBye(t)
	}
}

// A transfer the dial plan refuses fails in the NOTIFY and leaves the call
// as it was; a REFER without a usable Refer-To is a 400.
func TestTransferRefused(t *testing.T) {
	t.Parallel()
	_, a, b, _ := trioPhones(t)
	da := a.dial(t, "1002").answered(t)
	db := b.waitIncoming(t).dialog(t)
	if res := refer(t, db, "1099", nil); res.StatusCode != 202 {
		t.Fatalf("REFER: %d", res.StatusCode)
	}
	if got := referOutcome(t, b); !strings.HasPrefix(got[len(got)-1], "SIP/2.0 404") {
		t.Fatalf("refer NOTIFYs %q, want a final 404", got)
	}
	exchange(t, a, da.Media(), b, db.Media(), 25, 15)

	for _, referTo := range []string{"", "<mailto:x@example.com>", "<sip:abc@127.0.0.1>", "<sip:1003@127.0.0.1?Replaces=only-a-call-id>"} {
		req := db.request(sip.REFER)
		if referTo != "" {
			req.AppendHeader(sip.NewHeader("Refer-To", referTo))
		}
		if res := b.do(t, req); res.StatusCode != 400 {
			t.Errorf("Refer-To %q: %d, want 400", referTo, res.StatusCode)
		}
	}
	// Replaces naming no dialog of the switch.
	ghost := &dialog{callID: "nope", localTag: "x", remoteTag: "y"}
	if res := refer(t, db, "1003", ghost); res.StatusCode != 202 {
		t.Fatalf("REFER: %d", res.StatusCode)
	}
	if got := referOutcome(t, b); !strings.HasPrefix(got[len(got)-1], "SIP/2.0 481") {
		t.Fatalf("refer NOTIFYs %q, want a final 481", got)
	}
	exchange(t, a, da.Media(), b, db.Media(), 25, 15)
}

// Semi-attended: 1002 holds 1001, calls 1003 and transfers while 1003
// still rings (Replaces names the early dialog). The switch ends 1002's
// attempt with 487, and 1001 rings 1003 itself.
func TestSemiAttendedTransfer(t *testing.T) {
	t.Parallel()
	_, a, b, c := trioPhones(t)
	da := a.dial(t, "1002").answered(t)
	db1 := b.waitIncoming(t).dialog(t)
	if res := db1.reinvite(t, "sendonly"); res.StatusCode != 200 {
		t.Fatalf("hold: %d", res.StatusCode)
	}
	da.waitReinvite(t)
	c.setPolicy(policyManual, 0)
	oc := b.dial(t, "1003")
	first := c.waitIncoming(t)
	var early *dialog
	for early == nil {
		r := oc.next(t)
		if tag, _ := r.To().Params.Get("tag"); r.StatusCode == 180 && tag != "" {
			early = &dialog{callID: oc.d.callID, localTag: oc.d.localTag, remoteTag: tag}
		} else if r.StatusCode >= 200 {
			t.Fatalf("1003's call ended %d before the transfer", r.StatusCode)
		}
	}

	if res := refer(t, db1, "1003", early); res.StatusCode != 202 {
		t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
	}
	if res, _ := oc.final(t); res.StatusCode != 487 {
		t.Fatalf("1002's call to 1003 ended %d, want 487", res.StatusCode)
	}
	if got := referOutcome(t, b); got[len(got)-1] != "SIP/2.0 200 OK" {
		t.Fatalf("refer NOTIFYs %q, want a final 200 OK", got)
	}
	db1.waitBye(t)
	first.waitCanceled(t)
	again := c.waitIncoming(t)
	if from := again.req.From().Address.User; from != "1001" {
		t.Errorf("1003 rings again from %s, want the transferee 1001", from)
	}
	close(again.release)
	dc := again.dialog(t)
	if re := da.waitReinvite(t); !strings.Contains(string(re.Body()), "a=sendrecv") {
		t.Errorf("1001's re-INVITE does not take it off hold:\n%s", re.Body())
	}
	exchange(t, a, da.Media(), c, dc.Media(), 25, 15)
	dc.bye(t)
	da.waitBye(t)
}

// Only an extension may transfer: a trunk's REFER is refused with 403 and
// the call goes on.
func TestTrunkReferForbidden(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	b := newPhone(t, sw, "1002")
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)
	gw := newPhone(t, sw, "4930123456") // the provider's gateway
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: "127.0.0.1", IPs: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	dg := gw.dialWith(t, "1002", false, nil).answered(t)
	db := b.waitIncoming(t).dialog(t)
	if res := refer(t, dg, "1003", nil); res.StatusCode != 403 {
		t.Fatalf("a trunk's REFER: %d %s, want 403", res.StatusCode, res.Reason)
	}
	exchange(t, gw, dg.Media(), b, db.Media(), 25, 15)
	dg.bye(t)
	db.waitBye(t)
}

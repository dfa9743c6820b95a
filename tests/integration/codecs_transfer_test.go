package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/store"
)

// An attended transfer's re-INVITE is a new offer to the target: made
// PCMA-only while it talks, 1003 is offered only PCMA when 1002 hands it
// 1001 (who offers PCMU and PCMA).
func TestCodecsAttendedTransfer(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	da := dialOffer(t, a, "1002", "0", "8").answered(t)
	db1 := b.waitIncoming(t).dialog(t)
	db1.waitAck(t)
	db2 := b.dial(t, "1003").answered(t)
	dc := c.waitIncoming(t).dialog(t)
	dc.waitAck(t)

	sw.setSettings(t, "1003", func(s *store.Settings) { s.Codecs = []string{"PCMA"} })
	if res := refer(t, db1, "1003", db2); res.StatusCode != 202 {
		t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
	}
	re := dc.waitReinvite(t)
	if got, want := formatsOf(t, re.Body()), []string{"8", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1003 was re-offered %v, want %v (PCMA only)", got, want)
	}
	if got := referOutcome(t, b); got[len(got)-1] != "SIP/2.0 200 OK" {
		t.Fatalf("refer NOTIFYs %q, want a final 200 OK", got)
	}
	db1.waitBye(t)
	db2.waitBye(t)
	da.bye(t)
	dc.waitBye(t)
}

// A blind transfer rings the target with the transferee's media narrowed
// to the target's codecs: PCMA-only 1003 is offered only PCMA, and a
// target sharing no codec with the transferee fails the transfer.
func TestCodecsBlindTransfer(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	sw.setSettings(t, "1003", func(s *store.Settings) { s.Codecs = []string{"PCMA"} })
	c.setPolicy(policyRing, 0)
	da := dialOffer(t, a, "1002", "0", "8").answered(t)
	db := b.waitIncoming(t).dialog(t)
	db.waitAck(t)
	if res := refer(t, db, "1003", nil); res.StatusCode != 202 {
		t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
	}
	if got := referOutcome(t, b); got[len(got)-1] != "SIP/2.0 200 OK" {
		t.Fatalf("refer NOTIFYs %q, want a final 200 OK", got)
	}
	db.waitBye(t)
	in := c.waitIncoming(t)
	if got, want := formatsOf(t, in.req.Body()), []string{"8", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1003 was offered %v, want %v (PCMA only)", got, want)
	}
	da.bye(t)
	in.waitCanceled(t)
}

// A caller in a call program (the attendant on 5000) that re-INVITEs is
// answered within its extension's codecs, and an offer of none of them is
// refused.
func TestCodecsProgramReinvite(t *testing.T) {
	t.Parallel()
	sw, a, _ := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.Codecs = []string{"PCMA"} })
	d := dialOffer(t, a, "5000", "0", "8").answered(t)
	reoffer := func(fmts ...string) *sip.Response {
		req := d.request(sip.INVITE)
		req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		req.SetBody(offerSDP(a.rtp.addr, int(d.sdpVersion.Add(1)), fmts...))
		res := a.do(t, req)
		if res.IsSuccess() {
			d.ack(t, req.CSeq().SeqNo)
		}
		return res
	}
	res := reoffer("0", "8")
	if res.StatusCode != 200 {
		t.Fatalf("re-INVITE offering PCMU, PCMA: %d, want 200", res.StatusCode)
	}
	if got := formatsOf(t, res.Body()); len(got) == 0 || got[0] != "8" || slices.Contains(got, "0") {
		t.Fatalf("answer formats %v, want PCMA (8) and no PCMU", got)
	}
	if res := reoffer("0"); res.StatusCode != 488 {
		t.Fatalf("re-INVITE offering PCMU only: %d, want 488", res.StatusCode)
	}
	d.bye(t)
}

// An attended transfer to a target that shares no codec with the
// transferee fails with 488 in the NOTIFY, and both calls go on talking.
func TestCodecsAttendedTransferNoCommon(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	da := a.dial(t, "1002").answered(t) // PCMU only
	db1 := b.waitIncoming(t).dialog(t)
	db1.waitAck(t)
	db2 := b.dial(t, "1003").answered(t)
	dc := c.waitIncoming(t).dialog(t)
	dc.waitAck(t)
	sw.setSettings(t, "1003", func(s *store.Settings) { s.Codecs = []string{"PCMA"} })
	if res := refer(t, db1, "1003", db2); res.StatusCode != 202 {
		t.Fatalf("REFER: %d %s, want 202", res.StatusCode, res.Reason)
	}
	if got := referOutcome(t, b); !strings.HasPrefix(got[len(got)-1], "SIP/2.0 488") {
		t.Fatalf("refer NOTIFYs %q, want a final 488", got)
	}
	exchange(t, a, da.Media(), b, db1.Media(), 25, 15)
	exchange(t, b, db2.Media(), c, dc.Media(), 25, 15)
	da.bye(t)
	db1.waitBye(t)
	db2.bye(t)
	dc.waitBye(t)
}

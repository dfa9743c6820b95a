package integration

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/sdp/v3"

	"github.com/hookswitch/hookswitch/switch/store"
)

// offerSDP is an SDP for a phone's RTP socket offering the given static
// formats (0 PCMU, 8 PCMA, 9 G722) and telephone-event 101, in that order.
func offerSDP(rtpAddr netip.AddrPort, version int, fmts ...string) []byte {
	ip := rtpAddr.Addr().String()
	b := fmt.Appendf(nil, "v=0\r\no=- 4242 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP",
		version, ip, ip, rtpAddr.Port())
	for _, f := range fmts {
		b = append(b, ' ')
		b = append(b, f...)
	}
	b = append(b, " 101\r\n"...)
	names := map[string]string{"0": "PCMU/8000", "8": "PCMA/8000", "9": "G722/8000"}
	for _, f := range fmts {
		b = fmt.Appendf(b, "a=rtpmap:%s %s\r\n", f, names[f])
	}
	return append(b, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"...)
}

// formatsOf returns the first m= line's formats of an SDP.
func formatsOf(t testing.TB, body []byte) []string {
	t.Helper()
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		t.Fatalf("parse sdp: %v\n%s", err, body)
	}
	if len(sd.MediaDescriptions) == 0 {
		t.Fatalf("sdp without m= line:\n%s", body)
	}
	return sd.MediaDescriptions[0].MediaName.Formats
}

// dialOffer calls ext offering the given formats.
func dialOffer(t testing.TB, p *phone, ext string, fmts ...string) *outCall {
	t.Helper()
	return p.dialWith(t, ext, true, func(r *sip.Request) {
		r.SetBody(offerSDP(p.rtp.addr, 1, fmts...))
	})
}

// The callee's allowed codecs, in its order, are all its phone is offered;
// the call goes through when the answer picks one of them.
func TestCodecsCalleeOrder(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1002", func(s *store.Settings) { s.Codecs = []string{"PCMA", "PCMU"} })
	c := dialOffer(t, a, "1002", "0", "9", "8")
	in := b.waitIncoming(t)
	if got, want := formatsOf(t, in.req.Body()), []string{"8", "0", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1002 was offered formats %v, want %v (its order, G722 dropped)", got, want)
	}
	da := c.answered(t)
	db := in.dialog(t)
	db.waitAck(t)
	exchange(t, a, da.Media(), b, db.Media(), 30, 20)
	da.bye(t)
	db.waitBye(t)
}

// A PCMA-only extension is offered PCMA only; a caller without PCMA gets
// 488 and the phone does not ring.
func TestCodecsNoCommonCodec(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1002", func(s *store.Settings) { s.Codecs = []string{"PCMA"} })

	c := dialOffer(t, a, "1002", "0", "9")
	res, _ := c.final(t)
	if res.StatusCode != 488 {
		t.Fatalf("PCMU/G722 caller to a PCMA-only extension got %d %s, want 488", res.StatusCode, res.Reason)
	}
	select {
	case in := <-b.incoming:
		t.Fatalf("1002 rang with offer %q although it shares no codec", in.req.Body())
	default:
	}

	c = dialOffer(t, a, "1002", "0", "8")
	in := b.waitIncoming(t)
	if got, want := formatsOf(t, in.req.Body()), []string{"8", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1002 was offered formats %v, want %v", got, want)
	}
	// The test phone answers PCMU, which 1002 may not use: the switch
	// refuses the answer rather than relay a codec outside the policy.
	if res, _ := c.final(t); res.StatusCode != 488 {
		t.Fatalf("answer with a refused codec gave the caller %d, want 488", res.StatusCode)
	}
}

// A caller's allowed codecs bind what the callee is offered and what the
// caller is answered; re-INVITEs towards it are narrowed the same way.
func TestCodecsCallerAndReinvite(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.Codecs = []string{"PCMA", "PCMU"} })

	// The caller offers G722 first; it is not allowed, so 1002 never sees it.
	c := dialOffer(t, a, "1002", "9", "0", "8")
	in := b.waitIncoming(t)
	if got, want := formatsOf(t, in.req.Body()), []string{"8", "0", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1002 was offered %v, want %v", got, want)
	}
	res, _ := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("call got %d, want 200", res.StatusCode)
	}
	if got, want := formatsOf(t, res.Body()), []string{"0", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1001 was answered %v, want %v", got, want)
	}
	da := c.ack(t, res)
	db := in.dialog(t)
	db.waitAck(t)

	// 1002 re-offers G722, PCMU, PCMA: 1001 gets PCMA, PCMU (its order).
	req := db.request(sip.INVITE)
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(offerSDP(b.rtp.addr, int(db.sdpVersion.Add(1)), "9", "0", "8"))
	res = b.do(t, req)
	if res.StatusCode != 200 {
		t.Fatalf("re-INVITE got %d, want 200", res.StatusCode)
	}
	db.ack(t, req.CSeq().SeqNo)
	re := da.waitReinvite(t)
	if got, want := formatsOf(t, re.Body()), []string{"8", "0", "101"}; !slices.Equal(got, want) {
		t.Fatalf("1001 was re-offered %v, want %v", got, want)
	}
	if got := formatsOf(t, res.Body()); slices.Contains(got, "9") {
		t.Fatalf("re-INVITE answer carries G722 that 1001 refuses: %v", got)
	}
	exchange(t, a, da.Media(), b, db.Media(), 30, 20)
	da.bye(t)
	db.waitBye(t)
}

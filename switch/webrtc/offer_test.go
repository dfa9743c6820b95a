package webrtc

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

// A call to a browser: the switch's plain offer (PCMA preferred, events on
// PT 96 as some phones use) becomes our offer; the browser answers.
func TestGatewayOffers(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)

	p, offer, err := g.Offer(plainSDPText(ph.addr(), "8 0 18 96", "a=rtpmap:18 G729/8000",
		"a=rtpmap:96 telephone-event/8000", "a=fmtp:96 0-15", "a=sendrecv"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !IsWebRTC(offer) || !strings.Contains(string(offer), "a=ice-lite") || !strings.Contains(string(offer), "a=setup:actpass") {
		t.Fatalf("our offer is not an ICE-lite DTLS-SRTP offer:\n%s", offer)
	}
	ours, err := media.ParseSDP(offer)
	if err != nil {
		t.Fatal(err)
	}
	if got := codecList(ours.Audio().Codecs); got != "8 PCMA/8000,0 PCMU/8000,101 telephone-event/8000" {
		t.Errorf("our offer codecs %q", got)
	}

	ans := b.answer(offer)
	plainAnswer, err := p.AcceptAnswer(ans)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := media.ParseSDP(plainAnswer)
	if err != nil {
		t.Fatalf("plain answer: %v\n%s", err, plainAnswer)
	}
	a := ps.Audio()
	if a.Addr != p.PlainAddr() {
		t.Errorf("plain answer addr %v, want %v", a.Addr, p.PlainAddr())
	}
	if got := codecList(a.Codecs); got != "8 PCMA/8000,0 PCMU/8000,96 telephone-event/8000" {
		t.Errorf("plain answer codecs %q, want the plain offer's PTs", got)
	}
	if a.Direction != media.DirectionSendRecv {
		t.Errorf("plain answer direction %v", a.Direction)
	}
	wait(t, p.Connected(), "gateway connected")
	b.waitConnected()

	pl := payload(0x44)
	got := expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 8, pl) }, pl)
	if got.PayloadType != 8 {
		t.Errorf("browser got PCMA with PT %d", got.PayloadType)
	}
	ev := event(9)
	got = expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 96, ev) }, ev, pl)
	if got.PayloadType != 101 {
		t.Errorf("browser got the event with PT %d, want our offer's 101", got.PayloadType)
	}
	// A G.729 packet was not negotiated with the browser: not relayed.
	before := p.Stats().Dropped
	ph.send(p.PlainAddr(), 18, payload(0x99)[:20])
	waitFor(t, "G.729 packet dropped", func() bool { return p.Stats().Dropped > before })

	mic := payload(0x55)
	gotP := expectPhone(t, ph, func() { b.track.send(t, 8, mic) }, mic)
	if gotP.PayloadType != 8 {
		t.Errorf("phone got PT %d", gotP.PayloadType)
	}
	ev = event(10)
	gotP = expectPhone(t, ph, func() { b.track.send(t, 101, ev) }, ev, mic)
	if gotP.PayloadType != 96 {
		t.Errorf("phone got the event with PT %d, want its 96", gotP.PayloadType)
	}
	// The plain side went on its SDP address, then latched on ph.
	if st := p.Stats(); st.Latched != ph.addr() {
		t.Errorf("latched %v, want %v", st.Latched, ph.addr())
	}
}

// A plain sendonly offer (the switch plays to a browser that only listens)
// is offered sendonly and the browser's recvonly answer comes back.
func TestGatewayOffersSendOnly(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)
	p, offer, err := g.Offer(plainSDPText(ph.addr(), "0", "a=sendonly"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !strings.Contains(string(offer), "a=sendonly") || strings.Contains(string(offer), "telephone-event") {
		t.Fatalf("offer:\n%s", offer)
	}
	plainAnswer, err := p.AcceptAnswer(b.answer(offer))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := media.ParseSDP(plainAnswer)
	if err != nil {
		t.Fatal(err)
	}
	if d := ps.Audio().Direction; d != media.DirectionRecvOnly {
		t.Errorf("plain answer direction %v, want recvonly", d)
	}
	wait(t, p.Connected(), "gateway connected")
	pl := payload(0x66)
	expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 0, pl) }, pl)
}

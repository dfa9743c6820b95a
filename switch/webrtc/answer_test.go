package webrtc

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

// connectBrowserOffer runs a call from a browser: its offer, the plain
// answer at ph (fmts and extra lines as the switch would write them), its
// answer, until both sides are connected.
func connectBrowserOffer(t testing.TB, g *Gateway, b *browser, ph *phone, fmts string, extra ...string) *Peer {
	t.Helper()
	p, plainOffer, err := g.AcceptOffer(b.offer())
	if err != nil {
		t.Fatalf("accept offer: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	if _, err := media.ParseSDP(plainOffer); err != nil {
		t.Fatalf("plain offer does not parse: %v\n%s", err, plainOffer)
	}
	ans, err := p.Answer(plainSDPText(ph.addr(), fmts, extra...))
	if err != nil {
		t.Fatalf("answer: %v", err)
	}
	b.setAnswer(ans)
	wait(t, p.Connected(), "gateway connected")
	b.waitConnected()
	return p
}

func TestBrowserOffers(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)

	offer := b.offer()
	if !IsWebRTC(offer) {
		t.Fatalf("the browser's offer is not recognised:\n%s", offer)
	}
	p, plainOffer, err := g.AcceptOffer(offer)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sdp, err := media.ParseSDP(plainOffer)
	if err != nil {
		t.Fatalf("plain offer: %v\n%s", err, plainOffer)
	}
	a := sdp.Audio()
	if a.Addr != p.PlainAddr() || a.Addr.Port()%2 != 0 {
		t.Errorf("plain offer addr %v, want the plain socket %v (even port)", a.Addr, p.PlainAddr())
	}
	if got := codecList(a.Codecs); got != "0 PCMU/8000,8 PCMA/8000,101 telephone-event/8000" {
		t.Errorf("plain offer codecs %q", got)
	}
	if a.TelephoneEventPT != 101 || a.Direction != media.DirectionSendRecv {
		t.Errorf("plain offer: event pt %d, direction %v", a.TelephoneEventPT, a.Direction)
	}
	for _, bad := range []string{"SAVP", "fingerprint", "ice-", "candidate", "opus", "UDP/TLS"} {
		if strings.Contains(string(plainOffer), bad) {
			t.Errorf("plain offer carries %q:\n%s", bad, plainOffer)
		}
	}
	if IsWebRTC(plainOffer) {
		t.Error("IsWebRTC(plain offer) = true")
	}

	// The switch answers PCMU and telephone-event at PT 101.
	ans, err := p.Answer(plainSDPText(ph.addr(), "0 101", "a=rtpmap:0 PCMU/8000",
		"a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=sendrecv"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsWebRTC(ans) {
		t.Errorf("browser answer is not DTLS-SRTP with ICE:\n%s", ans)
	}
	bs, err := media.ParseSDP(ans)
	if err != nil {
		t.Fatal(err)
	}
	if got := codecList(bs.Audio().Codecs); got != "0 PCMU/8000,126 telephone-event/8000" {
		t.Errorf("browser answer codecs %q, want PCMU and the browser's own event PT", got)
	}
	if !strings.Contains(string(ans), "a=ice-lite") {
		t.Errorf("browser answer lacks a=ice-lite:\n%s", ans)
	}
	b.setAnswer(ans)
	wait(t, p.Connected(), "gateway connected")
	b.waitConnected()

	// Audio and events, plain side to browser.
	pl := payload(0x11)
	got := expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 0, pl) }, pl)
	if got.PayloadType != 0 {
		t.Errorf("browser got PCMU with PT %d", got.PayloadType)
	}
	ssrc := got.SSRC
	drainBrowser(b)
	ev := event(5)
	got = expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 101, ev) }, ev, pl)
	if got.PayloadType != ptBrowserEvent {
		t.Errorf("browser got the event with PT %d, want its own %d", got.PayloadType, ptBrowserEvent)
	}
	if got.SSRC != ssrc {
		t.Errorf("event on SSRC %x, audio on %x: want one SSRC", got.SSRC, ssrc)
	}

	// Audio and events, browser to plain side.
	mic := payload(0x22)
	gotP := expectPhone(t, ph, func() { b.track.send(t, 0, mic) }, mic)
	if gotP.PayloadType != 0 || gotP.SSRC != b.track.ssrc {
		t.Errorf("phone got PT %d SSRC %x, want 0 and the browser's %x", gotP.PayloadType, gotP.SSRC, b.track.ssrc)
	}
	ev = event(11) // '#'
	gotP = expectPhone(t, ph, func() { b.track.send(t, ptBrowserEvent, ev) }, ev, mic)
	if gotP.PayloadType != 101 {
		t.Errorf("phone got the event with PT %d, want 101", gotP.PayloadType)
	}

	st := p.Stats()
	if st.Latched != ph.addr() || st.ToBrowser == 0 || st.ToPlain == 0 {
		t.Errorf("stats %+v", st)
	}
}

// The switch may answer another telephone-event PT than the one we
// offered: packets to it carry its PT, and either PT from it is mapped.
func TestBrowserOffersPlainAnswerOwnEventPT(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)
	p := connectBrowserOffer(t, g, b, ph, "8 96", "a=rtpmap:96 telephone-event/8000")

	ev := event(1)
	got := expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 96, ev) }, ev)
	if got.PayloadType != ptBrowserEvent {
		t.Errorf("browser got PT %d, want %d", got.PayloadType, ptBrowserEvent)
	}
	mic := payload(0x33)
	gotP := expectPhone(t, ph, func() { b.track.send(t, 8, mic) }, mic)
	if gotP.PayloadType != 8 {
		t.Errorf("phone got PCMA with PT %d", gotP.PayloadType)
	}
	ev = event(2)
	gotP = expectPhone(t, ph, func() { b.track.send(t, ptBrowserEvent, ev) }, ev, mic)
	if gotP.PayloadType != 96 {
		t.Errorf("phone got the event with PT %d, want its 96", gotP.PayloadType)
	}
}

// A plain answer without telephone-event leaves it out of the browser's
// answer, and a browser event is not relayed.
func TestBrowserOffersNoEvents(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)
	p, _, err := g.AcceptOffer(b.offer())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ans, err := p.Answer(plainSDPText(ph.addr(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ans), "telephone-event") {
		t.Errorf("browser answer offers telephone-event:\n%s", ans)
	}
}

func codecList(cs []media.Codec) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, strconv.Itoa(c.PT)+" "+c.Name+"/"+strconv.Itoa(c.Rate))
	}
	return strings.Join(parts, ",")
}

// The plain side may be IPv6: the plain SDPs say IP6.
func TestPlainIPv6(t *testing.T) {
	c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Skipf("no ipv6 loopback: %v", err)
	}
	c.Close()
	g := newTestGateway(t, Config{PlainIP: netip.IPv6Loopback()})
	p, plainOffer, err := g.AcceptOffer(newBrowser(t, chromeCodecs).offer())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s, err := media.ParseSDP(plainOffer)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Audio().Addr; a != p.PlainAddr() || !a.Addr().Is6() || !strings.Contains(string(plainOffer), "c=IN IP6 ::1") {
		t.Errorf("plain offer addr %v:\n%s", a, plainOffer)
	}
}

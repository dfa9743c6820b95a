package webrtc

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

// Nothing is relayed before ICE and DTLS complete: a plain packet that
// arrives early is dropped, not sent in clear nor queued, and cleartext
// RTP sent to the shared ICE port never reaches the plain side.
func TestNoMediaBeforeDTLS(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)

	p, _, err := g.AcceptOffer(b.offer())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ans, err := p.Answer(plainSDPText(ph.addr(), "0 101", "a=rtpmap:101 telephone-event/8000"))
	if err != nil {
		t.Fatal(err)
	}

	// The switch already sends; the browser has not even got our answer.
	early := payload(0xee)
	ph.send(p.PlainAddr(), 0, early)
	waitFor(t, "early packet counted", func() bool { return p.Stats().Early == 1 })
	select {
	case <-p.Connected():
		t.Fatal("connected before the browser had our answer")
	default:
	}
	if st := p.Stats(); st.ToBrowser != 0 || st.ToPlain != 0 {
		t.Fatalf("relayed before DTLS: %+v", st)
	}

	// Someone sends cleartext RTP to the shared ICE port.
	inject := payload(0xbd)
	ice := iceAddr(t, g)
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WriteToUDPAddrPort(rtpPacket(0, 1, 160, 1, inject), ice); err != nil {
		t.Fatal(err)
	}

	b.setAnswer(ans)
	wait(t, p.Connected(), "gateway connected")
	b.waitConnected()
	if _, err := c.WriteToUDPAddrPort(rtpPacket(0, 2, 320, 1, inject), ice); err != nil {
		t.Fatal(err)
	}

	// The early packet never arrives; the first one the browser gets is
	// from after the handshake.
	late := payload(0x1a)
	expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 0, late) }, late, early)
	// The phone hears the browser, never the injected cleartext.
	mic := payload(0x2b)
	expectPhone(t, ph, func() { b.track.send(t, 0, mic) }, mic, inject)
	if st := p.Stats(); st.Early != 1 {
		t.Errorf("early %d, want 1", st.Early)
	}
}

// Once latched on the plain side's source, the Peer refuses any other.
func TestPlainLatching(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)
	p := connectBrowserOffer(t, g, b, ph, "0")

	pl := payload(0x10)
	expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 0, pl) }, pl)

	intruder := newPhone(t)
	before := p.Stats().Dropped
	bad := payload(0xba)
	intruder.send(p.PlainAddr(), 0, bad)
	waitFor(t, "intruder dropped", func() bool { return p.Stats().Dropped > before })
	pl = payload(0x12)
	expectBrowser(t, b, func() { ph.send(p.PlainAddr(), 0, pl) }, pl, bad)

	// Not RTP: dropped and counted.
	before = p.Stats().Dropped
	if _, err := ph.conn.WriteToUDPAddrPort([]byte("hello"), p.PlainAddr()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "garbage dropped", func() bool { return p.Stats().Dropped > before })
}

// iceAddr is the shared ICE port of a gateway bound to one address.
func iceAddr(t *testing.T, g *Gateway) netip.AddrPort {
	t.Helper()
	addrs := g.mux.GetListenAddresses()
	if len(addrs) == 0 {
		t.Fatal("no ice listen address")
	}
	return addrs[0].(*net.UDPAddr).AddrPort()
}

// A browser whose DTLS certificate does not match the fingerprint of its
// offer never gets media: the handshake fails and the Peer is done.
func TestFingerprintMismatch(t *testing.T) {
	g := newTestGateway(t, Config{})
	b := newBrowser(t, chromeCodecs)
	ph := newPhone(t)
	offer := string(b.offer())
	i := strings.Index(offer, "a=fingerprint:sha-256 ") + len("a=fingerprint:sha-256 ")
	forged := offer[:i] + flipHex(offer[i:i+2]) + offer[i+2:]
	p, _, err := g.AcceptOffer([]byte(forged))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ans, err := p.Answer(plainSDPText(ph.addr(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	b.setAnswer(ans)
	wait(t, p.Done(), "peer failed")
	select {
	case <-p.Connected():
		t.Fatal("connected with a forged fingerprint")
	default:
	}
	ph.send(p.PlainAddr(), 0, payload(1))
	waitFor(t, "packet after failure dropped", func() bool { return p.Stats().Early == 1 })
	if st := p.Stats(); st.ToBrowser != 0 || st.ToPlain != 0 {
		t.Errorf("relayed with a forged fingerprint: %+v", st)
	}
}

// flipHex changes a two-digit hex byte.
func flipHex(s string) string {
	if s == "00" {
		return "11"
	}
	return "00"
}

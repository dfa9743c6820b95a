package webrtc

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

func TestAcceptOfferErrors(t *testing.T) {
	g := newTestGateway(t, Config{})
	offer := string(newBrowser(t, chromeCodecs).offer())
	opusOnly := string(newBrowser(t, []browserCodec{chromeCodecs[0], chromeCodecs[3]}).offer())

	for _, tc := range []struct {
		name string
		sdp  string
		want error
	}{
		{"empty", "", ErrNotWebRTC},
		{"garbage", "\x00\xffhello\r\nworld", ErrNotWebRTC},
		{"plain sip", string(plainSDPText(netip.MustParseAddrPort("10.0.0.1:4000"), "0")), ErrNotWebRTC},
		{"no fingerprint", dropLines(offer, "a=fingerprint"), ErrNotWebRTC},
		{"no ice credentials", dropLines(offer, "a=ice-pwd"), ErrNotWebRTC},
		{"sdes srtp", strings.Replace(offer, "UDP/TLS/RTP/SAVPF", "RTP/SAVP", 1), ErrNotWebRTC},
		{"no common codec", opusOnly, media.ErrNoCommonCodec},
		{"broken line", strings.Replace(offer, "t=0 0", "t 0 0", 1), ErrBadSDP},
		{"bundle names a missing mid", strings.Replace(offer, "a=mid:0", "a=mid:x", 1), ErrNegotiation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, plain, err := g.AcceptOffer([]byte(tc.sdp))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if p != nil || plain != nil {
				t.Fatal("a failed offer returned a peer")
			}
		})
	}
	if n := peerCount(g); n != 0 {
		t.Errorf("%d peers left after failed offers", n)
	}
}

func TestAnswerErrors(t *testing.T) {
	g := newTestGateway(t, Config{})
	ph := netip.MustParseAddrPort("127.0.0.1:40000")
	for _, tc := range []struct {
		name string
		sdp  []byte
		want error
	}{
		{"garbage", []byte("garbage"), ErrBadSDP},
		{"no c= line", []byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n"), ErrBadSDP},
		{"rejected", plainSDPText(netip.AddrPortFrom(ph.Addr(), 0), "0"), ErrRejected},
		{"g729 only", plainSDPText(ph, "18", "a=rtpmap:18 G729/8000"), media.ErrNoCommonCodec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := g.AcceptOffer(newBrowser(t, chromeCodecs).offer())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Answer(tc.sdp); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			// A failed answer closes the peer.
			select {
			case <-p.Done():
			default:
				t.Fatal("peer still open after a failed answer")
			}
			if _, err := p.Answer(plainSDPText(ph, "0")); !errors.Is(err, ErrClosed) {
				t.Fatalf("answer after failure: %v, want ErrClosed", err)
			}
		})
	}

	// Out of order.
	p, _, err := g.AcceptOffer(newBrowser(t, chromeCodecs).offer())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.AcceptAnswer([]byte("v=0")); !errors.Is(err, ErrState) {
		t.Errorf("AcceptAnswer on a browser-offered peer: %v", err)
	}
	if _, err := p.Answer(plainSDPText(ph, "0")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Answer(plainSDPText(ph, "0")); !errors.Is(err, ErrState) {
		t.Errorf("second answer: %v", err)
	}
	if n := peerCount(g); n != 1 {
		t.Errorf("%d peers, want the one still open", n)
	}
}

func TestOfferErrors(t *testing.T) {
	g := newTestGateway(t, Config{})
	ph := netip.MustParseAddrPort("127.0.0.1:40000")
	webrtcSDP := string(newBrowser(t, chromeCodecs).offer())
	for _, tc := range []struct {
		name string
		sdp  []byte
		want error
	}{
		{"empty", nil, ErrBadSDP},
		{"garbage", []byte("\xff\xfe"), ErrBadSDP},
		{"port 0", plainSDPText(netip.AddrPortFrom(ph.Addr(), 0), "0"), ErrBadSDP},
		{"srtp", []byte(strings.Replace(webrtcSDP, "c=IN IP4 0.0.0.0", "c=IN IP4 127.0.0.1", -1)), ErrBadSDP},
		{"g722 only", plainSDPText(ph, "9"), media.ErrNoCommonCodec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, _, err := g.Offer(tc.sdp); !errors.Is(err, tc.want) || p != nil {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}

	p, offer, err := g.Offer(plainSDPText(ph, "0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Answer(plainSDPText(ph, "0")); !errors.Is(err, ErrState) {
		t.Errorf("Answer on a gateway-offered peer: %v", err)
	}
	// Our own offer is no answer; neither is one without fingerprint.
	if _, err := p.AcceptAnswer([]byte(dropLines(string(offer), "a=fingerprint"))); !errors.Is(err, ErrNotWebRTC) {
		t.Errorf("answer without fingerprint: %v", err)
	}
	if _, err := p.AcceptAnswer(offer); !errors.Is(err, ErrState) && !errors.Is(err, ErrClosed) {
		t.Errorf("answer after a failed one: %v", err)
	}
	// A browser answer with no codec of ours.
	p, offer, err = g.Offer(plainSDPText(ph, "0"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chromeCodecs)
	ans := strings.Replace(string(b.answer(offer)), "RTP/SAVPF 0", "RTP/SAVPF 111", 1)
	if _, err := p.AcceptAnswer([]byte(ans)); !errors.Is(err, media.ErrNoCommonCodec) {
		t.Errorf("answer without pcmu: %v", err)
	}
	if n := peerCount(g); n != 0 {
		t.Errorf("%d peers left after failed answers", n)
	}
}

func TestClosedGateway(t *testing.T) {
	g := newTestGateway(t, Config{})
	offer := newBrowser(t, chromeCodecs).offer()
	p, _, err := g.AcceptOffer(offer)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	default:
		t.Error("gateway Close left a peer open")
	}
	if _, _, err := g.AcceptOffer(offer); !errors.Is(err, ErrClosed) {
		t.Errorf("offer after close: %v", err)
	}
	if _, _, err := g.Offer(plainSDPText(netip.MustParseAddrPort("127.0.0.1:4000"), "0")); !errors.Is(err, ErrClosed) {
		t.Errorf("our offer after close: %v", err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("peer close after gateway close: %v", err)
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no port", Config{ICEAddr: "127.0.0.1"}},
		{"bad port", Config{ICEAddr: "127.0.0.1:99999"}},
		{"host name", Config{ICEAddr: "localhost:10443"}},
		{"unspecified port 0", Config{ICEAddr: ":0"}},
		{"bad public ip", Config{ICEAddr: "127.0.0.1:0", PublicIPs: []string{"example.com"}}},
		{"unspecified public ip", Config{ICEAddr: "127.0.0.1:0", PublicIPs: []string{"0.0.0.0"}}},
		{"unspecified plain ip", Config{ICEAddr: "127.0.0.1:0", PlainIP: netip.IPv4Unspecified()}},
		{"bad stun", Config{ICEAddr: "127.0.0.1:0", STUNServers: []string{"http://stun.example.org"}}},
		{"turn as stun", Config{ICEAddr: "127.0.0.1:0", STUNServers: []string{"turn:turn.example.org"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(tc.cfg)
			if !errors.Is(err, ErrBadConfig) {
				if g != nil {
					g.Close()
				}
				t.Fatalf("err %v, want ErrBadConfig", err)
			}
		})
	}
	g := newTestGateway(t, Config{STUNServers: []string{"stun:stun.example.org:3478", "stuns:stun.example.org"}})
	s := g.ICEServers()
	if len(s) != 2 || s[0] != "stun:stun.example.org:3478" {
		t.Errorf("ice servers %q", s)
	}
	s[0] = "changed"
	if g.ICEServers()[0] == "changed" {
		t.Error("ICEServers returns the gateway's own slice")
	}
}

// The public address replaces the bound one in our candidates.
func TestPublicIPs(t *testing.T) {
	g := newTestGateway(t, Config{PublicIPs: []string{"203.0.113.7"}})
	p, offer, err := g.Offer(plainSDPText(netip.MustParseAddrPort("127.0.0.1:40000"), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := iceAddr(t, g).Port()
	want := " 203.0.113.7 " + strconv.Itoa(int(port)) + " typ host"
	if !strings.Contains(string(offer), want) || strings.Contains(string(offer), " 127.0.0.1 ") {
		t.Errorf("offer candidates do not advertise %q only:\n%s", want, offer)
	}
}

func dropLines(sdp, prefix string) string {
	var out []string
	for _, l := range strings.Split(sdp, "\r\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\r\n")
}

func peerCount(g *Gateway) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.peers)
}

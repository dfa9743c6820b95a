package webrtc

import (
	"net/netip"
	"strings"
	"testing"
)

const webrtcSDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
	"a=fingerprint:sha-256 AB:CD\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 0 126\r\nc=IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=rtpmap:126 telephone-event/8000\r\n"

func TestIsWebRTC(t *testing.T) {
	for _, tc := range []struct {
		name string
		sdp  string
		want bool
	}{
		{"browser", webrtcSDP, true},
		{"lf only", strings.ReplaceAll(webrtcSDP, "\r\n", "\n"), true},
		{"savp", strings.Replace(webrtcSDP, "SAVPF", "SAVP", 1), true},
		{"media-level fingerprint", strings.Replace(strings.Replace(webrtcSDP, "a=fingerprint:sha-256 AB:CD\r\n", "", 1),
			"a=ice-pwd", "a=fingerprint:sha-256 AB:CD\r\na=ice-pwd", 1), true},
		{"sdes", strings.Replace(webrtcSDP, "UDP/TLS/RTP/SAVPF", "RTP/SAVP", 1), false},
		{"plain", strings.Replace(webrtcSDP, "UDP/TLS/RTP/SAVPF", "RTP/AVP", 1), false},
		{"no fingerprint", strings.Replace(webrtcSDP, "a=fingerprint", "a=x", 1), false},
		{"no ufrag", strings.Replace(webrtcSDP, "a=ice-ufrag", "a=x", 1), false},
		{"no pwd", strings.Replace(webrtcSDP, "a=ice-pwd", "a=x", 1), false},
		{"credentials on video only", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n" +
			"a=fingerprint:sha-256 AB\r\na=ice-ufrag:a\r\na=ice-pwd:b\r\n", false},
		{"no audio", strings.Replace(webrtcSDP, "m=audio", "m=video", 1), false},
		{"empty", "", false},
		{"garbage", "\x00\x01\x02 m=audio", false},
		{"too large", webrtcSDP + strings.Repeat("a=x\r\n", 20000), false},
	} {
		if got := IsWebRTC([]byte(tc.sdp)); got != tc.want {
			t.Errorf("%s: IsWebRTC = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// FuzzSDP feeds anything to the SDP readers of both sides: no panic, and
// what IsWebRTC accepts, the offer check accepts too.
func FuzzSDP(f *testing.F) {
	f.Add([]byte(webrtcSDP))
	f.Add([]byte("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"))
	f.Add([]byte("m=audio\r\na=fmtp:101 \r\na=fingerprint"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w := scanWebRTC(b)
		if IsWebRTC(b) != (w.check() == nil) {
			t.Fatal("IsWebRTC disagrees with check")
		}
		st, err := describe(b)
		if err == nil {
			for _, c := range st.g711 {
				if c.PT < 0 || c.PT > 127 || (c.Name != "PCMU" && c.Name != "PCMA") {
					t.Fatalf("bad codec %+v", c)
				}
			}
			if st.event > 127 {
				t.Fatalf("event pt %d", st.event)
			}
		}
		for _, pt := range []int{0, 101, 126} {
			if ev := eventsOf(b, pt); strings.Trim(ev, "0123456789,-") != "" {
				t.Fatalf("events %q", ev)
			}
		}
	})
}

// FuzzAcceptOffer gives pion whatever passes our checks: a browser's offer,
// mutated, must give a Peer or an error, never a panic.
func FuzzAcceptOffer(f *testing.F) {
	f.Add(newBrowser(f, chromeCodecs).offer())
	f.Add([]byte(webrtcSDP))
	g := newTestGateway(f, Config{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, plain, err := g.AcceptOffer(b)
		if err != nil {
			return
		}
		defer p.Close()
		if _, err := describe(plain); err != nil {
			t.Fatalf("our plain offer does not parse: %v\n%s", err, plain)
		}
		_, _ = p.Answer(plainSDPText(netip.MustParseAddrPort("127.0.0.1:9"), "0 8 101", "a=rtpmap:101 telephone-event/8000"))
	})
}

package media

import (
	"net/netip"
	"testing"
)

// FuzzParseSDP: parsing never panics, and whatever parses rewrites without
// panicking into an SDP that parses again and points at us.
func FuzzParseSDP(f *testing.F) {
	seeds := []string{
		offerLinphone,
		"v=0\no=- 1 1 IN IP4 10.0.0.1\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 8 0\n",
		"v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n",
		"v=0\r\no=- 1 1 IN IP6 ::1\r\nc=IN IP6 ::1\r\nm=video 5000 RTP/AVP 96\r\nm=audio 6000/2 RTP/AVP 9 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n",
		"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n",
		"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 18\r\n",
		"",
		"m=audio 99999 RTP/AVP 0",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSDP(b)
		if err != nil {
			if s != nil {
				t.Fatal("SDP returned with an error")
			}
			return
		}
		in := s.Audio()
		ip := netip.MustParseAddr("192.0.2.1")
		out, err := s.Rewrite(RewriteOptions{IP: ip, Port: 40000, SessionID: 1, Version: 1})
		if err != nil {
			return
		}
		back, err := ParseSDP(out)
		if err != nil {
			t.Fatalf("our rewrite does not parse: %v\n%q", err, out)
		}
		got := back.Audio()
		want := netip.AddrPortFrom(ip, 40000)
		switch {
		case in.Addr.Port() == 0:
			want = netip.AddrPortFrom(got.Addr.Addr(), 0)
		case in.Addr.Addr().IsUnspecified():
			want = netip.AddrPortFrom(in.Addr.Addr(), 40000)
		}
		if got.Addr != want {
			t.Fatalf("rewritten audio at %s, want %s\n%q", got.Addr, want, out)
		}
		for _, c := range got.Codecs {
			if !c.relayedAudio() && !c.telephoneEvent() {
				t.Fatalf("codec %+v survived the rewrite\n%q", c, out)
			}
		}
		if got.Direction != in.Direction || got.Hold != in.Hold {
			t.Fatalf("direction/hold changed: %v/%v -> %v/%v\n%q", in.Direction, in.Hold, got.Direction, got.Hold, out)
		}
	})
}

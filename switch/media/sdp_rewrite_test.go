package media

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

var ourIP = netip.MustParseAddr("203.0.113.5")

func rewrite(t *testing.T, sdp string, o RewriteOptions) string {
	t.Helper()
	s, err := ParseSDP([]byte(sdp))
	if err != nil {
		t.Fatalf("ParseSDP: %v", err)
	}
	out, err := s.Rewrite(o)
	if err != nil {
		t.Fatalf("Rewrite: %v", err)
	}
	return string(out)
}

func TestRewrite(t *testing.T) {
	opts := RewriteOptions{IP: ourIP, Port: 30000, SessionID: 42, Version: 7}
	tests := []struct {
		name, in, want string
		opts           RewriteOptions
	}{{
		name: "linphone offer: foreign codecs, a=rtcp and their attributes go",
		in:   offerLinphone,
		want: crlf(`
v=0
o=- 42 7 IN IP4 203.0.113.5
s=Talk
c=IN IP4 203.0.113.5
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 30000 RTP/AVP 0 8 9 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp-fb:* trr-int 1000
a=ptime:20
`),
	}, {
		name: "sloppy: LF, no s= nor t=, odd order; media c= rewritten too",
		in:   "o=bob 1 1 IN IP4 10.0.0.1\nv=0\na=tool:phone\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 8\nc=IN IP4 10.0.0.2\na=sendrecv\n",
		want: crlf(`
v=0
o=- 42 7 IN IP4 203.0.113.5
s=-
t=0 0
a=tool:phone
c=IN IP4 203.0.113.5
m=audio 30000 RTP/AVP 8
c=IN IP4 203.0.113.5
a=sendrecv
`),
	}, {
		name: "hold: c=0.0.0.0 and a=sendonly stay",
		in:   crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 4000 RTP/AVP 0\na=sendonly\n"),
		want: crlf("v=0\no=- 42 7 IN IP4 203.0.113.5\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 30000 RTP/AVP 0\na=sendonly\n"),
	}, {
		name: "video declined with port 0, second audio too",
		in: crlf(`
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=video 5000 RTP/AVP 96
a=rtpmap:96 H264/90000
a=candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host
m=audio 6000/2 RTP/AVP 96 0
a=rtpmap:96 opus/48000/2
m=audio 7000 RTP/AVP 0
`),
		want: crlf(`
v=0
o=- 42 7 IN IP4 203.0.113.5
s=-
c=IN IP4 203.0.113.5
t=0 0
m=video 0 RTP/AVP 96
a=rtpmap:96 H264/90000
m=audio 30000 RTP/AVP 0
m=audio 0 RTP/AVP 0
`),
	}, {
		name: "ICE, DTLS and SDES attributes removed at both levels",
		in: crlf(`
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
a=ice-lite
a=fingerprint:sha-256 AB:CD
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 0 101
a=ice-ufrag:abcd
a=ice-pwd:secretsecretsecret
a=ice-options:trickle
a=candidate:1 1 UDP 2130706431 10.0.0.1 4000 typ host
a=end-of-candidates
a=setup:actpass
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz
a=rtcp:4001 IN IP4 10.0.0.1
a=rtcp-mux
a=rtpmap:101 telephone-event/8000
a=mid:0
`),
		want: crlf(`
v=0
o=- 42 7 IN IP4 203.0.113.5
s=-
c=IN IP4 203.0.113.5
t=0 0
m=audio 30000 RTP/AVP 0 101
a=rtcp-mux
a=rtpmap:101 telephone-event/8000
a=mid:0
`),
	}, {
		name: "IPv6 our side, IPv4 peer; rejected audio keeps port 0",
		in:   crlf("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 0 RTP/AVP 0\n"),
		opts: RewriteOptions{IP: netip.MustParseAddr("2001:db8::5"), Port: 30000, SessionID: 1, Version: 2},
		want: crlf("v=0\no=- 1 2 IN IP6 2001:db8::5\ns=-\nc=IN IP6 2001:db8::5\nt=0 0\nm=audio 0 RTP/AVP 0\n"),
	}, {
		name: "IPv6 peer, IPv4 our side; dynamic PCMU kept, its fmtp too",
		in:   crlf("v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\nm=audio 7000 RTP/AVPF 97 98\na=rtpmap:97 pcmu/8000\na=fmtp:97 x=1\na=rtpmap:98 PCMU/16000\na=fmtp:98 y=2\n"),
		want: crlf("v=0\no=- 42 7 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\nt=0 0\nm=audio 30000 RTP/AVPF 97\na=rtpmap:97 pcmu/8000\na=fmtp:97 x=1\n"),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			if !o.IP.IsValid() {
				o = opts
			}
			got := rewrite(t, tt.in, o)
			if got != tt.want {
				t.Fatalf("Rewrite:\n%s\nwant:\n%s", got, tt.want)
			}
			// Always CRLF, and our own output parses back to our address.
			if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
				t.Fatal("output has bare LF")
			}
			back, err := ParseSDP([]byte(got))
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if a := back.Audio(); !a.Hold && a.Addr.Port() != 0 && a.Addr != netip.AddrPortFrom(o.IP, uint16(o.Port)) {
				t.Fatalf("re-parsed audio address %s", a.Addr)
			}
		})
	}
}

func TestRewriteErrors(t *testing.T) {
	const head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	ok := RewriteOptions{IP: ourIP, Port: 30000}
	tests := []struct {
		name string
		sdp  string
		opts RewriteOptions
		want error
	}{
		{"only G729", head + "m=audio 4000 RTP/AVP 18\r\n", ok, ErrNoCommonCodec},
		{"only telephone-event", head + "m=audio 4000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n", ok, ErrNoCommonCodec},
		{"no formats", head + "m=audio 4000 RTP/AVP\r\n", ok, ErrNoCommonCodec},
		{"SDES SRTP", head + "m=audio 4000 RTP/SAVP 0\r\n", ok, ErrUnsupportedProfile},
		{"WebRTC", head + "m=audio 4000 UDP/TLS/RTP/SAVPF 0\r\n", ok, ErrUnsupportedProfile},
		{"no IP", head + "m=audio 4000 RTP/AVP 0\r\n", RewriteOptions{Port: 30000}, ErrBadRewrite},
		{"unspecified IP", head + "m=audio 4000 RTP/AVP 0\r\n", RewriteOptions{IP: netip.IPv4Unspecified(), Port: 30000}, ErrBadRewrite},
		{"port 0", head + "m=audio 4000 RTP/AVP 0\r\n", RewriteOptions{IP: ourIP}, ErrBadRewrite},
		{"port too large", head + "m=audio 4000 RTP/AVP 0\r\n", RewriteOptions{IP: ourIP, Port: 65536}, ErrBadRewrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSDP([]byte(tt.sdp))
			if err != nil {
				t.Fatalf("ParseSDP: %v", err)
			}
			out, err := s.Rewrite(tt.opts)
			if !errors.Is(err, tt.want) || out != nil {
				t.Fatalf("Rewrite: %q, %v; want %v", out, err, tt.want)
			}
		})
	}
}

func TestRewriteKeepsParsedSDPIntact(t *testing.T) {
	s, err := ParseSDP([]byte(offerLinphone))
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Rewrite(RewriteOptions{IP: ourIP, Port: 30000, SessionID: 1, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Rewrite(RewriteOptions{IP: ourIP, Port: 30002, SessionID: 1, Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	if string(a) == string(b) || !strings.Contains(string(b), "m=audio 30002 ") || !strings.Contains(string(b), "o=- 1 2 ") {
		t.Fatalf("second rewrite:\n%s", b)
	}
	if got := len(s.Audio().Codecs); got != 7 {
		t.Fatalf("parsed SDP changed by Rewrite: %d codecs", got)
	}
}

func TestRewriteSingleCodec(t *testing.T) {
	in := "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
		"m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
	s, err := ParseSDP([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Rewrite(RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 1, SingleCodec: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSDP(out)
	if err != nil {
		t.Fatal(err)
	}
	cs := got.Audio().Codecs
	if len(cs) != 2 || cs[0].Name != "PCMA" || cs[1].Name != "telephone-event" {
		t.Fatalf("want PCMA and telephone-event only, got %+v\n%s", cs, out)
	}
}

// A terminated leg speaks G.711: a G.722 offer's single codec is the first
// G.711 one after it, and an offer without G.711 has none.
func TestRewriteSingleCodecSkipsG722(t *testing.T) {
	head := "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	opts := RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 1, SingleCodec: true}
	s, err := ParseSDP([]byte(head + "m=audio 4000 RTP/AVP 9 0 8\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Rewrite(opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ParseSDP(out)
	if cs := got.Audio().Codecs; len(cs) != 1 || cs[0].Name != "PCMU" {
		t.Fatalf("want PCMU only, got %+v", cs)
	}
	s, err = ParseSDP([]byte(head + "m=audio 4000 RTP/AVP 9\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rewrite(opts); !errors.Is(err, ErrNoCommonCodec) {
		t.Fatalf("G.722 only: want ErrNoCommonCodec, got %v", err)
	}
}

// Answering an offer ourselves mirrors its direction.
func TestRewriteAnswerMirrorsDirection(t *testing.T) {
	for offer, want := range map[string]Direction{
		"sendonly": DirectionRecvOnly, "recvonly": DirectionSendOnly,
		"inactive": DirectionInactive, "sendrecv": DirectionSendRecv,
	} {
		s, err := ParseSDP([]byte("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
			"m=audio 4000 RTP/AVP 0\r\na=" + offer + "\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Rewrite(RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 1, Answer: true})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := ParseSDP(out)
		if d := got.Audio().Direction; d != want {
			t.Errorf("answer to %s: %v, want %v", offer, d, want)
		}
		relayed, _ := s.Rewrite(RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 1})
		if r, _ := ParseSDP(relayed); r.Audio().Direction.String() != offer {
			t.Errorf("relayed %s came out %v", offer, r.Audio().Direction)
		}
	}
}

// Resume takes a held description off hold: every direction becomes
// sendrecv, and a c=0.0.0.0 hold our address.
func TestRewriteResume(t *testing.T) {
	for _, hold := range []string{"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n",
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n",
		"c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=recvonly\r\n"} {
		s, err := ParseSDP([]byte("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n" + hold))
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Rewrite(RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 2, Resume: true})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := ParseSDP(out)
		if a := got.Audio(); a.Hold || a.Addr != netip.MustParseAddrPort("127.0.0.1:5000") {
			t.Errorf("resumed %q: %+v, want sendrecv at 127.0.0.1:5000", hold, a)
		}
	}
}

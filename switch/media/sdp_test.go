package media

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// crlf turns a readable multi-line literal into CRLF SDP.
func crlf(s string) string {
	s = strings.TrimLeft(s, "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// A Linphone-style offer.
var offerLinphone = crlf(`
v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.10
s=Talk
c=IN IP4 192.0.2.10
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 49170 RTP/AVP 96 0 8 9 18 101 13
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtpmap:13 CN/8000
a=rtcp:49171
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:96 nack
a=ptime:20
`)

func TestParseSDP(t *testing.T) {
	tests := []struct {
		name string
		sdp  string
		want AudioInfo
	}{{
		name: "linphone offer",
		sdp:  offerLinphone,
		want: AudioInfo{
			Addr: netip.MustParseAddrPort("192.0.2.10:49170"),
			Codecs: []Codec{{96, "opus", 48000}, {0, "PCMU", 8000}, {8, "PCMA", 8000}, {9, "G722", 8000},
				{18, "G729", 8000}, {101, "telephone-event", 8000}, {13, "CN", 8000}},
			Direction: DirectionSendRecv, TelephoneEventPT: 101,
		},
	}, {
		name: "LF only, no s=, static PTs without rtpmap, blanks and trailing spaces",
		sdp:  "v=0\no=- 1 1 IN IP4 10.0.0.1  \n\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 8 0\n",
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("10.0.0.1:4000"),
			Codecs:    []Codec{{8, "PCMA", 8000}, {0, "PCMU", 8000}},
			Direction: DirectionSendRecv, TelephoneEventPT: -1,
		},
	}, {
		name: "odd order: a= before c=, t= last, media c= overrides session c=",
		sdp: crlf(`
o=- 5 5 IN IP4 198.51.100.1
v=0
a=sendrecv
c=IN IP4 198.51.100.1
s=-
m=audio 5004 RTP/AVP 0 101
a=rtpmap:101 telephone-event/8000
c=IN IP4 198.51.100.2
t=0 0
`),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("198.51.100.2:5004"),
			Codecs:    []Codec{{0, "PCMU", 8000}, {101, "telephone-event", 8000}},
			Direction: DirectionSendRecv, TelephoneEventPT: 101,
		},
	}, {
		name: "hold with c=0.0.0.0",
		sdp:  crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 4000 RTP/AVP 0\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("0.0.0.0:4000"),
			Codecs:    []Codec{{0, "PCMU", 8000}},
			Direction: DirectionSendRecv, TelephoneEventPT: -1, Hold: true,
		},
	}, {
		name: "hold with a=sendonly",
		sdp:  crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\na=sendonly\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("10.0.0.1:4000"),
			Codecs:    []Codec{{0, "PCMU", 8000}},
			Direction: DirectionSendOnly, TelephoneEventPT: -1, Hold: true,
		},
	}, {
		name: "session-level inactive, media-level wins when present",
		sdp:  crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\na=inactive\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("10.0.0.1:4000"),
			Codecs:    []Codec{{0, "PCMU", 8000}},
			Direction: DirectionInactive, TelephoneEventPT: -1, Hold: true,
		},
	}, {
		name: "recvonly is not hold",
		sdp:  crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\na=inactive\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\na=recvonly\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("10.0.0.1:4000"),
			Codecs:    []Codec{{0, "PCMU", 8000}},
			Direction: DirectionRecvOnly, TelephoneEventPT: -1,
		},
	}, {
		name: "video first, audio second, port count, multicast ttl",
		sdp: crlf(`
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 224.2.1.1/127
t=0 0
m=video 5000 RTP/AVP 96
a=rtpmap:96 H264/90000
m=audio 6000/2 RTP/AVP 9
`),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("224.2.1.1:6000"),
			Codecs:    []Codec{{9, "G722", 8000}},
			Direction: DirectionSendRecv, TelephoneEventPT: -1,
		},
	}, {
		name: "IPv6",
		sdp:  crlf("v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\nm=audio 7000 RTP/AVP 0 110\na=rtpmap:110 telephone-event/48000\na=rtpmap:111 telephone-event/8000\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("[2001:db8::1]:7000"),
			Codecs:    []Codec{{0, "PCMU", 8000}, {110, "telephone-event", 48000}},
			Direction: DirectionSendRecv, TelephoneEventPT: 110,
		},
	}, {
		name: "prefers 8000 Hz telephone-event, unknown dynamic PT",
		sdp:  crlf("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 7000 RTP/AVP 0 110 101 120\na=rtpmap:110 telephone-event/48000\na=rtpmap:101 TELEPHONE-EVENT/8000\n"),
		want: AudioInfo{
			Addr:      netip.MustParseAddrPort("10.0.0.1:7000"),
			Codecs:    []Codec{{0, "PCMU", 8000}, {110, "telephone-event", 48000}, {101, "TELEPHONE-EVENT", 8000}, {120, "", 0}},
			Direction: DirectionSendRecv, TelephoneEventPT: 101,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSDP([]byte(tt.sdp))
			if err != nil {
				t.Fatalf("ParseSDP: %v", err)
			}
			if got := s.Audio(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Audio()\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseSDPErrors(t *testing.T) {
	const head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	tests := []struct {
		name string
		sdp  string
		want error
	}{
		{"empty", "", ErrEmptySDP},
		{"blank lines", "\r\n \n\t\r\n", ErrEmptySDP},
		{"no v=", "o=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMissingVersion},
		{"no o=", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMissingOrigin},
		{"o= only inside media", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\no=- 1 1 IN IP4 10.0.0.1\r\n", ErrMissingOrigin},
		{"no c=", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMissingConnection},
		{"c= only on video", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMissingConnection},
		{"no audio", head + "m=video 5000 RTP/AVP 96\r\n", ErrNoAudio},
		{"no m= at all", head, ErrNoAudio},
		{"port not a number", head + "m=audio abc RTP/AVP 0\r\n", ErrBadPort},
		{"port too large", head + "m=audio 70000 RTP/AVP 0\r\n", ErrBadPort},
		{"negative port", head + "m=audio -1 RTP/AVP 0\r\n", ErrBadPort},
		{"short m=", head + "m=audio 4000\r\n", ErrBadMedia},
		{"host name", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 pbx.example.com\r\nm=audio 4000 RTP/AVP 0\r\n", ErrBadAddress},
		{"short c=", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4\r\nm=audio 4000 RTP/AVP 0\r\n", ErrBadAddress},
		{"garbage line", head + "hello\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMalformedLine},
		{"digit type", head + "1=x\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMalformedLine},
		{"NUL", head + "a=x\x00y\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMalformedLine},
		{"bare CR inside", head + "a=x\ry\r\nm=audio 4000 RTP/AVP 0\r\n", ErrMalformedLine},
		{"too large", head + strings.Repeat("a=x\r\n", MaxSDPSize/5+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSDP([]byte(tt.sdp))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseSDP: %v, want %v", err, tt.want)
			}
			if s != nil {
				t.Fatal("non-nil SDP with an error")
			}
		})
	}
	// Errors name the offending line.
	_, err := ParseSDP([]byte(head + "m=audio 99999 RTP/AVP 0\r\n"))
	if err == nil || !strings.Contains(err.Error(), "line 6") || !strings.Contains(err.Error(), "99999") {
		t.Fatalf("error %q does not point at line 6", err)
	}
}

func TestAudioReturnsCopy(t *testing.T) {
	s, err := ParseSDP([]byte(offerLinphone))
	if err != nil {
		t.Fatal(err)
	}
	s.Audio().Codecs[0].Name = "changed"
	if s.Audio().Codecs[0].Name != "opus" {
		t.Fatal("Audio() exposes the parser's codec slice")
	}
}

func TestDirectionString(t *testing.T) {
	for d, want := range map[Direction]string{
		DirectionUnknown: "unknown", DirectionSendRecv: "sendrecv", DirectionSendOnly: "sendonly",
		DirectionRecvOnly: "recvonly", DirectionInactive: "inactive", Direction(42): "unknown",
	} {
		if got := d.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(d), got, want)
		}
		if d >= DirectionSendRecv && d <= DirectionInactive && parseDirection(want) != d {
			t.Errorf("parseDirection(%q) != %v", want, d)
		}
	}
}

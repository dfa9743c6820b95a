package media

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

const restrictOffer = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" +
	"m=audio 4000 RTP/AVP 0 9 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:9 G722/8000\r\n" +
	"a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"

func TestRestrict(t *testing.T) {
	s, err := ParseSDP([]byte(restrictOffer))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		names  []string
		events bool
		m      string
		gone   []string
	}{
		{[]string{"pcma", "PCMU"}, true, "m=audio 5000 RTP/AVP 8 0 101", []string{"G722"}},
		{[]string{"G722"}, false, "m=audio 5000 RTP/AVP 9\r\n", []string{"PCMU", "PCMA", "telephone-event", "fmtp"}},
		{nil, false, "m=audio 5000 RTP/AVP 0 9 8\r\n", []string{"telephone-event"}},
	} {
		r, err := s.Restrict(tc.names, tc.events)
		if err != nil {
			t.Fatalf("%v: %v", tc.names, err)
		}
		out, err := r.Rewrite(RewriteOptions{IP: netip.MustParseAddr("127.0.0.1"), Port: 5000, SessionID: 1, Version: 1})
		if err != nil {
			t.Fatalf("%v: rewrite: %v", tc.names, err)
		}
		if !strings.Contains(string(out), tc.m) {
			t.Errorf("%v: got\n%s\nwant %q", tc.names, out, tc.m)
		}
		for _, g := range tc.gone {
			if strings.Contains(string(out), g) {
				t.Errorf("%v: %q still in\n%s", tc.names, g, out)
			}
		}
	}
	if _, err := s.Restrict([]string{"G729", "opus"}, true); !errors.Is(err, ErrNoCommonCodec) {
		t.Fatalf("no common codec: %v, want ErrNoCommonCodec", err)
	}
	if got := s.Audio().Codecs; len(got) != 4 {
		t.Fatalf("Restrict changed the original: %v", got)
	}
}

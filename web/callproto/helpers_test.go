package callproto

import (
	"errors"
	"strings"
	"testing"
)

// offer is a browser-like SDP offer (CRLF line ends, as browsers send).
const offer = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
	"a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 8 101\r\nc=IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:abcd\r\na=ice-pwd:aaaaaaaaaaaaaaaaaaaaaa\r\na=fingerprint:sha-256 AB:CD\r\n" +
	"a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:0 PCMU/8000\r\n" +
	"a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"

// mustParse parses s or fails the test.
func mustParse(t testing.TB, s string) Message {
	t.Helper()
	m, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse(%.80q): %v", s, err)
	}
	return m
}

// wantParseErr parses s and checks the error wraps sentinel and mentions
// each of words.
func wantParseErr(t *testing.T, s string, sentinel error, words ...string) *ParseError {
	t.Helper()
	_, err := Parse([]byte(s))
	if err == nil {
		t.Fatalf("Parse(%.60q) accepted", s)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("Parse(%.60q): %v, want %v", s, err, sentinel)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Parse(%.60q): %q does not mention %q", s, err, w)
		}
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse(%.60q): %T is not a *ParseError", s, err)
	}
	return pe
}

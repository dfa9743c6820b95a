package trunk

import (
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// parseResponse reads a response written with \n line ends.
func parseResponse(t testing.TB, raw string) *gosip.Response {
	t.Helper()
	m, err := gosip.ParseMessage([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	res, ok := m.(*gosip.Response)
	if !ok {
		t.Fatalf("not a response: %T", m)
	}
	return res
}

const okHead = "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=5060;received=192.0.2.5\n" +
	"From: <sip:u@h>;tag=1\nTo: <sip:u@h>;tag=2\nCall-ID: c\nCSeq: 2 REGISTER\n"

var self = gosip.Uri{Scheme: "sip", User: "u", Host: "192.0.2.5", Port: 5060}

func TestGrantedExpiry(t *testing.T) {
	for _, tc := range []struct {
		name, hdrs string
		want       int
	}{
		{"our contact", "Contact: <sip:other@192.0.2.9:5060>;expires=30\nContact: <sip:u@192.0.2.5:5060>;expires=120\nExpires: 300\n", 120},
		{"header", "Contact: <sip:other@192.0.2.9>;expires=30\nExpires: 300\n", 300},
		{"asked", "", 600},
		{"bad param", "Contact: <sip:u@192.0.2.5:5060>;expires=soon\nExpires: 90\n", 90},
		{"zero", "Contact: <sip:u@192.0.2.5:5060>;expires=0\n", 0},
		{"capped", "Expires: 99999999\n", 86400},
		{"default port", "Contact: <sip:u@192.0.2.5>;expires=45\n", 45},
	} {
		res := parseResponse(t, okHead+tc.hdrs+"Content-Length: 0\n\n")
		if got := grantedExpiry(res, self, 600); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestMinExpiresAndRetryAfter(t *testing.T) {
	for hdr, want := range map[string]int{"Min-Expires: 120\n": 120, "Min-Expires: x\n": 0, "Min-Expires: 0\n": 0, "": 0} {
		res := parseResponse(t, okHead+hdr+"Content-Length: 0\n\n")
		got, ok := minExpires(res)
		if ok != (want > 0) || (ok && got != want) {
			t.Errorf("%q: %d %v, want %d", hdr, got, ok, want)
		}
	}
	for hdr, want := range map[string]time.Duration{"Retry-After: 90 (maintenance);duration=60\n": 90 * time.Second,
		"Retry-After: 5\n": 5 * time.Second, "Retry-After: later\n": 0, "Retry-After: 0\n": 0, "": 0} {
		res := parseResponse(t, okHead+hdr+"Content-Length: 0\n\n")
		got, ok := retryAfter(res)
		if ok != (want > 0) || got != want {
			t.Errorf("%q: %v %v, want %v", hdr, got, ok, want)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		via, transport, want string
	}{
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=5060;received=192.0.2.5", "udp", ""},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=40000;received=203.0.113.7", "udp", "203.0.113.7:40000"},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.5", "udp", "192.0.2.5:40000"},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;received=203.0.113.7", "udp", "203.0.113.7:5060"},
		{"SIP/2.0/TCP 192.0.2.5:5060;branch=z9hG4bK1;rport=51000;received=192.0.2.5", "tcp", ""}, // a connection's port
		{"SIP/2.0/TCP 192.0.2.5:5060;branch=z9hG4bK1;rport=51000;received=203.0.113.7", "tcp", "203.0.113.7:5060"},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=99999;received=203.0.113.7", "udp", ""},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;received=nonsense", "udp", ""},
		{"SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1", "udp", ""},
	} {
		res := parseResponse(t, strings.Replace(okHead, "SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1;rport=5060;received=192.0.2.5", tc.via, 1)+"Content-Length: 0\n\n")
		got, nat := publicAddr(res, self, tc.transport)
		if nat != (tc.want != "") || (nat && got.String() != tc.want) {
			t.Errorf("%s: %v %v, want %q", tc.via, got, nat, tc.want)
		}
	}
}

package sip

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

func TestBadRequestEchoesMatchingHeaders(t *testing.T) {
	raw := "INVITE sip:1002@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\nFrom: <sip:a@h>;tag=1\r\n" +
		"To: <sip:b@h>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nX-Evil: \"quote\"\r\nContent-Length: abc\r\n\r\n"
	res := string(BadRequest([]byte(raw), errors.New(`bad "length"`)))
	for _, want := range []string{"SIP/2.0 400 Bad Request\r\n", "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n",
		"From: <sip:a@h>;tag=1\r\n", "To: <sip:b@h>\r\n", "Call-ID: c1\r\n", "CSeq: 1 INVITE\r\n",
		`Warning: 399 hookswitch "bad 'length'"`, "Content-Length: 0\r\n\r\n"} {
		if !strings.Contains(res, want) {
			t.Errorf("400 lacks %q:\n%s", want, res)
		}
	}
	if strings.Contains(res, "X-Evil") {
		t.Errorf("400 echoes a header it should not:\n%s", res)
	}
}

func TestBadRequestNotForResponsesOrUnmatchable(t *testing.T) {
	for name, raw := range map[string]string{
		"response": "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nCSeq: 1 INVITE\r\n\r\n",
		"no via":   "INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n",
		"no cseq":  "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n\r\n",
		"garbage":  "\x00\x01\x02",
		"empty":    "",
	} {
		if res := BadRequest([]byte(raw), errors.New("x")); res != nil {
			t.Errorf("%s: got a 400 for something unanswerable:\n%s", name, res)
		}
	}
}

// A malformed request over UDP gets a 400, and the stack still serves after it.
func TestMalformedDatagramGets400(t *testing.T) {
	s, err := New(Config{UDP: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst := net.UDPAddrFromAddrPort(s.Addr("udp"))
	for _, tc := range []struct{ name, msg, warning string }{
		// Keyable at a glance: sipgo parses it, fails, and the parse tap answers.
		{"bad length", "INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n" +
			"To: <sip:x@h>\r\nCall-ID: m1\r\nCSeq: 1 INVITE\r\nContent-Length: nope\r\n\r\n", "nope"},
		// Not keyable: the filter parses it and answers itself.
		{"rfc 2543 without tag", "INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=old1\r\nFrom: <sip:a@h>\r\n" +
			"To: <sip:x@h>\r\nCall-ID: m2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", "From tag"},
	} {
		if _, err := c.WriteTo([]byte(tc.msg), dst); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		buf := make([]byte, 4096)
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatalf("%s: no answer to a malformed INVITE: %v", tc.name, err)
		}
		got := string(buf[:n])
		if !strings.HasPrefix(got, "SIP/2.0 400 ") || !strings.Contains(got, "Call-ID: m") || !strings.Contains(got, tc.warning) {
			t.Fatalf("%s: want a 400 with a Warning naming %q, got:\n%s", tc.name, tc.warning, got)
		}
	}
}

func TestKeyable(t *testing.T) {
	const tail = "From: <sip:a@h>;tag=1\r\nCSeq: 1 INVITE\r\n\r\nv=0\r\nVia: x;branch=z9hG4bKbody\r\n"
	for _, tc := range []struct {
		name, head string
		want       bool
	}{
		{"plain", "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", true},
		{"compact and case", "v : SIP/2.0/UDP h;rport;branch=z9hG4bKa\r\nVIA: SIP/2.0/UDP g;branch=x\r\n", true},
		{"cookie only", "Via: SIP/2.0/UDP h;branch=z9hG4bK\r\n", false},
		{"cookie then param", "Via: SIP/2.0/UDP h;branch=z9hG4bK;rport\r\n", false},
		{"rfc 2543 branch", "Via: SIP/2.0/UDP h;branch=1\r\n", false},
		{"branch in second value", "Via: SIP/2.0/UDP h, SIP/2.0/UDP g;branch=z9hG4bK1\r\n", false},
		{"branch only in second via", "Via: SIP/2.0/UDP h\r\nVia: SIP/2.0/UDP g;branch=z9hG4bK1\r\n", false},
		{"no via", "", false},
		{"folded", "Via: SIP/2.0/UDP h\r\n ;branch=z9hG4bK1\r\n", false},
	} {
		msg := "INVITE sip:x SIP/2.0\r\n" + tc.head + tail
		if got := keyable([]byte(msg)); got != tc.want {
			t.Errorf("%s: keyable = %v, want %v", tc.name, got, tc.want)
		}
	}
	if keyable([]byte("INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\nCSeq: 1 INVITE\r\n")) {
		t.Error("a CSeq in the body made a request keyable")
	}
}

func TestErrorCarriesStatus(t *testing.T) {
	err := Errorf(486, "callee %s busy", "1002")
	if code, reason := StatusOf(err); code != 486 || reason != "Busy Here" {
		t.Fatalf("StatusOf = %d %q", code, reason)
	}
	if code, _ := StatusOf(errors.New("plain")); code != 500 {
		t.Fatalf("a plain error should map to 500, got %d", code)
	}
	if got := (&Error{Code: 403, Reason: "Forbidden (x)"}).Error(); got != "sip 403 Forbidden (x)" {
		t.Fatalf("Error() = %q", got)
	}
}

// A handler that panics fails its request with a 500; the stack serves on.
func TestHandlerPanicIsContained(t *testing.T) {
	s, err := New(Config{UDP: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("OPTIONS", func(req *gosip.Request, tx gosip.ServerTransaction) {
		if req.CallID().Value() == "boom" {
			panic("handler bug")
		}
		Respond(tx, req, 200, "", nil)
	})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst := net.UDPAddrFromAddrPort(s.Addr("udp"))
	ask := func(callID string) string {
		port := c.LocalAddr().(*net.UDPAddr).Port
		msg := "OPTIONS sip:h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + strconv.Itoa(port) + ";branch=z9hG4bK" + callID + "\r\n" +
			"From: <sip:a@h>;tag=1\r\nTo: <sip:h>\r\nCall-ID: " + callID + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
		c.WriteTo([]byte(msg), dst)
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		buf := make([]byte, 4096)
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatalf("%s: no answer: %v", callID, err)
		}
		return string(buf[:n])
	}
	if got := ask("boom"); !strings.HasPrefix(got, "SIP/2.0 500 ") {
		t.Fatalf("panicking handler: want a 500, got %q", got)
	}
	if got := ask("fine"); !strings.HasPrefix(got, "SIP/2.0 200 ") {
		t.Fatalf("after a panic the stack should still serve: %q", got)
	}
}

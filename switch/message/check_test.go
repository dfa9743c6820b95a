package message

import (
	"strconv"
	"strings"
	"testing"

	gosip "github.com/emiago/sipgo/sip"
)

// raw is a MESSAGE as a phone sends it, with hdrs added and body.
func raw(ruri, hdrs, body string) string {
	return "MESSAGE " + ruri + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:1002@127.0.0.1>\r\n" +
		"From: \"Alice\" <sip:1001@127.0.0.1>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710\r\n" +
		"CSeq: 1 MESSAGE\r\n" + hdrs +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

func parse(t *testing.T, s string) *gosip.Request {
	t.Helper()
	m, err := gosip.ParseMessage([]byte(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return m.(*gosip.Request)
}

func TestCheck(t *testing.T) {
	const ct = "Content-Type: text/plain;charset=UTF-8\r\n"
	cases := []struct {
		name string
		msg  string
		want int // 0: accepted
	}{
		{"plain", raw("sip:1002@127.0.0.1", ct, "hi"), 0},
		{"no Content-Type", raw("sip:1002@127.0.0.1", "", "hi"), 400},
		{"bad Content-Type", raw("sip:1002@127.0.0.1", "Content-Type: text\r\n", "hi"), 400},
		{"empty body", raw("sip:1002@127.0.0.1", ct, ""), 400},
		{"oversize", raw("sip:1002@127.0.0.1", ct, strings.Repeat("x", 101)), 413},
		{"at the limit", raw("sip:1002@127.0.0.1", ct, strings.Repeat("x", 100)), 0},
		{"no Request-URI user", raw("sip:127.0.0.1", ct, "hi"), 404},
		{"odd Request-URI user", raw("sip:a%22b@127.0.0.1", ct, "hi"), 404},
		{"Max-Forwards 0", strings.Replace(raw("sip:1002@127.0.0.1", ct, "hi"), "Max-Forwards: 70", "Max-Forwards: 0", 1), 483},
		{"To without user", strings.Replace(raw("sip:1002@127.0.0.1", ct, "hi"), "To: <sip:1002@", "To: <sip:", 1), 400},
	}
	for _, c := range cases {
		m, a, ok := check(parse(t, c.msg), 100)
		switch {
		case c.want == 0 && !ok:
			t.Errorf("%s: refused %d %s", c.name, a.code, a.reason)
		case c.want != 0 && (ok || a.code != c.want):
			t.Errorf("%s: got ok=%v %d, want %d", c.name, ok, a.code, c.want)
		case ok && (m.rcpt != "1002" || m.ctype != "text/plain;charset=UTF-8" || m.hops != 69):
			t.Errorf("%s: %+v", c.name, m)
		}
	}
}

func TestBestFailure(t *testing.T) {
	cases := []struct {
		codes []int
		want  int
	}{
		{nil, 480},
		{[]int{408}, 408},
		{[]int{480, 408}, 408},
		{[]int{486, 408}, 486},
		{[]int{503}, 500},
		{[]int{500, 480}, 480},
		{[]int{486, 603}, 603},
		{[]int{404, 486}, 404},
		{[]int{486, 415}, 415},
		{[]int{302}, 480},
		{[]int{407, 500}, 403},
	}
	for _, c := range cases {
		if got := bestFailure(c.codes); got != c.want {
			t.Errorf("bestFailure(%v) = %d, want %d", c.codes, got, c.want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	cases := []struct{ given, fallback, want string }{
		{"Alice", "Bob", "Alice"},
		{"", "Bob", "Bob"},
		{`Al"ice\`, "", "Alice"},
		{"a\r\nb", "", "ab"},
		{strings.Repeat("é", 40), "", strings.Repeat("é", 32)}, // 64 bytes, whole runes
	}
	for _, c := range cases {
		if got := displayName(c.given, c.fallback); got != c.want {
			t.Errorf("displayName(%q, %q) = %q, want %q", c.given, c.fallback, got, c.want)
		}
	}
}

func TestMediaType(t *testing.T) {
	for v, want := range map[string]bool{
		"text/plain":                     true,
		"text/plain;charset=UTF-8":       true,
		"application/im-iscomposing+xml": true,
		"message/cpim":                   true,
		"text":                           false,
		"/plain":                         false,
		"text/":                          false,
		"text/pl ain":                    false,
		"text/plain\r\nX-Evil: 1":        false,
		"text/plain; charset=\"\x00\"":   false,
		strings.Repeat("a", 200) + "/b":  false,
	} {
		if got := mediaType(v); got != want {
			t.Errorf("mediaType(%q) = %v, want %v", v, got, want)
		}
	}
}

// FuzzCheck feeds check whatever sipgo parses: it must not panic, and what
// it accepts must be safe to pass on.
func FuzzCheck(f *testing.F) {
	f.Add(raw("sip:1002@127.0.0.1", "Content-Type: text/plain\r\n", "hi"))
	f.Add(raw("sip:1002@127.0.0.1", "Content-Type: message/cpim\r\n", "x"))
	f.Add(raw("sip:%31@h", "Content-Type: a/b;c=\"d\"\r\n", "hello"))
	f.Add(raw("sips:x@h", "", ""))
	f.Fuzz(func(t *testing.T, s string) {
		m, err := gosip.ParseMessage([]byte(s))
		if err != nil {
			return
		}
		req, ok := m.(*gosip.Request)
		if !ok {
			return
		}
		msg, a, ok := check(req, 64)
		if !ok {
			if a.code < 400 || a.code > 699 {
				t.Fatalf("refusal with code %d", a.code)
			}
			return
		}
		if len(msg.body) == 0 || len(msg.body) > 64 {
			t.Fatalf("accepted a %d-byte body", len(msg.body))
		}
		if !mediaType(msg.ctype) || strings.ContainsAny(msg.ctype, "\r\n\x00") {
			t.Fatalf("accepted Content-Type %q", msg.ctype)
		}
		if !validUser(msg.rcpt) {
			t.Fatalf("accepted recipient %q", msg.rcpt)
		}
		if msg.hops < 0 || msg.hops > 70 {
			t.Fatalf("hops %d", msg.hops)
		}
	})
}

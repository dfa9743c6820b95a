package trunk

import (
	"net/netip"
	"strings"
	"testing"

	gosip "github.com/emiago/sipgo/sip"
)

func FuzzParseIPSet(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "10.0.0.0/8", "2001:db8::/32", "::ffff:10.0.0.0/104", "fe80::1%eth0", "host.example", "", "1.2.3.4/99"} {
		f.Add(s, "192.0.2.1")
	}
	f.Fuzz(func(t *testing.T, entry, probe string) {
		s, err := ParseIPSet(strings.Split(entry, ","))
		if err != nil {
			if s != nil {
				t.Fatal("a set with an error")
			}
			return
		}
		// The canonical form parses back to the same set.
		again, err := ParseIPSet(strings.Split(s.String(), ","))
		if s.Len() > 0 && (err != nil || again.String() != s.String()) {
			t.Fatalf("%q -> %q -> %v %v", entry, s, again, err)
		}
		if a, err := netip.ParseAddr(probe); err == nil {
			s.Contains(a)
		}
	})
}

func FuzzHostPort(f *testing.F) {
	for _, s := range []string{"h", "h:5060", "[::1]:5060", "[::1]", "::1", "1.2.3.4:0", "a..b", "[", "h:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, port, err := splitHostPort(s)
		if err != nil {
			return
		}
		if host == "" || port < 0 || port > 65535 {
			t.Fatalf("%q -> %q %d", s, host, port)
		}
		if _, err := newPeer("udp", s, s); err != nil {
			t.Fatalf("%q accepted but no peer: %v", s, err)
		}
	})
}

// FuzzResponse feeds arbitrary registrar answers to everything that reads
// them: none may panic, and the values stay in range.
func FuzzResponse(f *testing.F) {
	f.Add("Contact: <sip:u@192.0.2.5:5060>;expires=120\nExpires: 300\nMin-Expires: 60\nRetry-After: 5 (x)\n" +
		"WWW-Authenticate: Digest realm=\"a\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\"\n")
	f.Add("Contact: *\nExpires: -1\nMin-Expires: 99999999999\nRetry-After: \nWWW-Authenticate: Digest realm=\n")
	f.Add("Via: SIP/2.0/UDP 1.2.3.4;rport=0;received=::1\n")
	f.Fuzz(func(t *testing.T, hdrs string) {
		raw := okHead + strings.ReplaceAll(hdrs, "\r", "") + "Content-Length: 0\n\n"
		m, err := gosip.ParseMessage([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
		if err != nil {
			return
		}
		res, ok := m.(*gosip.Response)
		if !ok {
			return
		}
		if g := grantedExpiry(res, self, 60); g < 0 || g > 86400 {
			t.Fatalf("granted %d", g)
		}
		if n, ok := minExpires(res); ok && (n <= 0 || n > 86400) {
			t.Fatalf("min-expires %d", n)
		}
		if d, ok := retryAfter(res); ok && d <= 0 {
			t.Fatalf("retry-after %v", d)
		}
		publicAddr(res, self, "udp")
		publicAddr(res, self, "tcp")
		pickChallenge(res.GetHeaders("WWW-Authenticate"), "")
		a := clientAuth{user: "u", password: "p"}
		a.begin()
		res.StatusCode = 401
		if a.challenged(res) == nil {
			req := gosip.NewRequest(gosip.REGISTER, gosip.Uri{Scheme: "sip", Host: "h"})
			a.apply(req)
		}
	})
}

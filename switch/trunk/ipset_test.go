package trunk

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseIPSet(t *testing.T) {
	s, err := ParseIPSet([]string{"192.0.2.10", " 198.51.100.7/24 ", "2001:db8::1", "2001:db8:1::/48", "::ffff:203.0.113.9", "::ffff:10.0.0.0/104"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 6 {
		t.Errorf("len %d", s.Len())
	}
	if got, want := s.String(), "192.0.2.10,198.51.100.0/24,2001:db8::1,2001:db8:1::/48,203.0.113.9,10.0.0.0/8"; got != want {
		t.Errorf("String %q, want %q", got, want)
	}
	for addr, want := range map[string]bool{
		"192.0.2.10":          true,
		"192.0.2.11":          false,
		"198.51.100.0":        true,
		"198.51.100.255":      true,
		"198.51.101.1":        false,
		"2001:db8::1":         true,
		"2001:db8::2":         false,
		"2001:db8:1:ffff::9":  true,
		"2001:db8:2::1":       false,
		"::ffff:192.0.2.10":   true, // a dual-stack socket's view of an IPv4 peer
		"203.0.113.9":         true,
		"10.200.1.1":          true,
		"::ffff:198.51.100.3": true,
		"fe80::1%eth0":        false,
		"::":                  false,
		"0.0.0.0":             false,
	} {
		if got := s.Contains(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", addr, got, want)
		}
	}
	if s.Contains(netip.Addr{}) {
		t.Error("the zero address matched")
	}
	var none *IPSet
	if none.Contains(netip.MustParseAddr("192.0.2.10")) || none.Len() != 0 || none.String() != "" {
		t.Error("nil set is not empty")
	}
	empty, err := ParseIPSet(nil)
	if err != nil || empty.Contains(netip.MustParseAddr("192.0.2.10")) {
		t.Errorf("empty set: %v", err)
	}
}

func TestParseIPSetErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "entry 2: empty",
		"sip.example.com":    `entry 2: "sip.example.com": host names are not accepted`,
		"192.0.2.1/33":       "not a CIDR prefix",
		"192.0.2.1/":         "not a CIDR prefix",
		"2001:db8::/129":     "not a CIDR prefix",
		"fe80::1%eth0":       "zoned",
		"192.0.2.300":        "not an IP address or CIDR prefix",
		"192.0.2.1:5060":     "not an IP address or CIDR prefix",
		"::ffff:10.0.0.0/64": "IPv4-mapped prefix",
		"*":                  "not an IP address",
	} {
		_, err := ParseIPSet([]string{"192.0.2.1", in})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to contain %q", in, err, want)
		}
	}
}

func BenchmarkIPSetContains(b *testing.B) {
	entries := []string{"192.0.2.0/24", "198.51.100.7", "203.0.113.0/25", "2001:db8::/32", "10.0.0.0/8"}
	s, err := ParseIPSet(entries)
	if err != nil {
		b.Fatal(err)
	}
	a := netip.MustParseAddr("10.1.2.3")
	b.ReportAllocs()
	for b.Loop() {
		if !s.Contains(a) {
			b.Fatal("miss")
		}
	}
}

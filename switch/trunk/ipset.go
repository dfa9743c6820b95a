package trunk

import (
	"fmt"
	"net/netip"
	"strings"
)

// IPSet is the addresses an IP-based trunk accepts calls from.
//
// Host names are refused, not resolved: a name resolved once goes stale
// silently when the provider renumbers, and resolving on every packet puts
// DNS on the call path. Operators list the provider's published addresses
// and ranges instead.
type IPSet struct {
	prefixes []netip.Prefix
}

// ParseIPSet reads addresses ("192.0.2.10", "2001:db8::1") and CIDR
// prefixes ("192.0.2.0/24", "2001:db8::/32"). Host bits under a prefix are
// cleared ("192.0.2.7/24" is 192.0.2.0/24); IPv4-mapped IPv6 addresses are
// taken as IPv4.
func ParseIPSet(entries []string) (*IPSet, error) {
	s := &IPSet{prefixes: make([]netip.Prefix, 0, len(entries))}
	for i, e := range entries {
		p, err := parseIPEntry(strings.TrimSpace(e))
		if err != nil {
			return nil, fmt.Errorf("trunk: ip set entry %d: %w", i+1, err)
		}
		s.prefixes = append(s.prefixes, p)
	}
	return s, nil
}

func parseIPEntry(e string) (netip.Prefix, error) {
	if e == "" {
		return netip.Prefix{}, fmt.Errorf("empty")
	}
	if strings.Contains(e, "%") {
		return netip.Prefix{}, fmt.Errorf("%q: zoned addresses are not supported", clip(e))
	}
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q: not a CIDR prefix (want e.g. 192.0.2.0/24 or 2001:db8::/32)", clip(e))
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, fmt.Errorf("%q: an IPv4-mapped prefix needs at least 96 bits", clip(e))
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(e)
	if err != nil {
		if validHost(e) == nil {
			return netip.Prefix{}, fmt.Errorf("%q: host names are not accepted, list the provider's IP addresses or CIDR ranges", clip(e))
		}
		return netip.Prefix{}, fmt.Errorf("%q: not an IP address or CIDR prefix", clip(e))
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Contains reports whether a is in the set. IPv4-mapped IPv6 addresses
// (what a dual-stack socket reports) match their IPv4 entries.
func (s *IPSet) Contains(a netip.Addr) bool {
	if s == nil || !a.IsValid() {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Len is the number of entries.
func (s *IPSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.prefixes)
}

// String lists the entries in canonical form, comma-separated.
func (s *IPSet) String() string {
	if s == nil {
		return ""
	}
	parts := make([]string, len(s.prefixes))
	for i, p := range s.prefixes {
		if p.IsSingleIP() {
			parts[i] = p.Addr().String()
		} else {
			parts[i] = p.String()
		}
	}
	return strings.Join(parts, ",")
}

package trunk

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// What we read from a registrar's or peer's responses. Every reader takes
// any input: a malformed value counts as absent.

// grantedExpiry is how long the registrar keeps our binding (RFC 3261
// 10.2.4): the expires parameter of our Contact in the 200, else its
// Expires header, else what we asked for.
func grantedExpiry(res *gosip.Response, self gosip.Uri, asked int) int {
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*gosip.ContactHeader)
		if !ok || !sameContact(c.Address, self) {
			continue
		}
		if v, ok := c.Params.Get("expires"); ok {
			if n, ok := seconds(v); ok {
				return n
			}
		}
	}
	if h := res.GetHeader("Expires"); h != nil {
		if n, ok := seconds(h.Value()); ok {
			return n
		}
	}
	return asked
}

// sameContact compares the parts of a Contact a registrar keeps: user,
// host and port (RFC 3261 19.1.4 would compare more, but registrars drop
// or reorder our parameters).
func sameContact(a, b gosip.Uri) bool {
	return a.User == b.User && strings.EqualFold(strings.Trim(a.Host, "[]"), strings.Trim(b.Host, "[]")) &&
		portOr(a) == portOr(b)
}

func portOr(u gosip.Uri) int {
	if u.Port != 0 {
		return u.Port
	}
	if strings.EqualFold(u.Scheme, "sips") {
		return 5061
	}
	if t, ok := u.UriParams.Get("transport"); ok && strings.EqualFold(t, "tls") {
		return 5061
	}
	return 5060
}

// minExpires reads a 423's Min-Expires (RFC 3261 20.23).
func minExpires(res *gosip.Response) (int, bool) {
	h := res.GetHeader("Min-Expires")
	if h == nil {
		return 0, false
	}
	n, ok := seconds(h.Value())
	return n, ok && n > 0 && n <= int(MaxExpiry/time.Second)
}

// retryAfter reads Retry-After (RFC 3261 20.33): delta-seconds, then an
// optional comment and parameters.
func retryAfter(res *gosip.Response) (time.Duration, bool) {
	h := res.GetHeader("Retry-After")
	if h == nil {
		return 0, false
	}
	v := strings.TrimSpace(h.Value())
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, ok := seconds(v[:end])
	if !ok || n == 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// seconds parses delta-seconds, bounded (RFC 3261 says values past 2^32-1
// mean 2^32-1; we never need more than a day).
func seconds(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return min(n, int(MaxExpiry/time.Second)), true
}

// publicAddr reads the received and rport parameters the peer put in our
// Via (RFC 3581) and reports our address as the peer saw it when it
// differs from what we sent. On stream transports the source port is the
// connection's, never our listener's, so only the address counts there.
func publicAddr(res *gosip.Response, self gosip.Uri, transport string) (netip.AddrPort, bool) {
	via := res.Via()
	if via == nil {
		return netip.AddrPort{}, false
	}
	ours, err := netip.ParseAddr(strings.Trim(self.Host, "[]"))
	addr := ours
	moved := false
	if v, ok := via.Params.Get("received"); ok {
		a, perr := netip.ParseAddr(strings.Trim(v, "[]"))
		if perr != nil || a.Zone() != "" {
			return netip.AddrPort{}, false
		}
		addr = a.Unmap()
		// An advertised host name cannot be compared with an address.
		moved = err == nil && addr != ours.Unmap()
	}
	port := self.Port
	if v, ok := via.Params.Get("rport"); ok && v != "" && transport == "udp" {
		p, perr := strconv.Atoi(v)
		if perr != nil || p < 1 || p > 65535 {
			return netip.AddrPort{}, false
		}
		moved = moved || p != self.Port
		port = p
	}
	if !moved || !addr.IsValid() || port < 1 || port > 65535 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(addr, uint16(port)), true
}

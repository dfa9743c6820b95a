package webrtc

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/stun/v4"
)

// DefaultICEAddr is the shared browser-leg UDP port when Config.ICEAddr is
// empty.
const DefaultICEAddr = ":10443"

// Config sets up a Gateway.
type Config struct {
	// ICEAddr is the one UDP address every browser leg uses ("ip:port").
	// A specific IP binds one socket; an unspecified one (":10443",
	// "0.0.0.0:10443", "[::]:10443") binds the port on every non-loopback
	// interface address and then needs a fixed port.
	ICEAddr string
	// PublicIPs replace the bound addresses in our ICE candidates (a 1:1
	// NAT in front of the switch). Empty: the bound addresses are
	// advertised.
	PublicIPs []string
	// PlainIP is where the plain RTP sockets bind: the address the switch's
	// media relay sends the browser's audio to. Default 127.0.0.1.
	PlainIP netip.Addr
	// STUNServers are handed to pages (ICEServers) as "stun:host[:port]"
	// URLs. The gateway itself is ICE-lite and uses none.
	STUNServers []string
	// Logger receives the gateway's and pion's messages; nil discards them.
	Logger *slog.Logger
}

// iceBind is the parsed ICEAddr.
type iceBind struct {
	ip     netip.Addr // unspecified: every interface
	v4Only bool       // "0.0.0.0:port": IPv4 interfaces only
	port   int
}

func (c Config) withDefaults() Config {
	if c.ICEAddr == "" {
		c.ICEAddr = DefaultICEAddr
	}
	if !c.PlainIP.IsValid() {
		c.PlainIP = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	c.PlainIP = c.PlainIP.Unmap()
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate checks a Config that went through withDefaults and returns the
// parsed ICE address.
func (c Config) validate() (iceBind, error) {
	host, portText, err := net.SplitHostPort(c.ICEAddr)
	if err != nil {
		return iceBind{}, fmt.Errorf("%w: ice addr %q: %v", ErrBadConfig, c.ICEAddr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return iceBind{}, fmt.Errorf("%w: ice addr %q: bad port", ErrBadConfig, c.ICEAddr)
	}
	b := iceBind{ip: netip.IPv4Unspecified(), port: port}
	if host != "" {
		ip, err := netip.ParseAddr(host)
		if err != nil || ip.Zone() != "" {
			return iceBind{}, fmt.Errorf("%w: ice addr %q: host must be an ip address", ErrBadConfig, c.ICEAddr)
		}
		b.ip = ip.Unmap()
		b.v4Only = b.ip.Is4()
	}
	if b.ip.IsUnspecified() && port == 0 {
		// One socket per interface: an OS-chosen port would differ on each.
		return iceBind{}, fmt.Errorf("%w: ice addr %q: an unspecified address needs a fixed port", ErrBadConfig, c.ICEAddr)
	}
	for _, s := range c.PublicIPs {
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" || ip.IsUnspecified() || ip.IsMulticast() {
			return iceBind{}, fmt.Errorf("%w: public ip %q is not a unicast ip address", ErrBadConfig, s)
		}
	}
	if c.PlainIP.IsUnspecified() || c.PlainIP.IsMulticast() || c.PlainIP.Zone() != "" {
		// The plain SDP's c= line carries it: it must be an address to send to.
		return iceBind{}, fmt.Errorf("%w: plain ip %s is not a unicast address", ErrBadConfig, c.PlainIP)
	}
	for _, s := range c.STUNServers {
		u, err := stun.ParseURI(s)
		if err != nil || (u.Scheme != stun.SchemeTypeSTUN && u.Scheme != stun.SchemeTypeSTUNS) {
			return iceBind{}, fmt.Errorf("%w: stun server %q is not a stun: or stuns: url", ErrBadConfig, s)
		}
		if strings.ContainsAny(s, " \r\n") {
			return iceBind{}, fmt.Errorf("%w: stun server %q has blanks", ErrBadConfig, s)
		}
	}
	return b, nil
}

package media

import (
	"fmt"
	"net/netip"
	"time"
)

// Defaults of SPEC M1: talk 30 s, hold 600 s.
const (
	DefaultTalkTimeout = 30 * time.Second
	DefaultHoldTimeout = 600 * time.Second
)

// Config sets up an Engine.
//
// PortMin and PortMax bound the RTP ports: RTP uses the even ports p with
// PortMin <= p <= PortMax and RTCP uses p+1 (so an odd PortMax is the last
// RTCP port, and an even one lets RTCP use PortMax+1). When both are 0 the
// OS picks each even/odd pair (for tests and for hosts without a firewall
// plan).
type Config struct {
	BindIP      netip.Addr    // address RTP sockets bind to; invalid or unspecified = all
	PortMin     int           // first RTP port, even
	PortMax     int           // last RTP port, inclusive
	TalkTimeout time.Duration // no RTP from either side for this long => inactive (default 30s)
	HoldTimeout time.Duration // the same while the session is on hold (default 600s)
	Workers     int           // Linux relay goroutines, each with its own epoll set (default GOMAXPROCS; unused elsewhere)
}

// withDefaults fills the zero durations.
func (c Config) withDefaults() Config {
	if c.TalkTimeout == 0 {
		c.TalkTimeout = DefaultTalkTimeout
	}
	if c.HoldTimeout == 0 {
		c.HoldTimeout = DefaultHoldTimeout
	}
	c.BindIP = c.BindIP.Unmap()
	return c
}

// validate checks a Config that went through withDefaults.
func (c Config) validate() error {
	if c.TalkTimeout < 0 || c.HoldTimeout < 0 {
		return fmt.Errorf("%w: negative timeout", ErrBadConfig)
	}
	if c.Workers < 0 {
		return fmt.Errorf("%w: negative workers %d", ErrBadConfig, c.Workers)
	}
	if c.BindIP.IsValid() && c.BindIP.Zone() != "" {
		return fmt.Errorf("%w: bind ip %s has a zone", ErrBadConfig, c.BindIP)
	}
	if c.PortMin == 0 && c.PortMax == 0 {
		return nil // OS-chosen pairs
	}
	switch {
	case c.PortMin <= 0 || c.PortMin > 65534:
		return fmt.Errorf("%w: port min %d outside 1-65534", ErrBadConfig, c.PortMin)
	case c.PortMin%2 != 0:
		// RFC 3550 section 11: RTP on an even port, RTCP on the next odd one.
		return fmt.Errorf("%w: port min %d must be even", ErrBadConfig, c.PortMin)
	case c.PortMax < c.PortMin:
		return fmt.Errorf("%w: port max %d below port min %d", ErrBadConfig, c.PortMax, c.PortMin)
	case c.PortMax > 65535:
		return fmt.Errorf("%w: port max %d above 65535", ErrBadConfig, c.PortMax)
	}
	return nil
}

package ua

import (
	"log/slog"
	"net/netip"
	"time"
)

// Config is one UA stack: a UDP socket (on loopback) shared by many accounts.
type Config struct {
	// Listen is the UDP address of our socket (default "127.0.0.1:0").
	Listen string
	// Server is the switch's SIP UDP address; every request goes there and
	// only requests from there are accepted.
	Server netip.AddrPort
	// Domain is the host of the URIs we put in From, To and Request-URIs
	// (default: Server's address).
	Domain string
	Logger *slog.Logger
	// UserAgent is our User-Agent header (default "hookswitch-ua").
	UserAgent string
	// MaxCalls bounds the calls of one account, placed and received
	// (default 4: a call, a second call for transfer, and room for a
	// waiting call); more incoming calls get 486.
	MaxCalls int
	// AnswerTimeout bounds how long an incoming call may stay unanswered
	// before we refuse it with 480 (default 3 min; the switch normally
	// gives up first).
	AnswerTimeout time.Duration
	// MaxSubscriptions bounds the subscriptions of one account (default
	// 16; a web phone watching a phone book of BLF lamps needs more).
	MaxSubscriptions int
}

func (c *Config) defaults() error {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	if !c.Server.IsValid() || c.Server.Port() == 0 {
		return invalid("config: server address %q", c.Server)
	}
	c.Server = netip.AddrPortFrom(c.Server.Addr().Unmap(), c.Server.Port())
	if c.Domain == "" {
		c.Domain = c.Server.Addr().String()
		if c.Server.Addr().Is6() {
			c.Domain = "[" + c.Domain + "]"
		}
	}
	if !validHost(c.Domain) {
		return invalid("config: domain %q", c.Domain)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.UserAgent == "" {
		c.UserAgent = "hookswitch-ua"
	}
	if c.MaxCalls <= 0 {
		c.MaxCalls = 4
	}
	if c.MaxSubscriptions <= 0 {
		c.MaxSubscriptions = 16
	}
	if c.AnswerTimeout <= 0 {
		c.AnswerTimeout = 3 * time.Minute
	}
	return nil
}

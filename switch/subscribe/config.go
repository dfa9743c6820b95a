package subscribe

import "time"

// Config holds the subscription server's policy. Zero values take the
// defaults noted on each field.
type Config struct {
	DefaultExpires time.Duration // when the SUBSCRIBE names none (default 3600 s)
	MinExpires     time.Duration // shorter non-zero requests get 423 (default 60 s)
	MaxExpires     time.Duration // longer requests are cut down (default 86400 s)
	MaxPerUser     int           // subscriptions one authenticated user may hold (default 256: a web phone watches up to 200 lamps)
	MaxTotal       int           // subscriptions in all (default 10000)
	// NotifyTimeout bounds one NOTIFY transaction; a subscriber silent that
	// long loses its subscription (default 32 s, Timer F of RFC 3261).
	NotifyTimeout time.Duration
}

func (c *Config) defaults() {
	if c.DefaultExpires <= 0 {
		c.DefaultExpires = 3600 * time.Second
	}
	if c.MinExpires <= 0 {
		c.MinExpires = 60 * time.Second
	}
	// Expires is whole seconds on the wire.
	c.MinExpires = max(c.MinExpires.Truncate(time.Second), time.Second)
	if c.MaxExpires <= 0 {
		c.MaxExpires = 86400 * time.Second
	}
	c.MaxExpires = max(c.MaxExpires.Truncate(time.Second), c.MinExpires)
	c.DefaultExpires = min(max(c.DefaultExpires.Truncate(time.Second), c.MinExpires), c.MaxExpires)
	if c.MaxPerUser <= 0 {
		c.MaxPerUser = 256
	}
	if c.MaxTotal <= 0 {
		c.MaxTotal = 10000
	}
	if c.NotifyTimeout <= 0 {
		c.NotifyTimeout = 32 * time.Second
	}
}

// retryAfter is the Retry-After (seconds) of a 503 when the caps are reached.
const retryAfter = "60"

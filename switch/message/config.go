package message

import "time"

// Config holds the relay's limits. Zero values take the defaults noted on
// each field.
type Config struct {
	// MaxBody is the largest body relayed; a larger one gets 413
	// (default 8192 bytes).
	MaxBody int
	// Timeout bounds one delivery: with no final answer from any contact
	// by then, the sender gets 408 (default 10 s; the sender's own
	// transaction gives up after 32 s).
	Timeout time.Duration
	// MaxInFlight is how many MESSAGEs may be in delivery at once; more
	// get 503 with Retry-After (default 256).
	MaxInFlight int
}

func (c *Config) defaults() {
	if c.MaxBody <= 0 {
		c.MaxBody = 8 << 10
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 256
	}
}

const (
	retryAfter    = "5" // seconds, on a 503 when MaxInFlight is reached
	maxUserLen    = 64  // a Request-URI user the hook may see
	maxTypeLen    = 128 // a Content-Type value
	maxDisplayLen = 64  // bytes of the sender's display name passed on
)

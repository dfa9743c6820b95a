package jitter

import (
	"fmt"
	"time"
)

// Defaults for a zero Config field.
const (
	DefaultMinDelay  = 40 * time.Millisecond
	DefaultMaxDelay  = 200 * time.Millisecond
	DefaultIdleAfter = 200 * time.Millisecond
	DefaultFrameSize = 160  // samples: 20 ms at 8 kHz
	DefaultSilence   = 0xFF // PCMU silence (positive zero)
)

// Limits of a Config.
const (
	ClockRate      = 8000            // RTP clock and sample rate of G.711
	MaxDelayLimit  = 1 * time.Second // largest MaxDelay accepted
	MaxFrameSize   = 960             // samples per Pop: 120 ms
	MaxPayloadSize = 1920            // bytes per packet: 240 ms of G.711; larger ones are refused
)

// Config sets up a Buffer. The zero value is usable: every zero field takes
// its default. New clamps a field out of range into it (a negative delay to
// 0, MaxDelay up to MinDelay, both to MaxDelayLimit, FrameSize to
// 1-MaxFrameSize); Validate says which field was wrong.
type Config struct {
	MinDelay  time.Duration // lowest playout delay, and the start delay (default 40 ms)
	MaxDelay  time.Duration // highest playout delay (default 200 ms, at most 1 s)
	IdleAfter time.Duration // no packets for this long and nothing buffered => Idle (default 200 ms)
	FrameSize int           // samples per Pop, for frame alignment (default 160)
	// Silence fills missing samples: the codec's silence byte. Zero means
	// 0xFF (PCMU); PCMA callers set 0xD5.
	Silence byte
	// Now is the clock (default time.Now); tests pass a simulated one. Push
	// and Pop must both see the same clock.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MinDelay == 0 {
		c.MinDelay = DefaultMinDelay
	}
	if c.MaxDelay == 0 {
		c.MaxDelay = max(DefaultMaxDelay, c.MinDelay)
	}
	if c.IdleAfter == 0 {
		c.IdleAfter = DefaultIdleAfter
	}
	if c.FrameSize == 0 {
		c.FrameSize = DefaultFrameSize
	}
	if c.Silence == 0 {
		c.Silence = DefaultSilence
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports the first field of c that New would have to correct,
// for callers that build a Config from settings and want to say what is
// wrong. Zero fields are fine: they take their defaults.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.MinDelay < 0:
		return fmt.Errorf("%w: negative min delay %v", ErrBadConfig, c.MinDelay)
	case c.MinDelay > MaxDelayLimit:
		return fmt.Errorf("%w: min delay %v above %v", ErrBadConfig, c.MinDelay, MaxDelayLimit)
	case c.MaxDelay < c.MinDelay:
		return fmt.Errorf("%w: max delay %v below min delay %v", ErrBadConfig, c.MaxDelay, c.MinDelay)
	case c.MaxDelay > MaxDelayLimit:
		return fmt.Errorf("%w: max delay %v above %v", ErrBadConfig, c.MaxDelay, MaxDelayLimit)
	case c.IdleAfter < 0:
		return fmt.Errorf("%w: negative idle timeout %v", ErrBadConfig, c.IdleAfter)
	case c.FrameSize < 0 || c.FrameSize > MaxFrameSize:
		return fmt.Errorf("%w: frame size %d outside 1-%d samples", ErrBadConfig, c.FrameSize, MaxFrameSize)
	}
	return nil
}

// corrected clamps every field of a Config that went through withDefaults
// into its range, so New cannot fail (see Validate).
func (c Config) corrected() Config {
	c.MinDelay = min(max(c.MinDelay, 0), MaxDelayLimit)
	c.MaxDelay = min(max(c.MaxDelay, c.MinDelay), MaxDelayLimit)
	c.IdleAfter = max(c.IdleAfter, 0)
	if c.FrameSize <= 0 {
		c.FrameSize = DefaultFrameSize
	}
	c.FrameSize = min(c.FrameSize, MaxFrameSize)
	return c
}

// samples converts a duration to RTP timestamp units, rounding down.
func samples(d time.Duration) int64 { return int64(d / (time.Second / ClockRate)) }

// duration converts RTP timestamp units to a duration.
func duration(s int64) time.Duration { return time.Duration(s) * (time.Second / ClockRate) }

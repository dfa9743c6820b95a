package dtmf

import (
	"fmt"
	"time"
)

const (
	// DefaultVolume is the tone power a Sender announces, in -dBm0.
	DefaultVolume = 10
	// MinDuration and MaxDuration bound a sent digit. 40 ms is the
	// shortest tone ITU-T Q.24 receivers must accept; 5 s keeps one event
	// below the 0xFFFF duration limit (8.19 s) and so a single segment.
	MinDuration = 40 * time.Millisecond
	MaxDuration = 5 * time.Second

	frameDur     = 20 * time.Millisecond
	frameSamples = 160 // one 20 ms frame at 8 kHz
	endRepeats   = 3   // RFC 4733 §2.5.1.4: the end packet is sent three times
)

// Sender produces the RFC 4733 packets of one digit at a time, one per
// 20 ms frame, for a caller that polls Next on its packet clock:
//
//   - the first packet has the marker bit and duration 160;
//   - updates follow every 20 ms with the duration growing by 160;
//   - the end packet, with the final duration, is sent three times.
//
// All packets of an event carry the same RTP timestamp: the caller takes
// its current RTP timestamp when Next returns the marked packet and keeps
// it for every packet of the event; the event covers the final duration
// in samples from there. A Sender is not safe for concurrent use.
type Sender struct {
	volume uint8
	code   uint8
	frames int // event length in 20 ms frames
	next   int // index of the next packet
	total  int // packets in the sequence, 0 when idle
	buf    [EventSize]byte
}

// NewSender returns an idle Sender announcing DefaultVolume.
func NewSender() *Sender { return &Sender{volume: DefaultVolume} }

// SetVolume sets the tone power announced in later events, in -dBm0.
func (s *Sender) SetVolume(v uint8) error {
	if v > 63 {
		return fmt.Errorf("%w: %d, want 0-63 (-dBm0)", ErrBadVolume, v)
	}
	s.volume = v
	return nil
}

// Start begins the packets of one digit lasting dur, rounded to the
// nearest 20 ms. It fails on an unknown digit, a duration outside
// MinDuration-MaxDuration, or while the previous digit is still being sent.
func (s *Sender) Start(digit byte, dur time.Duration) error {
	code, ok := EventOf(digit)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownDigit, digit)
	}
	if dur < MinDuration || dur > MaxDuration {
		return fmt.Errorf("%w: %v, want %v to %v", ErrBadDuration, dur, MinDuration, MaxDuration)
	}
	if s.next < s.total {
		return fmt.Errorf("%w: %d packets of the previous digit left", ErrSenderBusy, s.total-s.next)
	}
	s.code = uint8(code)
	s.frames = int((dur + frameDur/2) / frameDur)
	s.next = 0
	s.total = s.frames - 1 + endRepeats
	return nil
}

// Next returns the next packet's payload and marker bit. done reports
// that no packet is left (payload is then nil). The payload is valid until
// the next call.
func (s *Sender) Next() (payload []byte, marker bool, done bool) {
	if s.next >= s.total {
		return nil, false, true
	}
	i := s.next
	s.next++
	e := Event{Code: s.code, Volume: s.volume, Duration: uint16(s.frames * frameSamples)}
	if i < s.frames-1 {
		e.Duration = uint16((i + 1) * frameSamples)
	} else {
		e.End = true
	}
	return AppendEvent(s.buf[:0], e), i == 0, false
}

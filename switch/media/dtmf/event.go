package dtmf

import (
	"encoding/binary"
	"fmt"
)

// EventSize is the length of one RFC 4733 §2.3 event block.
const EventSize = 4

// Event is one RFC 4733 §2.3 named-event block:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     event     |E|R| volume    |          duration             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
type Event struct {
	Code   uint8 // event code; 0-16 are DTMF (see DigitOf)
	End    bool  // E bit: the event has ended
	Volume uint8 // tone power in -dBm0, 0-63
	// Duration is in RTP timestamp units (samples at 8 kHz) since the
	// event's RTP timestamp, its start.
	Duration uint16
}

// ParseEvent decodes a telephone-event payload. A payload of several
// blocks packs consecutive events (RFC 4733 §2.5.1.5); the last block is
// returned because it is the newest state: the earlier events have ended
// and were, or should have been, reported by their own packets. The R bit
// is ignored, as the RFC requires of receivers.
func ParseEvent(payload []byte) (Event, error) {
	e, _, err := parseLast(payload)
	return e, err
}

// parseLast is ParseEvent that also returns how far the last event starts
// after the packet's RTP timestamp: packed events are contiguous and, as
// with several audio frames in one packet, the timestamp is the first
// one's start, so each later event starts where the previous one ends.
func parseLast(p []byte) (Event, uint32, error) {
	if len(p) < EventSize {
		return Event{}, 0, fmt.Errorf("%w: %d bytes, want at least %d", ErrMalformedEvent, len(p), EventSize)
	}
	if len(p)%EventSize != 0 {
		return Event{}, 0, fmt.Errorf("%w: %d bytes is not a whole number of %d-byte events", ErrMalformedEvent, len(p), EventSize)
	}
	var off uint32
	last := len(p) - EventSize
	for i := 0; i < last; i += EventSize {
		off += uint32(binary.BigEndian.Uint16(p[i+2:]))
	}
	b := p[last:]
	return Event{
		Code:     b[0],
		End:      b[1]&0x80 != 0,
		Volume:   b[1] & 0x3F,
		Duration: binary.BigEndian.Uint16(b[2:]),
	}, off, nil
}

// AppendEvent appends the 4-byte encoding of e to dst. A Volume above 63
// does not fit its 6 bits and is sent as 63, the quietest level.
func AppendEvent(dst []byte, e Event) []byte {
	b1 := min(e.Volume, 63)
	if e.End {
		b1 |= 0x80
	}
	return append(dst, e.Code, b1, byte(e.Duration>>8), byte(e.Duration))
}

package jitter

// Status says what Pop put in its destination.
type Status uint8

const (
	// Unknown is the zero value; Pop never returns it.
	Unknown Status = iota
	// Idle: no stream (not started yet, stopped, or the frame lies before the
	// stream's first sample). dst holds silence; play it, do not conceal.
	Idle
	// Full: dst holds the frame. Up to half of its samples may have been
	// missing and were filled with Config.Silence; decode it as is.
	Full
	// Lost: more than half of the frame is missing (or the buffer is adding
	// delay). dst holds silence; the caller should conceal this frame.
	Lost
)

// String returns the status name.
func (s Status) String() string {
	switch s {
	case Idle:
		return "idle"
	case Full:
		return "full"
	case Lost:
		return "lost"
	default:
		return "unknown"
	}
}

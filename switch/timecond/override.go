package timecond

import (
	"fmt"
	"time"
)

// Mode is what an override forces.
type Mode uint8

const (
	NoOverride Mode = iota // the schedule decides
	Closed                 // office closed (the feature code's "on")
	Open                   // office open regardless of the schedule
)

var modeNames = [...]string{NoOverride: "none", Closed: "closed", Open: "open"}

func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// MarshalText writes "none", "closed" or "open".
func (m Mode) MarshalText() ([]byte, error) {
	if int(m) >= len(modeNames) {
		return nil, fmt.Errorf("timecond: override mode %d: want none, closed or open", uint8(m))
	}
	return []byte(modeNames[m]), nil
}

// UnmarshalText reads "none", "closed" or "open" (the empty string is none).
func (m *Mode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = NoOverride
		return nil
	}
	for i, n := range modeNames {
		if string(b) == n {
			*m = Mode(i)
			return nil
		}
	}
	return fmt.Errorf("timecond: override mode %q: want none, closed or open", b)
}

// Override is the office-closed feature code's state, stored by the caller:
// Mode applies until Until (exclusive) or, when Until is zero, until the
// caller clears it. To close only until the schedule would change anyway,
// set Until to the condition's Next.
type Override struct {
	Mode  Mode      `json:"mode"`
	Until time.Time `json:"until,omitzero"`
}

// Active reports whether the override decides at t. An unknown Mode never
// decides, so a corrupt stored value falls back to the schedule.
func (o Override) Active(t time.Time) bool {
	return (o.Mode == Closed || o.Mode == Open) && (o.Until.IsZero() || t.Before(o.Until))
}

// State is Open with the override applied: what inbound routing asks.
func (c *Condition) State(t time.Time, ov Override) bool {
	if ov.Active(t) {
		return ov.Mode == Open
	}
	return c.Open(t)
}

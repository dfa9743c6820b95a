package trunk

import "fmt"

// Report is a trunk's live state for admins: its registration (register
// trunks) and the health of its peer (when qualified).
type Report struct {
	Name         string         `json:"name"`
	Kind         string         `json:"kind"`
	Registration *Status        `json:"registration,omitempty"`
	Qualify      *QualifyStatus `json:"qualify,omitempty"`
}

// MarshalText names the state in JSON ("registered").
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalText names the health in JSON ("up").
func (h Health) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a state back ("registered"), for clients of the API.
func (s *State) UnmarshalText(b []byte) error {
	for v := range StateStopped + 1 {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("trunk state %q: unknown", b)
}

// UnmarshalText reads a health back ("up").
func (h *Health) UnmarshalText(b []byte) error {
	for v := range HealthDown + 1 {
		if v.String() == string(b) {
			*h = v
			return nil
		}
	}
	return fmt.Errorf("trunk health %q: unknown", b)
}

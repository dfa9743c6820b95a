package trunk

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

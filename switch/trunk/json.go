package trunk

// MarshalText names the state in JSON ("registered").
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalText names the health in JSON ("up").
func (h Health) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

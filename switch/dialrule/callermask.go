package dialrule

// CallerMask selects inbound calls by caller number (the seed's "CID number
// mask"): the same grammar as DID pools, "0044********" (a UK caller: each
// '*' one digit, so the length is fixed), "00442012345670-00442012345680",
// ';' lists. "*" alone is any caller number. The empty mask is no condition
// at all and matches every caller, anonymous ones included.
type CallerMask struct {
	set numberSet
}

// ParseMask reads a caller-ID mask; "" matches every caller.
func ParseMask(s string) (CallerMask, error) {
	set, err := parseSet("caller mask", s)
	return CallerMask{set}, err
}

// Match reports whether the caller number is selected. It allocates
// nothing.
func (m CallerMask) Match(number string) bool {
	return len(m.set.terms) == 0 || m.set.contains(number)
}

// IsEmpty reports whether the mask is the empty one (every caller). The
// seed requires rules sharing a DID to all set a mask.
func (m CallerMask) IsEmpty() bool { return len(m.set.terms) == 0 }

// String is the canonical form; "" for the empty mask.
func (m CallerMask) String() string { return m.set.String() }

func (m CallerMask) numbers() numberSet {
	if len(m.set.terms) == 0 {
		return numberSet{all: true}
	}
	return m.set
}

// MarshalText writes the canonical form.
func (m CallerMask) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses like ParseMask.
func (m *CallerMask) UnmarshalText(b []byte) error {
	q, err := ParseMask(string(b))
	if err != nil {
		return err
	}
	*m = q
	return nil
}

package dialrule

import "strings"

// Pool is the set of DIDs a tenant may use on a shared trunk (seed 001,
// items 12-17), in the grammar of numberSet: "*", "44*****", "12000-18000"
// and ';' lists of them. The empty pool holds no DID: the tenant cannot
// create inbound rules on that trunk but may still call out through it.
type Pool struct {
	set numberSet
}

// ParsePool reads a DID pool; "" is the empty pool.
func ParsePool(s string) (Pool, error) {
	set, err := parseSet("DID pool", s)
	return Pool{set}, err
}

// ParseInboundDID reads the DID field of an inbound rule, which the seed
// restricts to "*" (any DID) or one number; ranges and prefix-with-wildcard
// forms ("004420*") are refused there. The result is a one-term Pool, so
// pools and rule DIDs can be checked with Contains and Overlaps.
func ParseInboundDID(s string) (Pool, error) {
	const what = "inbound DID"
	// The seed writes "00442012345678;": tolerate that one trailing ';'.
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";"))
	switch {
	case text == "":
		return Pool{}, syntaxErr(what, s, 0, "empty: want * or one number")
	case text == "*":
		return Pool{numberSet{terms: []term{{kind: termAny}}}}, nil
	}
	if i := strings.IndexAny(text, "*-;"); i >= 0 {
		return Pool{}, syntaxErr(what, s, strings.Index(s, text)+i+1, "%q: an inbound rule's DID is * or one number, not a range, list or mask", text[i])
	}
	return ParsePool(s)
}

// Contains reports whether did is in the pool. "*" holds every non-empty
// DID, numeric or not. It allocates nothing.
func (p Pool) Contains(did string) bool { return p.set.contains(did) }

// IsEmpty reports whether the pool holds no DID.
func (p Pool) IsEmpty() bool { return p.set.isEmpty() }

// HasAny reports whether the pool includes "*": no other tenant may then
// have any DID on the trunk (Overlaps says so too).
func (p Pool) HasAny() bool { return p.set.hasAny() }

// String is the canonical form: terms without blanks, joined by ';'.
func (p Pool) String() string { return p.set.String() }

func (p Pool) numbers() numberSet { return p.set }

// MarshalText writes the canonical form.
func (p Pool) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses like ParsePool.
func (p *Pool) UnmarshalText(b []byte) error {
	q, err := ParsePool(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

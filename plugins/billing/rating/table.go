package rating

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Table holds rates by direction and prefix and finds the rate of a
// number by longest prefix match. The zero Table is empty and ready.
// Lookups may run concurrently with each other, not with Add or an
// import.
type Table struct {
	dirs [len(directions)]prefixes
}

// prefixes are the rates of one direction: a map per prefix, and which
// prefix lengths occur, so that a lookup tries only those, longest
// first: at most MaxPrefixLen map probes and no allocation. (A trie
// answers in fewer steps but costs 40+ bytes per digit of every prefix,
// which a 100k-rate table in a 64 MiB Wasm instance cannot spare.)
type prefixes struct {
	rates map[string]Rate
	lens  uint64 // bit n set: some prefix has n bytes (n <= MaxPrefixLen < 64)
}

// Add inserts a valid rate. A rate with the same prefix and direction as
// one in the table is an error wrapping ErrDuplicate, and the table keeps
// the old one.
func (t *Table) Add(r Rate) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if t.has(r.Direction, r.Prefix) {
		return fmt.Errorf("rating: add %s rate %q: %w", r.Direction, r.Prefix, ErrDuplicate)
	}
	t.insert(r)
	return nil
}

// Lookup is the rate for a call in direction dir to number: the one with
// the longest prefix that number starts with. Numbers compare byte by
// byte as given (normalise them in the dial plan first: "+44..." matches
// prefix "+44", not "44"). An unknown direction finds nothing.
func (t *Table) Lookup(dir Direction, number string) (Rate, bool) {
	i := dir.index()
	if i < 0 {
		return Rate{}, false
	}
	p := &t.dirs[i]
	// Lengths present and no longer than number, longest first.
	lens := p.lens & (1<<(min(len(number), MaxPrefixLen)+1) - 1)
	for lens != 0 {
		n := bits.Len64(lens) - 1
		if r, ok := p.rates[number[:n]]; ok {
			return r, true
		}
		lens &^= 1 << n
	}
	return Rate{}, false
}

// Len is the number of rates.
func (t *Table) Len() int {
	n := 0
	for i := range t.dirs {
		n += len(t.dirs[i].rates)
	}
	return n
}

// Rates are all the rates, by direction (inbound, outbound, internal),
// then by prefix in byte order: the order of ExportCSV.
func (t *Table) Rates() []Rate {
	out := make([]Rate, 0, t.Len())
	for i := range t.dirs {
		start := len(out)
		for _, r := range t.dirs[i].rates {
			out = append(out, r)
		}
		slices.SortFunc(out[start:], func(a, b Rate) int { return strings.Compare(a.Prefix, b.Prefix) })
	}
	return out
}

func (t *Table) has(dir Direction, prefix string) bool {
	i := dir.index()
	if i < 0 {
		return false
	}
	_, ok := t.dirs[i].rates[prefix]
	return ok
}

// insert adds a rate already validated and known not to be a duplicate.
func (t *Table) insert(r Rate) {
	p := &t.dirs[r.Direction.index()]
	if p.rates == nil {
		p.rates = make(map[string]Rate)
	}
	p.rates[r.Prefix] = r
	p.lens |= 1 << len(r.Prefix)
}

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
//
// The index is a digit trie: a lookup walks one node per digit of the
// number, with no hashing and no allocation. Its nodes are 12 bytes and
// hold their children in one block, in digit order, sized to how many
// there are, because a trie with ten child slots per node (44 bytes)
// would need tens of MiB for a large deck of long prefixes, more than a
// Wasm instance can spare.
type Table struct {
	rates []Rate                     // in the order added
	nodes []trieNode                 // nodes[0] is unused: index 0 means none
	roots [len(directions)][2]uint32 // per direction: prefixes without and with the +
}

type trieNode struct {
	first uint32 // index of the children block: a node per bit of mask
	rate  uint32 // 1 + index in rates; 0: no rate ends here
	mask  uint16 // bit d: a child for digit d
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
	n, s := t.roots[i][0], number
	if len(s) > 0 && s[0] == '+' {
		n, s = t.roots[i][1], s[1:]
	}
	best := uint32(0)
	for k := 0; n != 0 && k < len(s); k++ {
		if n = t.child(n, s[k]); n != 0 && t.nodes[n].rate != 0 {
			best = t.nodes[n].rate
		}
	}
	if best == 0 {
		return Rate{}, false
	}
	return t.rates[best-1], true
}

// Len is the number of rates.
func (t *Table) Len() int { return len(t.rates) }

// Rates are all the rates, by direction (inbound, outbound, internal),
// then by prefix in byte order: the order of ExportCSV.
func (t *Table) Rates() []Rate {
	out := slices.Clone(t.rates)
	slices.SortFunc(out, func(a, b Rate) int {
		if c := a.Direction.index() - b.Direction.index(); c != 0 {
			return c
		}
		return strings.Compare(a.Prefix, b.Prefix)
	})
	return out
}

// child is n's child for the character c, or 0.
func (t *Table) child(n uint32, c byte) uint32 {
	d := c - '0'
	if d > 9 {
		return 0
	}
	nd := &t.nodes[n]
	bit := uint16(1) << d
	if nd.mask&bit == 0 {
		return 0
	}
	return nd.first + uint32(bits.OnesCount16(nd.mask&(bit-1)))
}

// node is the node of a valid prefix, or 0; create adds what is missing.
func (t *Table) node(dir Direction, prefix string, create bool) uint32 {
	root := &t.roots[dir.index()][0]
	if prefix[0] == '+' {
		root, prefix = &t.roots[dir.index()][1], prefix[1:]
	}
	if *root == 0 {
		if !create {
			return 0
		}
		if len(t.nodes) == 0 {
			t.nodes = append(t.nodes, trieNode{}) // index 0: none
		}
		t.nodes = append(t.nodes, trieNode{})
		*root = uint32(len(t.nodes) - 1)
	}
	n := *root
	for k := 0; k < len(prefix); k++ {
		next := t.child(n, prefix[k])
		if next == 0 {
			if !create {
				return 0
			}
			next = t.addChild(n, prefix[k]-'0')
		}
		n = next
	}
	return n
}

// blockSize is the size of the children block of a node with k
// children. Blocks grow 1, 2, 4, 8, 10, so that adding a child seldom
// moves a block, and what moving leaves unused stays below the live
// nodes.
func blockSize(k int) int {
	switch {
	case k <= 2:
		return k
	case k <= 4:
		return 4
	case k <= 8:
		return 8
	}
	return 10
}

// addChild gives node n a child for digit d and returns it.
func (t *Table) addChild(n uint32, d byte) uint32 {
	mask := t.nodes[n].mask
	k := bits.OnesCount16(mask)
	if k == blockSize(k) { // full: move the children to a bigger block
		old := t.nodes[n].first
		first := uint32(len(t.nodes))
		t.nodes = append(t.nodes, make([]trieNode, blockSize(k+1))...)
		copy(t.nodes[first:], t.nodes[old:old+uint32(k)])
		t.nodes[n].first = first
	}
	// Children are in digit order: shift those after d up by one. A
	// node's subtree moves with it, as it hangs from its first.
	first := t.nodes[n].first
	pos := first + uint32(bits.OnesCount16(mask&(1<<d-1)))
	copy(t.nodes[pos+1:first+uint32(k)+1], t.nodes[pos:first+uint32(k)])
	t.nodes[pos] = trieNode{}
	t.nodes[n].mask = mask | 1<<d
	return pos
}

func (t *Table) has(dir Direction, prefix string) bool {
	n := t.node(dir, prefix, false)
	return n != 0 && t.nodes[n].rate != 0
}

// insert adds a rate already validated and known not to be a duplicate.
func (t *Table) insert(r Rate) {
	n := t.node(r.Direction, r.Prefix, true)
	t.rates = append(t.rates, r)
	t.nodes[n].rate = uint32(len(t.rates))
}

package dialrule

// Compare orders patterns most specific first, in the spirit of Asterisk's
// extension sorting, for slices.SortFunc: position by position, the first
// position that differs decides; a smaller symbol set is more specific
// (a literal before [1-3] before N before X), ties go to the lower symbol.
// Past the fixed positions, ending there sorts first, then '.', then '!'
// (which also accepts nothing). So "9011." sorts before "9NXX." and "12X"
// before "12.", and the first matching rule of a sorted list is the most
// specific one. Equal patterns compare 0.
func Compare(a, b Pattern) int {
	for i := 0; ; i++ {
		ka, kb := orderKey(a, i), orderKey(b, i)
		if ka != kb {
			if ka < kb {
				return -1
			}
			return 1
		}
		if i >= len(a.pos) { // both ended the same way
			return 0
		}
	}
}

// orderKey packs, for position i, (kind, set size, lowest symbol, set) into
// one comparable number. Kinds: 0 the pattern ends here, 1 a fixed
// position, 2 '.', 3 '!'.
func orderKey(p Pattern, i int) uint64 {
	if i < len(p.pos) {
		s := p.pos[i]
		return 1<<40 | uint64(s.size())<<24 | uint64(s.lowest())<<16 | uint64(s)
	}
	switch p.tail {
	case tailDot:
		return 2 << 40
	case tailBang:
		return 3 << 40
	}
	return 0
}

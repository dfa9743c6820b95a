package dialrule

import (
	"math/bits"
	"strings"
)

// symset is a set of number symbols, one bit each: 0-9 are bits 0-9, then
// '*', '#', '+'. One position of a pattern is a symset, which makes matching
// a table lookup and an AND, and overlap a per-position AND.
type symset uint16

const (
	setDigits symset = 1<<10 - 1         // X
	setN      symset = setDigits &^ 0b11 // 2-9
	setZ      symset = setDigits &^ 0b1  // 1-9
	setAll    symset = 1<<13 - 1         // anything a number may hold
	bitStar   symset = 1 << 10
	bitHash   symset = 1 << 11
	bitPlus   symset = 1 << 12
)

// MaxLen bounds every number, mask term and pattern. E.164 numbers have at
// most 15 digits; 32 leaves room for access codes and prefixes while keeping
// junk input out.
const MaxLen = 32

// symBit maps a byte to its symset bit, 0 for bytes that are not symbols,
// so an invalid character simply fails every position.
var symBit = func() (t [256]symset) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = 1 << (c - '0')
	}
	t['*'], t['#'], t['+'] = bitStar, bitHash, bitPlus
	return t
}()

func (s symset) size() int { return bits.OnesCount16(uint16(s)) }

func (s symset) lowest() int { return bits.TrailingZeros16(uint16(s)) }

// symChar is the inverse of symBit for bit index i.
func symChar(i int) byte {
	switch {
	case i < 10:
		return byte('0' + i)
	case i == 10:
		return '*'
	case i == 11:
		return '#'
	}
	return '+'
}

// String renders a set in pattern syntax: a literal, X N Z, or a class with
// runs of three or more digits as ranges.
func (s symset) String() string {
	switch s {
	case setDigits:
		return "X"
	case setN:
		return "N"
	case setZ:
		return "Z"
	}
	if s.size() == 1 {
		return string(symChar(s.lowest()))
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < 13; {
		if s&(1<<i) == 0 {
			i++
			continue
		}
		j := i
		for j+1 < 10 && s&(1<<(j+1)) != 0 {
			j++
		}
		switch {
		case j-i >= 2:
			b.WriteByte(symChar(i))
			b.WriteByte('-')
			b.WriteByte(symChar(j))
		default:
			for k := i; k <= j; k++ {
				b.WriteByte(symChar(k))
			}
		}
		i = j + 1
	}
	b.WriteByte(']')
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

package rating

import (
	"math"
	"math/bits"
)

// u128 is an unsigned 128-bit integer for the intermediate products of a
// charge (seconds × price per minute × surcharge), which overflow int64
// for large but valid inputs. Its operations saturate at maxU128 rather
// than wrap, so an absurd rate costs MaxMoney instead of a small amount.
type u128 struct{ hi, lo uint64 }

var maxU128 = u128{math.MaxUint64, math.MaxUint64}

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

func (x u128) add(y u128) u128 {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c := bits.Add64(x.hi, y.hi, c)
	if c != 0 {
		return maxU128
	}
	return u128{hi, lo}
}

func (x u128) mul(y uint64) u128 {
	h1, lo := bits.Mul64(x.lo, y)
	h2, l2 := bits.Mul64(x.hi, y)
	hi, c := bits.Add64(l2, h1, 0)
	if h2 != 0 || c != 0 {
		return maxU128
	}
	return u128{hi, lo}
}

// div is x / y, rounded down; y > 0.
func (x u128) div(y uint64) u128 {
	q1, r := x.hi/y, x.hi%y
	q0, _ := bits.Div64(r, x.lo, y)
	return u128{q1, q0}
}

// money is x as Money, MaxMoney when it does not fit.
func (x u128) money() Money {
	if x.hi != 0 || x.lo > math.MaxInt64 {
		return MaxMoney
	}
	return Money(x.lo)
}

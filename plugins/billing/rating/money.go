package rating

import (
	"errors"
	"math"
	"strconv"
)

// Money is an amount in millionths of the currency unit (micro-units).
// Integers keep every charge exact and identical on the host and in Wasm;
// a float64 cannot even hold 0.1 exactly.
type Money int64

// Money units.
const (
	Micro    Money = 1             // the smallest amount: 0.000001
	Unit     Money = 1_000_000     // one currency unit: "1"
	MaxMoney Money = math.MaxInt64 // where the arithmetic saturates
)

// The decimal representation shared by Money and Fraction.
const (
	decimals       = 6                     // digits after the point
	scale    int64 = 1_000_000             // 10^decimals
	maxMagn        = uint64(math.MaxInt64) // largest positive magnitude
)

// Fraction is a dimensionless ratio in millionths (parts per million),
// used for PostCallSurcharge: 0.01 (1 %) is 10_000. It shares Money's
// decimal syntax and precision.
type Fraction int64

// Fraction units.
const (
	Percent Fraction = 10_000    // 0.01
	One     Fraction = 1_000_000 // 1 (100 %)
)

// ParseMoney reads a decimal amount: an optional sign, digits, and up to 6
// decimals after a point ("0.015", "-3", "+1.5"). More decimals are an
// error rather than a silent rounding; so are exponents, thousands
// separators, spaces, a bare point (".5", "1.") and values out of range.
func ParseMoney(s string) (Money, error) {
	v, err := parseDecimal(s)
	if err != nil {
		return 0, errors.New("rating: money " + strconv.Quote(s) + ": " + err.Error())
	}
	return Money(v), nil
}

// String formats m in the syntax ParseMoney reads, with no trailing zeros
// ("0.015", "-3", "1.32").
func (m Money) String() string { return formatDecimal(int64(m)) }

// MarshalText makes Money a decimal string in JSON and text encodings.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads what ParseMoney reads.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseFraction reads a decimal ratio with the syntax of ParseMoney
// ("0.1" is 10 %).
func ParseFraction(s string) (Fraction, error) {
	v, err := parseDecimal(s)
	if err != nil {
		return 0, errors.New("rating: fraction " + strconv.Quote(s) + ": " + err.Error())
	}
	return Fraction(v), nil
}

// String formats f as ParseFraction reads it ("0.1").
func (f Fraction) String() string { return formatDecimal(int64(f)) }

// MarshalText makes Fraction a decimal string in JSON and text encodings.
func (f Fraction) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads what ParseFraction reads.
func (f *Fraction) UnmarshalText(b []byte) error {
	v, err := ParseFraction(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// parseDecimal reads [+-]digits[.digits] into millionths. Its errors are
// bare reasons; callers add which value and field they concern.
func parseDecimal(s string) (int64, error) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	whole := s[start:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[f:i]
		if frac == "" {
			return 0, errors.New("no digits after the decimal point")
		}
	}
	switch {
	case s == "":
		return 0, errors.New("empty")
	case i < len(s):
		return 0, errors.New("unexpected " + strconv.QuoteRune(rune(s[i])) + " (want digits with an optional sign and decimal point)")
	case whole == "":
		return 0, errors.New("no digits before the decimal point")
	case len(frac) > decimals:
		return 0, errors.New("more than 6 decimals")
	}
	limit := maxMagn
	if neg {
		limit++ // -9223372036854.775808 is representable
	}
	var u uint64
	for k := 0; k < len(whole)+decimals; k++ {
		d := uint64(0)
		if k < len(whole) {
			d = uint64(whole[k] - '0')
		} else if j := k - len(whole); j < len(frac) {
			d = uint64(frac[j] - '0')
		}
		if u > (limit-d)/10 {
			return 0, errors.New("out of range")
		}
		u = u*10 + d
	}
	if neg {
		return int64(-u), nil // two's complement: also right for 1<<63
	}
	return int64(u), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// formatDecimal writes millionths as a decimal without trailing zeros.
func formatDecimal(v int64) string {
	var buf [24]byte
	b := buf[:0]
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u // two's complement: also right for math.MinInt64
	}
	b = strconv.AppendUint(b, u/uint64(scale), 10)
	if f := u % uint64(scale); f != 0 {
		var d [decimals]byte
		for k := decimals - 1; k >= 0; k-- {
			d[k] = byte('0' + f%10)
			f /= 10
		}
		n := decimals
		for d[n-1] == '0' {
			n--
		}
		b = append(b, '.')
		b = append(b, d[:n]...)
	}
	return string(b)
}

package rating

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Money
		out  string // String of the result
	}{
		{"0", 0, "0"},
		{"-0", 0, "0"},
		{"0.015", 15_000, "0.015"},
		{"-3", -3 * Unit, "-3"},
		{"+1.5", 1_500_000, "1.5"},
		{"1.320000", 1_320_000, "1.32"},
		{"0.000001", Micro, "0.000001"},
		{"-0.000001", -Micro, "-0.000001"},
		{"007.10", 7_100_000, "7.1"},
		{"9223372036854.775807", MaxMoney, "9223372036854.775807"},
		{"-9223372036854.775808", math.MinInt64, "-9223372036854.775808"},
	} {
		got, err := ParseMoney(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			continue
		}
		if s := got.String(); s != tc.out {
			t.Errorf("Money(%d).String() = %q, want %q", got, s, tc.out)
		}
	}
}

func TestParseMoneyErrors(t *testing.T) {
	for _, tc := range []struct{ in, reason string }{
		{"", "empty"},
		{"-", "no digits before"},
		{"+", "no digits before"},
		{".5", "no digits before"},
		{"1.", "no digits after"},
		{"0.0000001", "more than 6 decimals"},
		{"0.1234560", "more than 6 decimals"}, // exact, but the rule is the number of decimals
		{"1e3", "unexpected 'e'"},
		{"1,5", "unexpected ','"},
		{" 1", "unexpected ' '"},
		{"1 ", "unexpected ' '"},
		{"--1", "unexpected '-'"},
		{"1.2.3", "unexpected '.'"},
		{"0x10", "unexpected 'x'"},
		{"NaN", "unexpected 'N'"},
		{"9223372036854.775808", "out of range"},
		{"-9223372036854.775809", "out of range"},
		{"99999999999999999999", "out of range"},
	} {
		_, err := ParseMoney(tc.in)
		if err == nil {
			t.Errorf("ParseMoney(%q): no error", tc.in)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) || !strings.HasPrefix(err.Error(), "rating: money ") {
			t.Errorf("ParseMoney(%q) = %q, want a rating: money error with %q", tc.in, err, tc.reason)
		}
	}
}

// Every int64 formats to a string that parses back to it.
func TestMoneyRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []Money{0, 1, -1, MaxMoney, math.MinInt64, Unit, -Unit, 999_999, 1_000_001}
	for range 10000 {
		vals = append(vals, Money(rng.Int64()>>rng.IntN(63)), -Money(rng.Int64N(1e12)))
	}
	for _, v := range vals {
		got, err := ParseMoney(v.String())
		if err != nil || got != v {
			t.Fatalf("ParseMoney(%q) = %d, %v; want %d", v.String(), got, err, v)
		}
	}
}

func TestFraction(t *testing.T) {
	f, err := ParseFraction("0.10")
	if err != nil || f != 10*Percent || f.String() != "0.1" {
		t.Fatalf("ParseFraction(0.10) = %d (%s), %v", f, f, err)
	}
	if _, err := ParseFraction("10 %"); err == nil || !strings.HasPrefix(err.Error(), "rating: fraction \"10 %\"") {
		t.Fatalf("ParseFraction(10 %%) = %v", err)
	}
}

func TestMoneyJSON(t *testing.T) {
	type v struct {
		M Money
		F Fraction
	}
	b, err := json.Marshal(v{M: 1_320_000, F: Percent})
	if err != nil || string(b) != `{"M":"1.32","F":"0.01"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var got v
	if err := json.Unmarshal(b, &got); err != nil || got.M != 1_320_000 || got.F != Percent {
		t.Fatalf("Unmarshal = %+v, %v", got, err)
	}
	if err := json.Unmarshal([]byte(`{"M":"0.0000001"}`), &got); err == nil {
		t.Fatal("Unmarshal of 7 decimals: no error")
	}
}

// Whatever parses formats back to a string that parses to the same value.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"0.015", "-3", "+1.5", "9223372036854.775807", "-9223372036854.775808", ".5", "1.", "0.0000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %d, formats %q, parses back %d, %v", s, m, m.String(), back, err)
		}
	})
}

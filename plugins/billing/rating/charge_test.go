package rating

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

// money parses a literal of a test.
func money(t testing.TB, s string) Money {
	t.Helper()
	m, err := ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// manualRate is the example of the brief: a 165 s call is 4 IntervalN
// past Interval1 + FreeSeconds.
func manualRate(t testing.TB) Rate {
	return Rate{
		Prefix: "44", Direction: Outbound,
		ConnectFee: money(t, "0.10"), Price1: money(t, "0.50"), PriceN: money(t, "0.30"),
		Interval1: 60, IntervalN: 30, FreeSeconds: 10, PostCallSurcharge: 10 * Percent,
	}
}

// The manual's formula with concrete numbers:
// (ConnectFee + Interval1×Price1/60 + 4×IntervalN×PriceN/60) × (1 + PostCallSurcharge)
// = (0.10 + 60×0.50/60 + 4×30×0.30/60) × 1.10 = (0.10 + 0.50 + 0.60) × 1.10 = 1.32.
func TestChargeManualFormula(t *testing.T) {
	r := manualRate(t)
	if got := Charge(r, 165*time.Second); got != money(t, "1.32") {
		t.Fatalf("Charge(165 s) = %s, want 1.32", got)
	}
	// The formula itself, for every multiple n of IntervalN past the free seconds.
	for n := int64(1); n <= 10; n++ {
		d := time.Duration(int64(r.Interval1+r.FreeSeconds)+n*int64(r.IntervalN)) * time.Second
		// In micro-units/60 then ×1.10: exact, no rounding needed here.
		sum := int64(r.ConnectFee)*60 + int64(r.Interval1)*int64(r.Price1) + n*int64(r.IntervalN)*int64(r.PriceN)
		want := Money(sum * 110 / 100 / 60)
		if got := Charge(r, d); got != want {
			t.Errorf("Charge(%v) = %s, want %s", d, got, want)
		}
	}
}

func TestChargeBoundaries(t *testing.T) {
	base := manualRate(t)
	with := func(edit func(*Rate)) Rate {
		r := base
		edit(&r)
		return r
	}
	grace1 := with(func(r *Rate) { r.GracePeriod = 1 })
	grace5 := with(func(r *Rate) { r.GracePeriod = 5 })
	perSecondN := with(func(r *Rate) { r.IntervalN = 0 })
	perSecond1 := with(func(r *Rate) { r.Interval1 = 0 })
	oneN := with(func(r *Rate) { r.IntervalN = 1 })
	one1 := with(func(r *Rate) { r.Interval1 = 1 })
	free := with(func(r *Rate) { r.ConnectFee, r.Price1, r.PriceN = 0, 0, 0 })
	connectOnly := with(func(r *Rate) { r.Price1, r.PriceN = 0, 0 })
	noFirst := with(func(r *Rate) { r.Price1 = 0 })
	noSurcharge := with(func(r *Rate) { r.PostCallSurcharge = 0 })
	noFree := with(func(r *Rate) { r.FreeSeconds = 0 })
	s := time.Second
	for _, tc := range []struct {
		name string
		r    Rate
		talk time.Duration
		want string
	}{
		// First part: (0.10 + 0.50) × 1.10 = 0.66.
		{"0 s, grace 0: connect fee and Interval1", base, 0, "0.66"},
		{"0 s, grace 1: nothing", grace1, 0, "0"},
		{"1 ns, grace 1: a started second", grace1, 1, "0.66"},
		{"1 s, grace 1", grace1, s, "0.66"},
		{"negative talk is 0 s", base, -s, "0.66"},
		{"negative talk, grace 1", grace1, -s, "0"},
		{"4 s, grace 5", grace5, 4 * s, "0"},
		{"4.5 s, grace 5: rounds up to 5 s", grace5, 4*s + s/2, "0.66"},
		{"5 s, grace 5", grace5, 5 * s, "0.66"},
		{"1 s: rounds up to Interval1", base, s, "0.66"},
		{"59 s", base, 59 * s, "0.66"},
		{"60 s = Interval1", base, 60 * s, "0.66"},
		{"61 s: in the free seconds", base, 61 * s, "0.66"},
		{"70 s = Interval1 + FreeSeconds", base, 70 * s, "0.66"},
		{"70.000000001 s: 71 s, a first IntervalN", base, 70*s + 1, "0.825"},
		{"71 s: + 30 s at 0.30 = 0.15", base, 71 * s, "0.825"},
		{"100 s: end of block 1", base, 100 * s, "0.825"},
		{"101 s: block 2", base, 101 * s, "0.99"},
		{"130 s", base, 130 * s, "0.99"},
		{"131 s: block 3", base, 131 * s, "1.155"},
		{"160 s", base, 160 * s, "1.155"},
		{"161 s: block 4", base, 161 * s, "1.32"},
		{"190 s", base, 190 * s, "1.32"},
		{"191 s: block 5", base, 191 * s, "1.485"},
		{"one hour: 3530 s past, 118 blocks", base, time.Hour, "20.13"}, // (0.6 + 118×0.15)×1.1
		// IntervalN 0 is per second: 1 s at 0.30/min = 0.005.
		{"IntervalN 0, 70 s", perSecondN, 70 * s, "0.66"},
		{"IntervalN 0, 71 s", perSecondN, 71 * s, "0.6655"},
		{"IntervalN 0, 72 s", perSecondN, 72 * s, "0.671"},
		{"IntervalN 1 = IntervalN 0", oneN, 72 * s, "0.671"},
		// Interval1 0 is per second: 0.10 + 0.50/60 = 0.108333…, ×1.1 = 0.1191666… → 0.119167.
		{"Interval1 0, 0 s", perSecond1, 0, "0.119167"},
		{"Interval1 0, 1 s", perSecond1, s, "0.119167"},
		{"Interval1 0, 11 s = 1 + FreeSeconds", perSecond1, 11 * s, "0.119167"},
		{"Interval1 0, 12 s: a first IntervalN", perSecond1, 12 * s, "0.284167"},
		{"Interval1 1 = Interval1 0", one1, 12 * s, "0.284167"},
		// Prices 0.
		{"all prices 0", free, time.Hour, "0"},
		{"connect fee only", connectOnly, time.Hour, "0.11"},
		{"Price1 0", noFirst, 71 * s, "0.275"}, // (0.10 + 0.15) × 1.1
		{"no surcharge", noSurcharge, 165 * s, "1.2"},
		{"no free seconds, 61 s", noFree, 61 * s, "0.825"},
		{"no free seconds, 60 s", noFree, 60 * s, "0.66"},
	} {
		if got := Charge(tc.r, tc.talk); got != money(t, tc.want) {
			t.Errorf("%s: Charge(%v) = %s, want %s", tc.name, tc.talk, got, tc.want)
		}
	}
}

// The one rounding: half up to the micro-unit, of the exact total.
func TestChargeRounding(t *testing.T) {
	r := Rate{Prefix: "1", Direction: Inbound, Interval1: 30, Price1: Micro} // 30 s of 0.000001/min: 0.5 µ
	for _, tc := range []struct {
		name string
		edit func(*Rate)
		want Money
	}{
		{"0.5 µ rounds up", func(*Rate) {}, 1},
		{"0.4833 µ rounds down", func(r *Rate) { r.Interval1 = 29 }, 0},
		{"0.5167 µ rounds up", func(r *Rate) { r.Interval1 = 31 }, 1},
		{"1.5 µ up", func(r *Rate) { r.Interval1 = 90 }, 2},
		{"1 µ × 1.4 = 1.4 µ down", func(r *Rate) { r.Interval1, r.Price1, r.ConnectFee, r.PostCallSurcharge = 1, 0, Micro, 40*Percent }, 1},
		{"1 µ × 1.5 = 1.5 µ up", func(r *Rate) { r.Interval1, r.Price1, r.ConnectFee, r.PostCallSurcharge = 1, 0, Micro, 50*Percent }, 2},
	} {
		rr := r
		tc.edit(&rr)
		if got := Charge(rr, 0); got != tc.want {
			t.Errorf("%s: Charge = %d µ, want %d", tc.name, got, tc.want)
		}
	}
	// Rounding once: two parts of 0.4833 µ are 0.9667 µ → 1, where
	// rounding each part would give 0.
	twoParts := Rate{Prefix: "1", Direction: Inbound, Interval1: 29, Price1: Micro, IntervalN: 29, PriceN: Micro}
	if got := Charge(twoParts, 58*time.Second); got != 1 {
		t.Errorf("two parts of 0.4833 µ: Charge = %d µ, want 1 (rounded once)", got)
	}
}

// Large valid rates do not overflow: the arithmetic is 128-bit, and a
// charge beyond MaxMoney saturates.
func TestChargeLarge(t *testing.T) {
	r := Rate{Prefix: "1", Direction: Inbound, Interval1: MaxSeconds, IntervalN: MaxSeconds,
		Price1: 1_000_000 * Unit, PriceN: 1_000_000 * Unit, PostCallSurcharge: MaxSurcharge}
	// One day at 1e6/min, ×11: 1440e6 × 11 = 15 840 000 000.
	if got, want := Charge(r, 0), 15_840_000_000*Unit; got != want {
		t.Errorf("Charge(0) = %s, want %s", got, want)
	}
	r.Price1, r.PriceN = MaxMoney, MaxMoney
	if got := Charge(r, math.MaxInt64); got != MaxMoney {
		t.Errorf("Charge(absurd) = %s, want MaxMoney", got)
	}
	// Every charge saturates at MaxMoney: MaxMoney pays any call, less pays none.
	if d, ok := MaxDuration(r, MaxMoney-1); ok || d != 0 {
		t.Errorf("MaxDuration(absurd, MaxMoney-1) = %v, %v; want refused", d, ok)
	}
	if d, ok := MaxDuration(r, MaxMoney); !ok || d != 0 {
		t.Errorf("MaxDuration(absurd, MaxMoney) = %v, %v; want no cap", d, ok)
	}
}

// Invalid rates do not panic and count negative fields as 0.
func TestChargeInvalidRate(t *testing.T) {
	r := Rate{ConnectFee: -Unit, Price1: -Unit, PriceN: -Unit, Interval1: -1, IntervalN: -1,
		FreeSeconds: -1, GracePeriod: -1, PostCallSurcharge: -One}
	if got := Charge(r, time.Hour); got != 0 {
		t.Errorf("Charge(negative rate) = %s, want 0", got)
	}
	huge := Rate{Interval1: math.MaxInt, IntervalN: math.MaxInt, FreeSeconds: math.MaxInt, GracePeriod: math.MaxInt,
		Price1: MaxMoney, PriceN: MaxMoney, ConnectFee: MaxMoney, PostCallSurcharge: math.MaxInt64}
	_ = Charge(huge, math.MaxInt64)
	_, _ = MaxDuration(huge, MaxMoney)
	huge.GracePeriod = 0
	_ = Charge(huge, math.MaxInt64)
	_, _ = MaxDuration(huge, MaxMoney)
}

// refCharge is Charge written from the rules with exact rationals.
func refCharge(r Rate, talk time.Duration) Money {
	secs := int64(0)
	if talk > 0 {
		secs = int64(talk / time.Second)
		if talk%time.Second != 0 {
			secs++
		}
	}
	if secs < int64(r.GracePeriod) {
		return 0
	}
	i1, in := int64(max(r.Interval1, 1)), int64(max(r.IntervalN, 1))
	rat := func(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }
	perSec := func(price Money, secs int64) *big.Rat { // micro-units
		return new(big.Rat).Mul(rat(secs), new(big.Rat).SetFrac64(int64(price), 60))
	}
	total := new(big.Rat).Add(rat(int64(r.ConnectFee)), perSec(r.Price1, i1))
	if rest := secs - i1 - int64(r.FreeSeconds); rest > 0 {
		blocks := (rest + in - 1) / in
		total.Add(total, perSec(r.PriceN, blocks*in))
	}
	total.Mul(total, new(big.Rat).SetFrac64(int64(One+r.PostCallSurcharge), int64(One)))
	total.Add(total, big.NewRat(1, 2)) // half up
	q := new(big.Int).Quo(total.Num(), total.Denom())
	if !q.IsInt64() {
		return MaxMoney
	}
	return Money(q.Int64())
}

// randRate draws a valid rate, with zero, small and large fields.
func randRate(rng *rand.Rand) Rate {
	secs := func() int {
		switch rng.IntN(5) {
		case 0:
			return 0
		case 1:
			return 1 + rng.IntN(10)
		case 2:
			return rng.IntN(MaxSeconds + 1)
		}
		return 1 + rng.IntN(120)
	}
	price := func() Money {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return Money(rng.Int64N(100)) // a few micro-units
		case 2:
			return Money(rng.Int64N(1_000_000 * int64(Unit)))
		}
		return Money(rng.Int64N(5 * int64(Unit)))
	}
	return Rate{
		Prefix: "1", Direction: Outbound,
		FreeSeconds: secs(), GracePeriod: secs() % 11, Interval1: secs(), IntervalN: secs(),
		ConnectFee: price(), Price1: price(), PriceN: price(),
		PostCallSurcharge: Fraction(rng.Int64N(int64(MaxSurcharge)+1)) >> rng.IntN(8),
	}
}

func TestChargeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	talks := []time.Duration{0, 1, time.Second, time.Minute, time.Hour, 24 * time.Hour, 365 * 24 * time.Hour, math.MaxInt64}
	for range 20000 {
		r := randRate(rng)
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		talk := talks[rng.IntN(len(talks))] + time.Duration(rng.Int64N(int64(10*time.Minute)))
		if talk < 0 {
			talk = math.MaxInt64
		}
		if got, want := Charge(r, talk), refCharge(r, talk); got != want {
			t.Fatalf("Charge(%+v, %v) = %d, reference %d", r, talk, got, want)
		}
	}
}

// Charge never decreases with talk time (MaxDuration relies on it).
func TestChargeMonotonic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		r := randRate(rng)
		prev := Money(0)
		for s := range 400 {
			c := Charge(r, time.Duration(s)*time.Second)
			if c < prev {
				t.Fatalf("%+v: Charge(%d s) = %d < Charge(%d s) = %d", r, s, c, s-1, prev)
			}
			prev = c
		}
	}
}

func TestMaxDuration(t *testing.T) {
	r := manualRate(t)
	s := time.Second
	for _, tc := range []struct {
		name    string
		r       Rate
		balance string
		want    time.Duration
		ok      bool
	}{
		{"cannot pay the first part", r, "0.659999", 0, false},
		{"zero balance", r, "0", 0, false},
		{"negative balance", r, "-1", 0, false},
		{"exactly the first part", r, "0.66", 70 * s, true},
		{"just under one block", r, "0.824999", 70 * s, true},
		{"one block", r, "0.825", 100 * s, true},
		{"the manual's 4 blocks", r, "1.32", 190 * s, true},
		{"4 blocks and change", r, "1.484999", 190 * s, true},
		{"unlimited: PriceN 0", func() Rate { r := r; r.PriceN = 0; return r }(), "0.66", 0, true},
		{"PriceN 0, first part too dear", func() Rate { r := r; r.PriceN = 0; return r }(), "0.65", 0, false},
		{"free rate, zero balance", Rate{Prefix: "1", Direction: Inbound}, "0", 0, true},
		{"free rate, negative balance", Rate{Prefix: "1", Direction: Inbound}, "-0.01", 0, false},
		{"per-second rest", Rate{Prefix: "1", Direction: Inbound, Interval1: 60, Price1: Unit, PriceN: Unit}, "2", 120 * s, true},
		{"grace beyond the affordable blocks", Rate{Prefix: "1", Direction: Inbound, GracePeriod: 30, Interval1: 1, IntervalN: 1, PriceN: 60 * Unit}, "5", 29 * s, true},
		{"grace inside the affordable blocks", Rate{Prefix: "1", Direction: Inbound, GracePeriod: 3, Interval1: 1, IntervalN: 1, PriceN: 60 * Unit}, "5", 6 * s, true},
		{"balance beyond any time.Duration", Rate{Prefix: "1", Direction: Inbound, PriceN: Micro}, MaxMoney.String(), 0, true},
	} {
		d, ok := MaxDuration(tc.r, money(t, tc.balance))
		if d != tc.want || ok != tc.ok {
			t.Errorf("%s: MaxDuration(%s) = %v, %v; want %v, %v", tc.name, tc.balance, d, ok, tc.want, tc.ok)
		}
	}
}

// checkMaxDuration asserts the contract of MaxDuration for one rate and
// balance.
func checkMaxDuration(t *testing.T, r Rate, b Money) (time.Duration, bool) {
	t.Helper()
	d, ok := MaxDuration(r, b)
	first := Charge(Rate{ConnectFee: r.ConnectFee, Price1: r.Price1, Interval1: r.Interval1, PostCallSurcharge: r.PostCallSurcharge}, 0)
	switch {
	case !ok:
		if d != 0 || first <= b {
			t.Fatalf("%+v balance %s: refused (%v) though the first part costs %s", r, b, d, first)
		}
	case d == 0: // no cap
		if first > b || Charge(r, math.MaxInt64) > b {
			t.Fatalf("%+v balance %s: no cap, but the longest call costs %s", r, b, Charge(r, math.MaxInt64))
		}
	default:
		if d%time.Second != 0 || Charge(r, d) > b || Charge(r, d+1) <= b || Charge(r, d+time.Second) <= b {
			t.Fatalf("%+v balance %s: cap %v costs %s, 1 s more %s", r, b, d, Charge(r, d), Charge(r, d+time.Second))
		}
	}
	return d, ok
}

// The property: Charge(MaxDuration) <= balance < Charge(MaxDuration + 1 s).
func TestMaxDurationProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var capped, unlimited, refused int
	for range 50000 {
		r := randRate(rng)
		var b Money
		switch rng.IntN(4) {
		case 0:
			b = Money(rng.Int64N(100 * int64(Unit)))
		case 1:
			b = Charge(r, time.Duration(rng.Int64N(int64(48*time.Hour)))) + Money(rng.Int64N(3)) - 1 // near a step
		case 2:
			b = Money(rng.Int64()) >> rng.IntN(63)
		default:
			b = -Money(rng.Int64N(int64(Unit)))
		}
		d, ok := checkMaxDuration(t, r, b)
		switch {
		case !ok:
			refused++
		case d == 0:
			unlimited++
		default:
			capped++
		}
	}
	t.Logf("capped %d, unlimited %d, refused %d", capped, unlimited, refused)
	if capped < 10000 || unlimited < 1000 || refused < 1000 {
		t.Errorf("poor coverage: capped %d, unlimited %d, refused %d", capped, unlimited, refused)
	}
}

// Against a linear scan of every second, for small caps.
func TestMaxDurationScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	compared := 0
	for range 1000 {
		r := Rate{Prefix: "1", Direction: Inbound,
			GracePeriod: rng.IntN(20), Interval1: rng.IntN(40), IntervalN: rng.IntN(40), FreeSeconds: rng.IntN(40),
			ConnectFee: Money(rng.Int64N(100)), Price1: Money(rng.Int64N(3000)), PriceN: 1 + Money(rng.Int64N(3000)),
			PostCallSurcharge: Fraction(rng.Int64N(int64(One)))}
		b := Money(rng.Int64N(2000))
		d, ok := MaxDuration(r, b)
		if !ok {
			continue
		}
		last := -1
		for s := range 5000 {
			if Charge(r, time.Duration(s)*time.Second) <= b {
				last = s
			}
		}
		if last >= 4999 {
			continue // the cap is beyond the scan
		}
		compared++
		if d != time.Duration(last)*time.Second {
			t.Fatalf("%+v balance %d: MaxDuration = %v, scan %d s", r, b, d, last)
		}
	}
	if compared < 500 {
		t.Errorf("only %d caps compared", compared)
	}
}

func BenchmarkCharge(b *testing.B) {
	r := manualRate(b)
	for i := 0; b.Loop(); i++ {
		_ = Charge(r, time.Duration(i%7200)*time.Second)
	}
}

func BenchmarkMaxDuration(b *testing.B) {
	r := manualRate(b)
	for i := 0; b.Loop(); i++ {
		_, _ = MaxDuration(r, Money(i%1000)*Unit)
	}
}

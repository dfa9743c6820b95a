package rating

import (
	"math"
	"time"
)

// Charge is the amount a call of the given talk time costs under r
// (manual, section 5.13):
//
//   - talk is counted in whole seconds, a fraction of a second rounding
//     up (1.2 s is 2 s), since the manual counts seconds; negative is 0;
//   - a call shorter than GracePeriod costs nothing, not even ConnectFee
//     (GracePeriod 1 frees a 0-second call, GracePeriod 0 does not);
//   - otherwise it costs ConnectFee plus Interval1 seconds at Price1
//     (shorter calls round up to Interval1); the next FreeSeconds are
//     free; what is left beyond Interval1+FreeSeconds rounds up to a
//     multiple of IntervalN seconds at PriceN;
//   - the sum is multiplied by 1 + PostCallSurcharge.
//
// An interval of 0 means per-second billing, that is 1 s. Prices are per
// minute, so n seconds at price p cost n×p/60. The whole expression is
// computed exactly and rounded once at the end, half up, to the
// micro-unit (0.0000005 becomes 0.000001): splitting it into rounded
// parts would make the total depend on the order of the steps. A charge
// beyond MaxMoney is MaxMoney.
//
// r should pass Validate. For a rate that does not, Charge does not
// panic, negative fields count as 0, and the amount means little.
func Charge(r Rate, talk time.Duration) Money {
	p := newPlan(r)
	s := talkSeconds(talk)
	if s < p.grace {
		return 0
	}
	return p.cost(p.blocks(s))
}

// MaxDuration is the longest talk time whose Charge does not exceed
// balance: the time limit to give a call. The answer is whole seconds,
// and it is exact: Charge(d) <= balance < Charge(d + 1ns).
//
// ok is false when the balance cannot pay the first part of a charged
// call, ConnectFee and Interval1 at Price1 with the surcharge: the call
// must be refused (even though a call shorter than GracePeriod would be
// free, it cannot be known in advance to stay that short).
//
// ok with d == 0 means no cap: PriceN is 0, so the charge stops growing
// after the first part, or the balance outlasts any time.Duration. (A
// cap is never 0: a first part that is affordable lasts at least 1 s.)
//
// The hook ABI carries a cap in milliseconds in a u32 (49.7 days); a
// caller clamps d to what it can pass.
func MaxDuration(r Rate, balance Money) (d time.Duration, ok bool) {
	p := newPlan(r)
	if p.cost(0) > balance {
		return 0, false
	}
	// The longest talk Charge can be asked about, in whole seconds
	// (rounded up: MaxInt64 ns is not a whole number of seconds).
	const top = uint64(math.MaxInt64/int64(time.Second)) + 1
	nTop := p.blocks(top)
	if p.grace > top || p.cost(nTop) <= balance {
		return 0, true // also PriceN == 0: every block costs nothing
	}
	// cost is non-decreasing in n: find the last affordable block count,
	// keeping cost(lo) <= balance < cost(hi).
	lo, hi := uint64(0), nTop
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if p.cost(mid) <= balance {
			lo = mid
		} else {
			hi = mid
		}
	}
	// lo < nTop, so s < top and s seconds fit in a Duration.
	s := p.start() + lo*p.in
	if p.grace > 0 && p.grace-1 > s {
		// The grace period reaches beyond the affordable blocks: calls
		// up to grace-1 s are free, and at grace s cost more than lo
		// blocks.
		s = p.grace - 1
	}
	return time.Duration(s) * time.Second, true
}

// plan is a rate in the integers of the computation: the charge of a call
// of n IntervalN blocks (after Interval1 + FreeSeconds) is
//
//	round((base + n×block) × mult / (60 × 10^6))
//
// in micro-units, where base = 60×ConnectFee + Interval1×Price1 and
// block = IntervalN×PriceN are in micro-units/60, and mult = 10^6 +
// PostCallSurcharge in parts per million.
type plan struct {
	grace, i1, free, in uint64 // seconds; intervals at least 1
	base, block         u128
	mult                uint64
}

const (
	denom = 60 * uint64(scale) // per minute, and mult's parts per million
	half  = denom / 2          // added before dividing: round half up
)

func newPlan(r Rate) plan {
	p := plan{
		grace: nonneg(r.GracePeriod),
		i1:    max(nonneg(r.Interval1), 1),
		free:  nonneg(r.FreeSeconds),
		in:    max(nonneg(r.IntervalN), 1),
		mult:  uint64(scale) + nonneg(r.PostCallSurcharge),
	}
	p.base = mul64(nonneg(r.ConnectFee), 60).add(mul64(p.i1, nonneg(r.Price1)))
	p.block = mul64(p.in, nonneg(r.PriceN))
	return p
}

// start is where the IntervalN blocks begin, in seconds of talk.
func (p *plan) start() uint64 { return p.i1 + p.free } // each < 2^63: no overflow

// blocks is how many IntervalN blocks a charged call of s seconds pays.
func (p *plan) blocks(s uint64) uint64 {
	if s <= p.start() {
		return 0
	}
	rest := s - p.start()
	n := rest / p.in
	if rest%p.in != 0 {
		n++
	}
	return n
}

// cost is the charge of a call of n blocks.
func (p *plan) cost(n uint64) Money {
	x := p.base.add(p.block.mul(n)).mul(p.mult)
	return x.add(u128{0, half}).div(denom).money()
}

// talkSeconds is talk in whole seconds, rounded up.
func talkSeconds(talk time.Duration) uint64 {
	if talk <= 0 {
		return 0
	}
	s := uint64(talk / time.Second)
	if talk%time.Second != 0 {
		s++
	}
	return s
}

func nonneg[T ~int | ~int64](v T) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}

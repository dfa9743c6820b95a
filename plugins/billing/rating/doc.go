// Package rating is the rating core of the billing plugin: what a call
// costs, how long a balance lets it talk, which rate applies to a number,
// and the CSV rate deck. It follows the billing rules of the PBX manual
// our product replicates (section 5.13, "Billing").
//
// The package is pure computation on the standard library, with no I/O
// of its own and no clock (times are passed in), so it builds unchanged
// for the host and for GOOS=wasip1 GOARCH=wasm, and gives the same
// amounts on both.
//
// # Units
//
// Money is an int64 of millionths of the currency unit, parsed from and
// formatted to decimal strings ("0.015") exactly; no float is involved.
// PostCallSurcharge is a Fraction, also in millionths (0.01 is 1 %).
// Seconds fields (FreeSeconds, GracePeriod, Interval1, IntervalN) are
// whole seconds; Price1 and PriceN are per minute.
//
// # Charging a call
//
// A call of d seconds of talk (a started second counts whole):
//
//  1. d < GracePeriod: free, not even the connect fee.
//  2. ConnectFee, plus Interval1 seconds at Price1, however short d.
//  3. The next FreeSeconds are free.
//  4. The rest, d − Interval1 − FreeSeconds if positive, rounds up to a
//     multiple of IntervalN seconds, at PriceN.
//  5. The sum is multiplied by 1 + PostCallSurcharge, and rounded once,
//     half up, to the micro-unit.
//
// So, as in the manual's figure, a call 4 IntervalN past Interval1 +
// FreeSeconds costs
//
//	(ConnectFee + Interval1×Price1/60 + 4×IntervalN×PriceN/60) × (1 + PostCallSurcharge)
//
// An interval of 0 means per-second billing (as 1 s). Charge computes
// the amount; MaxDuration inverts it into the time limit of a call for a
// balance, or refuses the call when the balance cannot pay its first
// part. Balances themselves are the caller's (the plugin keeps them in
// the host KV): an amount is subtracted with ordinary int64 arithmetic.
//
// # Rates and the table
//
// A Rate applies to the calls of one Direction whose number starts with
// its Prefix; Table finds the longest such prefix. Table.ImportCSV and
// Table.ExportCSV read and write the rate deck as CSV with the columns
// of Header; an import is all or nothing, and a rate that duplicates one
// in the table makes it fail, as the manual says.
package rating

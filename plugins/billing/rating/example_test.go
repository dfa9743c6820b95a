package rating_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/rating"
)

// The manual's figure with numbers: a call 4 IntervalN past Interval1 +
// FreeSeconds costs (ConnectFee + Interval1×Price1/60 + 4×IntervalN×PriceN/60)
// × (1 + PostCallSurcharge) = (0.10 + 0.50 + 0.60) × 1.10.
func ExampleCharge() {
	r := rating.Rate{
		Prefix: "44", Direction: rating.Outbound,
		ConnectFee: 100_000, Price1: 500_000, PriceN: 300_000, // 0.10, 0.50/min, 0.30/min
		Interval1: 60, IntervalN: 30, FreeSeconds: 10,
		PostCallSurcharge: 10 * rating.Percent,
	}
	for _, talk := range []time.Duration{0, 70 * time.Second, 71 * time.Second, 165 * time.Second} {
		fmt.Println(talk, rating.Charge(r, talk))
	}
	r.GracePeriod = 1 // a connected call of 0 s is not charged
	fmt.Println(0*time.Second, rating.Charge(r, 0))
	// Output:
	// 0s 0.66
	// 1m10s 0.66
	// 1m11s 0.825
	// 2m45s 1.32
	// 0s 0
}

// The time limit of a call: the longest talk the balance pays for.
func ExampleMaxDuration() {
	r := rating.Rate{
		Prefix: "44", Direction: rating.Outbound,
		ConnectFee: 100_000, Price1: 500_000, PriceN: 300_000,
		Interval1: 60, IntervalN: 30, FreeSeconds: 10,
		PostCallSurcharge: 10 * rating.Percent,
	}
	for _, s := range []string{"0.50", "0.66", "1.40", "100"} {
		balance, _ := rating.ParseMoney(s)
		d, ok := rating.MaxDuration(r, balance)
		fmt.Println(s, d, ok)
	}
	r.PriceN = 0
	d, ok := rating.MaxDuration(r, 660_000)
	fmt.Println("PriceN 0:", d, ok) // ok with 0: no cap
	// Output:
	// 0.50 0s false
	// 0.66 1m10s true
	// 1.40 3m10s true
	// 100 5h2m10s true
	// PriceN 0: 0s true
}

func ExampleParseMoney() {
	m, err := rating.ParseMoney("0.015")
	fmt.Println(int64(m), m, err)
	_, err = rating.ParseMoney("0.0000001")
	fmt.Println(err)
	// Output:
	// 15000 0.015 <nil>
	// rating: money "0.0000001": more than 6 decimals
}

func ExampleTable_Lookup() {
	var t rating.Table
	for _, p := range []string{"44", "4420", "1"} {
		if err := t.Add(rating.Rate{Prefix: p, Direction: rating.Outbound, Interval1: 60, IntervalN: 60}); err != nil {
			fmt.Println(err)
		}
	}
	r, ok := t.Lookup(rating.Outbound, "442071234567")
	fmt.Println(r.Prefix, ok)
	_, ok = t.Lookup(rating.Inbound, "442071234567")
	fmt.Println(ok)
	fmt.Println(t.Add(rating.Rate{Prefix: "44", Direction: rating.Outbound}))
	// Output:
	// 4420 true
	// false
	// rating: add outbound rate "44": duplicate rate
}

func ExampleTable_ImportCSV() {
	var t rating.Table
	n, err := t.ImportCSV(strings.NewReader(`Prefix,Direction,Connect_Fee,Price1,Price_N,Interval1,Interval_N,Free_Seconds,Grace_Period,Post_Call_Surcharge
44,outbound,0.10,0.50,0.30,60,30,10,0,0.1
1,inbound,0,0,0,0,0,0,0,0
`))
	fmt.Println(n, err)
	// A rate already in the table fails the whole import.
	_, err = t.ImportCSV(strings.NewReader(rating.Header + "\n45,outbound,0,0,0,0,0,0,0,0\n44,outbound,0,0,0,0,0,0,0,0\n"))
	fmt.Println(err, t.Len())
	if err := t.ExportCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2 <nil>
	// rating: csv line 3: outbound rate "44": duplicate rate: already in the table 2
	// prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n,interval1,interval_n
	// 1,inbound,0,0,0,0,0,0,0,0
	// 44,outbound,10,0.1,0.1,0,0.5,0.3,60,30
}

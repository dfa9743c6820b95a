package rating

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Rate{Prefix: "+44", Direction: Outbound, Interval1: 60, IntervalN: 60}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", ok, err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Rate)
		field string
		msg   string
	}{
		{"empty prefix", func(r *Rate) { r.Prefix = "" }, "prefix", `prefix "": empty`},
		{"plus only", func(r *Rate) { r.Prefix = "+" }, "prefix", "no digits after the +"},
		{"letters", func(r *Rate) { r.Prefix = "44a" }, "prefix", "not digits"},
		{"inner plus", func(r *Rate) { r.Prefix = "4+4" }, "prefix", "not digits"},
		{"space", func(r *Rate) { r.Prefix = " 44" }, "prefix", "not digits"},
		{"long prefix", func(r *Rate) { r.Prefix = strings.Repeat("1", MaxPrefixLen+1) }, "prefix", "longer than 20 bytes"},
		{"direction", func(r *Rate) { r.Direction = "Outbound" }, "direction", `direction "Outbound": not inbound, outbound or internal`},
		{"no direction", func(r *Rate) { r.Direction = "" }, "direction", "not inbound"},
		{"connect fee", func(r *Rate) { r.ConnectFee = -1 }, "connect_fee", "connect_fee -0.000001: negative"},
		{"price1", func(r *Rate) { r.Price1 = -Unit }, "price1", "price1 -1: negative"},
		{"price_n", func(r *Rate) { r.PriceN = -Unit }, "price_n", "negative"},
		{"surcharge negative", func(r *Rate) { r.PostCallSurcharge = -Percent }, "post_call_surcharge", "post_call_surcharge -0.01: negative"},
		{"surcharge high", func(r *Rate) { r.PostCallSurcharge = MaxSurcharge + 1 }, "post_call_surcharge", "above 10 (1000 %)"},
		{"free seconds", func(r *Rate) { r.FreeSeconds = -1 }, "free_seconds", "free_seconds -1: negative"},
		{"grace", func(r *Rate) { r.GracePeriod = -1 }, "grace_period", "negative"},
		{"interval1 negative", func(r *Rate) { r.Interval1 = -60 }, "interval1", "negative"},
		{"interval1 day", func(r *Rate) { r.Interval1 = MaxSeconds + 1 }, "interval1", "interval1 86401: above one day"},
		{"interval_n day", func(r *Rate) { r.IntervalN = MaxSeconds + 1 }, "interval_n", "above one day"},
		{"free day", func(r *Rate) { r.FreeSeconds = MaxSeconds + 1 }, "free_seconds", "above one day"},
		{"grace day", func(r *Rate) { r.GracePeriod = MaxSeconds + 1 }, "grace_period", "above one day"},
	} {
		r := ok
		tc.edit(&r)
		err := r.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "rating: invalid ") {
			t.Errorf("%s: Validate = %v, want a FieldError of %s with %q", tc.name, err, tc.field, tc.msg)
		}
	}
	// The bounds themselves are valid.
	edge := Rate{Prefix: strings.Repeat("9", MaxPrefixLen), Direction: Internal, PostCallSurcharge: MaxSurcharge,
		FreeSeconds: MaxSeconds, GracePeriod: MaxSeconds, Interval1: MaxSeconds, IntervalN: MaxSeconds, PriceN: MaxMoney}
	if err := edge.Validate(); err != nil {
		t.Errorf("Validate(edge) = %v", err)
	}
}

func TestParseDirection(t *testing.T) {
	for in, want := range map[string]Direction{"inbound": Inbound, " OUTBOUND ": Outbound, "Internal": Internal} {
		if d, err := ParseDirection(in); err != nil || d != want {
			t.Errorf("ParseDirection(%q) = %q, %v", in, d, err)
		}
	}
	if _, err := ParseDirection("both"); err == nil || err.Error() != `rating: direction "both": not inbound, outbound or internal` {
		t.Errorf("ParseDirection(both) = %v", err)
	}
}

func TestRateJSON(t *testing.T) {
	r := Rate{Prefix: "+44", Direction: Outbound, FreeSeconds: 10, ConnectFee: 100_000, PostCallSurcharge: 10 * Percent,
		GracePeriod: 1, Price1: 500_000, PriceN: 300_000, Interval1: 60, IntervalN: 30}
	b, err := json.Marshal(r)
	want := `{"prefix":"+44","direction":"outbound","free_seconds":10,"connect_fee":"0.1","post_call_surcharge":"0.1",` +
		`"grace_period":1,"price1":"0.5","price_n":"0.3","interval1":60,"interval_n":30}`
	if err != nil || string(b) != want {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back Rate
	if err := json.Unmarshal(b, &back); err != nil || back != r {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
}

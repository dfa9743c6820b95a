//go:build !wasip1

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/sdk/abi"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

// The seed's worked example (manual section 5.13): a 165 s call costs
// (0.10 + 0.50 + 4 × 30 s × 0.30/60) × 1.10 = 1.32.
const seedDeck = `prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n,interval1,interval_n
44,internal,10,0.10,0.10,0,0.50,0.30,60,30
4420,internal,0,0,0,0,0.60,0.60,1,1
44,outbound,0,1,0,0,0,0,1,1
`

// fakeStore is a ledger.Store over the fake host's KV, so that the
// admin operations fill the same map the plugin reads.
type fakeStore struct{ f *hs.Fake }

func (s fakeStore) KVGet(ns, key string) (string, bool, error) { return s.f.KVGet(key) }
func (s fakeStore) KVSet(ns, key, val string, ttl time.Duration) error {
	return s.f.KVSet(key, val, ttl)
}
func (s fakeStore) KVDelete(ns, key string) error { return s.f.KVDelete(key) }
func (s fakeStore) KVAdd(ns, key string, delta int64) (int64, error) {
	return s.f.KVAdd(key, delta)
}
func (s fakeStore) KVScan(ns, prefix string, fn func(key, val string) error) error {
	for k, v := range s.f.KV {
		if strings.HasPrefix(k, prefix) {
			if err := fn(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// setup gives the plugin a fake host holding the seed's deck and balances
// (decimal amounts, stored as the ledger stores them).
func setup(t *testing.T, balances map[string]string) *hs.Fake {
	t.Helper()
	f := hs.NewFake()
	hs.SetHost(f)
	if _, err := ledger.ImportRates(fakeStore{f}, strings.NewReader(seedDeck)); err != nil {
		t.Fatal(err)
	}
	for ext, b := range balances {
		m, err := rating.ParseMoney(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.SetBalance(fakeStore{f}, ext, m); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// balance is ext's stored balance as a decimal amount ("" for none).
func balance(t *testing.T, f *hs.Fake, ext string) string {
	t.Helper()
	m, ok, err := ledger.Balance(fakeStore{f}, ext)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return ""
	}
	return m.String()
}

func runAuthorize(t *testing.T, req hs.AuthorizeRequest) hs.AuthorizeDecision {
	t.Helper()
	var w abi.Writer
	req.Append(&w)
	b, err := hs.Dispatch(abi.HookAuthorize, w.B)
	if err != nil {
		t.Fatalf("authorize %+v: %v", req, err)
	}
	var d hs.AuthorizeDecision
	r := abi.NewReader(b)
	d.Decode(r)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

func runCDR(t *testing.T, rec map[string]any) map[string]string {
	t.Helper()
	j, _ := json.Marshal(rec)
	var w abi.Writer
	(&hs.CDRRequest{Record: string(j)}).Append(&w)
	b, err := hs.Dispatch(abi.HookCDR, w.B)
	if err != nil {
		t.Fatalf("cdr %s: %v", j, err)
	}
	var d hs.CDRDecision
	r := abi.NewReader(b)
	d.Decode(r)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return d.Extra
}

func answered(caller, callee string, talk int) map[string]any {
	return map[string]any{"caller": caller, "callee": callee, "direction": "internal",
		"call_status": "answered", "talk_duration": talk, "call_id": "c1"}
}

func TestHooks(t *testing.T) {
	if got, want := hs.Hooks(), abi.HookAuthorize.Mask()|abi.HookCDR.Mask(); got != want {
		t.Fatalf("hooks %b, want %b", got, want)
	}
}

func TestAuthorize(t *testing.T) {
	setup(t, map[string]string{"1001": "1.40", "1002": "0.50", "1003": "100", "1004": "0.02", "1005": "-3"})
	for _, tc := range []struct {
		name      string
		req       hs.AuthorizeRequest
		allow     bool
		cap       time.Duration
		code      uint16
		reasonHas string
	}{
		// The seed's rate: 0.66 pays the first part (70 s with the free
		// seconds), each 0.165 thereafter 30 s more.
		{"capped", hs.AuthorizeRequest{From: "1001", To: "449999"}, true, 190 * time.Second, 0, ""},
		{"large balance", hs.AuthorizeRequest{From: "1003", To: "449999"}, true, 5*time.Hour + 2*time.Minute + 10*time.Second, 0, ""},
		{"too little", hs.AuthorizeRequest{From: "1002", To: "449999"}, false, 0, 402, "Insufficient Balance"},
		{"no balance record", hs.AuthorizeRequest{From: "1099", To: "449999"}, false, 0, 402, "Insufficient Balance"},
		{"overdrawn", hs.AuthorizeRequest{From: "1005", To: "449999"}, false, 0, 402, "Insufficient Balance"},
		// Longest prefix: 4420 is 0.01 a second, so 0.02 buys 2 s.
		{"longest prefix", hs.AuthorizeRequest{From: "1004", To: "442071234567"}, true, 2 * time.Second, 0, ""},
		{"unrated", hs.AuthorizeRequest{From: "1002", To: "1002"}, true, 0, 0, ""},
		{"unrated, no balance", hs.AuthorizeRequest{From: "1099", To: "33123"}, true, 0, 0, ""},
		{"not a number", hs.AuthorizeRequest{From: "1002", To: "*500"}, true, 0, 0, ""},
		// Through a trunk: the outbound rate (1 per call, no time price:
		// no cap once paid).
		{"outbound paid", hs.AuthorizeRequest{From: "1001", To: "449999", Trunk: "t1"}, true, 0, 0, ""},
		{"outbound unpaid", hs.AuthorizeRequest{From: "1002", To: "449999", Trunk: "t1"}, false, 0, 402, "Insufficient Balance"},
	} {
		d := runAuthorize(t, tc.req)
		if d.Allow != tc.allow || d.MaxDuration != tc.cap || d.Code != tc.code || !strings.Contains(d.Reason, tc.reasonHas) {
			t.Errorf("%s: %+v", tc.name, d)
		}
	}
}

// A cap beyond what the ABI carries (u32 ms) is clamped, not wrapped.
func TestAuthorizeClamp(t *testing.T) {
	f := setup(t, map[string]string{"1001": "1"}) // about 694 days at this price
	f.KV[ledger.RateKey(rating.Internal, "9")] = `{"prefix":"9","direction":"internal","price1":"0.000001","price_n":"0.000001","interval1":1,"interval_n":1}`
	d := runAuthorize(t, hs.AuthorizeRequest{From: "1001", To: "90"})
	if !d.Allow || d.MaxDuration != maxCap || d.MaxDuration.Milliseconds() > 1<<32-1 {
		t.Fatalf("%+v (max %v)", d, maxCap)
	}
}

// A stored rate that does not decode fails the call (authorize fails
// closed), naming the key.
func TestAuthorizeBadRate(t *testing.T) {
	f := setup(t, nil)
	f.KV[ledger.RateKey(rating.Internal, "77")] = `{"prefix":"77"`
	var w abi.Writer
	(&hs.AuthorizeRequest{From: "1001", To: "771"}).Append(&w)
	if _, err := hs.Dispatch(abi.HookAuthorize, w.B); err == nil || !strings.Contains(err.Error(), "internal/77") {
		t.Fatalf("bad rate: %v", err)
	}
}

// The seed's worked example through the plugin: 165 s cost 1.32, debited.
func TestCDRWorkedExample(t *testing.T) {
	f := setup(t, map[string]string{"1001": "10"})
	extra := runCDR(t, answered("1001", "449999", 165))
	want := map[string]string{"billing_cost": "1.32", "billing_rate": "internal/44", "billing_balance": "8.68"}
	for k, v := range want {
		if extra[k] != v {
			t.Errorf("%s = %q, want %q (all %v)", k, extra[k], v, extra)
		}
	}
	if len(extra) != len(want) {
		t.Errorf("extra %v", extra)
	}
	// Stored in micro-units: 10 - 1.32 = 8.68.
	if got := f.KV[ledger.BalanceKey("1001")]; got != "8680000" || balance(t, f, "1001") != "8.68" {
		t.Fatalf("balance %q", got)
	}
	// Other points of the manual's figure: 70 s 0.66, 71 s 0.825.
	for talk, want := range map[int]string{70: "0.66", 71: "0.825", 0: "0.66"} {
		if got := runCDR(t, answered("1002", "449999", talk))["billing_cost"]; got != want {
			t.Errorf("%d s: %s, want %s", talk, got, want)
		}
	}
	// 1002 had no balance: three debits, negative now.
	if got := balance(t, f, "1002"); got != "-2.145" {
		t.Fatalf("1002 balance %q, want -2.145", got)
	}
}

// Unanswered and unrated calls are not charged and get no fields.
func TestCDRNotCharged(t *testing.T) {
	f := setup(t, map[string]string{"1001": "10"})
	for _, rec := range []map[string]any{
		answered("1001", "1002", 60),
		{"caller": "1001", "callee": "449999", "call_status": "no_answer", "talk_duration": 0},
		{"caller": "1001", "callee": "449999", "call_status": "rejected", "fail_code": 402},
	} {
		if extra := runCDR(t, rec); len(extra) != 0 {
			t.Errorf("%v: extra %v", rec, extra)
		}
	}
	if got := balance(t, f, "1001"); got != "10" {
		t.Fatalf("balance changed: %q", got)
	}
}

// A call cut at its authorized limit costs at most the balance: the cap
// and the charge agree.
func TestCapThenCharge(t *testing.T) {
	f := setup(t, map[string]string{"1001": "1.40"})
	d := runAuthorize(t, hs.AuthorizeRequest{From: "1001", To: "449999"})
	extra := runCDR(t, answered("1001", "449999", int(d.MaxDuration/time.Second)))
	if extra["billing_cost"] != "1.32" || balance(t, f, "1001") != "0.08" {
		t.Fatalf("capped at %v: %v", d.MaxDuration, extra)
	}
	d = runAuthorize(t, hs.AuthorizeRequest{From: "1001", To: "449999"})
	if d.Allow || d.Code != 402 {
		t.Fatalf("after spending: %+v", d)
	}
}

// A free call (under the grace period) writes nothing and reports the
// balance as it is.
func TestCDRFreeCall(t *testing.T) {
	f := setup(t, map[string]string{"1001": "3"})
	f.KV[ledger.RateKey(rating.Internal, "55")] = `{"prefix":"55","direction":"internal","grace_period":5,"price1":"1","price_n":"1","interval1":1,"interval_n":1}`
	before := f.KV[ledger.BalanceKey("1001")]
	extra := runCDR(t, answered("1001", "5599", 4))
	if extra["billing_cost"] != "0" || extra["billing_balance"] != "3" || f.KV[ledger.BalanceKey("1001")] != before {
		t.Fatalf("free call: %v, stored %q", extra, f.KV[ledger.BalanceKey("1001")])
	}
	// Without a balance record: none is created.
	runCDR(t, answered("1099", "5599", 4))
	if _, ok := f.KV[ledger.BalanceKey("1099")]; ok {
		t.Fatal("a free call created a balance")
	}
}

// A stored balance that is not an integer of micro-units (a decimal
// amount of an older layout, or garbage) is an error, never a wrong
// balance: authorize fails closed, cdr fails and debits nothing.
func TestBadStoredBalance(t *testing.T) {
	for _, bad := range []string{"12.50", "lots", ""} {
		f := setup(t, nil)
		f.KV[ledger.BalanceKey("1001")] = bad
		var w abi.Writer
		(&hs.AuthorizeRequest{From: "1001", To: "449999"}).Append(&w)
		if _, err := hs.Dispatch(abi.HookAuthorize, w.B); err == nil || !strings.Contains(err.Error(), "not an integer number of micro-units") {
			t.Errorf("authorize with %q: %v", bad, err)
		}
		j, _ := json.Marshal(answered("1001", "449999", 165))
		w = abi.Writer{}
		(&hs.CDRRequest{Record: string(j)}).Append(&w)
		if _, err := hs.Dispatch(abi.HookCDR, w.B); err == nil || !strings.Contains(err.Error(), "debit 1001") || !strings.Contains(err.Error(), "not a base-10 integer") {
			t.Errorf("cdr with %q: %v", bad, err)
		}
		if got := f.KV[ledger.BalanceKey("1001")]; got != bad {
			t.Errorf("cdr with %q wrote %q", bad, got)
		}
	}
}

// A debit that would overflow fails the call and writes nothing (at
// -9.2e12 units, only a corrupt balance gets there).
func TestCDROverflow(t *testing.T) {
	f := setup(t, nil)
	f.KV[ledger.BalanceKey("1001")] = "-9223372036854775807"
	j, _ := json.Marshal(answered("1001", "449999", 165))
	var w abi.Writer
	(&hs.CDRRequest{Record: string(j)}).Append(&w)
	if _, err := hs.Dispatch(abi.HookCDR, w.B); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("overflow: %v", err)
	}
	if got := f.KV[ledger.BalanceKey("1001")]; got != "-9223372036854775807" {
		t.Fatalf("wrote %q", got)
	}
}

// The debit needs kv_add: a switch without it refuses the plugin at load
// (switch/wasm TestBillingNeedsKVAdd) rather than failing every cdr.
func TestRequiresKVAdd(t *testing.T) {
	if want := abi.FeatureKV | abi.FeatureKVAdd; hs.Required() != want {
		t.Fatalf("required features %#x, want %#x", hs.Required(), want)
	}
}

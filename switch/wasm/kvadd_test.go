package wasm

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// kvAdd routes "kvadd" (or "kvaddraw") through the kitchen guest, which
// adds delta to its key "n" and rejects with "sum=N", or with 503 and
// the error.
func kvAdd(t *testing.T, e *Engine, to string, delta int64) hook.RouteDecision {
	t.Helper()
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c-kvadd", From: "1001", To: to, FromDisplay: strconv.FormatInt(delta, 10)})
	if err != nil {
		t.Fatalf("%s %d: %v", to, delta, err)
	}
	return d
}

// kv_add against the real store: the sum by the buffer convention (the
// SDK's buffer, and by hand with no room then result, which does not add
// twice), in the plugin's namespace; a value that is not an integer and an
// overflow are errors of the call that write nothing.
func TestHostKVAdd(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, "kitchen.wasm", Options{KV: st.KV()})
	for _, tc := range []struct {
		to    string
		delta int64
		want  string
	}{
		{"kvadd", 5, "sum=5"},
		{"kvadd", -12, "sum=-7"},
		{"kvadd", math.MaxInt64, "sum=9223372036854775800"},
		{"kvaddraw", 1, "sum=9223372036854775801"}, // kvaddraw adds 1
		{"kvadd", math.MinInt64 + 6, "sum=-1"},
	} {
		if d := kvAdd(t, e, tc.to, tc.delta); d.Code != 480 || d.Reason != tc.want {
			t.Fatalf("%s %d: %+v, want %s", tc.to, tc.delta, d, tc.want)
		}
	}
	if v, ok, _ := st.KVGet("plugin/kitchen", "n"); !ok || v != "-1" {
		t.Fatalf("stored %q %v", v, ok)
	}
	st.KVSet("plugin/kitchen", "n", strconv.FormatInt(math.MaxInt64, 10), 0)
	if d := kvAdd(t, e, "kvadd", 1); d.Code != 503 || !strings.Contains(d.Reason, "kv_add: kv add plugin/kitchen/n: integer overflow") {
		t.Fatalf("overflow: %+v", d)
	}
	st.KVSet("plugin/kitchen", "n", "12.50", 0)
	if d := kvAdd(t, e, "kvadd", 1); d.Code != 503 || !strings.Contains(d.Reason, "value is not a base-10 integer") {
		t.Fatalf("not an integer: %+v", d)
	}
	if v, _, _ := st.KVGet("plugin/kitchen", "n"); v != "12.50" {
		t.Fatalf("a failed add wrote %q", v)
	}
	// Without a store: the call's error, not a trap.
	e = newEngine(t, "kitchen.wasm", Options{})
	if d := kvAdd(t, e, "kvadd", 1); d.Code != 503 || d.Reason != "kv: no store configured" {
		t.Fatalf("no store: %+v", d)
	}
}

// Adds from concurrent calls, on several instances, are all counted.
func TestHostKVAddConcurrent(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, "kitchen.wasm", Options{KV: st.KV(), PoolSize: 4})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				d, err := routeCtx(context.Background(), e, hook.RouteRequest{To: "kvadd", FromDisplay: "3"})
				if err != nil || d.Code != 480 {
					errs <- fmt.Errorf("%+v %v", d, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if v, _, _ := st.KVGet("plugin/kitchen", "n"); v != "600" {
		t.Fatalf("sum %q, want 600", v)
	}
}

const billingDeck = `prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n,interval1,interval_n
44,internal,10,0.10,0.10,0,0.50,0.30,60,30
`

// billingEngine runs the shipped billing.wasm on cdr and authorize.
func billingEngine(t *testing.T, o Options) (*Engine, error) {
	t.Helper()
	o.Logger, o.Budget, o.CacheDir = quietLogger(), testBudget, testCacheDir // Dir "": the shipped plugins
	e, err := build(bindAll("billing.wasm", 0, hook.Authorize, hook.CDR), o)
	if err == nil {
		t.Cleanup(e.Close)
	}
	return e, err
}

// No debit is lost: many cdr calls of one caller, run at once on several
// instances of the shipped billing.wasm against the real store, leave the
// balance at the initial amount minus the sum of the charges, and each
// call reports a balance of its own (the debits were serialised).
func TestBillingConcurrentDebits(t *testing.T) {
	st := openStore(t)
	if _, err := ledger.ImportRates(st, strings.NewReader(billingDeck)); err != nil {
		t.Fatal(err)
	}
	initial := 1000 * rating.Unit
	if err := ledger.SetBalance(st, "1001", initial); err != nil {
		t.Fatal(err)
	}
	rate, ok, err := ledger.LookupRate(func(k string) (string, bool, error) { return st.KVGet(ledger.Namespace, k) }, rating.Internal, "449999")
	if err != nil || !ok {
		t.Fatalf("rate: %v %v", ok, err)
	}
	e, err := billingEngine(t, Options{KV: st.KV(), PoolSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, calls = 16, 25
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    rating.Money
		balances = map[string]bool{}
		errs     = make(chan error, goroutines)
	)
	start := make(chan struct{})
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range calls {
				talk := (g*calls + i) % 400 // 0 to 399 s: charges from 0.66 to 2.97
				d, err := e.Invoke(context.Background(), hook.CDRRequest{Record: map[string]any{
					"call_id": fmt.Sprintf("c%d-%d", g, i), "caller": "1001", "callee": "449999",
					"direction": "internal", "call_status": "answered", "talk_duration": talk}})
				if err != nil {
					errs <- err
					return
				}
				extra := d.(hook.CDRDecision).Extra
				cost := rating.Charge(rate, time.Duration(talk)*time.Second)
				if extra["billing_cost"] != cost.String() {
					errs <- fmt.Errorf("talk %d s: cost %s, want %s", talk, extra["billing_cost"], cost)
					return
				}
				mu.Lock()
				total += cost
				if balances[extra["billing_balance"]] {
					errs <- fmt.Errorf("two debits reported the balance %s", extra["billing_balance"])
				}
				balances[extra["billing_balance"]] = true
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, _, err := ledger.Balance(st, "1001")
	if err != nil {
		t.Fatal(err)
	}
	if want := initial - total; got != want {
		t.Fatalf("balance %s after %d debits totalling %s, want %s: %s lost", got, goroutines*calls, total, want, got-want)
	}
	t.Logf("%d concurrent debits totalling %s: balance %s", goroutines*calls, total, got)
}

// billing.wasm requires kv_add: a host that does not offer it refuses the
// plugin at load, naming the feature, rather than failing every cdr.
func TestBillingNeedsKVAdd(t *testing.T) {
	_, err := billingEngine(t, Options{features: hostFeatures &^ abi.FeatureKVAdd})
	if err == nil || !strings.Contains(err.Error(), "requires features 0x20 (kv_add) that this host lacks") {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
	if hostFeatures&abi.FeatureKVAdd == 0 {
		t.Fatal("this host does not offer kv_add")
	}
}

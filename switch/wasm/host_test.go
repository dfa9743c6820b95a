package wasm

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// The host functions: kv (in the plugin's namespace, values larger than
// the guest's first buffer), config, log (bounded per call), http (allow
// list).
func TestHostFunctions(t *testing.T) {
	kv := memKV(t)
	logs := &logBuffer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "1003") }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	e := newEngine(t, "kitchen.wasm", Options{KV: kv, HTTPAllow: []string{u.Host}, Logger: slogTo(logs),
		Directory: testDir{"1001": {Number: "1001", Name: "Alice Smith"}, "1002": {Number: "1002"}}})
	for i := 1; i <= 3; i++ {
		d, err := route(t, e, "kv")
		if err != nil || d.Targets[0] != fmt.Sprint(1000+i) {
			t.Fatalf("kv call %d: %+v %v", i, d, err)
		}
	}
	if v, _, _ := kv.Get("plugin/kitchen", "count"); v != "3" {
		t.Fatalf("kv namespace: %q", v)
	}
	if _, err := route(t, e, "bigkv"); err != nil {
		t.Fatal(err)
	}
	if d, err := route(t, e, "ext"); err != nil || d.CallerID != "Alice_Smith" {
		t.Fatalf("ext: %+v %v", d, err)
	}
	if d, err := route(t, e, "exts"); err != nil || d.Targets[0] != "2" {
		t.Fatalf("exts: %+v %v", d, err)
	}
	if _, err := route(t, e, "log"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "msg=\"line "); n != abi.MaxLogLines || !strings.Contains(logs.String(), "dropped=68") {
		t.Fatalf("%d log lines:\n%s", n, logs)
	}
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{To: "http", FromDisplay: srv.URL + "/x"})
	if err != nil || d.Targets[0] != "1003" {
		t.Fatalf("http: %+v %v", d, err)
	}
	d, err = routeCtx(context.Background(), e, hook.RouteRequest{To: "http", FromDisplay: "http://192.0.2.1/x"})
	if err != nil || d.Code != 503 || !strings.Contains(d.Reason, "not in the allow list") {
		t.Fatalf("http refused: %+v %v", d, err)
	}
}

// The other hooks decode and validate like route.
func TestOtherHooks(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{}, hook.Register, hook.CDR, hook.Hangup)
	d, err := e.Invoke(context.Background(), hook.RegisterRequest{AOR: "1001", Expires: 3600})
	if err != nil || d.(hook.RegisterDecision).Expires != 120 {
		t.Fatalf("register: %+v %v", d, err)
	}
	d, err = e.Invoke(context.Background(), hook.RegisterRequest{AOR: "1003"})
	if rd := d.(hook.RegisterDecision); err != nil || !rd.Reject || rd.Code != 403 || rd.Reason != "Barred" {
		t.Fatalf("register: %+v %v", d, err)
	}
	d, err = e.Invoke(context.Background(), hook.CDRRequest{Record: map[string]any{"call_id": "c1"}})
	if cd := d.(hook.CDRDecision); err != nil || cd.Extra["rated"] != "yes" || cd.Extra["len"] != "16" {
		t.Fatalf("cdr: %+v %v", d, err)
	}
	d, err = e.Invoke(context.Background(), hook.CallEvent{Kind: hook.Hangup, CallID: "c1"})
	if _, ok := d.(hook.Ack); err != nil || !ok {
		t.Fatalf("hangup: %+v %v", d, err)
	}
	if _, err := e.Invoke(context.Background(), hook.FailureRequest{}); err == nil {
		t.Fatal("failure is not bound")
	}
}

// Concurrent calls never share an instance (the race detector watches
// the per-call state) and each gets its own answer.
func TestConcurrentCalls(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{PoolSize: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				to := fmt.Sprintf("%d%03d", g+1, i)
				d, err := route(t, e, to)
				if err != nil || d.Targets[0] != to {
					errs <- fmt.Errorf("%s: %+v %v", to, d, err)
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
}

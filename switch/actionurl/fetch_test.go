package actionurl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

const callAnswer = `{"status_code":200,"action":"call","destination":"222"}`

func TestSignatureVerifiedByServer(t *testing.T) {
	const secret = "s3cret"
	// The web app refuses what it cannot verify, as the docs tell it to.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		body, _ := io.ReadAll(r.Body)
		if err := Verify(secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		io.WriteString(w, callAnswer)
	})
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + "/dest", Secret: secret}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatal(err)
	}
	if d.Action != hook.ActionBridge || len(d.Targets) != 1 || d.Targets[0] != "222" {
		t.Fatalf("decision %+v, want bridge 222", d)
	}
	r := s.request(t, 0)
	wrong := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + "/dest", Secret: "guess"}})
	if _, err := invokeRoute(t, wrong); !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong secret: %v, want the server's 401", err)
	}
	if err := Verify("other", r.header, r.body, time.Now(), time.Minute); err == nil {
		t.Fatal("a wrong secret verified")
	}
	if err := Verify(secret, r.header, append(r.body, ' '), time.Now(), time.Minute); err == nil {
		t.Fatal("a changed body verified")
	}
	if err := Verify(secret, r.header, r.body, time.Now().Add(time.Hour), time.Minute); err == nil {
		t.Fatal("an old timestamp verified")
	}
	if r.method != "POST" || r.header.Get("Content-Type") != "application/json" || r.header.Get(HeaderHook) != "route" {
		t.Fatalf("method %s, headers %v", r.method, r.header)
	}
	f := r.fields(t)
	want := map[string]any{"hook": "route", "version": 1.0, "from": "101", "to": "888", "input": "", "from_name": "Jason", "account_name": "888", "call_id": "c1", "authenticated": true}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("field %s = %#v, want %#v", k, f[k], v)
		}
	}
}

func TestNoSignatureWithoutSecret(t *testing.T) {
	s := jsonServer(t, callAnswer)
	if _, err := invokeRoute(t, routeEngine(t, s.URL)); err != nil {
		t.Fatal(err)
	}
	if h := s.request(t, 0).header; h.Get(HeaderSignature) != "" || h.Get(HeaderTimestamp) != "" {
		t.Fatalf("signature headers without a secret: %v", h)
	}
}

func TestGETQueryForm(t *testing.T) {
	const secret = "k"
	s := jsonServer(t, callAnswer)
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + "/dest.php?tenant=a", Method: "get", Secret: secret}})
	if _, err := invokeRoute(t, e); err != nil {
		t.Fatal(err)
	}
	r := s.request(t, 0)
	if r.method != "GET" || len(r.body) != 0 {
		t.Fatalf("method %s body %q, want GET without body", r.method, r.body)
	}
	q, err := url.ParseQuery(r.query)
	if err != nil {
		t.Fatal(err)
	}
	// Seed 001: dest.php?from=101&to=888&input=22&from_name=Jason&account_name=Sales
	for k, v := range map[string]string{"tenant": "a", "from": "101", "to": "888", "input": "", "from_name": "Jason", "account_name": "888", "hook": "route", "version": "1", "authenticated": "true"} {
		if got, ok := q[k]; !ok || got[0] != v {
			t.Errorf("query %s = %v, want %q", k, got, v)
		}
	}
	if err := Verify(secret, r.header, []byte(r.query), time.Now(), time.Minute); err != nil {
		t.Fatalf("GET signature over the raw query: %v", err)
	}
}

func TestTimeoutThenRetrySucceeds(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		if n == 1 {
			select { // outlast the attempt timeout
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		io.WriteString(w, callAnswer)
	})
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL, Timeout: hook.Duration(100 * time.Millisecond)}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatalf("want success on the retry: %v", err)
	}
	if d.Targets[0] != "222" || s.hits.Load() != 2 {
		t.Fatalf("decision %+v after %d requests, want 222 after 2", d, s.hits.Load())
	}
}

func TestRetryOn5xxNotOn4xx(t *testing.T) {
	s5 := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int64) {
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, callAnswer)
	})
	if _, err := invokeRoute(t, routeEngine(t, s5.URL)); err != nil || s5.hits.Load() != 2 {
		t.Fatalf("5xx then 200: err %v after %d requests, want success after 2", err, s5.hits.Load())
	}

	s4 := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(404) })
	_, err := invokeRoute(t, build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s4.URL, Retries: intp(3)}}))
	if !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), "404") || s4.hits.Load() != 1 {
		t.Fatalf("4xx: err %v after %d requests, want ErrStatus 404 after 1", err, s4.hits.Load())
	}

	sAll := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(502) })
	_, err = invokeRoute(t, build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: sAll.URL, Retries: intp(3)}}))
	if !errors.Is(err, ErrStatus) || sAll.hits.Load() != 4 {
		t.Fatalf("always 502 with retries 3: err %v after %d requests, want 4", err, sAll.hits.Load())
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	target := jsonServer(t, callAnswer)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	})
	_, err := invokeRoute(t, routeEngine(t, s.URL))
	if !errors.Is(err, ErrStatus) || target.hits.Load() != 0 {
		t.Fatalf("err %v, target hits %d: want ErrStatus and no request to the redirect target", err, target.hits.Load())
	}
}

func TestFallbackURL(t *testing.T) {
	main := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(500) })
	fb := jsonServer(t, `{"action":"reject","code":486}`)
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: main.URL, FallbackURL: fb.URL}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatal(err)
	}
	if d.Action != hook.ActionReject || d.Code != 486 || main.hits.Load() != 2 || fb.hits.Load() != 1 {
		t.Fatalf("decision %+v, main %d fallback %d: want reject 486 from the fallback after 2 tries of main", d, main.hits.Load(), fb.hits.Load())
	}

	// A main URL that answers nonsense also sends the request to the fallback.
	bad := jsonServer(t, `{"action":`)
	e = build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: bad.URL, FallbackURL: fb.URL}})
	if d, err = invokeRoute(t, e); err != nil || d.Code != 486 || bad.hits.Load() != 1 {
		t.Fatalf("decision %+v err %v bad hits %d", d, err, bad.hits.Load())
	}

	// Both failing: one error naming both.
	e = build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: main.URL, FallbackURL: bad.URL}})
	if _, err = invokeRoute(t, e); !errors.Is(err, ErrStatus) || !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), "fallback") {
		t.Fatalf("both failing: %v", err)
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	var mu sync.Mutex
	healthy := false
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		mu.Lock()
		defer mu.Unlock()
		if !healthy {
			w.WriteHeader(500)
			return
		}
		io.WriteString(w, callAnswer)
	})
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL}})
	var clock atomic.Int64 // seconds since the test started, for the breakers only
	start := time.Now()
	e.now = func() time.Time { return start.Add(time.Duration(clock.Load()) * time.Second) }
	for i := 0; i < 3; i++ { // 1 try + 1 retry each; the 5th failure opens
		if _, err := invokeRoute(t, e); err == nil {
			t.Fatal("want an error from a failing server")
		}
	}
	if n := s.hits.Load(); n != 5 {
		t.Fatalf("server saw %d requests, want 5 (the breaker opens after 5 failures)", n)
	}
	mu.Lock()
	healthy = true
	mu.Unlock()
	_, err := invokeRoute(t, e)
	if !errors.Is(err, ErrCircuitOpen) || s.hits.Load() != 5 {
		t.Fatalf("open breaker: err %v, hits %d; want ErrCircuitOpen without a request", err, s.hits.Load())
	}
	clock.Store(29)
	if _, err := invokeRoute(t, e); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("29 s later: %v, want still open (30 s default)", err)
	}
	clock.Store(30) // the open period is over: one probe goes through
	if d, err := invokeRoute(t, e); err != nil || d.Targets[0] != "222" {
		t.Fatalf("half-open probe: %+v %v", d, err)
	}
	if _, err := invokeRoute(t, e); err != nil || s.hits.Load() != 7 {
		t.Fatalf("closed again: err %v hits %d, want success with 7 requests", err, s.hits.Load())
	}
}

func TestSlowServerNeverHoldsInvokePastDeadline(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	fb := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) { <-r.Context().Done() })
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL, FallbackURL: fb.URL, Retries: intp(5), Timeout: hook.Duration(time.Minute)}})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Invoke(ctx, caller)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("Invoke held %v past a 150ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want a deadline error", err)
	}
}

func TestInvokeConcurrent(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		var req struct {
			CallID string `json:"call_id"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		first := !seen[req.CallID]
		seen[req.CallID] = true
		mu.Unlock()
		if first { // every call needs its retry
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, callAnswer)
	})
	e := build(t, Factory{BreakerThreshold: 1000}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL}})
	const workers, each = 32, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				req := caller
				req.CallID = fmt.Sprintf("g%d-%d", i, j)
				d, err := e.Invoke(budget(t, 5*time.Second), req)
				if err != nil {
					errs <- err
					return
				}
				if rd := d.(hook.RouteDecision); rd.Targets[0] != "222" {
					errs <- errors.New("wrong decision")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.hits.Load(); n != 2*workers*each {
		t.Fatalf("%d requests, want %d (one retry per call)", n, 2*workers*each)
	}
}

func TestClosedEngine(t *testing.T) {
	s := jsonServer(t, callAnswer)
	e := routeEngine(t, s.URL)
	e.Close()
	if _, err := e.Invoke(context.Background(), caller); !errors.Is(err, ErrClosed) || s.hits.Load() != 0 {
		t.Fatalf("closed engine: %v", err)
	}
}

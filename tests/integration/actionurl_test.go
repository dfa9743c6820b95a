package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/actionurl"
)

// actionServer is a web app answering the route hook: mode picks its
// behaviour; every request's signature is checked.
type actionServer struct {
	*httptest.Server
	mode     atomic.Value // "call", "slow", "down"
	badSig   atomic.Int32
	requests atomic.Int32
	lastTo   atomic.Value
}

func newActionServer(t *testing.T, secret string) *actionServer {
	a := &actionServer{}
	a.mode.Store("call")
	mux := http.NewServeMux()
	mux.HandleFunc("/route", func(w http.ResponseWriter, r *http.Request) {
		a.requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		if actionurl.Verify(secret, r.Header, body, time.Now(), time.Minute) != nil {
			a.badSig.Add(1)
			http.Error(w, "bad signature", 401)
			return
		}
		var req map[string]any
		json.Unmarshal(body, &req)
		a.lastTo.Store(req["to"])
		switch a.mode.Load() {
		case "slow":
			time.Sleep(2 * time.Second)
		case "down":
			http.Error(w, "down", 503)
			return
		}
		// The seed 001 IVR Action URL answer.
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status_code":200,"action":"call","destination":"1002"}`)
	})
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		if a.mode.Load() == "down" {
			http.Error(w, "down", 503)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"action":"bridge","targets":["1003"]}`)
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

// The route hook bound to an HTTP action URL decides calls; a slow app
// falls back to the fallback URL within the budget; a dead one gets the
// policy's answer.
func TestRouteByActionURL(t *testing.T) {
	t.Parallel()
	app := newActionServer(t, "s3cret")
	sw, dir := withScripts(t, routeTo("5000", "1001"))
	writeScript(t, dir, "hooks.json", `{"hooks": {"route": {"engine": "http", "url": "`+app.URL+`/route",
		"fallback_url": "`+app.URL+`/fallback", "secret": "s3cret", "timeout": "300ms", "retries": 0,
		"budget": "1500ms", "policy": "fail-closed", "code": 503}}}`)
	if _, err := sw.srv.Hooks.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := sw.srv.Hooks.Acquire(); got.EngineOf("route") != "http" {
		got.Release()
		t.Fatalf("route is answered by %s, want http", got.EngineOf("route"))
	} else {
		got.Release()
	}
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{a, b, c} {
		p.mustRegister(t)
		p.setPolicy(policyBusy, 0)
	}
	// The app says: call 1002.
	if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 486 {
		t.Fatalf("app route: caller got %d, want 486 from 1002", res.StatusCode)
	}
	b.waitIncoming(t)
	if to, _ := app.lastTo.Load().(string); to != "5000" {
		t.Errorf("app saw to=%q, want 5000", to)
	}
	// The app is slow: the fallback URL answers within the budget: 1003.
	app.mode.Store("slow")
	start := time.Now()
	if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 486 {
		t.Fatalf("slow app: caller got %d, want 486 from 1003 via the fallback URL", res.StatusCode)
	}
	c.waitIncoming(t)
	if d := time.Since(start); d > 1500*time.Millisecond+time.Second {
		t.Errorf("slow app held the call %v, over its 1.5 s budget", d)
	}
	if app.badSig.Load() != 0 {
		t.Errorf("%d requests had a bad signature", app.badSig.Load())
	}
	// Both URLs fail: the route policy answers 503.
	app.mode.Store("down")
	if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 503 {
		t.Fatalf("dead app: caller got %d, want the policy's 503", res.StatusCode)
	}
}

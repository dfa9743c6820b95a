package actionurl

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// trunkCaller is an inbound call from a trunk.
var trunkCaller = hook.RouteRequest{CallID: "c2", From: "+4930555", To: "4930999", SourceIP: "192.0.2.9", Transport: "udp", Trunk: "upstream"}

// The trunk an inbound call came from reaches the web app, in the JSON
// body and in the GET query; a call from a phone sends "".
func TestRouteTrunkSent(t *testing.T) {
	s := jsonServer(t, callAnswer)
	e := routeEngine(t, s.URL)
	for _, req := range []hook.RouteRequest{trunkCaller, caller} {
		if _, err := e.Invoke(budget(t, 5*time.Second), req); err != nil {
			t.Fatal(err)
		}
	}
	if f := s.request(t, 0).fields(t); f["trunk"] != "upstream" || f["from"] != "+4930555" || f["to"] != "4930999" {
		t.Fatalf("trunk call: %v", f)
	}
	if f := s.request(t, 1).fields(t); f["trunk"] != "" {
		t.Fatalf("phone call: trunk %#v, want \"\"", f["trunk"])
	}
	g := jsonServer(t, callAnswer)
	get := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: g.URL, Method: "GET"}})
	if _, err := get.Invoke(budget(t, 5*time.Second), trunkCaller); err != nil {
		t.Fatal(err)
	}
	if q, err := url.ParseQuery(g.request(t, 0).query); err != nil || q.Get("trunk") != "upstream" {
		t.Fatalf("query %v %v", q, err)
	}
}

// A plain decision carries trunks, a time limit and a diversion, with
// Lua's names, for route and for failure.
func TestRouteTrunkDecisions(t *testing.T) {
	body := `{"action":"bridge","targets":["+4930123456"],"mode":"sequential","timeout":20,"caller_id":"4930112",
		"trunks":["upstream","backup"],"time_limit":90.5,"diversion":"1001","diversion_reason":"user-busy"}`
	want := hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"+4930123456"}, Mode: hook.ModeSequential, Timeout: 20 * time.Second,
		CallerID: "4930112", Trunks: []string{"upstream", "backup"}, TimeLimit: 90500 * time.Millisecond, Diversion: "1001", DiversionReason: "user-busy"}
	d, err := invokeRoute(t, routeEngine(t, jsonServer(t, body).URL))
	if err != nil || !reflect.DeepEqual(d, want) {
		t.Fatalf("route:\n got %+v %v\nwant %+v", d, err, want)
	}
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Failure: {URL: jsonServer(t, body).URL}})
	dec, err := e.Invoke(budget(t, 5*time.Second), hook.FailureRequest{CallID: "c1", From: "101", To: "1002", Code: 480, Attempt: 1})
	if err != nil || !reflect.DeepEqual(dec, want) {
		t.Fatalf("failure: %+v %v", dec, err)
	}
	// Limits pass; extension bridges may carry a time limit and a diversion.
	limits := `{"action":"bridge","targets":["` + strings.Repeat("9", 32) + `"],"trunks":["` + strings.Repeat(`t","`, 15) + `t"],"time_limit":86400,"diversion_reason":"deflection"}`
	if d, err := invokeRoute(t, routeEngine(t, jsonServer(t, limits).URL)); err != nil || len(d.Trunks) != 16 || d.TimeLimit != 24*time.Hour {
		t.Fatalf("limits: %+v %v", d, err)
	}
	ext := `{"action":"bridge","targets":["1002"],"time_limit":1,"diversion":"1001","diversion_reason":"unconditional"}`
	if d, err := invokeRoute(t, routeEngine(t, jsonServer(t, ext).URL)); err != nil || d.Trunks != nil || d.TimeLimit != time.Second || d.Diversion != "1001" {
		t.Fatalf("extension: %+v %v", d, err)
	}
}

// Bad routing fields are refused with an error naming the field.
func TestRouteTrunkBadAnswers(t *testing.T) {
	bridge := func(fields string) string { return `{"action":"bridge","targets":["+4930123"],` + fields + `}` }
	for _, tt := range []struct{ body, msg string }{
		{bridge(`"trunks":[]`), `field "trunks": want 1 to 16 trunk names, got 0`},
		{bridge(`"trunks":["` + strings.Repeat(`t","`, 16) + `t"]`), `field "trunks": want 1 to 16 trunk names, got 17`},
		{bridge(`"trunks":["up","a b"]`), `field "trunks[1]": want a trunk name (1-64 characters of a SIP user part), got "a b"`},
		{bridge(`"trunks":"up"`), `field "trunks": want a list`},
		{`{"action":"bridge","targets":["+49301","+49302"],"trunks":["up"]}`, `field "targets": with trunks, want exactly one outside number, got 2`},
		{`{"action":"bridge","targets":["+49abc"],"trunks":["up"]}`, `field "targets[0]": want an outside number (1-32 digits, a leading + allowed), got "+49abc"`},
		{`{"action":"bridge","targets":["+"],"trunks":["up"]}`, `field "targets[0]": want an outside number`},
		{`{"action":"bridge","targets":["+1002"]}`, `field "targets[0]": want an extension number (digits), got "+1002"`},
		{bridge(`"trunks":["up"],"time_limit":0.5`), `field "time_limit": want seconds in [1, 86400], got 0.5`},
		{bridge(`"trunks":["up"],"time_limit":86401`), `field "time_limit": want seconds in [1, 86400], got 86401`},
		{bridge(`"trunks":["up"],"time_limit":"60"`), `field "time_limit": want a number`},
		{bridge(`"trunks":["up"],"diversion":"a b"`), `field "diversion": want 1-64 characters of a SIP user part`},
		{bridge(`"trunks":["up"],"diversion_reason":"busy"`), `field "diversion_reason": want one of unconditional, user-busy, no-answer, unavailable, deflection, got "busy"`},
		{`{"action":"reject","code":486,"trunks":["up"]}`, `field "trunks" does not belong in a reject decision`},
		{`{"action":"call","destination":"222","time_limit":5}`, `field "time_limit" does not belong in a call answer`},
		{`{"verbs":[{"verb":"bridge","targets":["+4930"],"trunks":["up"],"diversion":"1001"}]}`, `unknown field "diversion"`},
	} {
		_, err := invokeRoute(t, routeEngine(t, jsonServer(t, tt.body).URL))
		if !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err %v, want one containing %q", tt.body, err, tt.msg)
		}
	}
}

// The queue verb: its spec reaches the call, its result reaches the
// action URL, and the document that answers runs next.
func TestProgramQueue(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"queue","queue":"7000","priority":5,"action":"/after"},{"verb":"play","file":"never.wav"}]}`,
		"/after": `{"verbs":[{"verb":"play","file":"thanks.wav"},{"verb":"hangup"}]}`,
	})
	c := newFakeCall()
	c.info = trunkCaller
	c.queue = hook.QueueResult{Reason: hook.QueueAnswered, Agent: "2001", Position: 3, Waited: 42500 * time.Millisecond, Talk: 5 * time.Minute}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "answer; queue 7000; play thanks.wav; hangup 603" {
		t.Fatalf("primitives %q", got)
	}
	if want := []hook.QueueSpec{{Queue: "7000", Priority: 5}}; !reflect.DeepEqual(c.queues, want) {
		t.Fatalf("specs %+v", c.queues)
	}
	posts := s.posted(t, "/after")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	want := map[string]any{"verb": "queue", "queue_result": "answered", "agent": "2001", "position": 3.0, "waited": 42.5, "talk": 300.0,
		"call_id": "c2", "from": "+4930555", "to": "4930999", "trunk": "upstream"}
	for k, v := range want {
		if posts[0][k] != v {
			t.Errorf("posted %s = %#v, want %#v", k, posts[0][k], v)
		}
	}
	if _, ok := posts[0]["hung_up"]; ok {
		t.Errorf("posted hung_up for a caller still there: %v", posts[0])
	}

	// No agent: the next verb runs without an action; the priority
	// defaults to 0.
	s = appServer(t, map[string]string{"/start": `{"verbs":[{"verb":"queue","queue":"7000"},{"verb":"bridge","targets":["1000"]}]}`})
	c = newFakeCall()
	c.queue = hook.QueueResult{Reason: hook.QueueTimeout, Waited: time.Minute}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if c.calls() != "queue 7000; bridge 1000" || c.queues[0].Priority != 0 {
		t.Fatalf("primitives %q, specs %+v", c.calls(), c.queues)
	}
}

// A caller who hangs up in the queue still reaches the action URL, then
// the program ends; a failing queue obeys on_error.
func TestProgramQueueHungUpAndErrors(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start":  `{"verbs":[{"verb":"queue","queue":"7000","action":"/result"},{"verb":"play","file":"bye.wav"}]}`,
		"/result": `{"verbs":[{"verb":"play","file":"never.wav"}]}`,
	})
	c := newFakeCall()
	c.queue = hook.QueueResult{Reason: hook.QueueHangup, Position: 1, Waited: 12 * time.Second, HungUp: true}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatalf("a caller hanging up is a normal end: %v", err)
	}
	if got := c.calls(); got != "queue 7000" {
		t.Fatalf("primitives %q: nothing may run after the caller hung up", got)
	}
	if p := s.posted(t, "/result"); len(p) != 1 || p[0]["hung_up"] != true || p[0]["queue_result"] != "hangup" || p[0]["waited"] != 12.0 {
		t.Fatalf("posted %v", p)
	}

	s = appServer(t, map[string]string{"/start": `{"verbs":[{"verb":"queue","queue":"7000","on_error":"continue"},
		{"verb":"queue","queue":"7001"},{"verb":"play","file":"never.wav"}]}`})
	c = newFakeCall()
	c.errs["queue"] = hook.ErrNotAvailable
	err := startProgram(t, s, "/start").Run(context.Background(), c)
	if !errors.Is(err, ErrVerb) || !strings.Contains(err.Error(), "queue") {
		t.Fatalf("err %v, want the failed queue", err)
	}
	if got := c.calls(); got != "queue 7000; queue 7001; hangup 500" {
		t.Fatalf("primitives %q", got)
	}
}

// A bridge verb carries trunks and a time limit to the call, as does a
// plain decision an action URL answers with; a diversion cannot reach a
// program's bridge and is refused rather than dropped.
func TestProgramBridgeTrunks(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"bridge","targets":["+4930999"],"trunks":["up","backup"],"time_limit":60,"caller_id":"4930112","action":"/next"}]}`,
		"/next":  `{"action":"bridge","targets":["0301234"],"trunks":["backup"],"time_limit":30}`,
	})
	c := newFakeCall()
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want := []hook.BridgeSpec{
		{Targets: []string{"+4930999"}, CallerID: "4930112", Trunks: []string{"up", "backup"}, TimeLimit: time.Minute},
		{Targets: []string{"0301234"}, Trunks: []string{"backup"}, TimeLimit: 30 * time.Second},
	}
	if !reflect.DeepEqual(c.bridges, want) {
		t.Fatalf("bridges\n got %+v\nwant %+v", c.bridges, want)
	}

	s = appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"collect","action":"/next"},{"verb":"play","file":"never.wav"}]}`,
		"/next":  `{"action":"bridge","targets":["0301234"],"trunks":["up"],"diversion":"1001"}`,
	})
	c = newFakeCall()
	err := startProgram(t, s, "/start").Run(context.Background(), c)
	if !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), `"diversion" and "diversion_reason": only in the answer to a route or failure request`) {
		t.Fatalf("err %v", err)
	}
	if got := c.calls(); got != "collect 1; hangup 500" {
		t.Fatalf("primitives %q", got)
	}
}

func TestVerbDocumentBadQueue(t *testing.T) {
	base := newDest(mustURL(t, "http://127.0.0.1/start")).u
	for _, tt := range []struct{ verb, msg string }{
		{`{"verb":"queue"}`, `field "queue": required`},
		{`{"verb":"queue","priority":5}`, `field "queue": required`},
		{`{"verb":"queue","queue":"70 00"}`, `field "queue": want a queue number (1-64 characters of a SIP user part), got "70 00"`},
		{`{"verb":"queue","queue":"` + strings.Repeat("7", 65) + `"}`, `field "queue": want a queue number`},
		{`{"verb":"queue","queue":"7000","priority":101}`, `field "priority": want 0-100, got 101`},
		{`{"verb":"queue","queue":"7000","priority":-1}`, `field "priority": want 0-100, got -1`},
		{`{"verb":"queue","queue":"7000","priority":"5"}`, `priority": want a number`},
		{`{"verb":"queue","queue":7000}`, `queue": want a string`},
		{`{"verb":"queue","queue":"7000","room":"1"}`, `field "room" does not belong in verb queue`},
		{`{"verb":"queue","queue":"7000","action":"ftp://x/y"}`, `field "action"`},
		{`{"verb":"play","file":"a.wav","queue":"7000"}`, `field "queue" does not belong in verb play`},
		{`{"verb":"bridge","targets":["1002"],"priority":1}`, `field "priority" does not belong in verb bridge`},
		{`{"verb":"conference","room":"1","trunks":["up"]}`, `field "trunks" does not belong in verb conference`},
		{`{"verb":"bridge","targets":["+4930"],"trunks":["up"],"time_limit":0}`, `field "time_limit": want seconds in [1, 86400]`},
	} {
		_, err := parseDoc([]byte(`{"verbs":[{"verb":"answer"},`+tt.verb+`]}`), base)
		if err == nil || !errors.Is(err, ErrResponse) && !errors.Is(err, ErrURL) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err %v, want one containing %q", tt.verb, err, tt.msg)
		}
	}
	d, err := parseDoc([]byte(`{"verbs":[{"verb":"queue","queue":"`+strings.Repeat("7", 64)+`","priority":100}]}`), base)
	if err != nil || d.steps[0].queue.Priority != 100 {
		t.Fatalf("limits: %v", err)
	}
}

// Documents and decisions written before trunks and queues keep their
// meaning, and the route request keeps every field it had (it only gains
// trunk and language).
func TestDocumentsBeforeTrunksStillValid(t *testing.T) {
	base := newDest(mustURL(t, "http://127.0.0.1/start")).u
	for _, tt := range []struct {
		body string
		want hook.RouteDecision
	}{
		{`{"action":"bridge","targets":["1001","1002"],"mode":"sequential","timeout":15,"caller_id":"+4930"}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1001", "1002"}, Mode: hook.ModeSequential, Timeout: 15 * time.Second, CallerID: "+4930"}},
		{`{"action":"reject","code":486,"reason":"Busy Here"}`, hook.RouteDecision{Action: hook.ActionReject, Code: 486, Reason: "Busy Here"}},
		{callAnswer, hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"222"}}},
	} {
		d, err := parseDoc([]byte(tt.body), base)
		if err != nil || !reflect.DeepEqual(d.decision(), tt.want) {
			t.Errorf("%s: %+v %v", tt.body, d, err)
		}
	}
	d, err := parseDoc([]byte(`{"verbs":[{"verb":"bridge","targets":["1002"],"timeout":20,"action":"/x"}]}`), base)
	if err != nil || !reflect.DeepEqual(d.steps[0].bridge, hook.BridgeSpec{Targets: []string{"1002"}, Timeout: 20 * time.Second}) {
		t.Fatalf("bridge verb: %+v %v", d, err)
	}
	s := jsonServer(t, callAnswer)
	if _, err := invokeRoute(t, routeEngine(t, s.URL)); err != nil {
		t.Fatal(err)
	}
	f := s.request(t, 0).fields(t)
	for _, k := range []string{"hook", "version", "call_id", "from", "from_name", "from_domain", "to", "to_domain", "source_ip",
		"transport", "authenticated", "input", "account_name", "trunk", "language"} {
		if _, ok := f[k]; !ok {
			t.Errorf("route request lacks %q", k)
		}
		delete(f, k)
	}
	if len(f) != 0 {
		t.Errorf("route request has fields no document knows: %v", f)
	}
}

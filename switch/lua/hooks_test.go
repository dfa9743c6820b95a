package lua

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// hooksScript implements every hook; each returns the expression that the
// global `answers[hook]` holds (set per test through kv-free globals).
const hooksScript = `
seen = {}
local function pick(name, req)
  seen[name] = req
  local f = answers[name]
  return f(req)
end
answers = {}
function route(r) return pick("route", r) end
function failure(r) return pick("failure", r) end
function register(r) return pick("register", r) end
function authorize(r) return pick("authorize", r) end
function cdr(r) return pick("cdr", r) end
function message(r) return pick("message", r) end
function subscribe(r) return pick("subscribe", r) end
function provision(r) return pick("provision", r) end
function answer(r) return pick("answer", r) end
function dtmf(r) return pick("dtmf", r) end
function hangup(r) return pick("hangup", r) end
function timer(r) return pick("timer", r) end
function event(r) return pick("event", r) end
`

func sampleRequests() map[hook.Name]hook.Request {
	return map[hook.Name]hook.Request{
		hook.Route:     hook.RouteRequest{CallID: "c1", From: "1001", To: "1002"},
		hook.Failure:   hook.FailureRequest{CallID: "c1", From: "1001", To: "1002", Targets: []string{"1002"}, Code: 486, Reason: "Busy Here", Attempt: 1},
		hook.Register:  hook.RegisterRequest{AOR: "1001", Contact: "sip:1001@192.0.2.1:5060", SourceIP: "192.0.2.1", Transport: "udp", UserAgent: "phone/1.0", Expires: 3600},
		hook.Authorize: hook.AuthorizeRequest{CallID: "c1", From: "1001", To: "0044123", Trunk: "main"},
		hook.CDR:       hook.CDRRequest{Record: map[string]any{"call_id": "c1", "duration": 12.5, "answered": true, "targets": []any{"1002"}, "n": 3}},
		hook.Message:   hook.MessageRequest{From: "1001", To: "1002", ContentType: "text/plain", Body: "hi"},
		hook.Subscribe: hook.SubscribeRequest{From: "1001", To: "1002", Event: "presence"},
		hook.Provision: hook.ProvisionRequest{MAC: "001122334455", Path: "/cfg/001122334455.xml", UserAgent: "Yealink", SourceIP: "192.0.2.9"},
		hook.Answer:    hook.CallEvent{Kind: hook.Answer, CallID: "c1", From: "1001", To: "1002"},
		hook.DTMF:      hook.CallEvent{Kind: hook.DTMF, CallID: "c1", Digit: "5"},
		hook.Hangup:    hook.CallEvent{Kind: hook.Hangup, CallID: "c1", Code: 200, Reason: "caller", Duration: 90 * time.Second},
		hook.Timer:     hook.TimerRequest{Name: "nightly", Time: time.Unix(1700000000, 0)},
		hook.Event:     hook.EventRequest{Topic: "registration", Data: map[string]any{"aor": "1001", "nested": map[string]any{"x": 1.5}}},
	}
}

// invokeWith sets answers[h] to `function(r) <body> end` and invokes h.
func invokeWith(t *testing.T, e *Engine, h hook.Name, body string) (hook.Decision, error) {
	t.Helper()
	// Each pooled state has its own globals: use a one-state pool.
	st := <-e.pool
	if err := st.L.DoString(fmt.Sprintf("answers[%q] = function(r) %s end", h, body)); err != nil {
		t.Fatal(err)
	}
	e.pool <- st
	return e.Invoke(context.Background(), sampleRequests()[h])
}

func TestHandles(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: hooksScript}, Options{PoolSize: 1})
	for _, spec := range hook.Catalogue {
		if !e.Handles(spec.Name) {
			t.Errorf("Handles(%s) = false", spec.Name)
		}
	}
	if e.Handles("nosuch") || e.Name() != "lua" {
		t.Error("Handles(nosuch) or Name")
	}
	e2 := buildEngine(t, map[string]string{DialPlanFile: "function register(r) return {} end\nroute = 5\n"}, Options{})
	for _, spec := range hook.Catalogue {
		if want := spec.Name == hook.Register; e2.Handles(spec.Name) != want {
			t.Errorf("Handles(%s) = %v, want %v", spec.Name, !want, want)
		}
	}
	_, err := e2.Invoke(context.Background(), hook.RouteRequest{To: "1002"})
	wantErr(t, err, ErrNoHook, "route")
	// A directory without scripts implements nothing.
	eng, err := Factory{}.Build(t.TempDir(), hook.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if eng.Handles(hook.Route) {
		t.Error("an empty directory handles route")
	}
}

func TestRequestFields(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: hooksScript}, Options{PoolSize: 1})
	checks := map[hook.Name]string{
		hook.Failure:   `r.call_id == "c1" and r.targets[1] == "1002" and r.code == 486 and r.reason == "Busy Here" and r.attempt == 1`,
		hook.Register:  `r.aor == "1001" and r.contact:find("sip:1001") and r.source_ip == "192.0.2.1" and r.transport == "udp" and r.user_agent == "phone/1.0" and r.expires == 3600`,
		hook.Authorize: `r.call_id == "c1" and r.from == "1001" and r.to == "0044123" and r.trunk == "main"`,
		hook.CDR:       `r.record.call_id == "c1" and r.record.duration == 12.5 and r.record.answered == true and r.record.targets[1] == "1002" and r.record.n == 3`,
		hook.Message:   `r.from == "1001" and r.to == "1002" and r.content_type == "text/plain" and r.body == "hi"`,
		hook.Subscribe: `r.from == "1001" and r.to == "1002" and r.event == "presence"`,
		hook.Provision: `r.mac == "001122334455" and r.path == "/cfg/001122334455.xml" and r.user_agent == "Yealink" and r.source_ip == "192.0.2.9"`,
		hook.Answer:    `r.kind == "answer" and r.call_id == "c1" and r.from == "1001" and r.to == "1002"`,
		hook.DTMF:      `r.kind == "dtmf" and r.digit == "5"`,
		hook.Hangup:    `r.kind == "hangup" and r.code == 200 and r.reason == "caller" and r.duration == 90`,
		hook.Timer:     `r.name == "nightly" and r.time == 1700000000`,
		hook.Event:     `r.topic == "registration" and r.data.aor == "1001" and r.data.nested.x == 1.5`,
	}
	for h, cond := range checks {
		_, err := invokeWith(t, e, h, fmt.Sprintf("if not (%s) then error('fields') end; error('FIELDS_OK')", cond))
		if err == nil || !strings.Contains(err.Error(), "FIELDS_OK") {
			t.Errorf("%s: %v", h, err)
		}
	}
}

func TestHookDecisions(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: hooksScript}, Options{PoolSize: 1})
	good := []struct {
		h    hook.Name
		lua  string
		want hook.Decision
	}{
		{hook.Register, `return {}`, hook.RegisterDecision{}},
		{hook.Register, `return {expires = 600}`, hook.RegisterDecision{Expires: 600}},
		{hook.Register, `return {reject = true}`, hook.RegisterDecision{Reject: true, Code: 403}},
		{hook.Register, `return {reject = true, code = 503, reason = "Busy"}`, hook.RegisterDecision{Reject: true, Code: 503, Reason: "Busy"}},
		{hook.Failure, `return {action = "reject", code = r.code}`, hook.RouteDecision{Action: hook.ActionReject, Code: 486}},
		{hook.Failure, `return {action = "bridge", targets = {"1000"}}`, hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1000"}}},
		{hook.Authorize, `return {allow = true}`, hook.AuthorizeDecision{Allow: true}},
		{hook.Authorize, `return {allow = true, max_duration = 3600}`, hook.AuthorizeDecision{Allow: true, MaxDuration: time.Hour}},
		{hook.Authorize, `return {allow = false}`, hook.AuthorizeDecision{Code: 403}},
		{hook.Authorize, `return {allow = false, code = 402, reason = "No Credit"}`, hook.AuthorizeDecision{Code: 402, Reason: "No Credit"}},
		{hook.CDR, `return {}`, hook.CDRDecision{}},
		{hook.CDR, `return {extra = {account = "42", note = "vip"}}`, hook.CDRDecision{Extra: map[string]string{"account": "42", "note": "vip"}}},
		{hook.Message, `return {}`, hook.MessageDecision{}},
		{hook.Message, `return {deliver_to = "1003"}`, hook.MessageDecision{DeliverTo: "1003"}},
		{hook.Message, `return {reject = true, code = 488}`, hook.MessageDecision{Reject: true, Code: 488}},
		{hook.Subscribe, `return {}`, hook.SubscribeDecision{}},
		{hook.Subscribe, `return {reject = true}`, hook.SubscribeDecision{Reject: true, Code: 403}},
		{hook.Provision, `return {body = "<cfg/>", content_type = "application/xml"}`, hook.ProvisionDecision{Code: 200, ContentType: "application/xml", Body: []byte("<cfg/>")}},
		{hook.Provision, `return {code = 404}`, hook.ProvisionDecision{Code: 404}},
		{hook.Answer, `return`, hook.Ack{}},
		{hook.DTMF, ``, hook.Ack{}},
		{hook.Hangup, `return nil`, hook.Ack{}},
		{hook.Timer, ``, hook.Ack{}},
		{hook.Event, ``, hook.Ack{}},
	}
	for _, g := range good {
		d, err := invokeWith(t, e, g.h, g.lua)
		if err != nil {
			t.Errorf("%s %s: %v", g.h, g.lua, err)
			continue
		}
		if !reflect.DeepEqual(d, g.want) {
			t.Errorf("%s %s: got %#v, want %#v", g.h, g.lua, d, g.want)
		}
	}
	bad := []struct {
		h          hook.Name
		lua, field string
		msg        string
	}{
		{hook.Register, `return nil`, "", "must return a table, got nil"},
		{hook.Register, `return {rejet = true}`, "rejet", "unknown field"},
		{hook.Register, `return {reject = "yes"}`, "reject", "boolean"},
		{hook.Register, `return {reject = true, code = 200}`, "code", "400-699"},
		{hook.Register, `return {reject = true, code = 403.5}`, "code", "whole number"},
		{hook.Register, `return {code = 403}`, "code", "only with reject = true"},
		{hook.Register, `return {expires = -1}`, "expires", "0-86400"},
		{hook.Register, `return {expires = "60"}`, "expires", "whole number"},
		{hook.Register, `return {reject = true, expires = 60}`, "expires", "only with reject = false"},
		{hook.Register, `return {reject = true, reason = "a\nb"}`, "reason", "control"},
		{hook.Failure, `return {action = "bridge", targets = {}}`, "targets", "non-empty"},
		{hook.Failure, `return 5`, "", "got number"},
		{hook.Authorize, `return {}`, "allow", "true or false"},
		{hook.Authorize, `return {allow = 1}`, "allow", "true or false"},
		{hook.Authorize, `return {allow = true, max_duration = 0}`, "max_duration", "seconds"},
		{hook.Authorize, `return {allow = true, max_duration = "1h"}`, "max_duration", "number"},
		{hook.Authorize, `return {allow = true, code = 403}`, "code", "only with allow = false"},
		{hook.Authorize, `return {allow = false, max_duration = 60}`, "max_duration", "only with allow = true"},
		{hook.Authorize, `return {allow = false, code = 999}`, "code", "400-699"},
		{hook.CDR, `return {extra = "x"}`, "extra", "table of strings"},
		{hook.CDR, `return {extra = {n = 5}}`, "extra.n", "string"},
		{hook.CDR, `return {extra = {[1] = "x"}}`, "extra", "keys"},
		{hook.CDR, `return {extra = {x = string.rep("a", 2000)}}`, "extra.x", "1024"},
		{hook.CDR, `local t = {} for i = 1, 40 do t["k" .. i] = "v" end return {extra = t}`, "extra", "at most 32"},
		{hook.CDR, `return {extras = {}}`, "extras", "unknown field"},
		{hook.Message, `return {deliver_to = "abc"}`, "deliver_to", "extension number"},
		{hook.Message, `return {reject = true, deliver_to = "1002"}`, "deliver_to", "only with reject = false"},
		{hook.Message, `return {reject = true, reason = "x"}`, "reason", "unknown field"},
		{hook.Subscribe, `return {reject = true, code = 700}`, "code", "400-699"},
		{hook.Subscribe, `return true`, "", "got boolean"},
		{hook.Provision, `return {code = 99}`, "code", "200-599"},
		{hook.Provision, `return {body = 5}`, "body", "string"},
		{hook.Provision, `return {content_type = "a\r\nb: c"}`, "content_type", "media type"},
		{hook.Provision, `return {file = "x"}`, "file", "unknown field"},
		{hook.Answer, `return {}`, "", "notice and returns nothing"},
		{hook.Timer, `return true`, "", "notice and returns nothing"},
	}
	for _, b := range bad {
		_, err := invokeWith(t, e, b.h, b.lua)
		parts := []string{e.script + ": " + string(b.h) + ": bad decision", b.msg}
		if b.field != "" {
			parts = append(parts, fmt.Sprintf("field %q", b.field))
		}
		if err == nil {
			t.Errorf("%s %s: no error", b.h, b.lua)
			continue
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s %s: error %q does not contain %q", b.h, b.lua, err, p)
			}
		}
	}
	// A bad decision fails that call only.
	if d, err := invokeWith(t, e, hook.Register, `return {}`); err != nil || d != (hook.RegisterDecision{}) {
		t.Fatalf("after bad decisions: %v %v", d, err)
	}
}

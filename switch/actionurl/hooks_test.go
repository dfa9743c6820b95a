package actionurl

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func invokeHook(t *testing.T, req hook.Request, body string) (hook.Decision, map[string]any, error) {
	t.Helper()
	s := jsonServer(t, body)
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{req.Hook(): {URL: s.URL}})
	d, err := e.Invoke(budget(t, 5*time.Second), req)
	if s.hits.Load() == 0 {
		t.Fatal("no request reached the web app")
	}
	return d, s.request(t, 0).fields(t), err
}

func TestOtherHooks(t *testing.T) {
	tests := []struct {
		name   string
		req    hook.Request
		body   string
		want   hook.Decision
		fields map[string]any // some fields of the request body
	}{
		{"register accept", hook.RegisterRequest{AOR: "1001", Contact: "sip:1001@127.0.0.1", Expires: 300}, `{"expires":120}`,
			hook.RegisterDecision{Expires: 120}, map[string]any{"hook": "register", "aor": "1001", "expires": 300.0}},
		{"register reject", hook.RegisterRequest{AOR: "1001"}, `{"reject":true,"code":403,"reason":"Blocked"}`,
			hook.RegisterDecision{Reject: true, Code: 403, Reason: "Blocked"}, nil},
		{"failure next step", hook.FailureRequest{CallID: "c", To: "200", Targets: []string{"1001"}, Code: 486, Attempt: 1}, `{"action":"bridge","targets":["1099"]}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1099"}}, map[string]any{"hook": "failure", "code": 486.0, "attempt": 1.0}},
		{"failure ivr hangup", hook.FailureRequest{}, `{"status_code":200,"action":"hangup","code":480}`,
			hook.RouteDecision{Action: hook.ActionReject, Code: 480}, nil},
		{"authorize", hook.AuthorizeRequest{CallID: "c", From: "1001", To: "0049301234", Trunk: "carrier"}, `{"allow":true,"max_duration":60}`,
			hook.AuthorizeDecision{Allow: true, MaxDuration: time.Minute}, map[string]any{"hook": "authorize", "trunk": "carrier"}},
		{"authorize reject", hook.AuthorizeRequest{}, `{"allow":false,"code":402,"reason":"No credit"}`,
			hook.AuthorizeDecision{Code: 402, Reason: "No credit"}, nil},
		{"cdr", hook.CDRRequest{Record: map[string]any{"call_id": "c", "billsec": 12}}, `{"extra":{"cost":"0.12"}}`,
			hook.CDRDecision{Extra: map[string]string{"cost": "0.12"}}, map[string]any{"hook": "cdr", "version": 1.0}},
		{"message", hook.MessageRequest{From: "1001", To: "1002", ContentType: "text/plain", Body: "hi"}, `{"deliver_to":"1003"}`,
			hook.MessageDecision{DeliverTo: "1003"}, map[string]any{"body": "hi", "content_type": "text/plain"}},
		{"subscribe", hook.SubscribeRequest{From: "1001", To: "1002", Event: "presence"}, `{"reject":true,"code":403}`,
			hook.SubscribeDecision{Reject: true, Code: 403}, map[string]any{"event": "presence"}},
		{"provision text", hook.ProvisionRequest{MAC: "001122334455", Path: "/cfg.xml"}, `{"content_type":"application/xml","body":"<cfg/>"}`,
			hook.ProvisionDecision{Code: 200, ContentType: "application/xml", Body: []byte("<cfg/>")}, map[string]any{"mac": "001122334455"}},
		{"provision base64", hook.ProvisionRequest{}, `{"body_base64":"AAEC"}`,
			hook.ProvisionDecision{Code: 200, ContentType: "application/octet-stream", Body: []byte{0, 1, 2}}, nil},
		{"provision none", hook.ProvisionRequest{}, `{}`, hook.ProvisionDecision{Code: 404}, nil},
		{"answer notice", hook.CallEvent{Kind: hook.Answer, CallID: "c"}, `not json at all`, hook.Ack{}, map[string]any{"hook": "answer", "call_id": "c"}},
		{"dtmf notice", hook.CallEvent{Kind: hook.DTMF, Digit: "5"}, ``, hook.Ack{}, map[string]any{"hook": "dtmf", "digit": "5"}},
		{"hangup notice", hook.CallEvent{Kind: hook.Hangup, Code: 200, Duration: 1500 * time.Millisecond}, `{}`, hook.Ack{}, map[string]any{"duration": 1.5, "code": 200.0}},
		{"timer notice", hook.TimerRequest{Name: "nightly", Time: time.Unix(0, 0).UTC()}, ``, hook.Ack{}, map[string]any{"name": "nightly", "time": "1970-01-01T00:00:00Z"}},
		{"event notice", hook.EventRequest{Topic: "queue.join", Data: map[string]any{"q": "sales"}}, ``, hook.Ack{}, map[string]any{"topic": "queue.join"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, f, err := invokeHook(t, tt.req, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%#v", d) != fmt.Sprintf("%#v", tt.want) {
				t.Fatalf("decision %#v, want %#v", d, tt.want)
			}
			for k, v := range tt.fields {
				if f[k] != v {
					t.Errorf("request field %s = %#v, want %#v", k, f[k], v)
				}
			}
		})
	}
}

func TestOtherHooksBadAnswers(t *testing.T) {
	tests := []struct {
		name string
		req  hook.Request
		body string
		msg  string
	}{
		{"register unknown field", hook.RegisterRequest{}, `{"accept":true}`, `unknown field "accept"`},
		{"register expires", hook.RegisterRequest{}, `{"expires":-5}`, "expires"},
		{"register code", hook.RegisterRequest{}, `{"reject":true,"code":99}`, "400-699"},
		{"failure program", hook.FailureRequest{}, `{"verbs":[{"verb":"answer"}]}`, "call program"},
		{"failure repeat", hook.FailureRequest{}, `{"action":"repeat"}`, "call program"},
		{"authorize without allow", hook.AuthorizeRequest{}, `{"max_duration":60}`, `"allow": required`},
		{"authorize wrong type", hook.AuthorizeRequest{}, `{"allow":"yes"}`, `field "allow": want true or false`},
		{"cdr wrong type", hook.CDRRequest{}, `{"extra":{"cost":0.12}}`, `want a string, got JSON number`},
		{"message deliver_to", hook.MessageRequest{}, `{"deliver_to":"a b"}`, "deliver_to"},
		{"subscribe code", hook.SubscribeRequest{}, `{"reject":true,"code":1000}`, "400-699"},
		{"provision both bodies", hook.ProvisionRequest{}, `{"body":"a","body_base64":"AA=="}`, "not both"},
		{"provision bad base64", hook.ProvisionRequest{}, `{"body_base64":"!!"}`, "body_base64"},
		{"provision bad type", hook.ProvisionRequest{}, `{"body":"a","content_type":"text/plain\r\nX: y"}`, "content_type"},
		{"provision code", hook.ProvisionRequest{}, `{"code":99}`, "200-599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := invokeHook(t, tt.req, tt.body)
			if !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err %v, want ErrResponse containing %q", err, tt.msg)
			}
		})
	}
}

func TestNoticeNeeds2xx(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(500) })
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Hangup: {URL: s.URL}})
	if _, err := e.Invoke(budget(t, 5*time.Second), hook.CallEvent{Kind: hook.Hangup}); !errors.Is(err, ErrStatus) {
		t.Fatalf("notice to a failing app: %v, want ErrStatus", err)
	}
}

func TestDecisionHook204IsDefault(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(204) })
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Authorize: {URL: s.URL}})
	d, err := e.Invoke(budget(t, 5*time.Second), hook.AuthorizeRequest{})
	if err != nil || d != (hook.AuthorizeDecision{Allow: true}) {
		t.Fatalf("204: %#v %v, want the default (allow)", d, err)
	}
}

package actionurl

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func TestRouteFormats(t *testing.T) {
	tests := []struct {
		name, body string
		want       hook.RouteDecision
	}{
		{"ivr call", callAnswer, hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"222"}}},
		{"ivr call without status_code", `{"action":"call","destination":"222"}`, hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"222"}}},
		{"ivr hangup", `{"status_code":200,"action":"hangup"}`, hook.RouteDecision{Action: hook.ActionReject, Code: 603}},
		{"ivr hangup ignores destination", `{"status_code":200,"action":"hangup","destination":"1"}`, hook.RouteDecision{Action: hook.ActionReject, Code: 603}},
		{"ivr hangup with code", `{"status_code":200,"action":"hangup","code":486,"reason":"Busy Here"}`, hook.RouteDecision{Action: hook.ActionReject, Code: 486, Reason: "Busy Here"}},
		{"plain bridge", `{"action":"bridge","targets":["1001","1002"],"mode":"sequential","timeout":15,"caller_id":"+4930"}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1001", "1002"}, Mode: hook.ModeSequential, Timeout: 15 * time.Second, CallerID: "+4930"}},
		{"plain reject", `{"action":"reject","code":486}`, hook.RouteDecision{Action: hook.ActionReject, Code: 486}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := invokeRoute(t, routeEngine(t, jsonServer(t, tt.body).URL))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(d) != fmt.Sprint(tt.want) {
				t.Fatalf("decision %+v, want %+v", d, tt.want)
			}
		})
	}
}

func TestRouteProgramFormats(t *testing.T) {
	for _, body := range []string{
		`{"status_code":200,"action":"repeat"}`,
		`{"verbs":[{"verb":"answer"},{"verb":"hangup"}]}`,
	} {
		d, err := invokeRoute(t, routeEngine(t, jsonServer(t, body).URL))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if d.Action != hook.ActionProgram || d.Program == nil {
			t.Fatalf("%s: decision %+v, want a program", body, d)
		}
	}
}

func TestRoute204IsTheDefault(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) { w.WriteHeader(204) })
	d, err := invokeRoute(t, routeEngine(t, s.URL))
	if err != nil || d.Action != hook.ActionBridge || d.Targets[0] != "888" {
		t.Fatalf("204: %+v %v, want the default bridge to the dialled 888", d, err)
	}
}

func TestRouteBadAnswers(t *testing.T) {
	huge := `{"action":"reject","code":486,"reason":"` + strings.Repeat("x", MaxBody) + `"}`
	tests := []struct {
		name, body string
		want       error
		msg        string
	}{
		{"malformed", `{"action":"call",`, ErrResponse, "truncated"},
		{"syntax", `{"action" "call"}`, ErrResponse, "not JSON"},
		{"not an object", `["call"]`, ErrResponse, "want a JSON object"},
		{"null", `null`, ErrResponse, "want a JSON object"},
		{"empty", ``, ErrResponse, "empty body"},
		{"trailing", `{"action":"reject","code":486} {}`, ErrResponse, "trailing"},
		{"html", `<html>oops</html>`, ErrResponse, "want a JSON object"},
		{"wrong type", `{"status_code":"200","action":"call","destination":"222"}`, ErrResponse, `field "status_code": want a number, got JSON string`},
		{"wrong type in list", `{"action":"bridge","targets":[1001]}`, ErrResponse, `want a string, got JSON number`},
		{"unknown field", `{"action":"call","destination":"222","extra":1}`, ErrResponse, `unknown field "extra"`},
		{"field of another format", `{"action":"call","destination":"222","targets":["1"]}`, ErrResponse, `"targets" does not belong`},
		{"unknown action", `{"action":"dance"}`, ErrResponse, `unknown action "dance"`},
		{"no action", `{}`, ErrResponse, `want "verbs" or "action"`},
		{"both", `{"action":"call","verbs":[]}`, ErrResponse, "not both"},
		{"status_code failure", `{"status_code":500,"action":"call","destination":"222"}`, ErrResponse, "status_code 500"},
		{"bad destination", `{"action":"call","destination":"sip:x@y"}`, ErrResponse, "destination"},
		{"reject without code", `{"action":"reject"}`, ErrResponse, "required"},
		{"reject code range", `{"action":"reject","code":200}`, ErrResponse, "400-699"},
		{"reason with CRLF", `{"action":"reject","code":486,"reason":"a\r\nVia: x"}`, ErrResponse, "reason"},
		{"empty targets", `{"action":"bridge","targets":[]}`, ErrResponse, "targets"},
		{"bad caller_id", `{"action":"bridge","targets":["1"],"caller_id":"a b"}`, ErrResponse, "caller_id"},
		{"bad timeout", `{"action":"bridge","targets":["1"],"timeout":-1}`, ErrResponse, "timeout"},
		{"bad mode", `{"action":"bridge","targets":["1"],"mode":"ring"}`, ErrResponse, "mode"},
		{"huge", huge, ErrTooLarge, "65536"},
		{"unknown verb", `{"verbs":[{"verb":"dance"}]}`, ErrResponse, `verbs[0]: bad response: field "verb": unknown verb "dance"`},
		{"verb field of another verb", `{"verbs":[{"verb":"play","file":"a.wav","targets":["1"]}]}`, ErrResponse, `"targets" does not belong in verb play`},
		{"verb path traversal", `{"verbs":[{"verb":"play","file":"../../etc/passwd"}]}`, ErrResponse, "relative file name"},
		{"verb bad action url", `{"verbs":[{"verb":"collect","action":"ftp://x/y"}]}`, ErrURL, "scheme"},
		{"verb userinfo", `{"verbs":[{"verb":"collect","action":"http://u:p@x/y"}]}`, ErrURL, "user information"},
		{"verb bad on_error", `{"verbs":[{"verb":"answer"}],"on_error":"explode"}`, ErrResponse, "on_error"},
		{"verb sleep without seconds", `{"verbs":[{"verb":"sleep"}]}`, ErrResponse, "seconds"},
		{"too many verbs", `{"verbs":[` + strings.Repeat(`{"verb":"answer"},`, 100) + `{"verb":"answer"}]}`, ErrResponse, "1 to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invokeRoute(t, routeEngine(t, jsonServer(t, tt.body).URL))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err %v, want %v containing %q", err, tt.want, tt.msg)
			}
			t.Log(err)
		})
	}
}

func TestHugeBodyNotBuffered(t *testing.T) {
	// An endless body is cut at MaxBody, not read to the end.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		io.WriteString(w, `{"action":"reject","reason":"`)
		chunk := []byte(strings.Repeat("x", 4096))
		for i := 0; i < 1024 && r.Context().Err() == nil; i++ { // up to 4 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	if _, err := invokeRoute(t, routeEngine(t, s.URL)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}

func TestBuildValidation(t *testing.T) {
	bad := []hook.HookConfig{
		{URL: "ftp://example.test/x"},
		{URL: "http://user:pw@127.0.0.1/x"},
		{URL: "http:///nohost"},
		{URL: "/relative"},
		{URL: "http://127.0.0.1/x#frag"},
		{URL: ""},
		{URL: "http://127.0.0.1/", FallbackURL: "gopher://x"},
		{URL: "http://127.0.0.1/", Method: "PUT"},
		{URL: "http://127.0.0.1/", Retries: intp(9)},
	}
	for _, hc := range bad {
		hc.Engine = "http"
		_, err := Factory{}.Build("", hook.Config{Hooks: map[hook.Name]hook.HookConfig{hook.Route: hc}})
		if err == nil || !strings.Contains(err.Error(), "hooks.json: hook route") {
			t.Errorf("%+v: err %v, want a hooks.json error", hc, err)
		}
	}
	e, err := Factory{}.Build("", hook.Config{Hooks: map[hook.Name]hook.HookConfig{
		hook.Route:    {Engine: "http", URL: "https://127.0.0.1/route"},
		hook.Register: {Engine: "lua", URL: "ftp://ignored"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Name() != "http" || !e.Handles(hook.Route) || e.Handles(hook.Register) || e.Handles(hook.CDR) {
		t.Fatalf("name %s, handles route %v register %v cdr %v", e.Name(), e.Handles(hook.Route), e.Handles(hook.Register), e.Handles(hook.CDR))
	}
	if _, err := e.Invoke(budget(t, time.Second), hook.RegisterRequest{}); !errors.Is(err, ErrNotHandled) {
		t.Fatalf("unbound hook: %v", err)
	}
}

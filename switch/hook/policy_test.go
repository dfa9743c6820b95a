package hook

import (
	"reflect"
	"testing"
	"time"
)

func bridge(to ...string) RouteDecision { return RouteDecision{Action: ActionBridge, Targets: to} }
func reject(code int) RouteDecision     { return RouteDecision{Action: ActionReject, Code: code} }

func TestDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Request
		want Decision
	}{
		{"register", RegisterRequest{AOR: "100"}, RegisterDecision{}},
		{"route 2 digits", RouteRequest{To: "10"}, bridge("10")},
		{"route 3 digits", RouteRequest{To: "100"}, bridge("100")},
		{"route 11 digits", RouteRequest{To: "12345678901"}, bridge("12345678901")},
		{"route 1 digit", RouteRequest{To: "1"}, reject(404)},
		{"route 12 digits", RouteRequest{To: "123456789012"}, reject(404)},
		{"route empty", RouteRequest{}, reject(404)},
		{"route letters", RouteRequest{To: "alice"}, reject(404)},
		{"route plus", RouteRequest{To: "+4930123"}, reject(404)},
		{"route star code", RouteRequest{To: "*97"}, reject(404)},
		{"route mixed", RouteRequest{To: "10a"}, reject(404)},
		{"route non-ascii digits", RouteRequest{To: "١٢٣"}, reject(404)},
		{"failure busy", FailureRequest{Code: 486, Reason: "Busy Here"}, RouteDecision{Action: ActionReject, Code: 486, Reason: "Busy Here"}},
		{"failure 400", FailureRequest{Code: 400}, reject(400)},
		{"failure 699", FailureRequest{Code: 699}, reject(699)},
		{"failure 0", FailureRequest{}, reject(480)},
		{"failure 399", FailureRequest{Code: 399}, reject(480)},
		{"failure 700", FailureRequest{Code: 700}, reject(480)},
		{"failure negative", FailureRequest{Code: -486}, reject(480)},
		{"authorize", AuthorizeRequest{Trunk: "t"}, AuthorizeDecision{Allow: true}},
		{"cdr", CDRRequest{}, CDRDecision{}},
		{"message", MessageRequest{To: "100"}, MessageDecision{}},
		{"subscribe", SubscribeRequest{Event: "presence"}, SubscribeDecision{}},
		{"provision", ProvisionRequest{MAC: "001565000000"}, ProvisionDecision{Code: 404}},
		{"answer", CallEvent{Kind: Answer}, Ack{}},
		{"dtmf", CallEvent{Kind: DTMF, Digit: "5"}, Ack{}},
		{"hangup", CallEvent{Kind: Hangup, Code: 200}, Ack{}},
		{"timer", TimerRequest{Name: "t", Time: time.Unix(0, 0)}, Ack{}},
		{"event", EventRequest{Topic: "x"}, Ack{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Default(tc.req)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Default = %#v, want %#v", got, tc.want)
			}
			if err := checkType(tc.req, got); err != nil {
				t.Fatalf("default decision has the wrong type: %v", err)
			}
		})
	}
}

func TestPolicyOnFailure(t *testing.T) {
	closed := func(code int) Policy { return Policy{Mode: FailClosed, Code: code} }
	fallback := Policy{Mode: Fallback, Fallback: "200"}
	for _, tc := range []struct {
		name   string
		policy Policy
		req    Request
		want   Decision
	}{
		// fail-open: the hook's default.
		{"open route", Policy{Mode: FailOpen}, RouteRequest{To: "100"}, bridge("100")},
		{"open route unknown", Policy{Mode: FailOpen}, RouteRequest{To: "x"}, reject(404)},
		{"open failure", Policy{Mode: FailOpen}, FailureRequest{Code: 486}, reject(486)},
		{"open register", Policy{Mode: FailOpen}, RegisterRequest{}, RegisterDecision{}},
		{"open authorize", Policy{Mode: FailOpen}, AuthorizeRequest{}, AuthorizeDecision{Allow: true}},
		{"open provision", Policy{Mode: FailOpen}, ProvisionRequest{}, ProvisionDecision{Code: 404}},
		{"open notice", Policy{Mode: FailOpen}, CallEvent{Kind: Hangup}, Ack{}},
		// fail-closed: a refusal with the code, of the hook's type.
		{"closed route", closed(503), RouteRequest{To: "100"}, reject(503)},
		{"closed failure", closed(502), FailureRequest{Code: 486}, reject(502)},
		{"closed register", closed(403), RegisterRequest{}, RegisterDecision{Reject: true, Code: 403}},
		{"closed authorize", closed(403), AuthorizeRequest{}, AuthorizeDecision{Allow: false, Code: 403}},
		{"closed message", closed(488), MessageRequest{}, MessageDecision{Reject: true, Code: 488}},
		{"closed subscribe", closed(489), SubscribeRequest{}, SubscribeDecision{Reject: true, Code: 489}},
		{"closed provision", closed(500), ProvisionRequest{}, ProvisionDecision{Code: 500}},
		{"closed without code", closed(0), RouteRequest{To: "100"}, reject(503)},
		{"closed cdr keeps the record", closed(500), CDRRequest{}, CDRDecision{}},
		{"closed notice", closed(500), CallEvent{Kind: DTMF}, Ack{}},
		{"closed timer", closed(500), TimerRequest{}, Ack{}},
		// fallback: route and failure ring the destination; others default.
		{"fallback route", fallback, RouteRequest{To: "100"}, bridge("200")},
		{"fallback failure", fallback, FailureRequest{Code: 486}, bridge("200")},
		{"fallback register", fallback, RegisterRequest{}, RegisterDecision{}},
		{"fallback without destination", Policy{Mode: Fallback}, RouteRequest{To: "100"}, bridge("100")},
		// no policy: the default.
		{"unknown mode", Policy{}, RouteRequest{To: "x"}, reject(404)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.onFailure(tc.req)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("onFailure = %#v, want %#v", got, tc.want)
			}
			if err := checkType(tc.req, got); err != nil {
				t.Fatalf("policy decision has the wrong type: %v", err)
			}
		})
	}
}

func TestPolicyModeNames(t *testing.T) {
	for _, m := range []PolicyMode{FailOpen, FailClosed, Fallback} {
		if got := ParsePolicyMode(m.String()); got != m {
			t.Errorf("ParsePolicyMode(%q) = %v", m.String(), got)
		}
	}
	for s, want := range map[string]PolicyMode{"open": FailOpen, " Fail-Closed ": FailClosed, "closed": FailClosed, "": PolicyUnknown, "soft": PolicyUnknown} {
		if got := ParsePolicyMode(s); got != want {
			t.Errorf("ParsePolicyMode(%q) = %v, want %v", s, got, want)
		}
	}
	if PolicyUnknown.String() != "unknown" || PolicyMode(99).String() != "unknown" {
		t.Error("unknown mode is not named unknown")
	}
	for a, want := range map[Action]string{ActionUnknown: "unknown", ActionBridge: "bridge", ActionReject: "reject", ActionProgram: "program"} {
		if a.String() != want {
			t.Errorf("Action(%d) = %q, want %q", a, a, want)
		}
	}
	if ModeParallel.String() != "parallel" || ModeSequential.String() != "sequential" {
		t.Error("bridge mode names")
	}
}

func TestCatalogue(t *testing.T) {
	all := []Name{Register, Route, Failure, Answer, DTMF, Hangup, Authorize, CDR, Message, Subscribe, Provision, Timer, Event}
	if len(Catalogue) != len(all) {
		t.Fatalf("catalogue has %d hooks, want %d", len(Catalogue), len(all))
	}
	seen := map[Name]bool{}
	for _, s := range Catalogue {
		if seen[s.Name] {
			t.Errorf("hook %s listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Budget <= 0 || s.Policy.Mode == PolicyUnknown || s.Doc == "" {
			t.Errorf("hook %s: incomplete spec %+v", s.Name, s)
		}
		if s.Policy.Mode == FailClosed && (s.Policy.Code < 400 || s.Policy.Code > 599) {
			t.Errorf("hook %s: fail-closed code %d", s.Name, s.Policy.Code)
		}
	}
	for _, n := range all {
		if sp, ok := SpecOf(n); !ok || sp.Name != n {
			t.Errorf("SpecOf(%s) = %+v, %v", n, sp, ok)
		}
	}
	if _, ok := SpecOf("nope"); ok {
		t.Error("SpecOf found an unknown hook")
	}
	// Every request names its hook.
	for _, c := range []struct {
		req  Request
		want Name
	}{
		{RegisterRequest{}, Register}, {RouteRequest{}, Route}, {FailureRequest{}, Failure},
		{AuthorizeRequest{}, Authorize}, {CallEvent{Kind: DTMF}, DTMF}, {CDRRequest{}, CDR},
		{MessageRequest{}, Message}, {SubscribeRequest{}, Subscribe}, {ProvisionRequest{}, Provision},
		{TimerRequest{}, Timer}, {EventRequest{}, Event},
	} {
		req, want := c.req, c.want
		if req.Hook() != want {
			t.Errorf("%T.Hook() = %s, want %s", req, req.Hook(), want)
		}
	}
}

func TestCheckTypeRejects(t *testing.T) {
	for _, tc := range []struct {
		req Request
		dec Decision
	}{
		{RouteRequest{}, Ack{}},
		{RouteRequest{}, nil},
		{RouteRequest{}, &RouteDecision{}}, // a pointer is not the decision
		{FailureRequest{}, RegisterDecision{}},
		{RegisterRequest{}, RouteDecision{}},
		{AuthorizeRequest{}, Ack{}},
		{CDRRequest{}, map[string]string{}},
		{MessageRequest{}, SubscribeDecision{}},
		{SubscribeRequest{}, MessageDecision{}},
		{ProvisionRequest{}, "body"},
		{CallEvent{Kind: Hangup}, RouteDecision{}},
		{TimerRequest{}, nil},
	} {
		if err := checkType(tc.req, tc.dec); err == nil {
			t.Errorf("checkType(%T, %T) accepted", tc.req, tc.dec)
		}
	}
}

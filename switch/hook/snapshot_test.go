package hook

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// loadT loads a snapshot from a temporary scripts directory.
func loadT(t *testing.T, doc string, fs ...*testFactory) (*Snapshot, error) {
	t.Helper()
	return load(scriptsDir(t, doc), factories(fs...), newMetrics())
}

func TestSnapshotBinding(t *testing.T) {
	type want struct {
		hook   Name
		engine string
	}
	for _, tc := range []struct {
		name    string
		doc     string
		engines map[string][]Name // factory name -> hooks it handles, in factory order below
		order   []string
		binds   []want
		err     string
	}{
		{
			name:    "first engine that handles it",
			engines: map[string][]Name{"lua": {Route}, "wasm": {Route, Register}},
			order:   []string{"lua", "wasm"},
			binds:   []want{{Route, "lua"}, {Register, "wasm"}, {Failure, "builtin"}, {Provision, "builtin"}},
		},
		{
			name:    "hooks.json names an engine",
			doc:     `{"hooks": {"route": {"engine": "wasm", "plugin": "route.wasm"}}}`,
			engines: map[string][]Name{"lua": {Route}, "wasm": {Route, Register}},
			order:   []string{"lua", "wasm"},
			binds:   []want{{Route, "wasm"}, {Register, "wasm"}},
		},
		{
			name:    "builtin when none handles it",
			engines: map[string][]Name{"lua": {}},
			order:   []string{"lua"},
			binds:   []want{{Route, "builtin"}, {Event, "builtin"}},
		},
		{
			name:  "no engines at all",
			binds: []want{{Route, "builtin"}},
		},
		{
			name:    "unknown engine",
			doc:     `{"hooks": {"route": {"engine": "python"}}}`,
			engines: map[string][]Name{"lua": {Route}},
			order:   []string{"lua"},
			err:     `hook route: unknown engine "python"`,
		},
		{
			name:    "engine does not handle the hook",
			doc:     `{"hooks": {"register": {"engine": "lua"}}}`,
			engines: map[string][]Name{"lua": {Route}, "wasm": {Register}},
			order:   []string{"lua", "wasm"},
			err:     "hook register: engine lua does not implement it",
		},
		{
			name:    "bad hooks.json",
			doc:     `{"hooks": {"route": {"cod": 1}}}`,
			engines: map[string][]Name{"lua": {Route}},
			order:   []string{"lua"},
			err:     `hooks.json:1: json: unknown field "cod"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fs []*testFactory
			for _, n := range tc.order {
				fs = append(fs, &testFactory{t: t, name: n, handles: hooksOf(tc.engines[n]...)})
			}
			s, err := loadT(t, tc.doc, fs...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if s != nil {
					t.Error("a failed load returned a snapshot")
				}
				for _, f := range fs { // nothing built is kept
					f.allClosedOnce(t)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.binds {
				if got := s.EngineOf(w.hook); got != w.engine {
					t.Errorf("EngineOf(%s) = %s, want %s", w.hook, got, w.engine)
				}
				if got := s.Bound(w.hook); got != (w.engine != "builtin") {
					t.Errorf("Bound(%s) = %v with engine %s", w.hook, got, w.engine)
				}
			}
			for _, f := range fs {
				if f.last(t).closed() {
					t.Errorf("engine %s closed while its snapshot is current", f.name)
				}
			}
			s.Release()
			for _, f := range fs {
				f.allClosedOnce(t)
			}
		})
	}
}

func TestSnapshotBudgetAndPolicyFromConfig(t *testing.T) {
	f := &testFactory{t: t, name: "lua"}
	s, err := loadT(t, `{"hooks": {
		"route": {"budget": "20ms", "policy": "fallback", "fallback": "300"},
		"register": {"policy": "fail-closed"},
		"provision": {"policy": "fail-closed", "code": 503}}}`, f)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	if got := f.cfgs[0].Hooks[Route].Fallback; got != "300" {
		t.Errorf("factory got config fallback %q", got)
	}
	for _, tc := range []struct {
		hook   Name
		budget time.Duration
		policy Policy
	}{
		{Route, 20 * time.Millisecond, Policy{Mode: Fallback, Fallback: "300", Code: 503}},
		{Register, 200 * time.Millisecond, Policy{Mode: FailClosed, Code: 403}}, // the spec's code
		{Provision, time.Second, Policy{Mode: FailClosed, Code: 503}},
		{Authorize, 500 * time.Millisecond, Policy{Mode: FailClosed, Code: 403}}, // catalogue default
	} {
		b := s.binds[tc.hook]
		if b.budget != tc.budget || b.policy != tc.policy {
			t.Errorf("%s: budget %v policy %+v, want %v %+v", tc.hook, b.budget, b.policy, tc.budget, tc.policy)
		}
	}
}

func TestSnapshotFactoryFailureClosesBuilt(t *testing.T) {
	ok := &testFactory{t: t, name: "lua"}
	bad := &testFactory{t: t, name: "wasm"}
	bad.fail.Store(true)
	never := &testFactory{t: t, name: "http"}
	_, err := loadT(t, "", ok, bad, never)
	if !errors.Is(err, errBuild) {
		t.Fatalf("err = %v", err)
	}
	ok.allClosedOnce(t)
	if len(ok.engines()) != 1 || len(never.engines()) != 0 {
		t.Errorf("built %d and %d engines", len(ok.engines()), len(never.engines()))
	}
}

func TestSnapshotInvoke(t *testing.T) {
	errEngine := errors.New("script error at route.lua:3")
	late := func(ctx context.Context, req Request) (Decision, error) {
		time.Sleep(60 * time.Millisecond) // ignores ctx, returns past the 20 ms budget
		return bridge("999"), nil
	}
	for _, tc := range []struct {
		name     string
		doc      string
		invoke   func(ctx context.Context, req Request) (Decision, error)
		req      Request
		want     Decision
		wantErr  string // "" = no error
		is       error  // the error must wrap this
		calls    uint64 // metrics for the hook
		errs     uint64
		overBudg uint64
	}{
		{
			name:   "success",
			invoke: func(ctx context.Context, req Request) (Decision, error) { return bridge("555"), nil },
			req:    RouteRequest{To: "100"}, want: bridge("555"), calls: 1,
		},
		{
			name:   "engine error gives the policy decision",
			invoke: func(ctx context.Context, req Request) (Decision, error) { return nil, errEngine },
			req:    RouteRequest{To: "100"}, want: reject(503), // route is fail-closed 503
			wantErr: "hook route (eng): script error", is: errEngine, calls: 1, errs: 1,
		},
		{
			name: "engine error on a fail-open hook",
			invoke: func(ctx context.Context, req Request) (Decision, error) {
				return RegisterDecision{Reject: true}, errEngine
			},
			req: RegisterRequest{AOR: "100"}, want: RegisterDecision{},
			wantErr: "hook register", is: errEngine, calls: 1, errs: 1,
		},
		{
			name:   "engine ignores ctx and returns late",
			doc:    `{"hooks": {"route": {"budget": "20ms"}}}`,
			invoke: late,
			req:    RouteRequest{To: "100"}, want: reject(503),
			wantErr: "deadline exceeded", is: context.DeadlineExceeded, calls: 1, errs: 1, overBudg: 1,
		},
		{
			name: "engine honours ctx",
			doc:  `{"hooks": {"route": {"budget": "20ms", "policy": "fallback", "fallback": "200"}}}`,
			invoke: func(ctx context.Context, req Request) (Decision, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			},
			req: RouteRequest{To: "100"}, want: bridge("200"),
			wantErr: "deadline exceeded", is: context.DeadlineExceeded, calls: 1, errs: 1, overBudg: 1,
		},
		{
			name:   "panic is recovered",
			invoke: func(ctx context.Context, req Request) (Decision, error) { panic("boom") },
			req:    AuthorizeRequest{Trunk: "t"}, want: AuthorizeDecision{Code: 403},
			wantErr: "engine eng panicked: boom", calls: 1, errs: 1,
		},
		{
			name: "nil pointer panic is recovered",
			invoke: func(ctx context.Context, req Request) (Decision, error) {
				var m map[string]int
				m["x"] = 1
				return nil, nil
			},
			req: ProvisionRequest{}, want: ProvisionDecision{Code: 500},
			wantErr: "panicked", calls: 1, errs: 1,
		},
		{
			name:   "wrong decision type",
			invoke: func(ctx context.Context, req Request) (Decision, error) { return Ack{}, nil },
			req:    RouteRequest{To: "100"}, want: reject(503),
			wantErr: "decision hook.Ack does not answer route", calls: 1, errs: 1,
		},
		{
			name:   "nil decision",
			invoke: func(ctx context.Context, req Request) (Decision, error) { return nil, nil },
			req:    FailureRequest{Code: 486}, want: reject(486),
			wantErr: "does not answer failure", calls: 1, errs: 1,
		},
		{
			name:   "notice",
			invoke: func(ctx context.Context, req Request) (Decision, error) { return Ack{}, nil },
			req:    CallEvent{Kind: DTMF, Digit: "1"}, want: Ack{}, calls: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &testFactory{t: t, name: "eng", invoke: tc.invoke}
			s, err := loadT(t, tc.doc, f)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Release()
			dec, err := s.Invoke(context.Background(), tc.req)
			if !reflect.DeepEqual(dec, tc.want) {
				t.Errorf("decision = %#v, want %#v", dec, tc.want)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want it to contain %q", err, tc.wantErr)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v does not wrap %v", err, tc.is)
			}
			_, _, _, hs := s.metrics.Snapshot()
			if len(hs) != 1 {
				t.Fatalf("metrics for %d hooks, want 1: %+v", len(hs), hs)
			}
			h := hs[0]
			if h.Hook != string(tc.req.Hook()) || h.Engine != "eng" || h.Calls != tc.calls || h.Errors != tc.errs || h.OverBudget != tc.overBudg {
				t.Errorf("metrics %+v, want calls %d errors %d over budget %d", h, tc.calls, tc.errs, tc.overBudg)
			}
		})
	}
}

func TestSnapshotInvokeBuiltinAndUnknown(t *testing.T) {
	f := &testFactory{t: t, name: "eng", handles: hooksOf(Route)}
	s, err := loadT(t, "", f)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	dec, err := s.Invoke(context.Background(), ProvisionRequest{})
	if err != nil || !reflect.DeepEqual(dec, ProvisionDecision{Code: 404}) {
		t.Errorf("builtin provision = %#v, %v", dec, err)
	}
	dec, err = s.Invoke(context.Background(), CallEvent{}) // no Kind: not a hook
	if err == nil || !strings.Contains(err.Error(), "not in the catalogue") || dec != (Ack{}) {
		t.Errorf("kindless event = %#v, %v", dec, err)
	}
	if n := f.last(t).calls.Load(); n != 0 {
		t.Errorf("engine invoked %d times for hooks it does not handle", n)
	}
	if _, _, _, hs := s.metrics.Snapshot(); len(hs) != 0 {
		t.Errorf("builtin calls were counted: %+v", hs)
	}
}

// A caller that goes away is not the engine running over its budget.
func TestSnapshotInvokeCallerCancelled(t *testing.T) {
	f := &testFactory{t: t, name: "eng", invoke: func(ctx context.Context, req Request) (Decision, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	s, err := loadT(t, "", f)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dec, err := s.Invoke(ctx, RouteRequest{To: "100"})
	if !errors.Is(err, context.Canceled) || !reflect.DeepEqual(dec, reject(503)) {
		t.Fatalf("Invoke = %#v, %v", dec, err)
	}
	if _, _, _, hs := s.metrics.Snapshot(); len(hs) != 1 || hs[0].Errors != 1 || hs[0].OverBudget != 0 {
		t.Fatalf("metrics %+v", hs)
	}
}

func TestSnapshotTypedHelpers(t *testing.T) {
	f := &testFactory{t: t, name: "eng", invoke: func(ctx context.Context, req Request) (Decision, error) {
		switch r := req.(type) {
		case RouteRequest:
			return bridge("r" + r.To), nil
		case FailureRequest:
			return bridge("f"), nil
		case RegisterRequest:
			return RegisterDecision{Expires: 60}, nil
		case CallEvent:
			return nil, errors.New("notice failed")
		}
		return Default(req), nil
	}}
	s, err := loadT(t, "", f)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	ctx := context.Background()
	if d, err := s.Route(ctx, RouteRequest{To: "7"}); err != nil || !reflect.DeepEqual(d, bridge("r7")) {
		t.Errorf("Route = %#v, %v", d, err)
	}
	if d, err := s.OnFailure(ctx, FailureRequest{Code: 486}); err != nil || !reflect.DeepEqual(d, bridge("f")) {
		t.Errorf("OnFailure = %#v, %v", d, err)
	}
	if d, err := s.Register(ctx, RegisterRequest{}); err != nil || d.Expires != 60 {
		t.Errorf("Register = %#v, %v", d, err)
	}
	if err := s.Notify(ctx, CallEvent{Kind: Hangup}); err == nil || !strings.Contains(err.Error(), "notice failed") {
		t.Errorf("Notify = %v", err)
	}
}

// The typed helpers never panic on a failed hook: the policy decision has
// the hook's type whatever the engine did.
func TestSnapshotTypedHelpersOnFailure(t *testing.T) {
	f := &testFactory{t: t, name: "eng", invoke: func(ctx context.Context, req Request) (Decision, error) {
		return "garbage", nil
	}}
	s, err := loadT(t, `{"hooks": {"failure": {"policy": "fail-closed", "code": 486}, "register": {"policy": "closed", "code": 403}}}`, f)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	ctx := context.Background()
	if d, err := s.Route(ctx, RouteRequest{To: "100"}); err == nil || !reflect.DeepEqual(d, reject(503)) {
		t.Errorf("Route = %#v, %v", d, err)
	}
	if d, err := s.OnFailure(ctx, FailureRequest{Code: 480}); err == nil || !reflect.DeepEqual(d, reject(486)) {
		t.Errorf("OnFailure = %#v, %v", d, err)
	}
	if d, err := s.Register(ctx, RegisterRequest{}); err == nil || !d.Reject || d.Code != 403 {
		t.Errorf("Register = %#v, %v", d, err)
	}
}

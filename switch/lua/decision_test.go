package lua

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// decisionScript returns, for call.to == "N", the Nth expression of cases.
func decisionScript(cases []string) string {
	var b strings.Builder
	b.WriteString("local cases = {\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "  function() return %s end,\n", c)
	}
	b.WriteString("}\nfunction route(call) return cases[tonumber(call.to)]() end\n")
	return b.String()
}

func TestBadDecisions(t *testing.T) {
	cases := []struct{ lua, field, msg string }{
		{`nil`, "", "must return a table or a function, got nil"},
		{`"bridge"`, "", "must return a table or a function, got string"},
		{`{action = "program"}`, "run", "must be a function(call), got nil"},
		{`{action = "program", run = function() end, targets = {"1"}}`, "targets", "unknown field"},
		{`{}`, "action", "must be"},
		{`{action = 1}`, "action", "must be"},
		{`{action = "transfer"}`, "action", `unknown action "transfer"`},
		{`{action = "bridge"}`, "targets", "non-empty list"},
		{`{action = "bridge", targets = "1002"}`, "targets", "non-empty list"},
		{`{action = "bridge", targets = {}}`, "targets", "non-empty list"},
		{`{action = "bridge", targets = {1002}}`, "targets[1]", "digit strings"},
		{`{action = "bridge", targets = {"1002", "10a2"}}`, "targets[2]", `"10a2"`},
		{`{action = "bridge", targets = {""}}`, "targets[1]", "digit strings"},
		{`{action = "bridge", targets = {[1] = "1002", [3] = "1003"}}`, "targets[2]", "nil"},
		{`{action = "bridge", targets = {x = "1002"}}`, "targets[1]", "nil"},
		{`{action = "bridge", targets = {string.rep("1", 33)}}`, "targets[1]", "digit strings"},
		{`{action = "bridge", targets = (function() local t = {} for i = 1, 65 do t[i] = "1" end return t end)()}`, "targets", "1 to 64 entries"},
		{`{action = "bridge", targets = {"1002"}, mode = "random"}`, "mode", `"random"`},
		{`{action = "bridge", targets = {"1002"}, mode = 1}`, "mode", "parallel"},
		{`{action = "bridge", targets = {"1002"}, timeout = 0}`, "timeout", "(0, 600]"},
		{`{action = "bridge", targets = {"1002"}, timeout = -5}`, "timeout", "(0, 600]"},
		{`{action = "bridge", targets = {"1002"}, timeout = 601}`, "timeout", "(0, 600]"},
		{`{action = "bridge", targets = {"1002"}, timeout = 0/0}`, "timeout", "(0, 600]"},
		{`{action = "bridge", targets = {"1002"}, timeout = "30"}`, "timeout", "number"},
		{`{action = "bridge", targets = {"1002"}, caller_id = "a b"}`, "caller_id", "SIP user part"},
		{`{action = "bridge", targets = {"1002"}, caller_id = "x\r\nVia: evil"}`, "caller_id", "SIP user part"},
		{`{action = "bridge", targets = {"1002"}, caller_id = ""}`, "caller_id", "SIP user part"},
		{`{action = "bridge", targets = {"1002"}, caller_id = string.rep("1", 65)}`, "caller_id", "SIP user part"},
		{`{action = "bridge", targets = {"1002"}, caller_id = 1001}`, "caller_id", "string"},
		{`{action = "bridge", targets = {"1002"}, time_limit = 0}`, "time_limit", "[1, 86400]"},
		{`{action = "bridge", targets = {"1002"}, diversion = "a b"}`, "diversion", "user part"},
		{`{action = "bridge", targets = {"1002"}, diversion_reason = "whim"}`, "diversion_reason", "unconditional"},
		{`{action = "bridge", targets = {"1002"}, time_limit = "60"}`, "time_limit", "number"},
		{`{action = "bridge", targets = {"0049301"}, trunks = {}}`, "trunks", "1 to 16"},
		{`{action = "bridge", targets = {"0049301"}, trunks = {"a b"}}`, "trunks[1]", "trunk name"},
		{`{action = "bridge", targets = {"0049301", "0049302"}, trunks = {"up"}}`, "targets", "exactly one"},
		{`{action = "bridge", targets = {"0049-301"}, trunks = {"up"}}`, "targets[1]", "digits"},
		{`{action = "bridge", targets = {"1002"}, target = {"1003"}}`, "target", "unknown field"},
		{`{action = "bridge", targets = {"1002"}, code = 404}`, "code", "unknown field"},
		{`{action = "bridge", targets = {"1002"}, "extra"}`, "", "unexpected number key"},
		{`{action = "reject"}`, "code", "400-699, got nil"},
		{`{action = "reject", code = 399}`, "code", "got 399"},
		{`{action = "reject", code = 700}`, "code", "got 700"},
		{`{action = "reject", code = 404.5}`, "code", "got 404.5"},
		{`{action = "reject", code = "404"}`, "code", `got "404"`},
		{`{action = "reject", code = 404, reason = "Not\r\nFound"}`, "reason", "control characters"},
		{`{action = "reject", code = 404, reason = string.rep("x", 129)}`, "reason", "128 bytes"},
		{`{action = "reject", code = 404, reason = "\255"}`, "reason", "UTF-8"},
		{`{action = "reject", code = 404, reason = true}`, "reason", "string"},
		{`{action = "reject", code = 404, targets = {"1002"}}`, "targets", "unknown field"},
	}
	src := make([]string, len(cases))
	for i, c := range cases {
		src[i] = c.lua
	}
	e, _ := newTestEngine(t, decisionScript(src), 0)
	for i, c := range cases {
		_, err := route(e, fmt.Sprint(i+1))
		parts := []string{e.script + ": route: bad decision", c.msg}
		if c.field != "" {
			parts = append(parts, fmt.Sprintf("field %q", c.field))
		}
		if err == nil {
			t.Errorf("%s: no error", c.lua)
			continue
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not contain %q", c.lua, err, p)
			}
		}
	}
}

func TestGoodDecisions(t *testing.T) {
	cases := []struct {
		lua  string
		want hook.RouteDecision
	}{
		{`{action = "bridge", targets = {"1002"}}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1002"}}},
		{`{action = "bridge", targets = {"1002", "1003"}, mode = "sequential", timeout = 12.5, caller_id = "+15551234"}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1002", "1003"}, Mode: hook.ModeSequential,
				Timeout: 12500 * time.Millisecond, CallerID: "+15551234"}},
		{`{action = "bridge", targets = {"1002"}, mode = "parallel", timeout = 600}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1002"}, Timeout: 600 * time.Second}},
		{`{action = "reject", code = 486, reason = "Busy Here"}`,
			hook.RouteDecision{Action: hook.ActionReject, Code: 486, Reason: "Busy Here"}},
		{`{action = "reject", code = 699}`,
			hook.RouteDecision{Action: hook.ActionReject, Code: 699}},
		{`{action = "bridge", targets = {"+4930123"}, trunks = {"up", "backup"}, time_limit = 90}`,
			hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"+4930123"}, Trunks: []string{"up", "backup"}, TimeLimit: 90 * time.Second}},
	}
	src := make([]string, len(cases))
	for i, c := range cases {
		src[i] = c.lua
	}
	e, _ := newTestEngine(t, decisionScript(src), 0)
	for i, c := range cases {
		got, err := route(e, fmt.Sprint(i+1))
		if err != nil {
			t.Errorf("%s: %v", c.lua, err)
			continue
		}
		if got.Action != c.want.Action || !slices.Equal(got.Targets, c.want.Targets) || got.Mode != c.want.Mode ||
			got.Timeout != c.want.Timeout || got.CallerID != c.want.CallerID || got.Code != c.want.Code || got.Reason != c.want.Reason ||
			!slices.Equal(got.Trunks, c.want.Trunks) || got.TimeLimit != c.want.TimeLimit {
			t.Errorf("%s: got %+v, want %+v", c.lua, got, c.want)
		}
	}
}

package lua

import (
	"errors"
	"strings"
	"testing"
)

// fakeGroups has group 300 (hunt, members reversed for each call to show
// the order is the backend's) and 301 (ringall, no no-answer destination);
// "999" fails.
type fakeGroups struct {
	answered []string
}

func (f *fakeGroups) Get(number string) (Group, bool, error) {
	switch number {
	case "300":
		return Group{Number: "300", Name: "Sales", Strategy: "hunt", RingTime: 15, Members: []string{"1003", "1001"},
			NoAnswerKind: "voicemail", NoAnswerTarget: "1001", CallerIDPrefix: "Sales: ", OutboundCallerID: "4930123"}, true, nil
	case "301":
		return Group{Number: "301", Strategy: "ringall", RingTime: 20, Members: []string{"1001", "1002"}, Parallel: true}, true, nil
	case "999":
		return Group{}, false, errors.New("store closed")
	}
	return Group{}, false, nil
}

func (f *fakeGroups) Answered(number, ext string) error {
	if number != "300" {
		return errors.New("no ring group " + number)
	}
	f.answered = append(f.answered, number+":"+ext)
	return nil
}

func TestGroupsModule(t *testing.T) {
	f := &fakeGroups{}
	o := Options{Groups: f}
	got := eval(t, o, `
local g = groups.get("300")
return table.concat({g.number, g.name, g.strategy, g.ring_time, g.mode, table.concat(g.members, ","),
  g.no_answer.kind, g.no_answer.target, g.caller_id_prefix, g.outbound_caller_id}, "|")`)
	if got != "300|Sales|hunt|15|sequential|1003,1001|voicemail|1001|Sales: |4930123" {
		t.Fatalf("group 300: %q", got)
	}
	got = eval(t, o, `
local g = groups.get("301")
return g.mode .. " " .. #g.members .. " " .. tostring(g.no_answer) .. " [" .. g.name .. g.caller_id_prefix .. "]"`)
	if got != "parallel 2 nil []" {
		t.Fatalf("group 301: %q", got)
	}
	if got := eval(t, o, `return tostring(groups.get("302"))`); got != "nil" {
		t.Fatalf("no such group: %q", got)
	}
	if got := eval(t, o, `local g, err = groups.get("999") return tostring(g) .. " " .. err`); got != "nil groups.get: store closed" {
		t.Fatalf("failing backend: %q", got)
	}
	if got := eval(t, o, `return tostring(groups.answered("300", "1003"))`); got != "true" {
		t.Fatalf("answered: %q", got)
	}
	if len(f.answered) != 1 || f.answered[0] != "300:1003" {
		t.Fatalf("backend saw %v", f.answered)
	}
	if got := eval(t, o, `local ok, err = groups.answered("302", "1001") return tostring(ok) .. " " .. err`); got != "nil groups.answered: no ring group 302" {
		t.Fatalf("answered for no group: %q", got)
	}
	// Arguments of the wrong type are script errors, caught by pcall.
	if got := eval(t, o, `return tostring(pcall(groups.get, {})) .. tostring(pcall(groups.answered, "300"))`); got != "falsefalse" {
		t.Fatalf("bad arguments: %q", got)
	}
	// Without a backend there are no groups.
	got = eval(t, Options{}, `local ok, err = groups.answered("300", "1001") return tostring(groups.get("300")) .. " " .. err`)
	if got != "nil groups: not configured" {
		t.Fatalf("no backend: %q", got)
	}
	if got := eval(t, o, `return tostring(require("groups") == groups)`); got != "true" {
		t.Fatalf("require: %q", got)
	}
	if strings.Contains(eval(t, o, `return type(groups.get)`), "nil") {
		t.Fatal("groups.get missing")
	}
}

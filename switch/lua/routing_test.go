package lua

import (
	"errors"
	"testing"
)

// fakeRouting: 1001 dialling 0049... goes out by rule "intl" with PIN set
// "staff"; 110 by rule "emergency" without one; 999 fails. PIN set
// "staff" holds 1234 (alice) and 5678 (no label); set "broken" fails.
type fakeRouting struct{}

func (fakeRouting) Inbound(trunk, did, caller string) (string, string, string, string, bool, error) {
	return "", "", "", "", false, nil
}

func (fakeRouting) Outbound(ext, number, trunk string) (OutboundRoute, bool, error) {
	switch number {
	case "004930123":
		return OutboundRoute{Rule: "intl", Number: "4930123", Trunks: []string{"t1", "t2"}, PINSet: "staff"}, true, nil
	case "110":
		return OutboundRoute{Rule: "emergency", Number: "110", Trunks: []string{"t1"}}, true, nil
	case "999":
		return OutboundRoute{}, false, errors.New("store closed")
	}
	return OutboundRoute{}, false, nil
}

func (fakeRouting) CheckPIN(set, pin string) (string, bool, error) {
	switch {
	case set == "broken":
		return "", false, errors.New("check pin: get pin set broken: not found")
	case set == "staff" && pin == "1234":
		return "alice", true, nil
	case set == "staff" && pin == "5678":
		return "", true, nil
	}
	return "", false, nil
}

func TestRoutingPINs(t *testing.T) {
	o := Options{Routing: fakeRouting{}}
	for _, tc := range []struct{ body, want string }{
		// The rule's PIN set comes with the route, and only when it has one.
		{`local r = routing.outbound({from = "1001", to = "004930123"})
		  return r.rule .. " " .. r.number .. " " .. r.pin_set .. " " .. table.concat(r.trunks, ",")`, "intl 4930123 staff t1,t2"},
		{`local r = routing.outbound({from = "1001", to = "110"}) return r.rule .. " " .. tostring(r.pin_set)`, "emergency nil"},
		{`return tostring(routing.outbound({from = "1001", to = "12"}))`, "nil"},
		{`local r, err = routing.outbound({from = "1001", to = "999"}) return tostring(r) .. " " .. err`, "nil routing.outbound: store closed"},
		// check_pin: true and the label, or false.
		{`local ok, label = routing.check_pin("staff", "1234") return tostring(ok) .. " " .. label`, "true alice"},
		{`local ok, label = routing.check_pin("staff", "5678") return tostring(ok) .. " [" .. label .. "]"`, "true []"},
		{`local ok, label = routing.check_pin("staff", "0000") return tostring(ok) .. " " .. tostring(label)`, "false nil"},
		{`return tostring(routing.check_pin("staff", ""))`, "false"},
		{`local ok, err = routing.check_pin("broken", "1234") return tostring(ok) .. " " .. err`, "nil routing.check_pin: check pin: get pin set broken: not found"},
		// Digits typed as a number are a string to Lua's checks.
		{`return tostring(routing.check_pin("staff", 1234))`, "true"},
		// Missing arguments are script errors, caught by pcall.
		{`return tostring(pcall(routing.check_pin, "staff")) .. tostring(pcall(routing.check_pin, {}, "1234"))`, "falsefalse"},
	} {
		if got := eval(t, o, tc.body); got != tc.want {
			t.Errorf("%s\n got %q, want %q", tc.body, got, tc.want)
		}
	}
	// Without a backend no PIN is right.
	if got := eval(t, Options{}, `return tostring(routing.check_pin("staff", "1234"))`); got != "false" {
		t.Fatalf("no backend: %q", got)
	}
}

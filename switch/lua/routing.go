package lua

import (
	"fmt"

	glua "github.com/yuin/gopher-lua"
)

// Routing answers the routing module from the stored rules.
type Routing interface {
	// Inbound picks the destination of a call on trunk to did from caller
	// (inbound rules, time conditions applied) and names the call's
	// tenant, the one whose DID pool on the trunk holds did ("" none); ok
	// false when no rule matches.
	Inbound(trunk, did, caller string) (rule, kind, target, tenant string, ok bool, err error)
	// Outbound picks the dial rule for extension ext dialling number:
	// the number to send and the trunks to try, in order; ok false when
	// no rule (open now) matches. refused, when set, is why the dial
	// policy forbids the number.
	// trunk, when set, is the trunk the call came in on (its class of
	// service applies).
	Outbound(ext, number, trunk string) (r OutboundRoute, ok bool, err error)
	// CheckPIN says whether pin is in the named PIN set, and its label;
	// a wrong PIN is ok false with no error.
	CheckPIN(set, pin string) (label string, ok bool, err error)
}

// OutboundRoute is where a dial rule sends a call.
type OutboundRoute struct {
	Rule, Number string
	Trunks       []string
	TimeLimit    int    // seconds; 0 none
	Refused      string // why the dial policy forbids the number
	CallerID     string // the caller number to send (an emergency caller ID); "" as usual
	PINSet       string // the PIN set to ask the caller for before dialling; "" none
}

// routingModule: routing.inbound(call) -> {rule =, kind =, target =,
// tenant = (when the DID is a tenant's)} or nil (no rule), or nil, err;
// routing.outbound(call) likewise; and routing.check_pin(set, pin) ->
// true, label or false, or nil, err.
func (st *state) routingModule() *glua.LTable {
	L := st.L
	rt := st.e.opts.Routing
	t := L.NewTable()
	t.RawSetString("inbound", L.NewFunction(func(L *glua.LState) int {
		call := L.CheckTable(1)
		if rt == nil {
			L.Push(glua.LNil)
			return 1
		}
		str := func(k string) string { return glua.LVAsString(L.GetField(call, k)) }
		rule, kind, target, tenant, ok, err := rt.Inbound(str("trunk"), str("to"), str("from"))
		if err != nil {
			L.Push(glua.LNil)
			L.Push(glua.LString(fmt.Sprintf("routing.inbound: %v", err)))
			return 2
		}
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		d := L.CreateTable(0, 4)
		d.RawSetString("rule", glua.LString(rule))
		d.RawSetString("kind", glua.LString(kind))
		d.RawSetString("target", glua.LString(target))
		if tenant != "" {
			d.RawSetString("tenant", glua.LString(tenant))
		}
		L.Push(d)
		return 1
	}))
	t.RawSetString("outbound", L.NewFunction(func(L *glua.LState) int {
		call := L.CheckTable(1)
		if rt == nil {
			L.Push(glua.LNil)
			return 1
		}
		str := func(k string) string { return glua.LVAsString(L.GetField(call, k)) }
		o, ok, err := rt.Outbound(str("from"), str("to"), str("trunk"))
		if err != nil {
			L.Push(glua.LNil)
			L.Push(glua.LString(fmt.Sprintf("routing.outbound: %v", err)))
			return 2
		}
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		d := L.CreateTable(0, 6)
		d.RawSetString("rule", glua.LString(o.Rule))
		d.RawSetString("number", glua.LString(o.Number))
		if o.Refused != "" {
			d.RawSetString("refused", glua.LString(o.Refused))
		}
		if o.TimeLimit > 0 {
			d.RawSetString("time_limit", glua.LNumber(o.TimeLimit))
		}
		if o.CallerID != "" {
			d.RawSetString("caller_id", glua.LString(o.CallerID))
		}
		if o.PINSet != "" {
			d.RawSetString("pin_set", glua.LString(o.PINSet))
		}
		ts := L.CreateTable(len(o.Trunks), 0)
		for _, tr := range o.Trunks {
			ts.Append(glua.LString(tr))
		}
		d.RawSetString("trunks", ts)
		L.Push(d)
		return 1
	}))
	t.RawSetString("check_pin", L.NewFunction(func(L *glua.LState) int {
		set, pin := L.CheckString(1), L.CheckString(2)
		if rt == nil {
			L.Push(glua.LFalse) // no sets: no PIN is right
			return 1
		}
		label, ok, err := rt.CheckPIN(set, pin)
		if err != nil {
			L.Push(glua.LNil)
			L.Push(glua.LString(fmt.Sprintf("routing.check_pin: %v", err)))
			return 2
		}
		if !ok {
			L.Push(glua.LFalse)
			return 1
		}
		L.Push(glua.LTrue)
		L.Push(glua.LString(label))
		return 2
	}))
	return t
}

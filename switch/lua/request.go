package lua

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// callTable is the read-only `call` argument of route. Each pooled state
// keeps one, so a call costs no table allocations: the fields live in data,
// the script sees an empty proxy whose metatable reads from data, refuses
// writes and is itself protected (__metatable).
type callTable struct {
	data  *glua.LTable
	proxy *glua.LTable
	meta  *glua.LTable
}

func newCallTable(L *glua.LState) *callTable {
	ct := &callTable{data: L.CreateTable(0, 9)}
	ct.meta = readOnlyMeta(L, ct.data, "call")
	ct.newProxy(L)
	return ct
}

// readOnlyMeta returns a metatable that reads from data and refuses writes.
func readOnlyMeta(L *glua.LState, data *glua.LTable, what string) *glua.LTable {
	meta := L.CreateTable(0, 3)
	meta.RawSetString("__index", data)
	meta.RawSetString("__newindex", L.NewFunction(func(L *glua.LState) int {
		L.RaiseError("%s is read-only (field %s)", what, L.Get(2).String())
		return 0
	}))
	meta.RawSetString("__metatable", glua.LFalse)
	return meta
}

func (ct *callTable) newProxy(L *glua.LState) {
	ct.proxy = L.NewTable()
	L.SetMetatable(ct.proxy, ct.meta)
}

// set fills the fields for one call and returns the table to pass to route.
func (ct *callTable) set(L *glua.LState, r *hook.RouteRequest) *glua.LTable {
	// rawset bypasses __newindex: a proxy that a script wrote into would
	// shadow the next call's fields, so it is replaced.
	if k, _ := ct.proxy.Next(glua.LNil); k != glua.LNil {
		ct.newProxy(L)
	}
	setRouteFields(ct.data, r)
	return ct.proxy
}

func setRouteFields(d *glua.LTable, r *hook.RouteRequest) {
	setString(d, "call_id", r.CallID)
	setString(d, "from", r.From)
	setString(d, "from_display", r.FromDisplay)
	setString(d, "from_domain", r.FromDomain)
	setString(d, "to", r.To)
	setString(d, "to_domain", r.ToDomain)
	setString(d, "source_ip", r.SourceIP)
	setString(d, "transport", r.Transport)
	setString(d, "trunk", r.Trunk)
	setString(d, "language", r.Language)
	setString(d, "tenant", r.Tenant)
	if d.RawGetString("authenticated") != glua.LBool(r.Authenticated) {
		d.RawSetString("authenticated", glua.LBool(r.Authenticated))
	}
}

// setString skips unchanged values (domain, transport...): each store
// boxes the string, an allocation.
func setString(t *glua.LTable, key, v string) {
	if old, ok := t.RawGetString(key).(glua.LString); ok && string(old) == v {
		return
	}
	t.RawSetString(key, glua.LString(v))
}

// request turns a hook request into the function's argument: the pooled
// read-only call table for route, a fresh table (snake_case of the Go
// fields) for the other hooks. It also returns the call id for the log.
func (st *state) request(req hook.Request) (glua.LValue, string) {
	L := st.L
	switch r := req.(type) {
	case hook.RouteRequest:
		return st.call.set(L, &r), r.CallID
	case hook.RegisterRequest:
		t := L.CreateTable(0, 6)
		t.RawSetString("aor", glua.LString(r.AOR))
		t.RawSetString("contact", glua.LString(r.Contact))
		t.RawSetString("source_ip", glua.LString(r.SourceIP))
		t.RawSetString("transport", glua.LString(r.Transport))
		t.RawSetString("user_agent", glua.LString(r.UserAgent))
		t.RawSetString("expires", glua.LNumber(r.Expires))
		return t, ""
	case hook.FailureRequest:
		t := L.CreateTable(0, 7)
		t.RawSetString("call_id", glua.LString(r.CallID))
		t.RawSetString("from", glua.LString(r.From))
		t.RawSetString("to", glua.LString(r.To))
		t.RawSetString("targets", stringList(L, r.Targets))
		t.RawSetString("code", glua.LNumber(r.Code))
		t.RawSetString("reason", glua.LString(r.Reason))
		t.RawSetString("attempt", glua.LNumber(r.Attempt))
		return t, r.CallID
	case hook.AuthorizeRequest:
		t := L.CreateTable(0, 4)
		t.RawSetString("call_id", glua.LString(r.CallID))
		t.RawSetString("from", glua.LString(r.From))
		t.RawSetString("to", glua.LString(r.To))
		t.RawSetString("trunk", glua.LString(r.Trunk))
		return t, r.CallID
	case hook.CallEvent:
		t := L.CreateTable(0, 8)
		t.RawSetString("kind", glua.LString(r.Kind))
		t.RawSetString("call_id", glua.LString(r.CallID))
		t.RawSetString("from", glua.LString(r.From))
		t.RawSetString("to", glua.LString(r.To))
		t.RawSetString("digit", glua.LString(r.Digit))
		t.RawSetString("code", glua.LNumber(r.Code))
		t.RawSetString("reason", glua.LString(r.Reason))
		t.RawSetString("duration", glua.LNumber(r.Duration.Seconds()))
		return t, r.CallID
	case hook.CDRRequest:
		t := L.CreateTable(0, 1)
		t.RawSetString("record", goToLua(L, r.Record, 0))
		id, _ := r.Record["call_id"].(string)
		return t, id
	case hook.MessageRequest:
		t := L.CreateTable(0, 4)
		t.RawSetString("from", glua.LString(r.From))
		t.RawSetString("to", glua.LString(r.To))
		t.RawSetString("content_type", glua.LString(r.ContentType))
		t.RawSetString("body", glua.LString(r.Body))
		return t, ""
	case hook.SubscribeRequest:
		t := L.CreateTable(0, 3)
		t.RawSetString("from", glua.LString(r.From))
		t.RawSetString("to", glua.LString(r.To))
		t.RawSetString("event", glua.LString(r.Event))
		return t, ""
	case hook.ProvisionRequest:
		t := L.CreateTable(0, 4)
		t.RawSetString("mac", glua.LString(r.MAC))
		t.RawSetString("path", glua.LString(r.Path))
		t.RawSetString("user_agent", glua.LString(r.UserAgent))
		t.RawSetString("source_ip", glua.LString(r.SourceIP))
		return t, ""
	case hook.TimerRequest:
		t := L.CreateTable(0, 2)
		t.RawSetString("name", glua.LString(r.Name))
		t.RawSetString("time", glua.LNumber(float64(r.Time.UnixNano())/1e9))
		return t, ""
	case hook.EventRequest:
		t := L.CreateTable(0, 2)
		t.RawSetString("topic", glua.LString(r.Topic))
		t.RawSetString("data", goToLua(L, r.Data, 0))
		return t, ""
	}
	return glua.LNil, ""
}

func stringList(L *glua.LState, list []string) *glua.LTable {
	t := L.CreateTable(len(list), 0)
	for _, s := range list {
		t.Append(glua.LString(s))
	}
	return t
}

// maxDataDepth bounds the nesting of Go data handed to scripts (CDR
// records, event data) and of JSON.
const maxDataDepth = 32

// goToLua converts JSON-like Go data: strings, numbers, booleans, nil,
// times (RFC 3339 strings), durations (seconds), slices and string-keyed
// maps. Anything else becomes its fmt representation.
func goToLua(L *glua.LState, v any, depth int) glua.LValue {
	if depth > maxDataDepth {
		return glua.LNil
	}
	switch v := v.(type) {
	case nil:
		return glua.LNil
	case string:
		return glua.LString(v)
	case bool:
		return glua.LBool(v)
	case float64:
		return glua.LNumber(v)
	case int:
		return glua.LNumber(v)
	case int64:
		return glua.LNumber(v)
	case time.Time:
		return glua.LString(v.Format(time.RFC3339Nano))
	case time.Duration:
		return glua.LNumber(v.Seconds())
	case []any:
		t := L.CreateTable(len(v), 0)
		for _, x := range v {
			t.Append(goToLua(L, x, depth+1))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for k, x := range v {
			t.RawSetString(k, goToLua(L, x, depth+1))
		}
		return t
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return glua.LNumber(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return glua.LNumber(rv.Uint())
	case reflect.Float32:
		return glua.LNumber(rv.Float())
	case reflect.String:
		return glua.LString(rv.String())
	case reflect.Bool:
		return glua.LBool(rv.Bool())
	case reflect.Slice, reflect.Array:
		t := L.CreateTable(rv.Len(), 0)
		for i := range rv.Len() {
			t.Append(goToLua(L, rv.Index(i).Interface(), depth+1))
		}
		return t
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		t := L.CreateTable(0, rv.Len())
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			t.RawSetString(k.String(), goToLua(L, rv.MapIndex(k).Interface(), depth+1))
		}
		return t
	}
	return glua.LString(fmt.Sprint(v))
}

// isInt reports whether n is a whole number within int range.
func isInt(n glua.LNumber) bool {
	f := float64(n)
	return f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32
}

package lua

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Limits of the primitives' arguments.
const (
	maxSleepSecs   = 3600
	maxFileLen     = 256
	maxLoops       = 100
	maxDigits      = 64
	maxRecordSecs  = 3600
	maxCollectSecs = 600
	dtmfKeys       = "0123456789*#ABCD"
)

// callObject is the program's `call`: the route request's fields,
// read-only, and methods that map to hook.Call.
func (st *state) callObject(r *programRun) *glua.LTable {
	L := st.L
	data := L.CreateTable(0, 18)
	info := r.p.info
	setRouteFields(data, &info)
	proxy := L.NewTable()
	method := func(name string, fn func(L *glua.LState) int) {
		data.RawSetString(name, L.NewFunction(func(L *glua.LState) int {
			if L.Get(1) != proxy {
				L.RaiseError("call:%s: call it with a colon (call:%s(...))", name, name)
			}
			return fn(L)
		}))
	}
	c := r.c
	ok := func(error) glua.LValue { return glua.LTrue }
	method("answer", func(L *glua.LState) int {
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			err := c.Answer(ctx)
			return ok(err), err
		})
	})
	method("hangup", func(L *glua.LState) int {
		code := optIntArg(L, "call:hangup", 2, "code", minRejectCode, maxRejectCode, 480)
		reason := L.OptString(3, "")
		if !hook.ValidReason(reason) {
			argError(L, "call:hangup", "reason must be at most %d bytes of text without control characters", hook.MaxReasonLen)
		}
		return r.primitive(L, st, func(context.Context) (glua.LValue, error) {
			err := c.Hangup(code, reason)
			return ok(err), err
		})
	})
	method("bridge", func(L *glua.LState) int {
		spec := bridgeSpec(L)
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			res, err := c.Bridge(ctx, spec)
			if err != nil {
				return nil, err
			}
			t := L.CreateTable(0, 6)
			t.RawSetString("answered", glua.LBool(res.Answered))
			t.RawSetString("code", glua.LNumber(res.Code))
			t.RawSetString("reason", glua.LString(res.Reason))
			t.RawSetString("target", glua.LString(res.Target))
			t.RawSetString("talk", glua.LNumber(res.Talk.Seconds()))
			t.RawSetString("hung_up", glua.LBool(res.HungUp))
			return t, nil
		})
	})
	method("transfer", func(L *glua.LState) int {
		target := L.CheckString(2)
		if !hook.ValidUserPart(target) {
			argError(L, "call:transfer", "target must be an extension number or SIP user part, got %q", truncate(target))
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			err := c.Transfer(ctx, target)
			if err == nil {
				r.mu.Lock()
				r.ended = "transferred"
				r.mu.Unlock()
			}
			return ok(err), err
		})
	})
	method("pickup", pickupMethod(r, st)) // pickup.go
	method("sleep", func(L *glua.LState) int {
		d := secondsArg(L, "call:sleep", 2, "seconds", maxSleepSecs, true)
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			err := c.Sleep(ctx, d)
			return ok(err), err
		})
	})
	method("play", func(L *glua.LState) int {
		t := specTable(L, "call:play", "file", "tone", "loops", "duration")
		s := hook.PlaySpec{File: fileField(L, "call:play", t, "file", false), Tone: fileField(L, "call:play", t, "tone", false)}
		if (s.File == "") == (s.Tone == "") {
			argError(L, "call:play", "give a file or a tone (one of them)")
		}
		s.Loops = optIntField(L, "call:play", t, "loops", 1, maxLoops, 1)
		s.Duration = secondsField(L, "call:play", t, "duration", maxRecordSecs)
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			err := c.Play(ctx, s)
			return ok(err), err
		})
	})
	method("collect", func(L *glua.LState) int {
		t := specTable(L, "call:collect", "max", "timeout", "inter_digit", "terminator", "prompt", "flush")
		s := hook.CollectSpec{
			Max:        optIntField(L, "call:collect", t, "max", 1, maxDigits, 1),
			Timeout:    secondsField(L, "call:collect", t, "timeout", maxCollectSecs),
			InterDigit: secondsField(L, "call:collect", t, "inter_digit", maxCollectSecs),
			Terminator: terminatorField(L, "call:collect", t),
			Prompt:     filesField(L, "call:collect", t, "prompt"),
			Flush:      boolField(L, "call:collect", t, "flush"),
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			digits, err := c.Collect(ctx, s)
			return glua.LString(digits), err
		})
	})
	method("record", func(L *glua.LState) int {
		t := specTable(L, "call:record", "max_duration", "terminator", "beep", "silence")
		s := hook.RecordSpec{
			MaxDuration: secondsField(L, "call:record", t, "max_duration", maxRecordSecs),
			Terminator:  keysField(L, "call:record", t, "terminator"),
			Beep:        boolField(L, "call:record", t, "beep"),
			Silence:     secondsField(L, "call:record", t, "silence", maxCollectSecs),
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			res, err := c.Record(ctx, s)
			if err != nil {
				return nil, err
			}
			t := L.CreateTable(0, 5)
			t.RawSetString("file", glua.LString(res.File))
			t.RawSetString("duration", glua.LNumber(res.Duration.Seconds()))
			t.RawSetString("reason", glua.LString(res.Reason))
			t.RawSetString("digit", glua.LString(res.Digit))
			t.RawSetString("hung_up", glua.LBool(res.HungUp))
			return t, nil
		})
	})
	method("conference", func(L *glua.LState) int {
		t := specTable(L, "call:conference", "room", "admin", "muted", "wait_leader", "name", "record", "max_members")
		s := hook.ConferenceSpec{
			Room:       fileField(L, "call:conference", t, "room", true),
			Admin:      boolField(L, "call:conference", t, "admin"),
			Muted:      boolField(L, "call:conference", t, "muted"),
			WaitLeader: boolField(L, "call:conference", t, "wait_leader"),
			Name:       fileField(L, "call:conference", t, "name", false),
			Record:     boolField(L, "call:conference", t, "record"),
			MaxMembers: optIntField(L, "call:conference", t, "max_members", 0, 1000, 0),
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			res, err := c.Conference(ctx, s)
			if err != nil {
				return nil, err
			}
			t := L.CreateTable(0, 2)
			t.RawSetString("reason", glua.LString(res.Reason))
			t.RawSetString("hung_up", glua.LBool(res.HungUp))
			return t, nil
		})
	})
	method("queue", func(L *glua.LState) int {
		t := specTable(L, "call:queue", "queue", "priority")
		s := hook.QueueSpec{
			Queue:    fileField(L, "call:queue", t, "queue", true),
			Priority: optIntField(L, "call:queue", t, "priority", 0, 100, 0),
		}
		if !hook.ValidUserPart(s.Queue) {
			argError(L, "call:queue", "queue must be a queue number, got %q", truncate(s.Queue))
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			res, err := c.Queue(ctx, s)
			if err != nil {
				return nil, err
			}
			t := L.CreateTable(0, 6)
			t.RawSetString("reason", glua.LString(res.Reason))
			t.RawSetString("agent", glua.LString(res.Agent))
			t.RawSetString("position", glua.LNumber(res.Position))
			t.RawSetString("waited", glua.LNumber(res.Waited.Seconds()))
			t.RawSetString("talk", glua.LNumber(res.Talk.Seconds()))
			t.RawSetString("hung_up", glua.LBool(res.HungUp))
			return t, nil
		})
	})
	method("send_digits", func(L *glua.LState) int {
		digits := L.CheckString(2)
		if len(digits) == 0 || len(digits) > maxDigits || !allKeys(digits) {
			argError(L, "call:send_digits", "want 1-%d keys of %s, got %q", maxDigits, dtmfKeys, truncate(digits))
		}
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			err := c.SendDigits(ctx, digits)
			return ok(err), err
		})
	})
	L.SetMetatable(proxy, readOnlyMeta(L, data, "call"))
	return proxy
}

// bridgeSpec reads call:bridge's table with the route decision's rules.
func bridgeSpec(L *glua.LState) hook.BridgeSpec {
	t := specTable(L, "call:bridge", "targets", "mode", "timeout", "caller_id", "caller_name", "auto_answer", "trunks", "time_limit")
	auto := boolField(L, "call:bridge", t, "auto_answer")
	name := textField(L, "call:bridge", t, "caller_name", maxCallerName)
	var d hook.RouteDecision
	if derr := decodeBridge(t, &d); derr != nil {
		argError(L, "call:bridge", "field %q: %s", derr.field, derr.msg)
	}
	return hook.BridgeSpec{Targets: d.Targets, Mode: d.Mode, Timeout: d.Timeout, CallerID: d.CallerID, AutoAnswer: auto,
		Trunks: d.Trunks, TimeLimit: d.TimeLimit, CallerName: name}
}

// specTable checks argument 2 is a table with only the given fields; an
// absent argument is an empty table.
func specTable(L *glua.LState, fn string, fields ...string) *glua.LTable {
	v := L.Get(2)
	if v == glua.LNil {
		return L.NewTable()
	}
	t, ok := v.(*glua.LTable)
	if !ok {
		argError(L, fn, "want a table of options, got %s", v.Type())
	}
	if derr := checkFields(t, fields); derr != nil {
		argError(L, fn, "field %q: %s", derr.field, derr.msg)
	}
	return t
}

func optIntField(L *glua.LState, fn string, t *glua.LTable, field string, lo, hi, def int) int {
	n, derr := optInt(t, field, lo, hi, def)
	if derr != nil {
		argError(L, fn, "field %q: %s", derr.field, derr.msg)
	}
	return n
}

func secondsField(L *glua.LState, fn string, t *glua.LTable, field string, maxSecs float64) time.Duration {
	d, derr := optSeconds(t, field, maxSecs)
	if derr != nil {
		argError(L, fn, "field %q: %s", derr.field, derr.msg)
	}
	return d
}

func fileField(L *glua.LState, fn string, t *glua.LTable, field string, required bool) string {
	v := t.RawGetString(field)
	if v == glua.LNil && !required {
		return ""
	}
	s, ok := v.(glua.LString)
	if !ok || len(s) == 0 || len(s) > maxFileLen || !utf8.ValidString(string(s)) || !hook.ValidReason(string(s)) {
		argError(L, fn, "field %q must be a file name of 1-%d printable bytes, got %s", field, maxFileLen, describe(v))
	}
	return string(s)
}

// maxCallerName bounds a display name a program shows to callees.
const maxCallerName = 64

// textField reads an optional display text: printable, without the quote
// and backslash that a SIP display name would have to escape.
func textField(L *glua.LState, fn string, t *glua.LTable, field string, maxLen int) string {
	v := t.RawGetString(field)
	if v == glua.LNil {
		return ""
	}
	s, ok := v.(glua.LString)
	if !ok || len(s) > maxLen || !utf8.ValidString(string(s)) || !hook.ValidReason(string(s)) || strings.ContainsAny(string(s), `"\`) {
		argError(L, fn, "field %q must be text of at most %d printable bytes without \" or \\, got %s", field, maxLen, describe(v))
	}
	return string(s)
}

func terminatorField(L *glua.LState, fn string, t *glua.LTable) string {
	v := t.RawGetString("terminator")
	if v == glua.LNil {
		return ""
	}
	s, ok := v.(glua.LString)
	if !ok || len(s) != 1 || !containsByte(dtmfKeys, s[0]) {
		argError(L, fn, "field \"terminator\" must be one key of %s, got %s", dtmfKeys, describe(v))
	}
	return string(s)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// optIntArg reads an optional whole-number argument in [lo, hi].
func optIntArg(L *glua.LState, fn string, n int, name string, lo, hi, def int) int {
	v := L.Get(n)
	if v == glua.LNil {
		return def
	}
	num, ok := v.(glua.LNumber)
	if !ok || !isInt(num) || int(num) < lo || int(num) > hi {
		argError(L, fn, "%s must be a whole number %d-%d, got %s", name, lo, hi, describe(v))
	}
	return int(num)
}

// secondsArg reads a number of seconds in [0, maxSecs] (or (0, maxSecs]).
func secondsArg(L *glua.LState, fn string, n int, name string, maxSecs float64, zeroOK bool) time.Duration {
	v := L.Get(n)
	num, ok := v.(glua.LNumber)
	secs := float64(num)
	if !ok || !(secs >= 0 && secs <= maxSecs) || secs == 0 && !zeroOK {
		argError(L, fn, "%s must be a number of seconds 0-%v, got %s", name, maxSecs, describe(v))
	}
	return time.Duration(secs * float64(time.Second))
}

func boolField(L *glua.LState, fn string, t *glua.LTable, field string) bool {
	switch v := t.RawGetString(field).(type) {
	case *glua.LNilType:
		return false
	case glua.LBool:
		return bool(v)
	default:
		argError(L, fn, "field %q must be true or false, got %s", field, describe(v))
	}
	return false
}

func allKeys(s string) bool {
	for i := 0; i < len(s); i++ {
		if !containsByte(dtmfKeys, s[i]) {
			return false
		}
	}
	return true
}

// maxPrompts bounds a prompt list.
const maxPrompts = 32

// filesField reads a file name or a list of them.
func filesField(L *glua.LState, fn string, t *glua.LTable, field string) []string {
	v := t.RawGetString(field)
	switch v := v.(type) {
	case *glua.LNilType:
		return nil
	case glua.LString:
		return []string{fileField(L, fn, t, field, true)}
	case *glua.LTable:
		n := v.Len()
		if n > maxPrompts {
			argError(L, fn, "field %q: at most %d files", field, maxPrompts)
		}
		out := make([]string, 0, n)
		for i := 1; i <= n; i++ {
			one := L.CreateTable(0, 1)
			one.RawSetString(field, v.RawGetInt(i))
			out = append(out, fileField(L, fn, one, field, true))
		}
		return out
	}
	argError(L, fn, "field %q must be a file name or a list of them, got %s", field, describe(v))
	return nil
}

// keysField reads a set of 1-4 keys (terminators of a recording).
func keysField(L *glua.LState, fn string, t *glua.LTable, field string) string {
	v := t.RawGetString(field)
	if v == glua.LNil {
		return ""
	}
	s, ok := v.(glua.LString)
	if !ok || len(s) == 0 || len(s) > 4 || !allKeys(string(s)) {
		argError(L, fn, "field %q must be 1-4 keys of %s, got %s", field, dtmfKeys, describe(v))
	}
	return string(s)
}

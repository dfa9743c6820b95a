package lua

import (
	"strconv"
	"strings"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"
)

// strGsub is string.gsub(s, pattern, repl [, n]) with Lua 5.1 semantics and
// the size cap checked as the result grows: gopher-lua's own gsub builds
// every replacement first, so `%0%0...` or a function returning a large
// string per match could allocate without bound.
func strGsub(L *glua.LState) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	repl := L.Get(3)
	switch repl.(type) {
	case glua.LString, glua.LNumber, *glua.LTable, *glua.LFunction:
	default:
		L.ArgError(3, "string/function/table expected, got "+repl.Type().String())
	}
	limit := -1
	if L.GetTop() >= 4 && L.Get(4) != glua.LNil {
		if limit = L.CheckInt(4); limit <= 0 {
			L.Push(glua.LString(str))
			L.Push(glua.LNumber(0))
			return 2
		}
	}
	matches, err := pm.Find(pat, []byte(str), 0, limit)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	if len(matches) == 0 {
		L.Push(glua.LString(str))
		L.Push(glua.LNumber(0))
		return 2
	}
	out := boundedBuilder{L: L}
	last := 0
	for _, m := range matches {
		start, end := m.Capture(0), m.Capture(1)
		out.write(str[last:start])
		switch r := repl.(type) {
		case glua.LString:
			expandRepl(&out, str, string(r), m)
		case glua.LNumber:
			expandRepl(&out, str, r.String(), m)
		case *glua.LTable:
			out.value(L.GetTable(r, capture(L, str, m, 1)), str[start:end])
		case *glua.LFunction:
			L.Push(r)
			n := 1
			if m.CaptureLength() > 2 {
				n = m.CaptureLength()/2 - 1
			}
			for i := 1; i <= n; i++ {
				L.Push(capture(L, str, m, i))
			}
			L.Call(n, 1)
			v := L.Get(-1)
			L.Pop(1)
			out.value(v, str[start:end])
		}
		last = end
	}
	out.write(str[last:])
	L.Push(glua.LString(out.b.String()))
	L.Push(glua.LNumber(len(matches)))
	return 2
}

// capture returns capture i (1-based); with no captures, capture 1 is the
// whole match. Position captures are numbers.
func capture(L *glua.LState, str string, m *pm.MatchData, i int) glua.LValue {
	idx := 2 * i
	if idx >= m.CaptureLength() {
		if i != 1 {
			L.RaiseError("invalid capture index")
		}
		idx = 0
	}
	if m.IsPosCapture(idx) {
		return glua.LNumber(m.Capture(idx))
	}
	return glua.LString(str[m.Capture(idx):m.Capture(idx+1)])
}

// expandRepl appends a string replacement: %0-%9 name captures, % before
// any other character stands for that character.
func expandRepl(out *boundedBuilder, str, repl string, m *pm.MatchData) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' || i+1 == len(repl) {
			out.writeByte(c)
			continue
		}
		i++
		c = repl[i]
		if c < '0' || c > '9' {
			out.writeByte(c)
			continue
		}
		if c == '0' {
			out.write(str[m.Capture(0):m.Capture(1)])
			continue
		}
		switch v := capture(out.L, str, m, int(c-'0')).(type) {
		case glua.LNumber:
			out.write(strconv.Itoa(int(v)))
		case glua.LString:
			out.write(string(v))
		}
	}
}

// boundedBuilder raises a Lua error instead of growing past MaxString.
type boundedBuilder struct {
	L *glua.LState
	b strings.Builder
}

func (o *boundedBuilder) write(s string) {
	if o.b.Len()+len(s) > MaxString {
		tooLong(o.L, "string.gsub")
	}
	o.b.WriteString(s)
}

func (o *boundedBuilder) writeByte(c byte) {
	if o.b.Len()+1 > MaxString {
		tooLong(o.L, "string.gsub")
	}
	o.b.WriteByte(c)
}

// value appends a table or function replacement: false or nil keeps the
// original match.
func (o *boundedBuilder) value(v glua.LValue, match string) {
	if v == glua.LNil || v == glua.LFalse {
		o.write(match)
		return
	}
	s, ok := strOrNum(v)
	if !ok {
		o.L.RaiseError("invalid replacement value (a %s)", v.Type())
	}
	o.write(s)
}

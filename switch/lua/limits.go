package lua

import (
	"strings"

	glua "github.com/yuin/gopher-lua"
)

// MaxString bounds every string a script builds. gopher-lua has no memory
// limit, so each library function that can multiply its input (and the `..`
// operator, see rewrite.go) checks the result size before allocating.
const MaxString = 1 << 20

// maxDateFormat bounds os.date's format: each directive expands to a few
// dozen bytes at most.
const maxDateFormat = 256

func tooLong(L *glua.LState, what string) {
	L.RaiseError("%s: result would exceed %d bytes", what, MaxString)
}

// strOrNum returns the string form of a string or a number, as `..` does.
func strOrNum(v glua.LValue) (string, bool) {
	switch v := v.(type) {
	case glua.LString:
		return string(v), true
	case glua.LNumber:
		return v.String(), true
	}
	return "", false
}

// luaConcat implements `a .. b` with the size cap and the __concat
// metamethod (left operand first, as Lua 5.1 does).
func luaConcat(L *glua.LState) int {
	a, b := L.Get(1), L.Get(2)
	sa, okA := strOrNum(a)
	sb, okB := strOrNum(b)
	if okA && okB {
		if len(sa)+len(sb) > MaxString {
			tooLong(L, "string concatenation")
		}
		L.Push(glua.LString(sa + sb))
		return 1
	}
	mm := L.GetMetaField(a, "__concat")
	if mm == glua.LNil {
		mm = L.GetMetaField(b, "__concat")
	}
	if mm == glua.LNil {
		bad := a
		if okA {
			bad = b
		}
		L.RaiseError("attempt to concatenate a %s value", bad.Type())
	}
	L.Push(mm)
	L.Push(a)
	L.Push(b)
	L.Call(2, 1)
	return 1
}

// strRep is string.rep(s, n) with the size cap.
func strRep(L *glua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(glua.LString(""))
		return 1
	}
	if len(s) > MaxString/n {
		tooLong(L, "string.rep")
	}
	L.Push(glua.LString(strings.Repeat(s, n)))
	return 1
}

// tableConcat is table.concat(t [, sep [, i [, j]]]) (Lua 5.1 semantics)
// with the size cap.
func tableConcat(L *glua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	j := L.OptInt(4, t.Len())
	var b strings.Builder
	for k := i; k <= j; k++ {
		s, ok := strOrNum(t.RawGetInt(k))
		if !ok {
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		if b.Len()+len(s)+len(sep) > MaxString {
			tooLong(L, "table.concat")
		}
		b.WriteString(s)
		if k < j {
			b.WriteString(sep)
		}
	}
	L.Push(glua.LString(b.String()))
	return 1
}

// boundedFormat wraps string.format: gopher-lua hands the format to Go's
// fmt, where a width like %999999s or %*d would let a few bytes of format
// allocate gigabytes. Widths and precisions keep Lua 5.1's two-digit limit,
// `*` and `[n]` are refused, and the result size is bounded before calling.
func boundedFormat(format glua.LGFunction) glua.LGFunction {
	return func(L *glua.LState) int {
		f := L.CheckString(1)
		size, arg := len(f), 2
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				continue
			}
			i++
			if i < len(f) && f[i] == '%' {
				continue
			}
			for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
				i++
			}
			i = skipDigits(L, f, i)
			if i < len(f) && f[i] == '.' {
				i = skipDigits(L, f, i+1)
			}
			if i < len(f) && (f[i] == '*' || f[i] == '[') {
				L.RaiseError("invalid format (%q not supported)", f[i])
			}
			// %q may quote each byte as \xNN; a number prints at most
			// ~310 digits plus a two-digit precision.
			n := 0
			if s, ok := L.Get(arg).(glua.LString); ok {
				n = len(s)
			}
			size += 4*n + 400
			arg++
			if size > MaxString {
				tooLong(L, "string.format")
			}
		}
		return format(L)
	}
}

func skipDigits(L *glua.LState, f string, i int) int {
	start := i
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	if i-start > 2 {
		L.RaiseError("invalid format (width or precision too long)")
	}
	return i
}

// boundedDate wraps os.date so its format cannot expand without bound.
func boundedDate(date glua.LGFunction) glua.LGFunction {
	return func(L *glua.LState) int {
		if s, ok := L.Get(1).(glua.LString); ok && len(s) > maxDateFormat {
			L.RaiseError("os.date: format longer than %d bytes", maxDateFormat)
		}
		return date(L)
	}
}

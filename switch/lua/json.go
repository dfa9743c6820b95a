package lua

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	glua "github.com/yuin/gopher-lua"
)

// The json module: json.encode(value) -> string | nil, err and
// json.decode(string) -> value | nil, err. Both sides are bounded by
// MaxString bytes and maxDataDepth levels of nesting.
func (st *state) jsonModule() *glua.LTable {
	L := st.L
	t := L.NewTable()
	t.RawSetString("encode", L.NewFunction(jsonEncode))
	t.RawSetString("decode", L.NewFunction(jsonDecode))
	return t
}

var errTooLarge = fmt.Errorf("larger than %d bytes", MaxString)

func jsonEncode(L *glua.LState) int {
	var b bytes.Buffer
	if err := encodeValue(&b, L.Get(1), 0); err != nil {
		L.Push(glua.LNil)
		L.Push(glua.LString("json.encode: " + err.Error()))
		return 2
	}
	L.Push(glua.LString(b.String()))
	return 1
}

func encodeValue(b *bytes.Buffer, v glua.LValue, depth int) error {
	if b.Len() > MaxString {
		return errTooLarge
	}
	switch v := v.(type) {
	case *glua.LNilType:
		b.WriteString("null")
	case glua.LBool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case glua.LNumber:
		f := float64(v)
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			return fmt.Errorf("cannot encode %v", f)
		case f == math.Trunc(f) && math.Abs(f) < 1<<53:
			b.WriteString(strconv.FormatInt(int64(f), 10))
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case glua.LString:
		encodeString(b, string(v))
	case *glua.LTable:
		if depth >= maxDataDepth {
			return fmt.Errorf("nested deeper than %d levels (or a cycle)", maxDataDepth)
		}
		return encodeTable(b, v, depth)
	default:
		return fmt.Errorf("cannot encode a %s", v.Type())
	}
	if b.Len() > MaxString {
		return errTooLarge
	}
	return nil
}

// encodeTable writes a sequence 1..n as an array and a table of string
// keys as an object (keys sorted); an empty table is {}.
func encodeTable(b *bytes.Buffer, t *glua.LTable, depth int) error {
	count, strKeys := 0, 0
	for k, _ := t.Next(glua.LNil); k != glua.LNil; k, _ = t.Next(k) {
		count++
		if _, ok := k.(glua.LString); ok {
			strKeys++
		}
	}
	if count > 0 && strKeys == 0 && t.Len() == count {
		b.WriteByte('[')
		for i := 1; i <= count; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			if err := encodeValue(b, t.RawGetInt(i), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	if strKeys != count {
		return errors.New("cannot encode a table mixing keys: use a list 1..n or string keys")
	}
	keys := make([]string, 0, count)
	for k, _ := t.Next(glua.LNil); k != glua.LNil; k, _ = t.Next(k) {
		keys = append(keys, string(k.(glua.LString)))
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		encodeString(b, k)
		b.WriteByte(':')
		if err := encodeValue(b, t.RawGetString(k), depth+1); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// encodeString quotes s; invalid UTF-8 becomes U+FFFD, as encoding/json does.
func encodeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

func jsonDecode(L *glua.LState) int {
	s := L.CheckString(1)
	fail := func(msg string) int {
		L.Push(glua.LNil)
		L.Push(glua.LString("json.decode: " + msg))
		return 2
	}
	if len(s) > MaxString {
		return fail(errTooLarge.Error())
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := dec.Decode(&v); err != nil {
		return fail(err.Error())
	}
	if dec.More() {
		return fail("data after the JSON value")
	}
	lv, err := jsonToLua(L, v, 0)
	if err != nil {
		return fail(err.Error())
	}
	L.Push(lv)
	return 1
}

// jsonToLua converts decoded JSON; null becomes nil (a field that is
// absent, a hole in a list).
func jsonToLua(L *glua.LState, v any, depth int) (glua.LValue, error) {
	if depth > maxDataDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDataDepth)
	}
	switch v := v.(type) {
	case nil:
		return glua.LNil, nil
	case bool:
		return glua.LBool(v), nil
	case float64:
		return glua.LNumber(v), nil
	case string:
		return glua.LString(v), nil
	case []any:
		t := L.CreateTable(len(v), 0)
		for i, x := range v {
			lv, err := jsonToLua(L, x, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetInt(i+1, lv)
		}
		return t, nil
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for k, x := range v {
			lv, err := jsonToLua(L, x, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, lv)
		}
		return t, nil
	}
	return nil, fmt.Errorf("unexpected %T", v)
}

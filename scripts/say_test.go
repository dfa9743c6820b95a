package scripts

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// sayProto compiles the embedded say.lua once, as the engine does.
var sayProto = sync.OnceValues(func() (*glua.FunctionProto, error) {
	src, err := fs.ReadFile(FS, "say.lua")
	if err != nil {
		return nil, err
	}
	chunk, err := parse.Parse(bytes.NewReader(src), "say.lua")
	if err != nil {
		return nil, err
	}
	return glua.Compile(chunk, "say.lua")
})

// newSayState mirrors the script sandbox (base, table, string and math
// only: no os, no io) and provides a require that knows only "say", loaded
// from the embedded say.lua. The module is in the global say.
func newSayState(t testing.TB) *glua.LState {
	t.Helper()
	L := glua.NewState(glua.Options{SkipOpenLibs: true})
	t.Cleanup(L.Close)
	for _, lib := range []struct {
		name string
		open glua.LGFunction
	}{
		{glua.BaseLibName, glua.OpenBase},
		{glua.TabLibName, glua.OpenTable},
		{glua.StringLibName, glua.OpenString},
		{glua.MathLibName, glua.OpenMath},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(glua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, name := range []string{"dofile", "loadfile", "load", "loadstring", "module", "collectgarbage", "getfenv", "setfenv", "print"} {
		L.SetGlobal(name, glua.LNil)
	}
	proto, err := sayProto()
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]glua.LValue{}
	L.SetGlobal("require", L.NewFunction(func(L *glua.LState) int {
		name := L.CheckString(1)
		if m, ok := loaded[name]; ok {
			L.Push(m)
			return 1
		}
		if name != "say" {
			L.RaiseError("module %q not found", name)
		}
		L.Push(L.NewFunctionFromProto(proto))
		L.Call(0, 1)
		loaded[name] = L.Get(-1)
		return 1
	}))
	if err := L.DoString(`say = require("say")`); err != nil {
		t.Fatal(err)
	}
	return L
}

// sayList runs `return <expr>` and returns the list of prompt names.
func sayList(t testing.TB, L *glua.LState, expr string) []string {
	t.Helper()
	top := L.GetTop()
	defer L.SetTop(top)
	if err := L.DoString("return " + expr); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	tab, ok := L.Get(-1).(*glua.LTable)
	if !ok {
		t.Fatalf("%s: returned %s, want a table", expr, L.Get(-1).Type())
	}
	var out []string
	for i := 1; i <= tab.MaxN(); i++ {
		s, ok := tab.RawGetInt(i).(glua.LString)
		if !ok {
			t.Fatalf("%s: [%d] is %s, want a string", expr, i, tab.RawGetInt(i).Type())
		}
		out = append(out, string(s))
	}
	if n := countKeys(tab); n != len(out) {
		t.Fatalf("%s: %d keys, %d in sequence", expr, n, len(out))
	}
	return out
}

// sayCall calls say.<fn>(args...) without compiling a chunk: for sweeps.
func sayCall(t testing.TB, L *glua.LState, fn string, args ...glua.LValue) []string {
	t.Helper()
	f := L.GetField(L.GetGlobal("say"), fn)
	if err := L.CallByParam(glua.P{Fn: f, NRet: 1, Protect: true}, args...); err != nil {
		t.Fatalf("say.%s%v: %v", fn, args, err)
	}
	tab, ok := L.Get(-1).(*glua.LTable)
	L.Pop(1)
	if !ok {
		t.Fatalf("say.%s%v: no table", fn, args)
	}
	out := make([]string, 0, tab.MaxN())
	for i := 1; i <= tab.MaxN(); i++ {
		s, ok := tab.RawGetInt(i).(glua.LString)
		if !ok {
			t.Fatalf("say.%s%v: [%d] is not a string", fn, args, i)
		}
		out = append(out, string(s))
	}
	return out
}

func num[T int | int64](v T) glua.LNumber { return glua.LNumber(v) }

func countKeys(tab *glua.LTable) int {
	n := 0
	tab.ForEach(func(glua.LValue, glua.LValue) { n++ })
	return n
}

// sayError runs expr and returns its error text; it fails if expr succeeds.
func sayError(t *testing.T, L *glua.LState, expr string) string {
	t.Helper()
	top := L.GetTop()
	defer L.SetTop(top)
	// Not "return expr": a tail call has no caller line to point at.
	err := L.DoString("local _ = " + expr)
	if err == nil {
		t.Fatalf("%s: no error", expr)
	}
	if apiErr, ok := err.(*glua.ApiError); ok {
		return apiErr.Object.String()
	}
	return err.Error()
}

// words expands "digits/20 digits/1" shorthand to a list.
func words(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Fields(s)
}

// w prefixes each word: w("digits", "20 1") = digits/20 digits/1.
func w(dir, s string) string {
	f := strings.Fields(s)
	for i := range f {
		f[i] = dir + "/" + f[i]
	}
	return strings.Join(f, " ")
}

type sayCase struct{ expr, want string }

func runCases(t *testing.T, L *glua.LState, cases []sayCase) {
	t.Helper()
	for _, c := range cases {
		if got := sayList(t, L, c.expr); !slices.Equal(got, words(c.want)) {
			t.Errorf("%s = %q, want %q", c.expr, got, words(c.want))
		}
	}
}

func TestSayNumber(t *testing.T) {
	L := newSayState(t)
	runCases(t, L, []sayCase{
		{"say.number(0)", w("digits", "0")},
		{"say.number(7)", w("digits", "7")},
		{"say.number(13)", w("digits", "13")},
		{"say.number(20)", w("digits", "20")},
		{"say.number(21)", w("digits", "20 1")},
		{"say.number(100)", w("digits", "1 hundred")},
		{"say.number(105)", w("digits", "1 hundred 5")},
		{"say.number(110)", w("digits", "1 hundred 10")},
		{"say.number(999)", w("digits", "9 hundred 90 9")},
		{"say.number(1000)", w("digits", "1 thousand")},
		{"say.number(1001)", w("digits", "1 thousand 1")},
		{"say.number(12345)", w("digits", "12 thousand 3 hundred 40 5")},
		{"say.number(1000000)", w("digits", "1 million")},
		{"say.number(2000010)", w("digits", "2 million 10")},
		{"say.number(999999999)", w("digits", "9 hundred 90 9 million 9 hundred 90 9 thousand 9 hundred 90 9")},
		{"say.number(-3)", w("digits", "minus 3")},
		{"say.number(-999999999)", w("digits", "minus 9 hundred 90 9 million 9 hundred 90 9 thousand 9 hundred 90 9")},
		// Non-integers: two decimals at most, rounded, trailing zero dropped.
		{"say.number(3.14159)", w("digits", "3 point 1 4")},
		{"say.number(2.5)", w("digits", "2 point 5")},
		{"say.number(0.05)", w("digits", "0 point 0 5")},
		{"say.number(0.29)", w("digits", "0 point 2 9")},
		{"say.number(-0.5)", w("digits", "minus 0 point 5")},
		{"say.number(0.999)", w("digits", "1")},
		{"say.number(-0.001)", w("digits", "0")},
		{"say.number(999999999.004)", w("digits", "9 hundred 90 9 million 9 hundred 90 9 thousand 9 hundred 90 9")},
		// Decimal strings, as collected digits are.
		{`say.number("42")`, w("digits", "40 2")},
		{`say.number(" -7 ")`, w("digits", "minus 7")},
		{`say.number("1.5")`, w("digits", "1 point 5")},
		{`say.number(".5")`, w("digits", "0 point 5")},
		{`say.number("007")`, w("digits", "7")},
	})
}

// spoken reads number prompts back as a value, the way a listener would,
// and rejects sequences no speaker would use ("twenty thirteen", "zero
// hundred", "thousand million").
func spoken(names []string) (int, error) {
	total, cur, sign, prevScale := 0, 0, 1, math.MaxInt
	for i, n := range names {
		word, ok := strings.CutPrefix(n, "digits/")
		if !ok {
			return 0, fmt.Errorf("%q is not a number prompt", n)
		}
		switch word {
		case "minus":
			if i != 0 {
				return 0, fmt.Errorf("minus at %d", i)
			}
			sign = -1
		case "hundred":
			if cur < 1 || cur > 9 {
				return 0, fmt.Errorf("%d hundred", cur)
			}
			cur *= 100
		case "thousand", "million":
			scale := map[string]int{"thousand": 1e3, "million": 1e6}[word]
			if cur == 0 || scale >= prevScale {
				return 0, fmt.Errorf("%s after %d, %d", word, total, cur)
			}
			total += cur * scale
			cur, prevScale = 0, scale
		default:
			v, err := strconv.Atoi(word)
			if err != nil || v < 0 || v > 90 || v > 19 && v%10 != 0 {
				return 0, fmt.Errorf("%q is not a number word", word)
			}
			if v == 0 && len(names) > 1 {
				return 0, fmt.Errorf("zero inside a number")
			}
			low := cur % 100
			if !(low == 0 || v < 10 && low >= 20 && low%10 == 0) {
				return 0, fmt.Errorf("%d after %d", v, low)
			}
			cur += v
		}
	}
	return sign * (total + cur), nil
}

// Every whole number says itself: read back, it is the same number.
func TestSayNumberReadsBack(t *testing.T) {
	L := newSayState(t)
	check := func(n int) {
		got := sayCall(t, L, "number", num(n))
		v, err := spoken(got)
		if err != nil || v != n {
			t.Fatalf("say.number(%d) = %q: reads back as %d, %v", n, got, v, err)
		}
	}
	for n := -200; n <= 2200; n++ {
		check(n)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		check(r.IntN(2*999999999+1) - 999999999)
	}
}

func TestSayNumberErrors(t *testing.T) {
	L := newSayState(t)
	for expr, want := range map[string]string{
		"say.number()":              "<string>:1: say.number: want a number, got nil",
		"say.number(nil)":           "want a number, got nil",
		"say.number(0/0)":           "want a number, got NaN",
		"say.number(math.huge)":     "out of range: at most 999999999 either way",
		"say.number(-math.huge)":    "out of range",
		"say.number(1e9)":           "1000000000 is out of range",
		"say.number(-1e9)":          "out of range",
		"say.number(999999999.995)": "out of range",
		`say.number("abc")`:         `want a number, got string "abc"`,
		`say.number("0x10")`:        "want a number, got string",
		`say.number("1e3")`:         "want a number, got string",
		`say.number("")`:            "want a number, got string",
		"say.number({})":            "want a number, got table",
		"say.number(true)":          "want a number, got boolean",
	} {
		if got := sayError(t, L, expr); !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want it to contain %q", expr, got, want)
		}
	}
}

func TestSayDigits(t *testing.T) {
	L := newSayState(t)
	runCases(t, L, []sayCase{
		{`say.digits("1001")`, w("digits", "1 0 0 1")},
		{`say.digits("*72#")`, "letters/star digits/7 digits/2 letters/pound"},
		{`say.digits("+1 (555) 0100-x")`, w("digits", "1 5 5 5 0 1 0 0")},
		{`say.digits("")`, ""},
		{`say.digits("abc")`, ""},
		{`say.digits(2024)`, w("digits", "2 0 2 4")},
		{`say.digits(0)`, w("digits", "0")},
	})
	for expr, want := range map[string]string{
		"say.digits(nil)":                  "<string>:1: say.digits: want a string or a whole number not below 0, got nil",
		"say.digits(-1)":                   "got -1",
		"say.digits(1.5)":                  "got 1.5",
		"say.digits(0/0)":                  "got NaN",
		"say.digits({})":                   "got table",
		`say.digits(string.rep("1", 257))`: "257 characters: at most 256",
	} {
		if got := sayError(t, L, expr); !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want it to contain %q", expr, got, want)
		}
	}
}

func TestSayCount(t *testing.T) {
	L := newSayState(t)
	runCases(t, L, []sayCase{
		{`say.count(2, "vm/message", "vm/messages")`, "digits/2 vm/messages"},
		{`say.count(1, "vm/message", "vm/messages")`, "digits/1 vm/message"},
		{`say.count(0, "vm/message", "vm/messages")`, "digits/0 vm/messages"},
		{`say.count(21, "vm/message", "vm/messages")`, "digits/20 digits/1 vm/messages"},
		{`say.count("1", "vm/message", "vm/messages")`, "digits/1 vm/message"},
		{`say.count(1.001, "vm/message", "vm/messages")`, "digits/1 vm/message"}, // said as "one"
		{`say.count(-1, "vm/message", "vm/messages")`, "digits/minus digits/1 vm/messages"},
		{`say.count(3, {"vm/new", "vm/message"}, {"vm/new", "vm/messages"})`, "digits/3 vm/new vm/messages"},
		{`say.count(1, {"vm/new", "vm/message"}, {"vm/new", "vm/messages"})`, "digits/1 vm/new vm/message"},
	})
	for expr, want := range map[string]string{
		`say.count(1, "vm/message")`:               "<string>:1: say.count: plural: want a prompt name or a list of them, got nil",
		`say.count(2, nil, "vm/messages")`:         "singular: want a prompt name",
		`say.count(2, "", "vm/messages")`:          `singular: want a prompt name or a list of them, got string ""`,
		`say.count(2, "vm/message", {})`:           "plural: want a prompt name or a list of them, got table",
		`say.count(2, "vm/message", {"vm/a", 3})`:  "plural[2]: want a prompt name, got 3",
		`say.count(nil, "vm/message", "vm/msgs")`:  "say.count: want a number, got nil",
		`say.count(1e10, "vm/message", "vm/msgs")`: "out of range",
	} {
		if got := sayError(t, L, expr); !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want it to contain %q", expr, got, want)
		}
	}
}

func TestSayDuration(t *testing.T) {
	L := newSayState(t)
	runCases(t, L, []sayCase{
		{"say.duration(0)", "digits/0 time/seconds"},
		{"say.duration(0.4)", "digits/0 time/seconds"},
		{"say.duration(1)", "digits/1 time/second"},
		{"say.duration(59.6)", "digits/1 time/minute"},
		{"say.duration(65)", "digits/1 time/minute digits/5 time/seconds"},
		{"say.duration(120)", "digits/2 time/minutes"},
		{"say.duration(3600)", "digits/1 time/hour"},
		{"say.duration(3725)", "digits/1 time/hour digits/2 time/minutes digits/5 time/seconds"},
		{"say.duration(7201)", "digits/2 time/hours digits/1 time/second"},
	})
	for expr, want := range map[string]string{
		"say.duration(-1)":    "<string>:1: say.duration: want a number of seconds not below 0, got -1",
		"say.duration(nil)":   "got nil",
		"say.duration(0/0)":   "got NaN",
		`say.duration("10")`:  "got string",
		"say.duration(1e300)": "out of range",
	} {
		if got := sayError(t, L, expr); !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want it to contain %q", expr, got, want)
		}
	}
}

func unix(y int, m time.Month, d, hh, mm int) int64 {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC).Unix()
}

func TestSayDate(t *testing.T) {
	L := newSayState(t)
	runCases(t, L, []sayCase{
		{"say.date(0)", "days/thursday months/january ordinals/1st digits/19 digits/70"},
		{fmt.Sprintf("say.date(%d)", unix(1969, 12, 31, 23, 59)), "days/wednesday months/december ordinals/31st digits/19 digits/60 digits/9"},
		{fmt.Sprintf("say.date(%d)", unix(2000, 2, 29, 12, 0)), "days/tuesday months/february ordinals/29th digits/2 digits/thousand"},
		{fmt.Sprintf("say.date(%d)", unix(2000, 3, 1, 0, 0)), "days/wednesday months/march ordinals/1st digits/2 digits/thousand"},
		{fmt.Sprintf("say.date(%d)", unix(2024, 2, 29, 8, 0)), "days/thursday months/february ordinals/29th digits/20 digits/20 digits/4"},
		{fmt.Sprintf("say.date(%d)", unix(2023, 2, 28, 8, 0)), "days/tuesday months/february ordinals/28th digits/20 digits/20 digits/3"},
		{fmt.Sprintf("say.date(%d)", unix(2023, 3, 1, 8, 0)), "days/wednesday months/march ordinals/1st digits/20 digits/20 digits/3"},
		{fmt.Sprintf("say.date(%d)", unix(2023, 4, 30, 8, 0)), "days/sunday months/april ordinals/30th digits/20 digits/20 digits/3"},
		{fmt.Sprintf("say.date(%d)", unix(2026, 11, 22, 10, 0)), "days/sunday months/november ordinals/22nd digits/20 digits/20 digits/6"},
		{fmt.Sprintf("say.date(%d)", unix(1999, 12, 31, 23, 59)), "days/friday months/december ordinals/31st digits/19 digits/90 digits/9"},
		{fmt.Sprintf("say.date(%d)", unix(1900, 3, 1, 0, 0)), "days/thursday months/march ordinals/1st digits/19 digits/hundred"},
		{fmt.Sprintf("say.date(%d)", unix(1905, 6, 2, 0, 0)), "days/friday months/june ordinals/2nd digits/19 time/oh digits/5"},
		{fmt.Sprintf("say.date(%d)", unix(2100, 3, 1, 0, 0)), "days/monday months/march ordinals/1st digits/20 digits/1 digits/hundred"},
		{fmt.Sprintf("say.date(%d)", unix(3000, 1, 1, 0, 0)), "days/wednesday months/january ordinals/1st digits/3 digits/thousand"},
		{fmt.Sprintf("say.date(%d)", unix(2010, 7, 4, 0, 0)), "days/sunday months/july ordinals/4th digits/20 digits/10"},
		// Offsets move the day: 1970-01-01 00:30 UTC is still 1969 in New York.
		{"say.date(1800, -5 * 3600)", "days/wednesday months/december ordinals/31st digits/19 digits/60 digits/9"},
		{"say.date(-1, 1)", "days/thursday months/january ordinals/1st digits/19 digits/70"},
	})
}

// Years are spoken the American way (say.date ends with the year).
func TestSayYear(t *testing.T) {
	L := newSayState(t)
	for y, want := range map[int]string{
		1:    w("digits", "1"),
		999:  w("digits", "9 hundred 90 9"),
		1000: w("digits", "1 thousand"),
		1066: w("digits", "10 60 6"),
		1900: w("digits", "19 hundred"),
		1901: "digits/19 time/oh digits/1",
		1909: "digits/19 time/oh digits/9",
		1910: w("digits", "19 10"),
		1999: w("digits", "19 90 9"),
		2000: w("digits", "2 thousand"),
		2009: w("digits", "2 thousand 9"),
		2010: w("digits", "20 10"),
		2026: w("digits", "20 20 6"),
		2100: w("digits", "20 1 hundred"),
		2105: "digits/20 digits/1 time/oh digits/5",
		9999: w("digits", "90 9 90 9"),
	} {
		got := sayCall(t, L, "date", num(unix(y, 6, 15, 12, 0)))
		if len(got) < 4 || !slices.Equal(got[3:], words(want)) {
			t.Errorf("year %d: say.date = %q, want the year as %q", y, got, words(want))
		}
	}
}

// The calendar agrees with Go's for every day of a 400-year cycle plus
// random times and offsets over the whole range.
func TestSayDateMatchesGo(t *testing.T) {
	L := newSayState(t)
	check := func(sec int64, off int) {
		got := sayCall(t, L, "date", num(sec), num(off))
		tm := time.Unix(sec, 0).In(time.FixedZone("", off))
		want := []string{
			"days/" + strings.ToLower(tm.Weekday().String()),
			"months/" + strings.ToLower(tm.Month().String()),
			"ordinals/" + ordinal(tm.Day()),
		}
		if len(got) < 4 || !slices.Equal(got[:3], want) {
			t.Fatalf("say.date(%d, %d) = %q, want %q and the year (%s)", sec, off, got, want, tm)
		}
		clock := sayCall(t, L, "time", num(sec), num(off))
		h, m, ampm := readClock(t, clock)
		if h%12 != tm.Hour()%12 || m != tm.Minute() || (ampm == "pm") != (tm.Hour() >= 12) {
			t.Fatalf("say.time(%d, %d) = %q, want %s", sec, off, clock, tm.Format("15:04"))
		}
	}
	start := unix(1999, 12, 1, 13, 17)
	for d := int64(0); d < 146097; d += 29 { // 29: every weekday, month and day comes round
		check(start+d*86400+d%5*3600, 0)
	}
	for d := int64(0); d < 800; d++ {
		check(start+d*86400, 0)
	}
	r := rand.New(rand.NewPCG(3, 4))
	lo, hi := unix(1, 1, 1, 0, 0)+18*3600, unix(9999, 12, 31, 0, 0)
	for range 3000 {
		check(lo+r.Int64N(hi-lo), r.IntN(2*18*3600+1)-18*3600)
	}
}

func ordinal(d int) string {
	switch {
	case d == 1 || d == 21 || d == 31:
		return strconv.Itoa(d) + "st"
	case d == 2 || d == 22:
		return strconv.Itoa(d) + "nd"
	case d == 3 || d == 23:
		return strconv.Itoa(d) + "rd"
	}
	return strconv.Itoa(d) + "th"
}

// readClock reads say.time's prompts back as hour (1-12), minute, am/pm.
func readClock(t *testing.T, names []string) (hour, min int, ampm string) {
	t.Helper()
	if len(names) < 3 {
		t.Fatalf("clock %q: too short", names)
	}
	ampm = strings.TrimPrefix(names[len(names)-1], "time/")
	hour, err := spoken(names[:1])
	if err != nil || hour < 1 || hour > 12 || (ampm != "am" && ampm != "pm") {
		t.Fatalf("clock %q: bad hour or am/pm", names)
	}
	rest := names[1 : len(names)-1]
	switch {
	case slices.Equal(rest, []string{"time/oclock"}):
		return hour, 0, ampm
	case len(rest) == 2 && rest[0] == "time/oh":
		min, err = spoken(rest[1:])
		if err != nil || min < 1 || min > 9 {
			t.Fatalf("clock %q: bad minute after oh", names)
		}
	default:
		min, err = spoken(rest)
		if err != nil || min < 10 || min > 59 {
			t.Fatalf("clock %q: bad minute", names)
		}
	}
	return hour, min, ampm
}

func TestSayTime(t *testing.T) {
	L := newSayState(t)
	day := unix(2026, 11, 22, 0, 0)
	at := func(h, m int) string { return fmt.Sprintf("say.time(%d)", day+int64(h*3600+m*60)) }
	runCases(t, L, []sayCase{
		{at(0, 0), "digits/12 time/oclock time/am"},
		{at(0, 1), "digits/12 time/oh digits/1 time/am"},
		{at(9, 5), "digits/9 time/oh digits/5 time/am"},
		{at(11, 59), "digits/11 digits/50 digits/9 time/am"},
		{at(12, 0), "digits/12 time/oclock time/pm"},
		{at(12, 5), "digits/12 time/oh digits/5 time/pm"},
		{at(14, 30), "digits/2 digits/30 time/pm"},
		{at(23, 10), "digits/11 digits/10 time/pm"},
		{fmt.Sprintf("say.time(%d + 59.9)", day), "digits/12 time/oclock time/am"}, // seconds are dropped
		{"say.time(0, -5 * 3600)", "digits/7 time/oclock time/pm"},
		{"say.time(0, 5.5 * 3600)", "digits/5 digits/30 time/am"},
	})
}

func TestSayDatetime(t *testing.T) {
	L := newSayState(t)
	now := unix(2026, 11, 22, 15, 0)
	dt := func(tm int64, off string) string {
		if off == "" {
			return fmt.Sprintf("say.datetime(%d, %d)", tm, now)
		}
		return fmt.Sprintf("say.datetime(%d, %d, %s)", tm, now, off)
	}
	runCases(t, L, []sayCase{
		{dt(unix(2026, 11, 22, 9, 5), ""), "time/today time/at digits/9 time/oh digits/5 time/am"},
		{dt(unix(2026, 11, 22, 0, 0), ""), "time/today time/at digits/12 time/oclock time/am"},
		{dt(unix(2026, 11, 21, 23, 59), ""), "time/yesterday time/at digits/11 digits/50 digits/9 time/pm"},
		{dt(unix(2026, 11, 20, 14, 30), ""), "days/friday months/november ordinals/20th time/at digits/2 digits/30 time/pm"},
		{dt(unix(2026, 3, 3, 14, 30), ""), "days/tuesday months/march ordinals/3rd time/at digits/2 digits/30 time/pm"},
		{dt(unix(2025, 3, 3, 14, 30), ""), "days/monday months/march ordinals/3rd digits/20 digits/20 digits/5 time/at digits/2 digits/30 time/pm"},
		// A date after now is spoken as a date.
		{dt(unix(2026, 11, 23, 8, 0), ""), "days/monday months/november ordinals/23rd time/at digits/8 time/oclock time/am"},
		// In New York (UTC-5) 02:00 UTC on the 22nd is 21:00 on the 21st,
		// while now (15:00 UTC) is 10:00 on the 22nd: yesterday.
		{dt(unix(2026, 11, 22, 2, 0), "-5 * 3600"), "time/yesterday time/at digits/9 time/oclock time/pm"},
		{dt(unix(2026, 11, 22, 2, 0), ""), "time/today time/at digits/2 time/oclock time/am"},
		// In Tokyo (UTC+9) now is already the 23rd: 15:00 UTC on the 22nd
		// is midnight there.
		{dt(unix(2026, 11, 22, 14, 59), "9 * 3600"), "time/yesterday time/at digits/11 digits/50 digits/9 time/pm"},
		{dt(unix(2026, 11, 22, 15, 0), "9 * 3600"), "time/today time/at digits/12 time/oclock time/am"},
		// New Year: yesterday crosses the year, a day earlier adds the year.
		{fmt.Sprintf("say.datetime(%d, %d)", unix(2025, 12, 31, 18, 0), unix(2026, 1, 1, 9, 0)), "time/yesterday time/at digits/6 time/oclock time/pm"},
		{fmt.Sprintf("say.datetime(%d, %d)", unix(2025, 12, 30, 18, 0), unix(2026, 1, 1, 9, 0)), "days/tuesday months/december ordinals/30th digits/20 digits/20 digits/5 time/at digits/6 time/oclock time/pm"},
		// Without now: the full date.
		{fmt.Sprintf("say.datetime(%d)", unix(2026, 11, 22, 12, 5)), "days/sunday months/november ordinals/22nd digits/20 digits/20 digits/6 time/at digits/12 time/oh digits/5 time/pm"},
		{fmt.Sprintf("say.datetime(%d, nil, 3600)", unix(2026, 11, 22, 23, 30)), "days/monday months/november ordinals/23rd digits/20 digits/20 digits/6 time/at digits/12 digits/30 time/am"},
	})
}

func TestSayCalendarErrors(t *testing.T) {
	L := newSayState(t)
	for expr, want := range map[string]string{
		"say.date()":                                "<string>:1: say.date: t: want a Unix time in seconds, got nil",
		`say.date("2026-11-22")`:                    `t: want a Unix time in seconds, got string "2026-11-22"`,
		"say.date(0/0)":                             "got NaN",
		"say.date(1e15)":                            "t: 1000000000000000 is out of range: years 1 to 9999",
		"say.date(-1e15)":                           "out of range",
		"say.date(math.huge)":                       "out of range",
		"say.date(0, 19 * 3600)":                    "say.date: offset: 68400 seconds is out of range: at most 64800 either way",
		`say.date(0, "+01:00")`:                     "offset: want seconds east of UTC, got string",
		"say.time()":                                "say.time: t: want a Unix time",
		"say.time(0, 0/0)":                          "offset: want seconds east of UTC, got NaN",
		`say.datetime(0, "now")`:                    `say.datetime: now: want a Unix time in seconds, got string "now"`,
		"say.datetime(nil, 0)":                      "say.datetime: t: want a Unix time",
		"say.datetime(0, 0, {})":                    "offset: want seconds east of UTC, got table",
		"say.datetime(0, 1e15)":                     "now: 1000000000000000 is out of range",
		"say.nonexistent(0)":                        "attempt to call a non-function object",
		`require("say") == say and say.number(nil)`: "say.number: want a number, got nil",
	} {
		if got := sayError(t, L, expr); !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want it to contain %q", expr, got, want)
		}
	}
}

// The module runs in the sandbox as it is: it needs no os or io, and
// requiring it twice gives the same table.
func TestSayModule(t *testing.T) {
	L := newSayState(t)
	if err := L.DoString(`
assert(os == nil and io == nil, "the test state must mirror the sandbox")
assert(require("say") == say)
for _, fn in ipairs({"number", "digits", "count", "duration", "date", "time", "datetime"}) do
  assert(type(say[fn]) == "function", fn)
end
local n = 0
for _, p in ipairs(say.number(42)) do n = n + 1 end
assert(n == 2)
`); err != nil {
		t.Fatal(err)
	}
}

// promptNames reads the names of prompts/en.txt.
func promptNames(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("../prompts/en.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, _, ok := strings.Cut(sc.Text(), "|"); ok && !strings.HasPrefix(name, "#") {
			names[name] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// Every prompt that say.lua can produce is in prompts/en.txt: the names it
// builds (checked by calling it over its whole range) and those it spells
// out literally.
func TestSayPromptsExist(t *testing.T) {
	have := promptNames(t)
	L := newSayState(t)
	produced := map[string]bool{}
	add := func(expr string) {
		for _, n := range sayList(t, L, expr) {
			produced[n] = true
		}
	}
	for n := -1000; n <= 1000; n++ {
		add(fmt.Sprintf("say.number(%d)", n))
	}
	add("say.number(1234567.89)")
	add(`say.digits("0123456789*#")`)
	add(`say.count(1, "vm/message", "vm/messages")`)
	add(`say.count(2, "vm/message", "vm/messages")`)
	for _, s := range []int{0, 1, 2, 60, 120, 3600, 7200} {
		add(fmt.Sprintf("say.duration(%d)", s))
	}
	start := unix(2024, 1, 1, 0, 0)
	for d := int64(0); d < 366; d++ {
		add(fmt.Sprintf("say.date(%d)", start+d*86400))
	}
	for _, y := range []int{1, 999, 1000, 1900, 1905, 1999, 2000, 2005, 2010, 2026, 2100, 9999} {
		add(fmt.Sprintf("say.date(%d)", unix(y, 6, 1, 0, 0)))
	}
	for m := int64(0); m < 24*60; m++ {
		add(fmt.Sprintf("say.time(%d)", start+m*60))
	}
	add(fmt.Sprintf("say.datetime(%d, %d)", start, start))
	add(fmt.Sprintf("say.datetime(%d, %d)", start, start+86400))
	add(fmt.Sprintf("say.datetime(%d, %d)", start, start+2*86400))

	src, err := fs.ReadFile(FS, "say.lua")
	if err != nil {
		t.Fatal(err)
	}
	literals := regexp.MustCompile(`"((?:digits|letters|time|vm)/[a-z0-9_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(literals) == 0 {
		t.Fatal("no literal prompt names found in say.lua")
	}
	for _, m := range literals {
		produced[m[1]] = true
	}
	for _, dir := range []string{"days/", "months/", "ordinals/", "time/", "letters/", "digits/"} {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(produced)), func(n string) bool { return strings.HasPrefix(n, dir) }) {
			t.Errorf("the sweep produced no %s prompt", dir)
		}
	}
	for n := range produced {
		if !have[n] {
			t.Errorf("say.lua produces %q, which prompts/en.txt lacks", n)
		}
	}
	// And the other way: every number, date and time prompt is reachable.
	for n := range have {
		for _, dir := range []string{"digits/", "ordinals/", "months/", "days/", "letters/"} {
			if strings.HasPrefix(n, dir) && !produced[n] {
				t.Errorf("prompts/en.txt has %q, which say.lua never produces", n)
			}
		}
	}
}

// Any value gives a list of known prompts or a say.* error, never another
// error.
func FuzzSay(f *testing.F) {
	f.Add(42.0, "1001", int64(0), int64(0), int64(0))
	f.Add(-0.005, "*#", int64(1<<40), int64(-1), int64(3600))
	f.Add(math.NaN(), "", int64(-62135596800), int64(253402300799), int64(-64800))
	f.Fuzz(func(t *testing.T, n float64, s string, tm, now, off int64) {
		L := newSayState(t)
		L.SetGlobal("n", glua.LNumber(n))
		L.SetGlobal("s", glua.LString(s))
		L.SetGlobal("tm", glua.LNumber(tm))
		L.SetGlobal("now", glua.LNumber(now))
		L.SetGlobal("off", glua.LNumber(off))
		for _, expr := range []string{
			"say.number(n)", "say.number(s)", "say.digits(s)", "say.digits(n)",
			`say.count(n, "vm/message", "vm/messages")`, "say.duration(n)",
			"say.date(tm, off)", "say.time(tm, off)", "say.datetime(tm, now, off)", "say.datetime(n, n)",
		} {
			if err := L.DoString("result = " + expr); err != nil {
				msg := err.Error()
				if apiErr, ok := err.(*glua.ApiError); ok {
					msg = apiErr.Object.String()
				}
				if !strings.Contains(msg, ": say.") {
					t.Fatalf("%s: not a say error: %v", expr, msg)
				}
				continue
			}
			tab, ok := L.GetGlobal("result").(*glua.LTable)
			if !ok {
				t.Fatalf("%s: no table", expr)
			}
			tab.ForEach(func(_, v glua.LValue) {
				if s, ok := v.(glua.LString); !ok || !strings.Contains(string(s), "/") {
					t.Fatalf("%s: element %v is not a prompt name", expr, v)
				}
			})
		}
	})
}

// A voicemail envelope: the date and time of one message.
func BenchmarkSayDatetime(b *testing.B) {
	L := newSayState(b)
	now := unix(2026, 11, 22, 15, 0)
	for b.Loop() {
		sayCall(b, L, "datetime", num(now-3*86400), num(now), num(-5*3600))
	}
}

func BenchmarkSayNumber(b *testing.B) {
	L := newSayState(b)
	for b.Loop() {
		sayCall(b, L, "number", num(987654321))
	}
}

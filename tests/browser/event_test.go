package browser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseEvent(t *testing.T) {
	ok := []struct {
		line string
		want Event
	}{
		{`{"type":"ready","version":"156.0"}`, Event{Type: EventReady, Version: "156.0"}},
		{`{"type":"console","level":"error","text":"x","url":"http://127.0.0.1/a","line":3}`,
			Event{Type: EventConsole, Level: "error", Text: "x", URL: "http://127.0.0.1/a", Line: 3}},
		{`{"type":"result","name":"stats","value":{"n":1}}`, Event{Type: EventResult, Name: "stats", Value: json.RawMessage(`{"n":1}`)}},
		{`{"type":"result","name":"empty","value":null}`, Event{Type: EventResult, Name: "empty"}},
		{`{"type":"screenshot","path":"/tmp/a.png"}`, Event{Type: EventScreenshot, Path: "/tmp/a.png"}},
		{`{"type":"done","ok":true}`, Event{Type: EventDone, OK: true}},
		{` {"type":"error","text":"boom","stack":"Error: boom"} `, Event{Type: EventError, Text: "boom", Stack: "Error: boom"}},
		{`{"type":"log","text":"hi","extra":"ignored"}`, Event{Type: EventLog, Text: "hi"}},
	}
	for _, c := range ok {
		got, err := ParseEvent([]byte(c.line))
		if err != nil {
			t.Errorf("ParseEvent(%s): %v", c.line, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseEvent(%s) = %+v, want %+v", c.line, got, c.want)
		}
	}

	bad := []string{
		``,
		`not json`,
		`[]`,
		`{}`,
		`{"type":"bogus"}`,
		`{"type":"stdout","text":"made by Session, never parsed"}`,
		`{"type":"result","value":1}`,
		`{"type":"screenshot"}`,
		`{"type":"console","line":-1}`,
		`{"type":"done","ok":"yes"}`,
		`{"type":"log"} {"type":"log"}`,
		`{"type":"log"`,
		"{\"type\":\"log\",\"text\":\"" + strings.Repeat("a", MaxEventLine) + "\"}",
	}
	for _, line := range bad {
		if _, err := ParseEvent([]byte(line)); !errors.Is(err, ErrBadEvent) {
			short := line
			if len(short) > 60 {
				short = short[:60] + "..."
			}
			t.Errorf("ParseEvent(%s) error = %v, want ErrBadEvent", short, err)
		}
	}
}

func TestEventString(t *testing.T) {
	cases := []struct {
		ev   Event
		want string
	}{
		{Event{Type: EventConsole, Level: "warning", Text: "w", URL: "u", Line: 2}, "console.warning: w (u:2)"},
		{Event{Type: EventResult, Name: "n", Value: json.RawMessage(`[1]`)}, "result n = [1]"},
		{Event{Type: EventDone, OK: true}, "done: ok=true"},
		{Event{Type: EventPageError, Text: "boom", Stack: "Error: boom\n  at x"}, "pageerror: boom\nError: boom\n  at x"},
	}
	for _, c := range cases {
		if got := c.ev.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestReadLines(t *testing.T) {
	long := strings.Repeat("x", 200)
	in := "a\n\nb\r\n" + long + "\nc\n" + long + "\nlast"
	var got []string
	readLines(strings.NewReader(in), 100, func(b []byte) { got = append(got, string(b)) })
	want := []string{"a", "b\r", "(dropped a line of 201 bytes)", "c", "(dropped a line of 201 bytes)", "last"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}

	// A line longer than the reader's own buffer is still whole.
	big := strings.Repeat("y", 200<<10)
	got = nil
	readLines(strings.NewReader(big+"\nz\n"), 1<<20, func(b []byte) { got = append(got, string(b)) })
	if len(got) != 2 || got[0] != big || got[1] != "z" {
		t.Errorf("got %d lines (first %d bytes), want the 200 KiB line and z", len(got), len(got[0]))
	}
}

func TestResultValue(t *testing.T) {
	r := &Result{Events: []Event{
		{Type: EventResult, Name: "n", Value: json.RawMessage(`1`)},
		{Type: EventConsole, Text: "x"},
		{Type: EventResult, Name: "n", Value: json.RawMessage(`2`)},
		{Type: EventResult, Name: "nothing"},
		{Type: EventScreenshot, Path: "/a.png"},
	}}
	var n int
	if err := r.Value("n", &n); err != nil || n != 2 {
		t.Errorf("Value(n) = %d, %v; want the last one, 2", n, err)
	}
	if err := r.Value("missing", &n); !errors.Is(err, ErrNoResult) {
		t.Errorf("Value(missing) error = %v, want ErrNoResult", err)
	}
	if err := r.Value("nothing", &n); err == nil {
		t.Error("Value of a result without a value succeeded")
	}
	var s string
	if err := r.Value("n", &s); err == nil {
		t.Error("Value decoded a number into a string")
	}
	if got := r.Screenshots(); !reflect.DeepEqual(got, []string{"/a.png"}) {
		t.Errorf("Screenshots() = %v", got)
	}
}

// FuzzParseEvent: no input panics, and whatever is accepted survives a
// round trip through JSON unchanged.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"ready","version":"156"}`,
		`{"type":"console","level":"log","text":"a\nb","url":"http://127.0.0.1:1/x","line":7}`,
		`{"type":"result","name":"stats","value":{"packetsReceived":12,"codec":"audio/opus"}}`,
		`{"type":"screenshot","path":"/tmp/x.png"}`,
		`{"type":"done","ok":false}`,
		`{"type":"result","name":"n","value":null}`,
		`{"type":"pageerror","text":"\u0000","stack":""}`,
		`{"type":"log","line":1e3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := ParseEvent(line)
		if err != nil {
			if !errors.Is(err, ErrBadEvent) {
				t.Fatalf("error %v does not wrap ErrBadEvent", err)
			}
			return
		}
		_ = ev.String()
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal accepted event %+v: %v", ev, err)
		}
		again, err := ParseEvent(b)
		if err != nil {
			t.Fatalf("re-parse %s: %v", b, err)
		}
		// RawMessage compares by bytes; compact both sides first.
		ev.Value, again.Value = compact(t, ev.Value), compact(t, again.Value)
		if !reflect.DeepEqual(ev, again) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", ev, again)
		}
	})
}

func compact(t *testing.T, v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		t.Fatalf("compact %s: %v", v, err)
	}
	return b.Bytes()
}

// The runner rejects bad command lines with an error event and exit
// status 2, before it starts any browser.
func TestRunnerUsage(t *testing.T) {
	env := Require(t)
	cases := [][]string{
		{},
		{"scenarios/page.mjs"},
		{"scenarios/page.mjs", "--url", "http://127.0.0.1:1/"},
		{"scenarios/page.mjs", "--url", "not a url", "--artifacts", t.TempDir()},
		{"scenarios/page.mjs", "--url", "http://127.0.0.1:1/", "--artifacts", t.TempDir(), "--params", "{"},
		{"scenarios/page.mjs", "--url", "http://127.0.0.1:1/", "--artifacts", t.TempDir(), "--timeout-ms", "0"},
		{"scenarios/page.mjs", "--url", "http://127.0.0.1:1/", "--artifacts", t.TempDir(), "--bogus"},
		{"scenarios/page.mjs", "--url"},
	}
	for _, args := range cases {
		cmd := env.command(t.Context(), env.Node, append([]string{"run.mjs"}, args...)...)
		out, err := cmd.Output()
		var exit interface{ ExitCode() int }
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("run.mjs %q: err %v, want exit status 2", args, err)
			continue
		}
		line, _, _ := bytes.Cut(out, []byte("\n"))
		ev, err := ParseEvent(line)
		if err != nil || ev.Type != EventError || !strings.HasPrefix(ev.Text, "usage: ") {
			t.Errorf("run.mjs %q printed %q (%v), want a usage error event", args, out, err)
		}
	}
}

// A scenario that is missing or not a function fails cleanly too.
func TestRunnerBadScenario(t *testing.T) {
	env := Require(t)
	dir := t.TempDir()
	for name, src := range map[string]string{
		"missing.mjs":   "",
		"nodefault.mjs": "export const x = 1;\n",
		"syntax.mjs":    "export default async function (ctx) {\n",
	} {
		path := dir + "/" + name
		if src != "" {
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := env.command(t.Context(), env.Node, "run.mjs", path, "--url", "http://127.0.0.1:1/", "--artifacts", dir)
		out, err := cmd.Output()
		var exit interface{ ExitCode() int }
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s: err %v, want exit status 1\n%s", name, err, out)
			continue
		}
		var events []Event
		readLines(bytes.NewReader(out), MaxEventLine, func(b []byte) {
			if ev, err := ParseEvent(b); err == nil {
				events = append(events, ev)
			}
		})
		if n := len(events); n < 2 || events[0].Type != EventError || events[n-1].Type != EventDone || events[n-1].OK {
			t.Errorf("%s: events %v, want an error then done ok=false", name, fmt.Sprint(events))
		}
	}
}

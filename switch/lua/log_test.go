package lua

import (
	"strings"
	"testing"
)

func TestScriptLog(t *testing.T) {
	e, logs := newTestEngine(t, `
function route(call)
  if call.to == "flood" then
    for i = 1, 100 do log.info("line", i) end
  elseif call.to == "long" then
    log.warn(string.rep("x", 5000))
  else
    log.info("routing", call.to, "for", call.from)
    log.error("oops", nil, true)
  end
  return {action = "reject", code = 404}
end
`, 0)
	if _, err := route(e, "1002"); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, want := range []string{
		`level=INFO msg="routing 1002 for 1001" script=` + e.script + ` call_id=call-1002`,
		`level=ERROR msg="oops nil true"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}

	if _, err := route(e, "flood"); err != nil {
		t.Fatal(err)
	}
	out = logs.String()
	if n := strings.Count(out, `msg="line `); n != maxLogLines {
		t.Errorf("flood logged %d lines, want %d", n, maxLogLines)
	}
	if !strings.Contains(out, "dropped=68") {
		t.Errorf("no dropped-lines warning:\n%s", out)
	}

	if _, err := route(e, "long"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), strings.Repeat("x", maxLogMessage+1)) {
		t.Error("a long message was not truncated")
	}
	if !strings.Contains(logs.String(), strings.Repeat("x", maxLogMessage)) {
		t.Error("a long message was dropped instead of truncated")
	}
}

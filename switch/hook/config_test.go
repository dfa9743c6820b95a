package hook

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseConfigValid(t *testing.T) {
	doc := `{
  "hooks": {
    "route": {"engine": "lua", "budget": "250ms", "policy": "fallback", "fallback": "100"},
    "register": {"policy": "fail-closed", "code": 403},
    "cdr": {"engine": "http", "url": "https://example.invalid/cdr", "fallback_url": "https://example.invalid/b",
            "method": "get", "secret": "s3", "timeout": "2s", "retries": 5}
  }
}`
	c, err := ParseConfig("hooks.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hooks) != 3 {
		t.Fatalf("hooks = %d, want 3", len(c.Hooks))
	}
	r := c.Hooks[Route]
	if r.Engine != "lua" || time.Duration(r.Budget) != 250*time.Millisecond || r.Policy != "fallback" || r.Fallback != "100" {
		t.Errorf("route = %+v", r)
	}
	if reg := c.Hooks[Register]; reg.Policy != "fail-closed" || reg.Code != 403 {
		t.Errorf("register = %+v", reg)
	}
	cdr := c.Hooks[CDR]
	if cdr.Engine != "http" || cdr.URL != "https://example.invalid/cdr" || cdr.FallbackURL != "https://example.invalid/b" ||
		cdr.Method != "get" || cdr.Secret != "s3" || time.Duration(cdr.Timeout) != 2*time.Second || cdr.Retries == nil || *cdr.Retries != 5 {
		t.Errorf("cdr = %+v", cdr)
	}
}

// Edge values that must be accepted.
func TestParseConfigAccepts(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"empty object", `{}`},
		{"no hooks", `{"hooks": {}}`},
		{"null hooks", `{"hooks": null}`},
		{"code 400", `{"hooks": {"route": {"policy": "fail-closed", "code": 400}}}`},
		{"code 699", `{"hooks": {"route": {"policy": "closed", "code": 699}}}`},
		{"budget 1ms", `{"hooks": {"route": {"budget": "1ms"}}}`},
		{"budget 1m", `{"hooks": {"route": {"budget": "1m"}}}`},
		{"budget 0 means default", `{"hooks": {"route": {"budget": "0s"}}}`},
		{"retries 0", `{"hooks": {"cdr": {"retries": 0}}}`},
		{"method POST", `{"hooks": {"cdr": {"method": "POST"}}}`},
		{"fallback on failure", `{"hooks": {"failure": {"policy": "fallback", "fallback": "200"}}}`},
		{"policy open", `{"hooks": {"dtmf": {"policy": "open"}}}`},
		{"http with url", `{"hooks": {"route": {"engine": "http", "url": "http://127.0.0.1:1/r"}}}`},
		{"wasm plugin", `{"hooks": {"route": {"engine": "wasm", "plugin": "dialplan.wasm"}}}`},
		{"wasm plugin memory", `{"hooks": {"route": {"engine": "wasm", "plugin": "my-plan_2.v1.wasm", "memory_mb": 4096}}}`},
		{"trailing white space", "{}\n\n  \t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseConfig("hooks.json", []byte(tc.doc)); err != nil {
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want []string // substrings of the error
	}{
		{"unknown hook", "{\n \"hooks\": {\n  \"routing\": {}\n }\n}", []string{"hooks.json:3:", `hook routing`, "unknown hook"}},
		{"unknown field", "{\n \"hooks\": {\n  \"route\": {\n   \"engin\": \"lua\"\n  }\n }\n}", []string{"hooks.json:4:", `unknown field "engin"`}},
		{"unknown top-level field", "{\n \"hooks\": {},\n \"version\": 1\n}", []string{"hooks.json:3:", `unknown field "version"`}},
		{"bad policy", "{\"hooks\": {\n\"route\": {\n\"policy\": \"fail-soft\"}}}", []string{"hooks.json:3:", "hook route", `policy "fail-soft"`}},
		{"fallback without destination", `{"hooks": {"route": {"policy": "fallback"}}}`, []string{"hooks.json:1:", "hook route", "fallback destination"}},
		{"fallback on register", `{"hooks": {"register": {"policy": "fallback", "fallback": "100"}}}`, []string{"hook register", "fits only route and failure"}},
		{"fallback on provision", `{"hooks": {"provision": {"policy": "fallback", "fallback": "100"}}}`, []string{"hook provision", "fits only route and failure"}},
		{"code too low", "{\"hooks\": {\"route\": {\n\"code\": 399}}}", []string{"hooks.json:2:", "code 399", "want 400-699"}},
		{"code too high", `{"hooks": {"route": {"code": 700}}}`, []string{"code 700"}},
		{"code negative", `{"hooks": {"route": {"code": -1}}}`, []string{"code -1"}},
		{"budget too small", `{"hooks": {"route": {"budget": "500us"}}}`, []string{"budget 500µs", "want 1ms to 1m"}},
		{"budget too large", "{\"hooks\": {\n\"route\": {\n\n\"budget\": \"2m\"}}}", []string{"hooks.json:4:", "budget 2m0s"}},
		{"budget not a string", "{\"hooks\": {\n\"route\": {\n\"budget\": 250}}}", []string{"hooks.json:3:", "hooks.route.budget", "duration string"}},
		{"budget unparsable", "{\"hooks\": {\n\"route\": {\"policy\": \"open\",\n\"budget\": \"soon\"}}}", []string{"hooks.json:3:", `invalid duration "soon"`}},
		{"budget negative", `{"hooks": {"route": {"budget": "-1s"}}}`, []string{`invalid duration "-1s"`}},
		{"timeout unparsable", "{\"hooks\": {\n\"cdr\": {\"budget\": \"1s\",\n\"timeout\": \"x\"}}}", []string{"hooks.json:3:", "hooks.cdr.timeout"}},
		{"retries negative", `{"hooks": {"cdr": {"retries": -1}}}`, []string{"retries -1", "want 0-5"}},
		{"retries too many", "{\"hooks\": {\"cdr\": {\n\"retries\": 6}}}", []string{"hooks.json:2:", "retries 6"}},
		{"method", `{"hooks": {"cdr": {"method": "PUT"}}}`, []string{`method "PUT"`, "want GET or POST"}},
		{"http without url", "{\"hooks\": {\"cdr\": {\n\"engine\": \"http\"}}}", []string{"hooks.json:2:", "engine http needs a url"}},
		{"wasm without plugin", "{\"hooks\": {\"route\": {\n\"engine\": \"wasm\"}}}", []string{"hooks.json:2:", "engine wasm needs a plugin"}},
		{"plugin without wasm", "{\"hooks\": {\"route\": {\"engine\": \"lua\",\n\"plugin\": \"a.wasm\"}}}", []string{"hooks.json:2:", "plugin fits only engine wasm"}},
		{"plugin path", "{\"hooks\": {\"route\": {\"engine\": \"wasm\",\n\n\"plugin\": \"../x.wasm\"}}}", []string{"hooks.json:3:", `plugin "../x.wasm"`}},
		{"plugin not .wasm", `{"hooks": {"route": {"engine": "wasm", "plugin": "x.so"}}}`, []string{`plugin "x.so"`}},
		{"plugin dot file", `{"hooks": {"route": {"engine": "wasm", "plugin": ".x.wasm"}}}`, []string{`plugin ".x.wasm"`}},
		{"memory too large", "{\"hooks\": {\"route\": {\"engine\": \"wasm\", \"plugin\": \"a.wasm\",\n\"memory_mb\": 4097}}}", []string{"hooks.json:2:", "memory_mb 4097"}},
		{"memory without wasm", `{"hooks": {"route": {"memory_mb": 64}}}`, []string{"memory_mb 64", "with engine wasm"}},
		{"syntax error line", "{\n  \"hooks\": {\n    \"route\": {\n      \"code\": 500,\n    }\n  }\n}\n", []string{"hooks.json:5:", "invalid character"}},
		{"syntax error first line", `{"hooks": [}`, []string{"hooks.json:1:"}},
		{"type error line", "{\n \"hooks\": {\n  \"route\": {\n   \"code\": \"500\"\n  }\n }\n}", []string{"hooks.json:4:", "cannot unmarshal"}},
		{"hooks not an object", "{\n\"hooks\": [1]}", []string{"hooks.json:2:"}},
		{"trailing data", "{\"hooks\": {}}\n{}", []string{"hooks.json:2:", "after the top-level object"}},
		{"trailing garbage", "{}\nx", []string{"hooks.json:2:"}},
		{"empty file", "", []string{"hooks.json:1:"}},
		{"truncated", "{\"hooks\": {\n\"route\": {", []string{"hooks.json:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("hooks.json", []byte(tc.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// With several mistakes the same one is reported every time.
func TestParseConfigErrorIsStable(t *testing.T) {
	doc := `{"hooks": {"route": {"code": 1}, "register": {"code": 2}, "cdr": {"code": 3}, "dtmf": {"code": 4}}}`
	_, first := ParseConfig("hooks.json", []byte(doc))
	if first == nil {
		t.Fatal("accepted")
	}
	for range 20 {
		if _, err := ParseConfig("hooks.json", []byte(doc)); err == nil || err.Error() != first.Error() {
			t.Fatalf("error %v, earlier %v", err, first)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(Duration(1500 * time.Millisecond))
	if err != nil || string(b) != `"1.5s"` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var d Duration
	if err := json.Unmarshal(b, &d); err != nil || time.Duration(d) != 1500*time.Millisecond {
		t.Fatalf("unmarshal = %v, %v", time.Duration(d), err)
	}
}

func TestKeysPaths(t *testing.T) {
	doc := "{\"a\": [1, {\"b\": 2}],\n\"c\": {\"d\": \"x\", \"e\": {}},\n\"f\": null}"
	var got []string
	for _, k := range keys([]byte(doc)) {
		got = append(got, strings.Join(k.path, "."))
	}
	want := "a a.b c c.d c.e f"
	if strings.Join(got, " ") != want {
		t.Fatalf("paths %q, want %q", got, want)
	}
	ks := keys([]byte(doc))
	if ks[3].line != 2 || ks[3].val != "x" || ks[5].line != 3 {
		t.Fatalf("keys = %+v", ks)
	}
}

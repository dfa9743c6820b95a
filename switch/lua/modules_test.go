package lua

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
)

// evalScript runs `body` as the route function; it must return a string,
// which is passed back as the reject reason (so tests can read it).
const evalPrelude = `
function route(call)
  local out = (function() %s end)()
  return {action = "reject", code = 499, reason = tostring(out)}
end
`

func eval(t *testing.T, o Options, body string) string {
	t.Helper()
	e := buildEngine(t, map[string]string{DialPlanFile: fmt.Sprintf(evalPrelude, body)}, o)
	d, err := route(e, "1002")
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return d.Reason
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`return json.encode({b = 1, a = {1, 2, "x"}, c = true, d = 1.5})`, `{"a":[1,2,"x"],"b":1,"c":true,"d":1.5}`},
		{`return json.encode({})`, `{}`},
		{`return json.encode("a\"b\n\1")`, `"a\"b\n\u0001"`},
		{`return json.encode(nil)`, `null`},
		{`local v, err = json.encode({1, 2, x = 3}) return err`, `json.encode: cannot encode a table mixing keys: use a list 1..n or string keys`},
		{`local v, err = json.encode({f = print or function() end}) return err`, `json.encode: cannot encode a function`},
		{`local v, err = json.encode(0/0) return err`, `json.encode: cannot encode NaN`},
		{`local t = {} t.self = t local v, err = json.encode(t) return err`, `json.encode: nested deeper than 32 levels (or a cycle)`},
		{`local v, err = json.encode(string.rep("x", 1048576)) return err`, `json.encode: larger than 1048576 bytes`},
		{`local v = json.decode([[{"a": [1, 2, {"b": null}], "s": "\u00e9"}]]) return v.a[2] + #v.a .. v.s`, `5é`},
		{`local v, err = json.decode('{"a":') return tostring(v) .. " " .. err`, `nil json.decode: unexpected EOF`},
		{`local v, err = json.decode('1 2') return err`, `json.decode: data after the JSON value`},
		{`local v, err = json.decode(string.rep("[", 40) .. string.rep("]", 40)) return err`, `json.decode: nested deeper than 32 levels`},
		{`return json.encode(json.decode('{"k":[true,false,"v"]}'))`, `{"k":[true,false,"v"]}`},
	} {
		if got := eval(t, Options{}, tc.body); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
}

type testDir map[string]DirEntry

func (d testDir) Extension(n string) (DirEntry, bool) { e, ok := d[n]; return e, ok }
func (d testDir) Extensions() []DirEntry {
	return []DirEntry{d["1001"], d["1002"]}
}

func TestConfig(t *testing.T) {
	dir := testDir{
		"1001": {Number: "1001", Name: "Alice", Email: "alice@example.com", MaxContacts: 3,
			Tenant: "acme", Codecs: []string{"PCMA", "G722"}, DTMFMode: "info", Language: "de"},
		"1002": {Number: "1002", Name: "Bob"},
	}
	got := eval(t, Options{Directory: dir}, `
local e = config.extension("1001")
local list = config.extensions()
return e.number .. e.name .. e.email .. e.max_contacts .. tostring(config.extension("9")) .. #list .. list[2].name`)
	if got != "1001Alicealice@example.com3nil2Bob" {
		t.Fatalf("got %q", got)
	}
	got = eval(t, Options{Directory: dir}, `
local e = config.extension("1001")
return e.tenant .. "/" .. table.concat(e.codecs, ",") .. "/" .. e.dtmf_mode .. "/" .. e.language .. "/" .. #config.extension("1002").codecs`)
	if got != "acme/PCMA,G722/info/de/0" {
		t.Fatalf("settings: got %q", got)
	}
	if got := eval(t, Options{}, `return tostring(config.extension("1001")) .. #config.extensions()`); got != "nil0" {
		t.Fatalf("no directory: %q", got)
	}
}

func TestKVModule(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := Options{KV: st.KV(), Namespace: "tenant1"}
	got := eval(t, o, `
local a = tostring(kv.get("count"))
assert(kv.set("count", "1"))
assert(kv.set("temp", "x", 3600))
local b = kv.get("count")
assert(kv.delete("count"))
local ok, err = kv.set("big", string.rep("x", 65537))
local ok2, err2 = kv.set("", "x")
return a .. " " .. b .. " " .. tostring(kv.get("count")) .. " " .. err .. " | " .. err2`)
	if !strings.HasPrefix(got, "nil 1 nil kv.set: value of 65537 bytes (max 65536) | kv.set: ") || !strings.Contains(got, "key") {
		t.Fatalf("got %q", got)
	}
	// The namespace is the script set's.
	if v, ok, _ := st.KVGet("tenant1", "temp"); !ok || v != "x" {
		t.Fatalf("store: %q %v", v, ok)
	}
	if _, ok, _ := st.KVGet("default", "temp"); ok {
		t.Fatal("written outside the namespace")
	}
	if got := eval(t, o, `return tostring(pcall(kv.set, "k", {}))`); got != "false" {
		t.Fatalf("a table value: %q", got)
	}
	if got := eval(t, o, `return tostring(pcall(kv.set, "k", "v", -1))`); got != "false" {
		t.Fatalf("negative ttl: %q", got)
	}
	if got := eval(t, Options{}, `local v, err = kv.get("x") return err`); got != "kv: no store configured" {
		t.Fatalf("no store: %q", got)
	}
}

func TestHTTPModule(t *testing.T) {
	slow := make(chan struct{})
	defer close(slow)
	slowEnded := make(chan struct{}, 16)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "yes")
		fmt.Fprintf(w, "%s %s %s", r.Method, r.Header.Get("X-Token"), r.URL.RawQuery)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(201)
		w.Write(b)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", MaxString+10)))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-slow:
		case <-r.Context().Done():
			slowEnded <- struct{}{}
		}
	})
	mux.HandleFunc("/redirect-away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://other.example.com/", http.StatusFound)
	})
	mux.HandleFunc("/redirect-home", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hello?from=redirect", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	base := srv.URL
	o := Options{HTTPAllow: []string{u.Host}}

	for _, tc := range []struct{ body, want string }{
		{`local r = http.get("BASE/hello?q=1", {headers = {["X-Token"] = "t"}}) return r.status .. " " .. r.body .. " " .. r.headers["X-Test"]`, "200 GET t q=1 yes"},
		{`local r = http.post("BASE/echo", '{"a":1}', {headers = {["Content-Type"] = "application/json"}}) return r.status .. r.body`, `201{"a":1}`},
		{`local r, err = http.get("BASE/big") return err`, "http.get: response body larger than 1048576 bytes"},
		{`local r, err = http.get("BASE/slow", {timeout = 0.1}) return err`, "deadline exceeded"},
		{`local r, err = http.get("BASE/redirect-away") return err`, "redirect to another host"},
		{`local r = http.get("BASE/redirect-home") return r.body`, "GET  from=redirect"},
		{`local r, err = http.get("http://localhost:1/") return err`, "not in the allow list"},
		{`local r, err = http.get("file:///etc/passwd") return err`, "want http or https"},
		{`return tostring(pcall(http.get, "BASE/hello", {timeout = "x"}))`, "false"},
		{`return tostring(pcall(http.get, "BASE/hello", {tiemout = 1}))`, "false"},
	} {
		body := strings.ReplaceAll(tc.body, "BASE", base)
		if got := eval(t, o, body); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
	// No allow list: no http at all.
	if got := eval(t, Options{}, `local r, err = http.get("`+base+`/hello") return err`); !strings.Contains(got, "no host allowed") {
		t.Errorf("no allow list: %q", got)
	}
	// The request gets the remaining budget at most.
	e := buildEngine(t, map[string]string{DialPlanFile: fmt.Sprintf(evalPrelude, `local r, err = http.get("`+base+`/slow") return err`)}, o)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for len(slowEnded) > 0 {
		<-slowEnded
	}
	_, err := e.Route(ctx, hook.RouteRequest{To: "1002"})
	wantErr(t, err, ErrBudget)
	select {
	case <-slowEnded: // the request was cut at the hook's deadline
	case <-time.After(10 * time.Second):
		t.Fatal("the http request outlived the hook's budget")
	}
}

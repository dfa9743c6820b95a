package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

func TestRoutesAPI(t *testing.T) {
	srv, st := billingServerStore(t)
	if err := st.PutTrunk(store.Trunk{Name: "t1", Kind: store.TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	// The rules' destinations exist first (extension 1001 does).
	if err := st.PutQueue(store.Queue{Number: "8000"}); err != nil {
		t.Fatal(err)
	}
	// Inbound: create, read back, list.
	uk := `{"trunks":["t1"],"did":"00442012345670","caller_mask":"0044********","destination":{"kind":"queue","target":"8000"}}`
	code, body := do(t, srv, "PUT", "/api/v1/routes/inbound/uk", uk)
	if code != 200 || !strings.Contains(body, `"name":"uk"`) || !strings.Contains(body, `"created_at"`) {
		t.Fatalf("put inbound: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/routes/inbound/uk", ""); code != 200 || !strings.Contains(body, `"caller_mask":"0044********"`) {
		t.Fatalf("get inbound: %d %s", code, body)
	}
	// An overlapping rule: 409 naming the other.
	london := `{"did":"00442012345670","caller_mask":"004420******","destination":{"kind":"extension","target":"1001"}}`
	if code, body := do(t, srv, "PUT", "/api/v1/routes/inbound/london", london); code != 409 || !strings.Contains(body, "inbound rule uk") {
		t.Fatalf("overlap: %d %s", code, body)
	}
	// Bad fields: 400 with the field.
	for _, tc := range []struct{ path, body, field string }{
		{"/api/v1/routes/inbound/x", `{"trunks":["nope"],"did":"1","destination":{"kind":"hangup"}}`, "trunks[0]"},
		{"/api/v1/routes/inbound/x", `{"did":"1-2","destination":{"kind":"hangup"}}`, "did"},
		{"/api/v1/routes/inbound/x", `{"did":"1","destination":{"kind":"fax","target":"1"}}`, "destination"},
		{"/api/v1/routes/inbound/x", `{"did":"1","destination":{"kind":"group","target":"600"}}`, "destination"},
		{"/api/v1/routes/inbound/x", `{"name":"y","did":"1","destination":{"kind":"hangup"}}`, "name"},
		{"/api/v1/routes/outbound/o", `{"patterns":[{"pattern":"X."}],"sources":["*"],"trunks":[]}`, "trunks"},
		{"/api/v1/routes/outbound/o", `{"patterns":[{"pattern":"9Q"}],"sources":["*"],"trunks":["t1"]}`, "patterns[0]"},
		{"/api/v1/routes/outbound/o", `{"patterns":[{"pattern":"X."}],"sources":["*"],"trunks":["t1"],"time_limit":5}`, "time_limit"},
	} {
		code, body := do(t, srv, "PUT", tc.path, tc.body)
		var e struct{ Error, Field string }
		json.Unmarshal([]byte(body), &e)
		if code != 400 || e.Field != tc.field || !strings.Contains(e.Error, tc.field) {
			t.Fatalf("%s %s: %d %s, want 400 on %s", tc.path, tc.body, code, body, tc.field)
		}
	}
	if code, body := do(t, srv, "PUT", "/api/v1/routes/inbound/x", `{"did":"1","colour":"red"}`); code != 400 || !strings.Contains(body, "colour") {
		t.Fatalf("unknown field: %d %s", code, body)
	}
	// Outbound: defaults filled in the answer.
	out := `{"patterns":[{"prefix":"9","pattern":"NXXXXXX","prepend":"030"}],"sources":["100"],"trunks":["t1"]}`
	if code, body := do(t, srv, "PUT", "/api/v1/routes/outbound/local", out); code != 200 || !strings.Contains(body, `"method":"linear"`) || !strings.Contains(body, `"caller_id":"extension"`) {
		t.Fatalf("put outbound: %d %s", code, body)
	}
	code, body = do(t, srv, "GET", "/api/v1/routes/outbound", "")
	var outs []store.OutboundRule
	if err := json.Unmarshal([]byte(body), &outs); code != 200 || err != nil || len(outs) != 1 || outs[0].Patterns[0].Prepend != "030" {
		t.Fatalf("list outbound: %d %s", code, body)
	}
	// A trunk in use cannot go: 409 naming the rule.
	if code, body := do(t, srv, "DELETE", "/api/v1/trunks/t1", ""); code != 409 || !strings.Contains(body, "inbound rule uk") {
		t.Fatalf("delete trunk in use: %d %s", code, body)
	}
	// Deletes, then 404s.
	for _, p := range []string{"/api/v1/routes/inbound/uk", "/api/v1/routes/outbound/local"} {
		if code, body := do(t, srv, "DELETE", p, ""); code != 204 {
			t.Fatalf("delete %s: %d %s", p, code, body)
		}
		if code, _ := do(t, srv, "DELETE", p, ""); code != 404 {
			t.Fatalf("delete %s twice: %d", p, code)
		}
		if code, _ := do(t, srv, "GET", p, ""); code != 404 {
			t.Fatalf("get %s after delete: %d", p, code)
		}
	}
	if code, body := do(t, srv, "GET", "/api/v1/routes/inbound", ""); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("empty list: %d %s", code, body)
	}
}

package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

func TestPINSetRoutes(t *testing.T) {
	srv, st := billingServerStore(t)
	// The secret PINs of this test: no answer may show them unless asked.
	secret := []string{"48151623", "42424242", "9182736450"}
	hides := func(what, body string) {
		t.Helper()
		for _, p := range secret {
			if strings.Contains(body, p) {
				t.Fatalf("%s: shows the PIN %s: %s", what, p, body)
			}
		}
	}
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/api/v1/pinsets/staff", `{"description": "sales", "pins": [{"pin": "48151623", "label": "alice"}, {"pin": "42424242"}]}`, 200, `"pin":"******23","label":"alice"`},
		{"GET", "/api/v1/pinsets/staff", "", 200, `"pin":"******42"`},
		{"GET", "/api/v1/pinsets", "", 200, `"description":"sales"`},
		{"POST", "/api/v1/pinsets/staff/pins", `{"pin": "9182736450", "label": "bob"}`, 204, ""},
		{"POST", "/api/v1/pinsets/staff/pins", `{"pin": "9182736450"}`, 409, "already"},
		{"POST", "/api/v1/pinsets/staff/pins", `{"pin": "12"}`, 400, `"field":"pin"`},
		{"POST", "/api/v1/pinsets/staff/pins", `{"pin": "1234", "label": "a\u0007"}`, 400, `"field":"label"`},
		{"POST", "/api/v1/pinsets/staff/pins", `{"pn": "1234"}`, 400, "unknown field"},
		{"POST", "/api/v1/pinsets/nobody/pins", `{"pin": "1234"}`, 404, "not found"},
		{"POST", "/api/v1/pinsets/staff/pins/remove", `{"pin": "42424242"}`, 204, ""},
		{"POST", "/api/v1/pinsets/staff/pins/remove", `{"pin": "42424242"}`, 404, "not found"},
		// Leaving "pins" out keeps them: a client that saw them masked can
		// still change the description.
		{"PUT", "/api/v1/pinsets/staff", `{"description": "sales team"}`, 200, `"pin":"********50","label":"bob"`},
		{"PUT", "/api/v1/pinsets/staff", `{"pins": [{"pin": "******50"}]}`, 400, `"field":"pins[0]"`},
		{"PUT", "/api/v1/pinsets/staff", `{"pins": []}`, 400, `"field":"pins"`},
		{"PUT", "/api/v1/pinsets/staff", `{"pins": [{"pin": "48151623"}, {"pin": "48151623"}]}`, 400, `"field":"pins[1]"`},
		{"PUT", "/api/v1/pinsets/staff", `{"name": "other", "pins": [{"pin": "1234"}]}`, 400, `"field":"name"`},
		{"PUT", "/api/v1/pinsets/staff", `{"pins": [{"pin": "1234"}], "colour": "red"}`, 400, "unknown field"},
		{"PUT", "/api/v1/pinsets/a%20b", `{"pins": [{"pin": "1234"}]}`, 400, `"field":"name"`},
		{"PUT", "/api/v1/pinsets/new", `{"description": "no pins"}`, 400, `"field":"pins"`},
		{"PUT", "/api/v1/pinsets/new", `[`, 400, "invalid JSON"},
		{"GET", "/api/v1/pinsets/nobody", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
		hides(c.method+" "+c.path, body)
	}
	// ?reveal=1 shows them.
	code, body := do(t, srv, "GET", "/api/v1/pinsets/staff?reveal=1", "")
	var p store.PINSet
	if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil || p.Description != "sales team" || len(p.PINs) != 2 ||
		p.PINs[0] != (store.PIN{PIN: "48151623", Label: "alice"}) || p.PINs[1] != (store.PIN{PIN: "9182736450", Label: "bob"}) {
		t.Fatalf("reveal: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/pinsets?reveal=true", ""); code != 200 || !strings.Contains(body, "9182736450") {
		t.Fatalf("list reveal: %d %s", code, body)
	}
	// The last PIN cannot go.
	do(t, srv, "POST", "/api/v1/pinsets/staff/pins/remove", `{"pin": "48151623"}`)
	if code, body := do(t, srv, "POST", "/api/v1/pinsets/staff/pins/remove", `{"pin": "9182736450"}`); code != 400 || !strings.Contains(body, "last PIN") {
		t.Fatalf("last PIN: %d %s", code, body)
	}
	// A rule asking for the set: it cannot go (409 naming the rule), and a
	// rule naming a missing set is a 400 on pin_set.
	if err := st.PutTrunk(store.Trunk{Name: "t1", Kind: store.TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	rule := `{"patterns":[{"pattern":"00."}],"sources":["*"],"trunks":["t1"],"pin_set":"%s"}`
	if code, body := do(t, srv, "PUT", "/api/v1/routes/outbound/intl", strings.Replace(rule, "%s", "nobody", 1)); code != 400 || !strings.Contains(body, `"field":"pin_set"`) {
		t.Fatalf("rule with a missing set: %d %s", code, body)
	}
	if code, body := do(t, srv, "PUT", "/api/v1/routes/outbound/intl", strings.Replace(rule, "%s", "staff", 1)); code != 200 {
		t.Fatalf("rule: %d %s", code, body)
	}
	if code, body := do(t, srv, "DELETE", "/api/v1/pinsets/staff", ""); code != 409 || !strings.Contains(body, "outbound rule intl") {
		t.Fatalf("delete in use: %d %s", code, body)
	}
	do(t, srv, "DELETE", "/api/v1/routes/outbound/intl", "")
	if code, body := do(t, srv, "DELETE", "/api/v1/pinsets/staff", ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := do(t, srv, "DELETE", "/api/v1/pinsets/staff", ""); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}
	if code, body := do(t, srv, "GET", "/api/v1/pinsets", ""); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("empty list: %d %s", code, body)
	}
}

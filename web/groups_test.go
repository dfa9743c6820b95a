package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

func TestGroupRoutes(t *testing.T) {
	srv := billingServer(t) // extensions 1001 and 1002
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"GET", "/api/v1/groups", "", 200, "[]"},
		{"POST", "/api/v1/groups", `{"number": "300", "name": "Sales", "members": ["1001", "1002"]}`, 201, `"strategy":"ringall","ring_time":20`},
		{"POST", "/api/v1/groups", `{"number": "300", "members": ["1001"]}`, 409, "exists"},
		{"POST", "/api/v1/groups", `{"number": "301", "strategy": "hunt", "members": ["1001", "1009"]}`, 400, `"field":"members[1]"`},
		{"POST", "/api/v1/groups", `{"number": "1001", "members": ["1002"]}`, 400, `"field":"number"`},
		{"POST", "/api/v1/groups", `{"number": "301", "strategy": "paging", "members": ["1001"]}`, 400, `"field":"strategy"`},
		{"POST", "/api/v1/groups", `{"number": "301", "ring_time": 1, "members": ["1001"]}`, 400, `"field":"ring_time"`},
		{"POST", "/api/v1/groups", `{"number": "301", "members": ["1001"], "no_answer": {"kind": "voicemale"}}`, 400, `"field":"no_answer"`},
		{"POST", "/api/v1/groups", `{"number": "301", "membres": ["1001"]}`, 400, "unknown field"},
		{"POST", "/api/v1/groups", `null`, 400, `"field":"number"`},
		{"POST", "/api/v1/groups", `{"number": 301}`, 400, "invalid JSON"},
		{"PUT", "/api/v1/groups/301", `{"strategy": "cyclic", "ring_time": 10, "members": ["1002", "1001"], "no_answer": {"kind": "voicemail", "target": "1001"}, "caller_id_prefix": "Support: ", "outbound_caller_id": "4930123"}`, 200, `"no_answer":{"kind":"voicemail","target":"1001"}`},
		{"PUT", "/api/v1/groups/301", `{"number": "302", "members": ["1001"]}`, 400, `"field":"number"`},
		{"PUT", "/api/v1/groups/3a", `{"members": ["1001"]}`, 400, `"field":"number"`},
		{"GET", "/api/v1/groups/301", "", 200, `"members":["1002","1001"]`},
		{"GET", "/api/v1/groups/309", "", 404, "not found"},
		{"GET", "/api/v1/groups/x%2F..", "", 404, "not found"},
		{"PUT", "/api/v1/routes/inbound/main", `{"did": "*", "destination": {"kind": "group", "target": "301"}}`, 200, ""},
		{"DELETE", "/api/v1/groups/301", "", 409, "inbound rule main"},
		{"DELETE", "/api/v1/extensions/1002", "", 409, "a member of ring group 300"},
		{"DELETE", "/api/v1/routes/inbound/main", "", 204, ""},
		{"DELETE", "/api/v1/groups/301", "", 204, ""},
		{"DELETE", "/api/v1/groups/301", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
	code, body := do(t, srv, "GET", "/api/v1/groups", "")
	var list []store.Group
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list) != 1 || list[0].Number != "300" || list[0].Name != "Sales" {
		t.Fatalf("list: %d %s %v", code, body, err)
	}
	// An extension may not take a group's number.
	if code, body := do(t, srv, "POST", "/api/v1/extensions", `{"number": "300", "password": "Tr0ub4dor-and-3"}`); code != 400 || !strings.Contains(body, "ring group") {
		t.Fatalf("extension 300: %d %s", code, body)
	}
}

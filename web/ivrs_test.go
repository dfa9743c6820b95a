package web

import (
	"strings"
	"testing"
)

func TestIVRRoomSettingsRoutes(t *testing.T) {
	srv := billingServer(t) // extensions 1001 and 1002
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"GET", "/api/v1/ivrs", "", 200, "[]"},
		{"POST", "/api/v1/ivrs", `{"number": "5000", "name": "Main", "prompts": ["ivr/welcome"], "keys": {"1": {"kind": "extension", "target": "1002"}, "2": {"kind": "url", "target": "http://127.0.0.1/x"}}}`, 201, `"timeout":5,"inter_digit":2,"loops":3`},
		{"POST", "/api/v1/ivrs", `{"number": "5000"}`, 409, "exists"},
		{"POST", "/api/v1/ivrs", `{"number": "1001"}`, 400, `"field":"number"`},
		{"POST", "/api/v1/ivrs", `{"number": "5001", "keys": {"1": {"kind": "extension", "target": "1999"}}}`, 400, `"field":"keys.1"`},
		{"POST", "/api/v1/ivrs", `{"number": "5001", "keys": {"x": {"kind": "hangup"}}}`, 400, `"field":"keys"`},
		{"POST", "/api/v1/ivrs", `{"number": "5001", "loops": 99}`, 400, `"field":"loops"`},
		{"POST", "/api/v1/ivrs", `{"number": "5001", "when_closed": {"time_condition": "nope", "ivr": "5000"}}`, 400, `"field":"when_closed.time_condition"`},
		{"POST", "/api/v1/ivrs", `{"number": "5001", "keyz": {}}`, 400, "unknown field"},
		{"PUT", "/api/v1/ivrs/5001", `{"number": "5002"}`, 400, `"field":"number"`},
		{"PUT", "/api/v1/ivrs/5001", `{"name": "Closed", "on_timeout": {"kind": "hangup"}}`, 200, `"on_timeout":{"kind":"hangup"}`},
		{"GET", "/api/v1/ivrs/5000", "", 200, `"keys":{"1":{"kind":"extension","target":"1002"}`},
		{"GET", "/api/v1/ivrs/5009", "", 404, "not found"},
		{"DELETE", "/api/v1/extensions/1002", "", 409, "ivr 5000"},
		{"POST", "/api/v1/extensions", `{"number": "5000", "password": "Tr0ub4dor-and-3"}`, 400, "an IVR"},
		{"POST", "/api/v1/rooms", `{"number": "8001", "pin": "1234", "admin_pin": "4321", "wait_leader": true}`, 201, `"wait_leader":true`},
		{"POST", "/api/v1/rooms", `{"number": "8001"}`, 409, "exists"},
		{"POST", "/api/v1/rooms", `{"number": "5000"}`, 400, "an IVR"},
		{"POST", "/api/v1/rooms", `{"number": "8002", "pin": "12ab"}`, 400, `"field":"pin"`},
		{"PUT", "/api/v1/ivrs/5001", `{"keys": {"8": {"kind": "conference", "target": "8001"}}}`, 200, ""},
		{"DELETE", "/api/v1/rooms/8001", "", 409, "ivr 5001"},
		{"GET", "/api/v1/rooms", "", 200, `"number":"8001"`},
		{"GET", "/api/v1/settings", "", 200, "{}"},
		{"PUT", "/api/v1/settings", `{"operator": "1999"}`, 400, `"field":"operator"`},
		{"PUT", "/api/v1/settings", `{"voicemail": {"max_seconds": 1}}`, 400, `"field":"voicemail.max_seconds"`},
		{"PUT", "/api/v1/settings", `{"operator": "1001", "block_anonymous": true, "voicemail": {"max_seconds": 120}}`, 200, `"operator":"1001","block_anonymous":true,"voicemail":{"max_seconds":120}`},
		{"GET", "/api/v1/settings", "", 200, `"block_anonymous":true`},
		{"DELETE", "/api/v1/ivrs/5001", "", 204, ""},
		{"DELETE", "/api/v1/rooms/8001", "", 204, ""},
		{"DELETE", "/api/v1/rooms/8001", "", 404, "not found"},
		{"DELETE", "/api/v1/ivrs/5000", "", 204, ""},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
}

// TestIVRRoomScope: tenant admins manage their tenant's IVRs and rooms
// only; operators read; settings are the admin's.
func TestIVRRoomScope(t *testing.T) {
	e := newScopeEnv(t)
	for _, c := range []struct {
		who, method, path, body string
		code                    int
		says                    string
	}{
		{"acme-admin", "POST", "/api/v1/ivrs", `{"number": "5600", "keys": {"1": {"kind": "extension", "target": "2001"}}}`, 201, `"tenant":"acme"`},
		{"acme-admin", "POST", "/api/v1/ivrs", `{"number": "5601", "keys": {"1": {"kind": "extension", "target": "3001"}}}`, 400, `"field":"keys.1"`},
		{"acme-admin", "POST", "/api/v1/ivrs", `{"number": "5602", "tenant": "globex"}`, 403, `"field":"tenant"`},
		{"globex-admin", "POST", "/api/v1/rooms", `{"number": "8700"}`, 201, `"tenant":"globex"`},
		{"globex-admin", "GET", "/api/v1/ivrs/5600", "", 404, ""},
		{"globex-admin", "DELETE", "/api/v1/ivrs/5600", "", 404, ""},
		{"acme-admin", "GET", "/api/v1/rooms/8700", "", 404, ""},
		{"acme-op", "GET", "/api/v1/ivrs/5600", "", 200, `"number":"5600"`},
		{"acme-op", "PUT", "/api/v1/ivrs/5600", `{}`, 403, ""},
		{"op", "GET", "/api/v1/rooms/8700", "", 200, ""},
		// Room PINs are secrets: the tenant admin sees them, an operator only that they are set.
		{"globex-admin", "PUT", "/api/v1/rooms/8700", `{"pin": "2468", "admin_pin": "1357"}`, 200, `"pin":"2468","admin_pin":"1357"`},
		{"op", "GET", "/api/v1/rooms/8700", "", 200, `"pin":"********","admin_pin":"********"`},
		{"globex-admin", "GET", "/api/v1/rooms/8700", "", 200, `"pin":"2468"`},
		{"op", "GET", "/api/v1/settings", "", 200, ""},
		{"op", "PUT", "/api/v1/settings", `{}`, 403, ""},
		{"acme-admin", "PUT", "/api/v1/settings", `{}`, 403, ""},
		{"globex-sv", "GET", "/api/v1/ivrs", "", 403, ""},
		{"admin", "PUT", "/api/v1/settings", `{"block_anonymous": false}`, 200, `"block_anonymous":false`},
	} {
		code, body := e.do(t, c.who, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s %s: %d %s, want %d and %q", c.who, c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
	if got := e.list(t, "acme-admin", "/api/v1/ivrs", "", "number"); strings.Join(got, ",") != "5600" {
		t.Errorf("acme's IVRs: %v", got)
	}
	if got := e.list(t, "acme-admin", "/api/v1/rooms", "", "number"); len(got) != 0 {
		t.Errorf("acme's rooms: %v", got)
	}
	if got := e.list(t, "admin", "/api/v1/rooms", "", "number"); strings.Join(got, ",") != "8700" {
		t.Errorf("all rooms: %v", got)
	}
	if _, body := e.do(t, "op", "GET", "/api/v1/rooms", ""); strings.Contains(body, "2468") || !strings.Contains(body, `"pin":"********"`) {
		t.Errorf("an operator's room list shows the PIN: %s", body)
	}
}

package web

import (
	"strings"
	"testing"
)

func TestTrunkRoutes(t *testing.T) {
	srv := billingServer(t)
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/api/v1/trunks/upstream", `{"kind": "register", "host": "sip.example.net", "username": "4930123", "password": "s3cret"}`, 200, `"password_set":true`},
		{"PUT", "/api/v1/trunks/upstream", `{"kind": "register", "host": "sip.example.net", "username": "4930123", "max_calls": 4}`, 200, `"max_calls":4`},
		{"GET", "/api/v1/trunks", "", 200, `"password_set":true`},
		{"PUT", "/api/v1/trunks/gw", `{"kind": "ip", "host": "192.0.2.1", "ips": ["nonsense"]}`, 400, "ips[0]"},
		{"PUT", "/api/v1/trunks/gw", `{"kind": "ip", "hots": "192.0.2.1"}`, 400, "unknown field"},
		{"PUT", "/api/v1/trunks/a%20b", `{"kind": "ip", "host": "192.0.2.1", "ips": ["192.0.2.1"]}`, 400, "name"},
		{"DELETE", "/api/v1/trunks/upstream", "", 204, ""},
		{"DELETE", "/api/v1/trunks/upstream", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
		if strings.Contains(body, "s3cret") {
			t.Errorf("%s %s: the answer shows the password", c.method, c.path)
		}
	}
}

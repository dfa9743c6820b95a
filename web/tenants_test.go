package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

func TestTenantRoutes(t *testing.T) {
	srv := billingServer(t)
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/api/v1/trunks/up", `{"kind": "ip", "host": "192.0.2.1", "ips": ["192.0.2.1"]}`, 200, `"name":"up"`},
		{"PUT", "/api/v1/trunks/gw", `{"kind": "ip", "host": "192.0.2.2", "ips": ["192.0.2.2"]}`, 200, `"name":"gw"`},
		{"GET", "/api/v1/tenants", "", 200, "[]"},
		{"PUT", "/api/v1/tenants/acme", `{"domain": "Acme.Example.com", "trunks": [{"trunk": "up", "did_pool": "44*****; 12000-12999"}, {"trunk": "gw", "did_pool": "*"}]}`, 200,
			`"domain":"acme.example.com","trunks":[{"trunk":"up","did_pool":"44*****;12000-12999"},{"trunk":"gw","did_pool":"*"}]`},
		{"PUT", "/api/v1/tenants/beta", `{"domain": "beta.example.com", "trunks": [{"trunk": "up", "did_pool": "12500-12599"}]}`, 409, "tenant acme's pool 44*****;12000-12999: both hold DID 12500"},
		{"PUT", "/api/v1/tenants/beta", `{"domain": "beta.example.com", "trunks": [{"trunk": "gw", "did_pool": "5"}]}`, 409, "tenant acme"},
		{"PUT", "/api/v1/tenants/beta", `{"domain": "acme.example.com"}`, 409, "domain acme.example.com is tenant acme's"},
		{"PUT", "/api/v1/tenants/beta", `{"domain": "beta.example.com", "trunks": [{"trunk": "up", "did_pool": "13000-13999"}, {"trunk": "gw"}]}`, 200, `"name":"beta"`},
		{"PUT", "/api/v1/tenants/gamma", `{"domain": "192.0.2.9"}`, 400, `"field":"domain"`},
		{"PUT", "/api/v1/tenants/gamma", `{"domain": "gamma.example.com", "trunks": [{"trunk": "nope"}]}`, 400, `"field":"trunks[0].trunk"`},
		{"PUT", "/api/v1/tenants/gamma", `{"domain": "gamma.example.com", "trunks": [{"trunk": "up", "did_pool": "12000-22000"}]}`, 400, `"field":"trunks[0].did_pool"`},
		{"PUT", "/api/v1/tenants/gamma", `{"name": "delta", "domain": "gamma.example.com"}`, 400, `"field":"name"`},
		{"PUT", "/api/v1/tenants/a%20b", `{"domain": "gamma.example.com"}`, 400, `"field":"name"`},
		{"PUT", "/api/v1/tenants/gamma", `{"domian": "gamma.example.com"}`, 400, "unknown field"},
		{"PUT", "/api/v1/tenants/gamma", `{"domain": 7}`, 400, "invalid JSON"},
		{"PUT", "/api/v1/tenants/gamma", `null`, 400, `"field":"domain"`},
		{"GET", "/api/v1/tenants/acme", "", 200, `"name":"acme"`},
		{"GET", "/api/v1/tenants/nope", "", 404, "not found"},
		// Inbound rules of a tenant: on its trunks, inside its pools.
		{"PUT", "/api/v1/routes/inbound/a1", `{"tenant": "acme", "trunks": ["up"], "did": "13500", "destination": {"kind": "hangup"}}`, 400, `"field":"did"`},
		{"PUT", "/api/v1/routes/inbound/a1", `{"tenant": "acme", "did": "4412345", "destination": {"kind": "hangup"}}`, 400, `"field":"trunks"`},
		{"PUT", "/api/v1/routes/inbound/a1", `{"tenant": "zeta", "trunks": ["up"], "did": "4412345", "destination": {"kind": "hangup"}}`, 400, `"field":"tenant"`},
		{"PUT", "/api/v1/routes/inbound/b1", `{"tenant": "beta", "trunks": ["gw"], "did": "5", "destination": {"kind": "hangup"}}`, 400, "no DID pool on trunk gw"},
		{"PUT", "/api/v1/routes/inbound/a1", `{"tenant": "acme", "trunks": ["up", "gw"], "did": "4412345", "destination": {"kind": "hangup"}}`, 200, `"tenant":"acme"`},
		{"PUT", "/api/v1/tenants/acme", `{"domain": "acme.example.com", "trunks": [{"trunk": "up", "did_pool": "12000-12999"}]}`, 409, "inbound rule a1"},
		{"DELETE", "/api/v1/tenants/acme", "", 409, "inbound rule a1"},
		{"DELETE", "/api/v1/trunks/gw", "", 409, "inbound rule a1"},
		{"DELETE", "/api/v1/routes/inbound/a1", "", 204, ""},
		{"DELETE", "/api/v1/trunks/gw", "", 409, "tenant acme"},
		{"DELETE", "/api/v1/tenants/acme", "", 204, ""},
		{"DELETE", "/api/v1/tenants/acme", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
	code, body := do(t, srv, "GET", "/api/v1/tenants", "")
	var list []store.Tenant
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list) != 1 || list[0].Name != "beta" ||
		len(list[0].Trunks) != 2 || list[0].Trunks[1] != (store.TenantTrunk{Trunk: "gw"}) {
		t.Fatalf("list: %d %s %v", code, body, err)
	}
}

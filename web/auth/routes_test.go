package auth_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

var param = regexp.MustCompile(`\{[^}]*\}`)

// TestEveryRouteEveryRole walks the real router and calls every route as
// nobody and as each role: 401 without credentials, 403 where the policy
// denies, and neither where it allows.
func TestEveryRouteEveryRole(t *testing.T) {
	e := newEnv(t)
	if err := e.st.CreateExtension(store.Extension{Number: "201", Password: "Sip-pass-8x"}); err != nil {
		t.Fatal(err)
	}
	creds := map[string]func() req{
		auth.RoleAdmin:       func() req { return req{basic: [2]string{"admin", adminPW}} },
		auth.RoleTenantAdmin: func() req { return req{bearer: e.token(auth.RoleTenantAdmin, "acme")} },
		auth.RoleOperator:    func() req { return req{bearer: e.token(auth.RoleOperator, "")} },
		auth.RoleSupervisor:  func() req { return req{bearer: e.token(auth.RoleSupervisor, "")} },
		auth.RoleUser: func() req { // an extension logs in with its SIP password
			c, id := e.login("201", "Sip-pass-8x")
			return req{cookie: c, csrf: id.CSRF}
		},
	}
	as := map[string]req{}
	for role, f := range creds {
		as[role] = f()
	}
	type route struct{ method, pattern string }
	var routes []route
	err := chi.Walk(e.mux.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, route{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 80 {
		t.Fatalf("walked only %d routes", len(routes))
	}
	allowedSomewhere := 0
	for _, rt := range routes {
		path := strings.ReplaceAll(param.ReplaceAllString(rt.pattern, "x1"), "*", "x1")
		var body any
		if rt.method != "GET" && rt.method != "HEAD" {
			// Unknown fields: the login handler refuses it before counting a
			// failure, so the matrix cannot lock itself out.
			body = `{"_matrix": 1}`
		}
		public := auth.IsPublic(rt.method, rt.pattern)
		if r := e.do(rt.method, path, body, req{}); !public && r.code != 401 {
			t.Errorf("%s %s without credentials: %s, want 401", rt.method, rt.pattern, r)
		}
		for _, role := range auth.Roles {
			o := as[role]
			r := e.do(rt.method, path, body, o)
			allowed := auth.Allowed(role, rt.method, rt.pattern)
			refused := r.code == 401 || r.code == 403 && strings.Contains(string(r.body), "not allowed for role") ||
				r.code == 403 && strings.Contains(string(r.body), auth.CSRFHeader)
			switch {
			case allowed && refused:
				t.Errorf("%s %s as %s: %s, want it let through", rt.method, rt.pattern, role, r)
			case !allowed && r.code != 403:
				t.Errorf("%s %s as %s: %s, want 403", rt.method, rt.pattern, role, r)
			}
			if allowed && role != auth.RoleAdmin {
				allowedSomewhere++
			}
			if rt.pattern == "/api/v1/auth/logout" && o.cookie != nil { // that ended the session
				as[role] = creds[role]()
			}
		}
	}
	if allowedSomewhere < 40 {
		t.Fatalf("only %d grants to roles below admin exercised", allowedSomewhere)
	}
	t.Logf("%d routes x %d roles; handlers that hit the fake Live: %d", len(routes), len(auth.Roles), len(e.panic))
}

// TestPolicyDefaults: an unlisted route is admin-only; user reaches only
// the auth and me routes; the table names only real roles.
func TestPolicyDefaults(t *testing.T) {
	for _, role := range []string{auth.RoleTenantAdmin, auth.RoleOperator, auth.RoleSupervisor, auth.RoleUser} {
		if auth.Allowed(role, "POST", "/api/v1/something/new") || auth.Allowed(role, "GET", "") {
			t.Errorf("%s reaches an unlisted route", role)
		}
		for _, p := range []string{"/api/v1/backup", "/api/v1/restore", "/api/v1/users", "/api/v1/audit", "/api/v1/scripts/{name}"} {
			if auth.Allowed(role, "GET", p) || auth.Allowed(role, "PUT", p) || auth.Allowed(role, "POST", p) {
				t.Errorf("%s reaches %s", role, p)
			}
		}
	}
	if !auth.Allowed(auth.RoleAdmin, "POST", "/api/v1/something/new") {
		t.Error("admin refused")
	}
	if auth.Allowed(auth.RoleUser, "GET", "/api/v1/extensions") || !auth.Allowed(auth.RoleUser, "GET", "/api/v1/me") ||
		!auth.Allowed(auth.RoleUser, "GET", "/api/v1/me/voicemail") || !auth.Allowed(auth.RoleUser, "POST", "/api/v1/auth/logout") {
		t.Error("user policy")
	}
	if !auth.Allowed(auth.RoleOperator, "DELETE", "/api/v1/calls/{call_id}") || auth.Allowed(auth.RoleSupervisor, "DELETE", "/api/v1/calls/{call_id}") ||
		!auth.Allowed(auth.RoleSupervisor, "PUT", "/api/v1/queues/{number}/agents/{ext}") || auth.Allowed(auth.RoleOperator, "PUT", "/api/v1/queues/{number}/agents/{ext}") {
		t.Error("operator/supervisor grants")
	}
	if auth.Allowed(auth.RoleOperator, "GET", "/api/v1/pinsets/{name}") {
		t.Error("operators must not read PIN sets")
	}
	if auth.Allowed("", "GET", "/api/v1/auth/me") {
		t.Error("no role reaches an authenticated route")
	}
}

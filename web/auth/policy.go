package auth

import "strings"

// The role policy: one table from "METHOD pattern" (chi's route pattern)
// to the roles allowed besides admin. Admin may call every route; a route
// not listed is admin-only, so a new route is safe by default.
//
// Tenant admins get the routes that manage a tenant's things; the web
// package confines every principal with a tenant to that tenant's records
// (web/tenantscope.go: lists filtered, other tenants' records 404,
// creation forced into the tenant). Routes it cannot confine (time
// conditions, the blacklist, conferences, trunks, outbound rules, the
// dial policy: switch-wide things) are never granted to tenant_admin for
// writing.
var policy = map[string][]Role{}

// Public routes need no credentials.
var public = map[string]bool{
	"POST /api/v1/auth/login": true,
}

// Routes every authenticated principal may call; handlers check more
// (a user manages only its own tokens, for instance).
var anyRole = map[string]bool{
	"POST /api/v1/auth/logout":        true,
	"GET /api/v1/auth/me":             true,
	"PUT /api/v1/auth/password":       true,
	"GET /api/v1/auth/tokens":         true,
	"POST /api/v1/auth/tokens":        true,
	"DELETE /api/v1/auth/tokens/{id}": true,
	"GET /api/v1/me":                  true,
	"GET /api/v1/openapi.json":        true,
}

const (
	ta = RoleTenantAdmin
	op = RoleOperator
	sv = RoleSupervisor
)

func grant(roles []Role, routes ...string) {
	for _, r := range routes {
		policy[r] = append(policy[r], roles...)
	}
}

func init() {
	// Live state: operators watch and hang up; supervisors watch (a wallboard).
	grant([]Role{ta, op, sv},
		"GET /api/v1/status", "GET /api/v1/registrations", "GET /api/v1/calls",
		"GET /api/v1/events", "GET /api/v1/system", "GET /api/v1/stats/calls", "GET /api/v1/stats/hourly",
		"GET /api/v1/cdrs", "GET /api/v1/extensions", "GET /api/v1/queues",
		"GET /api/v1/queues/status", "GET /api/v1/queues/{number}",
		"GET /api/v1/queues/{number}/status", "GET /api/v1/queues/{number}/abandoned")
	grant([]Role{ta, op}, "DELETE /api/v1/calls/{call_id}", "GET /metrics")
	// Diagnostics: a call's SIP trace and OPTIONS pings (not tenant-scoped
	// yet, so not for tenant admins).
	grant([]Role{op}, "GET /api/v1/calls/{call_id}/trace", "GET /api/v1/calls/{call_id}/trace.pcap",
		"POST /api/v1/diagnostics/ping")
	// Supervisors change agent state.
	grant([]Role{ta, sv}, "PUT /api/v1/queues/{number}/agents/{ext}")
	// Operators read the configuration (not secrets: PIN sets, scripts,
	// plugins, recordings and voicemail stay with admins and tenant admins).
	grant([]Role{ta, op},
		"GET /api/v1/extensions/{number}", "GET /api/v1/tenants/{name}/usage",
		"GET /api/v1/extensions/{number}/features", "GET /api/v1/groups", "GET /api/v1/groups/{number}",
		"GET /api/v1/trunks", "GET /api/v1/routes/inbound", "GET /api/v1/routes/inbound/{name}",
		"GET /api/v1/routes/outbound", "GET /api/v1/routes/outbound/{name}",
		"GET /api/v1/tenants", "GET /api/v1/tenants/{name}", "GET /api/v1/timeconditions",
		"GET /api/v1/dialpolicy", "GET /api/v1/blacklist", "GET /api/v1/conferences",
		"GET /api/v1/billing/rates", "GET /api/v1/billing/balances", "GET /api/v1/billing/balances/{ext}")
	// IVRs and conference rooms: operators and tenant admins read (tenant
	// admins their tenant's), tenant admins manage their tenant's; the
	// switch-wide application settings are read by operators, changed by
	// admins only.
	grant([]Role{ta, op}, "GET /api/v1/ivrs", "GET /api/v1/ivrs/{number}", "GET /api/v1/rooms", "GET /api/v1/rooms/{number}")
	grant([]Role{op}, "GET /api/v1/settings")
	// The prompts an IVR can play are switch-wide and hold no secrets:
	// those who read or edit IVRs list them.
	grant([]Role{ta, op}, "GET /api/v1/prompts")
	grant([]Role{ta}, "POST /api/v1/ivrs", "PUT /api/v1/ivrs/{number}", "DELETE /api/v1/ivrs/{number}",
		"POST /api/v1/rooms", "PUT /api/v1/rooms/{number}", "DELETE /api/v1/rooms/{number}")
	// Tenant admins manage their tenant's extensions, groups, queues,
	// inbound rules, voicemail and recordings.
	grant([]Role{ta},
		"POST /api/v1/extensions", "PUT /api/v1/extensions/{number}", "DELETE /api/v1/extensions/{number}",
		"PUT /api/v1/extensions/{number}/features",
		"POST /api/v1/groups", "PUT /api/v1/groups/{number}", "DELETE /api/v1/groups/{number}",
		"POST /api/v1/queues", "PUT /api/v1/queues/{number}", "DELETE /api/v1/queues/{number}",
		"PUT /api/v1/routes/inbound/{name}", "DELETE /api/v1/routes/inbound/{name}",
		"GET /api/v1/voicemail", "GET /api/v1/voicemail/{box}", "PUT /api/v1/voicemail/{box}/pin",
		"GET /api/v1/voicemail/{box}/{id}/audio", "PUT /api/v1/voicemail/{box}/{id}",
		"DELETE /api/v1/voicemail/{box}/{id}",
		"GET /api/v1/recordings", "GET /api/v1/recordings/{id}", "GET /api/v1/recordings/{id}/audio",
		"DELETE /api/v1/recordings/{id}")
}

// Allowed reports whether role may call method on the route pattern
// (chi's, e.g. "/api/v1/extensions/{number}"). pattern "" (no route)
// is admin-only.
func Allowed(role Role, method, pattern string) bool {
	key := method + " " + pattern
	if public[key] || anyRole[key] && role != "" || role == RoleAdmin {
		return true
	}
	if method == "HEAD" { // chi serves HEAD with the GET handler
		return Allowed(role, "GET", pattern)
	}
	// The portal's routes are each principal's own things.
	if role != "" && strings.HasPrefix(pattern, "/api/v1/me/") {
		return true
	}
	if role == RoleUser {
		return false
	}
	for _, r := range policy[key] {
		if r == role {
			return true
		}
	}
	return false
}

// IsPublic reports whether the route needs no credentials.
func IsPublic(method, pattern string) bool { return public[method+" "+pattern] }

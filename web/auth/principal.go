package auth

import (
	"context"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Role names (the store's): admin, tenant_admin, operator, supervisor, user.
type Role = string

const (
	RoleAdmin       Role = store.RoleAdmin
	RoleTenantAdmin Role = store.RoleTenantAdmin
	RoleOperator    Role = store.RoleOperator
	RoleSupervisor  Role = store.RoleSupervisor
	RoleUser        Role = store.RoleUser
)

// Roles lists every role, the most powerful first.
var Roles = []Role{RoleAdmin, RoleTenantAdmin, RoleOperator, RoleSupervisor, RoleUser}

// How a principal proved who it is.
const (
	ViaSession = "session"
	ViaToken   = "token"
	ViaBasic   = "basic"
	ViaSocket  = "socket" // the control socket: no credentials, file permissions
)

// Principal is who makes a request.
type Principal struct {
	User   string `json:"user"`
	Role   Role   `json:"role"`
	Tenant string `json:"tenant"`
	Ext    string `json:"ext"`
	Via    string `json:"-"`
	// TokenID is the API token used (Via token).
	TokenID string `json:"-"`
}

type ctxKey struct{}

// From returns the request's principal, set by the middleware.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// covers reports whether a principal of role creator may hand out role r
// (an API token's, a user's it creates): never a role above its own.
func covers(creator, r Role) bool {
	switch creator {
	case RoleAdmin:
		return store.ValidRole(r)
	case RoleTenantAdmin:
		return r == RoleTenantAdmin || r == RoleOperator || r == RoleSupervisor
	case RoleOperator, RoleSupervisor:
		return r == creator
	}
	return false
}

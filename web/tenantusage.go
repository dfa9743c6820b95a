package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// TenantUsage is a tenant's use of its quotas (SPEC P11): what the tenant
// screens show as "12 / 50 extensions". A max of 0 is no limit.
type TenantUsage struct {
	Tenant        string `json:"tenant"`
	Extensions    int    `json:"extensions"`
	MaxExtensions int    `json:"max_extensions"`
	Calls         int    `json:"calls"` // in progress now; 0 without a running switch
	MaxCalls      int    `json:"max_calls"`
}

// tenantUsage answers the tenant's extensions and calls now against its
// quotas; 404 for no such tenant (or another tenant's, see tenantGate).
func (a *API) tenantUsage(w http.ResponseWriter, r *http.Request) {
	t, err := a.B.GetTenant(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	u := TenantUsage{Tenant: t.Name, MaxExtensions: t.MaxExtensions, MaxCalls: t.MaxCalls}
	es, err := a.B.ListExtensions()
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		writeErr(w, statusOf(err), err)
		return
	}
	for _, e := range es {
		if e.Tenant == t.Name {
			u.Extensions++
		}
	}
	if a.L != nil {
		u.Calls = len(scopeCalls(t.Name, a.L.Calls()))
	}
	writeJSON(w, http.StatusOK, u)
}

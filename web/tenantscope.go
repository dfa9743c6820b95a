package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
	"github.com/hookswitch/hookswitch/web/auth"
)

// Tenant scoping (SPEC P11, A2). A principal with a tenant (a tenant
// admin always, an operator or supervisor when given one) sees and changes
// only that tenant's records: lists leave the others out, a record of
// another tenant answers 404 as if absent (not 403: names of other
// tenants' things do not leak), creation forces the principal's tenant,
// and a body naming another one is a 403 naming the field. Records without
// a tenant are the switch's own: invisible to them too.
//
// Three places do it: tenantGate below (a record named in the URL), the
// list handlers (filter with scopeOf/sees) and the create/replace
// handlers (claimTenant).

// scopeOf is the tenant the request is confined to; "" for an unconfined
// principal (admin, the control socket, a tenant-less operator).
func scopeOf(r *http.Request) string {
	p, ok := auth.From(r.Context())
	if !ok || p.Role == auth.RoleAdmin {
		return ""
	}
	return p.Tenant
}

// sees reports whether scope may see a record of tenant.
func sees(scope, tenant string) bool { return scope == "" || tenant == scope }

// claimTenant makes a new or replaced record scope's: a body naming
// another tenant is refused with a 403 naming the field (the principal
// knows what it sent, so saying so leaks nothing); none takes scope's.
func claimTenant(w http.ResponseWriter, scope string, tenant *string) bool {
	if scope == "" {
		return true
	}
	if *tenant != "" && *tenant != scope {
		writeJSON(w, http.StatusForbidden, map[string]string{
			"error": fmt.Sprintf("tenant: %q is not yours: records you create or change belong to tenant %q", *tenant, scope),
			"field": "tenant"})
		return false
	}
	*tenant = scope
	return true
}

// errHidden is the 404 of a record the principal may not see.
func errHidden(kind, key string) error {
	return fmt.Errorf("%s %s: %w", kind, key, store.ErrNotFound)
}

// globalOnly are routes whose answers mix every tenant's data and that
// cannot be confined in this cut: a tenant-scoped principal gets 403.
var globalOnly = map[string]bool{
	"GET /metrics":                       true,
	"GET /api/v1/conferences":            true,
	"GET /api/v1/billing/balances":       true,
	"GET /api/v1/billing/balances/{ext}": true,
}

// owner finds the tenant of the record a route names: found false when
// there is none (the handler then answers its own 404, or creates it).
type owner func(a *API, rctx *chi.Context, r *http.Request) (tenant string, found bool)

// owners maps route patterns with a record in the URL to its owner.
var owners = map[string]owner{
	"/api/v1/extensions/{number}":          extOwner("number"),
	"/api/v1/extensions/{number}/features": extOwner("number"),
	"/api/v1/groups/{number}": func(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
		g, err := a.B.GetGroup(rctx.URLParam("number"))
		return g.Tenant, err == nil
	},
	"/api/v1/queues/{number}":              queueOwner,
	"/api/v1/ivrs/{number}":                appOwner(func(s appStore, n string) (string, error) { v, err := s.GetIVR(n); return v.Tenant, err }),
	"/api/v1/rooms/{number}":               appOwner(func(s appStore, n string) (string, error) { v, err := s.GetRoom(n); return v.Tenant, err }),
	"/api/v1/queues/{number}/status":       queueOwner,
	"/api/v1/queues/{number}/abandoned":    queueOwner,
	"/api/v1/queues/{number}/agents/{ext}": queueOwner,
	"/api/v1/routes/inbound/{name}":        inboundOwner,
	"/api/v1/tenants/{name}":               tenantOwner,
	"/api/v1/tenants/{name}/usage":         tenantOwner,
	"/api/v1/voicemail/{box}":              boxOwner,
	"/api/v1/voicemail/{box}/pin":          boxOwner,
	"/api/v1/voicemail/{box}/{id}":         boxOwner,
	"/api/v1/voicemail/{box}/{id}/audio":   boxOwner,
	"/api/v1/recordings/{id}":              recordingOwner,
	"/api/v1/recordings/{id}/audio":        recordingOwner,
	"/api/v1/calls/{call_id}":              callOwner,
	"/api/v1/calls/{call_id}/trace":        traceOwner,
	"/api/v1/calls/{call_id}/trace.pcap":   traceOwner,
}

func extOwner(param string) owner {
	return func(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
		e, err := a.B.GetExtension(rctx.URLParam(param))
		return e.Tenant, err == nil
	}
}

func queueOwner(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
	q, err := a.B.GetQueue(rctx.URLParam("number"))
	return q.Tenant, err == nil
}

func inboundOwner(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
	rule, err := a.B.GetInboundRule(rctx.URLParam("name"))
	return rule.Tenant, err == nil
}

// tenantOwner: a tenant is its own.
func tenantOwner(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
	t, err := a.B.GetTenant(rctx.URLParam("name"))
	return t.Name, err == nil
}

// boxOwner: a mailbox is its extension's; one without an extension is
// the switch's.
func boxOwner(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
	e, _ := a.B.GetExtension(rctx.URLParam("box"))
	return e.Tenant, true
}

// recordingOwner: a recording is the tenant's of the extension recorded,
// else of the other party's (see recordingTenant).
func recordingOwner(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
	if a.Rec == nil {
		return "", false
	}
	m, err := a.Rec.Get(rctx.URLParam("id"))
	if err != nil {
		return "", false
	}
	return a.recordingTenant(m), true
}

func (a *API) recordingTenant(m recording.Meta) string {
	for _, n := range [...]string{m.From, m.To} {
		if e, err := a.B.GetExtension(n); err == nil && e.Tenant != "" {
			return e.Tenant
		}
	}
	return ""
}

// callIDParam is the {call_id} of the URL, unescaped.
func callIDParam(rctx *chi.Context, r *http.Request) string {
	id := rctx.URLParam("call_id")
	if r.URL.RawPath != "" {
		if u, err := url.PathUnescape(id); err == nil {
			id = u
		}
	}
	return id
}

// traceOwner is the tenant of a call, live or ended (its CDR). A Call-ID
// neither knows (a callee leg's, or the call is still ringing into its
// CDR) is the switch's own: hidden from a tenant's principal.
func traceOwner(a *API, rctx *chi.Context, r *http.Request) (string, bool) {
	if tenant, found := callOwner(a, rctx, r); found {
		return tenant, true
	}
	page, err := a.B.SearchCDRs(store.CDRSearch{CallID: callIDParam(rctx, r), Limit: 1})
	if err == nil && len(page.CDRs) == 1 {
		return page.CDRs[0].Tenant, true
	}
	return "", true
}

func callOwner(a *API, rctx *chi.Context, r *http.Request) (string, bool) {
	if a.L == nil {
		return "", false
	}
	id := callIDParam(rctx, r)
	for _, c := range a.L.Calls() {
		if c.CallID == id {
			return c.Tenant, true
		}
	}
	return "", false
}

// tenantGate runs after authentication: for a tenant-scoped principal it
// refuses the global-only routes and answers 404 for a record of another
// tenant named in the URL. routes is the router, to find the pattern.
func (a *API) tenantGate(routes chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			scope := scopeOf(r)
			if scope == "" || a.B == nil {
				next.ServeHTTP(w, r)
				return
			}
			path := r.URL.RawPath
			if path == "" {
				path = r.URL.Path
			}
			rctx := chi.NewRouteContext()
			pattern := routes.Find(rctx, r.Method, path)
			if globalOnly[r.Method+" "+pattern] {
				writeErr(w, http.StatusForbidden, fmt.Errorf("%s %s shows every tenant's data: not for a principal of tenant %q", r.Method, pattern, scope))
				return
			}
			if own := owners[pattern]; own != nil {
				if tenant, found := own(a, rctx, r); found && tenant != scope {
					key := path[strings.LastIndexByte(strings.TrimSuffix(path, "/"), '/')+1:]
					writeErr(w, http.StatusNotFound, errHidden(strings.TrimPrefix(pattern, "/api/v1/"), key))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// scopeCalls keeps scope's calls.
func scopeCalls(scope string, cs []call.CallInfo) []call.CallInfo {
	if scope == "" {
		return cs
	}
	return keep(cs, func(c call.CallInfo) bool { return c.Tenant == scope })
}

// scopeBindings keeps the registrations of scope's extensions.
func (a *API) scopeBindings(scope string, bs []store.Binding) []store.Binding {
	if scope == "" {
		return bs
	}
	return keep(bs, func(b store.Binding) bool {
		e, err := a.B.GetExtension(b.AOR)
		return err == nil && e.Tenant == scope
	})
}

// scopeTrunks keeps the trunks scope's tenant may use.
func (a *API) scopeTrunks(scope string, ts []trunk.Report) []trunk.Report {
	if scope == "" {
		return ts
	}
	t, err := a.B.GetTenant(scope)
	if err != nil {
		return []trunk.Report{}
	}
	return keep(ts, func(r trunk.Report) bool {
		return slices.ContainsFunc(t.Trunks, func(tt store.TenantTrunk) bool { return tt.Trunk == r.Name })
	})
}

// scopeExtensions is the set of scope's extension numbers.
func (a *API) scopeExtensions(scope string) (map[string]bool, error) {
	es, err := a.B.ListExtensions()
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		return nil, err
	}
	set := map[string]bool{}
	for _, e := range es {
		if e.Tenant == scope {
			set[e.Number] = true
		}
	}
	return set, nil
}

// tenantCallsPerHour is CallsPerHour over scope's CDRs only.
func (a *API) tenantCallsPerHour(scope string, now time.Time, hours int) ([]store.HourStat, error) {
	last := now.UTC().Truncate(time.Hour)
	first := last.Add(-time.Duration(hours-1) * time.Hour)
	out := make([]store.HourStat, hours)
	for i := range out {
		out[i].Hour = first.Add(time.Duration(i) * time.Hour)
	}
	q := store.CDRSearch{Since: first, Until: last.Add(time.Hour), Tenant: scope, Limit: store.MaxCDRLimit}
	for {
		page, err := a.B.SearchCDRs(q)
		if err != nil && !errors.Is(err, store.ErrCorrupt) {
			return nil, err
		}
		for _, c := range page.CDRs {
			i := int(c.StartTime.UTC().Sub(first) / time.Hour)
			if i < 0 || i >= hours {
				continue
			}
			out[i].Calls++
			if c.Status == store.StatusAnswered {
				out[i].Answered++
			}
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// tenantRecordings is rs.List(f) over scope's recordings only: the page is
// cut after filtering, so total and offset count scope's alone.
func (a *API) tenantRecordings(rs *recording.Store, scope string, f recording.Filter) ([]recording.Meta, int, error) {
	limit, offset := f.Limit, f.Offset
	if limit == 0 {
		limit = recording.DefaultListLimit
	}
	f.Limit, f.Offset = recording.MaxListLimit, 0
	var mine []recording.Meta
	for {
		ms, _, err := rs.List(f)
		if err != nil && ms == nil {
			return nil, 0, err
		}
		for _, m := range ms {
			if a.recordingTenant(m) == scope {
				mine = append(mine, m)
			}
		}
		if len(ms) < f.Limit {
			break
		}
		f.Offset += len(ms)
	}
	total := len(mine)
	mine = mine[min(offset, total):]
	return mine[:min(limit, len(mine))], total, nil
}

// keep returns the elements of xs that f keeps, in a new slice: xs may be
// shared (a live snapshot), so it is never changed.
func keep[T any](xs []T, f func(T) bool) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if f(x) {
			out = append(out, x)
		}
	}
	return out
}

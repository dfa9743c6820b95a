package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

// appStore holds the IVRs, conference rooms and application settings
// (*store.Store). A Backend without them answers 503 on those routes.
type appStore interface {
	CreateIVR(store.IVR) error
	PutIVR(store.IVR) error
	GetIVR(string) (store.IVR, error)
	ListIVRs() ([]store.IVR, error)
	DeleteIVR(string) error
	CreateRoom(store.Room) error
	PutRoom(store.Room) error
	GetRoom(string) (store.Room, error)
	ListRooms() ([]store.Room, error)
	DeleteRoom(string) error
	GetAppSettings() (store.AppSettings, error)
	PutAppSettings(store.AppSettings) error
}

var errNoAppStore = errors.New("ivrs, rooms and settings need the store")

// apps is the app store behind a, or nil after a 503.
func (a *API) apps(w http.ResponseWriter) appStore {
	s, ok := a.B.(appStore)
	if !ok {
		writeErr(w, http.StatusServiceUnavailable, errNoAppStore)
		return nil
	}
	return s
}

// appRoutes: /api/v1/ivrs, /api/v1/rooms (rooms.go) and /api/v1/settings
// (appsettings.go).
func (a *API) appRoutes(r chi.Router) {
	ivrs := numbered[store.IVR]{a: a, kind: "an IVR", max: 64 << 10,
		example: `{"number": "5000", "prompts": ["ivr/welcome"], "keys": {"1": {"kind": "extension", "target": "1001"}}}`,
		fields:  func(v *store.IVR) (*string, *string) { return &v.Number, &v.Tenant },
		list:    func(s appStore) ([]store.IVR, error) { return s.ListIVRs() },
		get:     func(s appStore, n string) (store.IVR, error) { return s.GetIVR(n) },
		create:  func(s appStore, v store.IVR) error { return s.CreateIVR(v) },
		put:     func(s appStore, v store.IVR) error { return s.PutIVR(v) },
		del:     func(s appStore, n string) error { return s.DeleteIVR(n) }}
	ivrs.routes(r, "/api/v1/ivrs")
	rooms := numbered[store.Room]{a: a, kind: "a conference room", max: 8 << 10,
		example: `{"number": "8001", "pin": "1234", "admin_pin": "4321", "wait_leader": true}`,
		fields:  func(v *store.Room) (*string, *string) { return &v.Number, &v.Tenant },
		list:    func(s appStore) ([]store.Room, error) { return s.ListRooms() },
		get:     func(s appStore, n string) (store.Room, error) { return s.GetRoom(n) },
		create:  func(s appStore, v store.Room) error { return s.CreateRoom(v) },
		put:     func(s appStore, v store.Room) error { return s.PutRoom(v) },
		del:     func(s appStore, n string) error { return s.DeleteRoom(n) },
		// PINs are secrets, as PIN sets are: operators and supervisors
		// see that a room has one, not what it is.
		redact: func(r *http.Request, v *store.Room) {
			if p, _ := auth.From(r.Context()); p.Role == auth.RoleOperator || p.Role == auth.RoleSupervisor {
				v.PIN, v.AdminPIN = redacted(v.PIN), redacted(v.AdminPIN)
			}
		}}
	rooms.routes(r, "/api/v1/rooms")
	r.Get("/api/v1/settings", a.getAppSettings)
	r.Put("/api/v1/settings", a.putAppSettings)
}

// numbered serves a tenant-scoped store entity keyed by number, the way
// groups.go serves ring groups: list, create (201, 409 when it exists),
// get, put (create or replace, 200), delete (204, 409 while in use).
type numbered[T any] struct {
	a       *API
	kind    string // "an IVR", for errors
	example string // a valid body, for errors
	max     int64  // body size bound
	fields  func(*T) (number, tenant *string)
	list    func(appStore) ([]T, error)
	get     func(appStore, string) (T, error)
	create  func(appStore, T) error
	put     func(appStore, T) error
	del     func(appStore, string) error
	redact  func(*http.Request, *T) // nil: records are shown whole
}

// redacted hides a secret's value, keeping whether there is one.
func redacted(secret string) string {
	if secret == "" {
		return ""
	}
	return "********"
}

func (n numbered[T]) routes(r chi.Router, base string) {
	r.Get(base, n.serveList)
	r.Post(base, n.serveCreate)
	r.Get(base+"/{number}", n.serveGet)
	r.Put(base+"/{number}", n.servePut)
	r.Delete(base+"/{number}", n.serveDelete)
}

func (n numbered[T]) serveList(w http.ResponseWriter, r *http.Request) {
	s := n.a.apps(w)
	if s == nil {
		return
	}
	list, err := n.list(s)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	scope := scopeOf(r)
	list = slices.DeleteFunc(list, func(v T) bool { _, t := n.fields(&v); return !sees(scope, *t) })
	if list == nil {
		list = []T{}
	}
	if n.redact != nil {
		for i := range list {
			n.redact(r, &list[i])
		}
	}
	writeJSON(w, http.StatusOK, list)
}

// serveGet answers the record; the owners table (tenantscope.go) has
// already hidden another tenant's.
func (n numbered[T]) serveGet(w http.ResponseWriter, r *http.Request) {
	s := n.a.apps(w)
	if s == nil {
		return
	}
	n.write(w, r, s, chi.URLParam(r, "number"), http.StatusOK)
}

func (n numbered[T]) serveCreate(w http.ResponseWriter, r *http.Request) {
	s := n.a.apps(w)
	if s == nil {
		return
	}
	var v T
	if !n.read(w, r, &v) {
		return
	}
	num, tenant := n.fields(&v)
	if !claimTenant(w, scopeOf(r), tenant) {
		return
	}
	if err := n.create(s, v); err != nil {
		writeRouteErr(w, err)
		return
	}
	n.write(w, r, s, *num, http.StatusCreated)
}

func (n numbered[T]) servePut(w http.ResponseWriter, r *http.Request) {
	s := n.a.apps(w)
	if s == nil {
		return
	}
	var v T
	if !n.read(w, r, &v) {
		return
	}
	number := chi.URLParam(r, "number")
	num, tenant := n.fields(&v)
	if *num != "" && *num != number {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid number: %q in the body, %q in the URL", *num, number), "field": "number"})
		return
	}
	*num = number
	if !claimTenant(w, scopeOf(r), tenant) {
		return
	}
	if err := n.put(s, v); err != nil {
		writeRouteErr(w, err)
		return
	}
	n.write(w, r, s, number, http.StatusOK)
}

func (n numbered[T]) serveDelete(w http.ResponseWriter, r *http.Request) {
	s := n.a.apps(w)
	if s == nil {
		return
	}
	if err := n.del(s, chi.URLParam(r, "number")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// read decodes a record strictly (an unknown field is a 400).
func (n numbered[T]) read(w http.ResponseWriter, r *http.Request, v *T) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, n.max))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid JSON: want %s, e.g. %s: %w", n.kind, n.example, err))
		return false
	}
	return true
}

func (n numbered[T]) write(w http.ResponseWriter, r *http.Request, s appStore, number string, code int) {
	v, err := n.get(s, number)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	if n.redact != nil {
		n.redact(r, &v)
	}
	writeJSON(w, code, v)
}

// appOwner finds the tenant of an IVR or room for the owners table
// (tenantscope.go).
func appOwner(get func(appStore, string) (string, error)) owner {
	return func(a *API, rctx *chi.Context, _ *http.Request) (string, bool) {
		s, ok := a.B.(appStore)
		if !ok {
			return "", false
		}
		t, err := get(s, rctx.URLParam("number"))
		return t, err == nil
	}
}

// Package web serves hookswitch over HTTP. For now: the admin REST API that
// the CLI and scripts use, on a TCP address (admin credential required) and
// on a unix socket in the data directory (file permissions are the check).
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web/auth"
	"github.com/hookswitch/hookswitch/web/logring"
)

// Backend is what the API reads and changes.
type Backend interface {
	CreateExtension(e store.Extension) error
	ListExtensions() ([]store.Extension, error)
	DeleteExtension(number string) error
	GetExtension(number string) (store.Extension, error)
	UpdateExtension(e store.Extension) error
	UpdateFeatures(number string, fn func(*store.Features) error) (store.Features, error)
	Block(number, by string) error
	Unblock(number string) error
	Blacklist() ([]store.Blocked, error)
	PutTimeCondition(c *timecond.Condition) error
	GetTimeCondition(name string) (store.TimeCondition, error)
	ListTimeConditions() ([]store.TimeCondition, error)
	DeleteTimeCondition(name string) error
	SetOverride(name string, ov timecond.Override) error
	PutInboundRule(r store.InboundRule) error
	GetInboundRule(name string) (store.InboundRule, error)
	ListInboundRules() ([]store.InboundRule, error)
	DeleteInboundRule(name string) error
	PutOutboundRule(r store.OutboundRule) error
	GetOutboundRule(name string) (store.OutboundRule, error)
	ListOutboundRules() ([]store.OutboundRule, error)
	DeleteOutboundRule(name string) error
	PutTrunk(t store.Trunk) error
	GetTrunk(name string) (store.Trunk, error)
	ListTrunks() ([]store.Trunk, error)
	DeleteTrunk(name string) error
	PutTenant(t store.Tenant) error
	GetTenant(name string) (store.Tenant, error)
	ListTenants() ([]store.Tenant, error)
	DeleteTenant(name string) error
	PutPINSet(p store.PINSet) error
	GetPINSet(name string) (store.PINSet, error)
	ListPINSets() ([]store.PINSet, error)
	DeletePINSet(name string) error
	AddPIN(set string, p store.PIN) error
	RemovePIN(set, pin string) error
	CreateGroup(g store.Group) error
	PutGroup(g store.Group) error
	GetGroup(number string) (store.Group, error)
	ListGroups() ([]store.Group, error)
	DeleteGroup(number string) error
	CreateQueue(q store.Queue) error
	PutQueue(q store.Queue) error
	GetQueue(number string) (store.Queue, error)
	ListQueues() ([]store.Queue, error)
	DeleteQueue(number string) error
	ListQueueAgents() ([]store.QueueAgentState, error)
	DialPolicy() (store.DialPolicy, error)
	SetDialPolicy(p store.DialPolicy) error
	ListCDRs(q store.CDRQuery) ([]store.CDR, error)
	SearchCDRs(q store.CDRSearch) (store.CDRPage, error)
	CallsPerHour(now time.Time, hours int) ([]store.HourStat, error)
	BillingStore
}

// Live is the running switch's state, for status and registrations.
type Live interface {
	Bindings() []store.Binding
	ActiveCalls() int
	Forget(aor string) // an extension was deleted
	// ReloadScripts builds and swaps a new scripts generation.
	ReloadScripts() (generation uint64, err error)
	ScriptGeneration() uint64
	WriteMetrics(w io.Writer) // Prometheus text format
	// AddPlugin validates a Wasm plugin, installs it under name and
	// reloads; on error nothing changed.
	AddPlugin(name string, bin []byte) (generation uint64, err error)
	// Plugins describes the plugins the switch loads.
	Plugins() ([]plugins.Info, error)
	// Calls lists the calls in progress; Hangup ends one by its Call-ID
	// (false: no such call). See web/live.go.
	Calls() []call.CallInfo
	Hangup(callID string) bool
}

// maxPluginUpload bounds an uploaded plugin (wasm.MaxPluginSize).
const maxPluginUpload = 64 << 20

// API is the REST handler.
type API struct {
	B    Backend
	L    Live
	Auth func(user, password string) bool // the admin credential; nil: no authentication (unix socket)
	// Authn authenticates, authorizes and audits; nil: Handler makes one
	// from Auth and B (when B is the store). Share one between handlers
	// so that they share sessions.
	Authn *auth.Service
	VM    *voicemail.Store // nil: the voicemail routes answer 503
	Rec   *recording.Store // nil: the recordings routes answer 503
	// Rooms are the live conferences; nil: the conference routes answer 503.
	Rooms Conferences
	// TrunkCtl is the running switch's trunks; nil: no live state.
	TrunkCtl TrunkControl
	// Queues are the live call queues; nil: their live routes answer 503.
	Queues QueueControl
	// PhoneURL is where the user portal links to the web phone: a URL, or
	// ":PORT" for https://HOST:PORT/phone/ on the host the browser used;
	// "": no link (web/portal.go).
	PhoneURL string
	// Logs are the switch's recent log records; nil: the logs routes
	// answer 503 (web/logs.go).
	Logs *logring.Ring
	// Schedule writes the scheduled backups; nil: none (web/backupsched.go).
	Schedule *BackupSchedule
	// Regs samples the registrations per hour for the statistics; nil:
	// none (web/stats.go).
	Regs *HourSampler
	// Diag is the switch's SIP stack: call traces and pings (web/trace.go,
	// web/diagnostics.go); nil: those routes answer 503.
	Diag Diagnostics
	// PromptsDir is the data dir's prompts directory, whose files override
	// and add to the shipped prompts; "": the shipped ones only
	// (web/prompts.go).
	PromptsDir string
}

// Handler returns the router.
func (a *API) Handler() http.Handler {
	r := chi.NewRouter()
	authn := a.Authn
	if authn == nil {
		us, _ := a.B.(auth.Store) // users, tokens and audit when B is the store
		authn = auth.New(auth.Config{Store: us, Admin: a.Auth, Open: a.Auth == nil})
	}
	r.Use(authn.Middleware(r)) // authentication, role policy, CSRF, audit (web/auth)
	r.Use(a.tenantGate(r))     // a tenant's principals see only its records (tenantscope.go)
	authn.Routes(r)
	r.Get("/api/v1/status", a.status)
	r.Get("/api/v1/extensions", a.listExt)
	r.Post("/api/v1/extensions", a.addExt)
	r.Get("/api/v1/extensions/{number}", a.getExt)
	r.Put("/api/v1/extensions/{number}", a.putExt) // extension.go
	r.Delete("/api/v1/extensions/{number}", a.delExt)
	r.Get("/api/v1/registrations", a.regs)
	a.liveRoutes(r) // calls, events, system, stats, cdrs (web/live.go)

	a.traceRoutes(r)       // SIP trace of a call (web/trace.go)
	a.diagnosticsRoutes(r) // ping (web/diagnostics.go)
	a.scriptRoutes(r)
	a.backupRoutes(r)
	a.scheduledBackupRoutes(r) // web/backupsched.go
	a.logRoutes(r)             // web/logs.go
	a.statsRoutes(r)           // hourly statistics (web/stats.go)
	r.Get("/api/v1/plugins", a.listPlugins)
	r.Post("/api/v1/plugins", a.addPlugin)
	a.pluginRoutes(r) // delete, history, rollback (web/plugins.go)
	a.billingRoutes(r)
	a.voicemailRoutes(r)
	a.recordingRoutes(r)
	a.conferenceRoutes(r)
	a.blacklistRoutes(r)
	a.timecondRoutes(r)
	a.routeRoutes(r)
	a.trunkRoutes(r)
	a.tenantRoutes(r)
	a.pinSetRoutes(r)
	a.groupRoutes(r)
	a.queueRoutes(r)
	a.appRoutes(r)    // IVRs, conference rooms, settings (web/ivrs.go, appsettings.go)
	a.portalRoutes(r) // the user portal's /api/v1/me/... (web/portal.go)
	r.Get("/api/v1/prompts", a.listPrompts)
	r.Get("/api/v1/dialpolicy", a.getDialPolicy)
	r.Put("/api/v1/dialpolicy", a.putDialPolicy)
	r.Get("/api/v1/extensions/{number}/features", a.getFeatures)
	r.Put("/api/v1/extensions/{number}/features", a.putFeatures)
	r.Get("/metrics", a.metrics)
	r.Get("/api/v1/openapi.json", a.openAPI) // this API's OpenAPI document (web/openapi.go)
	return r
}

// addPlugin takes a plugin as the raw body (?name=NAME.wasm) or as the
// "plugin" file of a multipart form (the name is the file's, or a "name"
// field). 200 with the new generation; 400 for a bad request; 422 with
// the reason when the plugin or the reload fails (nothing changed).
func (a *API) addPlugin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPluginUpload+1<<20)
	name := r.URL.Query().Get("name")
	var bin []byte
	var err error
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/form-data") {
		f, hdr, ferr := r.FormFile("plugin")
		if ferr != nil {
			writeErr(w, 400, fmt.Errorf("multipart upload: want a file field \"plugin\": %w", ferr))
			return
		}
		defer f.Close()
		if v := r.FormValue("name"); v != "" {
			name = v
		} else if name == "" {
			name = hdr.Filename
		}
		bin, err = io.ReadAll(f)
	} else {
		bin, err = io.ReadAll(r.Body)
	}
	if err != nil {
		writeErr(w, 400, fmt.Errorf("reading the plugin: %w", err))
		return
	}
	if !hook.ValidPluginName(name) {
		writeErr(w, 400, fmt.Errorf("name %q: want a file name such as dialplan.wasm (letters, digits, _ - .)", name))
		return
	}
	if len(bin) == 0 {
		writeErr(w, 400, errors.New("empty plugin"))
		return
	}
	gen, err := a.L.AddPlugin(name, bin)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error(), "generation": gen})
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen, "plugin": name})
}

func (a *API) listPlugins(w http.ResponseWriter, r *http.Request) {
	ps, err := a.L.Plugins()
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	if ps == nil {
		ps = []plugins.Info{} // a list, never null
	}
	writeJSON(w, 200, ps)
}

func (a *API) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	a.L.WriteMetrics(w)
}

func (a *API) status(w http.ResponseWriter, r *http.Request) {
	if scope := scopeOf(r); scope != "" {
		writeJSON(w, 200, map[string]any{"active_calls": len(scopeCalls(scope, a.L.Calls())),
			"registrations": len(a.scopeBindings(scope, a.L.Bindings()))})
		return
	}
	writeJSON(w, 200, map[string]any{"active_calls": a.L.ActiveCalls(), "registrations": len(a.L.Bindings())})
}

func (a *API) listExt(w http.ResponseWriter, r *http.Request) {
	es, err := a.B.ListExtensions()
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	scope := scopeOf(r)
	es = slices.DeleteFunc(es, func(e store.Extension) bool { return !sees(scope, e.Tenant) })
	for i := range es {
		es[i].Password = "" // listings never show secrets
	}
	writeJSON(w, 200, es)
}

func (a *API) addExt(w http.ResponseWriter, r *http.Request) {
	var e store.Extension
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		writeErr(w, 400, fmt.Errorf("invalid extension JSON: %w", err))
		return
	}
	if !claimTenant(w, scopeOf(r), &e.Tenant) {
		return
	}
	if err := store.CheckPassword(e.Number, e.Password); err != nil {
		writeRouteErr(w, err)
		return
	}
	if err := a.B.CreateExtension(e); err != nil {
		writeRouteErr(w, err) // a field error names the field (409 for a quota)
		return
	}
	e.Password = ""
	writeJSON(w, 201, e)
}

func (a *API) delExt(w http.ResponseWriter, r *http.Request) {
	n := chi.URLParam(r, "number")
	if err := a.B.DeleteExtension(n); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	a.L.Forget(n)
	w.WriteHeader(204)
}

func (a *API) regs(w http.ResponseWriter, r *http.Request) {
	bs := a.scopeBindings(scopeOf(r), a.L.Bindings())
	if bs == nil {
		bs = []store.Binding{}
	}
	writeJSON(w, 200, bs)
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 404
	case errors.Is(err, store.ErrExists):
		return 409
	case errors.Is(err, store.ErrInvalid):
		return 400
	}
	return 500
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

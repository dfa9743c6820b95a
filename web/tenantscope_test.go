package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web/auth"
)

// scopeEnv is a switch with two tenants, acme (extension 2001, group
// 600, queue 610) and globex (3001, 700, 710), and the switch's own
// extension 1001; each has a registration, a call in progress, a CDR, a
// voicemail message and a recording.
type scopeEnv struct {
	srv   *httptest.Server
	st    *store.Store
	live  *callsLive
	recs  map[string]string // the tenant ("" none) -> its recording's ID
	vmIDs map[string]string // the box -> its message's ID
	creds map[string]string // principal -> bearer token ("admin": Basic)
}

// The principals: the admin, acme's tenant admin, an operator and a
// supervisor confined to acme and to globex, and a tenant-less operator.
var scopePrincipals = []struct{ name, role, tenant string }{
	{"admin", auth.RoleAdmin, ""},
	{"acme-admin", auth.RoleTenantAdmin, "acme"},
	{"globex-admin", auth.RoleTenantAdmin, "globex"},
	{"acme-op", auth.RoleOperator, "acme"},
	{"globex-sv", auth.RoleSupervisor, "globex"},
	{"op", auth.RoleOperator, ""},
}

// scopeOwned is each tenant's numbers: extension, group, queue.
var scopeOwned = map[string][3]string{"": {"1001", "", ""}, "acme": {"2001", "600", "610"}, "globex": {"3001", "700", "710"}}

func newScopeEnv(t *testing.T) *scopeEnv {
	t.Helper()
	st := liveStore(t)
	dir := t.TempDir()
	rec, err := recording.Open(st, filepath.Join(dir, "recordings"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "voicemail"))
	if err != nil {
		t.Fatal(err)
	}
	e := &scopeEnv{st: st, live: &callsLive{fakeLive: &fakeLive{}}, recs: map[string]string{}, vmIDs: map[string]string{}, creds: map[string]string{}}
	for _, tn := range []string{"acme", "globex"} {
		if err := st.PutTenant(store.Tenant{Name: tn, Domain: tn + ".example.com", MaxExtensions: 50, MaxCalls: 4}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	ms := &mediaServer{rec: rec, vm: vm}
	var cdrs []*store.CDR
	for tn, own := range scopeOwned {
		ext := own[0]
		if err := st.CreateExtension(store.Extension{Number: ext, Tenant: tn, Password: "Secret-" + ext + "-pw"}); err != nil {
			t.Fatal(err)
		}
		if own[1] != "" {
			if err := st.CreateGroup(store.Group{Number: own[1], Tenant: tn, Members: []string{ext}}); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateQueue(store.Queue{Number: own[2], Tenant: tn, DynamicAgents: []string{ext}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.PutBinding(store.Binding{AOR: ext, Contact: "sip:" + ext + "@192.0.2.1:5060", Source: "192.0.2.1:5060",
			Transport: "udp", CallID: "reg-" + ext, CSeq: 1, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.live.regs = append(e.live.regs, store.Binding{AOR: ext, Contact: "sip:" + ext + "@192.0.2.1", Expires: now.Add(time.Hour)})
		e.live.calls = append(e.live.calls, call.CallInfo{CallID: "call-" + ext, Caller: ext, Callee: "+4930123",
			Direction: "outbound", State: call.StateTalking, StartTime: now, Tenant: tn})
		cdrs = append(cdrs, &store.CDR{CallID: "cdr-" + ext, Caller: ext, Callee: "+4930123", Direction: "outbound",
			StartTime: now.Add(-time.Minute), EndTime: now, Status: store.StatusAnswered, EndedReason: "caller_hangup", Tenant: tn})
		id, _ := ms.record(t, recording.Meta{Kind: recording.KindCall, CallID: "cdr-" + ext, From: ext, To: "+4930123"}, time.Second)
		e.recs[tn] = id
		vmRec, _ := ms.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
		m, err := vm.Deposit(ext, vmRec, "+4930555", "Caller")
		if err != nil {
			t.Fatal(err)
		}
		e.vmIDs[ext] = m.ID
	}
	if err := st.AddCDRs(cdrs); err != nil {
		t.Fatal(err)
	}
	for _, p := range scopePrincipals[1:] {
		tok, secret := auth.NewToken("t-"+p.name, p.role, p.tenant, auth.SocketUser, now, time.Time{})
		if err := st.CreateToken(tok); err != nil {
			t.Fatal(err)
		}
		e.creds[p.name] = secret
	}
	api := &API{B: st, L: e.live, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }, VM: vm, Rec: rec, TrunkCtl: liveTrunks{}}
	e.srv = httptest.NewServer(api.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func (e *scopeEnv) req(t *testing.T, who, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if who == "admin" {
		req.SetBasicAuth("admin", "pw")
	} else {
		req.Header.Set("Authorization", "Bearer "+e.creds[who])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// do sends a request as who and returns the status and body.
func (e *scopeEnv) do(t *testing.T, who, method, path, body string) (int, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(e.req(t, who, method, path, body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// list GETs path as who and returns field of each element, sorted; at
// names where the list is in the answer ("" the answer itself).
func (e *scopeEnv) list(t *testing.T, who, path, at, field string) []string {
	t.Helper()
	code, body := e.do(t, who, "GET", path, "")
	if code != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, who, code, body)
	}
	var raw any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, body)
	}
	if at != "" {
		raw = raw.(map[string]any)[at]
	}
	out := []string{}
	for _, x := range raw.([]any) {
		out = append(out, fmt.Sprint(x.(map[string]any)[field]))
	}
	sort.Strings(out)
	return out
}

// visible is what a principal of tenant should see of the per-tenant
// values of, sorted ("" tenant: every one).
func visible(tenant string, of func(tn string) string) []string {
	out := []string{}
	for tn := range scopeOwned {
		if v := of(tn); v != "" && (tenant == "" || tn == tenant) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// TestTenantScopeReads: each principal lists and reads exactly its
// tenant's records (the admin and a tenant-less operator: all), and
// another tenant's record answers 404 on every route that names it.
func TestTenantScopeReads(t *testing.T) {
	e := newScopeEnv(t)
	for _, p := range scopePrincipals {
		t.Run(p.name, func(t *testing.T) {
			ext := func(tn string) string { return scopeOwned[tn][0] }
			group := func(tn string) string { return scopeOwned[tn][1] }
			queue := func(tn string) string { return scopeOwned[tn][2] }
			lists := []struct {
				path, at, field string
				want            []string
				roles           []string // who may call it (the policy); nil: all but user
			}{
				{"/api/v1/extensions", "", "number", visible(p.tenant, ext), nil},
				{"/api/v1/registrations", "", "aor", visible(p.tenant, ext), nil},
				{"/api/v1/calls", "", "call_id", visible(p.tenant, func(tn string) string { return "call-" + ext(tn) }), nil},
				{"/api/v1/cdrs", "", "call_id", visible(p.tenant, func(tn string) string { return "cdr-" + ext(tn) }), nil},
				{"/api/v1/queues", "", "number", visible(p.tenant, queue), nil},
				{"/api/v1/groups", "", "number", visible(p.tenant, group), []string{auth.RoleAdmin, auth.RoleTenantAdmin, auth.RoleOperator}},
				{"/api/v1/tenants", "", "name", visible(p.tenant, func(tn string) string { return tn }), []string{auth.RoleAdmin, auth.RoleTenantAdmin, auth.RoleOperator}},
				{"/api/v1/voicemail", "", "box", visible(p.tenant, ext), []string{auth.RoleAdmin, auth.RoleTenantAdmin}},
				{"/api/v1/recordings", "recordings", "id", visible(p.tenant, func(tn string) string { return e.recs[tn] }), []string{auth.RoleAdmin, auth.RoleTenantAdmin}},
			}
			for _, l := range lists {
				if l.roles != nil && !slices.Contains(l.roles, p.role) {
					if code, _ := e.do(t, p.name, "GET", l.path, ""); code != 403 {
						t.Errorf("GET %s: %d, want 403 by the policy", l.path, code)
					}
					continue
				}
				if got := e.list(t, p.name, l.path, l.at, l.field); !slices.Equal(got, l.want) {
					t.Errorf("GET %s: %v, want %v", l.path, got, l.want)
				}
			}
			// Every record named in a URL: 200 when visible, 404 otherwise.
			for tn := range scopeOwned {
				want := 200
				if p.tenant != "" && tn != p.tenant {
					want = 404
				}
				x := ext(tn)
				paths := []string{"/api/v1/extensions/" + x, "/api/v1/extensions/" + x + "/features"}
				if p.role == auth.RoleAdmin || p.role == auth.RoleTenantAdmin {
					paths = append(paths, "/api/v1/voicemail/"+x, "/api/v1/recordings/"+e.recs[tn], "/api/v1/recordings/"+e.recs[tn]+"/audio",
						"/api/v1/voicemail/"+x+"/"+e.vmIDs[x]+"/audio")
				}
				if group(tn) != "" {
					paths = append(paths, "/api/v1/queues/"+queue(tn))
					if p.role != auth.RoleSupervisor {
						paths = append(paths, "/api/v1/groups/"+group(tn), "/api/v1/tenants/"+tn, "/api/v1/tenants/"+tn+"/usage")
					}
				}
				for _, path := range paths {
					if slices.Contains([]string{auth.RoleSupervisor}, p.role) && strings.HasPrefix(path, "/api/v1/extensions/") {
						continue // not granted to supervisors
					}
					if code, body := e.do(t, p.name, "GET", path, ""); code != want {
						t.Errorf("GET %s: %d, want %d: %s", path, code, want, body)
					} else if want == 404 && strings.Contains(body, tn) && !strings.HasSuffix(path, tn) && !strings.HasSuffix(path, "usage") {
						t.Errorf("GET %s: the 404 names tenant %s: %s", path, tn, body)
					}
				}
			}
			// The CSV export: the header and the visible calls only.
			code, csv := e.do(t, p.name, "GET", "/api/v1/cdrs?format=csv", "")
			if code != 200 {
				t.Fatalf("CSV: %d %s", code, csv)
			}
			var rows []string
			for _, line := range strings.Split(strings.TrimSpace(csv), "\r\n")[1:] {
				rows = append(rows, strings.Split(line, ",")[1])
			}
			sort.Strings(rows)
			if want := visible(p.tenant, func(tn string) string { return "cdr-" + ext(tn) }); !slices.Equal(rows, want) {
				t.Errorf("CSV call IDs %v, want %v", rows, want)
			}
			// The status counts only what the principal sees.
			var st struct{ ActiveCalls, Registrations int }
			_, body := e.do(t, p.name, "GET", "/api/v1/status", "")
			json.Unmarshal([]byte(strings.NewReplacer("active_calls", "ActiveCalls", "registrations", "Registrations").Replace(body)), &st)
			if n := len(visible(p.tenant, ext)); st.ActiveCalls != n || st.Registrations != n {
				t.Errorf("status %s, want %d calls and registrations", body, n)
			}
			// So do the hourly statistics (switch-wide peaks are not a tenant's).
			var hs []struct {
				Attempts  int `json:"attempts"`
				PeakCalls int `json:"peak_calls"`
				Tenants   []struct {
					Tenant string `json:"tenant"`
				} `json:"tenants"`
			}
			code, hbody := e.do(t, p.name, "GET", "/api/v1/stats/hourly?hours=2", "")
			if err := json.Unmarshal([]byte(hbody), &hs); code != 200 || err != nil {
				t.Fatalf("stats/hourly: %d %v: %s", code, err, hbody)
			}
			attempts := 0
			for _, h := range hs {
				attempts += h.Attempts
				for _, tn := range h.Tenants {
					if p.tenant != "" && tn.Tenant != p.tenant {
						t.Errorf("stats/hourly shows tenant %q to %s", tn.Tenant, p.name)
					}
				}
			}
			if n := len(visible(p.tenant, ext)); attempts != n {
				t.Errorf("stats/hourly: %d attempts, want %d: %s", attempts, n, hbody)
			}
			// Routes that mix every tenant's data are refused to a tenant's principal.
			if p.role == auth.RoleTenantAdmin || p.role == auth.RoleOperator {
				want := 200
				if p.tenant != "" {
					want = 403
				}
				if code, body := e.do(t, p.name, "GET", "/api/v1/billing/balances", ""); code != want {
					t.Errorf("billing balances: %d, want %d: %s", code, want, body)
				}
			}
		})
	}
}

// TestTenantScopeWrites: a tenant admin creates into its tenant (a body
// naming another one is a 403 naming the field), updates and deletes its
// own records, and gets 404 for another tenant's, which stay as they were.
func TestTenantScopeWrites(t *testing.T) {
	e := newScopeEnv(t)
	const ta = "acme-admin"
	check := func(method, path, body string, want int, contains string) string {
		t.Helper()
		code, out := e.do(t, ta, method, path, body)
		if code != want || !strings.Contains(out, contains) {
			t.Fatalf("%s %s: %d %s, want %d with %q", method, path, code, out, want, contains)
		}
		return out
	}
	// Extensions: create (tenant forced), read, update, refuse another tenant.
	check("POST", "/api/v1/extensions", `{"number": "2002", "password": "Open-Sesame-42"}`, 201, `"tenant":"acme"`)
	check("POST", "/api/v1/extensions", `{"number": "2003", "password": "Open-Sesame-42", "tenant": "globex"}`, 403, `"field":"tenant"`)
	if _, err := e.st.GetExtension("2003"); err == nil {
		t.Fatal("2003 created despite the 403")
	}
	out := check("PUT", "/api/v1/extensions/2002", `{"name": "Ann", "codecs": ["PCMA"], "dtmf_mode": "info", "voicemail": false}`, 200, `"name":"Ann"`)
	if !strings.Contains(out, `"tenant":"acme"`) || !strings.Contains(out, `"codecs":["PCMA"]`) || !strings.Contains(out, `"password":""`) {
		t.Errorf("updated: %s", out)
	}
	if x, _ := e.st.GetExtension("2002"); x.Password != "Open-Sesame-42" || x.DTMFMode != "info" || x.Voicemail == nil || *x.Voicemail {
		t.Errorf("stored %+v: password kept, settings set", x)
	}
	check("PUT", "/api/v1/extensions/2002", `{"tenant": "globex"}`, 403, `"field":"tenant"`)
	check("PUT", "/api/v1/extensions/2002", `{"dtmf_mode": "morse"}`, 400, `"field":"dtmf_mode"`)
	check("PUT", "/api/v1/extensions/2002", `{"password": "short"}`, 400, `"field":"password"`)
	for _, m := range []string{"PUT", "DELETE"} {
		check(m, "/api/v1/extensions/3001", `{"name": "mine now"}`, 404, "not found")
		check(m, "/api/v1/extensions/1001", `{"name": "mine now"}`, 404, "not found")
	}
	check("PUT", "/api/v1/extensions/3001/features", `{"dnd": true}`, 404, "not found")
	if x, _ := e.st.GetExtension("3001"); x.Name != "" || x.Features.DND {
		t.Errorf("globex's 3001 changed: %+v", x)
	}
	// Groups and queues: the same.
	check("POST", "/api/v1/groups", `{"number": "601", "members": ["2001"]}`, 201, `"tenant":"acme"`)
	check("POST", "/api/v1/groups", `{"number": "602", "members": ["2001"], "tenant": "globex"}`, 403, `"field":"tenant"`)
	check("PUT", "/api/v1/groups/601", `{"members": ["2001", "2002"]}`, 200, `"tenant":"acme"`)
	check("PUT", "/api/v1/groups/700", `{"members": ["2001"]}`, 404, "not found")
	check("DELETE", "/api/v1/groups/700", "", 404, "not found")
	check("DELETE", "/api/v1/groups/601", "", 204, "")
	check("POST", "/api/v1/queues", `{"number": "611", "dynamic_agents": ["2001"]}`, 201, `"tenant":"acme"`)
	check("PUT", "/api/v1/queues/710", `{"dynamic_agents": ["2001"]}`, 404, "not found")
	check("DELETE", "/api/v1/queues/710", "", 404, "not found")
	if g, err := e.st.GetGroup("700"); err != nil || g.Tenant != "globex" {
		t.Errorf("globex's group 700: %+v %v", g, err)
	}
	// Live calls: another tenant's cannot be hung up.
	check("DELETE", "/api/v1/calls/call-3001", "", 404, "not found")
	check("DELETE", "/api/v1/calls/call-2001", "", 204, "")
	if len(e.live.hung) != 1 || e.live.hung[0] != "call-2001" {
		t.Errorf("hung up %v", e.live.hung)
	}
	// Voicemail and recordings of another tenant: 404, and still there.
	check("DELETE", "/api/v1/voicemail/3001/"+e.vmIDs["3001"], "", 404, "not found")
	check("DELETE", "/api/v1/recordings/"+e.recs["globex"], "", 404, "not found")
	check("DELETE", "/api/v1/recordings/"+e.recs["acme"], "", 204, "")
	if code, _ := e.do(t, "admin", "GET", "/api/v1/recordings/"+e.recs["globex"], ""); code != 200 {
		t.Errorf("globex's recording: %d", code)
	}
	// Switch-wide things are not the tenant admin's to change.
	check("POST", "/api/v1/blacklist", `{"number": "+4930999"}`, 403, "not allowed")
	check("PUT", "/api/v1/timeconditions/office", `{"zone": "UTC"}`, 403, "not allowed")
	// Usage: its own tenant's quotas.
	out = check("GET", "/api/v1/tenants/acme/usage", "", 200, `"extensions":2`)
	if !strings.Contains(out, `"max_extensions":50`) || !strings.Contains(out, `"max_calls":4`) || !strings.Contains(out, `"calls":0`) {
		t.Errorf("usage: %s", out)
	}
	// The admin moves an extension between tenants; a tenant admin cannot take it back.
	if code, out := e.do(t, "admin", "PUT", "/api/v1/extensions/2002", `{"tenant": "globex"}`); code != 200 || !strings.Contains(out, `"tenant":"globex"`) {
		t.Fatalf("admin moves 2002: %d %s", code, out)
	}
	check("GET", "/api/v1/extensions/2002", "", 404, "not found")
}

// TestTenantScopeEvents: the event stream of a tenant's principal carries
// only its calls and registrations.
func TestTenantScopeEvents(t *testing.T) {
	e := newScopeEnv(t)
	for _, p := range scopePrincipals {
		t.Run(p.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res, err := http.DefaultClient.Do(e.req(t, p.name, "GET", "/api/v1/events", "").WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("events: %d", res.StatusCode)
			}
			sr := &sseReader{res: res, r: bufio.NewReader(res.Body)}
			got := map[string][]string{}
			for len(got) < 2 {
				ev := sr.next(t)
				var list []map[string]any
				switch ev.name {
				case "calls", "registrations":
					if err := json.Unmarshal([]byte(ev.data), &list); err != nil {
						t.Fatal(err)
					}
				default:
					continue
				}
				ids := []string{}
				for _, x := range list {
					if ev.name == "calls" {
						ids = append(ids, fmt.Sprint(x["call_id"]))
					} else {
						ids = append(ids, fmt.Sprint(x["aor"]))
					}
				}
				sort.Strings(ids)
				got[ev.name] = ids
			}
			ext := func(tn string) string { return scopeOwned[tn][0] }
			if want := visible(p.tenant, func(tn string) string { return "call-" + ext(tn) }); !slices.Equal(got["calls"], want) {
				t.Errorf("calls event %v, want %v", got["calls"], want)
			}
			if want := visible(p.tenant, ext); !slices.Equal(got["registrations"], want) {
				t.Errorf("registrations event %v, want %v", got["registrations"], want)
			}
		})
	}
}

// TestTenantScopeTraces: a tenant's operator reads the SIP trace of its
// tenant's calls only (live or ended); the others are hidden (404) before
// the trace is looked up (this API has no tracer: 503 past the gate).
func TestTenantScopeTraces(t *testing.T) {
	e := newScopeEnv(t)
	for _, tc := range []struct {
		who, id string
		want    int
	}{
		{"acme-op", "cdr-2001", 503}, {"acme-op", "call-2001", 503}, {"acme-op", "cdr-3001", 404},
		{"acme-op", "call-1001", 404}, {"acme-op", "a-leg-nobody-knows", 404},
		{"op", "cdr-3001", 503}, {"op", "a-leg-nobody-knows", 503}, {"admin", "cdr-1001", 503},
	} {
		for _, suffix := range []string{"/trace", "/trace.pcap"} {
			if code, body := e.do(t, tc.who, "GET", "/api/v1/calls/"+tc.id+suffix, ""); code != tc.want {
				t.Errorf("%s GET %s%s: %d, want %d: %s", tc.who, tc.id, suffix, code, tc.want, body)
			}
		}
	}
}

// TestTenantQuotaOnMove: moving an extension into a full tenant is the
// same 409 naming the tenant as creating one there.
func TestTenantQuotaOnMove(t *testing.T) {
	e := newScopeEnv(t)
	tn, err := e.st.GetTenant("acme")
	if err != nil {
		t.Fatal(err)
	}
	tn.MaxExtensions = 1 // 2001 fills it
	if err := e.st.PutTenant(tn); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/extensions", `{"number": "2099", "password": "Correct1horse9", "tenant": "acme"}`},
		{"PUT", "/api/v1/extensions/1001", `{"tenant": "acme"}`},
	} {
		code, body := e.do(t, "admin", c.method, c.path, c.body)
		if code != 409 || !strings.Contains(body, `"field":"tenant"`) || !strings.Contains(body, "quota") {
			t.Errorf("%s %s: %d %s, want 409 naming the tenant's quota", c.method, c.path, code, body)
		}
	}
}

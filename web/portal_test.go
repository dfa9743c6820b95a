package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// portalServer is the API with voicemail for extensions 1001 and 1002
// (passwords Secret-NNNN-pw) and the admin credential admin/pw.
type portalServer struct {
	*mediaServer
	st *store.Store
}

func newPortalServer(t *testing.T) *portalServer {
	t.Helper()
	_, st := billingServerStore(t)
	dir := t.TempDir()
	rec, err := recording.Open(st, filepath.Join(dir, "recordings"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "voicemail"))
	if err != nil {
		t.Fatal(err)
	}
	api := &API{B: st, L: &fakeLive{}, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }, VM: vm, Rec: rec, PhoneURL: ":8443"}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return &portalServer{mediaServer: &mediaServer{srv: srv, rec: rec, vm: vm}, st: st}
}

// as sends a request with user's Basic credentials (an extension's
// number: its SIP password) and returns the status, body and headers.
func (p *portalServer) as(t *testing.T, user, method, path, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, p.srv.URL+path, strings.NewReader(body))
	pw := "pw"
	if user != "admin" {
		pw = "Secret-" + user + "-pw"
	}
	req.SetBasicAuth(user, pw)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestPortalVoicemail(t *testing.T) {
	p := newPortalServer(t)
	r1, wav1 := p.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
	r2, _ := p.record(t, recording.Meta{Kind: recording.KindProgram}, 2*time.Second)
	other, _ := p.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
	for _, d := range []struct{ box, id string }{{"1001", r1}, {"1001", r2}, {"1002", other}} {
		if _, err := p.vm.Deposit(d.box, d.id, "1003", "Carol"); err != nil {
			t.Fatal(err)
		}
	}

	code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/voicemail", "")
	var box VoicemailBox
	if err := json.Unmarshal([]byte(body), &box); code != 200 || err != nil {
		t.Fatalf("box: %d %s %v", code, body, err)
	}
	if box.Box != "1001" || box.New != 2 || len(box.Messages) != 2 || strings.Contains(body, other) {
		t.Fatalf("box: %s", body)
	}
	if box.Messages[0].ID != r2 || box.Messages[1].ID != r1 {
		t.Errorf("want newest first (%s, %s): %s", r2, r1, body)
	}
	code, body, _ = p.as(t, "1001", "GET", "/api/v1/me/portal", "")
	if code != 200 || body != `{"ext":"1001","phone_url":"https://127.0.0.1:8443/phone/","voicemail":{"new":2,"saved":0}}`+"\n" {
		t.Errorf("portal: %d %s", code, body)
	}

	// Listen, save, delete: the user's own.
	code, body, hdr := p.as(t, "1001", "GET", "/api/v1/me/voicemail/"+r1+"/audio", "")
	if code != 200 || hdr.Get("Content-Type") != "audio/wav" || body != string(wav1) {
		t.Fatalf("audio: %d %s %d bytes", code, hdr.Get("Content-Type"), len(body))
	}
	if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/voicemail/"+r1, `{"folder":"saved"}`); code != 200 || !strings.Contains(body, `"folder":"saved"`) {
		t.Fatalf("save: %d %s", code, body)
	}
	if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/voicemail/"+r2, `{"folder":"trash"}`); code != 400 || !strings.Contains(body, "invalid folder") {
		t.Errorf("bad folder: %d %s", code, body)
	}
	if code, body, _ := p.as(t, "1001", "DELETE", "/api/v1/me/voicemail/"+r2, ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if n, s, _ := p.vm.Counts("1001"); n != 0 || s != 1 {
		t.Fatalf("1001 after save and delete: %d new, %d saved", n, s)
	}

	// Another box's message is not reachable, whatever the route.
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v1/me/voicemail/" + other + "/audio", ""},
		{"PUT", "/api/v1/me/voicemail/" + other, `{"folder":"saved"}`},
		{"DELETE", "/api/v1/me/voicemail/" + other, ""},
	} {
		if code, body, _ := p.as(t, "1001", tc.method, tc.path, tc.body); code != 404 {
			t.Errorf("%s %s as 1001: %d %s", tc.method, tc.path, code, body)
		}
	}
	for _, path := range []string{"/api/v1/me/voicemail/..%2F1002%2F" + other + "/audio", "/api/v1/me/voicemail/%2E%2E/audio"} {
		if code, body, _ := p.as(t, "1001", "GET", path, ""); code != 400 && code != 404 {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
	}
	if n, s, _ := p.vm.Counts("1002"); n != 1 || s != 0 {
		t.Fatalf("1002's box changed: %d new, %d saved", n, s)
	}
	// The admin routes stay closed to users.
	if code, _, _ := p.as(t, "1001", "GET", "/api/v1/voicemail/1002", ""); code != 403 {
		t.Errorf("admin voicemail route as a user: %d", code)
	}

	// PIN.
	if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/voicemail/pin", `{"pin":"12a4"}`); code != 400 || !strings.Contains(body, "invalid pin") {
		t.Errorf("bad pin: %d %s", code, body)
	}
	if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/voicemail/pin", `{"pin":"97531"}`); code != 204 || !p.vm.CheckPIN("1001", "97531") || p.vm.HasPIN("1002") {
		t.Errorf("pin: %d %s", code, body)
	}
}

func TestPortalCalls(t *testing.T) {
	p := newPortalServer(t)
	start := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	add := func(i int, from, to string) {
		c := &store.CDR{CallID: fmt.Sprint("c", i), Caller: from, Callee: to, Direction: "internal", Trunk: "secret-trunk",
			StartTime: start.Add(time.Duration(i) * time.Minute), EndTime: start.Add(time.Duration(i)*time.Minute + 20*time.Second),
			Status: "answered", EndedReason: "caller_hangup", Extra: map[string]string{"cost": "0.42"}}
		if err := p.st.AddCDR(c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		if i%2 == 0 {
			add(i, "1001", "1002")
		} else {
			add(i, "1002", "1001")
		}
	}
	add(40, "1002", "1003") // not 1001's
	add(41, "1003", "10011")

	var pages []PortalCalls
	next := ""
	for range 5 {
		code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/calls?limit=12&after="+next, "")
		var pg PortalCalls
		if err := json.Unmarshal([]byte(body), &pg); code != 200 || err != nil {
			t.Fatalf("calls: %d %s %v", code, body, err)
		}
		if strings.Contains(body, "secret-trunk") || strings.Contains(body, "0.42") || strings.Contains(body, "call_id") {
			t.Fatalf("a user sees operator data: %s", body)
		}
		pages = append(pages, pg)
		if next = pg.Next; next == "" {
			break
		}
	}
	if len(pages) != 3 || len(pages[0].Calls) != 12 || len(pages[2].Calls) != 6 || pages[0].Total != 30 {
		t.Fatalf("pages: %d, first %d calls, total %d", len(pages), len(pages[0].Calls), pages[0].Total)
	}
	first := pages[0].Calls[0] // the newest: i=29, 1002 -> 1001
	if first.Caller != "1002" || !first.Incoming || !first.Start.Equal(start.Add(29*time.Minute)) || pages[0].Calls[1].Incoming {
		t.Errorf("newest call: %+v", first)
	}
	for _, pg := range pages {
		for _, c := range pg.Calls {
			if c.Caller != "1001" && c.Callee != "1001" {
				t.Errorf("not 1001's call: %+v", c)
			}
		}
	}
	if code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/calls?offset=28", ""); code != 200 || strings.Count(body, `"id"`) != 2 {
		t.Errorf("offset: %d %s", code, body)
	}
	for _, bad := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "after=abc"} {
		name, _, _ := strings.Cut(bad, "=")
		if code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/calls?"+bad, ""); code != 400 || !strings.Contains(body, "invalid "+name) {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
	// Number filters are the server's: a query parameter cannot widen it.
	if code, body, _ := p.as(t, "1002", "GET", "/api/v1/me/calls?number=1003&limit=100", ""); code != 200 || !strings.Contains(body, `"total":31`) {
		t.Errorf("1002's calls: %d %s", code, body)
	}
}

func TestPortalFeatures(t *testing.T) {
	p := newPortalServer(t)
	// What the admin set and the user may not change.
	if _, err := p.st.UpdateFeatures("1001", func(f *store.Features) error {
		f.Class, f.OutboundCID1 = "local", "+4930111"
		f.FollowMe = []store.FollowStep{{Number: "1002", Timeout: 20}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/features", ""); code != 200 ||
		body != `{"dnd":false,"forward":{"all":"","busy":"","no_answer":"","unavailable":""}}`+"\n" {
		t.Fatalf("get: %d %s", code, body)
	}
	code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/features", `{"dnd":true,"forward":{"busy":"1002","no_answer":"+4930999"}}`)
	if code != 200 || body != `{"dnd":true,"forward":{"all":"","busy":"1002","no_answer":"+4930999","unavailable":""}}`+"\n" {
		t.Fatalf("put: %d %s", code, body)
	}
	e, _ := p.st.GetExtension("1001")
	if f := e.Features; !f.DND || f.Forward["busy"] != "1002" || f.Forward["no_answer"] != "+4930999" || len(f.Forward) != 2 ||
		f.Class != "local" || f.OutboundCID1 != "+4930111" || len(f.FollowMe) != 1 {
		t.Fatalf("stored: %+v", f)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"dnd":true,"class":"international"}`, `unknown field \"class\"`},
		{`{"outbound_cid1":"+1555"}`, `unknown field \"outbound_cid1\"`},
		{`{"forward":{"busy":"12ab"}}`, "invalid forward.busy"},
		{`{"forward":{"all":"1001"}}`, "invalid forward.all: cannot be the extension itself"},
		{`{"forward":{"sometimes":"1002"}}`, `unknown field \"sometimes\"`},
		{`{"dnd":"yes"}`, "dnd"},
	} {
		if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/features", tc.body); code != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("PUT %s: %d %s; want 400 %s", tc.body, code, body, tc.want)
		}
	}
	e, _ = p.st.GetExtension("1001")
	if e.Features.Class != "local" || !e.Features.DND {
		t.Fatalf("a refused PUT changed something: %+v", e.Features)
	}
	// Turning everything off.
	if code, body, _ := p.as(t, "1001", "PUT", "/api/v1/me/features", `{"dnd":false,"forward":{}}`); code != 200 || strings.Contains(body, "1002") {
		t.Fatalf("off: %d %s", code, body)
	}
	if e, _ := p.st.GetExtension("1001"); e.Features.Forward != nil || e.Features.DND || e.Features.Class != "local" {
		t.Fatalf("off: %+v", e.Features)
	}
	if e, _ := p.st.GetExtension("1002"); e.Features.DND || e.Features.Forward != nil {
		t.Fatalf("1002 changed: %+v", e.Features)
	}
}

func TestPortalContacts(t *testing.T) {
	p := newPortalServer(t)
	if code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/contacts", ""); code != 200 || body != "[]\n" {
		t.Fatalf("empty: %d %s", code, body)
	}
	code, body, _ := p.as(t, "1001", "POST", "/api/v1/me/contacts", `{"name":" Zoe ","number":"+4930123"}`)
	var zoe store.Contact
	if err := json.Unmarshal([]byte(body), &zoe); code != 201 || err != nil || zoe.ID == "" || zoe.Name != "Zoe" || strings.Contains(body, "owner") {
		t.Fatalf("add: %d %s %v", code, body, err)
	}
	if code, body, _ := p.as(t, "1001", "POST", "/api/v1/me/contacts", `{"name":"alice","number":"1002"}`); code != 201 {
		t.Fatalf("add: %d %s", code, body)
	}
	code, body, _ = p.as(t, "1001", "GET", "/api/v1/me/contacts", "")
	var list []store.Contact
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list) != 2 || list[0].Name != "alice" || list[1].ID != zoe.ID {
		t.Fatalf("list: %d %s", code, body)
	}
	code, body, _ = p.as(t, "1001", "PUT", "/api/v1/me/contacts/"+zoe.ID, `{"name":"Zoe Z","number":"1003"}`)
	if code != 200 || !strings.Contains(body, `"name":"Zoe Z","number":"1003"`) {
		t.Fatalf("edit: %d %s", code, body)
	}

	// Validation names the field.
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "", `{"name":"","number":"1002"}`, `"field":"name"`},
		{"POST", "", `{"name":"` + strings.Repeat("x", 65) + `","number":"1002"}`, `"field":"name"`},
		{"POST", "", `{"name":"Bad\u0007","number":"1002"}`, `"field":"name"`},
		{"POST", "", `{"name":"Bob","number":"sip:bob@example.com"}`, `"field":"number"`},
		{"POST", "", `{"name":"Bob","number":""}`, `"field":"number"`},
		{"POST", "", `{"name":"Bob","number":"1002","email":"b@x"}`, `unknown field \"email\"`},
		{"PUT", "/" + zoe.ID, `{"name":"Zoe","number":"12-34"}`, `"field":"number"`},
	} {
		if code, body, _ := p.as(t, "1001", tc.method, "/api/v1/me/contacts"+tc.path, tc.body); code != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d %s; want 400 %s", tc.method, tc.body, code, body, tc.want)
		}
	}

	// 1002 cannot see, change or delete 1001's entries.
	if code, body, _ := p.as(t, "1002", "GET", "/api/v1/me/contacts", ""); code != 200 || body != "[]\n" {
		t.Errorf("1002's list: %d %s", code, body)
	}
	for _, tc := range []struct{ method, path, body string }{
		{"PUT", "/api/v1/me/contacts/" + zoe.ID, `{"name":"Mine","number":"1002"}`},
		{"DELETE", "/api/v1/me/contacts/" + zoe.ID, ""},
		{"DELETE", "/api/v1/me/contacts/..%2F1001%2F" + zoe.ID, ""},
		{"DELETE", "/api/v1/me/contacts/" + strings.ToUpper(zoe.ID), ""},
	} {
		if code, body, _ := p.as(t, "1002", tc.method, tc.path, tc.body); code != 404 {
			t.Errorf("%s %s as 1002: %d %s", tc.method, tc.path, code, body)
		}
	}
	if code, body, _ := p.as(t, "1001", "DELETE", "/api/v1/me/contacts/"+zoe.ID, ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _, _ := p.as(t, "1001", "DELETE", "/api/v1/me/contacts/"+zoe.ID, ""); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}

	// The book is bounded.
	for i := range store.MaxContactsPerBook - 1 {
		if _, err := p.st.AddContact("1002", store.Contact{Name: fmt.Sprint("n", i), Number: fmt.Sprint(5000 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	if code, body, _ := p.as(t, "1002", "POST", "/api/v1/me/contacts", `{"name":"last","number":"1"}`); code != 201 {
		t.Fatalf("the last entry: %d %s", code, body)
	}
	if code, body, _ := p.as(t, "1002", "POST", "/api/v1/me/contacts", `{"name":"one more","number":"1"}`); code != 400 || !strings.Contains(body, "full") {
		t.Fatalf("one too many: %d %s", code, body)
	}
}

// The portal's routes act on the principal's own extension: a principal
// without one (the admin credential) gets 403 on every one of them.
func TestPortalNeedsExtension(t *testing.T) {
	p := newPortalServer(t)
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/me/portal", ""},
		{"GET", "/api/v1/me/voicemail", ""},
		{"PUT", "/api/v1/me/voicemail/pin", `{"pin":"1234"}`},
		{"GET", "/api/v1/me/voicemail/x/audio", ""},
		{"PUT", "/api/v1/me/voicemail/x", `{"folder":"saved"}`},
		{"DELETE", "/api/v1/me/voicemail/x", ""},
		{"GET", "/api/v1/me/calls", ""},
		{"GET", "/api/v1/me/features", ""},
		{"PUT", "/api/v1/me/features", `{"dnd":true}`},
		{"GET", "/api/v1/me/contacts", ""},
		{"POST", "/api/v1/me/contacts", `{"name":"a","number":"1"}`},
		{"PUT", "/api/v1/me/contacts/0123456789abcdef", `{"name":"a","number":"1"}`},
		{"DELETE", "/api/v1/me/contacts/0123456789abcdef", ""},
	}
	for _, r := range routes {
		if code, body, _ := p.as(t, "admin", r.method, r.path, r.body); code != 403 || !strings.Contains(body, "no extension") {
			t.Errorf("%s %s as admin: %d %s", r.method, r.path, code, body)
		}
		req, _ := http.NewRequest(r.method, p.srv.URL+r.path, bytes.NewReader([]byte(r.body)))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Errorf("%s %s without credentials: %d", r.method, r.path, res.StatusCode)
		}
	}
	// Without voicemail on the switch: 503, and the summary says so.
	_, st := billingServerStore(t)
	bare := httptest.NewServer((&API{B: st, L: &fakeLive{}, Auth: func(string, string) bool { return false }}).Handler())
	t.Cleanup(bare.Close)
	p2 := &portalServer{mediaServer: &mediaServer{srv: bare}, st: st}
	if code, body, _ := p2.as(t, "1001", "GET", "/api/v1/me/voicemail", ""); code != 503 {
		t.Errorf("no voicemail: %d %s", code, body)
	}
	if code, body, _ := p2.as(t, "1001", "GET", "/api/v1/me/portal", ""); code != 200 || body != `{"ext":"1001"}`+"\n" {
		t.Errorf("summary without voicemail or phone: %d %s", code, body)
	}
}

func TestPhoneURL(t *testing.T) {
	for _, tc := range []struct{ conf, host, want string }{
		{"", "pbx:8080", ""},
		{":8443", "pbx.example.com:8080", "https://pbx.example.com:8443/phone/"},
		{":8443", "[::1]:8080", "https://[::1]:8443/phone/"},
		{":8443", "pbx", "https://pbx:8443/phone/"},
		{":0", "pbx", ""},
		{":x", "pbx", ""},
		{":8443", "evil.com/x?", ""},
		{"https://phone.example.com/phone/", "pbx", "https://phone.example.com/phone/"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = tc.host
		if got := phoneURL(tc.conf, r); got != tc.want {
			t.Errorf("phoneURL(%q, host %q) = %q, want %q", tc.conf, tc.host, got, tc.want)
		}
	}
}

// Calls that reached the user through a ring group or a queue (the callee
// is the group, the final destination the user) are in their history as
// incoming; the admin's number filter keeps its meaning. A recorded call
// is marked and plays by its history ID, for its parties only.
func TestPortalCallsGroupsAndRecordings(t *testing.T) {
	p := newPortalServer(t)
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	cdrs := map[string]*store.CDR{}
	add := func(i int, callID, from, to, final string) {
		c := &store.CDR{CallID: callID, Caller: from, Callee: to, FinalDest: final, Direction: "internal",
			StartTime: start.Add(time.Duration(i) * time.Minute), EndTime: start.Add(time.Duration(i)*time.Minute + 30*time.Second),
			Status: "answered", EndedReason: "caller_hangup"}
		if err := p.st.AddCDR(c); err != nil {
			t.Fatal(err)
		}
		cdrs[callID] = c
	}
	add(0, "out@x", "1001", "1002", "1002")
	add(1, "group@x", "1002", "600", "1001")    // ring group 600, answered by 1001
	add(2, "queue@x", "1003", "700", "1004")    // queue 700, answered by 1004: neither's
	add(3, "callback@x", "1001", "700", "1004") // 1001 called the queue: outgoing

	// A call recording of the group call, and one of the queue call.
	recGroup, wavGroup := p.record(t, recording.Meta{Kind: recording.KindCall, CallID: "group@x", From: "1002", To: "1001", Started: cdrs["group@x"].StartTime.Add(2 * time.Second)}, time.Second)
	p.record(t, recording.Meta{Kind: recording.KindCall, CallID: "queue@x", From: "1003", To: "1004", Started: cdrs["queue@x"].StartTime.Add(2 * time.Second)}, time.Second)

	code, body, _ := p.as(t, "1001", "GET", "/api/v1/me/calls", "")
	var pg PortalCalls
	if err := json.Unmarshal([]byte(body), &pg); code != 200 || err != nil {
		t.Fatalf("calls: %d %s %v", code, body, err)
	}
	got := []string{}
	for _, c := range pg.Calls {
		got = append(got, fmt.Sprintf("%s>%s in=%v rec=%v", c.Caller, c.Callee, c.Incoming, c.Recorded))
	}
	want := []string{"1001>700 in=false rec=false", "1002>600 in=true rec=true", "1001>1002 in=false rec=false"}
	if pg.Total != 3 || strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Fatalf("1001's calls (total %d):\n got %v\nwant %v", pg.Total, got, want)
	}

	// The admin's number filter: caller or callee only, as before.
	code, body, _ = p.as(t, "admin", "GET", "/api/v1/cdrs?number=1001", "")
	if code != 200 || strings.Contains(body, "group@x") || !strings.Contains(body, "out@x") {
		t.Errorf("admin number=1001: %d %s", code, body)
	}

	play := func(user, id string) (int, string) {
		t.Helper()
		code, body, _ := p.as(t, user, "GET", "/api/v1/me/calls/"+id+"/recording", "")
		return code, body
	}
	if code, body := play("1001", cdrs["group@x"].ID); code != 200 || body != string(wavGroup) {
		t.Fatalf("1001 plays the group call: %d, %d bytes, want %d", code, len(body), len(wavGroup))
	}
	if code, body := play("1002", cdrs["group@x"].ID); code != 200 || body != string(wavGroup) {
		t.Errorf("the caller plays the group call: %d", code)
	}
	for _, c := range []struct{ user, id, why string }{
		{"1001", cdrs["queue@x"].ID, "another's call"},
		{"1002", cdrs["queue@x"].ID, "another's call"},
		{"1001", cdrs["out@x"].ID, "a call not recorded"},
		{"1001", "123", "no such call"},
		{"1001", "..%2F" + recGroup, "not an ID"},
	} {
		if code, body := play(c.user, c.id); code != 404 || strings.Contains(body, "RIFF") {
			t.Errorf("%s: %d %.80s", c.why, code, body)
		}
	}
	if code, _ := play("admin", cdrs["group@x"].ID); code != 403 {
		t.Errorf("the admin credential (no extension): %d", code)
	}
}

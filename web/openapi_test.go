package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/conference"
	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/switch/trunk"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web/auth"
	"github.com/hookswitch/hookswitch/web/logring"
)

// openAPIDocument decodes the embedded document.
func openAPIDocument(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(openAPIDoc))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if dec.More() {
		t.Fatal("openapi.json: data after the document")
	}
	return doc
}

// oaObj is a JSON object, or nil for anything else (absence included).
func oaObj(v any) map[string]any { m, _ := v.(map[string]any); return m }

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// TestOpenAPIRoutes: every route the router has is documented, with its
// path parameters and the roles the policy allows, and every documented
// operation is a route.
func TestOpenAPIRoutes(t *testing.T) {
	doc := openAPIDocument(t)
	paths := oaObj(doc["paths"])
	routes := map[string]bool{}
	err := chi.Walk((&API{}).Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes[method+" "+route] = true
		if oaObj(oaObj(paths[route])[strings.ToLower(method)]) == nil {
			t.Errorf("%s %s: a route the document lacks", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 100 {
		t.Fatalf("walked only %d routes", len(routes))
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	ids := map[string]string{}
	for path, pi := range paths {
		for method, o := range oaObj(pi) {
			op := oaObj(o)
			key := strings.ToUpper(method) + " " + path
			if !slices.Contains(httpMethods, method) || op == nil {
				t.Errorf("%s: %q is not an operation", path, method)
				continue
			}
			if !routes[key] {
				t.Errorf("%s: documented, but no such route", key)
			}
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] != "" {
				t.Errorf("%s: operationId %q missing or also %s's", key, id, ids[id])
			}
			ids[id] = key
			// Path parameters: exactly the pattern's, required.
			var want, got []string
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				want = append(want, m[1])
			}
			for _, p := range oaList(op["parameters"]) {
				if p := oaObj(p); p["in"] == "path" {
					got = append(got, p["name"].(string))
					if p["required"] != true {
						t.Errorf("%s: path parameter %v not required", key, p["name"])
					}
				}
			}
			if !slices.Equal(want, got) {
				t.Errorf("%s: path parameters %v, want %v", key, got, want)
			}
			// x-roles: the policy's, so the document tells who may call.
			var roles, allowed []string
			for _, r := range oaList(op["x-roles"]) {
				roles = append(roles, r.(string))
			}
			if !auth.IsPublic(strings.ToUpper(method), path) {
				for _, r := range auth.Roles {
					if auth.Allowed(r, strings.ToUpper(method), path) {
						allowed = append(allowed, r)
					}
				}
			}
			if !slices.Equal(roles, allowed) {
				t.Errorf("%s: x-roles %v, the policy allows %v", key, roles, allowed)
			}
			if op["responses"] == nil || len(oaObj(op["responses"])) == 0 {
				t.Errorf("%s: no responses", key)
			}
		}
	}
}

// TestOpenAPIValid: the document is OpenAPI 3.1 and every $ref resolves.
func TestOpenAPIValid(t *testing.T) {
	doc := openAPIDocument(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi %q, want 3.1.x", v)
	}
	for _, k := range []string{"info", "paths", "components"} {
		if oaObj(doc[k]) == nil {
			t.Errorf("no %s", k)
		}
	}
	schemes := oaObj(oaObj(doc["components"])["securitySchemes"])
	for _, s := range []string{"session", "csrf", "bearer", "basic"} {
		if schemes[s] == nil {
			t.Errorf("no security scheme %s", s)
		}
	}
	n := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				n++
				if _, err := oaResolve(doc, ref); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", at, i), x)
			}
		}
	}
	walk("#", doc)
	if n < 100 {
		t.Errorf("only %d $refs: the walk is broken", n)
	}
	if _, err := oaResolve(doc, "#/components/schemas/NoSuchThing"); err == nil {
		t.Error("a dangling $ref resolved")
	}
}

// oaResolve follows a local JSON pointer.
func oaResolve(doc map[string]any, ref string) (map[string]any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: not local", ref)
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m := oaObj(cur)
		if m == nil || m[part] == nil {
			return nil, fmt.Errorf("$ref %q: no %q", ref, part)
		}
		cur = m[part]
	}
	if oaObj(cur) == nil {
		return nil, fmt.Errorf("$ref %q: not an object", ref)
	}
	return oaObj(cur), nil
}

// openAPITypes are the Go types of the schemas marked x-go-type.
var openAPITypes = map[string]reflect.Type{
	"Extension":             reflect.TypeFor[store.Extension](),
	"Features":              reflect.TypeFor[store.Features](),
	"FollowStep":            reflect.TypeFor[store.FollowStep](),
	"Binding":               reflect.TypeFor[store.Binding](),
	"Blocked":               reflect.TypeFor[store.Blocked](),
	"CDR":                   reflect.TypeFor[store.CDR](),
	"HourStat":              reflect.TypeFor[store.HourStat](),
	"Destination":           reflect.TypeFor[store.Destination](),
	"DialPolicy":            reflect.TypeFor[store.DialPolicy](),
	"Group":                 reflect.TypeFor[store.Group](),
	"IVR":                   reflect.TypeFor[store.IVR](),
	"IVRWhenClosed":         reflect.TypeFor[store.WhenClosed](),
	"Room":                  reflect.TypeFor[store.Room](),
	"AppSettings":           reflect.TypeFor[store.AppSettings](),
	"VoicemailSettings":     reflect.TypeFor[store.VoicemailSettings](),
	"PIN":                   reflect.TypeFor[store.PIN](),
	"PINSet":                reflect.TypeFor[store.PINSet](),
	"Queue":                 reflect.TypeFor[store.Queue](),
	"QueueMember":           reflect.TypeFor[store.QueueMember](),
	"InboundRule":           reflect.TypeFor[store.InboundRule](),
	"OutboundRule":          reflect.TypeFor[store.OutboundRule](),
	"OutboundPattern":       reflect.TypeFor[store.OutboundPattern](),
	"Tenant":                reflect.TypeFor[store.Tenant](),
	"TenantUsage":           reflect.TypeFor[TenantUsage](),
	"CallTrace":             reflect.TypeFor[CallTrace](),
	"TraceMessage":          reflect.TypeFor[TraceMessage](),
	"PingRequest":           reflect.TypeFor[PingRequest](),
	"PingResult":            reflect.TypeFor[PingResult](),
	"PingReport":            reflect.TypeFor[PingReport](),
	"TenantTrunk":           reflect.TypeFor[store.TenantTrunk](),
	"Trunk":                 reflect.TypeFor[store.Trunk](),
	"AuditEntry":            reflect.TypeFor[store.AuditEntry](),
	"Contact":               reflect.TypeFor[store.Contact](),
	"TimeConditionSchedule": reflect.TypeFor[timecond.Condition](),
	"TimeConditionOverride": reflect.TypeFor[timecond.Override](),
	"TimeCondition":         reflect.TypeFor[TimeConditionView](),
	"TrunkView":             reflect.TypeFor[TrunkView](),
	"SystemInfo":            reflect.TypeFor[SystemInfo](),
	"Balance":               reflect.TypeFor[Balance](),
	"Recording":             reflect.TypeFor[Recording](),
	"RecordingList":         reflect.TypeFor[RecordingList](),
	"VoicemailMessage":      reflect.TypeFor[VoicemailMessage](),
	"VoicemailBox":          reflect.TypeFor[VoicemailBox](),
	"ScriptInfo":            reflect.TypeFor[ScriptInfo](),
	"ScriptVersion":         reflect.TypeFor[ScriptVersion](),
	"RestoreResult":         reflect.TypeFor[RestoreResult](),
	"BackupManifest":        reflect.TypeFor[Manifest](),
	"BackupManifestEntry":   reflect.TypeFor[ManifestEntry](),
	"PortalSummary":         reflect.TypeFor[PortalSummary](),
	"PortalVoicemailCounts": reflect.TypeFor[PortalVMCounts](),
	"PortalCall":            reflect.TypeFor[PortalCall](),
	"PortalCalls":           reflect.TypeFor[PortalCalls](),
	"PortalFeatures":        reflect.TypeFor[PortalFeatures](),
	"PortalForward":         reflect.TypeFor[PortalForward](),
	"Identity":              reflect.TypeFor[auth.Identity](),
	"User":                  reflect.TypeFor[auth.UserView](),
	"UserInput":             reflect.TypeFor[auth.UserInput](),
	"Token":                 reflect.TypeFor[auth.TokenView](),
	"ExtensionView":         reflect.TypeFor[auth.ExtensionView](),
	"Call":                  reflect.TypeFor[call.CallInfo](),
	"TrunkReport":           reflect.TypeFor[trunk.Report](),
	"TrunkRegistration":     reflect.TypeFor[trunk.Status](),
	"TrunkQualify":          reflect.TypeFor[trunk.QualifyStatus](),
	"QueueStatus":           reflect.TypeFor[queue.QueueStatus](),
	"QueueCaller":           reflect.TypeFor[queue.CallerStatus](),
	"QueueAgent":            reflect.TypeFor[queue.AgentStatus](),
	"QueueCounters":         reflect.TypeFor[queue.Counters](),
	"QueueAbandoned":        reflect.TypeFor[queue.Abandoned](),
	"Conference":            reflect.TypeFor[conference.Info](),
	"ConferenceMember":      reflect.TypeFor[conference.MemberInfo](),
	"Plugin":                reflect.TypeFor[plugins.Info](),
	"PluginVersion":         reflect.TypeFor[plugins.Version](),
	"HourlyStats":           reflect.TypeFor[HourlyStats](),
	"TenantHour":            reflect.TypeFor[TenantHour](),
	"LogRecord":             reflect.TypeFor[logring.Record](),
	"LogPage":               reflect.TypeFor[LogPage](),
	"BackupFile":            reflect.TypeFor[BackupFile](),
	"BackupSchedulePage":    reflect.TypeFor[BackupSchedulePage](),
	"Prompt":                reflect.TypeFor[Prompt](),
}

// jsonField is a field as encoding/json writes it.
type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero
}

// jsonFields lists t's JSON fields by encoding/json's rules (tags,
// "-", unexported fields, embedded structs promoted).
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type, strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	return out
}

// openAPISample is a value of a type whose JSON is its own (MarshalJSON):
// its fields are the keys of the value's JSON with every part set.
func openAPISample(t *testing.T, typ reflect.Type) map[string]any {
	t.Helper()
	var v any
	switch typ {
	case reflect.TypeFor[timecond.Condition]():
		var c timecond.Condition
		if err := c.UnmarshalJSON([]byte(`{"name": "office", "zone": "Europe/Berlin", "weekdays": {"mon": ["09:00-17:00"]},
			"holidays": [{"name": "Christmas", "date": "12-25", "times": ["10:00-12:00"]}]}`)); err != nil {
			t.Fatal(err)
		}
		v = &c
	default:
		t.Fatalf("%v marshals itself: give the test a sample", typ)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOpenAPISchemasMatchGo: each schema made from a Go type has exactly
// the type's JSON fields (required: those always written), and a field
// that refers to another such schema has that schema's type, so renaming,
// adding or retyping a field fails here until the document follows.
func TestOpenAPISchemasMatchGo(t *testing.T) {
	doc := openAPIDocument(t)
	schemas := oaObj(oaObj(doc["components"])["schemas"])
	for name := range openAPITypes {
		if s := oaObj(schemas[name]); s == nil || s["x-go-type"] == nil {
			t.Errorf("schema %s: missing, or without x-go-type", name)
		}
	}
	jsonMarshaler := reflect.TypeFor[json.Marshaler]()
	for name, sv := range schemas {
		s := oaObj(sv)
		gt, _ := s["x-go-type"].(string)
		if gt == "" {
			continue
		}
		typ, ok := openAPITypes[name]
		if !ok {
			t.Errorf("schema %s (%s): not in openAPITypes", name, gt)
			continue
		}
		if want := filepath.Base(typ.PkgPath()) + "." + typ.Name(); gt != want {
			t.Errorf("schema %s: x-go-type %s, the test maps it to %s", name, gt, want)
		}
		props := oaObj(s["properties"])
		var docNames, docRequired []string
		for p := range props {
			docNames = append(docNames, p)
		}
		for _, r := range oaList(s["required"]) {
			docRequired = append(docRequired, r.(string))
		}
		var goNames, goRequired []string
		if reflect.PointerTo(typ).Implements(jsonMarshaler) || typ.Implements(jsonMarshaler) {
			for k := range openAPISample(t, typ) {
				goNames = append(goNames, k)
			}
			goRequired = docRequired // not knowable from a sample
		} else {
			for _, f := range jsonFields(typ) {
				goNames = append(goNames, f.name)
				if !f.optional {
					goRequired = append(goRequired, f.name)
				}
				if want := oaSchemaType(t, doc, props[f.name]); want != nil && want != derefElem(f.typ) {
					t.Errorf("schema %s: field %s refers to %v, the Go field is %v", name, f.name, want, f.typ)
				}
			}
		}
		sort.Strings(docNames)
		sort.Strings(goNames)
		sort.Strings(docRequired)
		sort.Strings(goRequired)
		if !slices.Equal(docNames, goNames) {
			t.Errorf("schema %s: fields %v, %s's JSON has %v", name, docNames, gt, goNames)
		}
		if !slices.Equal(docRequired, goRequired) {
			t.Errorf("schema %s: required %v, %s always writes %v", name, docRequired, gt, goRequired)
		}
	}
}

// oaSchemaType is the Go type of the x-go-type schema a property refers to
// (directly, through allOf, items or additionalProperties); nil for none.
func oaSchemaType(t *testing.T, doc map[string]any, prop any) reflect.Type {
	p := oaObj(prop)
	for p != nil {
		if ref, ok := p["$ref"].(string); ok {
			s, err := oaResolve(doc, ref)
			if err != nil {
				t.Error(err)
				return nil
			}
			if s["x-go-type"] == nil {
				return nil
			}
			return openAPITypes[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
		switch {
		case p["allOf"] != nil:
			p = oaObj(p["allOf"].([]any)[0])
		case p["items"] != nil:
			p = oaObj(p["items"])
		case oaObj(p["additionalProperties"]) != nil:
			p = oaObj(p["additionalProperties"])
		default:
			return nil
		}
	}
	return nil
}

// derefElem strips pointers, slices and maps down to the element type.
func derefElem(t reflect.Type) reflect.Type {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return t
		}
	}
}

// oaValidate checks v against schema, the subset of JSON Schema the
// document uses ($ref, allOf, type, enum, properties, required,
// additionalProperties, items). request: required is not checked (the
// entity schemas' required lists what answers always hold).
func oaValidate(doc map[string]any, schema map[string]any, v any, at string, request bool) []string {
	if ref, ok := schema["$ref"].(string); ok {
		s, err := oaResolve(doc, ref)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return oaValidate(doc, s, v, at, request)
	}
	var errs []string
	for _, sub := range oaList(schema["allOf"]) {
		errs = append(errs, oaValidate(doc, oaObj(sub), v, at, request)...)
	}
	kind := oaKind(v)
	if ty := schema["type"]; ty != nil {
		types := oaList(ty)
		if s, ok := ty.(string); ok {
			types = []any{s}
		}
		okType := false
		for _, x := range types {
			okType = okType || x == kind || x == "number" && kind == "integer"
		}
		if !okType {
			return append(errs, fmt.Sprintf("%s: got %s, documented %v", at, kind, ty))
		}
	}
	if e := oaList(schema["enum"]); e != nil && !slices.ContainsFunc(e, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) }) {
		errs = append(errs, fmt.Sprintf("%s: %v not in the enum %v", at, v, e))
	}
	switch v := v.(type) {
	case map[string]any:
		props := oaObj(schema["properties"])
		for k, x := range v {
			switch ps, extra := oaObj(props[k]), schema["additionalProperties"]; {
			case ps != nil:
				errs = append(errs, oaValidate(doc, ps, x, at+"."+k, request)...)
			case oaObj(extra) != nil:
				errs = append(errs, oaValidate(doc, oaObj(extra), x, at+"."+k, request)...)
			case extra == false || props != nil:
				errs = append(errs, fmt.Sprintf("%s: field %q is not documented", at, k))
			}
		}
		if !request {
			for _, r := range oaList(schema["required"]) {
				if _, ok := v[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: required field %q missing", at, r))
				}
			}
		}
	case []any:
		if items := oaObj(schema["items"]); items != nil {
			for i, x := range v {
				errs = append(errs, oaValidate(doc, items, x, fmt.Sprintf("%s[%d]", at, i), request)...)
			}
		}
	}
	return errs
}

func oaList(v any) []any { l, _ := v.([]any); return l }

func oaKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// TestOpenAPIValidatorFails: the validator catches what it must, or the
// answers' checks below would pass vacuously.
func TestOpenAPIValidatorFails(t *testing.T) {
	doc := openAPIDocument(t)
	ext := map[string]any{"$ref": "#/components/schemas/Extension"}
	for _, c := range []struct {
		v    string
		fail bool
	}{
		{`{"number":"1001","password":"","max_contacts":2,"created_at":"x","updated_at":"x"}`, false},
		{`{"number":"1001","password":"","max_contacts":2,"created_at":"x","updated_at":"x","colour":"red"}`, true},
		{`{"number":"1001","password":"","max_contacts":2,"created_at":"x"}`, true},
		{`{"number":1001,"password":"","max_contacts":2,"created_at":"x","updated_at":"x"}`, true},
		{`{"number":"1001","password":"","max_contacts":2,"created_at":"x","updated_at":"x","features":{"dnd":true,"forward":{"busy":"1"},"follow_me":[{"number":"1","timeout":"x"}]}}`, true},
	} {
		var v any
		dec := json.NewDecoder(strings.NewReader(c.v))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if errs := oaValidate(doc, ext, v, "$", false); (len(errs) > 0) != c.fail {
			t.Errorf("%s: errors %v, want failure %v", c.v, errs, c.fail)
		}
	}
}

// openAPIRooms is one live conference room.
type openAPIRooms struct{}

func (openAPIRooms) List() []conference.Info {
	return []conference.Info{{Name: "sales", Locked: true, Recording: true, Members: []conference.MemberInfo{
		{CallID: "c1@test", Number: "1001", Name: "Ann", Admin: true, Joined: time.Unix(1e9, 0)}}}}
}
func (openAPIRooms) Kick(room, callID string) error          { return conference.ErrNoSuchRoom }
func (openAPIRooms) Mute(room, callID string, on bool) error { return conference.ErrNoSuchRoom }
func (openAPIRooms) Lock(room string, on bool) error         { return conference.ErrNoSuchRoom }

// TestOpenAPIAnswers drives the API over a populated store and checks
// every request body sent and every answer got against the document: the
// status must be documented for the operation, and a JSON answer must
// have exactly the documented fields (all the required ones, no other),
// at every depth.
func TestOpenAPIAnswers(t *testing.T) {
	doc := openAPIDocument(t)
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
	live := &callsLive{fakeLive: &fakeLive{gen: 3, plugins: map[string][]byte{"billing.wasm": []byte("\x00asm")}}}
	now := time.Now().UTC()
	live.set(call.CallInfo{CallID: "c9@test", Caller: "1001", CallerName: "Ann", Callee: "1002", FinalDest: "1002",
		Direction: "internal", State: call.StateTalking, StartTime: now, AnswerTime: now})
	live.regs = []store.Binding{{AOR: "1001", Contact: "sip:1001@192.0.2.7:5060", Source: "192.0.2.7:5060", Transport: "udp",
		CallID: "r1", CSeq: 2, Expires: now.Add(time.Hour), UserAgent: "baresip", InstanceID: "<urn:uuid:1>", UpdatedAt: now}}
	qm := queue.New(queue.Options{})
	api := &API{B: st, L: live, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }, VM: vm, Rec: rec,
		Rooms: openAPIRooms{}, TrunkCtl: liveTrunks{}, Queues: qm, PhoneURL: "https://pbx.example.com/phone/", Logs: logring.New(0, 0)}
	slog.New(logring.NewHandler(slog.DiscardHandler, api.Logs)).Warn("hook failed", "call_id", "c9@test", "hook", "route")
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	paths := oaObj(doc["paths"])

	// send makes a request as user (password pw), checks the body and the
	// answer against pattern's operation, and returns the status and body.
	send := func(user, pw, method, pattern, path, body string) (int, string) {
		t.Helper()
		op := oaObj(oaObj(paths[pattern])[strings.ToLower(method)])
		if op == nil {
			t.Fatalf("%s %s: not documented", method, pattern)
		}
		if body != "" {
			schema := oaObj(oaObj(oaObj(oaObj(op["requestBody"])["content"])["application/json"])["schema"])
			if schema == nil {
				t.Fatalf("%s %s: no JSON request body documented", method, pattern)
			}
			var v any
			dec := json.NewDecoder(strings.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s %s: test body: %v", method, path, err)
			}
			for _, e := range oaValidate(doc, schema, v, "request", true) {
				t.Errorf("%s %s: %s", method, path, e)
			}
		}
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
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
		r := oaObj(oaObj(op["responses"])[fmt.Sprint(res.StatusCode)])
		if r == nil {
			t.Errorf("%s %s: status %d is not documented (%s)", method, path, res.StatusCode, b)
			return res.StatusCode, string(b)
		}
		if ref, ok := r["$ref"].(string); ok {
			if r, err = oaResolve(doc, ref); err != nil {
				t.Fatal(err)
			}
		}
		ct := res.Header.Get("Content-Type")
		content := oaObj(r["content"])
		if res.StatusCode == 204 || len(content) == 0 {
			if len(b) > 0 {
				t.Errorf("%s %s: %d with a body, documented without: %s", method, path, res.StatusCode, b)
			}
			return res.StatusCode, string(b)
		}
		mt, _, _ := strings.Cut(ct, ";")
		media := oaObj(content[mt])
		if media == nil {
			t.Errorf("%s %s: content type %q is not documented", method, path, ct)
			return res.StatusCode, string(b)
		}
		if mt == "application/json" {
			var v any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Errorf("%s %s: answer is not JSON: %v", method, path, err)
			}
			for _, e := range oaValidate(doc, oaObj(media["schema"]), v, "answer", false) {
				t.Errorf("%s %s (%d): %s", method, path, res.StatusCode, e)
			}
		}
		return res.StatusCode, string(b)
	}
	admin := func(method, pattern, path, body string, want int) string {
		t.Helper()
		code, out := send("admin", "pw", method, pattern, path, body)
		if code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, out)
		}
		return out
	}

	// Populate, through the API, with most fields of each entity set.
	for _, n := range []string{"1001", "1002", "1003"} {
		admin("POST", "/api/v1/extensions", "/api/v1/extensions",
			`{"number": "`+n+`", "password": "Open-Sesame-42", "name": "Ext `+n+`", "email": "x`+n+`@example.com", "max_contacts": 3}`, 201)
	}
	admin("PUT", "/api/v1/extensions/{number}/features", "/api/v1/extensions/1001/features",
		`{"dnd": true, "forward": {"busy": "1002"}, "follow_me": [{"number": "1003", "timeout": 20}], "class": "national", "outbound_cid1": "+4930123", "outbound_cid2": "+4930124"}`, 200)
	admin("PUT", "/api/v1/extensions/{number}", "/api/v1/extensions/1002",
		`{"name": "Ext 1002", "email": "x1002@example.com", "max_contacts": 3, "codecs": ["PCMA", "G722"], "dtmf_mode": "rfc2833", "permit_ip": ["192.0.2.0/24"], "recording": "always", "language": "en", "pickup_group": 1, "call_waiting": false, "voicemail": true}`, 200)
	admin("PUT", "/api/v1/trunks/{name}", "/api/v1/trunks/carrier",
		`{"kind": "register", "host": "sip.example.net", "transport": "udp", "username": "4930123", "auth_username": "u1", "password": "s3cret", "realm": "example.net", "from_domain": "example.net", "expiry": 600, "max_calls": 4, "qualify": 30, "outbound_cid": "+4930123", "class": "national", "headers": ["X-Account: 1"]}`, 200)
	admin("PUT", "/api/v1/trunks/{name}", "/api/v1/trunks/gw", `{"kind": "ip", "host": "192.0.2.1", "ips": ["192.0.2.1"]}`, 200)
	admin("PUT", "/api/v1/timeconditions/{name}", "/api/v1/timeconditions/office",
		`{"zone": "Europe/Berlin", "weekdays": {"mon": ["09:00-17:00"], "sat": ["10:00-13:00"]}, "holidays": [{"name": "Christmas", "date": "12-25"}]}`, 200)
	admin("PUT", "/api/v1/timeconditions/{name}/override", "/api/v1/timeconditions/office/override",
		`{"mode": "closed", "until": "2099-01-01T00:00:00Z"}`, 204)
	admin("PUT", "/api/v1/tenants/{name}", "/api/v1/tenants/acme",
		`{"domain": "acme.example.com", "trunks": [{"trunk": "gw", "did_pool": "5000-5999"}]}`, 200)
	admin("PUT", "/api/v1/routes/inbound/{name}", "/api/v1/routes/inbound/main",
		`{"order": 1, "trunks": ["carrier"], "did": "*", "caller_mask": "0044********", "time_condition": "office", "destination": {"kind": "extension", "target": "1001"}, "closed_destination": {"kind": "hangup"}}`, 200)
	admin("PUT", "/api/v1/pinsets/{name}", "/api/v1/pinsets/sales", `{"description": "sales", "pins": [{"pin": "1234", "label": "ann"}]}`, 200)
	admin("POST", "/api/v1/pinsets/{name}/pins", "/api/v1/pinsets/sales/pins", `{"pin": "5678", "label": "bob"}`, 204)
	admin("PUT", "/api/v1/routes/outbound/{name}", "/api/v1/routes/outbound/out",
		`{"order": 2, "patterns": [{"prefix": "9", "pattern": "NXXXXXX", "prepend": "030"}], "sources": ["*"], "trunks": ["carrier"], "min_len": 3, "max_len": 20, "time_condition": "office", "pin_set": "sales", "caller_id": "trunk", "method": "linear"}`, 200)
	admin("POST", "/api/v1/groups", "/api/v1/groups",
		`{"number": "300", "name": "Sales", "strategy": "hunt", "ring_time": 15, "members": ["1001", "1002"], "no_answer": {"kind": "extension", "target": "1003"}, "caller_id_prefix": "Sales: "}`, 201)
	admin("POST", "/api/v1/queues", "/api/v1/queues",
		`{"number": "400", "name": "Support", "static_agents": [{"ext": "1001", "penalty": 1}], "dynamic_agents": ["1002"], "no_answer": {"kind": "voicemail", "target": "1003"}, "caller_id_prefix": "Q: "}`, 201)
	admin("PUT", "/api/v1/queues/{number}/agents/{ext}", "/api/v1/queues/400/agents/1002", `{"logged_in": true, "paused": true, "reason": "lunch"}`, 204)
	admin("PUT", "/api/v1/dialpolicy", "/api/v1/dialpolicy",
		`{"blocked_prefixes": ["0900"], "country_codes": ["49"], "international_prefix": "00", "national_prefix": "0", "emergency": ["112"], "emergency_cid": "+4930123"}`, 204)
	admin("POST", "/api/v1/blacklist", "/api/v1/blacklist", `{"number": "+4930999"}`, 204)
	admin("POST", "/api/v1/users", "/api/v1/users", `{"name": "ann", "role": "operator", "password": "Correct-Horse-77"}`, 201)
	admin("PUT", "/api/v1/users/{name}", "/api/v1/users/ann", `{"role": "supervisor", "disabled": false}`, 200)
	tok := admin("POST", "/api/v1/auth/tokens", "/api/v1/auth/tokens", `{"name": "ci", "role": "operator", "expires_at": "`+now.AddDate(1, 0, 0).Format(time.RFC3339)+`"}`, 201)
	if !strings.Contains(tok, `"token":"hs_`) {
		t.Errorf("token answer without its secret: %s", tok)
	}
	admin("PUT", "/api/v1/billing/balances/{ext}", "/api/v1/billing/balances/1001", `{"balance": "12.50"}`, 200)
	admin("POST", "/api/v1/billing/balances/{ext}/topup", "/api/v1/billing/balances/1001/topup", `{"amount": 5}`, 200)
	addCDRs(t, st, now, 6)
	ms := &mediaServer{rec: rec, vm: vm}
	recID, _ := ms.record(t, recording.Meta{Kind: recording.KindCall, CallID: "c1@test", From: "1001", To: "1002"}, time.Second)
	vmID, _ := ms.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
	if _, err := vm.Deposit("1001", vmID, "1003", "Carol"); err != nil {
		t.Fatal(err)
	}

	// Read everything back.
	for _, c := range [][2]string{
		{"/api/v1/status", ""}, {"/api/v1/system", ""}, {"/api/v1/extensions", ""},
		{"/api/v1/extensions/{number}/features", "/api/v1/extensions/1001/features"},
		{"/api/v1/registrations", ""}, {"/api/v1/calls", ""}, {"/api/v1/stats/calls", "/api/v1/stats/calls?hours=3"}, {"/api/v1/stats/hourly", "/api/v1/stats/hourly?hours=3"},
		{"/api/v1/cdrs", "/api/v1/cdrs?limit=4"}, {"/api/v1/trunks", ""}, {"/api/v1/tenants", ""},
		{"/api/v1/tenants/{name}", "/api/v1/tenants/acme"}, {"/api/v1/routes/inbound", ""},
		{"/api/v1/extensions/{number}", "/api/v1/extensions/1002"},
		{"/api/v1/tenants/{name}/usage", "/api/v1/tenants/acme/usage"},
		{"/api/v1/routes/inbound/{name}", "/api/v1/routes/inbound/main"}, {"/api/v1/routes/outbound", ""},
		{"/api/v1/routes/outbound/{name}", "/api/v1/routes/outbound/out"}, {"/api/v1/timeconditions", ""},
		{"/api/v1/pinsets", ""}, {"/api/v1/pinsets/{name}", "/api/v1/pinsets/sales?reveal=1"},
		{"/api/v1/groups", ""}, {"/api/v1/groups/{number}", "/api/v1/groups/300"}, {"/api/v1/queues", ""},
		{"/api/v1/queues/{number}", "/api/v1/queues/400"}, {"/api/v1/queues/status", ""},
		{"/api/v1/queues/{number}/status", "/api/v1/queues/400/status"},
		{"/api/v1/queues/{number}/abandoned", "/api/v1/queues/400/abandoned"}, {"/api/v1/dialpolicy", ""},
		{"/api/v1/blacklist", ""}, {"/api/v1/users", ""}, {"/api/v1/users/{name}", "/api/v1/users/ann"},
		{"/api/v1/auth/tokens", ""}, {"/api/v1/audit", "/api/v1/audit?limit=50"}, {"/api/v1/auth/me", ""},
		{"/api/v1/billing/balances", ""}, {"/api/v1/billing/balances/{ext}", "/api/v1/billing/balances/1001"},
		{"/api/v1/recordings", ""}, {"/api/v1/recordings/{id}", "/api/v1/recordings/" + recID},
		{"/api/v1/voicemail", ""}, {"/api/v1/voicemail/{box}", "/api/v1/voicemail/1001"},
		{"/api/v1/conferences", ""}, {"/api/v1/scripts", ""}, {"/api/v1/plugins", ""}, {"/api/v1/openapi.json", ""},
		{"/api/v1/logs", "/api/v1/logs?level=warn&limit=5"}, {"/api/v1/backups", ""},
	} {
		path := c[1]
		if path == "" {
			path = c[0]
		}
		admin("GET", c[0], path, "", 200)
	}
	admin("GET", "/api/v1/groups/{number}", "/api/v1/groups/999", "", 404)
	admin("PUT", "/api/v1/voicemail/{box}/{id}", "/api/v1/voicemail/1001/"+vmID, `{"folder": "saved"}`, 200)
	admin("GET", "/api/v1/me", "/api/v1/me", "", 404) // the admin credential has no extension

	// The portal, as extension 1001.
	user := func(method, pattern, path, body string, want int) {
		t.Helper()
		if code, out := send("1001", "Open-Sesame-42", method, pattern, path, body); code != want {
			t.Fatalf("%s %s as 1001: %d, want %d: %s", method, path, code, want, out)
		}
	}
	user("POST", "/api/v1/me/contacts", "/api/v1/me/contacts", `{"name": "Bob", "number": "+4930555"}`, 201)
	user("PUT", "/api/v1/me/features", "/api/v1/me/features", `{"dnd": false, "forward": {"all": "", "busy": "1002", "no_answer": "", "unavailable": ""}}`, 200)
	for _, p := range []string{"/api/v1/me", "/api/v1/me/portal", "/api/v1/me/voicemail", "/api/v1/me/calls",
		"/api/v1/me/features", "/api/v1/me/contacts", "/api/v1/auth/me", "/api/v1/openapi.json"} {
		user("GET", p, p, "", 200)
	}
	user("GET", "/api/v1/users", "/api/v1/users", "", 403)

	// The document served is the embedded one.
	_, served := send("admin", "pw", "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "")
	if served != string(openAPIDoc) {
		t.Error("GET /api/v1/openapi.json differs from openapi.json")
	}
}

package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/web/auth"
)

// writePrompt writes dir/rel as a WAV of seconds at rate Hz.
func writePrompt(t *testing.T, dir, rel string, seconds float64, rate int) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, wav.Encode(make([]int16, int(seconds*float64(rate))), rate, 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPromptsList: the shipped prompts with the admin's directory merged
// in: an override of a shipped prompt, a new prompt in two languages, a
// broken file reported, names no program can play left out; the roles
// of the policy; answers that match the OpenAPI document.
func TestPromptsList(t *testing.T) {
	dir := t.TempDir()
	writePrompt(t, dir, "en/ivr/welcome.wav", 1.5, 16000) // overrides the shipped one
	writePrompt(t, dir, "en/sales/intro.wav", 2, 8000)    // new, in two languages
	writePrompt(t, dir, "de/sales/intro.wav", 3, 8000)
	os.MkdirAll(filepath.Join(dir, "de", "ivr"), 0o755)
	os.WriteFile(filepath.Join(dir, "de", "ivr", "goodbye.wav"), []byte("not a wav at all"), 0o644)
	// Not playable by name: a space, too deep, not .wav, music on hold.
	writePrompt(t, dir, "en/ivr/bad name.wav", 1, 8000)
	writePrompt(t, dir, "en/a/b/c/d/too_deep.wav", 1, 8000)
	os.WriteFile(filepath.Join(dir, "en", "sales", "notes.txt"), []byte("script"), 0o644)
	writePrompt(t, dir, "moh/default/track.wav", 1, 8000)

	st := liveStore(t)
	now := time.Now()
	tokens := map[string]string{}
	for _, role := range []auth.Role{auth.RoleTenantAdmin, auth.RoleOperator, auth.RoleSupervisor} {
		tenant := ""
		if role == auth.RoleTenantAdmin {
			tenant = "acme"
		}
		tok, secret := auth.NewToken("t-"+role, role, tenant, auth.SocketUser, now, time.Time{})
		if err := st.CreateToken(tok); err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	api := &API{B: st, L: &fakeLive{}, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }, PromptsDir: dir}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	get := func(role auth.Role) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/prompts", nil)
		if role == auth.RoleAdmin {
			req.SetBasicAuth("admin", "pw")
		} else {
			req.Header.Set("Authorization", "Bearer "+tokens[role])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}

	code, body := get(auth.RoleAdmin)
	if code != 200 {
		t.Fatalf("admin: %d %s", code, body)
	}
	var list []Prompt
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	byName := map[string]Prompt{}
	for _, p := range list {
		byName[p.Name] = p
	}
	if !slices.IsSortedFunc(list, func(a, b Prompt) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("not sorted by name")
	}
	if len(list) < 100 {
		t.Errorf("%d prompts: the shipped set has more", len(list))
	}
	check := func(name, source string, langs []string, dur float64, errText string) {
		t.Helper()
		p, ok := byName[name]
		if !ok {
			t.Errorf("%s: not listed", name)
			return
		}
		if p.Source != source || !slices.Equal(p.Languages, langs) || p.Duration != dur || !strings.Contains(p.Error, errText) || errText == "" && p.Error != "" {
			t.Errorf("%s: %+v; want source %s, languages %v, duration %v, error %q", name, p, source, langs, dur, errText)
		}
	}
	check("ivr/welcome", "override", []string{"en"}, 1.5, "")
	check("sales/intro", "added", []string{"de", "en"}, 2, "") // the default language's length
	check("ivr/goodbye", "override", []string{"de", "en"}, byName["ivr/goodbye"].Duration, "de: wav: not a RIFF/WAVE file")
	if d := byName["ivr/goodbye"].Duration; d <= 0.2 || d > 10 {
		t.Errorf("shipped ivr/goodbye lasts %v s", d)
	}
	if p := byName["digits/7"]; p.Source != "shipped" || p.Duration <= 0 || p.Error != "" {
		t.Errorf("digits/7: %+v", p)
	}
	for _, name := range []string{"ivr/bad name", "a/b/c/d/too_deep", "sales/notes.txt", "default/track"} {
		if _, ok := byName[name]; ok {
			t.Errorf("%s: listed, but no program can play it", name)
		}
	}
	for _, p := range list {
		if strings.HasPrefix(p.Name, "moh/") || strings.HasPrefix(p.Name, "default/") {
			t.Errorf("music on hold listed as a prompt: %s", p.Name)
		}
	}

	// The answer is what the document says.
	doc := openAPIDocument(t)
	op := oaObj(oaObj(oaObj(doc["paths"])["/api/v1/prompts"])["get"])
	schema := oaObj(oaObj(oaObj(oaObj(oaObj(op["responses"])["200"])["content"])["application/json"])["schema"])
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, e := range oaValidate(doc, schema, v, "answer", false) {
		t.Error(e)
	}

	// Those who read or edit IVRs list them; others do not.
	for role, want := range map[auth.Role]int{auth.RoleTenantAdmin: 200, auth.RoleOperator: 200, auth.RoleSupervisor: 403} {
		if code, b := get(role); code != want {
			t.Errorf("%s: %d %s, want %d", role, code, b, want)
		}
	}

	// Without a prompts directory (or before one exists): the shipped set.
	bare := httptest.NewServer((&API{B: st, L: &fakeLive{}, PromptsDir: filepath.Join(dir, "missing")}).Handler())
	defer bare.Close()
	res, err := http.Get(bare.URL + "/api/v1/prompts")
	if err != nil {
		t.Fatal(err)
	}
	var shipped []Prompt
	json.NewDecoder(res.Body).Decode(&shipped)
	res.Body.Close()
	for _, p := range shipped {
		if p.Source != "shipped" || p.Duration <= 0 || p.Error != "" || !slices.Contains(p.Languages, "en") {
			t.Errorf("shipped %+v", p)
		}
	}
	if res.StatusCode != 200 || len(shipped) != len(list)-1 { // all but sales/intro
		t.Errorf("without a prompts dir: %d, %d prompts, want 200 and %d", res.StatusCode, len(shipped), len(list)-1)
	}
}

// TestWAVDuration: the header walk agrees with the decoder on the odd
// files it accepts, and refuses what it cannot read.
func TestWAVDuration(t *testing.T) {
	dur := func(b []byte) (float64, error) { return wavDuration(bytes.NewReader(b), int64(len(b))) }
	plain := wav.Encode(make([]int16, 8000*3), 8000, 2) // stereo: 1.5 s
	if d, err := dur(plain); err != nil || d != 1.5 {
		t.Errorf("stereo: %v, %v; want 1.5", d, err)
	}
	// A LIST chunk (odd-sized, padded) before fmt, data size 0 as a
	// streaming writer leaves it.
	list := append([]byte("LIST\x03\x00\x00\x00abc\x00"), plain[12:]...)
	streamed := append(append([]byte{}, plain[:12]...), list...)
	at := bytes.Index(streamed, []byte("data"))
	copy(streamed[at+4:], []byte{0, 0, 0, 0})
	if d, err := dur(streamed); err != nil || d != 1.5 {
		t.Errorf("LIST first, streamed data size: %v, %v; want 1.5", d, err)
	}
	for name, b := range map[string][]byte{
		"empty": nil, "text": []byte("hello world, not audio"),
		"no data": plain[:bytes.Index(plain, []byte("data"))], "float": func() []byte {
			c := append([]byte{}, plain...)
			c[20] = 3 // IEEE float
			return c
		}(),
	} {
		if d, err := dur(b); err == nil {
			t.Errorf("%s: %v s, want an error", name, d)
		}
	}
}

package integration

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

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// apiLive serves a test switch's API as cmd/hookswitch's live does: the
// methods the script editor and backups use (the rest of web.Live is the
// nil embedded interface: these tests never call it).
type apiLive struct {
	web.Live
	s    *server.Server
	data string
}

func (l apiLive) ReloadScripts() (uint64, error) { return l.s.Hooks.Reload() }
func (l apiLive) ScriptGeneration() uint64       { return l.s.Hooks.Generation() }
func (l apiLive) ScriptsDir() string             { return l.s.Hooks.Dir() }
func (l apiLive) ActiveCalls() int               { return l.s.Calls.Active() }
func (l apiLive) BackupDirs(keys bool) []web.DataDir {
	ds := []web.DataDir{{Name: "scripts", Path: l.s.Hooks.Dir()}}
	for _, n := range []string{"voicemail", "recordings", "prompts", "moh"} {
		ds = append(ds, web.DataDir{Name: n, Path: filepath.Join(l.data, n)})
	}
	return ds
}
func (l apiLive) TempDir() string                    { return l.data }
func (l apiLive) BackupStore(w io.Writer) error      { return l.s.Store.Backup(w) }
func (l apiLive) RestoreStore(r io.ReadSeeker) error { return l.s.Store.Restore(r) }
func (l apiLive) Version() string                    { return "test" }
func (l apiLive) Restored() ([]string, error) {
	l.s.Audio.Forget()
	if err := l.s.SyncTrunks(); err != nil {
		return nil, err
	}
	if err := l.s.SyncQueues(); err != nil {
		return nil, err
	}
	_, err := l.s.Hooks.Reload()
	return nil, err
}

func serveAPI(t *testing.T, sw *testSwitch) string {
	t.Helper()
	srv := httptest.NewServer((&web.API{B: sw.st, L: apiLive{s: sw.srv, data: sw.cfg.DataDir}, VM: sw.srv.Voicemail, Rec: sw.srv.Recordings}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func apiDo(t *testing.T, method, url string, body []byte, out any) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, url, res.StatusCode, b, err)
		}
	}
	return res.StatusCode, b
}

// callGoesTo dials 5000 from a and checks which phone the dial plan chose:
// 1002 is busy (486), 1003 answers (200, then hung up).
func callGoesTo(t *testing.T, a, want *phone) {
	t.Helper()
	c := a.dial(t, "5000")
	in := want.waitIncoming(t)
	if in.req.From().Address.User != a.user {
		t.Fatalf("%s got a call from %s", want.user, in.req.From().Address.User)
	}
	res, _ := c.final(t)
	switch want.user {
	case "1002":
		if res.StatusCode != 486 {
			t.Fatalf("call to 1002: %d, want 486", res.StatusCode)
		}
	case "1003":
		if res.StatusCode != 200 {
			t.Fatalf("call to 1003: %d, want 200", res.StatusCode)
		}
		if r := c.ack(t, res).bye(t); r.StatusCode != 200 {
			t.Fatalf("BYE: %d", r.StatusCode)
		}
	}
}

// The script editor over the API: a good script is live for the next
// call, a syntax error is refused with its line and the old script stays
// live, and a rollback brings the previous one back.
func TestScriptEditorAPI(t *testing.T) {
	t.Parallel()
	sw, dir := withScripts(t, routeTo("5000", "1002"))
	api := serveAPI(t, sw) + "/api/v1/scripts/dialplan.lua"
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{a, b, c} {
		p.mustRegister(t)
	}
	b.setPolicy(policyBusy, 0)
	c.setPolicy(policyAnswer, 50*time.Millisecond)
	callGoesTo(t, a, b)

	if code, body := apiDo(t, "PUT", api, []byte(routeTo("5000", "1003")), nil); code != 200 {
		t.Fatalf("save: %d %s", code, body)
	}
	callGoesTo(t, a, c)

	var bad struct {
		Error string `json:"error"`
		Line  int    `json:"line"`
	}
	broken := "function route(call)\n  if call.to == \"5000\" then\n    return { action = \"bridge\", targets = { \"1002\" } \n  end\nend\n"
	if code, _ := apiDo(t, "PUT", api, []byte(broken), &bad); code != 422 || bad.Line != 4 {
		t.Fatalf("syntax error: %d %+v, want 422 at line 4", code, bad)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "dialplan.lua")); string(b) != routeTo("5000", "1003") {
		t.Fatalf("the refused script was written: %q", b)
	}
	callGoesTo(t, a, c) // the saved script is still the live one

	if code, body := apiDo(t, "POST", api+"/rollback", nil, nil); code != 200 {
		t.Fatalf("rollback: %d %s", code, body)
	}
	callGoesTo(t, a, b)
}

// A backup of a populated switch restored into a fresh one: extensions,
// voicemail, recordings and scripts are back, and live.
func TestBackupRestoreAPI(t *testing.T) {
	t.Parallel()
	scriptsIn := func(plan string) func(*server.Config) {
		return func(c *server.Config) {
			c.ScriptsDir = filepath.Join(c.DataDir, "scripts")
			if err := os.MkdirAll(c.ScriptsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeScript(t, c.ScriptsDir, "dialplan.lua", plan)
		}
	}
	src := newSwitch(t, scriptsIn(routeTo("5000", "1003")))
	if err := src.st.CreateExtension(store.Extension{Number: "2001", Password: passwordOf("2001"), Name: "Backed Up"}); err != nil {
		t.Fatal(err)
	}
	wav := func(seed byte) []byte {
		b := recording.AppendWAVHeader(nil, 1, 8000, 1600)
		return append(b, bytes.Repeat([]byte{seed}, 1600)...)
	}
	newRec := func(kind string, body []byte) string {
		id, path, err := src.srv.Recordings.Create(recording.Meta{Kind: kind, From: "1002", To: "1001"})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := src.srv.Recordings.Finish(id, 0); err != nil {
			t.Fatal(err)
		}
		return id
	}
	recID := newRec(recording.KindCall, wav(7))
	vmID := newRec(recording.KindProgram, wav(9))
	if _, err := src.srv.Voicemail.Deposit("1001", vmID, "1002", "Bob"); err != nil {
		t.Fatal(err)
	}
	srcAPI := serveAPI(t, src)
	code, archive := apiDo(t, "GET", srcAPI+"/api/v1/backup", nil, nil)
	if code != 200 || len(archive) < 100 {
		t.Fatalf("backup: %d (%d bytes)", code, len(archive))
	}

	dst := newSwitch(t, scriptsIn(routeTo("5000", "1002")))
	if err := dst.st.CreateExtension(store.Extension{Number: "9999", Password: passwordOf("9999")}); err != nil {
		t.Fatal(err)
	}
	// 2001 is unknown here: a REGISTER is refused (and that is cached).
	p2001 := newPhone(t, dst, "2001")
	if res := p2001.register(t, 600, true); res.StatusCode == 200 {
		t.Fatal("2001 registered before the restore")
	}
	dstAPI := serveAPI(t, dst)
	var res web.RestoreResult
	if code, body := apiDo(t, "POST", dstAPI+"/api/v1/restore", archive, &res); code != 200 {
		t.Fatalf("restore: %d %s", code, body)
	}
	if res.Warning != "" || !slices.Contains(res.Dirs, "voicemail") || !slices.Contains(res.Dirs, "scripts") {
		t.Fatalf("restore result: %+v", res)
	}

	es, err := dst.st.ListExtensions()
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	for _, e := range es {
		nums = append(nums, e.Number)
	}
	if !slices.Equal(nums, []string{"1001", "1002", "1003", "2001"}) {
		t.Fatalf("extensions after restore: %v", nums)
	}
	if _, err := dst.srv.Recordings.Get(recID); err != nil {
		t.Fatalf("recording after restore: %v", err)
	}
	if p, err := dst.srv.Recordings.Path(recID); err != nil {
		t.Fatal(err)
	} else if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, wav(7)) {
		t.Fatalf("recording file after restore: %v", err)
	}
	msgs, err := dst.srv.Voicemail.Messages("1001", "")
	if err != nil || len(msgs) != 1 || msgs[0].Caller != "1002" {
		t.Fatalf("voicemail after restore: %+v %v", msgs, err)
	}
	if p, err := dst.srv.Voicemail.Path("1001", msgs[0].ID); err != nil {
		t.Fatal(err)
	} else if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, wav(9)) {
		t.Fatalf("voicemail file after restore: %v", err)
	}
	if !strings.HasPrefix(filepath.Clean(dst.srv.Hooks.Dir()), filepath.Clean(dst.cfg.DataDir)) {
		t.Fatalf("scripts dir %s", dst.srv.Hooks.Dir())
	}

	// Live: the restored extension registers (no stale cache), and the
	// restored dial plan routes 5000 to 1003.
	p2001.mustRegister(t)
	a, c := newPhone(t, dst, "1001"), newPhone(t, dst, "1003")
	a.mustRegister(t)
	c.mustRegister(t)
	c.setPolicy(policyAnswer, 50*time.Millisecond)
	callGoesTo(t, a, c)
	// A restore waits for calls to end (409): let the call's end land.
	waitFor(t, "the call to end", func() bool { return dst.srv.Calls.Active() == 0 })

	// A tampered backup is refused and changes nothing.
	if err := dst.st.CreateExtension(store.Extension{Number: "3001", Password: passwordOf("3001")}); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(archive)
	tampered[len(tampered)/2] ^= 0x40
	if code, body := apiDo(t, "POST", dstAPI+"/api/v1/restore", tampered, nil); code != 422 {
		t.Fatalf("tampered restore: %d %s", code, body)
	}
	if _, err := dst.st.GetExtension("3001"); err != nil {
		t.Fatalf("the refused restore changed the store: %v", err)
	}
}

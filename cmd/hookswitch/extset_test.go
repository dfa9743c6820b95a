package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// ext show and ext set cover the P1 settings, keep what a flag leaves out
// and refuse bad values naming the flag, in both modes; tenant usage,
// stats and backup list answer in both too.
func TestExtSetShowUsageStatsCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			// CDRs of this hour, one of tenant acme, before anything holds the store.
			st, err := store.Open(dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			for i, status := range []string{"answered", "busy", "answered"} {
				c := &store.CDR{CallID: "c" + string(rune('0'+i)), Caller: "1001", Callee: "1002", StartTime: now, EndTime: now, Status: status}
				if i == 2 {
					c.Tenant = "acme"
				}
				if err := st.AddCDR(c); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()
			var held *store.Store // the store the "switch" holds
			if mode == "control socket" {
				held = holdStore(t, dir)
			}
			run := func(args ...string) (string, string, int) { return cli(t, append(args, "--data", dir)...) }
			if _, errs, code := run("tenant", "set", "acme", "--domain", "acme.example.com", "--max-extensions", "3"); code != 0 {
				t.Fatal(errs)
			}
			if out, errs, code := run("ext", "add", "1001", "--password", "Secret1234x", "--name", "Ann", "--codecs", "pcma,PCMU", "--language", "de"); code != 0 {
				t.Fatalf("ext add with settings: %q %s", out, errs)
			}
			if out, errs, code := run("ext", "set", "1001", "--dtmf-mode", "info", "--permit-ip", "10.0.0.0/8, 192.0.2.1",
				"--recording", "always", "--pickup-group", "7", "--call-waiting=false", "--voicemail=false", "--tenant", "acme",
				"--email", "ann@example.com", "--max-contacts", "3"); code != 0 || !strings.Contains(out, "extension 1001 saved") {
				t.Fatalf("ext set: %q %s", out, errs)
			}
			// A flag left out keeps the value: --name only.
			if _, errs, code := run("ext", "set", "1001", "--name", "Ann B"); code != 0 {
				t.Fatal(errs)
			}
			out, errs, code := run("ext", "show", "1001", "--json")
			var e store.Extension
			if code != 0 || json.Unmarshal([]byte(out), &e) != nil {
				t.Fatalf("ext show --json: %q %s", out, errs)
			}
			if e.Name != "Ann B" || e.Email != "ann@example.com" || e.MaxContacts != 3 || e.Tenant != "acme" ||
				strings.Join(e.Codecs, ",") != "PCMA,PCMU" || e.DTMFMode != "info" || strings.Join(e.PermitIP, ",") != "10.0.0.0/8,192.0.2.1" ||
				e.Recording != "always" || e.Language != "de" || e.PickupGroup != 7 || e.CallWaitingOn() || e.VoicemailOn() || e.Password != "" {
				t.Fatalf("stored extension: %+v", e)
			}
			out, _, _ = run("ext", "show", "1001")
			for _, want := range []string{"codecs:        PCMA,PCMU", "call waiting:  off", "voicemail:     off", "pickup group:  7", "tenant:        acme"} {
				if !strings.Contains(out, want) {
					t.Errorf("ext show lacks %q:\n%s", want, out)
				}
			}
			// The password is kept through a set without --password, and changed with it.
			if _, errs, code := run("ext", "set", "1001", "--call-waiting=true", "--codecs", ""); code != 0 {
				t.Fatal(errs)
			}
			if got := storedExt(t, dir, held, "1001"); got.Password != "Secret1234x" || !got.CallWaitingOn() || len(got.Codecs) != 0 {
				t.Fatalf("after set: password %q call waiting %v codecs %v", got.Password, got.CallWaitingOn(), got.Codecs)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--codecs", "G729"}, `--codecs: "G729": want PCMU, PCMA, G722`},
				{[]string{"--codecs", "PCMU,pcmu"}, "--codecs: PCMU listed twice"},
				{[]string{"--dtmf-mode", "loud"}, "--dtmf-mode:"},
				{[]string{"--permit-ip", "10.0.0.300"}, "--permit-ip:"},
				{[]string{"--recording", "sometimes"}, "--recording:"},
				{[]string{"--language", "x"}, "--language:"},
				{[]string{"--pickup-group", "65"}, "--pickup-group: must be 0..64"},
				{[]string{"--max-contacts", "9"}, "--max-contacts:"},
				{[]string{"--email", "nope"}, "--email"},
				{[]string{"--password", "short"}, "--password"},
				{[]string{"--tenant", "nope"}, `--tenant: no tenant named "nope"`},
				{[]string{"--call-waiting=maybe"}, "call-waiting"},
				{[]string{}, "nothing to change"},
			} {
				if _, errs, code := run(append([]string{"ext", "set", "1001"}, c.args...)...); code == 0 || !strings.Contains(errs, c.want) {
					t.Errorf("ext set %v: code %d %q, want %q", c.args, code, errs, c.want)
				}
			}
			if _, errs, code := run("ext", "add", "1002", "--password", "Secret1234x", "--dtmf-mode", "loud"); code == 0 || !strings.Contains(errs, "--dtmf-mode:") {
				t.Errorf("ext add with a bad setting: %q", errs)
			}
			if _, errs, code := run("ext", "show", "1009"); code == 0 || !strings.Contains(errs, "not found") {
				t.Errorf("ext show of a missing extension: %q", errs)
			}
			if _, errs, code := run("ext", "set", "1009", "--name", "x"); code == 0 || !strings.Contains(errs, "not found") {
				t.Errorf("ext set of a missing extension: %q", errs)
			}
			// Tenant usage: 1 of 3 extensions; calls need the running switch.
			out, errs, code = run("tenant", "usage", "acme")
			if code != 0 || !strings.Contains(out, "extensions:  1 / 3") || !strings.Contains(out, "calls now:") {
				t.Fatalf("tenant usage: %q %s", out, errs)
			}
			if _, errs, code := run("tenant", "usage", "nope"); code == 0 || !strings.Contains(errs, "not found") {
				t.Errorf("tenant usage nope: %q", errs)
			}
			// Stats from the CDRs: 3 attempts, 2 answered, one of them acme's.
			out, errs, code = run("stats", "--hours", "2")
			if code != 0 || !strings.Contains(out, "acme 1/1") || !strings.Contains(out, "(none) 2/1") {
				t.Fatalf("stats: %q %s", out, errs)
			}
			if total := lineWith(out, "total"); !strings.Contains(total, " 3 ") || !strings.Contains(total, " 2 ") || !strings.Contains(total, "66%") {
				t.Fatalf("stats total: %q", total)
			}
			if _, errs, code := run("stats", "--hours", "0"); code == 0 || !strings.Contains(errs, "--hours") {
				t.Errorf("stats --hours 0: %q", errs)
			}
		})
	}
}

// backup list with the switch stopped lists the scheduled backups' files
// in DATA/backups (or --dir), newest first, and nothing else there.
func TestBackupListOffline(t *testing.T) {
	dir := t.TempDir()
	bdir := filepath.Join(dir, "backups")
	os.MkdirAll(bdir, 0o700)
	for _, n := range []string{"hookswitch-backup-20260101T010000.000Z.tar.gz", "hookswitch-backup-20260102T010000.000Z.tar.gz", "other.tar.gz"} {
		os.WriteFile(filepath.Join(bdir, n), []byte("x"), 0o600)
	}
	out, errs, code := cli(t, "backup", "list", "--data", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.Contains(lines[2], "20260102T") || !strings.Contains(lines[3], "20260101T") || strings.Contains(out, "other") {
		t.Fatalf("backup list: %q %s", out, errs)
	}
	out, _, code = cli(t, "backup", "list", "--dir", t.TempDir(), "--data", dir)
	if code != 0 || !strings.Contains(out, "no backups") {
		t.Fatalf("backup list --dir empty: %q", out)
	}
}

// holdStore holds dir's store and serves the API on its control socket,
// as a running switch does.
func holdStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return st
}

// storedExt reads an extension with its password (the API never shows
// it): from the held store, or the data dir's.
func storedExt(t *testing.T, dir string, held *store.Store, number string) store.Extension {
	t.Helper()
	st := held
	if st == nil {
		var err error
		if st, err = store.Open(dir, store.Options{}); err != nil {
			t.Fatal(err)
		}
		defer st.Close()
	}
	e, err := st.GetExtension(number)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func lineWith(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return l
		}
	}
	return ""
}

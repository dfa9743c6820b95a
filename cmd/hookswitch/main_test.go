package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs the command in-process and returns stdout, stderr and the exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestExtensionLifecycleOnDataDir(t *testing.T) {
	dir := t.TempDir()
	if out, errs, code := cli(t, "ext", "add", "1001", "--password", "Secret1234x", "--name", "Desk", "--data", dir); code != 0 || !strings.Contains(out, "created") {
		t.Fatalf("ext add: code %d out %q err %q", code, out, errs)
	}
	out, _, code := cli(t, "ext", "add", "1002", "--data", dir)
	if code != 0 || !strings.Contains(out, "password: ") {
		t.Fatalf("ext add without --password should print a generated one: %q", out)
	}
	if _, errs, code := cli(t, "ext", "add", "1001", "--password", "Secret1234x", "--data", dir); code == 0 || !strings.Contains(errs, "1001") {
		t.Fatalf("adding 1001 twice should fail naming it, got code %d err %q", code, errs)
	}
	out, _, code = cli(t, "ext", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "1001") || !strings.Contains(out, "Desk") || !strings.Contains(out, "1002") {
		t.Fatalf("ext list: %q", out)
	}
	if strings.Contains(out, "Secret1234x") {
		t.Fatal("ext list shows a password")
	}
	if _, _, code := cli(t, "ext", "remove", "1002", "--data", dir); code != 0 {
		t.Fatal("ext remove failed")
	}
	if _, errs, code := cli(t, "ext", "remove", "1002", "--data", dir); code == 0 || !strings.Contains(errs, "not found") {
		t.Fatalf("removing a missing extension should say so, got %q", errs)
	}
	out, _, _ = cli(t, "ext", "list", "--data", dir)
	if strings.Contains(out, "1002") {
		t.Fatalf("1002 still listed after remove: %q", out)
	}
}

func TestBadCLIInputGetsClearErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ext", "add", "12a", "--password", "Secret1234x"}, "number"},
		{[]string{"ext", "add", "1003", "--password", "password1"}, "password"},
		{[]string{"ext", "add", "1004", "--password", "Sh0rt"}, "password"},
		{[]string{"ext", "add"}, "exactly one"},
		{[]string{"ext", "frobnicate"}, "unknown subcommand"},
		{[]string{"ext"}, "want add"},
		{[]string{"ext", "--data"}, "unknown subcommand"},
		{[]string{"cdr", "list", "--limit", "-3"}, "limit"},
		{[]string{"nonsense"}, "unknown command"},
		{[]string{"serve", "--rtp-ports", "abc"}, "--rtp-ports"},
		{[]string{"serve", "--max-contacts", "9"}, "--max-contacts"},
		{[]string{"serve", "--advertise", "not an ip"}, "--advertise"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--digest", "sha-512"}, "--digest"},
		{[]string{"cert", "generate", "--days", "0"}, "--days"},
	} {
		_, errs, code := cli(t, append(tc.args, "--data", dir)...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: want an error mentioning %q, got code %d: %q", tc.args, tc.want, code, errs)
		}
	}
}

func TestCDRListEmptyJSON(t *testing.T) {
	out, errs, code := cli(t, "cdr", "list", "--json", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("cdr list: %q", errs)
	}
	var cdrs []map[string]any
	if err := json.Unmarshal([]byte(out), &cdrs); err != nil || len(cdrs) != 0 {
		t.Fatalf("want an empty JSON array, got %q (%v)", out, err)
	}
}

func TestCertGenerate(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cli(t, "cert", "generate", "--host", "sip.example.com,127.0.0.1", "--data", dir); code != 0 {
		t.Fatalf("cert generate: %q", errs)
	}
	for _, f := range []string{"cert.pem", "key.pem"} {
		if _, err := os.Stat(filepath.Join(dir, "tls", f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, errs, code := cli(t, "cert", "generate", "--data", dir); code == 0 || !strings.Contains(errs, "--force") {
		t.Fatalf("a second generate should refuse without --force: %q", errs)
	}
	// serve's config step loads the certificate and turns TLS on.
	f := serveFlags{data: dir, udp: "127.0.0.1:0", tlsAddr: "127.0.0.1:0", rtpPorts: "20000-20100", advertise: "127.0.0.1", maxContacts: 2, digest: "md5"}
	cfg, err := f.config(nil)
	if err != nil || cfg.TLSConfig == nil || cfg.SIPTLS == "" {
		t.Fatalf("config did not pick up the generated certificate: %v", err)
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := cli(t, "version")
	if code != 0 || !strings.HasPrefix(out, "hookswitch ") {
		t.Fatalf("version: %q", out)
	}
	out, _, code = cli(t, "help")
	if code != 0 || !strings.Contains(out, "ext add") {
		t.Fatalf("help: %q", out)
	}
}
